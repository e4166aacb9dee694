/**
 * The records store's connection: Kysely over a `pg` pool, to PostgreSQL (DATABASE_URL) or to the embedded PGlite
 * server (embedded-server.ts) that `npm start` runs. Dates come back as YYYY-MM-DD strings and bigints as numbers
 * (amounts in cents and change counters stay far below 2^53).
 */
import { Kysely, Migrator, PostgresDialect, type Migration, type MigrationResultSet } from 'kysely';
import pg from 'pg';
import * as m0001 from './migrations/0001-boleto-records';
import { PreparedStatementsClient } from './prepared';
import type { RecordsDatabase } from './schema';

const PG_DATE = 1082;
const PG_INT8 = 20;

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === PG_DATE) return (v: string) => v;
    if (oid === PG_INT8) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format) as (v: string) => unknown;
  },
};

export interface RecordsDbOptions {
  /** Connections in this process's pool (default 8). */
  maxConnections?: number;
  /** Statement timeout in ms (default 15 s): a stuck query fails instead of holding a request. */
  statementTimeoutMs?: number;
  applicationName?: string;
}

export type RecordsDb = Kysely<RecordsDatabase>;

export function openRecordsDb(url: string, opts: RecordsDbOptions = {}): RecordsDb {
  const pool = new pg.Pool({
    // The writes as named prepared statements: parsed and planned once per connection (prepared.ts says why).
    Client: PreparedStatementsClient,
    connectionString: url,
    max: opts.maxConnections ?? 8,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    statement_timeout: opts.statementTimeoutMs ?? 15_000,
    application_name: opts.applicationName ?? 'boletoflow',
    types,
  });
  // An idle connection the server dropped (restart) is an 'error' event on the pool: the next query reconnects.
  pool.on('error', () => undefined);
  return new Kysely<RecordsDatabase>({ dialect: new PostgresDialect({ pool }) });
}

/** Every migration, in order (bundled, so a build or an image needs no migrations folder on disk). */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-boleto-records': m0001,
};

/** Brings the schema to the latest version. Safe to run from several processes at once (the migrator locks). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
export async function migrateRecords(db: Kysely<any>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
    migrationTableName: 'records_migrations',
    migrationLockTableName: 'records_migrations_lock',
  });
  const result = await migrator.migrateToLatest();
  if (result.error)
    throw result.error instanceof Error
      ? result.error
      : new Error(`records migration failed: ${JSON.stringify(result.error)}`);
  return result;
}

/** Connection-level failures (server down, restarting, unreachable): the caller may retry; nothing was written. */
export function isStoreUnavailable(e: unknown): boolean {
  const err = e as { code?: string; message?: string } | undefined;
  if (!err) return false;
  if (
    err.code &&
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      '57P01',
      '57P02',
      '57P03',
      '08000',
      '08001',
      '08003',
      '08006',
    ].includes(err.code)
  )
    return true;
  return /timeout exceeded when trying to connect|Connection terminated/i.test(err.message ?? '');
}
