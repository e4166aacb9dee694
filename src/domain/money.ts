/**
 * Money is integer cents (a safe integer) everywhere in boletoflow. This module converts cents to and from the
 * string/number formats the banks use (bank-apis.md §2.4, §1.3), never doing arithmetic on reais as floats.
 */
import { DomainValidationError } from './errors';

/** Integer number of centavos. */
export type Cents = number;

/** Largest amount a boleto barcode can carry: 10 digits of cents = R$ 99.999.999,99 (§3.1 positions 10–19). */
export const MAX_BOLETO_CENTS: Cents = 9_999_999_999;

export function assertCents(value: unknown, field = 'amountCents'): asserts value is Cents {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new DomainValidationError(
      'INVALID_FORMAT',
      field,
      `${field} must be an integer number of cents, got ${String(value)}`,
    );
  }
  if (value < 0) throw new DomainValidationError('OUT_OF_RANGE', field, `${field} must not be negative, got ${value}`);
}

/** 12345 → "123.45" (Itaú boletos-pix `^\d+\.\d{2}$`, Pix field 54, consulta responses). Pure string arithmetic. */
export function centsToDecimalString(cents: Cents, field = 'amountCents'): string {
  assertCents(cents, field);
  const s = String(cents).padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

const DECIMAL = /^(\d+)(?:\.(\d{1,2}))?$/;

/**
 * "123.45" / "123.4" / "123" → cents. Parsed digit by digit (no parseFloat), so "0.29" is 29, not 28.999….
 * Accepts at most two decimals; a comma decimal separator is rejected (bank APIs use a dot).
 */
export function decimalStringToCents(value: string, field = 'amount'): Cents {
  const m = typeof value === 'string' ? DECIMAL.exec(value.trim()) : null;
  if (!m) {
    throw new DomainValidationError(
      'INVALID_FORMAT',
      field,
      `${field} must look like 123.45 (digits, optional dot and up to 2 decimals), got ${JSON.stringify(value)}`,
    );
  }
  const cents = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(cents))
    throw new DomainValidationError('OUT_OF_RANGE', field, `${field} ${value} is too large`);
  return cents;
}

/**
 * Reais as a JSON number, as BS2 (`"valor": 23.5`, §1.3) and Sicoob send and expect them. cents / 100 is the double closest to the
 * decimal value, and JSON.stringify prints it as the shortest round-tripping decimal ("23.5"), so no drift.
 */
export function centsToReaisNumber(cents: Cents, field = 'amountCents'): number {
  assertCents(cents, field);
  return cents / 100;
}

/**
 * A reais number (as parsed from a bank's JSON, or computed as 0.1 + 0.2) → cents, rounding away binary noise only.
 * A value with a real third decimal (1.005, 0.001) is rejected rather than silently rounded.
 */
export function reaisNumberToCents(value: number, field = 'valor'): Cents {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new DomainValidationError('INVALID_FORMAT', field, `${field} must be a finite number, got ${String(value)}`);
  }
  if (value < 0) throw new DomainValidationError('OUT_OF_RANGE', field, `${field} must not be negative, got ${value}`);
  const scaled = value * 100;
  const cents = Math.round(scaled);
  if (!Number.isSafeInteger(cents))
    throw new DomainValidationError('OUT_OF_RANGE', field, `${field} ${value} is too large`);
  // Binary noise after ×100 is at most a few ulps (≈ |scaled|·1e-16); a genuine third decimal is ≥ 0.1 cent away.
  const tolerance = Math.max(1e-6, Math.abs(scaled) * 1e-12);
  if (Math.abs(scaled - cents) > tolerance) {
    throw new DomainValidationError('INVALID_FORMAT', field, `${field} ${value} has more than 2 decimal places`);
  }
  return cents;
}

/** Cents → "R$ 1.234,56" as printed on the boleto (pt-BR grouping), built from digits, not Intl (sandbox-safe). */
export function formatBrl(cents: Cents, field = 'amountCents'): string {
  const [int, dec] = centsToDecimalString(cents, field).split('.') as [string, string];
  return `R$ ${int.replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${dec}`;
}
