/**
 * The one error type of the domain library. The HTTP API maps it to a 4xx and shows `message` verbatim, so every
 * message names the field and says precisely what failed (e.g. "linha digitável field 2 check digit is 3, expected 7").
 */
export type DomainErrorCode =
  | 'INVALID_CHARACTER' // a character that is neither a digit (nor, where allowed, a letter) nor a separator
  | 'INVALID_LENGTH' // wrong number of digits/characters
  | 'INVALID_FORMAT' // shape is wrong (regex, TLV structure, missing part)
  | 'CHECK_DIGIT_MISMATCH' // a DV/DAC does not match the one computed from the other digits
  | 'CRC_MISMATCH' // Pix BR Code CRC16 does not match
  | 'OUT_OF_RANGE' // a number or date outside what the field can hold
  | 'INVALID_DATE' // not a real ISO calendar date
  | 'FATOR_OUT_OF_WINDOW' // fator de vencimento resolves to no date inside the FEBRABAN window around "today"
  | 'MISSING_FIELD' // a mandatory element is absent
  | 'UNSUPPORTED'; // a valid input this library deliberately does not handle (e.g. arrecadação slips)

export class DomainValidationError extends Error {
  override readonly name = 'DomainValidationError';
  constructor(
    readonly code: DomainErrorCode,
    /** Dotted name of the offending input, e.g. "linhaDigitavel", "cnpj", "pix.crc". */
    readonly field: string,
    message: string,
    /** Machine-readable extras (e.g. `{ actual: '3', expected: '7' }`) for the API and the CLI. */
    readonly details: Readonly<Record<string, string | number | null>> = {},
  ) {
    super(message);
  }
}

export function isDomainValidationError(e: unknown): e is DomainValidationError {
  return e instanceof DomainValidationError;
}
