/** Typed update refusals as the API sees them, for tests of validators (src/contracts/failures.ts, src/api/failure-status.ts). */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'vitest';
import { updateRefusal } from '../../src/api/failure-status';
import type { FailureType } from '../../src/contracts/failures';

/** What the client receives when an update's validator throws `e` (the server wraps the failure as the cause). */
export const asUpdateFailure = (e: unknown) => new WorkflowUpdateFailedError('Workflow Update failed', e as Error);

/** Runs `validate` and returns what its refusal means for the API (type, HTTP status, words). */
export function refusalOf(validate: () => void): { type?: FailureType; status: number; message: string } {
  try {
    validate();
  } catch (e) {
    expect(e).toBeInstanceOf(ApplicationFailure);
    return updateRefusal(asUpdateFailure(e))!;
  }
  throw new Error('the validator accepted');
}
