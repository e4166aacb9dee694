import { getBoletoInfo } from '@brazilian-utils/brazilian-utils/get-boleto-info';
import { isValidBoleto } from '@brazilian-utils/brazilian-utils/is-valid-boleto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  barcodeToLinha,
  buildBarcode,
  buildBarcodeFromParts,
  decodeBoleto,
  formatLinha,
  linhaToBarcode,
  mod10,
  mod11Barcode,
  normalizeBoletoInput,
  parseBarcode,
  toBarcode,
  toLinhaDigitavel,
  validateBarcode,
  validateLinha,
  DomainValidationError,
} from '../../src/domain';
import { digitString, domainError, isoDateIn } from './helpers';

/**
 * Published vectors: kivanio/brcobranca spec/brcobranca/boleto/itau_spec.rb (Itaú, including the post-2025 fator
 * 2548 for 2029-05-20) and the BS2 fixture quoted in bank-apis.md §1.11 (S10 test/bs2_test.rb).
 */
const VECTORS = [
  {
    name: 'Itaú 175 2009',
    barcode: '34191432900000000001751234567840810536789000',
    linha: '34191.75124 34567.840813 05367.890000 1 43290000000000',
    dueDate: '2009-08-14',
    cents: 0,
    today: '2009-08-01',
  },
  {
    name: 'Itaú 175 2008',
    barcode: '34191377000000135001750025828170810536789000',
    linha: '34191.75009 25828.170818 05367.890000 1 37700000013500',
    dueDate: '2008-02-02',
    cents: 13500,
    today: '2008-01-01',
  },
  {
    name: 'Itaú 168 2004',
    barcode: '34194252500000135001680025828120810536789000',
    linha: '34191.68004 25828.120813 05367.890000 4 25250000013500',
    dueDate: '2004-09-05',
    cents: 13500,
    today: '2004-09-01',
  },
  {
    name: 'Itaú 109 2029',
    barcode: '34194254800006757871090001015271248021246000',
    linha: '34191.09008 01015.271248 80212.460002 4 25480000675787',
    dueDate: '2029-05-20',
    cents: 675787,
    today: '2026-01-01',
  },
  {
    name: 'BS2 2021',
    barcode: '21891854700000023500010003135853801100281538',
    linha: '21890.01007 03135.853806 11002.815386 1 85470000002350',
    dueDate: '2021-03-02',
    cents: 2350,
    today: '2021-02-20',
  },
] as const;

describe('check digits', () => {
  it('mod10 › FEBRABAN examples › weights 2,1 from the right with digit sums', () => {
    expect(mod10('341917512')).toBe(4); // field 1 of the Itaú 175 vector
    expect(mod10('3456784081')).toBe(3);
    expect(mod10('0')).toBe(0);
  });

  it('mod11Barcode › remainder giving 0, 10 or 11 › becomes 1', () => {
    // Find digit strings for each special case by brute force and check the rule against a direct formula.
    const direct = (s: string): number => {
      let sum = 0;
      [...s].reverse().forEach((c, i) => (sum += Number(c) * ((i % 8) + 2)));
      return 11 - (sum % 11);
    };
    const seen = new Set<number>();
    for (let n = 0; n < 5000 && seen.size < 3; n++) {
      const s = String(n).padStart(43, '0');
      const raw = direct(s);
      if (raw === 0 || raw === 10 || raw === 11) {
        seen.add(raw);
        expect(mod11Barcode(s)).toBe(1);
      } else expect(mod11Barcode(s)).toBe(raw);
    }
    expect([...seen].sort()).toEqual([10, 11]); // sum mod 11 ∈ {0,1}; 11 − r is never 0
  });
});

describe('barcode and linha digitável', () => {
  for (const v of VECTORS) {
    it(`${v.name} › published barcode › converts to the published linha and back`, () => {
      const plain = v.linha.replace(/\D/g, '');
      expect(barcodeToLinha(v.barcode)).toBe(plain);
      expect(formatLinha(plain)).toBe(v.linha);
      expect(linhaToBarcode(plain)).toBe(v.barcode);
    });

    it(`${v.name} › rebuilt from its parts › gives the same barcode`, () => {
      const p = parseBarcode(v.barcode);
      expect(p.amountCents).toBe(v.cents);
      expect(
        buildBarcode({ bankCode: p.bankCode, dueDate: v.dueDate, amountCents: v.cents, campoLivre: p.campoLivre }),
      ).toBe(v.barcode);
    });

    it(`${v.name} › decoded from the formatted linha › yields due date and amount`, () => {
      const d = decodeBoleto(v.linha, { today: v.today });
      expect(d).toMatchObject({ barcode: v.barcode, dueDate: v.dueDate, amountCents: v.cents, form: 'linhaDigitavel' });
    });
  }

  it('normalizeBoletoInput › dots, spaces, hyphens, newlines › are stripped', () => {
    expect(normalizeBoletoInput('34191.09008 01015.271248\n80212.460002-4_25480000675787').digits).toBe(
      '34191090080101527124880212460002425480000675787',
    );
  });

  it('normalizeBoletoInput › a letter in the input › names the bad character and its position', () => {
    const e = domainError(() => normalizeBoletoInput('34191.0900A 01015'));
    expect(e.code).toBe('INVALID_CHARACTER');
    expect(e.message).toBe('boleto has bad character "A" at position 11');
  });

  it('normalizeBoletoInput › 45 digits › says wrong length and what is expected', () => {
    const e = domainError(() => normalizeBoletoInput('1'.repeat(45)));
    expect(e.code).toBe('INVALID_LENGTH');
    expect(e.message).toContain('45 digits, expected 44 (barcode) or 47 (linha digitável)');
  });

  it('normalizeBoletoInput › 48-digit arrecadação linha › is rejected as unsupported', () => {
    expect(domainError(() => normalizeBoletoInput('846100000005246100291102005460339004695895061080')).code).toBe(
      'UNSUPPORTED',
    );
  });

  it('validateLinha › wrong field 2 DV › says which field and the expected digit', () => {
    const plain = '34191090080101527124880212460002425480000675787';
    const broken = `${plain.slice(0, 20)}9${plain.slice(21)}`;
    const e = domainError(() => validateLinha(broken));
    expect(e.message).toBe('linha digitável field 2 check digit is 9, expected 8');
    expect(e.details).toMatchObject({ field: 2, actual: 9, expected: 8 });
  });

  it('validateLinha › wrong general DV in field 4 › reports field 4', () => {
    const plain = '34191090080101527124880212460002425480000675787';
    const e = domainError(() => validateLinha(`${plain.slice(0, 32)}5${plain.slice(33)}`));
    expect(e.message).toBe('linha digitável field 4 (barcode general check digit) is 5, expected 4');
  });

  it('validateBarcode › wrong general DV › names position 5', () => {
    const e = domainError(() => validateBarcode('34195254800006757871090001015271248021246000'));
    expect(e.message).toBe('barcode general check digit (position 5) is 5, expected 4');
  });

  it('buildBarcode › no due date › writes fator 0000 and decodes to null', () => {
    const bc = buildBarcode({
      bankCode: '341',
      dueDate: null,
      amountCents: 100,
      campoLivre: '1090001015271248021246000',
    });
    expect(bc.slice(5, 9)).toBe('0000');
    expect(decodeBoleto(bc, { today: '2030-01-01' }).dueDate).toBeNull();
  });

  it('buildBarcode › amount over R$ 99.999.999,99 › is refused', () => {
    const e = domainError(() =>
      buildBarcodeFromParts({
        bankCode: '341',
        currencyCode: '9',
        fator: 1000,
        amountCents: 10_000_000_000,
        campoLivre: '0'.repeat(25),
      }),
    );
    expect(e.code).toBe('OUT_OF_RANGE');
  });

  it('toBarcode / toLinhaDigitavel › either form in › the other form out', () => {
    const v = VECTORS[3];
    expect(toBarcode(v.linha)).toBe(v.barcode);
    expect(toLinhaDigitavel(v.barcode)).toBe(v.linha.replace(/\D/g, ''));
    expect(toLinhaDigitavel(v.linha)).toBe(v.linha.replace(/\D/g, ''));
  });
});

describe('barcode properties', () => {
  const parts = fc.record({
    bank: digitString(3).filter((b) => !b.startsWith('8')), // 8 marks arrecadação slips
    date: isoDateIn(2000, 2049),
    cents: fc.integer({ min: 0, max: 9_999_999_999 }),
    campoLivre: digitString(25),
    offset: fc.integer({ min: -5500, max: 3000 }), // today = due date + offset keeps it inside the window
  });

  it('encode → decode › any date 2000–2049 and amount up to R$ 99.999.999,99 › round-trips through barcode and linha', () => {
    fc.assert(
      fc.property(parts, ({ bank, date, cents, campoLivre, offset }) => {
        const barcode = buildBarcode({ bankCode: bank, dueDate: date, amountCents: cents, campoLivre });
        const today = new Date(Date.parse(`${date}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
        const fromLinha = decodeBoleto(formatLinha(barcodeToLinha(barcode)), { today });
        const fromBarcode = decodeBoleto(barcode, { today });
        expect(fromLinha).toMatchObject({ bankCode: bank, dueDate: date, amountCents: cents, campoLivre, barcode });
        expect({ ...fromBarcode, form: 'x' }).toEqual({ ...fromLinha, form: 'x' });
      }),
      { numRuns: 500 },
    );
  });

  it('linha digitável › any single-digit change › is detected (except the mod-11 "→ 1" collision in field 5)', () => {
    fc.assert(
      fc.property(
        parts,
        fc.integer({ min: 0, max: 46 }),
        fc.integer({ min: 1, max: 9 }),
        ({ bank, date, cents, campoLivre }, pos, delta) => {
          const linha = barcodeToLinha(buildBarcode({ bankCode: bank, dueDate: date, amountCents: cents, campoLivre }));
          const changed = linha.slice(0, pos) + String((Number(linha[pos]) + delta) % 10) + linha.slice(pos + 1);
          let detected = true;
          try {
            validateLinha(changed);
            detected = false;
          } catch (e) {
            expect(e).toBeInstanceOf(DomainValidationError);
          }
          if (!detected) {
            // Fields 1–3 are mod 10 (catches every single-digit change). Field 5 (fator + amount) is only covered by the
            // general mod-11 DV, and FEBRABAN maps remainders giving 0, 10 and 11 all to DV 1: a change that moves
            // between those remainders cannot be seen by any implementation. Nothing else may slip through.
            expect(pos).toBeGreaterThanOrEqual(33);
            expect(linha[32]).toBe('1');
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('linha digitável › a field-5 change when the general DV is 1 › can be undetectable by design (FEBRABAN 0/10/11 → 1)', () => {
    // Found by the property above: amount digit 42 changed by +3 keeps the DV at 1.
    const linha = barcodeToLinha(
      buildBarcode({
        bankCode: '522',
        dueDate: '2035-07-15',
        amountCents: 7848432646,
        campoLivre: '2700100515600024906216009',
      }),
    );
    expect(linha[32]).toBe('1');
    const changed = `${linha.slice(0, 42)}${(Number(linha[42]) + 3) % 10}${linha.slice(43)}`;
    expect(() => validateLinha(changed)).not.toThrow();
  });

  it('linha digitável › every position of a real linha, every other digit › is detected (exhaustive)', () => {
    const linha = VECTORS[3].linha.replace(/\D/g, '');
    for (let pos = 0; pos < 47; pos++) {
      for (let digit = 0; digit <= 9; digit++) {
        if (String(digit) === linha[pos]) continue;
        expect(() => validateLinha(linha.slice(0, pos) + digit + linha.slice(pos + 1))).toThrow();
      }
    }
  });

  it('cross-check › brazilian-utils reads our linhas › same amount, due date and validity', () => {
    fc.assert(
      fc.property(
        parts.filter((p) => p.date >= '2000-07-03'),
        ({ bank, date, cents, campoLivre, offset }) => {
          const linha = barcodeToLinha(buildBarcode({ bankCode: bank, dueDate: date, amountCents: cents, campoLivre }));
          expect(isValidBoleto(linha)).toBe(true);
          const refMs = Date.parse(`${date}T00:00:00Z`) + offset * 86_400_000;
          const ref = new Date(refMs);
          const info = getBoletoInfo(linha, {
            referenceDate: new Date(ref.getUTCFullYear(), ref.getUTCMonth(), ref.getUTCDate()),
          });
          expect(info?.amount).toBe(cents);
          const exp = info?.expirationDate;
          expect(
            exp &&
              `${exp.getFullYear()}-${String(exp.getMonth() + 1).padStart(2, '0')}-${String(exp.getDate()).padStart(2, '0')}`,
          ).toBe(date);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('shortfall › brazilian-utils', () => {
  it('shortfall › brazilian-utils › reads a first-cycle fator below 1000 (due 2000-01-01, fator 0816) as no due date', () => {
    const barcode = buildBarcode({
      bankCode: '341',
      dueDate: '2000-01-01',
      amountCents: 100,
      campoLivre: '0'.repeat(25),
    });
    expect(barcode.slice(5, 9)).toBe('0816');
    expect(decodeBoleto(barcode, { today: '2000-01-01' }).dueDate).toBe('2000-01-01');
    expect(getBoletoInfo(barcodeToLinha(barcode), { referenceDate: new Date(2000, 0, 1) })?.expirationDate).toBeNull();
  });

  it('shortfall › brazilian-utils › isValidBoleto rejects a valid 44-digit bank barcode (only the linha is supported)', () => {
    const barcode = VECTORS[3].barcode;
    expect(() => validateBarcode(barcode)).not.toThrow();
    expect(isValidBoleto(barcode)).toBe(false);
  });

  it('shortfall › brazilian-utils › an invalid linha gives null/false with no reason, we name the failing field', () => {
    const broken = '34191090080101527124880212460003425480000675787';
    expect(isValidBoleto(broken)).toBe(false);
    expect(getBoletoInfo(broken, { referenceDate: new Date(2026, 0, 1) })).toBeNull();
    expect(domainError(() => validateLinha(broken)).message).toBe(
      'linha digitável field 3 check digit is 3, expected 2',
    );
  });
});
