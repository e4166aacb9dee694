/**
 * The one failure contract: the API's status follows the failure type, never the message. The table is total over
 * the failure types, and a refusal thrown by a real validator maps by its type, whatever its words say.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { BoletoPolicy, StartBoletoInput } from '../../src/contracts/boleto';
import { Failure, FAILURE_TYPES, type FailureType, refusal } from '../../src/contracts/failures';
import { FAILURE_STATUS, updateRefusal } from '../../src/api/failure-status';
import { applyRegistered, initialState, type LifecycleState, validateCancel, validateDueDateChange, validateRegistrationWait, validateResend } from '../../src/workflows/boleto-state';
import { type OnboardingState, validateCancel as validateOnboardingCancel, validateRequestSent } from '../../src/workflows/onboarding-state';

const policy: BoletoPolicy = {
  expireAfterDays: 60,
  closeAfterDays: 7,
  registrationDeadlineHours: 24,
  poll: { openEveryDays: 0, overdueEveryDays: 1, settlementHour: 7, settlementBusinessDays: 3, jitterMinutes: 0 },
};
const input: StartBoletoInput = {
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
    dueDate: '2026-03-14',
    payer: { name: 'Maria', document: '52998224725', address: { street: 'R', number: '1', district: 'C', city: 'SP', state: 'SP', zipCode: '01001000' } },
  },
};

function registered(): LifecycleState {
  const s = initialState(input);
  applyRegistered(s, { bankId: 'b1', nossoNumero: '80110000001', status: 'OPEN', bankStatus: '1', amountCents: 10_000, dueDate: '2026-03-14', barcode: '2'.repeat(44), linhaDigitavel: '2'.repeat(47) }, '2026-03-02T15:00:01.000Z');
  return s;
}

/** What the client receives when an update's validator throws `e` (the server wraps the failure as the cause). */
const asUpdateFailure = (e: unknown) => new WorkflowUpdateFailedError('Workflow Update failed', e as Error);

/** Runs `validate` and returns the HTTP status its refusal maps to. */
function statusOf(validate: () => void): { type?: FailureType; status: number; message: string } {
  try {
    validate();
  } catch (e) {
    expect(e).toBeInstanceOf(ApplicationFailure);
    return updateRefusal(asUpdateFailure(e))!;
  }
  throw new Error('the validator accepted');
}

describe('failure type → HTTP status', () => {
  it('the table › every failure type › has exactly one 4xx status, and names nothing else', () => {
    expect(Object.keys(FAILURE_STATUS).sort()).toEqual([...FAILURE_TYPES].sort());
    for (const type of FAILURE_TYPES) {
      expect(Number.isInteger(FAILURE_STATUS[type])).toBe(true);
      expect(FAILURE_STATUS[type]).toBeGreaterThanOrEqual(400);
      expect(FAILURE_STATUS[type]).toBeLessThan(500);
    }
  });

  it('a refusal › reworded, or worded like another type › keeps the status of its type', () => {
    for (const type of FAILURE_TYPES) {
      const statuses = ['the original words', 'reworded entirely', 'cannot change while in progress', 'the bank refused', 'no delivery x'].map(
        (message) => updateRefusal(asUpdateFailure(refusal(type, message)))!,
      );
      for (const r of statuses) expect(r).toMatchObject({ type, status: FAILURE_STATUS[type] });
    }
  });

  it('a refusal without a known type › not carried out (422), never a 500; anything else is not a refusal', () => {
    expect(updateRefusal(asUpdateFailure(ApplicationFailure.create({ type: 'SomethingNew', message: 'x' })))).toEqual({ status: 422, message: 'x' });
    expect(updateRefusal(new Error('boom'))).toBeUndefined();
  });

  it('boleto validators › each refusal › typed, and mapped by its type', () => {
    const s = registered();
    expect(statusOf(() => validateRegistrationWait('other', 'f'))).toMatchObject({ type: Failure.IdempotencyKeyReused, status: 422 });
    expect(statusOf(() => validateDueDateChange(s, '2026-02-30', '2026-03-05'))).toMatchObject({ type: Failure.InvalidUpdate, status: 422 });
    expect(statusOf(() => validateDueDateChange(s, '2026-03-05', '2026-03-05'))).toMatchObject({ type: Failure.InvalidUpdate, status: 422 });
    expect(statusOf(() => validateDueDateChange(s, '2046-03-05', '2026-03-05'))).toMatchObject({ type: Failure.InvalidUpdate, status: 422 });
    expect(statusOf(() => validateDueDateChange(s, '2026-03-14', '2026-03-05'))).toMatchObject({ type: Failure.InvalidUpdate, status: 422 });
    expect(statusOf(() => validateCancel(s, '  '))).toMatchObject({ type: Failure.InvalidUpdate, status: 422 });
    expect(statusOf(() => validateResend(s, 'bol-acc-ABC:9'))).toMatchObject({ type: Failure.DeliveryNotFound, status: 404 });
    s.deliveries.push({ deliveryId: 'bol-acc-ABC:1', eventSeq: 1, status: 'PENDING', attempts: 0 });
    expect(statusOf(() => validateResend(s, 'bol-acc-ABC:1'))).toMatchObject({ type: Failure.UpdateConflict, status: 409 });
    s.pendingOp = 'CANCEL';
    expect(statusOf(() => validateDueDateChange(s, '2026-03-20', '2026-03-05'))).toMatchObject({ type: Failure.UpdateConflict, status: 409 });
    expect(statusOf(() => validateCancel(s, 'cliente desistiu'))).toMatchObject({ type: Failure.UpdateConflict, status: 409 });
    s.pendingOp = undefined;
    s.view.status = 'PAID';
    expect(statusOf(() => validateDueDateChange(s, '2026-03-20', '2026-03-05'))).toMatchObject({ type: Failure.UpdateConflict, status: 409 });
    expect(statusOf(() => validateCancel(s, 'cliente desistiu'))).toMatchObject({ type: Failure.UpdateConflict, status: 409 });
  });

  it('onboarding validators › a step refused by its step or by what it carries › 409 or 422 by type', () => {
    const active = { step: 'ACTIVE', timeline: [] } as unknown as OnboardingState;
    expect(statusOf(() => validateRequestSent(active))).toMatchObject({ type: Failure.StepConflict, status: 409 });
    expect(statusOf(() => validateOnboardingCancel(active, ' '))).toMatchObject({ type: Failure.StepError, status: 422 });
  });
});
