import type { BankCapability } from '../../contracts/bank';
import type { BankRequestRules } from '../request-rules';

/**
 * What Itaú offers through its APIs (bank-apis.md §2): bolecode, due-date instruction, notifications, a
 * validate-only registration (etapa validacao). Not offered: lookup by seu número (the consulta needs the nosso
 * número, which we choose, so findRegistered still works), a general search, a bank PDF.
 */
export const ITAU_CAPABILITIES: ReadonlySet<BankCapability> = new Set<BankCapability>([
  'BOLECODE',
  'CHANGE_DUE_DATE',
  'WEBHOOKS',
  'VALIDATE_ONLY',
]);

/** The installation's overrides of Itaú's unconfirmed request rules (docs/banks/itau.md). */
export interface ItauRuleSettings {
  ITAU_ALPHANUMERIC_CNPJ: boolean;
}

/**
 * Itaú's known refusals: its boletos-pix OpenAPI documents CNPJ as `^\d{14}$` (bank-apis.md §3.5), so an
 * alphanumeric CNPJ is refused until Itaú says otherwise ([U], overridable). No amount limits are documented.
 */
export function itauRequestRules(s: Partial<ItauRuleSettings> = {}): BankRequestRules {
  return {
    capabilities: s.ITAU_ALPHANUMERIC_CNPJ
      ? new Set<BankCapability>([...ITAU_CAPABILITIES, 'ALPHANUMERIC_CNPJ'])
      : ITAU_CAPABILITIES,
  };
}
