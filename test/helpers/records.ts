/** A records store on a fresh database of the run's real PostgreSQL server (test/helpers/postgres.ts). */
import { type BoletoRecords, openRecords } from '../../src/records';
import { newPayloadKey, type PayloadKey } from '../../src/temporal/codec';
import { testDatabase } from './postgres';

export async function testRecords(
  keys: PayloadKey[] = [newPayloadKey('test-1')],
): Promise<BoletoRecords & { url: string }> {
  const url = await testDatabase('records');
  return Object.assign(await openRecords(url, keys, { maxConnections: 4 }), { url });
}
