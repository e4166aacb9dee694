import type { BankCapability } from '../../contracts/bank';
import type { BankRequestRules } from '../request-rules';

/** What BS2 Cobrança offers (bank-apis.md §1): no Pix/bolecode and no validate-only call in its API. */
export const BS2_CAPABILITIES: ReadonlySet<BankCapability> = new Set<BankCapability>([
  'LOOKUP_BY_SEU_NUMERO',
  'SEARCH',
  'BANK_PDF',
  'CHANGE_DUE_DATE',
  'WEBHOOKS',
  'FINAL_BENEFICIARY',
  'GUARANTOR',
]);

/** The installation's overrides of BS2's unconfirmed request rules (docs/banks/bs2.md). */
export interface Bs2RuleSettings {
  BS2_MIN_AMOUNT_CENTS: number;
  BS2_MAX_AMOUNT_CENTS: number;
  BS2_ALPHANUMERIC_CNPJ: boolean;
}

/**
 * BS2's known refusals (bank-apis.md §1): "Boleto com valor inferior a R$ 5,00" / "superior a R$ 500.000,00" (tag
 * ValorBoleto) are [3P] (a third party's fixture), and alphanumeric CNPJ support is [U] (BS2 documents none):
 * each is overridable. The simulator refuses the same amounts.
 */
export const BS2_REQUEST_DEFAULTS: Readonly<Bs2RuleSettings> = Object.freeze({
  BS2_MIN_AMOUNT_CENTS: 500,
  BS2_MAX_AMOUNT_CENTS: 50_000_000,
  BS2_ALPHANUMERIC_CNPJ: false,
});

export function bs2RequestRules(s: Partial<Bs2RuleSettings> = {}): BankRequestRules {
  const r = { ...BS2_REQUEST_DEFAULTS, ...definedOnly(s) };
  return {
    capabilities: r.BS2_ALPHANUMERIC_CNPJ
      ? new Set<BankCapability>([...BS2_CAPABILITIES, 'ALPHANUMERIC_CNPJ'])
      : BS2_CAPABILITIES,
    minAmountCents: r.BS2_MIN_AMOUNT_CENTS,
    maxAmountCents: r.BS2_MAX_AMOUNT_CENTS,
  };
}

const definedOnly = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
