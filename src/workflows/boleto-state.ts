/**
 * The boleto's state and its one rule: status moves one way only. Pure functions over a serialisable object
 * (it is carried through continue-as-new), no Temporal imports, so every rule is unit-tested without a server.
 *
 *   REGISTERING → REGISTERED | REJECTED
 *   REGISTERED  → OVERDUE | CANCELLING | PAID | SETTLED | CANCELLED | EXPIRED
 *   OVERDUE     → CANCELLING | PAID | SETTLED | CANCELLED | EXPIRED
 *   CANCELLING  → CANCELLED | EXPIRED | PAID | SETTLED          (a payment wins over a cancellation)
 *   PAID        → SETTLED
 *   REJECTED, SETTLED, CANCELLED, EXPIRED: terminal
 *
 * Bank facts are deduped by their event id and by kind; a fact that would move the status backwards (a late
 * "registered" after "paid", "paid" after "settled") changes nothing and records nothing, so duplicated and
 * shuffled deliveries end in the same state and the same event list.
 */
import type { BankBoleto, BankEvent } from '../contracts/bank';
import {
  type BoletoEvent,
  type BoletoStatus,
  type BoletoView,
  type Delivery,
  registeringView,
  type StartBoletoInput,
} from '../contracts/boleto';
import { Failure, refusal } from '../contracts/failures';
import { addDays, assertDueDateReadsBack, isDomainValidationError, isIsoDate, type IsoDate } from '../domain';

export interface LifecycleState {
  view: BoletoView;
  events: BoletoEvent[];
  /** Bank event ids already applied or ignored. */
  seen: string[];
  deliveries: Delivery[];
  /** The day we write the boleto off (due + expireAfterDays, or the payment deadline + 1). */
  expiryDate: string;
  /** An update (cancel / due-date change) is talking to the bank. */
  pendingOp?: 'CANCEL' | 'DUE_DATE';
  /** Why we asked the bank for a baixa: the client's request, or the end of the payment window. */
  cancelKind?: 'REQUEST' | 'EXPIRY';
}

/** The state of a boleto just accepted: REGISTERING, nothing recorded yet. */
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

/** Deterministic 8-digit nosso número candidates for banks where we choose it (Itaú): seeded by our seuNumero. */
export function nossoNumeroCandidate(seed: string, round: number): string {
  let h = 0x811c9dc5;
  for (const ch of `${seed}#${round}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return String(h % 100_000_000).padStart(8, '0');
}

const NEXT: Record<BoletoStatus, readonly BoletoStatus[]> = {
  REGISTERING: ['REGISTERED', 'REJECTED'],
  REGISTERED: ['OVERDUE', 'CANCELLING', 'PAID', 'SETTLED', 'CANCELLED', 'EXPIRED'],
  OVERDUE: ['CANCELLING', 'PAID', 'SETTLED', 'CANCELLED', 'EXPIRED'],
  CANCELLING: ['CANCELLED', 'EXPIRED', 'PAID', 'SETTLED'],
  PAID: ['SETTLED'],
  SETTLED: [],
  REJECTED: [],
  CANCELLED: [],
  EXPIRED: [],
};

export const canMove = (from: BoletoStatus, to: BoletoStatus): boolean => NEXT[from].includes(to);
export const isTerminal = (s: BoletoStatus): boolean => NEXT[s].length === 0;

export function record(state: LifecycleState, e: Omit<BoletoEvent, 'seq'>, now: string): BoletoEvent {
  const event: BoletoEvent = { seq: state.events.length + 1, ...e };
  state.events.push(event);
  state.view.updatedAt = now;
  return event;
}

/** Moves the status if the rule allows it; returns whether it moved. */
export function moveTo(state: LifecycleState, to: BoletoStatus, now: string): boolean {
  if (!canMove(state.view.status, to)) return false;
  state.view.status = to;
  state.view.paid = to === 'PAID' || to === 'SETTLED' || state.view.paid;
  state.view.settled = to === 'SETTLED';
  state.view.updatedAt = now;
  return true;
}

/** The bank's registration answer. */
export function applyRegistered(state: LifecycleState, b: BankBoleto, now: string): BoletoEvent | undefined {
  fillFromBank(state, b);
  if (!moveTo(state, 'REGISTERED', now)) return undefined;
  return record(
    state,
    {
      kind: 'REGISTERED',
      at: now,
      source: 'bank-response',
      eventId: `registered:${b.bankId}`,
      details: { nossoNumero: b.nossoNumero },
    },
    now,
  );
}

export function applyRejected(
  state: LifecycleState,
  rejection: { code: string; reasons: { field: string; message: string }[] },
  now: string,
): BoletoEvent | undefined {
  if (!moveTo(state, 'REJECTED', now)) return undefined;
  state.view.rejection = rejection;
  return record(
    state,
    { kind: 'REJECTED', at: now, source: 'bank-response', eventId: 'rejected', details: rejection },
    now,
  );
}

function fillFromBank(state: LifecycleState, b: BankBoleto): void {
  const v = state.view;
  v.bankId ??= b.bankId;
  v.nossoNumero ??= b.nossoNumero;
  v.barcode ??= b.barcode;
  v.linhaDigitavel ??= b.linhaDigitavel;
  if (b.pix && !v.pix) v.pix = b.pix;
}

/**
 * Applies bank facts (webhook or poll). Returns the events recorded (status changes), in order. `today` is the
 * São Paulo date, used to tell a write-off by time (EXPIRED) from a cancellation.
 */
export function applyBankEvents(state: LifecycleState, events: BankEvent[], now: string, today: string): BoletoEvent[] {
  const out: BoletoEvent[] = [];
  // Within one delivery, apply in lifecycle order (a notification carries the whole history).
  const order = { REGISTERED: 0, PAID: 1, SETTLED: 2, CANCELLED: 3 } as const;
  for (const e of [...events].sort((a, b) => order[a.kind] - order[b.kind])) {
    if (state.seen.includes(e.eventId)) continue;
    state.seen.push(e.eventId);
    const source = e.source === 'webhook' ? 'bank-webhook' : 'bank-poll';
    // The bank's own text for the time, when the adapter converted it (e.g. São Paulo local time): kept for audit.
    const bankTime = e.bankTime !== undefined ? { bankTime: e.bankTime } : {};
    const v = state.view;
    switch (e.kind) {
      case 'REGISTERED':
        // Our registration call is the source of truth for REGISTERED; the bank's echo adds nothing.
        break;
      case 'PAID': {
        const inferred = state.events.find((x) => x.kind === 'PAID' && x.details?.inferred === true);
        if (inferred && v.payment) {
          // The payment fact arrived after the settlement: it replaces what we inferred (data, not status).
          v.payment = { paidCents: e.paidCents ?? v.payment.paidCents, paidAt: e.occurredAt };
          Object.assign(inferred, {
            at: e.occurredAt,
            source,
            eventId: e.eventId,
            details: { paidCents: v.payment.paidCents, ...bankTime },
          });
          break;
        }
        if (!canMove(v.status, 'PAID')) break;
        moveTo(state, 'PAID', now);
        v.payment = { paidCents: e.paidCents ?? v.amountCents, paidAt: e.occurredAt };
        out.push(
          record(
            state,
            {
              kind: 'PAID',
              at: e.occurredAt,
              source,
              eventId: e.eventId,
              details: { paidCents: v.payment.paidCents, ...bankTime },
            },
            now,
          ),
        );
        break;
      }
      case 'SETTLED': {
        if (!canMove(v.status, 'SETTLED')) break;
        if (v.status !== 'PAID') {
          // Settlement implies payment: record the payment fact first so the event list does not depend on
          // whether the bank's "paid" or "settled" arrived first.
          moveTo(state, 'PAID', now);
          v.payment = { paidCents: e.paidCents ?? e.settledCents ?? v.amountCents, paidAt: e.occurredAt };
          out.push(
            record(
              state,
              {
                kind: 'PAID',
                at: e.occurredAt,
                source,
                eventId: `${e.eventId}:implied-paid`,
                details: { paidCents: v.payment.paidCents, inferred: true, ...bankTime },
              },
              now,
            ),
          );
        }
        moveTo(state, 'SETTLED', now);
        v.settlement = {
          settledCents: e.settledCents ?? v.payment?.paidCents ?? v.amountCents,
          settledAt: e.occurredAt,
        };
        out.push(
          record(
            state,
            {
              kind: 'SETTLED',
              at: e.occurredAt,
              source,
              eventId: e.eventId,
              details: { settledCents: v.settlement.settledCents, ...bankTime },
            },
            now,
          ),
        );
        break;
      }
      case 'CANCELLED': {
        const asked = v.status === 'CANCELLING';
        const byTime = asked ? state.cancelKind === 'EXPIRY' : today >= state.expiryDate;
        const to: BoletoStatus = byTime ? 'EXPIRED' : 'CANCELLED';
        if (!moveTo(state, to, now)) break;
        v.cancellation = {
          ...v.cancellation,
          cancelledAt: e.occurredAt,
          reason:
            v.cancellation?.reason ??
            (byTime ? 'written off by the bank after the payment window' : 'cancelled at the bank'),
        };
        out.push(
          record(
            state,
            {
              kind: to,
              at: e.occurredAt,
              source,
              eventId: e.eventId,
              details: { reason: v.cancellation.reason, ...bankTime },
            },
            now,
          ),
        );
        break;
      }
    }
  }
  return out;
}

/** A poll's answer as bank facts (the same path as webhooks, so the rules are applied once). */
export function factsFromBankBoleto(b: BankBoleto, bank: BankEvent['bank'], now: string): BankEvent[] {
  const facts: BankEvent[] = [];
  const base = { bank, nossoNumero: b.nossoNumero, bankId: b.bankId, source: 'poll' as const };
  if (b.payment)
    facts.push({
      ...base,
      eventId: `poll:PAID`,
      kind: 'PAID',
      occurredAt: b.payment.paidAt,
      ...(b.payment.bankTime ? { bankTime: b.payment.bankTime } : {}),
      paidCents: b.payment.paidCents,
    });
  if (b.settlement) {
    facts.push({
      ...base,
      eventId: `poll:SETTLED`,
      kind: 'SETTLED',
      occurredAt: b.settlement.settledAt,
      settledCents: b.settlement.settledCents,
      ...(b.payment ? { paidCents: b.payment.paidCents } : {}),
    });
  } else if (b.status === 'SETTLED') {
    facts.push({
      ...base,
      eventId: `poll:SETTLED`,
      kind: 'SETTLED',
      occurredAt: b.payment?.paidAt ?? now,
      settledCents: b.payment?.paidCents ?? b.amountCents,
    });
  }
  if (b.status === 'PAID' && !b.payment)
    facts.push({ ...base, eventId: 'poll:PAID', kind: 'PAID', occurredAt: now, paidCents: b.amountCents });
  if (b.status === 'CANCELLED')
    facts.push({
      ...base,
      eventId: 'poll:CANCELLED',
      kind: 'CANCELLED',
      occurredAt: b.cancellation?.cancelledAt ?? now,
      ...(b.cancellation?.bankTime ? { bankTime: b.cancellation.bankTime } : {}),
    });
  return facts;
}

// ---- update validators: typed refusals (src/contracts/failures.ts); a refused update never touches history ----

/** awaitRegistration: the same Idempotency-Key with another request is refused. */
export function validateRegistrationWait(requestFingerprint: string, expected: string): void {
  if (requestFingerprint !== expected)
    throw refusal(Failure.IdempotencyKeyReused, 'this Idempotency-Key was used for a different request');
}

/** changeDueDate: a real, later date the barcode can carry, on a REGISTERED boleto with no other change running. */
export function validateDueDateChange(state: LifecycleState, dueDate: unknown, today: IsoDate): void {
  if (!isIsoDate(dueDate)) throw refusal(Failure.InvalidUpdate, 'dueDate must be a valid date YYYY-MM-DD');
  if (dueDate <= today) throw refusal(Failure.InvalidUpdate, `dueDate must be after today (${today})`);
  try {
    // The same rule as the API's (a fator the payer's bank reads as another date).
    assertDueDateReadsBack(dueDate, today);
  } catch (e) {
    if (isDomainValidationError(e)) throw refusal(Failure.InvalidUpdate, e.message);
    throw e;
  }
  if (dueDate === state.view.dueDate) throw refusal(Failure.InvalidUpdate, 'dueDate is already the current due date');
  if (state.view.status !== 'REGISTERED')
    throw refusal(Failure.UpdateConflict, `the due date cannot change while the boleto is ${state.view.status}`);
  if (state.pendingOp)
    throw refusal(Failure.UpdateConflict, 'another change to this boleto is in progress; retry shortly');
}

/** cancel: with a reason, while REGISTERED or OVERDUE, with no other change running. */
export function validateCancel(state: LifecycleState, reason: unknown): void {
  if (typeof reason !== 'string' || !reason.trim()) throw refusal(Failure.InvalidUpdate, 'reason is required');
  if (state.view.status !== 'REGISTERED' && state.view.status !== 'OVERDUE') {
    throw refusal(Failure.UpdateConflict, `a boleto that is ${state.view.status} cannot be cancelled`);
  }
  if (state.pendingOp)
    throw refusal(Failure.UpdateConflict, 'another change to this boleto is in progress; retry shortly');
}

/** resendDelivery: a delivery of this boleto that is not being attempted right now. */
export function validateResend(state: LifecycleState, deliveryId: string): void {
  const d = state.deliveries.find((x) => x.deliveryId === deliveryId);
  if (!d) throw refusal(Failure.DeliveryNotFound, `no delivery ${deliveryId}`);
  if (d.status === 'PENDING') throw refusal(Failure.UpdateConflict, 'this delivery is still being attempted');
}
