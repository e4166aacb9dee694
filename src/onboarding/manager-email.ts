/**
 * What every bank's manager e-mail shares (each bank's template lives in its folder, src/banks/<bank>/manager-email.ts,
 * and is reached through its descriptor): the CNPJ mask and the copy list. Pure (no I/O): the onboarding workflow
 * builds the e-mail in its state.
 */
import type { ManagerEmailExtras } from '../banks/descriptor';
import type { AccountData } from '../contracts/onboarding';

export type EmailExtras = ManagerEmailExtras;

export const formatCnpj = (c: string) => (c.length === 14 ? `${c.slice(0, 2)}.${c.slice(2, 5)}.${c.slice(5, 8)}/${c.slice(8, 12)}-${c.slice(12)}` : c);

/** CS, and our support address when set, copied on the e-mail. */
export function emailCc(d: AccountData, extras: ManagerEmailExtras): string[] {
  return [...new Set([d.csContact.email, ...(extras.supportEmail ? [extras.supportEmail] : [])])];
}
