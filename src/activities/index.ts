/** Builds every activity the worker registers, from their dependencies (so tests can pass their own). */
import { type BankActivityDeps, createBankActivities } from './bank';
import { createBs2TokenActivities } from './bs2-token';
import { createItauCertificateActivities } from './itau-certificate';
import { createNotificationActivities, type NotificationDeps } from './notifications';
import { createOnboardingActivities } from './onboarding';
import { createRecordsActivities } from './records';
import type { BoletoRecords } from '../records';
import type { OnboardingBankSettings } from '../onboarding/accounts';
import { createSystemActivities, type SystemActivityDeps } from './system';

export interface ActivityDeps {
  system: SystemActivityDeps;
  /** Bank accounts (BS2 adapter + token refresh). */
  bank: BankActivityDeps;
  /** Outbound notifications to the tenants' systems (default: endpoints from the access registry). */
  notifications?: NotificationDeps;
  /** The installation's bank settings, for onboarded accounts (default: none; onboarding activities then refuse). */
  onboarding?: { settings: OnboardingBankSettings; version: string };
  /** The records store: boleto events are written there before each notification (default: none, nothing recorded). */
  records?: BoletoRecords;
}

export const createActivities = (deps: ActivityDeps) => ({
  ...createSystemActivities(deps.system),
  ...createBankActivities(deps.bank),
  ...createBs2TokenActivities({ registry: deps.bank.registry }),
  ...createItauCertificateActivities({ registry: deps.bank.registry }),
  ...createNotificationActivities({ ...deps.notifications, ...(deps.records ? { records: deps.records } : {}) }),
  ...createRecordsActivities({ ...(deps.records ? { records: deps.records } : {}) }),
  ...createOnboardingActivities({ registry: deps.bank.registry, version: deps.onboarding?.version ?? '0', ...(deps.onboarding ? { settings: deps.onboarding.settings } : {}) }),
});
