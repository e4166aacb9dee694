import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, compareIsoDates, dayOfWeek, daysBetween, fromDayNumber, isIsoDate, toDayNumber } from '../../src/domain';
import { domainError, utcIso } from './helpers';

describe('ISO dates', () => {
  it('isIsoDate › impossible or badly written dates › are rejected', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('1900-02-29')).toBe(false);
    expect(isIsoDate('2000-02-29')).toBe(true);
    expect(isIsoDate('2025-13-01')).toBe(false);
    expect(isIsoDate('2025-1-01')).toBe(false);
    expect(isIsoDate('2025-01-01T00:00:00Z')).toBe(false);
    expect(isIsoDate(20250101)).toBe(false);
  });

  it('addDays › across month, year and leap day › matches the calendar', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
  });

  it('addDays › invalid date › names the field', () => {
    expect(domainError(() => addDays('2025-02-30', 1, 'dueDate')).message).toBe('dueDate must be a calendar date YYYY-MM-DD, got "2025-02-30"');
  });

  it('day arithmetic › any day 1900–2100 › agrees with JavaScript UTC dates', () => {
    fc.assert(
      fc.property(fc.integer({ min: -25567, max: 47482 }), fc.integer({ min: -20000, max: 20000 }), (day, delta) => {
        const iso = utcIso(day * 86_400_000);
        expect(fromDayNumber(day)).toBe(iso);
        expect(toDayNumber(iso)).toBe(day);
        expect(addDays(iso, delta)).toBe(utcIso((day + delta) * 86_400_000));
        expect(daysBetween(iso, addDays(iso, delta))).toBe(delta);
        expect(dayOfWeek(iso)).toBe(new Date(day * 86_400_000).getUTCDay());
      }),
      { numRuns: 1000 },
    );
  });

  it('compareIsoDates › orders like the calendar', () => {
    expect(compareIsoDates('2025-01-02', '2025-01-10')).toBe(-1);
    expect(compareIsoDates('2025-01-10', '2025-01-10')).toBe(0);
  });
});
