import type { BankCapability } from '../../contracts/bank';
import type { BankRequestRules } from '../request-rules';

/**
 * What the Sicoob adapter offers through Cobrança Bancária v3 (docs/banks/sicoob.md): bolecode (`codigoCadastrarPIX`
 * 1), the bank's PDF (segunda via, base64), due-date extension (PATCH `prorrogacaoVencimento`) and payment
 * notifications (webhooks, movement type 7). Not offered: lookup by seu número (the consulta takes the nosso número,
 * which we choose, so findRegistered still works), a general search (only a list by payer: `search` answers that
 * filter alone), a validation-only registration.
 */
export const SICOOB_CAPABILITIES: ReadonlySet<BankCapability> = new Set<BankCapability>([
  'BOLECODE',
  'BANK_PDF',
  'CHANGE_DUE_DATE',
  'WEBHOOKS',
]);

/** The installation's overrides of Sicoob's unconfirmed request rules (docs/banks/sicoob.md). */
export interface SicoobRuleSettings {
  SICOOB_ALPHANUMERIC_CNPJ: boolean;
}

/**
 * Sicoob's known refusals: none documented for amounts; `numeroCpfCnpj` is a plain string in its OpenAPI, but whether
 * an alphanumeric CNPJ is accepted is [U], so it is refused until an installation says otherwise.
 */
export function sicoobRequestRules(s: Partial<SicoobRuleSettings> = {}): BankRequestRules {
  return {
    capabilities: s.SICOOB_ALPHANUMERIC_CNPJ
      ? new Set<BankCapability>([...SICOOB_CAPABILITIES, 'ALPHANUMERIC_CNPJ'])
      : SICOOB_CAPABILITIES,
  };
}
