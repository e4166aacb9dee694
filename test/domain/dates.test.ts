import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  compareIsoDates,
  dayOfWeek,
  daysBetween,
  fromDayNumber,
  isIsoDate,
  saoPauloDate,
  saoPauloInstant,
  toDayNumber,
} from '../../src/domain';
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
    expect(domainError(() => addDays('2025-02-30', 1, 'dueDate')).message).toBe(
      'dueDate must be a calendar date YYYY-MM-DD, got "2025-02-30"',
    );
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

describe('São Paulo time (the one rule: UTC−03:00 since 2019)', () => {
  it('saoPauloDate › around São Paulo midnight › the local calendar date, not the UTC one', () => {
    expect(saoPauloDate(Date.parse('2026-01-01T02:59:59.999Z'))).toBe('2025-12-31');
    expect(saoPauloDate(Date.parse('2026-01-01T03:00:00.000Z'))).toBe('2026-01-01');
    expect(saoPauloDate(Date.parse('2026-03-10T23:30:00-03:00'))).toBe('2026-03-10');
  });

  it('saoPauloInstant › a date and a local hour › the instant written with the -03:00 offset', () => {
    expect(saoPauloInstant('2026-03-10')).toBe(Date.parse('2026-03-10T00:00:00-03:00'));
    expect(saoPauloInstant('2026-03-10', 8)).toBe(Date.parse('2026-03-10T08:00:00-03:00'));
    expect(saoPauloInstant('2026-03-10', 5, 30)).toBe(Date.parse('2026-03-10T05:30:00-03:00'));
  });

  it('saoPauloDate › any instant 2019–2100 › agrees with the IANA America/Sao_Paulo zone, and round-trips its midnight', () => {
    const zone = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'America/Sao_Paulo',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2019-03-01T00:00:00Z'), max: Date.parse('2100-01-01T00:00:00Z') }),
        (ms) => {
          const date = saoPauloDate(ms);
          expect(date).toBe(zone.format(ms));
          expect(saoPauloDate(saoPauloInstant(date))).toBe(date);
          expect(ms - saoPauloInstant(date)).toBeGreaterThanOrEqual(0);
          expect(ms - saoPauloInstant(date)).toBeLessThan(86_400_000);
        },
      ),
      { numRuns: 500 },
    );
  });
});
