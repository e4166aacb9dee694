/** Shared test helpers for the domain suite. */
import fc from 'fast-check';
import { DomainValidationError } from '../../src/domain';

/** Calls fn and returns the DomainValidationError it throws (fails the test otherwise). */
export function domainError(fn: () => unknown): DomainValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainValidationError) return e;
    throw e;
  }
  throw new Error('expected a DomainValidationError, nothing was thrown');
}

/** ISO date arbitrary between two years inclusive, built from integers (no Date). */
export function isoDateIn(fromYear: number, toYear: number): fc.Arbitrary<string> {
  return fc
    .record({
      y: fc.integer({ min: fromYear, max: toYear }),
      m: fc.integer({ min: 1, max: 12 }),
      d: fc.integer({ min: 1, max: 31 }),
    })
    .filter(({ y, m, d }) => d <= new Date(Date.UTC(y, m, 0)).getUTCDate())
    .map(({ y, m, d }) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
}

export const digitString = (length: number): fc.Arbitrary<string> =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }).map((a) => a.join(''));

/** Independent oracle for date arithmetic: JavaScript's UTC calendar. */
export function utcIso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
