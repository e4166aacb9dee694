/**
 * onboarding: one workflow per client bank account (id `onboarding:<accountId>`), from the captured account data
 * to ACTIVE, over the days or weeks the bank takes. CS marks each milestone with a validated Update (rules in
 * onboarding-state.ts); the workflow waits on durable timers, reminds CS and escalates (Stalled search attribute)
 * when a step does not move, and runs the connectivity check. What differs by bank (storing credentials, handing
 * them over, what to do at ACTIVE, maintenance such as a certificate's renewal) is the bank's onboarding hooks
 * (src/banks/<bank>/onboarding-workflow.ts, listed in src/banks/onboarding-registry.ts): this file names no bank.
 * Credentials live only in Update arguments and state (encrypted by the payload codec); queries and search
 * attributes never carry them.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createNotificationActivities } from '../activities/notifications';
import type { createOnboardingActivities } from '../activities/onboarding';
import type { OnboardingHookContext } from '../banks/onboarding-hooks';
import {
  type BankOnboardingActivities,
  type BankOnboardingState,
  bankOnboardingHooks,
} from '../banks/onboarding-registry';
import { Failure } from '../contracts/failures';
import { notification } from './activity-options';
import {
  addNoteUpdate,
  cancelOnboardingUpdate,
  configureConvenioUpdate,
  type ConvenioConfig,
  type CredentialsInput,
  markBankReleasedUpdate,
  markRequestSentUpdate,
  type OnboardedAccount,
  onboardedAccountQuery,
  type OnboardingView,
  onboardingStateQuery,
  retryConnectivityUpdate,
  type StartOnboardingInput,
  submitCredentialsUpdate,
} from '../contracts/onboarding';
import {
  advance,
  DAY_MS,
  initialState,
  isBankWake,
  NEXT_ACTION,
  nextWake,
  onboardedAccount,
  type OnboardingState,
  record,
  validateBankReleased,
  validateCancel,
  validateConfiguration,
  validateCredentials,
  validateNote,
  validateRequestSent,
  validateRetry,
  view,
  type Wake,
} from './onboarding-state';
import { OnboardingStep, Stalled } from '../contracts/search-attributes';

type Activities = ReturnType<typeof createOnboardingActivities> &
  ReturnType<typeof createNotificationActivities> &
  BankOnboardingActivities;

/** Bank calls made on CS's behalf: a few quick attempts, then the bank's message goes back to CS. */
const bank = proxyActivities<Activities>({
  startToCloseTimeout: '60s',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '20s',
    maximumAttempts: 3,
    nonRetryableErrorTypes: [
      Failure.BankValidationError,
      Failure.BankAuthError,
      Failure.BankNotFound,
      Failure.BankConflict,
    ],
  },
});
const { onboardingNotify } = proxyActivities<Activities>(notification);

export async function onboarding(input: StartOnboardingInput, carried?: OnboardingState): Promise<OnboardingView> {
  const state: OnboardingState = carried ?? initialState(input, Date.now());
  const policy = input.policy;
  const hooks = bankOnboardingHooks(input.data.bank);
  /** A certificate request or connectivity check is running (CS actions that need the bank wait for it). */
  let busy = false;

  const publishStep = () =>
    upsertSearchAttributes({ [OnboardingStep.name]: [state.step], [Stalled.name]: [state.stalled !== undefined] });

  /** Notifications in flight: awaited before the workflow ends or continues as new. */
  const pending = new Set<Promise<unknown>>();
  const notify = (type: string, detail: string) => {
    const p = onboardingNotify({
      tenantId: input.tenantId,
      deliveryId: `${workflowInfo().workflowId}:${state.timeline.length}:${type}`,
      type,
      accountId: input.accountId,
      step: state.step,
      detail,
    })
      .catch(() => undefined) // delivery failures are the activity's to retry and log; the onboarding goes on
      .finally(() => pending.delete(p));
    pending.add(p);
  };

  const milestone = (step: OnboardingState['step'], by: string, detail: string) => {
    const changed = state.step !== step;
    advance(state, step, Date.now(), by, detail);
    publishStep();
    if (changed) void notify('onboarding.step_changed', `${step}: ${detail}`);
  };

  /** The account as the worker and the API use it: the core's fields and what the bank's hooks learnt (bankFields). */
  const account = (): OnboardedAccount => {
    const a = onboardedAccount(input, state);
    const bankFields = hooks.accountFields?.(state);
    return bankFields ? { ...a, bankFields } : a;
  };

  /** Connectivity check with the stored credentials and configuration: ACTIVE, or back to CS with the bank's words. */
  const checkConnectivity = async (by: string): Promise<void> => {
    const handOver = hooks.handOverCredentials?.(ctx);
    if (handOver) {
      await handOver.call;
      handOver.done();
    }
    const result = await bank.onboardingCheckConnectivity({ account: account() });
    state.connectivity = result;
    record(state, Date.now(), {
      kind: 'CONNECTIVITY',
      by,
      detail: result.ok
        ? `Connectivity check passed: ${result.message}`
        : `Connectivity check failed: ${result.message}`,
    });
    if (result.ok) {
      milestone('ACTIVE', by, 'Connectivity confirmed; the account may issue boletos');
      await hooks.atActive?.(ctx);
    } else milestone('CONNECTIVITY_FAILED', by, result.message);
  };

  const exclusive = async <T>(fn: () => Promise<T>): Promise<T> => {
    busy = true;
    try {
      return await fn();
    } finally {
      busy = false;
    }
  };

  /** What the bank's hooks may use (src/banks/onboarding-hooks.ts). */
  const ctx: OnboardingHookContext<BankOnboardingState, BankOnboardingActivities> = {
    input,
    state,
    activities: bank,
    account,
    record: (now, entry) => record(state, now, entry),
    notify,
    checkConnectivity,
    idle: () => condition(() => !busy),
    exclusive,
    publishStep,
  };

  setHandler(onboardingStateQuery, () => view(input, state));
  setHandler(onboardedAccountQuery, account);

  setHandler(
    markRequestSentUpdate,
    ({ by, note }) => {
      milestone(
        'REQUEST_SENT',
        by,
        note?.trim() ? `Request sent to the account manager: ${note.trim()}` : 'Request sent to the account manager',
      );
      return view(input, state);
    },
    { validator: (_a) => validateRequestSent(state) },
  );

  setHandler(
    markBankReleasedUpdate,
    ({ by, note }) => {
      milestone(
        'BANK_RELEASED',
        by,
        note?.trim() ? `The bank released the product: ${note.trim()}` : 'The bank released the product',
      );
      return view(input, state);
    },
    { validator: (_a) => validateBankReleased(state) },
  );

  setHandler(
    submitCredentialsUpdate,
    ({ by, credentials }) =>
      exclusive(async () => {
        const at = new Date().toISOString();
        const stored = await hooks.storeCredentials(ctx, credentials);
        state.credentials = { ...stored, receivedAt: at };
        state.credentialsGeneration++;
        const what = hooks.credentialsText(stored);
        const recheck =
          state.configuration !== undefined && (state.step === 'CONNECTIVITY_FAILED' || state.step === 'ACTIVE');
        if (recheck) {
          record(state, Date.now(), { kind: 'STEP', by, detail: `New credentials: ${what}` });
          await checkConnectivity(by);
        } else {
          milestone('CREDENTIALS_RECEIVED', by, what);
        }
        return view(input, state);
      }),
    {
      validator: ({ credentials }: { credentials: CredentialsInput }) =>
        validateCredentials(state, input, credentials, Date.now(), busy),
    },
  );

  setHandler(
    configureConvenioUpdate,
    ({ by, configuration }) =>
      exclusive(async () => {
        state.configuration = configuration;
        milestone(
          'CONFIGURED',
          by,
          `Convênio ${configuration.convenio.number}, carteira ${configuration.convenio.carteira}, CNAB ${configuration.convenio.cnab}, API ${configuration.convenio.apiVersion}, default ${configuration.chargeDefaults.defaultKind}`,
        );
        await checkConnectivity('system');
        return view(input, state);
      }),
    {
      validator: ({ configuration }: { configuration: ConvenioConfig }) =>
        validateConfiguration(state, input, configuration, busy),
    },
  );

  setHandler(
    retryConnectivityUpdate,
    ({ by }) =>
      exclusive(async () => {
        await checkConnectivity(by);
        return view(input, state);
      }),
    { validator: (_a) => validateRetry(state, busy) },
  );

  setHandler(
    addNoteUpdate,
    ({ by, text }) => {
      record(state, Date.now(), { kind: 'NOTE', by, detail: text.trim() });
      return view(input, state);
    },
    { validator: ({ text }: { text: string }) => validateNote(state, text) },
  );

  setHandler(
    cancelOnboardingUpdate,
    ({ by, reason }) => {
      milestone('CANCELLED', by, `Cancelled: ${reason.trim()}`);
      return view(input, state);
    },
    { validator: ({ reason }: { reason: string }) => validateCancel(state, reason) },
  );

  const fire = (w: Wake) => {
    const now = Date.now();
    const days = Math.floor((now - state.lastProgressAt) / DAY_MS);
    if (w.kind === 'REMIND') {
      state.reminders++;
      state.remindersTotal++;
      const detail = `No progress for ${days} day(s) in ${state.step}; next: ${NEXT_ACTION[state.step]}`;
      record(state, now, { kind: 'REMINDER', by: 'system', detail });
      void notify('onboarding.reminder', detail);
    } else if (w.kind === 'ESCALATE') {
      state.stalled = { since: new Date(now).toISOString(), reason: `No progress for ${days} day(s) in ${state.step}` };
      record(state, now, { kind: 'ESCALATION', by: 'system', detail: `Stalled: ${state.stalled.reason}; escalated` });
      publishStep();
      void notify('onboarding.escalated', state.stalled.reason);
    } else {
      hooks.maintenanceNotice?.(ctx, w, now);
    }
  };

  publishStep();
  while (state.step !== 'CANCELLED') {
    const wake = nextWake(state, policy);
    const seen = state.timeline.length;
    const moved = () => state.timeline.length !== seen || workflowInfo().continueAsNewSuggested;
    if (wake) {
      if (!(await condition(moved, Math.max(1, wake.at - Date.now())))) {
        // A bank's wake-up: the bank acts on it itself (true), or the workflow sends its notice.
        const acting = isBankWake(wake) && hooks.maintain?.(ctx, wake);
        if (!(acting && (await acting))) fire(wake);
      }
    } else {
      await condition(moved);
    }
    if (workflowInfo().continueAsNewSuggested && !busy) {
      await condition(() => allHandlersFinished() && pending.size === 0);
      await continueAsNew<typeof onboarding>(input, state);
    }
  }
  await condition(() => allHandlersFinished() && pending.size === 0);
  return view(input, state);
}
