/**
 * BS2's manager e-mail (seeds/004): the application credentials are created by the client in BS2 Empresas > API
 * Banking (no e-mail needed for them), but the Cobrança product and the boleto webhook are enabled by BS2's team on
 * request: the e-mail asks for both and gives the webhook URL and the Authorization value BS2 must send. Pure (no I/O).
 */
import type { ManagerEmailExtras } from '../descriptor';
import type { AccountData, ManagerEmail } from '../../contracts/onboarding';
import { emailCc, formatCnpj } from '../../onboarding/manager-email';

export const BS2_PRODUCT = 'BS2 Cobrança (API)';

export function bs2ManagerEmail(d: AccountData, extras: ManagerEmailExtras = {}): ManagerEmail {
  const body = [
    `Olá, ${d.manager.name}. Tudo bem?`,
    '',
    'Estamos integrando a nossa conta BS2 ao sistema de cobranças do nosso financeiro, por meio da API de Cobrança do BS2 (API Banking), com integração realizada via boletoflow.',
    '',
    'Para dar continuidade, precisamos:',
    '1. da liberação do produto Cobrança (emissão de boletos via API) para a conta abaixo;',
    '2. do cadastro do webhook de boletos desta conta, com os dados abaixo.',
    '',
    'Dados da empresa',
    `- Razão social: ${d.company.legalName}`,
    `- CNPJ: ${formatCnpj(d.company.cnpj)}`,
    `- Agência: ${d.agency}`,
    `- Conta: ${d.account}-${d.accountDigit}`,
    'Dados do representante legal',
    `- Nome: ${d.legalRepresentative.name}`,
    `- Telefone: ${d.legalRepresentative.phone}`,
    `- E-mail: ${d.legalRepresentative.email}`,
    'Webhook de boletos',
    `- URL: ${extras.webhook?.url ?? '(a informar)'}`,
    `- Autenticação: enviar o cabeçalho Authorization com o valor: ${extras.webhook?.authorization ?? '(a informar)'}`,
    'Dados técnicos para integração',
    `- Nome do técnico: ${d.csContact.name}`,
    `- Telefone: ${d.csContact.phone}`,
    `- E-mail: ${d.csContact.email}`,
    '',
    'A aplicação da API (API key, secret, escopo e refresh token) será criada por nós na plataforma BS2 Empresas, em API Banking, com a funcionalidade de Cobrança.',
    '',
    'Fico à disposição para qualquer informação adicional.',
    'Desde já, agradeço o apoio.',
    '',
    d.legalRepresentative.name,
    d.company.legalName,
  ].join('\n');
  return {
    ...(d.manager.email ? { to: d.manager.email } : {}),
    cc: emailCc(d, extras),
    subject: 'Solicitação de liberação da API de Cobrança e cadastro de webhook – BS2',
    body,
    attachments: [],
  };
}
