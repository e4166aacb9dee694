import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  reaisNumberToCents,
  centsToReaisNumber,
  centsToDecimalString,
  centsToItauImplied,
  decimalStringToCents,
  formatBrl,
  itauAmountToCents,
  itauImpliedToCents,
} from '../../src/domain';
import { domainError } from './helpers';

const MAX = 9_999_999_999; // R$ 99.999.999,99

describe('money in cents', () => {
  it('Itaú implied decimals › the cash_management example "00000000000001000" › is R$ 10,00', () => {
    expect(itauImpliedToCents('00000000000001000')).toBe(1000);
    expect(centsToItauImplied(1000)).toBe('00000000000001000');
  });

  it('Itaú implied decimals › wrong width › says how many digits', () => {
    expect(domainError(() => itauImpliedToCents('0001000')).message).toBe('amount has 7 digits, expected 17');
  });

  it('decimal strings › Itaú boletos-pix / consulta formats › parse without floats', () => {
    expect(decimalStringToCents('2100.00')).toBe(210000);
    expect(decimalStringToCents('0.29')).toBe(29); // parseFloat('0.29') * 100 = 28.999999999999996
    expect(decimalStringToCents('12.3')).toBe(1230);
    expect(decimalStringToCents('7')).toBe(700);
    expect(centsToDecimalString(5)).toBe('0.05');
    expect(centsToDecimalString(0)).toBe('0.00');
    expect(itauAmountToCents('00000000000001000')).toBe(1000);
    expect(itauAmountToCents('10.00')).toBe(1000);
  });

  it('decimal strings › comma, three decimals, sign › are rejected', () => {
    for (const bad of ['1,00', '1.005', '-1.00', '', 'abc', '1.'])
      expect(() => decimalStringToCents(bad)).toThrow(/must look like 123.45/);
  });

  it('BS2 numbers › R$ 0.1 + 0.2 computed in floating point › is 30 cents, not 30.000000000000004', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(reaisNumberToCents(0.1 + 0.2)).toBe(30);
    expect(reaisNumberToCents(23.5)).toBe(2350); // BS2 fixture "valor": 23.5
    expect(reaisNumberToCents(1.15)).toBe(115); // 1.15 * 100 = 114.99999999999999
    expect(JSON.stringify({ valor: centsToReaisNumber(2350) })).toBe('{"valor":23.5}');
  });

  it('BS2 numbers › a real third decimal › is rejected, not rounded', () => {
    expect(domainError(() => reaisNumberToCents(1.005)).message).toBe('valor 1.005 has more than 2 decimal places');
    expect(() => reaisNumberToCents(0.001)).toThrow(/more than 2 decimal/);
    expect(() => reaisNumberToCents(Number.NaN)).toThrow(/finite/);
  });

  it('round trip › any amount up to R$ 99.999.999,99 › survives every bank format exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX }), (cents) => {
        expect(decimalStringToCents(centsToDecimalString(cents))).toBe(cents);
        expect(itauImpliedToCents(centsToItauImplied(cents))).toBe(cents);
        expect(reaisNumberToCents(centsToReaisNumber(cents))).toBe(cents);
        expect(reaisNumberToCents(JSON.parse(JSON.stringify(centsToReaisNumber(cents))) as number)).toBe(cents);
      }),
      { numRuns: 3000 },
    );
  });

  it('sums › two amounts added as reais floats › convert back to the integer sum', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Math.floor(MAX / 2) }),
        fc.integer({ min: 0, max: Math.floor(MAX / 2) }),
        (a, b) => {
          expect(reaisNumberToCents(centsToReaisNumber(a) + centsToReaisNumber(b))).toBe(a + b);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('formatBrl › as printed on the boleto › uses pt-BR separators', () => {
    expect(formatBrl(675787)).toBe('R$ 6.757,87');
    expect(formatBrl(9_999_999_999)).toBe('R$ 99.999.999,99');
    expect(formatBrl(5)).toBe('R$ 0,05');
  });

  it('assertCents › fractional or negative cents › are refused', () => {
    expect(() => centsToDecimalString(10.5)).toThrow(/integer number of cents/);
    expect(() => centsToDecimalString(-1)).toThrow(/must not be negative/);
  });
});
