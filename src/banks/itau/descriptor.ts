/**
 * Itaú, the pure half of its module (src/banks/descriptor.ts): safe to import from workflow code.
 * On carteira 109 the beneficiary chooses the nosso número; Itaú settles 2 business days after payment (08:00).
 */
import { mod10 } from '../../domain/check-digits';
import { ITAU_BANK_CODE } from '../../domain/banks/itau';
import type { BankDescriptor } from '../descriptor';
import { ITAU_CAPABILITIES, itauRequestRules } from './capabilities';
import { ITAU_PRODUCT, itauManagerEmail } from './manager-email';

export const ITAU_DESCRIPTOR = {
  code: 'ITAU',
  number: ITAU_BANK_CODE,
  name: 'Itaú',
  capabilities: ITAU_CAPABILITIES,
  choosesNossoNumero: true,
  settlement: { hour: 8, businessDays: 2 },
  requestRules: itauRequestRules,
  onboarding: {
    product: ITAU_PRODUCT,
    credentialKinds: ['ITAU_DYNAMIC', 'ITAU_CERTIFICATE'],
    wrongCredentials: 'an Itaú account takes kind ITAU_DYNAMIC (clientId + temporaryToken) or ITAU_CERTIFICATE',
    accountDataIssues: itauAccountDataIssues,
    managerEmail: itauManagerEmail,
  },
} as const satisfies BankDescriptor;

/** An Itaú account: 5 digits, its DAC checked (agency + account, mod 10), and the Itaú Empresas operator code. */
function itauAccountDataIssues(d: {
  agency: string;
  account: string;
  accountDigit: string;
  operatorCode?: string | undefined;
}): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  if (!/^\d{5}$/.test(d.account)) out.push({ field: 'account', message: 'an Itaú account number has 5 digits' });
  else if (/^\d{4}$/.test(d.agency)) {
    const dac = mod10(d.agency + d.account);
    if (d.accountDigit !== String(dac))
      out.push({
        field: 'accountDigit',
        message: `is ${d.accountDigit}, but the DAC of agency ${d.agency} and account ${d.account} is ${dac}`,
      });
  }
  if (!d.operatorCode)
    out.push({ field: 'operatorCode', message: 'is required for Itaú (Itaú Empresas > Operadores e Perfis)' });
  return out;
}
