/**
 * The API process: connects to Temporal and serves the express app. SIGTERM stops accepting connections,
 * lets in-flight requests finish, then closes the Temporal connection.
 */
import type { Server } from 'node:http';
import { type Config, loadConfig } from '../config';
import { createLogger, type Logger } from '../logging';
import { onShutdown, runMain } from '../process';
import { connectClient } from '../temporal/connection';
import { retryUntil } from '../temporal/retry';
import { accountsFromSettings } from '../banks/accounts';
import { AccountDirectory } from '../boletos/directory';
import { VERSION } from '../version';
import { createApp } from './app';
import { listen } from './http-server';

export async function runApi(config: Config, logger: Logger): Promise<Server> {
  const client = await retryUntil(() => connectClient(config), {
    timeoutMs: 60_000,
    onRetry: (err, n) => n % 10 === 1 && logger.warn({ err }, 'waiting for Temporal'),
  });
  const app = createApp({
    client,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    logger,
    rateLimitPerMinute: config.API_RATE_LIMIT_PER_MINUTE,
    directory: AccountDirectory.fromBankAccounts(accountsFromSettings(config, VERSION), config),
    registerWaitMs: config.BOLETO_REGISTER_WAIT_MS,
    bodyLimit: config.API_BODY_LIMIT,
    ...(config.PUBLIC_BASE_URL ? { publicBaseUrl: config.PUBLIC_BASE_URL } : {}),
  });
  const server = await listen(app, config.API_PORT, config.API_HOST);
  server.keepAliveTimeout = 65_000;
  logger.info({ port: config.API_PORT, host: config.API_HOST }, 'api listening');
  onShutdown(async (reason) => {
    logger.info({ reason }, 'api stopping');
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await client.connection.close();
  });
  return server;
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig();
    await runApi(config, createLogger({ level: config.LOG_LEVEL, name: 'boletoflow-api' }));
  });
}
