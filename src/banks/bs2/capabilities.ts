import type { BankCapability } from '../bank-adapter';

/** What BS2 Cobrança offers (bank-apis.md §1): no Pix/bolecode and no validate-only call in its API. */
export const BS2_CAPABILITIES: ReadonlySet<BankCapability> = new Set<BankCapability>(['LOOKUP_BY_SEU_NUMERO', 'SEARCH', 'BANK_PDF', 'CHANGE_DUE_DATE', 'WEBHOOKS']);
