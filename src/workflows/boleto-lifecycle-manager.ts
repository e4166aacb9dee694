/**
 * The running boleto: the lifecycle workflow's state and its message handlers, in one class (as in
 * temporalio/samples-typescript `safe-message-handlers`), so boleto-lifecycle.ts is only the wiring. The rules stay
 * pure in boleto-state.ts (one-way status, validators) and boleto-schedule.ts (when to wake); this class does the
 * bank calls, notifications, search-attribute upserts and timers around them. Workflow code: deterministic, and a
 * change to what it does (the commands, their order) must keep every committed history replaying (patches.ts).
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
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createBankActivities } from '../activities/bank';
import type { createNotificationActivities } from '../activities/notifications';
import type { BankBoleto, BankEvent } from '../contracts/bank';
import {
  type BankEventSignal,
  type BoletoEvent,
  type BoletoView,
  type Delivery,
  eventsForWorkflow,
  type StartBoletoInput,
} from '../contracts/boleto';
import { Failure } from '../contracts/failures';
import { BoletoStatus, DueDate, NossoNumero } from '../contracts/search-attributes';
import { saoPauloDate, saoPauloInstant } from '../domain';
import { bankRead, bankWrite, notification } from './activity-options';
import { nextWake, type Wake, type WakeReason } from './boleto-schedule';
import {
  applyBankEvents,
  applyRegistered,
  applyRejected,
  expiryDate,
  factsFromBankBoleto,
  initialState,
  isTerminal,
  type LifecycleState,
  moveTo,
  nossoNumeroCandidate,
  record,
  validateCancel,
  validateDueDateChange,
  validateRegistrationWait,
  validateResend,
} from './boleto-state';
import { REGISTER_AS_LOCAL_ACTIVITY } from './patches';

type BankActivities = ReturnType<typeof createBankActivities>;
const write = proxyActivities<BankActivities>(bankWrite);
const read = proxyActivities<BankActivities>(bankRead);
const writeLocal = proxyLocalActivities<BankActivities>(bankWrite);
const readLocal = proxyLocalActivities<BankActivities>({ ...bankRead, startToCloseTimeout: '40s' });
const { deliverNotification } = proxyActivities<ReturnType<typeof createNotificationActivities>>(notification);

const HOUR = 3_600_000;
const nowIso = () => new Date().toISOString();
const today = () => saoPauloDate(Date.now());

/** What a boleto's workflow carries through continue-as-new. */
export interface BoletoLifecycleCarry {
  state: LifecycleState;
  firstResponse?: BoletoView;
}

const failureType = (e: unknown): { type?: string; message: string; details?: unknown[] } => {
  const cause = e instanceof ActivityFailure ? e.cause : e;
  if (cause instanceof ApplicationFailure)
    return { type: cause.type ?? undefined, message: cause.message, details: cause.details ?? undefined };
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
      t.scope
        .run(() => sleep(Math.max(1, wake.at - Date.now())))
        .then(
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

export class BoletoLifecycleManager {
  readonly state: LifecycleState;
  private firstResponse: BoletoView | undefined;
  private readonly policy: StartBoletoInput['policy'];
  private readonly codeVersion: number;
  private readonly accountId: string;
  private readonly inbox: BankEventSignal[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private dirty = false;
  private lastIndexed: { status: BoletoView['status']; dueDate: string; nossoNumero: string | undefined };
  /** Deterministic (the workflow's random is seeded): spreads many boletos' polls over jitterMinutes. */
  private readonly jitterMs: number;

  constructor(
    private readonly input: StartBoletoInput,
    carried?: BoletoLifecycleCarry,
  ) {
    this.state = carried?.state ?? initialState(input);
    this.firstResponse = carried?.firstResponse;
    this.policy = input.policy;
    this.codeVersion = input.codeVersion ?? 1;
    this.accountId = input.accountId;
    const v = this.state.view;
    this.lastIndexed = { status: v.status, dueDate: v.dueDate, nossoNumero: v.nossoNumero };
    this.jitterMs = Math.floor(Math.random() * this.policy.poll.jitterMinutes * 60_000);
  }

  // ---- queries ----
  view = (): BoletoView => this.state.view;
  events = (): BoletoEvent[] => this.state.events;
  deliveries = (): Delivery[] => this.state.deliveries;
  printable = () => ({
    boleto: this.state.view,
    payer: this.input.request.payer,
    messages: this.input.request.messages ?? [],
  });
  creation = () => ({
    requestFingerprint: this.input.requestFingerprint,
    ...(this.firstResponse ? { firstResponse: this.firstResponse } : {}),
  });
  record = () => ({
    view: this.state.view,
    events: this.state.events,
    deliveries: this.state.deliveries,
    payer: this.input.request.payer,
    messages: this.input.request.messages ?? [],
    requestFingerprint: this.input.requestFingerprint,
  });

  // ---- signal ----
  onBankEvent = (s: BankEventSignal): void => {
    this.inbox.push(s);
  };

  // ---- updates and their validators (typed refusals, boleto-state.ts) ----
  validateAwaitRegistration = ({ requestFingerprint }: { requestFingerprint: string }): void =>
    validateRegistrationWait(requestFingerprint, this.input.requestFingerprint);

  awaitRegistration = async (): Promise<BoletoView> => {
    await condition(() => this.state.view.status !== 'REGISTERING');
    return this.firstResponse ?? this.state.view;
  };

  // Validators do not run on replay: the clock they read is the live one.
  validateChangeDueDate = ({ dueDate }: { dueDate: string }): void =>
    validateDueDateChange(this.state, dueDate, today());

  changeDueDate = async ({ dueDate }: { dueDate: string }): Promise<BoletoView> => {
    const state = this.state;
    state.pendingOp = 'DUE_DATE';
    try {
      await write.bankChangeDueDate({ accountId: this.accountId, ref: this.ref(), dueDate });
    } catch (e) {
      const f = failureType(e);
      throw ApplicationFailure.nonRetryable(
        `the bank refused the new due date: ${f.message}`,
        f.type ?? Failure.BankError,
        ...(f.details ?? []),
      );
    } finally {
      state.pendingOp = undefined;
    }
    const previous = state.view.dueDate;
    state.view.dueDate = dueDate;
    state.expiryDate = expiryDate(dueDate, state.view.paymentDeadline, this.policy.expireAfterDays);
    this.notifyAll([
      record(
        state,
        {
          kind: 'DUE_DATE_CHANGED',
          at: nowIso(),
          source: 'api',
          eventId: `due-date:${dueDate}`,
          details: { from: previous, to: dueDate },
        },
        nowIso(),
      ),
    ]);
    this.dirty = true;
    return state.view;
  };

  validateCancel = ({ reason }: { reason: string }): void => validateCancel(this.state, reason);

  cancel = async ({ reason, requestedAt }: { reason: string; requestedAt: string }): Promise<BoletoView> => {
    const state = this.state;
    state.pendingOp = 'CANCEL';
    state.view.cancellation = { requestedAt, reason };
    try {
      await write.bankCancelBoleto({ accountId: this.accountId, ref: this.ref(), reason });
    } catch (e) {
      const f = failureType(e);
      if (f.type === Failure.BankConflict || f.type === Failure.BankNotFound) {
        // Already paid or already gone at the bank: the bank's state decides (a payment wins).
        this.notifyAll(await this.poll());
        this.dirty = true;
        return state.view;
      }
      throw ApplicationFailure.nonRetryable(
        `the bank refused the cancellation: ${f.message}`,
        f.type ?? Failure.BankError,
        ...(f.details ?? []),
      );
    } finally {
      state.pendingOp = undefined;
    }
    // Accepted by the bank. A payment identified meanwhile already moved us to PAID, and PAID never goes
    // back to CANCELLING, so the payment wins.
    if (moveTo(state, 'CANCELLING', nowIso())) {
      state.cancelKind = 'REQUEST';
      this.notifyAll([
        record(
          state,
          {
            kind: 'CANCEL_REQUESTED',
            at: requestedAt,
            source: 'api',
            eventId: 'cancel-requested',
            details: { reason },
          },
          nowIso(),
        ),
      ]);
      this.notifyAll(await this.poll());
    }
    this.dirty = true;
    return state.view;
  };

  validateResend = ({ deliveryId }: { deliveryId: string }): void => validateResend(this.state, deliveryId);

  resendDelivery = ({ deliveryId }: { deliveryId: string }): Promise<Delivery> => {
    const d = this.state.deliveries.find((x) => x.deliveryId === deliveryId)!;
    const event = this.state.events.find((e) => e.seq === d.eventSeq)!;
    this.deliver(event, deliveryId);
    return Promise.resolve({ ...d });
  };

  // ---- the flow ----
  async run(): Promise<BoletoView> {
    const state = this.state;
    const wakeTimer = keptTimer();
    if (state.view.status === 'REGISTERING') {
      await this.register();
      this.firstResponse = { ...state.view };
      this.reindex();
    }
    while (!isTerminal(state.view.status)) {
      while (this.inbox.length) {
        const s = this.inbox.shift()!;
        const events: BankEvent[] = eventsForWorkflow(s.events);
        // Unauthenticated webhooks are only a hint: ask the bank instead of trusting the body.
        this.notifyAll(
          s.verified ? applyBankEvents(state, events, nowIso(), today()) : events.length ? await this.poll() : [],
        );
      }
      this.reindex();
      if (isTerminal(state.view.status)) break;
      const wake = nextWake(state, this.policy, Date.now(), this.jitterMs);
      const wakeUp = () => this.inbox.length > 0 || this.dirty;
      let woke: boolean;
      if (this.codeVersion >= 2) {
        const timer = wakeTimer.arm(wake);
        await condition(() => wakeUp() || timer?.fired === true);
        woke = wakeUp(); // messages first; a timer that fired meanwhile is still there for the next turn
        if (!woke) wakeTimer.consume();
      } else {
        woke = wake ? await condition(wakeUp, Math.max(1, wake.at - Date.now())) : (await condition(wakeUp), true);
      }
      this.dirty = false;
      if (!woke && wake) {
        log.debug('woke up', { reason: wake.reason, status: state.view.status });
        await this.onWake(wake.reason);
      }
      this.reindex();
      if (workflowInfo().continueAsNewSuggested) {
        await condition(() => this.inflight.size === 0 && allHandlersFinished());
        await continueAsNew<(input: StartBoletoInput, carried?: BoletoLifecycleCarry) => Promise<BoletoView>>(
          this.input,
          {
            state,
            ...(this.firstResponse ? { firstResponse: this.firstResponse } : {}),
          },
        );
      }
    }
    wakeTimer.arm(undefined);
    this.reindex();
    // Terminal. Deliveries finish; the workflow stays open a while for resends, then completes.
    await sleep(`${this.policy.closeAfterDays} days`);
    await condition(() => this.inflight.size === 0 && allHandlersFinished());
    return state.view;
  }

  private ref() {
    const v = this.state.view;
    return { ...(v.bankId ? { bankId: v.bankId } : {}), ...(v.nossoNumero ? { nossoNumero: v.nossoNumero } : {}) };
  }

  // ---- outbound notifications: one delivery per recorded event, at least once, never blocking the flow ----
  private deliver(event: BoletoEvent, existingId?: string): void {
    const state = this.state;
    const deliveryId = existingId ?? `${this.input.boletoId}:${event.seq}`;
    let d = state.deliveries.find((x) => x.deliveryId === deliveryId);
    if (!d) {
      d = { deliveryId, eventSeq: event.seq, status: 'PENDING', attempts: 0 };
      state.deliveries.push(d);
    } else d.status = 'PENDING';
    const delivery = d;
    const p = deliverNotification({ tenantId: this.input.tenantId, deliveryId, event, boleto: { ...state.view } })
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
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  private notifyAll(events: (BoletoEvent | undefined)[]): void {
    events.forEach((e) => e && this.deliver(e));
  }

  /** One upsert per change of what operators filter on (status, due date, nosso número). */
  private reindex(): void {
    const v = this.state.view;
    const last = this.lastIndexed;
    const changes = [];
    if (v.status !== last.status) changes.push({ key: BoletoStatus, value: v.status });
    if (v.dueDate !== last.dueDate) changes.push({ key: DueDate, value: new Date(saoPauloInstant(v.dueDate)) });
    if (v.nossoNumero && v.nossoNumero !== last.nossoNumero) changes.push({ key: NossoNumero, value: v.nossoNumero });
    if (changes.length) upsertSearchAttributes(changes);
    this.lastIndexed = { status: v.status, dueDate: v.dueDate, nossoNumero: v.nossoNumero };
  }

  private async poll(): Promise<BoletoEvent[]> {
    const b = await read.bankGetBoleto({ accountId: this.accountId, ref: this.ref() });
    if (!b) return [];
    return applyBankEvents(this.state, factsFromBankBoleto(b, this.input.bank, nowIso()), nowIso(), today());
  }

  // ---- registration: idempotent end to end ----
  private async register(): Promise<void> {
    const { input, state, accountId, policy } = this;
    const local = this.codeVersion >= 2 || patched(REGISTER_AS_LOCAL_ACTIVITY);
    const registerAtBank = local ? writeLocal.bankRegister : write.bankRegister;
    const findAtBank = local ? readLocal.bankFindRegistered : read.bankFindRegistered;
    const deadline = Date.now() + policy.registrationDeadlineHours * HOUR;
    const request = { ...input.request };
    let round = 0;
    if (input.chooseNossoNumero) request.nossoNumero ??= nossoNumeroCandidate(request.seuNumero, round);
    const same = (b: BankBoleto) => b.amountCents === request.amountCents && b.dueDate === request.dueDate;
    for (let attempt = 1; ; attempt++) {
      try {
        this.notifyAll([applyRegistered(state, await registerAtBank({ accountId, request }), nowIso())]);
        return;
      } catch (e) {
        const f = failureType(e);
        if (f.type === Failure.BankValidationError) {
          const fields = (
            (f.details?.[0] as { fields?: { field: string; message: string }[] } | undefined)?.fields ?? []
          ).map(({ field, message }) => ({ field, message }));
          this.notifyAll([
            applyRejected(
              state,
              { code: 'BANK_REJECTED', reasons: fields.length ? fields : [{ field: 'request', message: f.message }] },
              nowIso(),
            ),
          ]);
          return;
        }
        // Lost response, timeout, 5xx, duplicate: ask the bank before registering again.
        const found = await findAtBank({ accountId, request }).catch(() => null);
        if (found && same(found)) {
          this.notifyAll([applyRegistered(state, found, nowIso())]);
          return;
        }
        if (f.type === Failure.BankAlreadyRegistered) {
          if (input.chooseNossoNumero && round < 20) {
            request.nossoNumero = nossoNumeroCandidate(request.seuNumero, ++round); // someone else's number: take the next
            continue;
          }
          this.notifyAll([
            applyRejected(
              state,
              {
                code: 'DUPLICATE_AT_BANK',
                reasons: [{ field: 'seuNumero', message: 'the bank holds a different boleto with this number' }],
              },
              nowIso(),
            ),
          ]);
          return;
        }
        if (Date.now() >= deadline) {
          this.notifyAll([
            applyRejected(
              state,
              { code: 'BANK_UNAVAILABLE', reasons: [{ field: 'bank', message: f.message }] },
              nowIso(),
            ),
          ]);
          return;
        }
        const retryAfter = (f.details?.[0] as { retryAfterMs?: number } | undefined)?.retryAfterMs ?? 0;
        await sleep(Math.max(retryAfter, Math.min(300_000, 1_000 * 2 ** Math.min(attempt - 1, 9))));
      }
    }
  }

  private async onWake(reason: WakeReason): Promise<void> {
    const state = this.state;
    switch (reason) {
      case 'overdue-check': {
        const events = await this.poll();
        this.notifyAll(events);
        if (state.view.status === 'REGISTERED' && moveTo(state, 'OVERDUE', nowIso())) {
          this.notifyAll([
            record(state, { kind: 'OVERDUE', at: nowIso(), source: 'timer', eventId: 'overdue' }, nowIso()),
          ]);
        }
        return;
      }
      case 'expire': {
        this.notifyAll(await this.poll()); // paid late after all?
        if (state.view.status !== 'REGISTERED' && state.view.status !== 'OVERDUE') return;
        const reasonText = `not paid by ${state.expiryDate}: written off after the payment window`;
        state.cancelKind = 'EXPIRY';
        state.view.cancellation = { requestedAt: nowIso(), reason: reasonText };
        try {
          await write.bankCancelBoleto({ accountId: this.accountId, ref: this.ref(), reason: reasonText });
        } catch (e) {
          const f = failureType(e);
          if (f.type !== Failure.BankConflict && f.type !== Failure.BankNotFound) {
            await sleep(HOUR); // bank down: try again within the hour (the loop comes back here)
            return;
          }
        }
        if (moveTo(state, 'CANCELLING', nowIso())) this.notifyAll(await this.poll());
        return;
      }
      default:
        this.notifyAll(await this.poll());
    }
  }
}
