/** The lifecycle's rules without a server: one-way status, dedupe, order independence, schedule. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BankEvent } from '../../src/contracts/bank';
import type { BoletoPolicy, StartBoletoInput } from '../../src/contracts/boleto';
import { saoPauloDate, saoPauloInstant } from '../../src/domain';
import { nextWake, overdueFrom } from '../../src/workflows/boleto-schedule';
import { Failure } from '../../src/contracts/failures';
import {
  applyBankEvents,
  applyRegistered,
  canMove,
  expiryDate,
  initialState,
  type LifecycleState,
  nossoNumeroCandidate,
  validateCancel,
  validateDueDateChange,
  validateRegistrationWait,
  validateResend,
} from '../../src/workflows/boleto-state';
import { refusalOf } from '../helpers/failures';

const policy: BoletoPolicy = {
  expireAfterDays: 60,
  closeAfterDays: 7,
  registrationDeadlineHours: 24,
  poll: { openEveryDays: 0, overdueEveryDays: 1, settlementHour: 7, settlementBusinessDays: 3, jitterMinutes: 0 },
};

const input = (over: Partial<StartBoletoInput['request']> = {}): StartBoletoInput => ({
  boletoId: 'bol-acc-ABC',
  tenantId: 't1',
  accountId: 'acc',
  bank: 'BS2',
  requestFingerprint: 'f',
  chooseNossoNumero: false,
  createdAt: '2026-03-02T15:00:00.000Z',
  policy,
  request: {
    seuNumero: 'ABCDEFGHIJ',
    kind: 'BOLETO',
    amountCents: 10_000,
    issueDate: '2026-03-02',
    dueDate: '2026-03-14', // a Saturday: payable through Monday 16th
    payer: {
      name: 'Maria',
      document: '52998224725',
      address: { street: 'R', number: '1', district: 'C', city: 'SP', state: 'SP', zipCode: '01001000' },
    },
    ...over,
  },
});

function registered(): LifecycleState {
  const s = initialState(input());
  applyRegistered(
    s,
    {
      bankId: 'b1',
      nossoNumero: '80110000001',
      status: 'OPEN',
      bankStatus: '1',
      amountCents: 10_000,
      dueDate: '2026-03-14',
      barcode: '2'.repeat(44),
      linhaDigitavel: '2'.repeat(47),
    },
    '2026-03-02T15:00:01.000Z',
  );
  return s;
}

const ev = (id: string, kind: BankEvent['kind'], at: string, extra: Partial<BankEvent> = {}): BankEvent => ({
  bank: 'BS2',
  eventId: id,
  kind,
  occurredAt: at,
  source: 'webhook',
  ...extra,
});
const PAID = ev('n1:2', 'PAID', '2026-03-10T10:00:00-03:00', { paidCents: 10_000 });
const SETTLED = ev('n2:3', 'SETTLED', '2026-03-11T05:00:00-03:00', { settledCents: 9_950 });
const REGISTERED = ev('n0:1', 'REGISTERED', '2026-03-02T12:00:00-03:00');

describe('boleto state', () => {
  it('transitions › one way only › PAID never goes back, terminal states go nowhere', () => {
    expect(canMove('REGISTERED', 'PAID')).toBe(true);
    expect(canMove('PAID', 'REGISTERED')).toBe(false);
    expect(canMove('PAID', 'CANCELLED')).toBe(false);
    expect(canMove('CANCELLING', 'PAID')).toBe(true);
    for (const t of ['SETTLED', 'CANCELLED', 'EXPIRED', 'REJECTED'] as const) expect(canMove(t, 'PAID')).toBe(false);
  });

  it('webhooks › paid then settled › PAID then SETTLED recorded with the bank amounts; valorLiquidado kept apart', () => {
    const s = registered();
    applyBankEvents(s, [PAID], 'now', '2026-03-10');
    applyBankEvents(s, [SETTLED], 'now', '2026-03-11');
    expect(s.view).toMatchObject({
      status: 'SETTLED',
      paid: true,
      settled: true,
      payment: { paidCents: 10_000 },
      settlement: { settledCents: 9_950 },
    });
    expect(s.events.map((e) => e.kind)).toEqual(['REGISTERED', 'PAID', 'SETTLED']);
  });

  it('a late "registered" after "paid" › changes nothing, records nothing', () => {
    const s = registered();
    applyBankEvents(s, [PAID], 'now', '2026-03-10');
    const before = JSON.stringify(s.view);
    expect(applyBankEvents(s, [REGISTERED], 'now', '2026-03-10')).toEqual([]);
    expect(JSON.stringify(s.view)).toBe(before);
  });

  it('property › any duplication and order of the same facts › same final state and event list', () => {
    const facts = [REGISTERED, PAID, SETTLED];
    const reference = registered();
    applyBankEvents(reference, facts, 'now', '2026-03-11');
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...facts), { minLength: 1, maxLength: 12 }), (seq) => {
        const s = registered();
        for (const e of [...seq, ...facts]) applyBankEvents(s, [e], 'now', '2026-03-11');
        const strip = (x: LifecycleState) =>
          x.events.map(({ seq: n, kind, at, details }) => ({
            n,
            kind,
            at,
            paid: details?.paidCents,
            settled: details?.settledCents,
          }));
        expect(s.view).toEqual(reference.view);
        expect(strip(s)).toEqual(strip(reference));
      }),
    );
  });

  it('settled without a paid fact first › a PAID event is inferred, and the real one replaces its data when it comes', () => {
    const s = registered();
    applyBankEvents(s, [SETTLED], 'now', '2026-03-11');
    expect(s.events.map((e) => [e.kind, e.details?.inferred])).toEqual([
      ['REGISTERED', undefined],
      ['PAID', true],
      ['SETTLED', undefined],
    ]);
    applyBankEvents(s, [PAID], 'now', '2026-03-11');
    expect(s.view.payment).toEqual({ paidCents: 10_000, paidAt: PAID.occurredAt });
    expect(s.events.map((e) => e.kind)).toEqual(['REGISTERED', 'PAID', 'SETTLED']);
  });

  it('cancelled by the bank › before the payment window ends › CANCELLED; after it › EXPIRED', () => {
    const a = registered();
    applyBankEvents(a, [ev('c:4', 'CANCELLED', '2026-03-20T10:00:00-03:00')], 'now', '2026-03-20');
    expect(a.view.status).toBe('CANCELLED');
    const b = registered();
    applyBankEvents(b, [ev('c:4', 'CANCELLED', '2026-05-20T10:00:00-03:00')], 'now', b.expiryDate);
    expect(b.view.status).toBe('EXPIRED');
  });

  it('payment during cancellation › CANCELLING then PAID › PAID wins and a later "cancelled" is ignored', () => {
    const s = registered();
    s.view.status = 'CANCELLING';
    s.cancelKind = 'REQUEST';
    applyBankEvents(s, [PAID], 'now', '2026-03-10');
    applyBankEvents(s, [ev('c:4', 'CANCELLED', '2026-03-10T11:00:00-03:00')], 'now', '2026-03-10');
    expect(s.view.status).toBe('PAID');
  });
});

describe('boleto schedule', () => {
  it('overdue › due date on a Saturday › payable through Monday, overdue from Tuesday', () => {
    expect(overdueFrom('2026-03-14')).toBe('2026-03-17');
    // Carnaval 2026: Monday 16 and Tuesday 17 February are bank holidays.
    expect(overdueFrom('2026-02-14')).toBe('2026-02-19');
  });

  it('expiry › due + 60 days by default, the payment deadline when given', () => {
    expect(expiryDate('2026-03-14', undefined, 60)).toBe('2026-05-14');
    expect(expiryDate('2026-03-14', '2026-03-20', 60)).toBe('2026-03-21');
  });

  it('wake-ups › registered › the morning after the last payable day; paid › the next settlement morning', () => {
    const s = registered();
    const now = Date.parse('2026-03-02T15:00:00Z');
    expect(nextWake(s, policy, now, 0)).toEqual({ at: saoPauloInstant('2026-03-17', 8), reason: 'overdue-check' });
    applyBankEvents(s, [PAID], 'now', '2026-03-10');
    const w = nextWake(s, policy, Date.parse('2026-03-10T13:00:00Z'), 0)!;
    expect(w.reason).toBe('settlement-poll');
    expect(saoPauloDate(w.at)).toBe('2026-03-11');
  });

  it('nosso número candidates › deterministic, 8 digits, different per round', () => {
    expect(nossoNumeroCandidate('ABCDEFGHIJ', 0)).toMatch(/^\d{8}$/);
    expect(nossoNumeroCandidate('ABCDEFGHIJ', 0)).toBe(nossoNumeroCandidate('ABCDEFGHIJ', 0));
    expect(nossoNumeroCandidate('ABCDEFGHIJ', 1)).not.toBe(nossoNumeroCandidate('ABCDEFGHIJ', 0));
  });
});

describe('update validators', () => {
  it('boleto validators › each refusal › typed, and mapped by its type', () => {
    const s = registered();
    expect(refusalOf(() => validateRegistrationWait('other', 'f'))).toMatchObject({
      type: Failure.IdempotencyKeyReused,
      status: 422,
    });
    expect(refusalOf(() => validateDueDateChange(s, '2026-02-30', '2026-03-05'))).toMatchObject({
      type: Failure.InvalidUpdate,
      status: 422,
    });
    expect(refusalOf(() => validateDueDateChange(s, '2026-03-05', '2026-03-05'))).toMatchObject({
      type: Failure.InvalidUpdate,
      status: 422,
    });
    expect(refusalOf(() => validateDueDateChange(s, '2046-03-05', '2026-03-05'))).toMatchObject({
      type: Failure.InvalidUpdate,
      status: 422,
    });
    expect(refusalOf(() => validateDueDateChange(s, '2026-03-14', '2026-03-05'))).toMatchObject({
      type: Failure.InvalidUpdate,
      status: 422,
    });
    expect(refusalOf(() => validateCancel(s, '  '))).toMatchObject({ type: Failure.InvalidUpdate, status: 422 });
    expect(refusalOf(() => validateResend(s, 'bol-acc-ABC:9'))).toMatchObject({
      type: Failure.DeliveryNotFound,
      status: 404,
    });
    s.deliveries.push({ deliveryId: 'bol-acc-ABC:1', eventSeq: 1, status: 'PENDING', attempts: 0 });
    expect(refusalOf(() => validateResend(s, 'bol-acc-ABC:1'))).toMatchObject({
      type: Failure.UpdateConflict,
      status: 409,
    });
    s.pendingOp = 'CANCEL';
    expect(refusalOf(() => validateDueDateChange(s, '2026-03-20', '2026-03-05'))).toMatchObject({
      type: Failure.UpdateConflict,
      status: 409,
    });
    expect(refusalOf(() => validateCancel(s, 'cliente desistiu'))).toMatchObject({
      type: Failure.UpdateConflict,
      status: 409,
    });
    s.pendingOp = undefined;
    s.view.status = 'PAID';
    expect(refusalOf(() => validateDueDateChange(s, '2026-03-20', '2026-03-05'))).toMatchObject({
      type: Failure.UpdateConflict,
      status: 409,
    });
    expect(refusalOf(() => validateCancel(s, 'cliente desistiu'))).toMatchObject({
      type: Failure.UpdateConflict,
      status: 409,
    });
  });
});
