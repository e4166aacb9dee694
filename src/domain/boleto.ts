/**
 * Reading a boleto number as people paste it: either the 44-digit barcode or the 47-digit linha digitável, with
 * dots, spaces or any other separators. Used by the API (validate what a client sent) and by `boleto decode`.
 */
import { BARCODE_LENGTH, parseBarcode } from './barcode';
import { type IsoDate } from './dates';
import { DomainValidationError } from './errors';
import { dateFromFator, FEBRABAN_FATOR_WINDOW, type FatorWindow } from './fator';
import { barcodeToLinha, LINHA_LENGTH, linhaToBarcode } from './linha';
import { type Cents } from './money';

export type BoletoForm = 'barcode' | 'linhaDigitavel';

/**
 * Strips separators (anything that is not a letter or a digit: spaces, dots, hyphens, slashes, newlines…) and
 * rejects anything else left over, naming the character and its position in the original input.
 */
export function normalizeBoletoInput(input: string, field = 'boleto'): { digits: string; form: BoletoForm } {
  if (typeof input !== 'string') {
    throw new DomainValidationError('INVALID_FORMAT', field, `${field} must be a string`);
  }
  let digits = '';
  let position = 0;
  for (const ch of input) {
    position++;
    if (ch >= '0' && ch <= '9') digits += ch;
    else if (/[\p{L}\p{N}]/u.test(ch)) {
      throw new DomainValidationError(
        'INVALID_CHARACTER',
        field,
        `${field} has bad character ${JSON.stringify(ch)} at position ${position}`,
        { character: ch, position },
      );
    }
  }
  if (digits.length === BARCODE_LENGTH) return { digits, form: 'barcode' };
  if (digits.length === LINHA_LENGTH) return { digits, form: 'linhaDigitavel' };
  if (digits.length === 48 && digits.startsWith('8')) {
    throw new DomainValidationError(
      'UNSUPPORTED',
      field,
      `${field} is a 48-digit arrecadação (utility/tax) linha, not a bank boleto`,
    );
  }
  throw new DomainValidationError(
    'INVALID_LENGTH',
    field,
    `${field} has wrong length: ${digits.length} digits, expected ${BARCODE_LENGTH} (barcode) or ${LINHA_LENGTH} (linha digitável)`,
    { length: digits.length },
  );
}

export interface DecodedBoleto {
  bankCode: string;
  currencyCode: string;
  amountCents: Cents;
  fator: number;
  /** null when fator is 0000 (no due date). */
  dueDate: IsoDate | null;
  campoLivre: string;
  generalCheckDigit: number;
  barcode: string;
  linhaDigitavel: string;
  /** Which form the input was in. */
  form: BoletoForm;
}

export interface DecodeOptions {
  /** Reference date for resolving the fator (§3.3). Required: the library never reads the clock. */
  today: IsoDate;
  window?: FatorWindow;
}

/** Parses and validates either form; every check digit is verified. */
export function decodeBoleto(input: string, options: DecodeOptions): DecodedBoleto {
  const { digits, form } = normalizeBoletoInput(input);
  const barcode = form === 'barcode' ? digits : linhaToBarcode(digits);
  const parts = parseBarcode(barcode);
  return {
    bankCode: parts.bankCode,
    currencyCode: parts.currencyCode,
    amountCents: parts.amountCents,
    fator: parts.fator,
    dueDate: dateFromFator(parts.fator, options.today, options.window ?? FEBRABAN_FATOR_WINDOW),
    campoLivre: parts.campoLivre,
    generalCheckDigit: parts.generalCheckDigit,
    barcode,
    linhaDigitavel: form === 'linhaDigitavel' ? digits : barcodeToLinha(barcode),
    form,
  };
}

/** Either form → the 44-digit barcode (validated). */
export function toBarcode(input: string): string {
  const { digits, form } = normalizeBoletoInput(input);
  if (form === 'linhaDigitavel') return linhaToBarcode(digits);
  parseBarcode(digits);
  return digits;
}

/** Either form → the 47-digit linha digitável (validated). */
export function toLinhaDigitavel(input: string): string {
  const { digits, form } = normalizeBoletoInput(input);
  if (form === 'barcode') return barcodeToLinha(digits);
  linhaToBarcode(digits);
  return digits;
}
