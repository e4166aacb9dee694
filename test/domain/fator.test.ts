import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  assertDueDateReadsBack,
  dateFromFator,
  dueDateWindow,
  fatorCandidates,
  fatorFromDate,
  FEBRABAN_FATOR_WINDOW,
  nextFatorReset,
} from '../../src/domain';
import { domainError, isoDateIn } from './helpers';

describe('fator de vencimento', () => {
  it('fatorFromDate › the FEBRABAN milestones (§3.3) › 1000 on 2000-07-03, 9999 on 2025-02-21, back to 1000 on 2025-02-22', () => {
    expect(fatorFromDate('1997-10-08')).toBe(1);
    expect(fatorFromDate('2000-07-03')).toBe(1000);
    expect(fatorFromDate('2025-02-21')).toBe(9999);
    expect(fatorFromDate('2025-02-22')).toBe(1000);
    expect(fatorFromDate('2025-02-23')).toBe(1001);
    expect(fatorFromDate('2049-10-13')).toBe(9999);
    expect(fatorFromDate('2049-10-14')).toBe(1000);
  });

  it('fatorFromDate › the base date itself or earlier › is out of range', () => {
    expect(domainError(() => fatorFromDate('1997-10-07')).code).toBe('OUT_OF_RANGE');
  });

  it('dateFromFator › fator 1000 seen from 2025-03-01 › is the new cycle, 2025-02-22', () => {
    expect(dateFromFator(1000, '2025-03-01')).toBe('2025-02-22');
  });

  it('dateFromFator › fator 9999 seen just after the reset › is still 2025-02-21 (in the 3000-day past window)', () => {
    expect(dateFromFator(9999, '2025-02-25')).toBe('2025-02-21');
  });

  it('dateFromFator › an old-cycle fator seen from 2020 › resolves in the old cycle', () => {
    expect(dateFromFator(8547, '2021-02-20')).toBe('2021-03-02'); // BS2 fixture
    expect(dateFromFator(1000, '2020-01-01')).toBe('2025-02-22'); // 2000-07-03 is > 3000 days back
  });

  it('dateFromFator › fator 0000 › means no due date', () => {
    expect(dateFromFator(0, '2025-03-01')).toBeNull();
  });

  it('dateFromFator › window edges › exactly 3000 back and 5500 ahead are inside, one more day is outside', () => {
    const today = '2030-06-15';
    const back = addDays(today, -3000);
    const ahead = addDays(today, 5500);
    expect(dateFromFator(fatorFromDate(back), today)).toBe(back);
    expect(dateFromFator(fatorFromDate(ahead), today)).toBe(ahead);
    const tooFar = addDays(today, 5501); // its other candidate is 9000 − 5501 = 3499 days back: outside too
    const e = domainError(() => dateFromFator(fatorFromDate(tooFar), today));
    expect(e.code).toBe('FATOR_OUT_OF_WINDOW');
    expect(e.message).toMatch(/resolves to no due date within 3000 days before and 5500 days after 2030-06-15/);
  });

  it('dateFromFator › a custom window [U] › is honoured', () => {
    expect(dateFromFator(1000, '2025-03-01', { daysBack: 10, daysAhead: 10 })).toBe('2025-02-22');
    expect(() => dateFromFator(1100, '2025-03-01', { daysBack: 10, daysAhead: 10 })).toThrow(/no due date/);
  });

  it('assertDueDateReadsBack › a due date in 2046 seen from 2026-12-03 › refused: its fator reads back as a date in 2021', () => {
    const today = '2026-12-03';
    const misread = dateFromFator(fatorFromDate('2046-06-01'), today)!;
    expect(misread.slice(0, 4)).toBe('2021'); // what a payer's bank would print as the due date
    const e = domainError(() => assertDueDateReadsBack('2046-06-01', today));
    expect(e).toMatchObject({ code: 'FATOR_OUT_OF_WINDOW', field: 'dueDate' });
    expect(e.message).toContain(`read back as ${misread}`);
    expect(e.message).toContain(`on or before ${addDays(today, FEBRABAN_FATOR_WINDOW.daysAhead)}`);
  });

  it('assertDueDateReadsBack › window edges › the decoder’s last day ahead and first day back pass, one day beyond each is refused', () => {
    const today = '2026-12-03';
    const { first, last } = dueDateWindow(today);
    expect([first, last]).toEqual([
      addDays(today, -FEBRABAN_FATOR_WINDOW.daysBack),
      addDays(today, FEBRABAN_FATOR_WINDOW.daysAhead),
    ]);
    expect(() => assertDueDateReadsBack(last, today)).not.toThrow();
    expect(() => assertDueDateReadsBack(first, today)).not.toThrow();
    expect(domainError(() => assertDueDateReadsBack(addDays(last, 1), today)).code).toBe('FATOR_OUT_OF_WINDOW');
    expect(
      domainError(() => assertDueDateReadsBack(addDays(first, -1), today, FEBRABAN_FATOR_WINDOW, 'newDueDate')).field,
    ).toBe('newDueDate');
  });

  it('assertDueDateReadsBack › any date and today › passes exactly when the decoder reads the same date back', () => {
    fc.assert(
      fc.property(isoDateIn(2000, 2049), isoDateIn(2010, 2049), (date, today) => {
        let readsBack: boolean;
        try {
          readsBack = dateFromFator(fatorFromDate(date), today) === date;
        } catch {
          readsBack = false;
        }
        let accepted = true;
        try {
          assertDueDateReadsBack(date, today);
        } catch {
          accepted = false;
        }
        expect(accepted).toBe(readsBack);
      }),
      { numRuns: 2000 },
    );
  });

  it('fatorCandidates › fator 1000 › is 9000 days apart across cycles', () => {
    expect(fatorCandidates(1000, '2050-01-01')).toEqual(['2000-07-03', '2025-02-22', '2049-10-14']);
    expect(fatorCandidates(816, '2050-01-01')).toEqual(['2000-01-01']);
  });

  it('nextFatorReset › before, on and after 2025-02-22 › gives the next restart day', () => {
    expect(nextFatorReset('2024-01-01')).toBe('2025-02-22');
    expect(nextFatorReset('2025-02-22')).toBe('2025-02-22');
    expect(nextFatorReset('2025-02-23')).toBe('2049-10-14');
  });

  it('dateFromFator › invalid fator › is rejected', () => {
    expect(domainError(() => dateFromFator(10000, '2025-01-01')).code).toBe('OUT_OF_RANGE');
    expect(domainError(() => dateFromFator(1.5, '2025-01-01')).code).toBe('OUT_OF_RANGE');
  });

  it('round trip › any date 2000–2049 and any today inside the FEBRABAN window › decodes to the same date', () => {
    fc.assert(
      fc.property(
        isoDateIn(2000, 2049),
        fc.integer({ min: -FEBRABAN_FATOR_WINDOW.daysAhead, max: FEBRABAN_FATOR_WINDOW.daysBack }),
        (date, offset) => {
          expect(dateFromFator(fatorFromDate(date), addDays(date, offset))).toBe(date);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('cross-check › fatorFromDate against a Date.UTC day count with the 9000-day wrap', () => {
    fc.assert(
      fc.property(isoDateIn(2000, 2049), (date) => {
        let n = Math.round((Date.parse(`${date}T00:00:00Z`) - Date.UTC(1997, 9, 7)) / 86_400_000);
        if (n > 9999) n = ((n - 1000) % 9000) + 1000;
        expect(fatorFromDate(date)).toBe(n);
      }),
    );
  });
});
