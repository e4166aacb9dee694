/**
 * The records store, for whoever runs the installation:
 *   npm run --silent records -- migrate [--create-database]   schema up to date (and the database created if missing)
 *   npm run --silent records -- backfill                       import boletos Temporal has and the store lacks
 *   npm run --silent records -- reconcile                      one drift-repair run now (the schedule does it every few minutes)
 *   npm run --silent records -- purge --by <who> [--yes]       remove boletos final for more than RECORDS_RETENTION_YEARS
 * Uses DATABASE_URL (or the embedded store while `npm start` runs) and the configured Temporal. Results are JSON on stdout.
 */
import { parseArgs } from 'node:util';
import type { Client } from '@temporalio/client';
import pg from 'pg';
import { loadConfig, recordsUrl, temporalAddress } from '../config';
import { type BoletoRecords, openRecords } from '../records';
import { reconcileRecords } from '../records/sync';
import { runMain, StartupError } from '../process';
import { connectClient } from '../temporal/connection';
import { loadPayloadKeys } from '../temporal/keys';
import { saoPauloDate } from '../domain';

const USAGE = `usage:
  records migrate [--create-database]
  records backfill
  records reconcile
  records purge --by <who> [--yes]   (RECORDS_RETENTION_YEARS years; without --yes only counts)`;

export interface RecordsCliDeps {
  records: () => Promise<BoletoRecords>;
  temporal: () => Promise<Client>;
  retentionYears?: number;
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Creates the database named in the URL if it does not exist (connecting to the server's `postgres` database). */
export async function createDatabaseIfMissing(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, '')) || 'postgres';
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = new pg.Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    await c.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } finally {
    await c.end();
  }
}

export async function runRecordsCli(argv: string[], deps: RecordsCliDeps): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { by: { type: 'string' }, yes: { type: 'boolean' }, 'create-database': { type: 'boolean' } },
  });
  const [command] = positionals;
  if (!command || !['migrate', 'backfill', 'reconcile', 'purge'].includes(command)) throw new StartupError(USAGE);
  if (command === 'purge' && !values.by) throw new StartupError('purge needs --by <who> (recorded with the purge)');
  if (command === 'purge' && deps.retentionYears === undefined)
    throw new StartupError('RECORDS_RETENTION_YEARS is not set: records are kept forever, nothing to purge');
  const records = await deps.records(); // migrates
  try {
    if (command === 'migrate') return deps.out(JSON.stringify({ migrated: true }));
    if (command === 'purge') {
      const today = saoPauloDate(Date.now());
      if (!values.yes) {
        const { cutoff, boletos } = await records.purgeable({ years: deps.retentionYears!, today });
        deps.out(JSON.stringify({ wouldPurge: boletos, cutoff, retentionYears: deps.retentionYears }));
        deps.err('Nothing removed: run again with --yes to purge.');
        return;
      }
      deps.out(JSON.stringify(await records.purge({ years: deps.retentionYears!, by: values.by!, today })));
      return;
    }
    const client = await deps.temporal();
    const result = await reconcileRecords(client, records, {
      scope: command === 'backfill' ? 'all' : 'recent',
      onProgress: (r) =>
        deps.err(`scanned ${r.scanned}, imported ${r.imported}, repaired ${r.repaired}, failed ${r.failed}`),
    });
    deps.out(JSON.stringify(result));
  } finally {
    await records.close();
  }
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig();
    const url = recordsUrl(config)!;
    let client: Client | undefined;
    try {
      await runRecordsCli(process.argv.slice(2), {
        retentionYears: config.RECORDS_RETENTION_YEARS,
        records: async () => {
          if (process.argv.includes('--create-database') && (await createDatabaseIfMissing(url)))
            process.stderr.write('database created\n');
          try {
            return await openRecords(url, loadPayloadKeys(config), { applicationName: 'boletoflow-records-cli' });
          } catch (e) {
            throw new StartupError(
              `cannot open the records store (is boletoflow running? npm start; or set DATABASE_URL): ${(e as Error).message}`,
            );
          }
        },
        temporal: async () => {
          try {
            return (client = await connectClient(config));
          } catch (e) {
            throw new StartupError(`cannot reach Temporal at ${temporalAddress(config)}: ${(e as Error).message}`);
          }
        },
        out: (l) => process.stdout.write(l + '\n'),
        err: (l) => process.stderr.write(l + '\n'),
      });
    } finally {
      await client?.connection.close();
    }
  });
}
