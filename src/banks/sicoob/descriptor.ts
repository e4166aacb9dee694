/**
 * Sicoob, the pure half of its module (src/banks/descriptor.ts): safe to import from workflow code.
 * We choose the nosso número (from the contract's `faixas-nosso-numero` range, with its DV: a lost answer is found
 * again by it); the liquidação follows the baixa operacional the next business day, early morning [U]
 * (docs/banks/sicoob.md).
 */
import { SICOOB_BANK_CODE } from '../../domain/banks/sicoob';
import type { BankDescriptor } from '../descriptor';
import { SICOOB_CAPABILITIES, sicoobRequestRules } from './capabilities';
import { SICOOB_PRODUCT, sicoobManagerEmail } from './manager-email';

export const SICOOB_DESCRIPTOR = {
  code: 'SICOOB',
  number: SICOOB_BANK_CODE,
  name: 'Sicoob',
  capabilities: SICOOB_CAPABILITIES,
  choosesNossoNumero: true,
  settlement: { hour: 5, businessDays: 1 },
  requestRules: sicoobRequestRules,
  onboarding: {
    product: SICOOB_PRODUCT,
    credentialKinds: ['SICOOB'],
    wrongCredentials: 'a Sicoob account takes kind SICOOB credentials (clientId + the certificate registered for it)',
    accountDataIssues: sicoobAccountDataIssues,
    managerEmail: sicoobManagerEmail,
  },
} as const satisfies BankDescriptor;

/**
 * A Sicoob account: the cooperativa (4 digits) as agency, the conta corrente the boletos are credited to as account +
 * digit, sent together as `numeroContaCorrente` (an int32 [C S1]: 8 digits + the digit always fit). The código do
 * cliente (`numeroCliente`) is not account data: the cooperative confirms it, CS enters it as the convênio number.
 */
function sicoobAccountDataIssues(d: { agency: string; account: string; accountDigit: string }) {
  const out: { field: string; message: string }[] = [];
  if (!/^\d{4}$/.test(d.agency)) out.push({ field: 'agency', message: 'a Sicoob cooperativa has 4 digits' });
  if (!/^\d{1,8}$/.test(d.account))
    out.push({ field: 'account', message: 'the Sicoob conta corrente without its digit (up to 8 digits)' });
  if (!/^\d$/.test(d.accountDigit))
    out.push({ field: 'accountDigit', message: 'the digit of the Sicoob conta corrente (0 to 9)' });
  return out;
}
