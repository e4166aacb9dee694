/** Shared input checks for digit-string fields (agência, conta, nosso número…), with field-named errors. */
import { DomainValidationError } from './errors';

/**
 * Returns `value` as a digit string of exactly `length` digits. With `padTo`, shorter values (and non-negative safe
 * integers) are left-padded with zeros — for numbers the banks send as JSON integers (BS2 nossoNumero).
 */
export function requireDigits(value: unknown, field: string, length: number, opts: { pad?: boolean } = {}): string {
  let s: string;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && opts.pad) s = String(value);
  else if (typeof value === 'string') s = value;
  else
    throw new DomainValidationError(
      'INVALID_FORMAT',
      field,
      `${field} must be a string of digits, got ${JSON.stringify(value)}`,
    );
  if (!/^\d*$/.test(s)) {
    throw new DomainValidationError(
      'INVALID_CHARACTER',
      field,
      `${field} must contain digits only, got ${JSON.stringify(s)}`,
    );
  }
  if (s.length === 0 || s.length > length || (!opts.pad && s.length !== length)) {
    throw new DomainValidationError(
      'INVALID_LENGTH',
      field,
      `${field} must have ${opts.pad ? `1 to ${length}` : length} digits, got ${s.length}`,
    );
  }
  return s.padStart(length, '0');
}
