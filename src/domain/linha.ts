/**
 * The 47-digit linha digitável (bank-apis.md §3.2): the barcode rearranged into five fields for typing.
 *
 * Campo 1 (10): bank(3) + currency(1) + campo livre[1..5] + DV mod 10
 * Campo 2 (11): campo livre[6..15] + DV mod 10
 * Campo 3 (11): campo livre[16..25] + DV mod 10
 * Campo 4 (1):  the barcode's general DV (mod 11)
 * Campo 5 (14): fator(4) + amount(10)
 *
 * Printed as `AAAAA.AAAAA BBBBB.BBBBBB CCCCC.CCCCCC D EEEEEEEEEEEEEE`.
 */
import { validateBarcode } from './barcode';
import { mod10 } from './check-digits';
import { DomainValidationError } from './errors';

export const LINHA_LENGTH = 47;

/** [start, end) of each field's payload digits and the index of its DV within the 47 digits. */
const MOD10_FIELDS = [
  { n: 1, start: 0, end: 9, dv: 9 },
  { n: 2, start: 10, end: 20, dv: 20 },
  { n: 3, start: 21, end: 31, dv: 31 },
] as const;

export function barcodeToLinha(barcode: string): string {
  validateBarcode(barcode);
  const f1 = barcode.slice(0, 4) + barcode.slice(19, 24);
  const f2 = barcode.slice(24, 34);
  const f3 = barcode.slice(34, 44);
  return `${f1}${mod10(f1)}${f2}${mod10(f2)}${f3}${mod10(f3)}${barcode[4]}${barcode.slice(5, 19)}`;
}

/** Throws naming the first failing check (field DVs 1–3, then the general DV in field 4). */
export function validateLinha(linha: string, field = 'linhaDigitavel'): string {
  if (typeof linha !== 'string' || !/^\d*$/.test(linha)) {
    throw new DomainValidationError(
      'INVALID_CHARACTER',
      field,
      `${field} must contain digits only, got ${JSON.stringify(linha)}`,
    );
  }
  if (linha.length !== LINHA_LENGTH) {
    throw new DomainValidationError(
      'INVALID_LENGTH',
      field,
      `${field} must have ${LINHA_LENGTH} digits, got ${linha.length}`,
    );
  }
  for (const f of MOD10_FIELDS) {
    const expected = mod10(linha.slice(f.start, f.end));
    const actual = linha.charCodeAt(f.dv) - 48;
    if (actual !== expected) {
      throw new DomainValidationError(
        'CHECK_DIGIT_MISMATCH',
        field,
        `linha digitável field ${f.n} check digit is ${actual}, expected ${expected}`,
        { field: f.n, actual, expected },
      );
    }
  }
  try {
    validateBarcode(rearrange(linha));
  } catch (e) {
    if (e instanceof DomainValidationError && e.code === 'CHECK_DIGIT_MISMATCH') {
      throw new DomainValidationError(
        'CHECK_DIGIT_MISMATCH',
        field,
        `linha digitável field 4 (barcode general check digit) is ${e.details.actual}, expected ${e.details.expected}`,
        { field: 4, actual: e.details.actual ?? null, expected: e.details.expected ?? null },
      );
    }
    if (e instanceof DomainValidationError)
      throw new DomainValidationError(e.code, field, e.message.replace(/^barcode/, 'linha digitável'), e.details);
    throw e;
  }
  return linha;
}

/** The barcode digits of a linha, without any check. */
function rearrange(linha: string): string {
  return (
    linha.slice(0, 4) + linha[32] + linha.slice(33, 47) + linha.slice(4, 9) + linha.slice(10, 20) + linha.slice(21, 31)
  );
}

export function linhaToBarcode(linha: string): string {
  validateLinha(linha);
  return rearrange(linha);
}

/** 47 digits → `AAAAA.AAAAA BBBBB.BBBBBB CCCCC.CCCCCC D EEEEEEEEEEEEEE` (does not validate DVs). */
export function formatLinha(linha: string): string {
  if (!/^\d{47}$/.test(linha)) {
    throw new DomainValidationError(
      'INVALID_LENGTH',
      'linhaDigitavel',
      `linha digitável must be 47 digits to format, got ${JSON.stringify(linha)}`,
    );
  }
  const l = linha;
  return `${l.slice(0, 5)}.${l.slice(5, 10)} ${l.slice(10, 15)}.${l.slice(15, 21)} ${l.slice(21, 26)}.${l.slice(26, 32)} ${l[32]} ${l.slice(33)}`;
}
