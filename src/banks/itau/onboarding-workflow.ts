/**
 * Itaú's part of the onboarding workflow (src/banks/onboarding-hooks.ts), workflow code: the certificado dinâmico
 * issued with the onboarding's key pair, the carteira rule, the boleto-notification subscriptions at ACTIVE, and,
 * once ACTIVE, the certificate's expiry: renewed by the workflow inside the window, else CS is reminded, and the
 * onboarding is escalated when it expires. Texts, state fields, activity names and patch ids are in histories.
 */
import { ApplicationFailure, patched } from '@temporalio/workflow';
import type { CertificateRenewalView, NotificationSubscriptionsView } from '../../contracts/onboarding';
import {
  activityFailureMessage,
  type BankOnboardingHooks,
  convenioNumberIsAccountProblem,
  type OnboardingHookContext,
  textProblem,
} from '../onboarding-hooks';
import type { createItauCertificateActivities } from './certificate-activities';
import type { createItauOnboardingActivities } from './onboarding-activities';

/**
 * Onboarding (long-lived, so patched()): when an Itaú account reaches ACTIVE, register its boleto-notification
 * subscription (Boletos v3 `notificacoes_boletos`, listed first so a retry never makes two). Onboardings that reached
 * ACTIVE before this replay without it.
 */
export const ITAU_NOTIFICATION_SUBSCRIPTION = 'itau-notification-subscription';

/**
 * Onboarding: inside the certificate window an ACTIVE Itaú account's certificado dinâmico is renewed by the workflow
 * (then re-checked), instead of only reminding CS; renewal attempts are a week apart; a refusal falls back to the
 * reminder. Certificate wake-ups that fired before this replay as reminders.
 */
export const ITAU_CERTIFICATE_RENEWAL = 'itau-certificate-renewal';

/** Itaú's activities the onboarding workflow calls (names are part of history). */
export type ItauOnboardingWorkflowActivities = ReturnType<typeof createItauOnboardingActivities> &
  ReturnType<typeof createItauCertificateActivities>;

/** Itaú's fields in the onboarding's state (names are part of history: continue-as-new carries them). */
export interface ItauOnboardingState {
  /** Certificate notices sent for the current certificate (keyed by its notAfter). */
  certificateNotices?: { notAfter: string; count: number; expired?: boolean };
  /** Notification subscriptions registered at ACTIVE (patch ITAU_NOTIFICATION_SUBSCRIPTION). */
  notifications?: NotificationSubscriptionsView;
  /** Last renewal attempt by the workflow (patch ITAU_CERTIFICATE_RENEWAL): attempts are a week apart. */
  certificateRenewal?: CertificateRenewalView & { attemptedAt: number };
}

type Ctx = OnboardingHookContext<ItauOnboardingState, ItauOnboardingWorkflowActivities>;

const DAY_MS = 86_400_000;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const BAD_CLIENT_ID = 'clientId must be the client_id UUID Itaú sent';

/**
 * Itaú at ACTIVE: Itaú's boleto notifications must reach us, or a payment is found only by the safety-net poll.
 * The activity lists first (a retry never makes two); a refusal is recorded and retried at the next connectivity
 * check, and never takes ACTIVE away.
 */
async function ensureNotifications(ctx: Ctx): Promise<void> {
  const { input, state } = ctx;
  if (!input.webhook.itau || !patched(ITAU_NOTIFICATION_SUBSCRIPTION)) return;
  try {
    state.notifications = await ctx.activities.onboardingEnsureItauNotifications({ account: ctx.account() });
    ctx.record(Date.now(), { kind: 'NOTIFICATIONS', by: 'system', detail: state.notifications.message });
  } catch (e) {
    const message = `Itaú notification subscription failed: ${activityFailureMessage(e)}; retried at the next connectivity check`;
    state.notifications = {
      at: new Date().toISOString(),
      ok: false,
      message,
      subscriptions: state.notifications?.subscriptions ?? [],
    };
    ctx.record(Date.now(), { kind: 'NOTIFICATIONS', by: 'system', detail: message });
    ctx.notify('onboarding.notifications_failed', message);
  }
}

/**
 * Inside the certificate window (the CERTIFICATE wake-up): renew the certificado dinâmico with the stored CSR (an
 * uploaded certificate has none: a new key), store it as submitted credentials are stored, and re-check
 * connectivity with it, which also hands the new certificate to the worker's bank registry. True when renewed;
 * false (the reminder then goes out as before) when the bank refused.
 */
async function renewCertificate(ctx: Ctx): Promise<boolean> {
  const { input, state } = ctx;
  const c = state.credentials;
  if (state.step !== 'ACTIVE' || c?.kind !== 'ITAU' || !patched(ITAU_CERTIFICATE_RENEWAL)) return false;
  await ctx.idle();
  if (state.credentials !== c || state.step !== 'ACTIVE') return true; // CS changed something meanwhile: plan again
  const now = Date.now();
  const at = new Date(now).toISOString();
  const company = input.data.company;
  return ctx.exclusive(async () => {
    let r: Awaited<ReturnType<ItauOnboardingWorkflowActivities['itauRenewCertificate']>>;
    try {
      r = await ctx.activities.itauRenewCertificate({
        accountId: input.accountId,
        current: {
          clientId: c.clientId,
          clientSecret: c.clientSecret,
          certificatePem: c.certificatePem,
          privateKeyPem: c.privateKeyPem,
          csrPem: c.csrPem ?? '',
          notAfter: c.notAfter,
        },
        ...(c.csrPem ? {} : { newKey: { company: company.legalName, city: company.city, state: company.state } }),
      });
    } catch (e) {
      const message = `Renewal of the Itaú certificate (valid until ${c.notAfter}) refused: ${activityFailureMessage(e)}`;
      state.certificateRenewal = { attemptedAt: now, at, ok: false, message, previousNotAfter: c.notAfter };
      ctx.record(now, { kind: 'CERTIFICATE', by: 'system', detail: `${message}; next attempt in 7 days` });
      return false;
    }
    state.credentials = {
      ...c,
      clientSecret: r.clientSecret,
      certificatePem: r.certificatePem,
      privateKeyPem: r.privateKeyPem,
      csrPem: r.csrPem,
      notAfter: r.notAfter,
      receivedAt: at,
    };
    state.credentialsGeneration++;
    const message = `The Itaú certificate was renewed: valid until ${r.notAfter} (was ${c.notAfter})`;
    state.certificateRenewal = {
      attemptedAt: now,
      at,
      ok: true,
      message,
      previousNotAfter: c.notAfter,
      notAfter: r.notAfter,
    };
    ctx.record(now, { kind: 'CERTIFICATE', by: 'system', detail: message });
    ctx.notify('onboarding.certificate_renewed', message);
    await ctx.checkConnectivity('system');
    return true;
  });
}

export const ITAU_ONBOARDING_HOOKS: BankOnboardingHooks<ItauOnboardingState, ItauOnboardingWorkflowActivities> = {
  initialState: () => ({}),

  managerEmailExtras: (input) => (input.itauKeyPair ? { publicKeyPem: input.itauKeyPair.publicKeyPem } : {}),

  credentialsProblem(input, c, now) {
    switch (c.kind) {
      case 'ITAU_DYNAMIC':
        if (!UUID.test(String(c.clientId))) return BAD_CLIENT_ID;
        return (
          textProblem(c.temporaryToken, 'temporaryToken', 8192) ??
          (input.itauKeyPair
            ? undefined
            : 'this onboarding has no key pair to request a certificate with; upload a certificate instead')
        );
      case 'ITAU_CERTIFICATE': {
        if (!UUID.test(String(c.clientId))) return BAD_CLIENT_ID;
        const secret = textProblem(c.clientSecret, 'clientSecret', 1024);
        if (secret) return secret;
        if (!String(c.certificatePem).includes('-----BEGIN CERTIFICATE-----'))
          return 'certificatePem must be a PEM certificate';
        if (!/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(String(c.privateKeyPem)))
          return 'privateKeyPem must be a PEM private key';
        if (!(Date.parse(c.notAfter) > now)) return `the certificate expired at ${c.notAfter}`;
        return undefined;
      }
      default:
        return 'unknown credentials kind';
    }
  },

  /** An uploaded certificate is stored as is; the certificado dinâmico is issued here with the onboarding's key pair. */
  async storeCredentials(ctx, c) {
    if (c.kind === 'ITAU_CERTIFICATE') {
      return {
        kind: 'ITAU' as const,
        source: 'UPLOADED' as const,
        clientId: c.clientId,
        clientSecret: c.clientSecret,
        certificatePem: c.certificatePem,
        privateKeyPem: c.privateKeyPem,
        notAfter: c.notAfter,
      };
    }
    if (c.kind !== 'ITAU_DYNAMIC')
      throw ApplicationFailure.create({ type: 'StepError', message: 'unknown credentials kind', nonRetryable: true });
    const keyPair = ctx.input.itauKeyPair;
    if (!keyPair)
      throw ApplicationFailure.create({
        type: 'StepError',
        message: 'no key pair to request a certificate with',
        nonRetryable: true,
      });
    try {
      const issued = await ctx.activities.onboardingIssueItauCertificate({
        account: ctx.account(),
        clientId: c.clientId,
        temporaryToken: c.temporaryToken,
        privateKeyPem: keyPair.privateKeyPem,
      });
      return {
        kind: 'ITAU' as const,
        source: 'DYNAMIC' as const,
        clientId: c.clientId,
        ...issued,
        privateKeyPem: keyPair.privateKeyPem,
      };
    } catch (e) {
      const cause = (e as { cause?: { message?: string } }).cause;
      throw ApplicationFailure.create({
        type: 'CertificateRequestFailed',
        message: `Itaú refused the certificate request: ${cause?.message ?? 'unknown error'}`,
        nonRetryable: true,
      });
    }
  },

  credentialsText: (c) =>
    c.kind === 'ITAU'
      ? `Itaú certificate ${c.source === 'DYNAMIC' ? 'issued (certificado dinâmico)' : 'uploaded'}, valid until ${c.notAfter}`
      : 'unknown credentials',

  credentialsView: (c) =>
    c.kind === 'ITAU'
      ? {
          kind: c.kind,
          source: c.source,
          clientId: c.clientId,
          certificateNotAfter: c.notAfter,
          receivedAt: c.receivedAt,
        }
      : { kind: c.kind, receivedAt: c.receivedAt },

  /**
   * The convênio number is the account itself; the carteira that of Cobranças – Bolecode; a bolecode by default
   * needs API V2 and the account's Pix key (DICT).
   */
  configurationProblem(input, cfg) {
    const number = convenioNumberIsAccountProblem(input, cfg);
    if (number) return number;
    if (cfg.convenio.carteira !== input.policy.itauCarteira)
      return `convenio.carteira must be ${input.policy.itauCarteira} for Itaú Cobranças – Bolecode`;
    if (cfg.chargeDefaults?.defaultKind !== 'BOLECODE') return undefined;
    if (cfg.convenio.apiVersion !== 'V2') return 'hybrid boletos (BOLECODE) need convenio.apiVersion V2';
    if (!cfg.convenio.pixKey) return 'hybrid boletos (BOLECODE) need convenio.pixKey, the account’s Pix key';
    return undefined;
  },

  atActive: ensureNotifications,

  maintenanceWake(state, p) {
    const c = state.credentials;
    if (state.step !== 'ACTIVE' || c?.kind !== 'ITAU') return undefined;
    const expires = Date.parse(c.notAfter);
    const notices = state.certificateNotices?.notAfter === c.notAfter ? state.certificateNotices : undefined;
    if (notices?.expired) return undefined;
    const sent = notices?.count ?? 0;
    const first = expires - p.certificateReminderDays * DAY_MS;
    let at = first + sent * 7 * DAY_MS;
    // A renewal attempt (the workflow's own, inside the window) waits a week before the next one, even when the
    // bank's new certificate is again inside the window.
    if (state.certificateRenewal) at = Math.max(at, state.certificateRenewal.attemptedAt + 7 * DAY_MS);
    return at < expires ? { at, kind: 'CERTIFICATE' } : { at: expires, kind: 'CERTIFICATE_EXPIRED' };
  },

  maintain: (ctx, wake) => wake.kind === 'CERTIFICATE' && renewCertificate(ctx),

  maintenanceNotice(ctx, wake, now) {
    const { state } = ctx;
    if (state.credentials?.kind !== 'ITAU') return;
    const notAfter = state.credentials.notAfter;
    const prev = state.certificateNotices?.notAfter === notAfter ? state.certificateNotices.count : 0;
    if (wake.kind === 'CERTIFICATE') {
      state.certificateNotices = { notAfter, count: prev + 1 };
      const detail = `The Itaú certificate expires at ${notAfter} (${Math.ceil((Date.parse(notAfter) - now) / DAY_MS)} day(s)); renew it or upload a new one`;
      ctx.record(now, { kind: 'CERTIFICATE', by: 'system', detail });
      ctx.notify('onboarding.certificate_expiring', detail);
    } else {
      state.certificateNotices = { notAfter, count: prev, expired: true };
      state.stalled = { since: new Date(now).toISOString(), reason: `The Itaú certificate expired at ${notAfter}` };
      ctx.record(now, {
        kind: 'ESCALATION',
        by: 'system',
        detail: `${state.stalled.reason}; the bank will refuse calls until new credentials are submitted`,
      });
      ctx.publishStep();
      ctx.notify('onboarding.certificate_expired', state.stalled.reason);
    }
  },

  viewExtras: (state) => ({
    ...(state.notifications ? { notifications: state.notifications } : {}),
    ...(state.certificateRenewal
      ? { certificateRenewal: (({ attemptedAt: _a, ...r }) => r)(state.certificateRenewal) }
      : {}),
  }),
};
