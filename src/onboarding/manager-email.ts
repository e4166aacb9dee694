/**
 * What every bank's manager e-mail shares (each bank's template lives in its folder, src/banks/<bank>/manager-email.ts,
 * and is reached through its descriptor): the CNPJ mask and the copy list. Pure (no I/O): the onboarding workflow
 * builds the e-mail in its state.
 */
import type { ManagerEmailExtras } from '../banks/descriptor';
import type { AccountData, ManagerEmail } from '../contracts/onboarding';

export type EmailExtras = ManagerEmailExtras;

export const formatCnpj = (c: string) =>
  c.length === 14 ? `${c.slice(0, 2)}.${c.slice(2, 5)}.${c.slice(5, 8)}/${c.slice(8, 12)}-${c.slice(12)}` : c;

/** CS, and our support address when set, copied on the e-mail. */
function emailCc(d: AccountData, extras: ManagerEmailExtras): string[] {
  return [...new Set([d.csContact.email, ...(extras.supportEmail ? [extras.supportEmail] : [])])];
}

/** The company's block (`more`: the bank's extra lines, e.g. an operator code). */
export const companyLines = (d: AccountData, more: string[] = []): string[] => [
  'Dados da empresa',
  `- Razão social: ${d.company.legalName}`,
  `- CNPJ: ${formatCnpj(d.company.cnpj)}`,
  `- Agência: ${d.agency}`,
  `- Conta: ${d.account}-${d.accountDigit}`,
  ...more,
];

export const representativeLines = (d: AccountData): string[] => [
  'Dados do representante legal',
  `- Nome: ${d.legalRepresentative.name}`,
  `- Telefone: ${d.legalRepresentative.phone}`,
  `- E-mail: ${d.legalRepresentative.email}`,
];

/** The technical contact's block (`more`: the bank's extra lines). */
export const technicalLines = (d: AccountData, more: string[] = []): string[] => [
  'Dados técnicos para integração',
  `- Nome do técnico: ${d.csContact.name}`,
  `- Telefone: ${d.csContact.phone}`,
  `- E-mail: ${d.csContact.email}`,
  ...more,
];

/** The e-mail: to the manager (when known), CS and support copied, the body signed by the legal representative. */
export function managerEmailOf(
  d: AccountData,
  extras: ManagerEmailExtras,
  subject: string,
  lines: string[],
  attachments: ManagerEmail['attachments'] = [],
): ManagerEmail {
  const body = [
    `Olá, ${d.manager.name}. Tudo bem?`,
    '',
    ...lines,
    'Desde já, agradeço o apoio.',
    '',
    d.legalRepresentative.name,
    d.company.legalName,
  ].join('\n');
  return { ...(d.manager.email ? { to: d.manager.email } : {}), cc: emailCc(d, extras), subject, body, attachments };
}
