/**
 * Banco BS2's module (src/banks/module.ts): accounts, adapter, token keeper, onboarding and connectivity check.
 * BS2 rotates the refresh token on every use, so one keeper workflow per account owns the tokens
 * (./keeper-workflow.ts, reached through ./keeper-client.ts); BS2 does not sign webhooks (an agreed Authorization
 * value, else hints).
 */
import { randomBytes } from 'node:crypto';
import type { BankModule } from '../module';
import { bs2Readiness, bs2TokenRoutes } from './api';
import { bs2AccountFromOnboarded, type Bs2Account, type Bs2AccountSettings, bs2AccountsFromSettings } from './account';
import { connectBs2 } from './connection';
import { BS2_DESCRIPTOR } from './descriptor';
import { keeperTokenSources } from './keeper-client';
import { BS2_ONBOARDING_CREDENTIALS } from './onboarding-credentials';
import { createBs2OnboardingActivities, createBs2TokenActivities } from './token-activities';
import { BS2_WEBHOOKS } from './webhook-routes';

export type { Bs2Account, Bs2AccountSettings };

export const BS2_MODULE = {
  descriptor: BS2_DESCRIPTOR,
  accountsFromSettings: bs2AccountsFromSettings,
  accountFromOnboarded: bs2AccountFromOnboarded,
  webhookVerification: (a) =>
    a.adapter.webhookAuthorization ? { webhookAuthorization: a.adapter.webhookAuthorization } : {},
  onboardedWebhookVerification: (o) => (o.webhook.bs2 ? { webhookAuthorization: o.webhook.bs2.authorization } : {}),
  connect: connectBs2,
  tokens: { kind: 'keeper', tokenSources: keeperTokenSources },
  onboardingStart: (base, accountId) => ({
    webhook: {
      bs2: {
        url: `${base}/webhooks/bs2/${accountId}`,
        authorization: `Bearer ${randomBytes(32).toString('base64url')}`,
      },
    },
  }),
  connectivityProbe: {
    name: 'search',
    async run(adapter) {
      const r = await adapter.search({ limit: 1 });
      return `boleto search answered (${r.items.length} item(s) on the first page)`;
    },
  },
  webhooks: BS2_WEBHOOKS,
  onboardingCredentials: BS2_ONBOARDING_CREDENTIALS,
  api: {
    routes: bs2TokenRoutes,
    readiness: bs2Readiness,
    readinessDoc:
      '`bs2Webhooks` (affectsReadiness false) says BS2 webhooks are unauthenticated. Each locked BS2 account ' +
      'adds a failing check `bs2Keeper:<accountId>` with affectsReadiness false: shown, but the answer stays 200. Account ids are shown to operator keys only ' +
      '(others see `bs2Keepers` with how many are locked, and `bs2Webhooks.accounts` as a count).',
    unverifiedWebhooks: {
      check: 'bs2Webhooks',
      detail:
        'BS2 webhooks are unauthenticated (BS2_WEBHOOK_AUTHORIZATION unset): they are only hints, rate-limited and checked with the bank',
      warning:
        'BS2 webhooks are unauthenticated (BS2_WEBHOOK_AUTHORIZATION unset): each is only a hint, rate-limited per source and checked with the bank',
    },
  },
  activities: (deps) => ({
    ...createBs2TokenActivities({ registry: deps.registry }),
    ...createBs2OnboardingActivities(),
  }),
} satisfies BankModule<Bs2Account, Bs2AccountSettings>;
