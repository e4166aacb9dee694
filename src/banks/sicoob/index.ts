/**
 * Sicoob's module (src/banks/module.ts): accounts, adapter, onboarding (client_id + certificate) and connectivity
 * check (the contract's nosso-número ranges: proves token, certificate, scopes and contract without creating
 * anything), and the movement poll (one workflow per account, ./movement-poll-workflow.ts). Sicoob tokens do not rotate: each process keeps one client_credentials cache per account next to the
 * account's mTLS pool.
 */
import type { BankModule } from '../module';
import { sicoobWebhookRoutes } from './api';
import {
  type SicoobAccount,
  sicoobAccountFromOnboarded,
  sicoobAccountFromSettings,
  type SicoobAccountSettings,
} from './account';
import type { SicoobAdapter } from './adapter';
import type { SicoobRuleSettings } from './capabilities';
import { connectSicoob } from './connection';
import { SICOOB_DESCRIPTOR } from './descriptor';
import { createSicoobMovementActivities, sicoobAccountWorkflows } from './movement-activities';
import type { SicoobMovementSettings } from './movement-poll-contract';
import {
  createSicoobOnboardingActivities,
  sicoobWebhookPath,
  type SicoobWebhookWatchSettings,
} from './onboarding-activities';
import { SICOOB_ONBOARDING_CREDENTIALS } from './onboarding-credentials';
import { createSicoobReportActivities } from './webhook-report';
import { SICOOB_WEBHOOKS } from './webhook-routes';

export type { SicoobAccount };

export type SicoobSettings = SicoobAccountSettings &
  SicoobRuleSettings &
  SicoobMovementSettings &
  SicoobWebhookWatchSettings;

export const SICOOB_MODULE = {
  descriptor: SICOOB_DESCRIPTOR,
  accountsFromSettings: (s) => [sicoobAccountFromSettings(s)].filter((a) => a !== undefined),
  accountFromOnboarded: (o, s) => sicoobAccountFromOnboarded(o, s),
  webhookVerification: (_a, s) =>
    s.SICOOB_WEBHOOK_AUTHORIZATION ? { webhookAuthorization: s.SICOOB_WEBHOOK_AUTHORIZATION } : {},
  onboardedWebhookVerification: () => ({}),
  connect: connectSicoob,
  tokens: { kind: 'self' },
  /** Our receiver's URL, registered as the account's type-7 webhook at ACTIVE (Sicoob documents no authentication). */
  onboardingStart: (base, accountId) => ({ webhook: { sicoob: { url: `${base}${sicoobWebhookPath(accountId)}` } } }),
  connectivityProbe: {
    name: 'faixas-nosso-numero',
    async run(adapter) {
      const r = await (adapter as SicoobAdapter).nossoNumeroRanges();
      return `nosso-número ranges answered (${r} range(s))`;
    },
  },
  webhooks: SICOOB_WEBHOOKS,
  onboardingCredentials: SICOOB_ONBOARDING_CREDENTIALS,
  api: {
    routes: sicoobWebhookRoutes,
    readinessDoc:
      '`sicoobWebhooks` (affectsReadiness false) says Sicoob notifications are unauthenticated hints (Sicoob documents no authentication; SICOOB_WEBHOOK_AUTHORIZATION unset).',
    unverifiedWebhooks: {
      check: 'sicoobWebhooks',
      detail:
        'Sicoob notifications are unauthenticated (SICOOB_WEBHOOK_AUTHORIZATION unset): they are only hints, rate-limited and checked with the bank',
      warning:
        'Sicoob notifications are unauthenticated (SICOOB_WEBHOOK_AUTHORIZATION unset): each is only a hint, rate-limited per source and checked with the bank',
    },
  },
  // Its activities: the movement poll's (./movement-poll-workflow.ts), the onboarding's (webhook, range) and the
  // operators' webhook report; and one movement poll per account kept running.
  activities: (deps) => ({
    ...createSicoobMovementActivities({
      registry: deps.registry,
      ...(deps.settings ? { settings: deps.settings } : {}),
    }),
    ...createSicoobOnboardingActivities({
      registry: deps.registry,
      ...(deps.settings ? { settings: deps.settings } : {}),
    }),
    ...createSicoobReportActivities({ registry: deps.registry }),
  }),
  accountWorkflows: (account, settings) => sicoobAccountWorkflows(account, settings),
} satisfies BankModule<SicoobAccount, SicoobSettings>;
