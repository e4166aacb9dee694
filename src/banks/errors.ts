/**
 * Bank errors, classified once, here. Every adapter turns HTTP status + body into one of these kinds; the
 * activity layer (src/activities/to-failure.ts) maps them to Temporal ApplicationFailures; workflows branch on
 * the failure type only.
 */

export type BankErrorKind =
  /** The bank rejected the request's content (non-retryable; carries the bank's field + message). */
  | 'VALIDATION'
  /** Credentials refused (after one refresh-and-retry inside the adapter). */
  | 'AUTH'
  /** Timeout, connection error, 5xx, 429: retryable, honouring Retry-After. Outcome unknown for writes. */
  | 'UNAVAILABLE'
  /** The bank already holds a boleto with this seuNumero / nosso número: look it up and continue. */
  | 'ALREADY_REGISTERED'
  /** The boleto does not exist at the bank. */
  | 'NOT_FOUND'
  /** The operation is not allowed in the boleto's current state (e.g. baixa of a settled boleto). */
  | 'CONFLICT';

export interface BankFieldError {
  field: string;
  message: string;
  value?: string;
}

export class BankError extends Error {
  override name = 'BankError';
  constructor(
    readonly kind: BankErrorKind,
    message: string,
    readonly details: {
      httpStatus?: number;
      fields?: BankFieldError[];
      /** From Retry-After (429/503), in milliseconds. */
      retryAfterMs?: number;
      /** For writes: the request may have reached the bank (timeout after sending, 5xx). */
      outcomeUnknown?: boolean;
      operation?: string;
    } = {},
  ) {
    super(message);
  }
}

export const isBankError = (e: unknown): e is BankError => e instanceof BankError;

/** Retry-After as seconds or an HTTP date, to milliseconds (undefined when absent or unparseable). */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs >= 0) return Math.round(secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
