/**
 * onboarding: one workflow per client bank account (id `onboarding:<accountId>`), from the captured account data
 * to ACTIVE, over the days or weeks the bank takes. CS marks each milestone with a validated Update (rules in
 * onboarding-state.ts); the workflow waits on durable timers, reminds CS and escalates (Stalled search attribute)
 * when a step does not move, issues Itaú's certificado dinâmico, runs the connectivity check, and once ACTIVE keeps
 * reminding before the certificate expires. Credentials live only in Update arguments and state (encrypted by the
 * payload codec); queries and search attributes never carry them.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createNotificationActivities } from '../activities/notifications';
import type { createItauCertificateActivities } from '../banks/itau/certificate-activities';
import type { createItauOnboardingActivities } from '../banks/itau/onboarding-activities';
import type { createBs2OnboardingActivities } from '../banks/bs2/token-activities';
import type { createOnboardingActivities } from '../activities/onboarding';
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
import { ITAU_CERTIFICATE_RENEWAL, ITAU_NOTIFICATION_SUBSCRIPTION } from './patches';
import { OnboardingStep, Stalled } from '../contracts/search-attributes';

type Activities = ReturnType<typeof createOnboardingActivities> &
  ReturnType<typeof createNotificationActivities> &
  ReturnType<typeof createItauCertificateActivities> &
  ReturnType<typeof createItauOnboardingActivities> &
  ReturnType<typeof createBs2OnboardingActivities>;

/** The bank's words from a failed activity (never a stack trace). */
const causeOf = (e: unknown): string => (e as { cause?: { message?: string } }).cause?.message ?? (e as { message?: string }).message ?? 'unknown error';

/** Bank calls made on CS's behalf: a few quick attempts, then the bank's message goes back to CS. */
const bank = proxyActivities<Activities>({
  startToCloseTimeout: '60s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '20s', maximumAttempts: 3, nonRetryableErrorTypes: [Failure.BankValidationError, Failure.BankAuthError, Failure.BankNotFound, Failure.BankConflict] },
});
const { onboardingNotify } = proxyActivities<Activities>(notification);

export async function onboarding(input: StartOnboardingInput, carried?: OnboardingState): Promise<OnboardingView> {
  const state: OnboardingState = carried ?? initialState(input, Date.now());
  const policy = input.policy;
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

  /** Connectivity check with the stored credentials and configuration: ACTIVE, or back to CS with the bank's words. */
  const checkConnectivity = async (by: string): Promise<void> => {
    const c = state.credentials;
    if (c?.kind === 'BS2' && state.keeperGeneration !== state.credentialsGeneration) {
      // The token keeper owns the (rotating) refresh token from here on: hand it over exactly once per submission.
      await bank.onboardingHandOverBs2RefreshToken({ accountId: input.accountId, refreshToken: c.refreshToken });
      state.keeperGeneration = state.credentialsGeneration;
    }
    const result = await bank.onboardingCheckConnectivity({ account: onboardedAccount(input, state) });
    state.connectivity = result;
    record(state, Date.now(), { kind: 'CONNECTIVITY', by, detail: result.ok ? `Connectivity check passed: ${result.message}` : `Connectivity check failed: ${result.message}` });
    if (result.ok) {
      milestone('ACTIVE', by, 'Connectivity confirmed; the account may issue boletos');
      await ensureNotifications();
    } else milestone('CONNECTIVITY_FAILED', by, result.message);
  };

  /**
   * Itaú at ACTIVE: Itaú's boleto notifications must reach us, or a payment is found only by the safety-net poll.
   * The activity lists first (a retry never makes two); a refusal is recorded and retried at the next connectivity
   * check, and never takes ACTIVE away.
   */
  async function ensureNotifications(): Promise<void> {
    if (input.data.bank !== 'ITAU' || !input.webhook.itau || !patched(ITAU_NOTIFICATION_SUBSCRIPTION)) return;
    try {
      state.notifications = await bank.onboardingEnsureItauNotifications({ account: onboardedAccount(input, state) });
      record(state, Date.now(), { kind: 'NOTIFICATIONS', by: 'system', detail: state.notifications.message });
    } catch (e) {
      const message = `Itaú notification subscription failed: ${causeOf(e)}; retried at the next connectivity check`;
      state.notifications = { at: new Date().toISOString(), ok: false, message, subscriptions: state.notifications?.subscriptions ?? [] };
      record(state, Date.now(), { kind: 'NOTIFICATIONS', by: 'system', detail: message });
      void notify('onboarding.notifications_failed', message);
    }
  }

  /**
   * Inside the certificate window (the CERTIFICATE wake-up): renew the certificado dinâmico with the stored CSR (an
   * uploaded certificate has none: a new key), store it as submitted credentials are stored, and re-check
   * connectivity with it, which also hands the new certificate to the worker's bank registry. True when renewed;
   * false (the reminder then goes out as before) when the bank refused.
   */
  async function renewCertificate(): Promise<boolean> {
    const c = state.credentials;
    if (state.step !== 'ACTIVE' || c?.kind !== 'ITAU' || !patched(ITAU_CERTIFICATE_RENEWAL)) return false;
    await condition(() => !busy);
    if (state.credentials !== c || state.step !== 'ACTIVE') return true; // CS changed something meanwhile: plan again
    const now = Date.now();
    const at = new Date(now).toISOString();
    const company = input.data.company;
    return exclusive(async () => {
      let r: Awaited<ReturnType<Activities['itauRenewCertificate']>>;
      try {
        r = await bank.itauRenewCertificate({
          accountId: input.accountId,
          current: { clientId: c.clientId, clientSecret: c.clientSecret, certificatePem: c.certificatePem, privateKeyPem: c.privateKeyPem, csrPem: c.csrPem ?? '', notAfter: c.notAfter },
          ...(c.csrPem ? {} : { newKey: { company: company.legalName, city: company.city, state: company.state } }),
        });
      } catch (e) {
        const message = `Renewal of the Itaú certificate (valid until ${c.notAfter}) refused: ${causeOf(e)}`;
        state.certificateRenewal = { attemptedAt: now, at, ok: false, message, previousNotAfter: c.notAfter };
        record(state, now, { kind: 'CERTIFICATE', by: 'system', detail: `${message}; next attempt in 7 days` });
        return false;
      }
      state.credentials = { ...c, clientSecret: r.clientSecret, certificatePem: r.certificatePem, privateKeyPem: r.privateKeyPem, csrPem: r.csrPem, notAfter: r.notAfter, receivedAt: at };
      state.credentialsGeneration++;
      const message = `The Itaú certificate was renewed: valid until ${r.notAfter} (was ${c.notAfter})`;
      state.certificateRenewal = { attemptedAt: now, at, ok: true, message, previousNotAfter: c.notAfter, notAfter: r.notAfter };
      record(state, now, { kind: 'CERTIFICATE', by: 'system', detail: message });
      void notify('onboarding.certificate_renewed', message);
      await checkConnectivity('system');
      return true;
    });
  }

  const exclusive = async <T>(fn: () => Promise<T>): Promise<T> => {
    busy = true;
    try {
      return await fn();
    } finally {
      busy = false;
    }
  };

  setHandler(onboardingStateQuery, () => view(input, state));
  setHandler(onboardedAccountQuery, () => onboardedAccount(input, state));

  setHandler(
    markRequestSentUpdate,
    ({ by, note }) => {
      milestone('REQUEST_SENT', by, note?.trim() ? `Request sent to the account manager: ${note.trim()}` : 'Request sent to the account manager');
      return view(input, state);
    },
    { validator: (_a) => validateRequestSent(state) },
  );

  setHandler(
    markBankReleasedUpdate,
    ({ by, note }) => {
      milestone('BANK_RELEASED', by, note?.trim() ? `The bank released the product: ${note.trim()}` : 'The bank released the product');
      return view(input, state);
    },
    { validator: (_a) => validateBankReleased(state) },
  );

  setHandler(
    submitCredentialsUpdate,
    ({ by, credentials }) =>
      exclusive(async () => {
        const at = new Date().toISOString();
        const stored = await storeCredentials(input, credentials);
        state.credentials = { ...stored, receivedAt: at };
        state.credentialsGeneration++;
        const what = stored.kind === 'ITAU' ? `Itaú certificate ${stored.source === 'DYNAMIC' ? 'issued (certificado dinâmico)' : 'uploaded'}, valid until ${stored.notAfter}` : 'BS2 application credentials received';
        const recheck = state.configuration !== undefined && (state.step === 'CONNECTIVITY_FAILED' || state.step === 'ACTIVE');
        if (recheck) {
          record(state, Date.now(), { kind: 'STEP', by, detail: `New credentials: ${what}` });
          await checkConnectivity(by);
        } else {
          milestone('CREDENTIALS_RECEIVED', by, what);
        }
        return view(input, state);
      }),
    { validator: ({ credentials }: { credentials: CredentialsInput }) => validateCredentials(state, input, credentials, Date.now(), busy) },
  );

  setHandler(
    configureConvenioUpdate,
    ({ by, configuration }) =>
      exclusive(async () => {
        state.configuration = configuration;
        milestone('CONFIGURED', by, `Convênio ${configuration.convenio.number}, carteira ${configuration.convenio.carteira}, CNAB ${configuration.convenio.cnab}, API ${configuration.convenio.apiVersion}, default ${configuration.chargeDefaults.defaultKind}`);
        await checkConnectivity('system');
        return view(input, state);
      }),
    { validator: ({ configuration }: { configuration: ConvenioConfig }) => validateConfiguration(state, input, configuration, policy.itauCarteira, busy) },
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

  /** Stored form of submitted credentials; the Itaú certificado dinâmico is issued here. */
  async function storeCredentials(i: StartOnboardingInput, c: CredentialsInput) {
    if (c.kind === 'BS2') return { kind: 'BS2' as const, apiKey: c.apiKey.trim(), apiSecret: c.apiSecret, scope: c.scope.trim(), refreshToken: c.refreshToken.trim() };
    if (c.kind === 'ITAU_CERTIFICATE') {
      return { kind: 'ITAU' as const, source: 'UPLOADED' as const, clientId: c.clientId, clientSecret: c.clientSecret, certificatePem: c.certificatePem, privateKeyPem: c.privateKeyPem, notAfter: c.notAfter };
    }
    const keyPair = i.itauKeyPair;
    if (!keyPair) throw ApplicationFailure.create({ type: 'StepError', message: 'no key pair to request a certificate with', nonRetryable: true });
    try {
      const issued = await bank.onboardingIssueItauCertificate({
        account: onboardedAccount(i, state),
        clientId: c.clientId,
        temporaryToken: c.temporaryToken,
        privateKeyPem: keyPair.privateKeyPem,
      });
      return { kind: 'ITAU' as const, source: 'DYNAMIC' as const, clientId: c.clientId, ...issued, privateKeyPem: keyPair.privateKeyPem };
    } catch (e) {
      const cause = (e as { cause?: { message?: string } }).cause;
      throw ApplicationFailure.create({ type: 'CertificateRequestFailed', message: `Itaú refused the certificate request: ${cause?.message ?? 'unknown error'}`, nonRetryable: true });
    }
  }

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
    } else if (state.credentials?.kind === 'ITAU') {
      const notAfter = state.credentials.notAfter;
      const prev = state.certificateNotices?.notAfter === notAfter ? state.certificateNotices.count : 0;
      if (w.kind === 'CERTIFICATE') {
        state.certificateNotices = { notAfter, count: prev + 1 };
        const detail = `The Itaú certificate expires at ${notAfter} (${Math.ceil((Date.parse(notAfter) - now) / DAY_MS)} day(s)); renew it or upload a new one`;
        record(state, now, { kind: 'CERTIFICATE', by: 'system', detail });
        void notify('onboarding.certificate_expiring', detail);
      } else {
        state.certificateNotices = { notAfter, count: prev, expired: true };
        state.stalled = { since: new Date(now).toISOString(), reason: `The Itaú certificate expired at ${notAfter}` };
        record(state, now, { kind: 'ESCALATION', by: 'system', detail: `${state.stalled.reason}; the bank will refuse calls until new credentials are submitted` });
        publishStep();
        void notify('onboarding.certificate_expired', state.stalled.reason);
      }
    }
  };

  publishStep();
  while (state.step !== 'CANCELLED') {
    const wake = nextWake(state, policy);
    const seen = state.timeline.length;
    const moved = () => state.timeline.length !== seen || workflowInfo().continueAsNewSuggested;
    if (wake) {
      if (!(await condition(moved, Math.max(1, wake.at - Date.now())))) {
        if (!(wake.kind === 'CERTIFICATE' && (await renewCertificate()))) fire(wake);
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
