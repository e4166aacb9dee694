import type { BankCapability } from '../bank-adapter';

/**
 * What Itaú offers through its APIs (bank-apis.md §2): bolecode, due-date instruction, notifications, a
 * validate-only registration (etapa validacao). Not offered: lookup by seu número (the consulta needs the nosso
 * número, which we choose, so findRegistered still works), a general search, a bank PDF.
 */
export const ITAU_CAPABILITIES: ReadonlySet<BankCapability> = new Set<BankCapability>(['BOLECODE', 'CHANGE_DUE_DATE', 'WEBHOOKS', 'VALIDATE_ONLY']);
