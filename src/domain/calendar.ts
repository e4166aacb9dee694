/**
 * Brazilian bank business days: weekends and the national bank holidays, including the movable ones derived from
 * Easter (Carnaval Monday and Tuesday, Good Friday, Corpus Christi). A due date falling on a non-business day is
 * payable, without charges, on the next business day.
 *
 * Holidays come from @brazilian-utils/brazilian-utils `getHolidays` (national + "optional", which is where it files
 * Carnaval Tuesday and Corpus Christi). It omits Carnaval **Monday**, when banks are closed too, so we add it (the day
 * before its Carnaval Tuesday); see "shortfall › brazilian-utils › …" in test/domain/calendar.test.ts.
 * Local/municipal closures are not national facts: pass them as `extraHolidays`.
 */
import { getHolidays } from '@brazilian-utils/brazilian-utils/get-holidays';
import { addDays, assertIsoDate, dayOfWeek, type IsoDate } from './dates';
import { DomainValidationError } from './errors';

export interface CalendarOptions {
  /** Additional non-business dates (municipal holidays, bank-specific closures). */
  extraHolidays?: readonly IsoDate[];
}

/** The library computes years 1900–2099. */
export const CALENDAR_MIN_YEAR = 1900;
export const CALENDAR_MAX_YEAR = 2099;

const cache = new Map<number, ReadonlySet<IsoDate>>();

function localIso(d: Date): IsoDate {
  // The library builds its dates at local midnight, so read them back in local time (no UTC shift).
  return `${String(d.getFullYear()).padStart(4, '0')}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** National bank holidays of `year`, sorted ISO dates. */
export function bankHolidays(year: number): IsoDate[] {
  return [...holidaySet(year)].sort();
}

function holidaySet(year: number): ReadonlySet<IsoDate> {
  const hit = cache.get(year);
  if (hit) return hit;
  if (!Number.isInteger(year) || year < CALENDAR_MIN_YEAR || year > CALENDAR_MAX_YEAR) {
    throw new DomainValidationError(
      'OUT_OF_RANGE',
      'date',
      `the bank calendar covers ${CALENDAR_MIN_YEAR}–${CALENDAR_MAX_YEAR}, got year ${year}`,
    );
  }
  const set = new Set<IsoDate>();
  for (const h of getHolidays({ year })) {
    if (h.type !== 'national' && h.type !== 'optional') continue; // "religious" = Easter Sunday, a Sunday anyway
    const iso = localIso(h.date);
    set.add(iso);
    if (h.name.startsWith('Carnaval')) set.add(addDays(iso, -1)); // Carnaval Monday (the library lists Tuesday)
  }
  cache.set(year, set);
  return set;
}

export function isBankHoliday(date: IsoDate, options: CalendarOptions = {}): boolean {
  assertIsoDate(date, 'date');
  return holidaySet(Number(date.slice(0, 4))).has(date) || (options.extraHolidays?.includes(date) ?? false);
}

export function isWeekend(date: IsoDate): boolean {
  const dow = dayOfWeek(date);
  return dow === 0 || dow === 6;
}

export function isBusinessDay(date: IsoDate, options: CalendarOptions = {}): boolean {
  return !isWeekend(date) && !isBankHoliday(date, options);
}

/** The first business day strictly after `date`. */
export function nextBusinessDay(date: IsoDate, options: CalendarOptions = {}): IsoDate {
  let d = addDays(date, 1);
  while (!isBusinessDay(d, options)) d = addDays(d, 1);
  return d;
}

/** The first business day strictly before `date`. */
export function previousBusinessDay(date: IsoDate, options: CalendarOptions = {}): IsoDate {
  let d = addDays(date, -1);
  while (!isBusinessDay(d, options)) d = addDays(d, -1);
  return d;
}

/** `date` itself when it is a business day, else the next one. */
export function businessDayOnOrAfter(date: IsoDate, options: CalendarOptions = {}): IsoDate {
  return isBusinessDay(date, options) ? date : nextBusinessDay(date, options);
}

/**
 * Moves `days` business days from `date` (negative goes back). With 0 the date is returned as is, even on a holiday
 * (same convention as date-fns and brazilian-utils).
 */
export function addBusinessDays(date: IsoDate, days: number, options: CalendarOptions = {}): IsoDate {
  if (!Number.isSafeInteger(days))
    throw new DomainValidationError('OUT_OF_RANGE', 'days', `days must be an integer, got ${days}`);
  assertIsoDate(date, 'date');
  let d = date;
  for (let left = Math.abs(days); left > 0; left--)
    d = days > 0 ? nextBusinessDay(d, options) : previousBusinessDay(d, options);
  return d;
}

/**
 * The last date a boleto due on `dueDate` can be paid without fine or interest: the due date, moved to the next
 * business day when it falls on a weekend or bank holiday.
 */
export function lastPayableDateWithoutCharges(dueDate: IsoDate, options: CalendarOptions = {}): IsoDate {
  return businessDayOnOrAfter(dueDate, options);
}

/** True when paying on `paymentDate` is late for `dueDate` (after the last payable date without charges). */
export function isPaidLate(dueDate: IsoDate, paymentDate: IsoDate, options: CalendarOptions = {}): boolean {
  assertIsoDate(paymentDate, 'paymentDate');
  return paymentDate > lastPayableDateWithoutCharges(dueDate, options);
}
