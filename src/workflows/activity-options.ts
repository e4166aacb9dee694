/**
 * Named retry and timeout profiles for activities, kept in one place.
 */
import type { ActivityOptions } from '@temporalio/workflow';
import { Failure } from '../contracts/failures';

/** Reads at the bank (get, find, search): safe to repeat; retried with backoff, honouring Retry-After. */
export const bankRead: ActivityOptions = {
  startToCloseTimeout: '40s',
  retry: {
    initialInterval: '2s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    maximumAttempts: 8,
    nonRetryableErrorTypes: [Failure.BankValidationError, Failure.BankNotFound, Failure.BankConflict],
  },
};

/**
 * Writes at the bank (register, cancel, change due date): ONE attempt per activity. A retry after a lost
 * response must first ask the bank what happened, which only the workflow can decide.
 */
export const bankWrite: ActivityOptions = {
  startToCloseTimeout: '40s',
  retry: { maximumAttempts: 1 },
};

/** Outbound notifications to the client's system: at least once, spaced out, then FAILED (manual resend). */
export const notification: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '10s', backoffCoefficient: 2, maximumInterval: '1h', maximumAttempts: 12 },
};
