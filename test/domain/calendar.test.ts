import { getHolidays } from '@brazilian-utils/brazilian-utils/get-holidays';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  bankHolidays,
  businessDayOnOrAfter,
  isBusinessDay,
  isPaidLate,
  lastPayableDateWithoutCharges,
  nextBusinessDay,
  previousBusinessDay,
} from '../../src/domain';
import { isoDateIn } from './helpers';

/** Independent Easter (anonymous Gregorian / Meeus) to check the movable holidays. */
function easter(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}
const shift = (iso: string, days: number): string =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe('bank calendar', () => {
  it('bankHolidays › 2025 › the FEBRABAN national list incl. Carnaval Mon+Tue, Good Friday, Corpus Christi, Consciência Negra', () => {
    expect(bankHolidays(2025)).toEqual([
      '2025-01-01',
      '2025-03-03',
      '2025-03-04',
      '2025-04-18',
      '2025-04-21',
      '2025-05-01',
      '2025-06-19',
      '2025-09-07',
      '2025-10-12',
      '2025-11-02',
      '2025-11-15',
      '2025-11-20',
      '2025-12-25',
    ]);
  });

  it('bankHolidays › 2026 › Carnaval 16–17 Feb, Good Friday 3 Apr, Corpus Christi 4 Jun', () => {
    expect(bankHolidays(2026)).toEqual(
      expect.arrayContaining(['2026-02-16', '2026-02-17', '2026-04-03', '2026-06-04']),
    );
  });

  it('movable holidays › any year 1990–2099 › match an independent Easter computation', () => {
    for (let y = 1990; y <= 2099; y++) {
      const e = easter(y);
      expect(bankHolidays(y)).toEqual(
        expect.arrayContaining([shift(e, -48), shift(e, -47), shift(e, -2), shift(e, 60)]),
      );
    }
  });

  it('isBusinessDay › weekend, holiday, ordinary weekday › false, false, true', () => {
    expect(isBusinessDay('2025-03-01')).toBe(false); // Saturday
    expect(isBusinessDay('2025-03-03')).toBe(false); // Carnaval Monday
    expect(isBusinessDay('2025-03-05')).toBe(true); // Ash Wednesday: banks open (late)
  });

  it('nextBusinessDay › Friday before Carnaval › is Ash Wednesday', () => {
    expect(nextBusinessDay('2025-02-28')).toBe('2025-03-05');
    expect(previousBusinessDay('2025-03-05')).toBe('2025-02-28');
  });

  it('lastPayableDateWithoutCharges › due on Good Friday 2025 › payable on Monday 2025-04-22? no: Tiradentes → Tuesday 22nd', () => {
    expect(lastPayableDateWithoutCharges('2025-04-18')).toBe('2025-04-22');
    expect(isPaidLate('2025-04-18', '2025-04-22')).toBe(false);
    expect(isPaidLate('2025-04-18', '2025-04-23')).toBe(true);
  });

  it('lastPayableDateWithoutCharges › due on a business day › is the due date itself', () => {
    expect(lastPayableDateWithoutCharges('2025-04-17')).toBe('2025-04-17');
  });

  it('extraHolidays › a municipal holiday (São Paulo anniversary 2025-01-25 is a Saturday; use 2027-01-25, Monday) › is skipped', () => {
    expect(businessDayOnOrAfter('2027-01-25', { extraHolidays: ['2027-01-25'] })).toBe('2027-01-26');
    expect(businessDayOnOrAfter('2027-01-25')).toBe('2027-01-25');
  });

  it('addBusinessDays › 3 business days from Thursday before Carnaval › lands on Thursday after', () => {
    expect(addBusinessDays('2025-02-27', 3)).toBe('2025-03-06');
    expect(addBusinessDays('2025-03-06', -3)).toBe('2025-02-27');
    expect(addBusinessDays('2025-03-03', 0)).toBe('2025-03-03');
  });

  it('addBusinessDays › forwards then back › returns to the business day it started from', () => {
    fc.assert(
      fc.property(isoDateIn(2000, 2090), fc.integer({ min: 0, max: 60 }), (date, n) => {
        const start = businessDayOnOrAfter(date);
        expect(addBusinessDays(addBusinessDays(start, n), -n)).toBe(start);
        expect(isBusinessDay(addBusinessDays(start, n))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('shortfall › brazilian-utils › getHolidays omits Carnaval Monday, when banks are closed', () => {
    const names = getHolidays({ year: 2025 }).map((h) => `${h.name}@${h.date.getMonth() + 1}-${h.date.getDate()}`);
    expect(names).toContain('Carnaval (terça-feira)@3-4');
    expect(names.some((n) => n.endsWith('@3-3'))).toBe(false);
    expect(isBusinessDay('2025-03-03')).toBe(false);
  });

  it('bankHolidays › year outside 1900–2099 › is refused', () => {
    expect(() => bankHolidays(2100)).toThrow(/covers 1900–2099/);
  });
});
