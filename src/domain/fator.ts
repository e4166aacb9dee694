/**
 * Fator de vencimento (bank-apis.md §3.3): 4 digits of the barcode counting days since 1997-10-07.
 *
 * It reached 9999 on 2025-02-21 and FEBRABAN restarted it at 1000 on 2025-02-22; every 9000 days it wraps again
 * (next: 9999 on 2049-10-13, 1000 on 2049-10-14). A fator therefore names several dates 9000 days apart, and
 * decoding needs a reference "today" and FEBRABAN's validity window (3000 days back, 5500 ahead). Fator 0000
 * means "no due date" (à vista / contra-apresentação).
 */
import { addDays, daysBetween, toDayNumber, type IsoDate } from './dates';
import { DomainValidationError } from './errors';

export const FATOR_BASE_DATE: IsoDate = '1997-10-07';
/** Days after which the fator wraps from 9999 back to 1000. */
export const FATOR_CYCLE_DAYS = 9000;
export const FATOR_MIN = 1000;
export const FATOR_MAX = 9999;
/** The fator meaning "no due date". */
export const FATOR_NO_DUE_DATE = 0;

export interface FatorWindow {
  /** How many days before "today" a due date may lie (FEBRABAN: 3000). */
  daysBack: number;
  /** How many days after "today" a due date may lie (FEBRABAN: 5500). */
  daysAhead: number;
}

/** FEBRABAN's window, as quoted in brcobranca's calculo_data.rb (§3.3). */
export const FEBRABAN_FATOR_WINDOW: Readonly<FatorWindow> = Object.freeze({ daysBack: 3000, daysAhead: 5500 });

const BASE_DAY = toDayNumber(FATOR_BASE_DATE);

/**
 * Due date → fator. Dates from 1997-10-08 to 2000-07-02 give the original cycle's fatores 1..999;
 * from 2000-07-03 every date maps into 1000..9999 (`n −= 9000` while n > 9999).
 */
export function fatorFromDate(dueDate: IsoDate, field = 'dueDate'): number {
  let n = toDayNumber(dueDate, field) - BASE_DAY;
  if (n < 1) {
    throw new DomainValidationError(
      'OUT_OF_RANGE',
      field,
      `${field} ${dueDate} is not after the fator base date ${FATOR_BASE_DATE}`,
    );
  }
  while (n > FATOR_MAX) n -= FATOR_CYCLE_DAYS;
  return n;
}

/** Every date a fator can stand for, oldest first, up to `until` (inclusive). */
export function fatorCandidates(fator: number, until: IsoDate): IsoDate[] {
  assertFator(fator);
  if (fator === FATOR_NO_DUE_DATE) return [];
  const out: IsoDate[] = [];
  // Fatores below 1000 only existed in the first cycle (1997-10-08 … 2000-07-02).
  const last = toDayNumber(until, 'until') - BASE_DAY;
  for (let n = fator; n <= last; n += FATOR_CYCLE_DAYS) {
    out.push(addDays(FATOR_BASE_DATE, n));
    if (fator < FATOR_MIN) break;
  }
  return out;
}

/**
 * Fator → due date, choosing the candidate inside the window around `today`; `null` for fator 0000.
 * Throws FATOR_OUT_OF_WINDOW when no candidate falls inside (the window spans 8500 of the 9000-day cycle, so
 * about 500 fatores are invalid on any given day). If a wider custom window holds several, the nearest wins.
 */
export function dateFromFator(
  fator: number,
  today: IsoDate,
  window: FatorWindow = FEBRABAN_FATOR_WINDOW,
): IsoDate | null {
  assertFator(fator);
  if (fator === FATOR_NO_DUE_DATE) return null;
  const candidates = fatorCandidates(fator, addDays(today, window.daysAhead, 'today'));
  const inside = candidates.filter((d) => {
    const offset = daysBetween(today, d);
    return offset >= -window.daysBack && offset <= window.daysAhead;
  });
  if (inside.length === 0) {
    throw new DomainValidationError(
      'FATOR_OUT_OF_WINDOW',
      'fator',
      `fator ${String(fator).padStart(4, '0')} resolves to no due date within ${window.daysBack} days before and ${window.daysAhead} days after ${today} (candidates: ${candidates.slice(-2).join(', ') || 'none'})`,
      { fator, today },
    );
  }
  return inside.reduce((best, d) => (Math.abs(daysBetween(today, d)) < Math.abs(daysBetween(today, best)) ? d : best));
}

/** The first and last due dates a barcode printed on `today` can carry: the decoder's window around `today`. */
export function dueDateWindow(
  today: IsoDate,
  window: FatorWindow = FEBRABAN_FATOR_WINDOW,
): { first: IsoDate; last: IsoDate } {
  return { first: addDays(today, -window.daysBack, 'today'), last: addDays(today, window.daysAhead, 'today') };
}

/**
 * Refuses a due date that a payer's bank would not read back from its barcode on `today`: the fator names dates
 * 9000 days apart, and the bank picks the one inside the window (dateFromFator), so a date beyond the window prints
 * a fator read as a date decades earlier (2046 → 2021). The rule is the decoder itself, so the two cannot disagree.
 */
export function assertDueDateReadsBack(
  dueDate: IsoDate,
  today: IsoDate,
  window: FatorWindow = FEBRABAN_FATOR_WINDOW,
  field = 'dueDate',
): void {
  const fator = fatorFromDate(dueDate, field);
  let read: IsoDate | null | undefined;
  try {
    read = dateFromFator(fator, today, window);
  } catch (e) {
    if (!(e instanceof DomainValidationError) || e.code !== 'FATOR_OUT_OF_WINDOW') throw e;
  }
  if (read === dueDate) return;
  const { first, last } = dueDateWindow(today, window);
  throw new DomainValidationError(
    'FATOR_OUT_OF_WINDOW',
    field,
    `${field} ${dueDate} prints fator ${String(fator).padStart(4, '0')}, which a payer's bank would ${read ? `read back as ${read}` : 'not read as any date'} on ${today}: ` +
      `it must be on or after ${first} and on or before ${last} (${window.daysBack} days back, ${window.daysAhead} ahead)`,
    { fator, today, first, last },
  );
}

/** The first day on or after `today` on which the fator wraps back to 1000 (2025-02-22, 2049-10-14, …). */
export function nextFatorReset(today: IsoDate): IsoDate {
  const n = toDayNumber(today, 'today') - BASE_DAY;
  // Resets happen on day 10000 + 9000k after the base date.
  const k = Math.max(0, Math.ceil((n - (FATOR_MAX + 1)) / FATOR_CYCLE_DAYS));
  return addDays(FATOR_BASE_DATE, FATOR_MAX + 1 + k * FATOR_CYCLE_DAYS);
}

export function assertFator(fator: unknown, field = 'fator'): asserts fator is number {
  if (typeof fator !== 'number' || !Number.isInteger(fator) || fator < 0 || fator > FATOR_MAX) {
    throw new DomainValidationError(
      'OUT_OF_RANGE',
      field,
      `${field} must be an integer 0000–9999, got ${String(fator)}`,
    );
  }
}
