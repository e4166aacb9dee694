/**
 * The one place bank errors become Temporal failures. Workflows branch on `type` (src/contracts/failures.ts):
 *   BankValidationError  non-retryable; details[0] = the bank's fields
 *   BankAuthError        retryable (credentials may be fixed by onboarding), slow backoff
 *   BankUnavailable      retryable; nextRetryDelay from Retry-After when the bank sent one
 *   BankAlreadyRegistered non-retryable; the caller looks the boleto up and continues
 *   BankNotFound / BankConflict  non-retryable
 */
import { ApplicationFailure } from '@temporalio/common';
import { type BankError, type BankErrorKind, isBankError } from '../banks/errors';
import { BANK_FAILURE, type FailureType } from '../contracts/failures';

/** Every bank error kind has its failure type (src/contracts/failures.ts): a new kind does not compile without one. */
const FAILURE_TYPE: Record<BankErrorKind, FailureType> = BANK_FAILURE;

const RETRYABLE: ReadonlySet<BankErrorKind> = new Set(['AUTH', 'UNAVAILABLE']);

export function bankErrorToFailure(e: BankError): ApplicationFailure {
  return ApplicationFailure.create({
    message: e.message,
    type: FAILURE_TYPE[e.kind],
    nonRetryable: !RETRYABLE.has(e.kind),
    details: [
      {
        fields: e.details.fields ?? [],
        httpStatus: e.details.httpStatus,
        outcomeUnknown: e.details.outcomeUnknown ?? false,
        ...(e.details.retryAfterMs !== undefined ? { retryAfterMs: e.details.retryAfterMs } : {}),
      },
    ],
    ...(e.details.retryAfterMs !== undefined ? { nextRetryDelay: e.details.retryAfterMs } : {}),
  });
}

/** Wraps an activity body: BankErrors become typed failures; anything else propagates (retryable by default). */
export async function withBankFailures<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isBankError(e)) throw bankErrorToFailure(e);
    throw e;
  }
}
