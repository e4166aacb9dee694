/**
 * The API process of bench/records.ts: the real app (src/api/app.ts buildApp, served by src/api/http-server.ts
 * listen, as src/api/server.ts does) over the seeded records store, in a process of its own so its memory and CPU
 * are its own. Not started by hand: bench/records.ts spawns it with an IPC channel and reads its port from there.
 *
 * Two things differ from src/api/server.ts, neither on the routes measured:
 * - API keys: the same AccessCache and authenticate() as production, over a fixed snapshot of the access registry
 *   (the bench's key) instead of the registry workflow. In production the cache answers from its snapshot too and
 *   refreshes it in the background, so no request measured here would have waited on Temporal either.
 * - Temporal: a lazy connection to nowhere. The list, search, export, report and GET routes read the records
 *   store only (GET reads through to the workflow for a boleto the store lacks; every boleto asked for is seeded),
 *   so a request that reached Temporal would fail and show as a non-200 in the results.
 * Over IPC it answers {mem: n} with {mem: n, usage: process.memoryUsage()} (after a full GC for {mem: n, gc: true};
 * bench/records.ts starts it with --expose-gc), so the export's memory can be told from garbage not yet collected.
 * Environment: RECORDS_BENCH_DATABASE_URL, RECORDS_BENCH_PAYLOAD_KEYS (the ring the rows were sealed with),
 * RECORDS_BENCH_ACCESS (JSON AccessSnapshot). Logs errors only, as `npm run bench` runs the stack (LOG_LEVEL=error).
 */
import { Client, Connection } from '@temporalio/client';
import { AccessCache } from '../src/api/auth';
import { buildApp } from '../src/api/app';
import { closeGracefully, listen } from '../src/api/http-server';
import { createLogger } from '../src/logging';
import { openRecords } from '../src/records';
import { parsePayloadKeys } from '../src/temporal/codec';
import type { AccessSnapshot } from '../src/contracts/access';

async function main(): Promise<void> {
  const env = (name: string) => {
    const v = process.env[name];
    if (!v) throw new Error(`${name} is not set (bench/records-api.ts is started by bench/records.ts)`);
    return v;
  };
  const logger = createLogger({ level: 'error', name: 'boletoflow-api' });
  const records = await openRecords(
    env('RECORDS_BENCH_DATABASE_URL'),
    parsePayloadKeys(env('RECORDS_BENCH_PAYLOAD_KEYS')),
    { applicationName: 'boletoflow-api' },
  );
  const snapshot = JSON.parse(env('RECORDS_BENCH_ACCESS')) as AccessSnapshot;
  // The options buildApp gives its own cache (TTL 5 s, refreshed ahead from 3 s).
  const access = new AccessCache({ snapshot: () => Promise.resolve(snapshot) }, { ttlMs: 5_000, minRefreshMs: 1_000 });
  const client = new Client({ connection: Connection.lazy({ address: '127.0.0.1:9' }), namespace: 'boletoflow' });
  const { app } = buildApp({
    client,
    namespace: 'boletoflow',
    taskQueue: 'boletoflow',
    logger,
    records,
    access,
    rateLimitPerMinute: 1_000_000,
  });
  const server = await listen(app, 0, '127.0.0.1');
  server.keepAliveTimeout = 65_000;
  const stop = () =>
    void closeGracefully(server)
      .then(() => records.close())
      .finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  process.on('message', (m: { mem?: number; gc?: boolean }) => {
    if (m.mem === undefined) return;
    if (m.gc) (globalThis as { gc?: () => void }).gc?.();
    process.send!({ mem: m.mem, usage: process.memoryUsage() });
  });
  process.send!({ port: (server.address() as { port: number }).port });
}

main().catch((e: unknown) => {
  process.stderr.write(`records-api failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
