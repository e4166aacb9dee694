/**
 * ISO calendar dates ('YYYY-MM-DD') as plain strings, with integer day arithmetic.
 *
 * No `Date` object is involved: a calendar date has no time zone, and this module must run inside Temporal's
 * deterministic workflow sandbox. Day numbers are days since 1970-01-01 (proleptic Gregorian), computed with
 * Howard Hinnant's days_from_civil / civil_from_days algorithms.
 */
import { DomainValidationError } from './errors';

/** An ISO calendar date 'YYYY-MM-DD'. A plain string alias, checked at runtime by {@link assertIsoDate}. */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12; // March = 0
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** True when `value` is a real calendar date written 'YYYY-MM-DD' (2025-02-29 is not). */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return false;
  const [y2, mo2, d2] = civilFromDays(daysFromCivil(y, mo, d));
  return y2 === y && mo2 === mo && d2 === d;
}

export function assertIsoDate(value: unknown, field: string): asserts value is IsoDate {
  if (!isIsoDate(value)) {
    throw new DomainValidationError(
      'INVALID_DATE',
      field,
      `${field} must be a calendar date YYYY-MM-DD, got ${JSON.stringify(value)}`,
    );
  }
}

/** Days since 1970-01-01 (negative before). */
export function toDayNumber(date: IsoDate, field = 'date'): number {
  assertIsoDate(date, field);
  return daysFromCivil(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)));
}

export function fromDayNumber(days: number): IsoDate {
  if (!Number.isSafeInteger(days))
    throw new DomainValidationError('OUT_OF_RANGE', 'days', `day number must be an integer, got ${days}`);
  const [y, m, d] = civilFromDays(days);
  if (y < 0 || y > 9999)
    throw new DomainValidationError('OUT_OF_RANGE', 'date', `date is outside years 0000–9999 (day ${days})`);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** `date` plus `days` calendar days (negative to go back). */
export function addDays(date: IsoDate, days: number, field = 'date'): IsoDate {
  if (!Number.isSafeInteger(days))
    throw new DomainValidationError('OUT_OF_RANGE', 'days', `days must be an integer, got ${days}`);
  return fromDayNumber(toDayNumber(date, field) + days);
}

/** Calendar days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toDayNumber(to, 'to') - toDayNumber(from, 'from');
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function dayOfWeek(date: IsoDate, field = 'date'): number {
  return (((toDayNumber(date, field) + 4) % 7) + 7) % 7;
}

/** Negative, zero or positive like a comparator; ISO dates compare correctly as strings once validated. */
export function compareIsoDates(a: IsoDate, b: IsoDate): number {
  assertIsoDate(a, 'a');
  assertIsoDate(b, 'b');
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * São Paulo time, the one rule: Brazilian banks and their calendars live in America/Sao_Paulo, a fixed UTC−03:00 all
 * year since Brazil dropped daylight saving in 2019. Pure over a given instant (epoch milliseconds), so workflow code
 * passes its deterministic clock and everything else passes `Date.now()`.
 */
export const SAO_PAULO_UTC_OFFSET = '-03:00';
export const SAO_PAULO_UTC_OFFSET_MS = -3 * 3_600_000;
const DAY_MS = 86_400_000;

/** The São Paulo calendar date of an instant (epoch milliseconds): "today in São Paulo" is `saoPauloDate(now)`. */
export function saoPauloDate(epochMs: number): IsoDate {
  return fromDayNumber(Math.floor((epochMs + SAO_PAULO_UTC_OFFSET_MS) / DAY_MS));
}

/** The instant (epoch milliseconds) of `hour`:`minute` São Paulo time on `date` (default: its midnight). */
export function saoPauloInstant(date: IsoDate, hour = 0, minute = 0): number {
  return toDayNumber(date) * DAY_MS - SAO_PAULO_UTC_OFFSET_MS + (hour * 60 + minute) * 60_000;
}
