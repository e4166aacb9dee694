/**
 * The onboarding's rules, pure (no Temporal, no I/O) so they are testable alone and deterministic in the workflow:
 * which CS action is allowed in which step (with a message saying what to do instead), credential and convênio
 * checks, when to wake next (reminder, escalation, certificate expiry) and the secret-free view.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Failure, type FailureType } from '../contracts/failures';
import { BANK_DESCRIPTORS, bankDescriptor } from '../banks/descriptors';
import type { MaintenanceWake, OnboardingHookState, StateCredentials } from '../banks/onboarding-hooks';
import { type BankOnboardingState, bankOnboardingHooks, initialBankState } from '../banks/onboarding-registry';
import {
  type ConnectivityResult,
  type ConvenioConfig,
  type CredentialsInput,
  type ManagerEmail,
  ONBOARDING_STEPS,
  type OnboardedAccount,
  type OnboardingStepName,
  type OnboardingView,
  type StartOnboardingInput,
  type StoredCredentials,
  type TimelineEntry,
} from '../contracts/onboarding';

/** The banks that issue bolecodes, as the messages name them. */
const BOLECODE_BANKS = Object.values(BANK_DESCRIPTORS)
  .filter((d) => d.capabilities.has('BOLECODE'))
  .map((d) => d.name)
  .join(', ');

export const DAY_MS = 86_400_000;

/** The state every onboarding keeps, whatever its bank (field names are in histories: continue-as-new carries them). */
export interface OnboardingCoreState extends OnboardingHookState {
  step: OnboardingStepName;
  stepSince: string;
  /** Epoch ms of the last milestone: reminders and escalation count from here. */
  lastProgressAt: number;
  /** Reminders sent since the last milestone, and in all. */
  reminders: number;
  remindersTotal: number;
  stalled?: { since: string; reason: string };
  email: ManagerEmail;
  credentials?: StateCredentials;
  /** Incremented on each credentials submission. */
  credentialsGeneration: number;
  configuration?: ConvenioConfig;
  connectivity?: ConnectivityResult;
  timeline: TimelineEntry[];
}

/** The onboarding's state: the core's fields and every bank's own (src/banks/<bank>/onboarding-workflow.ts). */
export type OnboardingState = OnboardingCoreState & BankOnboardingState;

export function initialState(input: StartOnboardingInput, now: number): OnboardingState {
  const at = new Date(now).toISOString();
  return {
    step: 'DATA_CAPTURED',
    stepSince: at,
    lastProgressAt: now,
    reminders: 0,
    remindersTotal: 0,
    email: bankDescriptor(input.data.bank).onboarding.managerEmail(input.data, {
      ...bankOnboardingHooks(input.data.bank).managerEmailExtras(input),
      ...(input.supportEmail ? { supportEmail: input.supportEmail } : {}),
    }),
    credentialsGeneration: 0,
    ...initialBankState(),
    timeline: [
      {
        seq: 1,
        at,
        kind: 'STEP',
        step: 'DATA_CAPTURED',
        by: input.createdBy,
        detail: 'Account data captured; the e-mail to the account manager is ready',
      },
    ],
  };
}

/**
 * A CS action refused because of what it carries: a typed failure (src/contracts/failures.ts), so the API's status
 * follows the type, never the words; the message is shown to CS as is.
 */
export class StepError extends ApplicationFailure {
  constructor(message: string, type: FailureType = Failure.StepError) {
    super(message, type, true);
  }
}

/** A CS action refused because of the onboarding's step, or because a bank call is running. */
export class StepConflict extends StepError {
  constructor(message: string) {
    super(message, Failure.StepConflict);
  }
}

/** Every step but the two final ones: the onboarding waits on CS or the bank. */
const WAITING: ReadonlySet<OnboardingStepName> = new Set(
  ONBOARDING_STEPS.filter((step) => step !== 'ACTIVE' && step !== 'CANCELLED'),
);

/** What CS should do next, per step (used in refusals and reminders). */
export const NEXT_ACTION: Record<OnboardingStepName, string> = {
  DATA_CAPTURED: 'send the e-mail to the account manager, then mark the request as sent',
  REQUEST_SENT: 'wait for the bank to release the product, then mark it released',
  BANK_RELEASED: 'submit the credentials the bank sent',
  CREDENTIALS_RECEIVED: 'configure the convênio and the charge defaults',
  CONFIGURED: 'wait for the connectivity check',
  CONNECTIVITY_FAILED: 'fix the credentials or the configuration and retry the connectivity check',
  ACTIVE: 'nothing: the account issues boletos',
  CANCELLED: 'nothing: the onboarding was cancelled',
};

function requireStep(state: OnboardingState, allowed: readonly OnboardingStepName[], action: string): void {
  if (state.step === 'CANCELLED')
    throw new StepConflict(`the onboarding was cancelled; ${action} is no longer possible`);
  if (!allowed.includes(state.step)) {
    throw new StepConflict(`cannot ${action} while the onboarding is ${state.step}; next: ${NEXT_ACTION[state.step]}`);
  }
}

const nonEmpty = (v: unknown, field: string, max = 4096): string => {
  if (typeof v !== 'string' || v.trim() === '') throw new StepError(`${field} is required`);
  if (v.length > max) throw new StepError(`${field} is longer than ${max} characters`);
  return v;
};

export function validateRequestSent(state: OnboardingState): void {
  requireStep(state, ['DATA_CAPTURED'], 'mark the request as sent');
}

export function validateBankReleased(state: OnboardingState): void {
  requireStep(state, ['REQUEST_SENT'], 'mark the bank release');
}

export function validateCredentials(
  state: OnboardingState,
  input: StartOnboardingInput,
  c: CredentialsInput,
  now: number,
  busy: boolean,
): void {
  requireStep(state, ['BANK_RELEASED', 'CREDENTIALS_RECEIVED', 'CONNECTIVITY_FAILED', 'ACTIVE'], 'submit credentials');
  if (busy) throw new StepConflict('a certificate request or connectivity check is running; try again when it ends');
  if (!c || typeof c !== 'object') throw new StepError('credentials are required');
  const rules = bankDescriptor(input.data.bank).onboarding;
  if (!rules.credentialKinds.includes(c.kind)) throw new StepError(rules.wrongCredentials);
  const problem = bankOnboardingHooks(input.data.bank).credentialsProblem(input, c, now);
  if (problem) throw new StepError(problem);
}

export function validateConfiguration(
  state: OnboardingState,
  input: StartOnboardingInput,
  cfg: ConvenioConfig,
  busy: boolean,
): void {
  requireStep(state, ['CREDENTIALS_RECEIVED', 'CONNECTIVITY_FAILED', 'ACTIVE'], 'configure the convênio');
  if (busy) throw new StepConflict('a certificate request or connectivity check is running; try again when it ends');
  const d = input.data;
  const c = cfg?.convenio;
  if (!c) throw new StepError('convenio is required');
  const bankProblem = bankOnboardingHooks(d.bank).configurationProblem(input, cfg);
  if (bankProblem) throw new StepError(bankProblem);
  if (!/^\d{1,3}$/.test(String(c.carteira))) throw new StepError('convenio.carteira must be up to 3 digits');
  if (!Number.isInteger(c.firstRemessa) || c.firstRemessa < 1)
    throw new StepError('convenio.firstRemessa must be a whole number from 1');
  if (c.cnab !== 240) throw new StepError('convenio.cnab must be 240');
  const k = cfg.chargeDefaults?.defaultKind;
  if (k !== 'BOLETO' && k !== 'BOLECODE') throw new StepError('chargeDefaults.defaultKind must be BOLETO or BOLECODE');
  if (k === 'BOLECODE') {
    if (!bankDescriptor(d.bank).capabilities.has('BOLECODE'))
      throw new StepError(
        `chargeDefaults.defaultKind BOLECODE (boleto + Pix) is offered on ${BOLECODE_BANKS} accounts only`,
      );
  }
}

export function validateRetry(state: OnboardingState, busy: boolean): void {
  requireStep(state, ['CONNECTIVITY_FAILED', 'ACTIVE'], 'check connectivity');
  if (!state.configuration || !state.credentials)
    throw new StepConflict('credentials and configuration are needed before a connectivity check');
  if (busy) throw new StepConflict('a connectivity check is already running');
}

export function validateCancel(state: OnboardingState, reason: string): void {
  if (state.step === 'CANCELLED') throw new StepConflict('the onboarding is already cancelled');
  nonEmpty(reason, 'reason', 500);
}

export function validateNote(state: OnboardingState, text: string): void {
  nonEmpty(text, 'text', 2000);
  if (state.timeline.length >= 2000) throw new StepError('the timeline is full');
}

// ── Timeline and steps ────────────────────────────────────────────────────────────────────────────────────────────

export function record(state: OnboardingState, now: number, e: Omit<TimelineEntry, 'seq' | 'at' | 'step'>): void {
  state.timeline.push({ seq: state.timeline.length + 1, at: new Date(now).toISOString(), step: state.step, ...e });
}

/** Moves to `step` (a milestone): the waiting clock restarts and Stalled clears. */
export function advance(
  state: OnboardingState,
  step: OnboardingStepName,
  now: number,
  by: string,
  detail: string,
): void {
  if (state.step !== step) {
    state.step = step;
    state.stepSince = new Date(now).toISOString();
  }
  state.lastProgressAt = now;
  state.reminders = 0;
  delete state.stalled;
  record(state, now, { kind: 'STEP', by, detail });
}

// ── When to wake ──────────────────────────────────────────────────────────────────────────────────────────────────

/** Reminding and escalating are the core's; any other wake-up is the bank's (its maintenance, e.g. a certificate). */
export type Wake = { at: number; kind: 'REMIND' | 'ESCALATE' } | MaintenanceWake;

export const isBankWake = (w: Wake): boolean => w.kind !== 'REMIND' && w.kind !== 'ESCALATE';

export function nextWake(
  state: OnboardingState,
  p: { remindAfterDays: number; escalateAfterDays: number; certificateReminderDays: number },
): Wake | undefined {
  if (WAITING.has(state.step)) {
    const remind: Wake = {
      at: state.lastProgressAt + p.remindAfterDays * DAY_MS * (state.reminders + 1),
      kind: 'REMIND',
    };
    if (state.stalled) return remind;
    const escalate: Wake = { at: state.lastProgressAt + p.escalateAfterDays * DAY_MS, kind: 'ESCALATE' };
    return escalate.at <= remind.at ? escalate : remind;
  }
  // Stored credentials' kind is their bank's code (src/banks/onboarding-registry.ts).
  const c = state.credentials;
  return c ? bankOnboardingHooks(c.kind).maintenanceWake?.(state, p) : undefined;
}

// ── Views ─────────────────────────────────────────────────────────────────────────────────────────────────────────

export function view(input: StartOnboardingInput, state: OnboardingState): OnboardingView {
  const c = state.credentials;
  const hooks = bankOnboardingHooks(input.data.bank);
  return {
    accountId: input.accountId,
    tenantId: input.tenantId,
    bank: input.data.bank,
    product: BANK_DESCRIPTORS[input.data.bank].onboarding.product,
    step: state.step,
    stepSince: state.stepSince,
    createdAt: input.createdAt,
    ...(state.stalled ? { stalled: state.stalled } : {}),
    reminders: state.remindersTotal,
    data: input.data,
    email: state.email,
    ...(c ? { credentials: hooks.credentialsView(c) } : {}),
    ...(state.configuration ? { configuration: state.configuration } : {}),
    ...(state.connectivity ? { connectivity: state.connectivity } : {}),
    ...hooks.viewExtras?.(state),
    timeline: state.timeline,
  };
}

export function onboardedAccount(input: StartOnboardingInput, state: OnboardingState): OnboardedAccount {
  const c = state.credentials;
  let credentials: StoredCredentials | undefined;
  if (c) {
    const { receivedAt: _r, ...rest } = c;
    credentials = rest;
  }
  return {
    accountId: input.accountId,
    tenantId: input.tenantId,
    bank: input.data.bank,
    step: state.step,
    data: input.data,
    ...(credentials ? { credentials } : {}),
    ...(state.configuration ? { configuration: state.configuration } : {}),
    webhook: input.webhook,
  };
}
