/**
 * BS2's manager e-mail (seeds/004): the application credentials are created by the client in BS2 Empresas > API
 * Banking (no e-mail needed for them), but the Cobrança product and the boleto webhook are enabled by BS2's team on
 * request: the e-mail asks for both and gives the webhook URL and the Authorization value BS2 must send. Pure (no I/O).
 */
import type { ManagerEmailExtras } from '../descriptor';
import type { AccountData, ManagerEmail } from '../../contracts/onboarding';
import { companyLines, managerEmailOf, representativeLines, technicalLines } from '../../onboarding/manager-email';

export const BS2_PRODUCT = 'BS2 Cobrança (API)';

export function bs2ManagerEmail(d: AccountData, extras: ManagerEmailExtras = {}): ManagerEmail {
  return managerEmailOf(d, extras, 'Solicitação de liberação da API de Cobrança e cadastro de webhook – BS2', [
    'Estamos integrando a nossa conta BS2 ao sistema de cobranças do nosso financeiro, por meio da API de Cobrança do BS2 (API Banking), com integração realizada via boletoflow.',
    '',
    'Para dar continuidade, precisamos:',
    '1. da liberação do produto Cobrança (emissão de boletos via API) para a conta abaixo;',
    '2. do cadastro do webhook de boletos desta conta, com os dados abaixo.',
    '',
    ...companyLines(d),
    ...representativeLines(d),
    'Webhook de boletos',
    `- URL: ${extras.webhook?.url ?? '(a informar)'}`,
    `- Autenticação: enviar o cabeçalho Authorization com o valor: ${extras.webhook?.authorization ?? '(a informar)'}`,
    ...technicalLines(d),
    '',
    'A aplicação da API (API key, secret, escopo e refresh token) será criada por nós na plataforma BS2 Empresas, em API Banking, com a funcionalidade de Cobrança.',
    '',
    'Fico à disposição para qualquer informação adicional.',
  ]);
}
