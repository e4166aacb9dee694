/**
 * boletoLifecycle: one workflow per boleto, from registration at the bank to money credited (or cancelled,
 * expired). Bank webhooks arrive as signals, timed polls are the safety net, the API drives it with updates.
 * Rules live in boleto-state.ts (one-way status) and boleto-schedule.ts (when to wake); this file is the flow.
 */
import {
  allHandlersFinished,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createBankActivities } from '../activities/bank';
import type { createNotificationActivities } from '../activities/notifications';
import type { BankBoleto, BankEvent } from '../contracts/bank';
import { Failure } from '../contracts/failures';
import { addDays, saoPauloDate, saoPauloInstant } from '../domain';
import { bankRead, bankWrite, notification } from './activity-options';
import { REGISTER_AS_LOCAL_ACTIVITY } from './patches';
import {
  awaitRegistrationUpdate,
  bankEventSignal,
  type BankEventSignal,
  type BoletoEvent,
  type BoletoView,
  cancelUpdate,
  changeDueDateUpdate,
  eventsForWorkflow,
  getBoletoQuery,
  getCreationQuery,
  getDeliveriesQuery,
  getEventsQuery,
  getPrintableQuery,
  registeringView,
  resendDeliveryUpdate,
  type StartBoletoInput,
} from '../contracts/boleto';
import { nextWake, type Wake, type WakeReason } from './boleto-schedule';
import {
  applyBankEvents,
  applyRegistered,
  applyRejected,
  factsFromBankBoleto,
  isTerminal,
  type LifecycleState,
  moveTo,
  record,
  validateCancel,
  validateDueDateChange,
  validateRegistrationWait,
  validateResend,
} from './boleto-state';
import { BoletoStatus, DueDate, NossoNumero } from '../contracts/search-attributes';

type BankActivities = ReturnType<typeof createBankActivities>;
const write = proxyActivities<BankActivities>(bankWrite);
const read = proxyActivities<BankActivities>(bankRead);
const writeLocal = proxyLocalActivities<BankActivities>(bankWrite);
const readLocal = proxyLocalActivities<BankActivities>({ ...bankRead, startToCloseTimeout: '40s' });
const { deliverNotification } = proxyActivities<ReturnType<typeof createNotificationActivities>>(notification);

const HOUR = 3_600_000;
const nowIso = () => new Date().toISOString();
const today = () => saoPauloDate(Date.now());

/** Deterministic 8-digit nosso número candidates for banks where we choose it (Itaú): seeded by our seuNumero. */
export function nossoNumeroCandidate(seed: string, round: number): string {
  let h = 0x811c9dc5;
  for (const ch of `${seed}#${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return String(h % 100_000_000).padStart(8, '0');
}

export function initialState(input: StartBoletoInput): LifecycleState {
  const r = input.request;
  return {
    view: registeringView(input),
    events: [],
    seen: [],
    deliveries: [],
    expiryDate: expiryDate(r.dueDate, r.paymentDeadline, input.policy.expireAfterDays),
  };
}

/** The day we write off: after the payment deadline when one was given, else due date + N days. */
export const expiryDate = (dueDate: string, deadline: string | undefined, days: number): string =>
  deadline ? addDays(deadline, 1) : addDays(dueDate, days + 1);

const failureType = (e: unknown): { type?: string; message: string; details?: unknown[] } => {
  const cause = e instanceof ActivityFailure ? e.cause : e;
  if (cause instanceof ApplicationFailure) return { type: cause.type ?? undefined, message: cause.message, details: cause.details ?? undefined };
  return { message: cause instanceof Error ? cause.message : String(cause) };
};

/**
 * The wake-up timer, kept while the next wake-up stays the same (code version 2): a message that changes nothing
 * (a duplicate or late webhook, a refused update) costs no timer cancel and restart. A timer that fired stays until
 * consumed, so messages that arrived with it are handled first.
 */
function keptTimer(): { arm(wake: Wake | undefined): { fired: boolean } | undefined; consume(): void } {
  let current: { at: number; fired: boolean; scope: CancellationScope } | undefined;
  return {
    arm(wake) {
      if (current && current.at === wake?.at) return current;
      if (current && !current.fired) current.scope.cancel();
      current = undefined;
      if (!wake) return undefined;
      const t = { at: wake.at, fired: false, scope: new CancellationScope() };
      t.scope.run(() => sleep(Math.max(1, wake.at - Date.now()))).then(
        () => (t.fired = true),
        () => undefined, // cancelled: a new wake-up replaced it
      );
      return (current = t);
    },
    consume() {
      current = undefined;
    },
  };
}

export async function boletoLifecycle(input: StartBoletoInput, carried?: { state: LifecycleState; firstResponse?: BoletoView }): Promise<BoletoView> {
  const state = carried?.state ?? initialState(input);
  let firstResponse = carried?.firstResponse;
  const policy = input.policy;
  const codeVersion = input.codeVersion ?? 1;
  const accountId = input.accountId;
  const inbox: BankEventSignal[] = [];
  const inflight = new Set<Promise<void>>();
  let dirty = false;
  let lastIndexed = { status: state.view.status, dueDate: state.view.dueDate, nossoNumero: state.view.nossoNumero };
  // Deterministic (the workflow's random is seeded): spreads many boletos' polls over jitterMinutes.
  const jitterMs = Math.floor(Math.random() * policy.poll.jitterMinutes * 60_000);
  const ref = () => ({ ...(state.view.bankId ? { bankId: state.view.bankId } : {}), ...(state.view.nossoNumero ? { nossoNumero: state.view.nossoNumero } : {}) });

  // ---- outbound notifications: one delivery per recorded event, at least once, never blocking the flow ----
  function deliver(event: BoletoEvent, existingId?: string): void {
    const deliveryId = existingId ?? `${input.boletoId}:${event.seq}`;
    let d = state.deliveries.find((x) => x.deliveryId === deliveryId);
    if (!d) {
      d = { deliveryId, eventSeq: event.seq, status: 'PENDING', attempts: 0 };
      state.deliveries.push(d);
    } else d.status = 'PENDING';
    const delivery = d;
    const p = deliverNotification({ tenantId: input.tenantId, deliveryId, event, boleto: { ...state.view } })
      .then((r) => {
        delivery.attempts += r.attempts;
        delivery.status = r.skipped ? 'SKIPPED' : 'DELIVERED';
        delivery.lastAttemptAt = nowIso();
        if (!r.skipped) delivery.deliveredAt = nowIso();
      })
      .catch((e: unknown) => {
        delivery.attempts += 1;
        delivery.status = 'FAILED';
        delivery.lastError = failureType(e).message;
        delivery.lastAttemptAt = nowIso();
      })
      .finally(() => inflight.delete(p));
    inflight.add(p);
  }
  const notifyAll = (events: (BoletoEvent | undefined)[]) => events.forEach((e) => e && deliver(e));

  /** One upsert per change of what operators filter on (status, due date, nosso número). */
  function reindex(): void {
    const v = state.view;
    const changes = [];
    if (v.status !== lastIndexed.status) changes.push({ key: BoletoStatus, value: v.status });
    if (v.dueDate !== lastIndexed.dueDate) changes.push({ key: DueDate, value: new Date(saoPauloInstant(v.dueDate)) });
    if (v.nossoNumero && v.nossoNumero !== lastIndexed.nossoNumero) changes.push({ key: NossoNumero, value: v.nossoNumero });
    if (changes.length) upsertSearchAttributes(changes);
    lastIndexed = { status: v.status, dueDate: v.dueDate, nossoNumero: v.nossoNumero };
  }

  async function poll(): Promise<BoletoEvent[]> {
    const b = await read.bankGetBoleto({ accountId, ref: ref() });
    if (!b) return [];
    return applyBankEvents(state, factsFromBankBoleto(b, input.bank, nowIso()), nowIso(), today());
  }

  // ---- handlers ----
  setHandler(getBoletoQuery, () => state.view);
  setHandler(getEventsQuery, () => state.events);
  setHandler(getDeliveriesQuery, () => state.deliveries);
  setHandler(getPrintableQuery, () => ({ boleto: state.view, payer: input.request.payer, messages: input.request.messages ?? [] }));
  setHandler(getCreationQuery, () => ({ requestFingerprint: input.requestFingerprint, ...(firstResponse ? { firstResponse } : {}) }));
  setHandler(bankEventSignal, (s) => {
    inbox.push(s);
  });

  setHandler(
    awaitRegistrationUpdate,
    async () => {
      await condition(() => state.view.status !== 'REGISTERING');
      return firstResponse ?? state.view;
    },
    { validator: ({ requestFingerprint }: { requestFingerprint: string }) => validateRegistrationWait(requestFingerprint, input.requestFingerprint) },
  );

  setHandler(
    changeDueDateUpdate,
    async ({ dueDate }) => {
      state.pendingOp = 'DUE_DATE';
      try {
        await write.bankChangeDueDate({ accountId, ref: ref(), dueDate });
      } catch (e) {
        const f = failureType(e);
        throw ApplicationFailure.nonRetryable(`the bank refused the new due date: ${f.message}`, f.type ?? Failure.BankError, ...(f.details ?? []));
      } finally {
        state.pendingOp = undefined;
      }
      const previous = state.view.dueDate;
      state.view.dueDate = dueDate;
      state.expiryDate = expiryDate(dueDate, state.view.paymentDeadline, policy.expireAfterDays);
      notifyAll([record(state, { kind: 'DUE_DATE_CHANGED', at: nowIso(), source: 'api', eventId: `due-date:${dueDate}`, details: { from: previous, to: dueDate } }, nowIso())]);
      dirty = true;
      return state.view;
    },
    // Validators do not run on replay: the clock they read is the live one.
    { validator: ({ dueDate }) => validateDueDateChange(state, dueDate, today()) },
  );

  setHandler(
    cancelUpdate,
    async ({ reason, requestedAt }) => {
      state.pendingOp = 'CANCEL';
      state.view.cancellation = { requestedAt, reason };
      try {
        await write.bankCancelBoleto({ accountId, ref: ref(), reason });
      } catch (e) {
        const f = failureType(e);
        if (f.type === Failure.BankConflict || f.type === Failure.BankNotFound) {
          // Already paid or already gone at the bank: the bank's state decides (a payment wins).
          notifyAll(await poll());
          dirty = true;
          return state.view;
        }
        throw ApplicationFailure.nonRetryable(`the bank refused the cancellation: ${f.message}`, f.type ?? Failure.BankError, ...(f.details ?? []));
      } finally {
        state.pendingOp = undefined;
      }
      // Accepted by the bank. A payment identified meanwhile already moved us to PAID, and PAID never goes
      // back to CANCELLING, so the payment wins.
      if (moveTo(state, 'CANCELLING', nowIso())) {
        state.cancelKind = 'REQUEST';
        notifyAll([record(state, { kind: 'CANCEL_REQUESTED', at: requestedAt, source: 'api', eventId: 'cancel-requested', details: { reason } }, nowIso())]);
        notifyAll(await poll());
      }
      dirty = true;
      return state.view;
    },
    { validator: ({ reason }) => validateCancel(state, reason) },
  );

  setHandler(
    resendDeliveryUpdate,
    ({ deliveryId }) => {
      const d = state.deliveries.find((x) => x.deliveryId === deliveryId)!;
      const event = state.events.find((e) => e.seq === d.eventSeq)!;
      deliver(event, deliveryId);
      return Promise.resolve({ ...d });
    },
    { validator: ({ deliveryId }: { deliveryId: string }) => validateResend(state, deliveryId) },
  );

  // ---- registration: idempotent end to end ----
  async function register(): Promise<void> {
    const local = codeVersion >= 2 || patched(REGISTER_AS_LOCAL_ACTIVITY);
    const registerAtBank = local ? writeLocal.bankRegister : write.bankRegister;
    const findAtBank = local ? readLocal.bankFindRegistered : read.bankFindRegistered;
    const deadline = Date.now() + policy.registrationDeadlineHours * HOUR;
    const request = { ...input.request };
    let round = 0;
    if (input.chooseNossoNumero) request.nossoNumero ??= nossoNumeroCandidate(request.seuNumero, round);
    const same = (b: BankBoleto) => b.amountCents === request.amountCents && b.dueDate === request.dueDate;
    for (let attempt = 1; ; attempt++) {
      try {
        notifyAll([applyRegistered(state, await registerAtBank({ accountId, request }), nowIso())]);
        return;
      } catch (e) {
        const f = failureType(e);
        if (f.type === Failure.BankValidationError) {
          const fields = ((f.details?.[0] as { fields?: { field: string; message: string }[] } | undefined)?.fields ?? []).map(({ field, message }) => ({ field, message }));
          notifyAll([applyRejected(state, { code: 'BANK_REJECTED', reasons: fields.length ? fields : [{ field: 'request', message: f.message }] }, nowIso())]);
          return;
        }
        // Lost response, timeout, 5xx, duplicate: ask the bank before registering again.
        const found = await findAtBank({ accountId, request }).catch(() => null);
        if (found && same(found)) {
          notifyAll([applyRegistered(state, found, nowIso())]);
          return;
        }
        if (f.type === Failure.BankAlreadyRegistered) {
          if (input.chooseNossoNumero && round < 20) {
            request.nossoNumero = nossoNumeroCandidate(request.seuNumero, ++round); // someone else's number: take the next
            continue;
          }
          notifyAll([applyRejected(state, { code: 'DUPLICATE_AT_BANK', reasons: [{ field: 'seuNumero', message: 'the bank holds a different boleto with this number' }] }, nowIso())]);
          return;
        }
        if (Date.now() >= deadline) {
          notifyAll([applyRejected(state, { code: 'BANK_UNAVAILABLE', reasons: [{ field: 'bank', message: f.message }] }, nowIso())]);
          return;
        }
        const retryAfter = (f.details?.[0] as { retryAfterMs?: number } | undefined)?.retryAfterMs ?? 0;
        await sleep(Math.max(retryAfter, Math.min(300_000, 1_000 * 2 ** Math.min(attempt - 1, 9))));
      }
    }
  }

  async function onWake(reason: WakeReason): Promise<void> {
    switch (reason) {
      case 'overdue-check': {
        const events = await poll();
        notifyAll(events);
        if (state.view.status === 'REGISTERED' && moveTo(state, 'OVERDUE', nowIso())) {
          notifyAll([record(state, { kind: 'OVERDUE', at: nowIso(), source: 'timer', eventId: 'overdue' }, nowIso())]);
        }
        return;
      }
      case 'expire': {
        notifyAll(await poll()); // paid late after all?
        if (state.view.status !== 'REGISTERED' && state.view.status !== 'OVERDUE') return;
        const reasonText = `not paid by ${state.expiryDate}: written off after the payment window`;
        state.cancelKind = 'EXPIRY';
        state.view.cancellation = { requestedAt: nowIso(), reason: reasonText };
        try {
          await write.bankCancelBoleto({ accountId, ref: ref(), reason: reasonText });
        } catch (e) {
          const f = failureType(e);
          if (f.type !== Failure.BankConflict && f.type !== Failure.BankNotFound) {
            await sleep(HOUR); // bank down: try again within the hour (the loop comes back here)
            return;
          }
        }
        if (moveTo(state, 'CANCELLING', nowIso())) notifyAll(await poll());
        return;
      }
      default:
        notifyAll(await poll());
    }
  }

  // ---- the flow ----
  const wakeTimer = keptTimer();
  if (state.view.status === 'REGISTERING') {
    await register();
    firstResponse = { ...state.view };
    reindex();
  }
  while (!isTerminal(state.view.status)) {
    while (inbox.length) {
      const s = inbox.shift()!;
      const events: BankEvent[] = eventsForWorkflow(s.events);
      // Unauthenticated webhooks are only a hint: ask the bank instead of trusting the body.
      notifyAll(s.verified ? applyBankEvents(state, events, nowIso(), today()) : events.length ? await poll() : []);
    }
    reindex();
    if (isTerminal(state.view.status)) break;
    const wake = nextWake(state, policy, Date.now(), jitterMs);
    const wakeUp = () => inbox.length > 0 || dirty;
    let woke: boolean;
    if (codeVersion >= 2) {
      const timer = wakeTimer.arm(wake);
      await condition(() => wakeUp() || timer?.fired === true);
      woke = wakeUp(); // messages first; a timer that fired meanwhile is still there for the next turn
      if (!woke) wakeTimer.consume();
    } else {
      woke = wake ? await condition(wakeUp, Math.max(1, wake.at - Date.now())) : (await condition(wakeUp), true);
    }
    dirty = false;
    if (!woke && wake) {
      log.debug('woke up', { reason: wake.reason, status: state.view.status });
      await onWake(wake.reason);
    }
    reindex();
    if (workflowInfo().continueAsNewSuggested) {
      await condition(() => inflight.size === 0 && allHandlersFinished());
      await continueAsNew<typeof boletoLifecycle>(input, { state, ...(firstResponse ? { firstResponse } : {}) });
    }
  }
  wakeTimer.arm(undefined);
  reindex();
  // Terminal. Deliveries finish; the workflow stays open a while for resends, then completes.
  await sleep(`${policy.closeAfterDays} days`);
  await condition(() => inflight.size === 0 && allHandlersFinished());
  return state.view;
}
