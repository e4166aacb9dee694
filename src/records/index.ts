/**
 * The records store, opened: the connection, the schema brought up to date, the key ring for personal data.
 * Worker and API processes each open one (the migrator's lock makes concurrent starts safe).
 */
import type { PayloadKey } from '../temporal/codec';
import { migrateRecords, openRecordsDb, type RecordsDbOptions } from './db';

export { isStoreUnavailable } from './db';
import { RecordProtector } from './protect';
import { BoletoRecords } from './store';

export { BoletoRecords } from './store';
export type {
  Beneficiary,
  DailyTotals,
  ExportRow,
  KeyClaim,
  ListCursor,
  ListFilters,
  ListPage,
  Printable,
} from './store';

export async function openRecords(
  url: string,
  keys: PayloadKey[],
  opts: RecordsDbOptions = {},
): Promise<BoletoRecords> {
  const db = openRecordsDb(url, opts);
  try {
    await migrateRecords(db);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return new BoletoRecords(db, new RecordProtector(keys));
}

/** Thrown by the stand-in store of an API built without one: the API answers 503, never 500. */
export class RecordsNotConfigured extends Error {
  override name = 'RecordsNotConfigured';
  constructor() {
    super('the records store is not configured (DATABASE_URL)');
  }
}

/** A stand-in for processes built without a store (some tests): every call rejects with RecordsNotConfigured. */
export const unconfiguredRecords = (): BoletoRecords =>
  new Proxy({} as BoletoRecords, {
    get: (_t, prop) => (prop === 'then' ? undefined : () => Promise.reject(new RecordsNotConfigured())),
  });
