/**
 * Several API processes behind one port, with Node's own cluster module (`npm run cluster` runs this with
 * API_PROCESSES=2): the primary forks that many `api/server` processes, which all listen on API_PORT; on Linux the
 * primary accepts connections and hands them round-robin to the processes. Chosen over a reverse proxy because
 * it adds no program, no dependency and no second hop, and each API process is stateless towards the others
 * (keys come from the registry workflow, boletos from the records store; rate limits are per process).
 *
 * A process that dies (a crash, kill -9) is forked again at once; its open connections are lost, and the clients'
 * retries with the same Idempotency-Key reach another process. More than 5 deaths in a minute: the primary exits
 * with an error, and its own supervisor decides. SIGTERM/SIGINT (or the supervisor's IPC channel closing) stops every
 * process gracefully (each finishes its requests) before the primary exits.
 */
import cluster, { type Worker } from 'node:cluster';
import { join } from 'node:path';
import { loadConfig } from '../config';
import { createLogger } from '../logging';

const ext = __filename.endsWith('.ts') ? '.ts' : '.js';

function main(): void {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'boletoflow-api-primary' });
  const count = Math.max(1, Number(process.env.API_PROCESSES ?? 2));
  cluster.setupPrimary({ exec: join(__dirname, `server${ext}`), execArgv: process.execArgv });
  let stopping = false;
  const deaths: number[] = [];
  const fork = (): Worker => cluster.fork({ API_PROCESS_INDEX: String(Object.keys(cluster.workers ?? {}).length + 1) });

  cluster.on('exit', (w, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    const now = Date.now();
    deaths.push(now);
    while (deaths.length && now - deaths[0]! > 60_000) deaths.shift();
    if (deaths.length > 5) {
      logger.error({ code, signal }, 'API processes keep dying; giving up');
      stop(1);
      return;
    }
    logger.warn({ pid: w.process.pid, code, signal }, 'an API process exited; starting another');
    fork();
  });

  const stop = (exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    if (!workers.length) process.exit(exitCode);
    for (const w of workers) w.process.kill('SIGTERM');
    // Each process stops on its own schedule (server.ts drains); if one hangs, the supervisor's SIGKILL ends us all.
    cluster.on('exit', () => Object.keys(cluster.workers ?? {}).length === 0 && process.exit(exitCode));
  };
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => stop());
  process.on('disconnect', () => stop());

  for (let i = 0; i < count; i++) fork();
  logger.info({ processes: count, port: config.API_PORT }, 'API processes started');
}

main();
