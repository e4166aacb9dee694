/**
 * The accounts this installation's environment configures, one bank module at a time (each bank reads its own
 * variables: real credentials, or its simulator's default when the supervisor injected one, src/banks/simulated.ts).
 */
import { BANKS, type BankAccount, type BankSettings, bankModule } from '.';
import type { BankCode } from '../contracts/bank';

export type { BankAccount, BankSettings };

/** Every configured account, bank by bank in the registry's order. */
export function accountsFromSettings(s: BankSettings, version = '0'): BankAccount[] {
  return (Object.keys(BANKS) as BankCode[]).flatMap(
    (bank) => bankModule(bank).accountsFromSettings(s, version) as BankAccount[],
  );
}
