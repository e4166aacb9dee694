/**
 * Banco BS2, the pure half of its module (src/banks/descriptor.ts): safe to import from workflow code.
 * BS2 assigns the nosso número and settles up to 3 business days after payment, early morning (07:00).
 */
import { BS2_BANK_CODE } from '../../domain/banks/bs2';
import type { BankDescriptor } from '../descriptor';
import { BS2_CAPABILITIES, bs2RequestRules } from './capabilities';
import { BS2_PRODUCT, bs2ManagerEmail } from './manager-email';

export const BS2_DESCRIPTOR = {
  code: 'BS2',
  number: BS2_BANK_CODE,
  name: 'Banco BS2',
  capabilities: BS2_CAPABILITIES,
  choosesNossoNumero: false,
  settlement: { hour: 7, businessDays: 3 },
  requestRules: bs2RequestRules,
  onboarding: {
    product: BS2_PRODUCT,
    credentialKinds: ['BS2'],
    wrongCredentials: 'a BS2 account takes kind BS2 credentials (apiKey, apiSecret, scope, refreshToken)',
    accountDataIssues: () => [],
    managerEmail: bs2ManagerEmail,
  },
} as const satisfies BankDescriptor;
