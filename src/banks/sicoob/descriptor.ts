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
    accountDataIssues: (d) =>
      /^\d{4}$/.test(d.agency) ? [] : [{ field: 'agency', message: 'a Sicoob cooperativa has 4 digits' }],
    managerEmail: sicoobManagerEmail,
  },
} as const satisfies BankDescriptor;
