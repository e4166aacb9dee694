/**
 * Sicoob's part of the onboarding workflow (src/banks/onboarding-hooks.ts), workflow code: the app's client_id and
 * certificate, stored as submitted; the código do cliente (`numeroCliente`) and the modalidade from the
 * configuration step (the account data's account + digit is the conta corrente, src/banks/sicoob/account.ts); at
 * ACTIVE the account's type-7 webhook registered by API (one, pointing at our receiver), then watched: an Inativo
 * webhook is reactivated (timeline, tenant notice), one awaiting validation for too long escalates the onboarding
 * (Stalled). Texts, state fields, activity names and patch ids are in histories.
 */
import { patched } from '@temporalio/workflow';
import type { WebhookRegistrationView } from '../../contracts/onboarding';
import {
  activityFailureMessage,
  type BankOnboardingHooks,
  type OnboardingHookContext,
  textProblem,
} from '../onboarding-hooks';
import type { createSicoobMovementActivities } from './movement-activities';
import type { createSicoobOnboardingActivities } from './onboarding-activities';

/**
 * Onboarding: when a Sicoob account reaches ACTIVE, register its type-7 webhook at Sicoob (listed first, so a retry
 * never makes two) and watch it from then on (the SICOOB_WEBHOOK wake-ups). Onboardings that reached ACTIVE before
 * this replay without it.
 */
export const SICOOB_WEBHOOK_REGISTRATION = 'sicoob-webhook-registration';

/**
 * Onboarding: the first time a Sicoob account reaches ACTIVE, read the contract's nosso-número range
 * (`faixas-nosso-numero`) and its DV flag; the account's adapter takes it instead of the installation's settings.
 * Read once: a later range would fold a boleto's number differently on a retry.
 */
export const SICOOB_NOSSO_NUMERO_RANGE = 'sicoob-nosso-numero-range';

/**
 * Onboarding: at ACTIVE, make sure the account's movement poll runs (sicoobMovementPoll, the reconciliation safety
 * net when webhooks are off or lost); a failed start is retried at the next webhook watch.
 */
export const SICOOB_MOVEMENT_POLL_AT_ACTIVE = 'sicoob-movement-poll-at-active';

/** Sicoob's activities the onboarding workflow calls (names are part of history). */
export type SicoobOnboardingWorkflowActivities = ReturnType<typeof createSicoobOnboardingActivities> &
  Pick<ReturnType<typeof createSicoobMovementActivities>, 'sicoobEnsureMovementPoll'>;

/** Sicoob's fields in the onboarding's state (names are part of history: continue-as-new carries them). */
export interface SicoobOnboardingState {
  /** The contract's nosso-número range read at the first ACTIVE (patch SICOOB_NOSSO_NUMERO_RANGE). */
  sicoobNossoNumero?: { first: number; last: number; dv: boolean; readAt: string };
  /** The type-7 webhook as last registered or checked (patch SICOOB_WEBHOOK_REGISTRATION). */
  sicoobWebhook?: {
    at: string;
    ok: boolean;
    message: string;
    idWebhook?: number;
    url?: string;
    /** `codigoSituacao - descricaoSituacao`, Sicoob's words. */
    situacao?: string;
    codigoSituacao?: number;
    /** Epoch ms of the last check (the next one is `watchEveryMs` later). */
    checkedAt: number;
    watchEveryMs: number;
    validationTimeoutMs: number;
    /** Epoch ms since the webhook awaits validation (situação 1), reset by a new URL or a reactivation. */
    awaitingSince?: number;
    /** The onboarding was escalated for this wait (once per wait). */
    escalated?: boolean;
  };
  /** The account's movement poll as last started at ACTIVE (patch SICOOB_MOVEMENT_POLL_AT_ACTIVE). */
  sicoobMovementPoll?: { at: string; ok: boolean; message: string };
}

type Ctx = OnboardingHookContext<SicoobOnboardingState, SicoobOnboardingWorkflowActivities>;

const DAY_MS = 86_400_000;
const WAKE = 'SICOOB_WEBHOOK';
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One check of the account's webhook (at ACTIVE and on each watch wake-up): the activity makes sure it is there,
 * ours and active. Recorded on the timeline when something changed or the situation moved; an Inativo one found
 * (and reactivated) is told to the tenant with Sicoob's reason; a refusal is recorded once, told to the tenant, and
 * retried at the next check. Never takes ACTIVE away.
 */
async function checkWebhook(ctx: Ctx): Promise<void> {
  const { state } = ctx;
  const prev = state.sicoobWebhook;
  try {
    const r = await ctx.activities.sicoobEnsureWebhook({ account: ctx.account() });
    const now = Date.now();
    const situacao = `${r.codigoSituacao} - ${r.descricaoSituacao}`;
    const same = prev?.ok === true && prev.idWebhook === r.idWebhook && !r.changed;
    const awaiting = r.codigoSituacao === 1;
    const awaitingSince = awaiting ? (same && prev.awaitingSince !== undefined ? prev.awaitingSince : now) : undefined;
    state.sicoobWebhook = {
      at: r.at,
      ok: true,
      message: r.message,
      idWebhook: r.idWebhook,
      url: r.url,
      situacao,
      codigoSituacao: r.codigoSituacao,
      checkedAt: now,
      watchEveryMs: r.watchEveryMs,
      validationTimeoutMs: r.validationTimeoutMs,
      ...(awaitingSince !== undefined ? { awaitingSince } : {}),
      ...(awaiting && same && prev.escalated ? { escalated: true } : {}),
    };
    if (!same || prev.codigoSituacao !== r.codigoSituacao)
      ctx.record(now, { kind: 'NOTIFICATIONS', by: 'system', detail: r.message });
    if (r.wasInactive) {
      const why = r.wasInactive.reason ?? 'motivo não informado';
      const detail = `The Sicoob webhook ${r.idWebhook} was Inativo${r.wasInactive.at ? ` since ${r.wasInactive.at}` : ''} ("${why}"); reactivated, Sicoob validates it again`;
      ctx.record(now, { kind: 'NOTIFICATIONS', by: 'system', detail });
      ctx.notify('onboarding.webhook_inactive', detail);
    }
    // Validated after an escalation for its wait: the escalation is over.
    if (prev?.escalated && !awaiting && state.stalled?.reason.startsWith('The Sicoob webhook')) {
      delete state.stalled;
      ctx.record(now, { kind: 'NOTIFICATIONS', by: 'system', detail: `The Sicoob webhook is "${situacao}"` });
      ctx.publishStep();
    }
  } catch (e) {
    const now = Date.now();
    const watchEveryMs = prev?.watchEveryMs ?? DAY_MS;
    const message = `Sicoob webhook registration failed: ${activityFailureMessage(e)}; retried at the next check`;
    state.sicoobWebhook = {
      ...prev,
      at: iso(now),
      ok: false,
      message,
      checkedAt: now,
      watchEveryMs,
      validationTimeoutMs: prev?.validationTimeoutMs ?? 2 * DAY_MS,
    };
    if (prev?.message !== message) {
      ctx.record(now, { kind: 'NOTIFICATIONS', by: 'system', detail: message });
      ctx.notify('onboarding.webhook_failed', message);
    }
  }
}

/** Awaiting validation for longer than the installation allows: escalated (Stalled), once per wait. */
function escalateIfUnvalidated(ctx: Ctx, now: number): void {
  const { state } = ctx;
  const w = state.sicoobWebhook;
  if (!w?.ok || w.awaitingSince === undefined || w.escalated || now - w.awaitingSince < w.validationTimeoutMs) return;
  w.escalated = true;
  state.stalled = {
    since: iso(now),
    reason: `The Sicoob webhook ${w.idWebhook} has been awaiting validation ("${w.situacao}") since ${iso(w.awaitingSince)}`,
  };
  ctx.record(now, {
    kind: 'ESCALATION',
    by: 'system',
    detail: `${state.stalled.reason}: payments are found by the poll only until Sicoob validates ${w.url}; check that the URL is reachable from Sicoob`,
  });
  ctx.publishStep();
  ctx.notify('onboarding.webhook_unvalidated', state.stalled.reason);
}

/**
 * The contract's nosso-número range, once: read at the first ACTIVE (the boletos issued after it take it); a refusal
 * or an empty answer keeps the installation's range and is read again at the next ACTIVE.
 */
async function readNossoNumeroRange(ctx: Ctx): Promise<void> {
  const { state } = ctx;
  if (state.sicoobNossoNumero || !patched(SICOOB_NOSSO_NUMERO_RANGE)) return;
  let detail: string;
  try {
    const r = await ctx.activities.sicoobReadNossoNumeroRange({ account: ctx.account() });
    if (r.range) state.sicoobNossoNumero = { ...r.range, readAt: r.at };
    detail = r.message;
  } catch (e) {
    detail = `Nosso-número range not read from Sicoob (${activityFailureMessage(e)}); the installation’s range is used until the next connectivity check`;
  }
  ctx.record(Date.now(), { kind: 'CONNECTIVITY', by: 'system', detail });
}

/**
 * The account's movement poll started (or sent the installation's options if it runs). Recorded when it changed; a
 * failure is told to the tenant once and retried at the next webhook watch. Never takes ACTIVE away.
 */
async function ensureMovementPoll(ctx: Ctx): Promise<void> {
  const prev = ctx.state.sicoobMovementPoll;
  let next: NonNullable<SicoobOnboardingState['sicoobMovementPoll']>;
  try {
    const r = await ctx.activities.sicoobEnsureMovementPoll(ctx.input.accountId);
    next = { at: iso(Date.now()), ok: true, message: `Sicoob movement poll running (${r.workflowId})` };
  } catch (e) {
    next = {
      at: iso(Date.now()),
      ok: false,
      message: `Sicoob movement poll not started: ${activityFailureMessage(e)}; retried at the next check`,
    };
  }
  ctx.state.sicoobMovementPoll = next;
  if (prev?.message === next.message) return;
  ctx.record(Date.now(), { kind: 'NOTIFICATIONS', by: 'system', detail: next.message });
  if (!next.ok) ctx.notify('onboarding.movement_poll_failed', next.message);
}

/** Sicoob at ACTIVE: the nosso-número range, the type-7 webhook, the movement poll (each under its patch). */
async function atActive(ctx: Ctx): Promise<void> {
  await readNossoNumeroRange(ctx);
  if (ctx.input.webhook.sicoob && patched(SICOOB_WEBHOOK_REGISTRATION)) await checkWebhook(ctx);
  if (patched(SICOOB_MOVEMENT_POLL_AT_ACTIVE)) await ensureMovementPoll(ctx);
}

export const SICOOB_ONBOARDING_HOOKS: BankOnboardingHooks<SicoobOnboardingState, SicoobOnboardingWorkflowActivities> = {
  initialState: () => ({}),

  managerEmailExtras: () => ({}),

  credentialsProblem: (_input, c, now) => {
    if (c.kind !== 'SICOOB') return 'unknown credentials kind';
    const notAfter = Date.parse(c.notAfter);
    return (
      textProblem(c.clientId, 'clientId', 200) ??
      textProblem(c.certificatePem, 'certificatePem', 100_000) ??
      textProblem(c.privateKeyPem, 'privateKeyPem', 100_000) ??
      (Number.isNaN(notAfter) || notAfter <= now ? 'the certificate has expired' : undefined)
    );
  },

  // eslint-disable-next-line @typescript-eslint/require-await -- async like every bank's conversion (one promise per submission)
  async storeCredentials(_ctx, c) {
    if (c.kind !== 'SICOOB') throw new Error('unknown credentials kind');
    return {
      kind: 'SICOOB' as const,
      clientId: c.clientId.trim(),
      certificatePem: c.certificatePem,
      privateKeyPem: c.privateKeyPem,
      notAfter: c.notAfter,
    };
  },

  credentialsText: () => 'Sicoob app client_id and certificate received',

  credentialsView: (c) =>
    c.kind === 'SICOOB'
      ? { kind: c.kind, clientId: c.clientId, certificateNotAfter: c.notAfter, receivedAt: c.receivedAt }
      : { kind: c.kind, receivedAt: c.receivedAt },

  /**
   * The convênio number is the código do cliente the cooperative confirmed, with its DV as the campo livre prints it
   * (7 digits at most, the nosso-número DV is computed over it), sent as the API's `numeroCliente` too (an int32 [C
   * S1], which it fits); the carteira is Sicoob's `codigoModalidade` (1 simples com registro).
   */
  configurationProblem(_input, conf) {
    if (!/^\d{1,7}$/.test(conf.convenio.number) || Number(conf.convenio.number) === 0)
      return 'convenio.number must be the Sicoob código do cliente (numeroCliente) the cooperative confirmed, with its digit: 1 to 7 digits';
    if (Number(conf.convenio.carteira) < 1)
      return 'convenio.carteira must be the Sicoob codigoModalidade (1 = simples com registro)';
    return undefined;
  },

  atActive,

  /** The watch: every `watchEveryMs` (setting), or sooner when a validation wait reaches its limit. */
  maintenanceWake(state) {
    const w = state.sicoobWebhook;
    if (state.step !== 'ACTIVE' || !w) return undefined;
    let at = w.checkedAt + w.watchEveryMs;
    if (w.ok && w.awaitingSince !== undefined && !w.escalated)
      at = Math.min(at, w.awaitingSince + w.validationTimeoutMs);
    return { at: Math.max(at, w.checkedAt + Math.min(w.watchEveryMs, 60_000)), kind: WAKE };
  },

  maintain(ctx, wake) {
    if (wake.kind !== WAKE) return false;
    return (async () => {
      await ctx.idle();
      if (ctx.state.step !== 'ACTIVE') return true;
      return ctx.exclusive(async () => {
        await checkWebhook(ctx);
        escalateIfUnvalidated(ctx, Date.now());
        if (ctx.state.sicoobMovementPoll?.ok === false) await ensureMovementPoll(ctx);
        return true;
      });
    })();
  },

  accountFields: (state) => {
    const r = state.sicoobNossoNumero;
    return r ? { sicoob: { nossoNumero: { first: r.first, last: r.last, dv: r.dv }, readAt: r.readAt } } : undefined;
  },

  viewExtras: (state) => {
    const w = state.sicoobWebhook;
    if (!w) return {};
    const view: WebhookRegistrationView = {
      at: w.at,
      ok: w.ok,
      message: w.message,
      ...(w.idWebhook !== undefined ? { id: String(w.idWebhook) } : {}),
      ...(w.url ? { url: w.url } : {}),
      ...(w.situacao ? { status: w.situacao } : {}),
      ...(w.awaitingSince !== undefined ? { awaitingValidationSince: iso(w.awaitingSince) } : {}),
    };
    return { webhookRegistration: view };
  },
};
