/**
 * `npm run cluster`: the production shape of docker-compose.yml, as plain processes on this machine (no Docker):
 *   PostgreSQL (initdb on the first run) → Temporal schema (compose's own job script) → Temporal server on it
 *   (CLUSTER_HISTORY_SHARDS history shards) → Web UI (ui-server) → namespace and search attributes, records
 *   database (compose's two setup jobs) → simulators → CLUSTER_WORKERS workers → CLUSTER_API_PROCESSES API processes
 *   behind API_PORT (Node's cluster module, src/api/processes.ts).
 * Every process gets docker-compose.yml's environment for its service (src/cluster/compose.ts); only host names and
 * ports differ. Data stays under DATA_DIR/cluster (PostgreSQL) across runs; the payload key is `npm start`'s
 * (DATA_DIR/payload-keys) unless PAYLOAD_ENCRYPTION_KEYS is set, so the project's CLIs (`npm run keys`, `boleto`,
 * `records` with DATABASE_URL) work against either. One supervised tree, as `npm start`: a banner when /readyz is
 * green, Ctrl-C stops everything in reverse order, a SIGKILLed supervisor's children are stopped by the next run.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { Client as PgClient } from 'pg';
import { type Config, loadConfig } from '../config';
import { createLogger, type Logger } from '../logging';
import { runMain, StartupError } from '../process';
import { simulatorBannerShort, simulatorPorts, writeSimulatedAccounts } from '../simulators/defaults';
import { DataDirLock } from '../supervisor/lock';
import { ManagedProcess } from '../supervisor/managed-process';
import { waitReady } from '../supervisor/ready';
import { busyPorts, type PortClaim } from '../supervisor/ports';
import { temporalServerLogLine } from '../supervisor/temporal-log';
import { formatPayloadKeys } from '../temporal/codec';
import { loadPayloadKeys } from '../temporal/keys';
import { retryUntil } from '../temporal/retry';
import { waitForNamespace } from '../temporal/dev-server';
import { PROJECT_ROOT, VERSION } from '../version';
import { appServiceEnv } from './app';
import { readCompose } from './compose';
import { ensureCluster, postgresBinDir, postgresCommand } from './postgres';
import { schemaJobEnv, serverArgs, serverEnv, temporalPorts, temporalTools, uiArgs, uiEnv } from './temporal';

const ext = __filename.endsWith('.ts') ? '.ts' : '.js';
const node = (relative: string) => ({
  command: process.execPath,
  args: [...process.execArgv, join(PROJECT_ROOT, 'src', relative + ext)],
});

const settingsSchema = z.object({
  CLUSTER_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(5433),
  CLUSTER_HISTORY_SHARDS: z.coerce.number().int().min(1).max(1024).default(4),
  CLUSTER_WORKERS: z.coerce.number().int().min(1).max(16).default(2),
  CLUSTER_API_PROCESSES: z.coerce.number().int().min(1).max(16).default(2),
  /** scripts/temporal-server-bin.sh's output (npm run cluster passes it). */
  CLUSTER_TEMPORAL_TOOLS: z.string().min(1, 'run scripts/temporal-server-bin.sh (npm run cluster does)'),
});
export type ClusterSettings = z.infer<typeof settingsSchema>;

function loadSettings(): ClusterSettings {
  const r = settingsSchema.safeParse(process.env);
  if (!r.success)
    throw new StartupError(
      `cluster settings: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}

/** A one-shot step (schema job, setup jobs): resolves when it exits 0, else fails with the end of its output. */
function runOnce(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, logger: Logger): Promise<void> {
  return new Promise((ok, fail) => {
    const out: string[] = [];
    const c = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d: Buffer) => {
      out.push(d.toString());
      for (const line of d.toString().split('\n')) if (line.trim()) logger.debug({ component: name }, line);
    };
    c.stdout.on('data', keep);
    c.stderr.on('data', keep);
    c.once('error', fail);
    c.once('exit', (code) =>
      code === 0 ? ok() : fail(new Error(`${name} failed (exit ${code}):\n${out.join('').slice(-3000)}`)),
    );
  });
}

async function waitForPostgres(url: string, timeoutMs: number): Promise<void> {
  await retryUntil(
    async () => {
      const c = new PgClient({ connectionString: url, connectionTimeoutMillis: 3000 });
      c.on('error', () => undefined);
      try {
        await c.connect();
        await c.query('select 1');
      } finally {
        await c.end().catch(() => undefined);
      }
    },
    { timeoutMs, intervalMs: 250 },
  );
}

function banner(c: Config, s: ClusterSettings, pgPort: number, apiUrl: string): string {
  return [
    '',
    `  boletoflow ${VERSION} is up as a cluster (Temporal ${s.CLUSTER_HISTORY_SHARDS} history shards on PostgreSQL; namespace ${c.TEMPORAL_NAMESPACE})`,
    `  Temporal         127.0.0.1:${c.TEMPORAL_PORT}`,
    `  Temporal Web UI  http://localhost:${c.TEMPORAL_UI_PORT}/namespaces/${c.TEMPORAL_NAMESPACE}/workflows`,
    `  API              ${apiUrl}   (${s.CLUSTER_API_PROCESSES} processes)   workers: ${s.CLUSTER_WORKERS}`,
    `  PostgreSQL       127.0.0.1:${pgPort}   (temporal, temporal_visibility, boletoflow_records; data in ${resolve(c.DATA_DIR, 'cluster', 'postgres')})`,
    ...(c.SIMULATORS_ENABLED ? [`  Simulators       ${simulatorBannerShort(c)}`] : []),
    `  Health           ${apiUrl}/healthz   ready: ${apiUrl}/readyz   docs: ${apiUrl}/docs`,
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const config = loadConfig();
  const settings = loadSettings();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'boletoflow-cluster' });
  const dataDir = resolve(config.DATA_DIR);
  const clusterDir = join(dataDir, 'cluster');
  const pgDir = join(clusterDir, 'postgres');
  const pgPort = settings.CLUSTER_POSTGRES_PORT;
  const tools = temporalTools(settings.CLUSTER_TEMPORAL_TOOLS);
  const apiUrl = `http://localhost:${config.API_PORT}`;

  const lock = new DataDirLock(dataDir);
  await lock.acquire();
  // `npm start`'s key unless one is given: the CLIs (keys, boleto) encrypt with it too.
  const payloadKeys =
    config.PAYLOAD_ENCRYPTION_KEYS ?? formatPayloadKeys(loadPayloadKeys({ ...config, TEMPORAL_ADDRESS: undefined }));
  const compose = readCompose({ ...process.env, PAYLOAD_ENCRYPTION_KEYS: payloadKeys });
  const pgUser = compose.services.postgresql?.environment?.POSTGRES_USER ?? 'temporal';
  const pgPassword = compose.services.postgresql?.environment?.POSTGRES_PASSWORD ?? 'temporal';

  const ports = temporalPorts(config.TEMPORAL_PORT);
  const tooHigh = Object.entries(ports).filter(([, p]) => p > 32_767 || p < 1);
  if (tooHigh.length) {
    // cluster_membership.rpc_port is a smallint in Temporal's PostgreSQL schema: the server fails at start otherwise.
    lock.release();
    throw new StartupError(
      `TEMPORAL_PORT=${config.TEMPORAL_PORT} puts ${tooHigh.map(([k, p]) => `${k}=${p}`).join(', ')} out of 1..32767 (Temporal stores membership ports as smallint): choose a TEMPORAL_PORT between 1024 and 32000`,
    );
  }
  const claims: PortClaim[] = [
    { port: pgPort, host: '127.0.0.1', variable: 'CLUSTER_POSTGRES_PORT', what: 'PostgreSQL' },
    ...Object.entries(ports).map(([k, port]) => ({
      port,
      host: '127.0.0.1',
      variable: 'TEMPORAL_PORT',
      what: `Temporal ${k}`,
    })),
    { port: config.TEMPORAL_UI_PORT, host: '127.0.0.1', variable: 'TEMPORAL_UI_PORT', what: 'Temporal Web UI' },
    { port: config.API_PORT, host: config.API_HOST, variable: 'API_PORT', what: 'HTTP API' },
  ];
  if (config.SIMULATORS_ENABLED) claims.push(...simulatorPorts(config));
  const metricsPorts = config.WORKER_METRICS_PORT
    ? Array.from({ length: settings.CLUSTER_WORKERS }, (_, i) => config.WORKER_METRICS_PORT + i)
    : [];
  for (const p of metricsPorts)
    claims.push({
      port: p,
      host: '0.0.0.0',
      variable: 'WORKER_METRICS_PORT',
      what: 'worker metrics (one port per worker from it; 0 turns them off)',
    });
  const busy = await busyPorts(claims);
  if (busy.length) {
    lock.release();
    throw new StartupError(`cannot start the cluster:\n${busy.map((b) => `  ${b}`).join('\n')}`);
  }

  const children: ManagedProcess[] = [];
  let shuttingDown: Promise<void> | undefined;
  const shutdown = (reason: string, exitCode = 0): Promise<void> => {
    shuttingDown ??= (async () => {
      logger.info({ reason }, 'stopping the cluster');
      for (const child of [...children].reverse()) await child.stop();
      lock.release();
      logger.info('stopped');
      process.exit(exitCode);
    })();
    return shuttingDown;
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void shutdown(sig));
  const start = (spec: ConstructorParameters<typeof ManagedProcess>[0], marker: string): ManagedProcess => {
    const p = new ManagedProcess(spec, logger, {
      onStart: (pid) => lock.recordChild(spec.name, pid, marker),
      onGiveUp: (n) => void shutdown(`${n} failed`, 1),
    });
    children.push(p);
    p.start();
    return p;
  };
  const quiet = () => shuttingDown !== undefined;

  try {
    // 1. PostgreSQL.
    const binDir = await postgresBinDir();
    if (await ensureCluster({ dataDir: pgDir, binDir, user: pgUser, password: pgPassword }))
      logger.info({ dir: pgDir }, 'PostgreSQL cluster created (initdb)');
    const [pgCmd, pgArgs] = await postgresCommand({ dataDir: pgDir, binDir, port: pgPort, host: '127.0.0.1' });
    start(
      {
        name: 'postgres',
        command: pgCmd,
        args: pgArgs,
        stopSignal: 'SIGINT', // fast shutdown: clients are already gone when it comes to this
        stopTimeoutMs: 30_000,
        onLine: (line) => line.trim() && logger.debug({ component: 'postgres' }, line),
      },
      'postgres',
    );
    const adminUrl = `postgres://${encodeURIComponent(pgUser)}:${encodeURIComponent(pgPassword)}@127.0.0.1:${pgPort}/postgres`;
    await waitForPostgres(adminUrl, 60_000);

    // 2. Temporal's schema: compose's own job script, with the schema tool this project built on PATH.
    await runOnce(
      'temporal-schema',
      'sh',
      [join(PROJECT_ROOT, 'deploy', 'temporal', 'setup-postgres.sh')],
      {
        ...process.env,
        ...schemaJobEnv(compose, { port: pgPort }, tools),
        PATH: `${tools.dir}:${process.env.PATH ?? ''}`,
      },
      logger,
    );
    logger.info('Temporal schema ready');

    // 3. The Temporal server, then the Web UI.
    start(
      {
        name: 'temporal-server',
        command: tools.server,
        args: serverArgs(tools),
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          ...serverEnv(compose, {
            pgPort,
            frontendPort: config.TEMPORAL_PORT,
            shards: settings.CLUSTER_HISTORY_SHARDS,
          }),
        },
        cwd: tools.dir,
        stopTimeoutMs: 30_000,
        onLine: temporalServerLogLine(logger, quiet),
      },
      'temporal-server',
    );
    await waitForNamespace(`127.0.0.1:${config.TEMPORAL_PORT}`, 'temporal-system', 120_000);
    start(
      {
        name: 'temporal-ui',
        command: tools.uiServer,
        args: uiArgs(tools),
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          ...uiEnv(compose, {
            frontendPort: config.TEMPORAL_PORT,
            uiPort: config.TEMPORAL_UI_PORT,
            apiPort: config.API_PORT,
          }),
        },
        onLine: (line) => line.trim() && logger.debug({ component: 'temporal-ui' }, line),
      },
      'temporal-ui-server',
    );

    // 4. Compose's setup jobs: namespace + search attributes, and the records database.
    const appEnv = (service: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
      ...process.env,
      ...appServiceEnv(compose, service, {
        temporalPort: config.TEMPORAL_PORT,
        pgPort,
        apiPort: config.API_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
      }),
      // What compose does not know: this machine's simulators and data folder, and the operator's own settings.
      DATA_DIR: clusterDir,
      ...extra,
    });
    await runOnce(
      'boletoflow-setup',
      node('temporal/setup').command,
      node('temporal/setup').args,
      appEnv('boletoflow-setup'),
      logger,
    );
    await runOnce(
      'boletoflow-records-setup',
      node('cli/records').command,
      [...node('cli/records').args, 'migrate', '--create-database'],
      appEnv('boletoflow-records-setup'),
      logger,
    );
    logger.info('namespace, search attributes and records database ready');

    // 5. Simulators, workers, API processes (the simulators' default accounts injected for the workers and the API).
    writeSimulatedAccounts(clusterDir);
    const stopMs = (config.WORKER_SHUTDOWN_GRACE_SECONDS + 25) * 1000;
    if (config.SIMULATORS_ENABLED)
      start(
        {
          name: 'simulators',
          ...node('simulators/main'),
          env: { ...process.env, DATA_DIR: clusterDir },
          ipc: true,
          stopTimeoutMs: stopMs,
        },
        `simulators/main${ext}`,
      );
    for (let i = 1; i <= settings.CLUSTER_WORKERS; i++) {
      const env = appEnv('boletoflow-worker', { WORKER_METRICS_PORT: String(metricsPorts[i - 1] ?? 0) });
      start({ name: `worker-${i}`, ...node('worker'), env, ipc: true, stopTimeoutMs: stopMs }, `worker${ext}`);
    }
    start(
      {
        name: 'api',
        ...node('api/processes'),
        env: appEnv('boletoflow-api', { API_PROCESSES: String(settings.CLUSTER_API_PROCESSES) }),
        ipc: true,
        stopTimeoutMs: stopMs,
      },
      `api/processes${ext}`,
    );
    await waitReady(apiUrl, 180_000);
  } catch (e) {
    logger.error({ err: e }, 'the cluster did not come up');
    await shutdown('not ready', 1);
    return;
  }
  process.stdout.write(banner(config, settings, pgPort, apiUrl) + '\n');
}

runMain(main);
