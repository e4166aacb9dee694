/**
 * The one failure contract: the API's status follows the failure type, never the message. The table is total over
 * the failure types, and a refusal thrown by a real validator maps by its type, whatever its words say (the boleto
 * validators' cases are in test/workflows/boleto-state.test.ts, beside their state).
 */
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { Failure, FAILURE_TYPES, refusal } from '../../src/contracts/failures';
import { FAILURE_STATUS, updateRefusal } from '../../src/api/failure-status';
import { asUpdateFailure, refusalOf } from '../helpers/failures';
import {
  type OnboardingState,
  validateCancel as validateOnboardingCancel,
  validateRequestSent,
} from '../../src/workflows/onboarding-state';

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
      const statuses = [
        'the original words',
        'reworded entirely',
        'cannot change while in progress',
        'the bank refused',
        'no delivery x',
      ].map((message) => updateRefusal(asUpdateFailure(refusal(type, message)))!);
      for (const r of statuses) expect(r).toMatchObject({ type, status: FAILURE_STATUS[type] });
    }
  });

  it('a refusal without a known type › not carried out (422), never a 500; anything else is not a refusal', () => {
    expect(updateRefusal(asUpdateFailure(ApplicationFailure.create({ type: 'SomethingNew', message: 'x' })))).toEqual({
      status: 422,
      message: 'x',
    });
    expect(updateRefusal(new Error('boom'))).toBeUndefined();
  });

  it('onboarding validators › a step refused by its step or by what it carries › 409 or 422 by type', () => {
    const active = { step: 'ACTIVE', timeline: [] } as unknown as OnboardingState;
    expect(refusalOf(() => validateRequestSent(active))).toMatchObject({ type: Failure.StepConflict, status: 409 });
    expect(refusalOf(() => validateOnboardingCancel(active, ' '))).toMatchObject({
      type: Failure.StepError,
      status: 422,
    });
  });
});
