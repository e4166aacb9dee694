/**
 * Failure type → HTTP status: the one table (src/contracts/failures.ts names the types). Every route that answers a
 * refused workflow update reads its status here, so rewording a message can never change a status code, and a new
 * failure type does not compile until it has one.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { type FailureType, isFailureType } from '../contracts/failures';

export const FAILURE_STATUS: Readonly<Record<FailureType, number>> = {
  // A bank's refusal of an update, after the workflow's own retries: the request was not carried out.
  BankValidationError: 422,
  BankAuthError: 422,
  BankUnavailable: 422,
  BankAlreadyRegistered: 422,
  BankNotFound: 422,
  BankConflict: 422,
  BankError: 422,
  IdempotencyKeyReused: 422,
  InvalidUpdate: 422,
  UpdateConflict: 409,
  DeliveryNotFound: 404,
  StepError: 422,
  StepConflict: 409,
  CertificateRequestFailed: 422,
  AccountGone: 404,
};

/** A refusal whose cause carries no known type (e.g. a failed activity inside an onboarding step): not carried out. */
const UNTYPED_STATUS = 422;

export interface UpdateRefusal {
  /** The failure type when the workflow gave a known one. */
  type?: FailureType;
  status: number;
  /** The workflow's words, for the problem's title or detail (never used to choose anything). */
  message: string;
}

/** What a refused workflow update (validator or handler) means for the API; undefined when `e` is something else. */
export function updateRefusal(e: unknown): UpdateRefusal | undefined {
  if (!(e instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = e.cause;
  const type = cause instanceof ApplicationFailure && isFailureType(cause.type) ? cause.type : undefined;
  const message = (cause?.message ?? e.message).replace(/^Error: /, '');
  return { ...(type ? { type } : {}), status: type ? FAILURE_STATUS[type] : UNTYPED_STATUS, message };
}
