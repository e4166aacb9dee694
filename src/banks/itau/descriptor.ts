/**
 * Itaú, the pure half of its module (src/banks/descriptor.ts): safe to import from workflow code.
 * On carteira 109 the beneficiary chooses the nosso número; Itaú settles 2 business days after payment (08:00).
 */
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
    managerEmail: itauManagerEmail,
  },
} as const satisfies BankDescriptor;
