/**
 * Sicoob's request to the cooperative (PT-BR): the client creates the app in the Sicoob developer portal itself
 * (client_id + the certificate it uploads there); the cooperative must release the Cobrança Bancária API for the
 * contract and tell us the `numeroCliente` and modalidade, and the range of nossos números the client may use. Pure.
 */
import type { ManagerEmailExtras } from '../descriptor';
import type { AccountData, ManagerEmail } from '../../contracts/onboarding';
import { companyLines, managerEmailOf, representativeLines, technicalLines } from '../../onboarding/manager-email';

export const SICOOB_PRODUCT = 'Sicoob Cobrança Bancária (API v3)';

export function sicoobManagerEmail(d: AccountData, extras: ManagerEmailExtras = {}): ManagerEmail {
  return managerEmailOf(d, extras, 'Solicitação de liberação da API de Cobrança Bancária – Sicoob', [
    'Estamos integrando a nossa conta na cooperativa ao sistema de cobranças do nosso financeiro, por meio da API Cobrança Bancária v3 do Sicoob, com integração realizada via boletoflow.',
    '',
    'Para dar continuidade, solicitamos:',
    '1. a liberação da API Cobrança Bancária (emissão, consulta, alteração e baixa de boletos, webhooks) para o contrato de cobrança da conta abaixo;',
    '2. a confirmação do número do cliente (numeroCliente, contrato do beneficiário no Sisbr) e da modalidade de cobrança (simples com registro);',
    '3. a faixa de nosso número que podemos utilizar e se o dígito verificador deve ser calculado por nós;',
    '4. a habilitação do boleto híbrido (boleto com QR Code Pix), se disponível para o contrato.',
    '',
    ...companyLines(d),
    ...representativeLines(d),
    ...technicalLines(d, [
      '- O aplicativo será cadastrado por nós no Portal do Desenvolvedor Sicoob, com o certificado digital da empresa (mTLS).',
    ]),
    '',
    'Fico à disposição para qualquer informação adicional.',
  ]);
}
