/** Each bank's known refusals (its capabilities file), applied bank-neutrally, and the installation's overrides. */
import { describe, expect, it } from 'vitest';
import { requestRuleProblems, requestRulesFor } from '../../src/banks/request-rules';
import { loadConfig } from '../../src/config';
import { cnpjCheckDigits } from '../../src/domain';

const alnumCnpj = `12ABC34501DE${cnpjCheckDigits('12ABC34501DE')}`;
const req = (amountCents: number, document = '52998224725') => ({
  kind: 'BOLETO' as const,
  amountCents,
  payer: { document },
});
const fields = (bank: 'BS2' | 'ITAU', r: ReturnType<typeof req>, s = {}) =>
  requestRuleProblems(requestRulesFor(bank, s), r, bank).map((p) => p.field);

describe('bank request rules', () => {
  it('BS2 › R$ 5,00 to R$ 500.000,00 inclusive pass; one cent outside either end is refused on amountCents', () => {
    expect(fields('BS2', req(500))).toEqual([]);
    expect(fields('BS2', req(50_000_000))).toEqual([]);
    expect(fields('BS2', req(499))).toEqual(['amountCents']);
    expect(fields('BS2', req(50_000_001))).toEqual(['amountCents']);
  });

  it('Itaú › no amount limit known; an alphanumeric CNPJ is refused on payer.document', () => {
    expect(fields('ITAU', req(1))).toEqual([]);
    expect(fields('ITAU', req(1_000, alnumCnpj))).toEqual(['payer.document']);
    expect(fields('BS2', req(1_000, alnumCnpj))).toEqual(['payer.document']);
  });

  it('overrides › from the environment ([U]/[3P] facts) › change what is refused', () => {
    const c = loadConfig({
      BS2_MIN_AMOUNT_CENTS: '100',
      BS2_MAX_AMOUNT_CENTS: '60000000',
      BS2_ALPHANUMERIC_CNPJ: 'true',
      ITAU_ALPHANUMERIC_CNPJ: 'true',
    });
    expect(fields('BS2', req(100, alnumCnpj), c)).toEqual([]);
    expect(fields('BS2', req(99), c)).toEqual(['amountCents']);
    expect(fields('BS2', req(60_000_000), c)).toEqual([]);
    expect(fields('ITAU', req(1_000, alnumCnpj), c)).toEqual([]);
    expect(() => loadConfig({ BS2_MIN_AMOUNT_CENTS: '1000', BS2_MAX_AMOUNT_CENTS: '999' })).toThrow(
      /BS2_MAX_AMOUNT_CENTS/,
    );
  });

  it('reasons › never repeat the payer’s document', () => {
    const [p] = requestRuleProblems(requestRulesFor('ITAU'), req(1_000, alnumCnpj), 'ITAU');
    expect(p!.reason).not.toContain(alnumCnpj);
  });
});

describe('bank request rules › final beneficiary and sacador/avalista', () => {
  const parties = { finalBeneficiary: { document: '11222333000181' }, guarantor: { document: '11444777000161' } };
  it('BS2 › sent (beneficiarioFinal, sacadorAvalista) › nothing refused; an alphanumeric CNPJ in either › refused on its field', () => {
    expect(requestRuleProblems(requestRulesFor('BS2'), { ...req(1_000), ...parties }, 'BS2')).toEqual([]);
    const alnum = { finalBeneficiary: { document: alnumCnpj }, guarantor: { document: alnumCnpj } };
    expect(requestRuleProblems(requestRulesFor('BS2'), { ...req(1_000), ...alnum }, 'BS2').map((p) => p.field)).toEqual(
      ['finalBeneficiary.document', 'guarantor.document'],
    );
  });
  it('an adapter without the capability (Itaú today) › refused on the field, never silently dropped', () => {
    const rules = { capabilities: new Set<never>() };
    expect(requestRuleProblems(rules, { ...req(1_000), ...parties }, 'ITAU').map((p) => p.field)).toEqual([
      'finalBeneficiary',
      'guarantor',
    ]);
  });
});
