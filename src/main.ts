/**
 * `npm start`: the whole service on the embedded default, as one supervised process tree:
 *   temporal dev server (unless TEMPORAL_ADDRESS points at a cluster) + records store (embedded PGlite, unless
 *   DATABASE_URL points at a PostgreSQL server) → simulators → worker → API.
 * Prints a banner when /readyz is green. SIGINT/SIGTERM stop everything in order: API (no new requests),
 * worker (drains), simulators, the records store (PGlite closed cleanly), then the Temporal server (SQLite closed
 * cleanly); nothing is left running.
 */
import { join, resolve } from 'node:path';
import { Client as PgClient } from 'pg';
import { codecEndpointUrl, type Config, isEmbedded, loadConfig, recordsUrl, temporalAddress } from './config';
import { createLogger, type Logger } from './logging';
import { runMain, StartupError } from './process';
import { recordsDataDir } from './records/embedded-server';
import { applyRetention, devServerArgs, devServerDbFile, waitForNamespace } from './temporal/dev-server';
import { loadPayloadKeys } from './temporal/keys';
import { retryUntil } from './temporal/retry';
import { simulatorBanner, simulatorPorts, writeSimulatedAccounts } from './simulators/defaults';
import { DataDirLock } from './supervisor/lock';
import { ManagedProcess } from './supervisor/managed-process';
import { waitReady } from './supervisor/ready';
import { busyPorts, type PortClaim } from './supervisor/ports';
import { temporalServerLogLine } from './supervisor/temporal-log';
import { PROJECT_ROOT, VERSION } from './version';

const ext = __filename.endsWith('.ts') ? '.ts' : '.js';

/** A node child running one of our entrypoints, with the same loader flags (tsx in dev, none in dist). */
function nodeEntrypoint(relative: string): { command: string; args: string[] } {
  return { command: process.execPath, args: [...process.execArgv, join(__dirname, relative + ext)] };
}

/** Resolves once the records store answers a query (the embedded server takes seconds to open, more on first start). */
async function waitForRecords(url: string, timeoutMs: number, logger: Logger): Promise<void> {
  await retryUntil(
    async () => {
      const client = new PgClient({ connectionString: url, connectionTimeoutMillis: 5000 });
      client.on('error', () => undefined); // a reset after connect surfaces as the query's rejection instead
      try {
        await client.connect();
        await client.query('select 1');
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    {
      timeoutMs,
      intervalMs: 250,
      onRetry: (err, n) => n % 40 === 0 && logger.warn({ err }, 'waiting for the records store'),
    },
  );
}

/** Where the records live, for the banner: never the URL's credentials. */
function recordsWhere(config: Config): string {
  if (config.DATABASE_URL === undefined)
    return `embedded PGlite at ${recordsDataDir(config.DATA_DIR)}   (${recordsUrl(config)})`;
  const u = new URL(config.DATABASE_URL);
  return `PostgreSQL at ${u.host}${u.pathname.length > 1 ? u.pathname : ''}   (DATABASE_URL)`;
}

function banner(config: Config, apiUrl: string): string {
  const ui = isEmbedded(config)
    ? `http://localhost:${config.TEMPORAL_UI_PORT}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows`
    : "(your cluster's Web UI)";
  const where = isEmbedded(config)
    ? `embedded Temporal dev server at ${temporalAddress(config)}, data in ${devServerDbFile(resolve(config.DATA_DIR))}`
    : `external Temporal at ${temporalAddress(config)}`;
  return [
    '',
    `  boletoflow ${VERSION} is up (${where}; namespace ${config.TEMPORAL_NAMESPACE})`,
    `  Temporal Web UI  ${ui}`,
    `  API              ${apiUrl}`,
    `  Records store    ${recordsWhere(config)}`,
    `  Codec (Web UI)   log in at ${codecEndpointUrl(config)}/login to see payloads decrypted (docs/codec.md)`,
    ...(config.SIMULATORS_ENABLED ? simulatorBanner(config) : []),
    `  Health           ${apiUrl}/healthz   ready: ${apiUrl}/readyz`,
    `  API docs         ${apiUrl}/docs   (OpenAPI: ${apiUrl}/openapi.json)`,
    `  Metrics          ${apiUrl}/metrics${config.WORKER_METRICS_PORT ? `   worker: http://localhost:${config.WORKER_METRICS_PORT}/metrics` : ''}`,
    '  Ctrl-C stops everything.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'boletoflow' });
  const embedded = isEmbedded(config);
  // No DATABASE_URL: this supervisor runs the records store (PGlite) itself.
  const embeddedRecords = config.DATABASE_URL === undefined;
  const dataDir = resolve(config.DATA_DIR);
  const apiUrl = `http://localhost:${config.API_PORT}`;

  const lock = new DataDirLock(dataDir);
  await lock.acquire();
  // Create the embedded payload key before the children start, so worker and API read the same one.
  loadPayloadKeys(config);

  const claims: PortClaim[] = [
    { port: config.API_PORT, host: config.API_HOST, variable: 'API_PORT', what: 'HTTP API' },
  ];
  if (config.SIMULATORS_ENABLED) claims.push(...simulatorPorts(config));
  if (config.WORKER_METRICS_PORT) {
    claims.push({
      port: config.WORKER_METRICS_PORT,
      host: '0.0.0.0',
      variable: 'WORKER_METRICS_PORT',
      what: 'worker metrics (0 turns it off)',
    });
  }
  if (embedded) {
    claims.push(
      { port: config.TEMPORAL_PORT, host: config.TEMPORAL_IP, variable: 'TEMPORAL_PORT', what: 'Temporal gRPC' },
      {
        port: config.TEMPORAL_UI_PORT,
        host: config.TEMPORAL_IP,
        variable: 'TEMPORAL_UI_PORT',
        what: 'Temporal Web UI',
      },
    );
  }
  if (embeddedRecords) {
    claims.push({
      port: config.RECORDS_PORT,
      host: config.RECORDS_HOST,
      variable: 'RECORDS_PORT',
      what: 'records store (embedded PGlite)',
    });
  }
  const busy = await busyPorts(claims);
  if (busy.length) {
    lock.release();
    throw new StartupError(`cannot start:\n${busy.map((b) => `  ${b}`).join('\n')}`);
  }

  const children: ManagedProcess[] = [];
  let shuttingDown: Promise<void> | undefined;
  const shutdown = (reason: string, exitCode = 0): Promise<void> => {
    shuttingDown ??= (async () => {
      logger.info({ reason }, 'stopping boletoflow');
      // Reverse start order: API, then worker (drains), simulators, the records store, then the Temporal server.
      for (const child of [...children].reverse()) await child.stop();
      lock.release();
      logger.info('stopped');
      process.exit(exitCode);
    })();
    return shuttingDown;
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => void shutdown(sig));
  // `marker`: what the child's command line contains, for DataDirLock to recognise an orphan of a killed supervisor.
  const hooks = (name: string, marker: string) => ({
    onStart: (pid: number) => lock.recordChild(name, pid, marker),
    onGiveUp: (n: string) => void shutdown(`${n} failed`, 1),
  });

  if (embedded) {
    const cliPath = config.TEMPORAL_CLI_PATH ?? join(PROJECT_ROOT, '.tools', 'bin', 'temporal');
    const temporal = new ManagedProcess(
      {
        name: 'temporal',
        command: cliPath,
        args: devServerArgs({
          cliPath,
          dataDir,
          ip: config.TEMPORAL_IP,
          port: config.TEMPORAL_PORT,
          uiPort: config.TEMPORAL_UI_PORT,
          namespace: config.TEMPORAL_NAMESPACE,
          // The UI decrypts payloads through the API (operators log in once at <api>/codec/login).
          codecEndpoint: codecEndpointUrl(config),
        }),
        onLine: temporalServerLogLine(logger, () => shuttingDown !== undefined),
        stopTimeoutMs: 20_000,
      },
      logger,
      hooks('temporal', 'start-dev'),
    );
    children.push(temporal);
    temporal.start();
    logger.info({ address: temporalAddress(config) }, 'starting embedded Temporal dev server');
  }

  if (embeddedRecords) {
    // IPC: if this supervisor dies, the records server notices (disconnect) and closes PGlite cleanly.
    const records = new ManagedProcess(
      { name: 'records', ...nodeEntrypoint('records/embedded-server'), ipc: true, stopTimeoutMs: 30_000 },
      logger,
      hooks('records', `records/embedded-server${ext}`),
    );
    children.push(records);
    records.start();
  }

  // Temporal and the records store come up side by side; everything after needs both.
  const databaseUrl = recordsUrl(config);
  try {
    await Promise.all([
      embedded ? waitForNamespace(temporalAddress(config), config.TEMPORAL_NAMESPACE, 60_000) : undefined,
      embeddedRecords && databaseUrl ? waitForRecords(databaseUrl, 120_000, logger) : undefined,
    ]);
    if (embedded)
      await applyRetention(temporalAddress(config), config.TEMPORAL_NAMESPACE, config.TEMPORAL_RETENTION_DAYS, logger);
  } catch (e) {
    logger.error({ err: e }, 'the Temporal server or the records store did not come up');
    await shutdown('not ready', 1);
    return;
  }

  // The simulators' default accounts, for the worker and the API (production code never imports a simulator).
  writeSimulatedAccounts(config.DATA_DIR);
  for (const [name, entry] of [
    ...(config.SIMULATORS_ENABLED ? ([['simulators', 'simulators/main']] as const) : []),
    ['worker', 'worker'],
    ['api', 'api/server'],
  ] as const) {
    // Worker and API reach the records store through DATABASE_URL (the embedded server's when it is ours).
    const env =
      name === 'simulators' || databaseUrl === undefined ? process.env : { ...process.env, DATABASE_URL: databaseUrl };
    const p = new ManagedProcess(
      {
        name,
        ...nodeEntrypoint(entry),
        env,
        ipc: true,
        stopTimeoutMs: (config.WORKER_SHUTDOWN_GRACE_SECONDS + 25) * 1000,
      },
      logger,
      hooks(name, `${entry}${ext}`),
    );
    children.push(p);
    p.start();
  }

  try {
    await waitReady(apiUrl, 180_000);
  } catch (e) {
    logger.error({ err: e }, 'boletoflow did not become ready');
    await shutdown('not ready', 1);
    return;
  }
  process.stdout.write(banner(config, apiUrl) + '\n');
}

runMain(main);
