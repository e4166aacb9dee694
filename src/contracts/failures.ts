/**
 * The one failure contract: every ApplicationFailure type that crosses a boundary (activity → workflow, workflow
 * update → API) is named here, once. Workflows branch on these types, the API chooses its HTTP status from them
 * (src/api/failure-status.ts), and nobody reads a message to decide anything: a message is for humans and may be
 * reworded freely. The values are wire names kept in histories and in running workflows: never change one.
 */
import { ApplicationFailure } from '@temporalio/common';

/** What a bank call failed with, by the bank error kind the adapters classify (src/banks/errors.ts). */
export const BANK_FAILURE = {
  /** The bank rejected the request's content (non-retryable; details[0].fields = the bank's fields). */
  VALIDATION: 'BankValidationError',
  /** Credentials refused (retryable: onboarding may fix them). */
  AUTH: 'BankAuthError',
  /** Timeout, connection error, 5xx, 429 (retryable; outcome unknown for writes). */
  UNAVAILABLE: 'BankUnavailable',
  /** The bank already holds a boleto with this number: look it up and continue. */
  ALREADY_REGISTERED: 'BankAlreadyRegistered',
  /** The boleto does not exist at the bank. */
  NOT_FOUND: 'BankNotFound',
  /** Not allowed in the boleto's state at the bank (e.g. baixa of a settled boleto). */
  CONFLICT: 'BankConflict',
} as const;

export const Failure = {
  BankValidationError: BANK_FAILURE.VALIDATION,
  BankAuthError: BANK_FAILURE.AUTH,
  BankUnavailable: BANK_FAILURE.UNAVAILABLE,
  BankAlreadyRegistered: BANK_FAILURE.ALREADY_REGISTERED,
  BankNotFound: BANK_FAILURE.NOT_FOUND,
  BankConflict: BANK_FAILURE.CONFLICT,
  /** A bank call that failed without a classified kind (e.g. an activity timeout), as a workflow reports it. */
  BankError: 'BankError',

  /** Boleto creation: this Idempotency-Key was used for a different request. */
  IdempotencyKeyReused: 'IdempotencyKeyReused',
  /** A boleto update refused for what it carries (a bad or unchanged due date, a blank reason). */
  InvalidUpdate: 'InvalidUpdate',
  /** A boleto update refused for the boleto's state: its status forbids it, or another change is running. */
  UpdateConflict: 'UpdateConflict',
  /** A resend of a delivery the boleto does not have. */
  DeliveryNotFound: 'DeliveryNotFound',

  /** An onboarding step refused for what it carries. */
  StepError: 'StepError',
  /** An onboarding step refused because of the onboarding's step, or because a bank call is running. */
  StepConflict: 'StepConflict',
  /** Itaú refused to issue the certificado dinâmico during an onboarding step. */
  CertificateRequestFailed: 'CertificateRequestFailed',

  /**
   * The bank account is no longer known here (its onboarding cancelled, or taken out of the environment): a workflow
   * kept per account (e.g. a reconciliation poll) ends itself.
   */
  AccountGone: 'AccountGone',
} as const;

export type FailureType = (typeof Failure)[keyof typeof Failure];

export const FAILURE_TYPES: readonly FailureType[] = Object.values(Failure);

export const isFailureType = (type: unknown): type is FailureType => FAILURE_TYPES.includes(type as FailureType);

/** A refusal with its type (non-retryable: asking again does not change the answer). */
export const refusal = (type: FailureType, message: string, ...details: unknown[]): ApplicationFailure =>
  ApplicationFailure.create({ type, message, nonRetryable: true, ...(details.length ? { details } : {}) });
