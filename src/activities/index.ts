/** Builds every activity the worker registers, from their dependencies (so tests can pass their own). */
import { type BankActivityDeps, createBankActivities } from './bank';
import { BANKS, bankModule } from '../banks';
import type { BankCode } from '../contracts/bank';
import { createNotificationActivities, type NotificationDeps } from './notifications';
import { createOnboardingActivities } from './onboarding';
import { createRecordsActivities } from './records';
import type { BoletoRecords } from '../records';
import type { OnboardingBankSettings } from '../onboarding/accounts';
import { createSystemActivities, type SystemActivityDeps } from './system';

export interface ActivityDeps {
  system: SystemActivityDeps;
  /** Bank accounts (each bank's adapter, and its own activities: token refresh, certificates). */
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
  ...createNotificationActivities({ ...deps.notifications, ...(deps.records ? { records: deps.records } : {}) }),
  ...createRecordsActivities({ ...(deps.records ? { records: deps.records } : {}) }),
  ...createOnboardingActivities({
    registry: deps.bank.registry,
    version: deps.onboarding?.version ?? '0',
    ...(deps.onboarding ? { settings: deps.onboarding.settings } : {}),
  }),
  // Each bank's own activities (names are part of history), through its module.
  ...(Object.keys(BANKS) as BankCode[]).reduce<ReturnType<ReturnType<typeof bankModule>['activities']>>(
    (all, bank) => ({
      ...all,
      ...bankModule(bank).activities({
        registry: deps.bank.registry,
        version: deps.onboarding?.version ?? '0',
        ...(deps.onboarding ? { settings: deps.onboarding.settings } : {}),
      }),
    }),
    {},
  ),
});
