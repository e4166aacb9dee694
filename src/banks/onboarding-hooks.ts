/**
 * The bank-specific parts of the onboarding workflow (src/workflows/onboarding.ts), as one interface each bank
 * implements in a workflow-side file of its folder (src/banks/<bank>/onboarding-workflow.ts), listed once in
 * src/banks/onboarding-registry.ts. The workflow calls the hooks of its account's bank and never names a bank.
 *
 * Hooks are workflow code: pure and deterministic (no Node built-ins, no I/O; bank calls are the activities the
 * workflow proxies and hands over in the context), covered by the determinism lint (eslint.config.mjs). Whatever a
 * hook records (timeline texts, state fields, activity names, patch ids) is part of workflow histories: never rename
 * it, and guard a behaviour change for running onboardings with a patch id of the bank's own.
 */
import type {
  ConvenioConfig,
  CredentialsInput,
  OnboardedAccount,
  OnboardedBankFields,
  OnboardingPolicy,
  OnboardingStepName,
} from '../contracts/onboarding';
import type { OnboardingView, StartOnboardingInput, StoredCredentials, TimelineEntry } from '../contracts/onboarding';
import type { ManagerEmailExtras } from './descriptor';

/** Credentials as kept in the onboarding's state. */
export type StateCredentials = StoredCredentials & { receivedAt: string };

/** The part of the onboarding's state every bank's hooks may read (and the credentials they may replace). */
export interface OnboardingHookState {
  readonly step: OnboardingStepName;
  credentials?: StateCredentials;
  /** Incremented on each credentials submission (and renewal). */
  credentialsGeneration: number;
  /** Set when the onboarding is escalated (publish the step afterwards). */
  stalled?: { since: string; reason: string };
}

/** A wake-up a bank asks for (e.g. a certificate about to expire); its kind is the bank's own word. */
export interface MaintenanceWake {
  at: number;
  kind: string;
}

/** What the workflow gives a bank's hooks while it runs (S: the bank's state fields, A: its activities). */
export interface OnboardingHookContext<S extends object, A extends object> {
  readonly input: StartOnboardingInput;
  /** The workflow's state (live: read it again after an await). */
  readonly state: OnboardingHookState & S;
  /** The bank's activities, with the workflow's options for bank calls made on CS's behalf. */
  readonly activities: A;
  /** The account as the worker's bank registry sees it (credentials included). */
  account(): OnboardedAccount;
  /** Adds a timeline entry in the current step. */
  record(now: number, entry: Omit<TimelineEntry, 'seq' | 'at' | 'step'>): void;
  /** Tells the tenant (delivered by an activity; failures are the activity's to retry and log). */
  notify(type: string, detail: string): void;
  /** The connectivity check with the stored credentials (ACTIVE or CONNECTIVITY_FAILED; then the ACTIVE hook). */
  checkConnectivity(by: string): Promise<void>;
  /** Resolves when no certificate request or connectivity check is running. */
  idle(): Promise<void>;
  /** Runs `fn` as the one bank action in progress (CS actions that need the bank are refused meanwhile). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  /** Publishes the step and Stalled search attributes (after setting or clearing `state.stalled`). */
  publishStep(): void;
}

/**
 * A bank call the workflow awaits itself, then `done`, the state change that records it (only when the call
 * succeeded): the workflow resumes right after the activity, as it did when this code was inline (the commands'
 * order in existing histories depends on it).
 */
export interface HookCall {
  readonly call: Promise<unknown>;
  done(): void;
}

export interface BankOnboardingHooks<S extends object = object, A extends object = object> {
  /** The bank's state fields as every onboarding starts with them (continue-as-new carries them). */
  initialState(): S;
  /** The manager e-mail's bank-specific extras (a public key to attach, our webhook's URL and Authorization). */
  managerEmailExtras(input: StartOnboardingInput): Omit<ManagerEmailExtras, 'supportEmail'>;
  /** The first problem with submitted credentials of one of the bank's kinds (the message CS sees), if any. */
  credentialsProblem(input: StartOnboardingInput, credentials: CredentialsInput, now: number): string | undefined;
  /** Submitted credentials as stored (e.g. a certificate issued here); throws a non-retryable failure for CS. */
  storeCredentials(ctx: OnboardingHookContext<S, A>, credentials: CredentialsInput): Promise<StoredCredentials>;
  /** The timeline's words for stored credentials. */
  credentialsText(credentials: StoredCredentials): string;
  /** The query view of stored credentials: which are set, no secret. */
  credentialsView(credentials: StateCredentials): NonNullable<OnboardingView['credentials']>;
  /**
   * The bank's own rules for the convênio (what its number is: BS2's and Itaú's the account itself,
   * `convenioNumberIsAccountProblem`; Sicoob's the contract the cooperative confirms) and its charge defaults (e.g.
   * what a bolecode by default needs): the first problem (the message CS sees), if any.
   */
  configurationProblem(input: StartOnboardingInput, configuration: ConvenioConfig): string | undefined;
  /**
   * Before each connectivity check, the credentials are about to be used: new ones may have to be handed over (e.g.
   * to a token keeper). Nothing to do: undefined (the workflow does not wait).
   */
  handOverCredentials?(ctx: OnboardingHookContext<S, A>): HookCall | undefined;
  /** The account reached ACTIVE (after a passed connectivity check). */
  atActive?(ctx: OnboardingHookContext<S, A>): Promise<void>;
  /** The next wake-up the bank needs once the onboarding no longer waits on CS (none: the workflow just waits). */
  maintenanceWake?(
    state: OnboardingHookState & S,
    policy: Pick<OnboardingPolicy, 'certificateReminderDays'>,
  ): MaintenanceWake | undefined;
  /**
   * A maintenance wake-up is due: the bank acts on it itself (e.g. renews a certificate) and resolves true, or
   * returns false (synchronously, or after trying) and the workflow sends the notice (`maintenanceNotice`).
   */
  maintain?(ctx: OnboardingHookContext<S, A>, wake: MaintenanceWake): Promise<boolean> | false;
  /** The notice of a due maintenance wake-up the bank did not act on (timeline, tenant notification, Stalled). */
  maintenanceNotice?(ctx: OnboardingHookContext<S, A>, wake: MaintenanceWake, now: number): void;
  /** What the account's adapter takes from the bank's state fields (OnboardedAccount.bankFields), if anything. */
  accountFields?(state: OnboardingHookState & S): OnboardedBankFields | undefined;
  /** What the query view shows of the bank's state fields (no secret). */
  viewExtras?(
    state: OnboardingHookState & S,
  ): Partial<Pick<OnboardingView, 'notifications' | 'certificateRenewal' | 'webhookRegistration'>>;
}

/**
 * BS2's and Itaú's convênio number: the account itself, agency + account + digit as told to the bank (the account
 * data). Its problem, if any.
 */
export function convenioNumberIsAccountProblem(input: StartOnboardingInput, cfg: ConvenioConfig): string | undefined {
  const d = input.data;
  const expected = `${d.agency}${d.account}${d.accountDigit}`;
  return cfg.convenio.number === expected
    ? undefined
    : `convenio.number must be agency + account + digit as told to the bank: ${expected}`;
}

/** A required text field of a credential body: its problem, if any. */
export function textProblem(v: unknown, field: string, max = 4096): string | undefined {
  if (typeof v !== 'string' || v.trim() === '') return `${field} is required`;
  if (v.length > max) return `${field} is longer than ${max} characters`;
  return undefined;
}

/** The bank's words from a failed activity (never a stack trace). */
export const activityFailureMessage = (e: unknown): string =>
  (e as { cause?: { message?: string } }).cause?.message ?? (e as { message?: string }).message ?? 'unknown error';
