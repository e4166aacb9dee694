/**
 * The pure descriptors of every bank, by code: what workflow code and the core read instead of naming a bank
 * (src/banks/descriptor.ts). A bank missing here is a compile error. The runtime modules are listed in ./index.ts.
 */
import type { BankCode } from '../contracts/bank';
import type { BankDescriptor } from './descriptor';
import { BS2_DESCRIPTOR } from './bs2/descriptor';
import { ITAU_DESCRIPTOR } from './itau/descriptor';
import { SICOOB_DESCRIPTOR } from './sicoob/descriptor';

export const BANK_DESCRIPTORS = {
  BS2: BS2_DESCRIPTOR,
  ITAU: ITAU_DESCRIPTOR,
  SICOOB: SICOOB_DESCRIPTOR,
} as const satisfies Record<BankCode, BankDescriptor>;

/** Every bank code, in the registry's order (API enums, loops). */
export const BANK_CODES = Object.keys(BANK_DESCRIPTORS) as [BankCode, ...BankCode[]];

/** The bank's descriptor, typed as the general shape (for code that must not depend on one bank's literals). */
export const bankDescriptor = (bank: BankCode): BankDescriptor => BANK_DESCRIPTORS[bank];

/** FEBRABAN bank number as printed on the boleto. */
export const bankNumber = (bank: BankCode): string => BANK_DESCRIPTORS[bank].number;
