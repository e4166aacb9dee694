/**
 * Every bank boletoflow speaks to, by code: the one place banks are enumerated (their pure descriptors, for
 * workflow code, are listed in ./descriptors.ts). Adding a bank: its folder under src/banks/<bank>/ exporting its
 * module, one line here and one in ./descriptors.ts (docs/adding-a-bank.md).
 */
import type { BankCode } from '../contracts/bank';
import { BS2_MODULE } from './bs2';
import { ITAU_MODULE } from './itau';
import { SICOOB_MODULE } from './sicoob';
import type { BankAccountBase, BankModule } from './module';

export const BANKS = {
  BS2: BS2_MODULE,
  ITAU: ITAU_MODULE,
  SICOOB: SICOOB_MODULE,
} satisfies { [K in BankCode]: { readonly descriptor: { readonly code: K } } };
// Each module `satisfies BankModule<ItsAccount, ItsSettings>` in its own folder; here the key must be its code.

type Modules = typeof BANKS;

/** Any bank's account (the union of what each module makes). */
export type BankAccount = ReturnType<Modules[BankCode]['accountFromOnboarded']>;

type Intersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** Every bank's settings (each module reads its own variables from the one Config). */
export type BankSettings = Intersection<Parameters<Modules[BankCode]['accountsFromSettings']>[0]>;

/**
 * The bank's module, typed as the general shape: callers pass the account of that bank (its `bank` chose the
 * module), which the union types cannot prove.
 */
export const bankModule = (bank: BankCode): BankModule<BankAccountBase, BankSettings> => BANKS[bank];
