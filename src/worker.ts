/**
 * The Temporal worker process: runs every workflow in src/workflows and every activity in src/activities
 * on one task queue. Started by `npm start` under the supervisor, or alone (`npm run worker`) against an
 * external cluster. SIGTERM drains: no new tasks are polled, running activities get a grace period.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { type NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities';
import type { BankActivityDeps } from './activities/bank';
import type { NotificationDeps } from './activities/notifications';
import { accountsFromSettings } from './banks/accounts';
import { BankRegistry } from './banks/registry';
import { onboardedAccountResolver, type OnboardingBankSettings } from './onboarding/accounts';
import { type Config, loadConfig, recordsUrl } from './config';
import { type BoletoRecords, openRecords } from './records';
import { createLogger, type Logger } from './logging';
import { onShutdown, runMain } from './process';
import { connectWorkerConnection } from './temporal/connection';
import { encryptingDataConverter, loadPayloadKeys } from './temporal/keys';
import { requestIdActivityInterceptor } from './temporal/request-id';
import { temporalLogger } from './temporal/logger';
import { retryUntil } from './temporal/retry';
import { VERSION } from './version';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** Must match the client's (payload encryption). */
  dataConverter: DataConverter;
  identity?: string;
  shutdownGraceSeconds?: number;
  /** Extra worker options (tests use this for a prebuilt bundle or small caches). */
  overrides?: Partial<WorkerOptions>;
  /** Bank accounts; default: the environment's (src/banks/accounts.ts) plus the onboarded ones. */
  bankRegistry?: BankRegistry;
  /** The installation's bank settings (endpoints, [U] options) for onboarded accounts; default: the environment. */
  bankSettings?: OnboardingBankSettings;
  /** The records store (boleto events are written there before each notification); default none: nothing recorded. */
  records?: BoletoRecords;
  /** WEBHOOK_ALLOWED_HOSTS: non-public tenant webhook targets allowed (default none; tests allow their 127.0.0.1 receivers). */
  webhookAllowedHosts?: readonly string[];
  /** Activity dependencies to replace (tests: an in-process token source for keeper-token banks, a fixed notification target). */
  activityDeps?: { tokenSource?: BankActivityDeps['tokenSource']; notifications?: NotificationDeps };
}

/** A module under src/workflows: .ts under tsx/vitest, .js after a build. */
const workflowModule = (name: string) =>
  [`${name}.ts`, `${name}.js`].map((f) => join(__dirname, 'workflows', f)).find((p) => existsSync(p)) ??
  join(__dirname, 'workflows', name);
export const WORKFLOWS_PATH = workflowModule('index');

export function workerIdentity(): string {
  return `boletoflow-worker@${hostname()}:${process.pid}`;
}

/** The environment's accounts, and onboarded accounts looked up through their onboarding workflows. */
export function defaultBankRegistry(settings: OnboardingBankSettings): BankRegistry {
  return new BankRegistry(accountsFromSettings(settings, VERSION), onboardedAccountResolver(settings, VERSION));
}

export async function createWorker(opts: CreateWorkerOptions): Promise<Worker> {
  const identity = opts.identity ?? workerIdentity();
  const bankSettings = opts.bankSettings ?? loadConfig();
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    identity,
    workflowsPath: WORKFLOWS_PATH,
    dataConverter: opts.dataConverter,
    interceptors: { workflowModules: [workflowModule('interceptors')], activity: [requestIdActivityInterceptor] },
    activities: createActivities({
      system: { identity, version: VERSION, startedAt: Date.now() },
      bank: {
        registry: opts.bankRegistry ?? defaultBankRegistry(bankSettings),
        ...(opts.activityDeps?.tokenSource ? { tokenSource: opts.activityDeps.tokenSource } : {}),
      },
      notifications: {
        ...(opts.webhookAllowedHosts ? { allowedTargets: opts.webhookAllowedHosts } : {}),
        ...opts.activityDeps?.notifications,
      },
      onboarding: { settings: bankSettings, version: VERSION },
      ...(opts.records ? { records: opts.records } : {}),
    }),
    shutdownGraceTime: `${opts.shutdownGraceSeconds ?? 10}s`,
    ...opts.overrides,
  });
}

export async function runWorker(config: Config, logger: Logger): Promise<void> {
  Runtime.install({
    logger: temporalLogger(logger),
    shutdownSignals: [],
    ...(config.WORKER_METRICS_PORT
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: `0.0.0.0:${config.WORKER_METRICS_PORT}` } } } }
      : {}),
  });
  const connection = await retryUntil(() => connectWorkerConnection(config), {
    timeoutMs: 60_000,
    onRetry: (err, n) => n % 10 === 1 && logger.warn({ err }, 'waiting for Temporal'),
  });
  const url = recordsUrl(config);
  if (!url) throw new Error('the worker needs the records store: set DATABASE_URL');
  const records = await retryUntil(
    () => openRecords(url, loadPayloadKeys(config), { applicationName: 'boletoflow-worker' }),
    {
      timeoutMs: 60_000,
      onRetry: (err, n) => n % 10 === 1 && logger.warn({ err }, 'waiting for the records store'),
    },
  );
  const worker = await createWorker({
    records,
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    dataConverter: encryptingDataConverter(loadPayloadKeys(config)),
    shutdownGraceSeconds: config.WORKER_SHUTDOWN_GRACE_SECONDS,
    overrides: { maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS },
    ...(config.WEBHOOK_ALLOWED_HOSTS ? { webhookAllowedHosts: config.WEBHOOK_ALLOWED_HOSTS } : {}),
  });
  logger.info(
    { taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE, version: VERSION },
    'worker polling',
  );
  const running = worker.run().finally(() => Promise.all([connection.close(), records.close()]));
  onShutdown(
    async (reason) => {
      logger.info({ reason }, 'worker draining');
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
    { timeoutMs: (config.WORKER_SHUTDOWN_GRACE_SECONDS + 20) * 1000 },
  );
  await running;
  logger.info('worker stopped');
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig();
    await runWorker(config, createLogger({ level: config.LOG_LEVEL, name: 'boletoflow-worker' }));
  });
}
