/**
 * The API process: connects to Temporal and serves the express app. SIGTERM stops accepting connections,
 * lets in-flight requests finish, then closes the Temporal connection.
 */
import type { Server } from 'node:http';
import { codecCorsOrigins, codecTenants, type Config, loadConfig, recordsUrl } from '../config';
import { openRecords } from '../records';
import { ensureReconcileSchedule } from '../records/reconcile-schedule';
import { createLogger, type Logger } from '../logging';
import { onShutdown, runMain } from '../process';
import { connectClient } from '../temporal/connection';
import { loadPayloadKeys } from '../temporal/keys';
import { retryUntil } from '../temporal/retry';
import { API_BOUNDS } from '../temporal/bounded';
import { bankModule } from '../banks';
import { accountsFromSettings } from '../banks/accounts';
import { ensureAccountWorkflows } from '../banks/account-workflows';
import type { BankCode } from '../contracts/bank';
import { AccountDirectory } from '../boletos/directory';
import { accountInfoFromOnboarded, fetchOnboardedAccount } from '../onboarding/accounts';
import { VERSION } from '../version';
import { createApp } from './app';
import { sessionSecretFrom } from './codec-session';
import { closeGracefully, listen } from './http-server';

export async function runApi(config: Config, logger: Logger): Promise<Server> {
  const client = await retryUntil(() => connectClient(config), {
    timeoutMs: 60_000,
    onRetry: (err, n) => n % 10 === 1 && logger.warn({ err }, 'waiting for Temporal'),
  });
  const url = recordsUrl(config);
  if (!url) throw new Error('the API needs the records store: set DATABASE_URL');
  const records = await retryUntil(
    () => openRecords(url, loadPayloadKeys(config), { applicationName: 'boletoflow-api' }),
    {
      timeoutMs: 60_000,
      onRetry: (err, n) => n % 10 === 1 && logger.warn({ err }, 'waiting for the records store'),
    },
  );
  // The drift repair's schedule; a failure here (a cluster without schedules) must not keep the API down.
  ensureReconcileSchedule(client, {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    everyMinutes: config.RECORDS_RECONCILE_MINUTES,
  }).then(
    (r) => logger.info({ schedule: r, everyMinutes: config.RECORDS_RECONCILE_MINUTES }, 'records reconcile schedule'),
    (err: unknown) => logger.warn({ err }, 'could not create the records reconcile schedule'),
  );
  const accounts = accountsFromSettings(config, VERSION);
  // The workflows each bank keeps per account (e.g. a reconciliation poll); like the schedule, failures are logged.
  void ensureAccountWorkflows(
    client,
    config.TEMPORAL_TASK_QUEUE,
    accounts.flatMap((a) => bankModule(a.bank).accountWorkflows?.(a, config) ?? []),
  ).then(({ ensured, failed }) => {
    if (ensured.length) logger.info({ workflows: ensured }, 'account workflows ensured');
    for (const f of failed)
      logger.warn({ err: f.err, workflowId: f.workflowId }, 'could not ensure an account workflow');
  });
  // Anyone can send such a webhook: it is only a hint (the workflow asks the bank), but the operator should know.
  const unverifiedWebhookAccounts: Partial<Record<BankCode, string[]>> = {};
  for (const a of accounts) {
    const m = bankModule(a.bank);
    if (m.api.unverifiedWebhooks && !m.webhookVerification(a, config).webhookAuthorization)
      (unverifiedWebhookAccounts[a.bank] ??= []).push(a.accountId);
  }
  for (const [bank, ids] of Object.entries(unverifiedWebhookAccounts)) {
    logger.warn(
      { accounts: ids },
      bankModule(bank as BankCode).api.unverifiedWebhooks?.warning ?? 'webhooks are unauthenticated',
    );
  }
  const app = createApp({
    records,
    unverifiedWebhookAccounts,
    ...(config.WEBHOOK_ALLOWED_HOSTS ? { webhookAllowedHosts: config.WEBHOOK_ALLOWED_HOSTS } : {}),
    unsignedHints: { perSourcePerMinute: config.BS2_WEBHOOK_UNSIGNED_PER_MINUTE, windowMs: 10_000 },
    accessGraceMs: config.API_KEY_GRACE_SECONDS * 1000,
    client,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    logger,
    rateLimitPerMinute: config.API_RATE_LIMIT_PER_MINUTE,
    directory: AccountDirectory.fromBankAccounts(accounts, config, async (id) => {
      const o = await fetchOnboardedAccount(client, id, API_BOUNDS);
      return o ? accountInfoFromOnboarded(o, config) : undefined;
    }),
    onboarding: {
      policy: {
        remindAfterDays: config.ONBOARDING_REMIND_AFTER_DAYS,
        escalateAfterDays: config.ONBOARDING_ESCALATE_AFTER_DAYS,
        certificateReminderDays: config.ONBOARDING_CERT_REMINDER_DAYS,
        itauCarteira: config.ITAU_CARTEIRA,
      },
      ...(config.ONBOARDING_SUPPORT_EMAIL ? { supportEmail: config.ONBOARDING_SUPPORT_EMAIL } : {}),
      webhookBaseUrl: config.PUBLIC_BASE_URL ?? `http://localhost:${config.API_PORT}`,
    },
    registerWaitMs: config.BOLETO_REGISTER_WAIT_MS,
    bodyLimit: config.API_BODY_LIMIT,
    ...(config.PUBLIC_BASE_URL ? { publicBaseUrl: config.PUBLIC_BASE_URL } : {}),
    codec: {
      sessionSecret: sessionSecretFrom(loadPayloadKeys(config)),
      sessionTtlMs: config.CODEC_SESSION_HOURS * 3_600_000,
      corsOrigins: codecCorsOrigins(config),
      tenants: codecTenants(config),
    },
  });
  const server = await listen(app, config.API_PORT, config.API_HOST);
  server.keepAliveTimeout = 65_000;
  logger.info({ port: config.API_PORT, host: config.API_HOST }, 'api listening');
  onShutdown(async (reason) => {
    logger.info({ reason }, 'api stopping');
    await closeGracefully(server);
    await client.connection.close();
    await records.close();
  });
  return server;
}

if (require.main === module) {
  runMain(async () => {
    const config = loadConfig();
    await runApi(config, createLogger({ level: config.LOG_LEVEL, name: 'boletoflow-api' }));
  });
}
