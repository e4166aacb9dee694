/**
 * The embedded records store (the `records` child of `npm start` when DATABASE_URL is unset): PGlite (Postgres
 * compiled to WASM) with its data in DATA_DIR/records, served over the Postgres wire protocol on
 * RECORDS_HOST:RECORDS_PORT so worker and API use ordinary `pg` pools, as they do against a real server.
 *
 * PGlite is one single-user backend: the socket server runs one client's batch of protocol messages at a time
 * (pglite-queue.ts), and while a client is inside a transaction only that client's messages run (the others queue
 * until COMMIT/ROLLBACK).
 * SIGTERM/SIGINT stop accepting, roll back what is open and close PGlite, leaving the data directory consistent.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { BatchQueue } from './pglite-queue';
import { loadConfig } from '../config';
import { createLogger, type Logger } from '../logging';
import { onShutdown, runMain, StartupError } from '../process';

/** Where the embedded store keeps its Postgres data directory. */
export const recordsDataDir = (dataDir: string): string => join(resolve(dataDir), 'records');

export interface EmbeddedRecordsOptions {
  /** DATA_DIR: the Postgres data directory is `<dataDir>/records` (created, with initdb, if missing). */
  dataDir: string;
  /** Bind address (default 127.0.0.1). */
  host?: string;
  /** 0 = any free port (the URL returned says which). */
  port: number;
  logger: Logger;
  /** Concurrent client connections (default 32). */
  maxConnections?: number;
  /** How often the server runs ANALYZE (default 10 min) and VACUUM (default 1 h) itself (PGlite has no autovacuum). */
  analyzeEveryMs?: number;
  vacuumEveryMs?: number;
}

export interface EmbeddedRecordsServer {
  /** postgres://postgres@<host>:<port>/postgres, for `pg` / DATABASE_URL. */
  url: string;
  /** The Postgres data directory. */
  dir: string;
  /** Stops accepting, rolls back an open transaction, closes PGlite. Idempotent. */
  close(): Promise<void>;
}

const hasDatabase = (dir: string) => existsSync(join(dir, 'PG_VERSION'));

/** initdb in a worker thread: its WASM memory (~500 MB while initdb runs) goes back to the OS when the thread ends. */
const INITDB_IN_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglite);
PGlite.create({ dataDir: workerData.dir }).then((db) => db.close()).then(() => parentPort.postMessage('done'));
`;

/**
 * First start: initdb into a sibling folder and rename it into place once PGlite has closed it, so a start that
 * is interrupted (Ctrl-C, kill) during initdb leaves no half-initialised directory that PGlite would later take
 * for a database (it only looks for PG_VERSION).
 */
async function initDatabase(dir: string, staging: string): Promise<number> {
  mkdirSync(staging, { recursive: true });
  const t0 = performance.now();
  await new Promise<void>((ok, fail) => {
    let done = false;
    const w = new Worker(INITDB_IN_THREAD, {
      eval: true,
      workerData: { dir: staging, pglite: require.resolve('@electric-sql/pglite') },
    });
    w.once('message', () => (done = true));
    w.once('error', fail);
    w.once('exit', (code) =>
      done ? ok() : fail(new Error(`records store: initdb in ${staging} failed (thread exit ${code})`)),
    );
  });
  const ms = Math.round(performance.now() - t0);
  if (existsSync(dir)) rmSync(dir, { recursive: true }); // only ever an empty folder here (checked by the caller)
  renameSync(staging, dir);
  return ms;
}

export async function startEmbeddedRecordsServer(opts: EmbeddedRecordsOptions): Promise<EmbeddedRecordsServer> {
  const { logger } = opts;
  const dir = recordsDataDir(opts.dataDir);
  const host = opts.host ?? '127.0.0.1';
  mkdirSync(resolve(opts.dataDir), { recursive: true });

  let initdbMs: number | undefined;
  const staging = `${dir}.initdb`;
  rmSync(staging, { recursive: true, force: true }); // left by an interrupted first start
  if (!hasDatabase(dir)) {
    if (existsSync(dir) && readdirSync(dir).length > 0) {
      throw new StartupError(
        `cannot start the records store: ${dir} is not empty but holds no database (no PG_VERSION); move it away`,
      );
    }
    initdbMs = await initDatabase(dir, staging);
  }

  const t0 = performance.now();
  const db = await PGlite.create({ dataDir: dir });
  const openMs = Math.round(performance.now() - t0);

  const server = new PGLiteSocketServer({ db, host, port: opts.port, maxConnections: opts.maxConnections ?? 32 });
  // The package's queue interleaves batches of different connections (see pglite-queue.ts): ours keeps each whole.
  const internals = server as unknown as { queryQueue?: unknown };
  if (!('queryQueue' in internals))
    throw new Error('pglite-socket changed: no queryQueue to replace (see src/records/pglite-queue.ts)');
  const queue = new BatchQueue(db);
  internals.queryQueue = queue;
  try {
    await server.start();
  } catch (e) {
    await db.close();
    throw e;
  }
  // getServerConn() reports the bound port (port 0 → the one the OS chose).
  const port = Number(server.getServerConn().split(':').pop());
  const connectHost = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  const url = `postgres://postgres@${connectHost.includes(':') ? `[${connectHost}]` : connectHost}:${port}/postgres`;
  logger.info(
    {
      url,
      dir,
      openMs,
      ...(initdbMs !== undefined ? { initdbMs } : {}),
      rssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
    },
    'records store (embedded PGlite) listening',
  );

  // PGlite is a single-user backend: no autovacuum, no automatic ANALYZE. Without statistics the planner picks
  // whole-tenant scans (the list's first page, every export batch), and dead row versions pile up for good. So the
  // server does both itself, between clients' turns.
  const maintenance = [
    { sql: 'ANALYZE', everyMs: opts.analyzeEveryMs ?? 10 * 60_000 },
    { sql: 'VACUUM', everyMs: opts.vacuumEveryMs ?? 60 * 60_000 },
  ].map(({ sql, everyMs }) =>
    setInterval(() => {
      queue.maintain(sql).then(
        (ms) => logger.debug({ sql, ms }, 'records store maintenance'),
        (err: unknown) => logger.warn({ err, sql }, 'records store maintenance failed'),
      );
    }, everyMs).unref(),
  );

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      for (const t of maintenance) clearInterval(t);
      // stop() detaches every connection; a connection inside a transaction queues a ROLLBACK, which
      // db.close() waits for (it takes PGlite's query lock), so nothing half-done reaches the files.
      await server.stop();
      await db.close();
      logger.info({ dir }, 'records store closed');
    })());
  return { url, dir, close };
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig();
    const logger = createLogger({ level: config.LOG_LEVEL, name: 'boletoflow-records' });
    const starting = startEmbeddedRecordsServer({
      dataDir: config.DATA_DIR,
      host: config.RECORDS_HOST,
      port: config.RECORDS_PORT,
      logger,
    });
    // Registered in the same tick, before PGlite opens: a SIGTERM during start-up (initdb takes seconds) waits
    // for it to finish, then closes.
    onShutdown(async (reason) => {
      logger.info({ reason }, 'records store stopping');
      const server = await starting.catch(() => undefined);
      await server?.close();
    });
    await starting;
  });
}
