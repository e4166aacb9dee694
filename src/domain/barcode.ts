/**
 * The 44-digit boleto barcode (bank-apis.md §3.1):
 *
 * | pos   | len | content                                  |
 * |-------|-----|------------------------------------------|
 * | 1–3   | 3   | bank code (341 Itaú, 218 BS2, 756 Sicoob)|
 * | 4     | 1   | currency, 9 = BRL                        |
 * | 5     | 1   | general DV, módulo 11 over the other 43  |
 * | 6–9   | 4   | fator de vencimento                      |
 * | 10–19 | 10  | amount in cents                          |
 * | 20–44 | 25  | campo livre (bank-defined)               |
 */
import { mod11Barcode } from './check-digits';
import { type IsoDate } from './dates';
import { DomainValidationError } from './errors';
import { assertFator, fatorFromDate, FATOR_NO_DUE_DATE } from './fator';
import { assertCents, MAX_BOLETO_CENTS, type Cents } from './money';

export const BARCODE_LENGTH = 44;
export const CAMPO_LIVRE_LENGTH = 25;
export const CURRENCY_BRL = '9';

export interface BarcodeParts {
  /** 3-digit COMPE bank code. */
  bankCode: string;
  /** 1 digit; '9' = BRL. */
  currencyCode: string;
  /** 0 = no due date, else 1..9999 (see fator.ts). */
  fator: number;
  amountCents: Cents;
  /** 25 digits, bank-defined (banks/itau.ts, banks/bs2.ts, banks/sicoob.ts). */
  campoLivre: string;
}

export interface BuildBarcodeInput {
  bankCode: string;
  /** Defaults to '9' (BRL). */
  currencyCode?: string;
  /** ISO due date, or null for "no due date" (fator 0000). */
  dueDate: IsoDate | null;
  amountCents: Cents;
  campoLivre: string;
}

function assertDigits(value: unknown, length: number, field: string): asserts value is string {
  if (typeof value !== 'string' || !/^\d*$/.test(value)) {
    throw new DomainValidationError(
      'INVALID_CHARACTER',
      field,
      `${field} must contain digits only, got ${JSON.stringify(value)}`,
    );
  }
  if (value.length !== length) {
    throw new DomainValidationError(
      'INVALID_LENGTH',
      field,
      `${field} must have ${length} digits, got ${value.length}`,
    );
  }
}

/** Barcode from its parts with an explicit fator; computes the general DV. */
export function buildBarcodeFromParts(parts: BarcodeParts): string {
  assertDigits(parts.bankCode, 3, 'bankCode');
  if (parts.bankCode.startsWith('8')) {
    throw new DomainValidationError(
      'UNSUPPORTED',
      'bankCode',
      'bankCode must not start with 8: that first digit marks arrecadação slips',
    );
  }
  assertDigits(parts.currencyCode, 1, 'currencyCode');
  assertFator(parts.fator);
  assertCents(parts.amountCents);
  if (parts.amountCents > MAX_BOLETO_CENTS) {
    throw new DomainValidationError(
      'OUT_OF_RANGE',
      'amountCents',
      `amountCents ${parts.amountCents} exceeds the barcode's 10 digits (max ${MAX_BOLETO_CENTS})`,
    );
  }
  assertDigits(parts.campoLivre, CAMPO_LIVRE_LENGTH, 'campoLivre');
  const rest = String(parts.fator).padStart(4, '0') + String(parts.amountCents).padStart(10, '0') + parts.campoLivre;
  const dv = mod11Barcode(parts.bankCode + parts.currencyCode + rest);
  return `${parts.bankCode}${parts.currencyCode}${dv}${rest}`;
}

/** Barcode from (bank, currency, due date, amount, campo livre). */
export function buildBarcode(input: BuildBarcodeInput): string {
  const fator = input.dueDate === null ? FATOR_NO_DUE_DATE : fatorFromDate(input.dueDate);
  return buildBarcodeFromParts({
    bankCode: input.bankCode,
    currencyCode: input.currencyCode ?? CURRENCY_BRL,
    fator,
    amountCents: input.amountCents,
    campoLivre: input.campoLivre,
  });
}

/** The general DV a 44-digit barcode should carry at position 5 (the digit found there is ignored). */
export function barcodeCheckDigit(barcode: string): number {
  return mod11Barcode(barcode.slice(0, 4) + barcode.slice(5));
}

/** Throws a DomainValidationError saying which rule failed; returns the barcode unchanged when valid. */
export function validateBarcode(barcode: string, field = 'barcode'): string {
  assertDigits(barcode, BARCODE_LENGTH, field);
  if (barcode.startsWith('8')) {
    throw new DomainValidationError(
      'UNSUPPORTED',
      field,
      `${field} starts with 8: an arrecadação (utility/tax) slip, not a bank boleto`,
    );
  }
  const expected = barcodeCheckDigit(barcode);
  const actual = barcode.charCodeAt(4) - 48;
  if (actual !== expected) {
    throw new DomainValidationError(
      'CHECK_DIGIT_MISMATCH',
      field,
      `${field} general check digit (position 5) is ${actual}, expected ${expected}`,
      { actual, expected, position: 5 },
    );
  }
  return barcode;
}

/** Validates, then splits a barcode into its parts. */
export function parseBarcode(barcode: string, field = 'barcode'): BarcodeParts & { generalCheckDigit: number } {
  validateBarcode(barcode, field);
  return {
    bankCode: barcode.slice(0, 3),
    currencyCode: barcode.slice(3, 4),
    generalCheckDigit: barcode.charCodeAt(4) - 48,
    fator: Number(barcode.slice(5, 9)),
    amountCents: Number(barcode.slice(9, 19)),
    campoLivre: barcode.slice(19, 44),
  };
}
