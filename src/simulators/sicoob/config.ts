/**
 * Everything the Sicoob simulator does that Sicoob's OpenAPI does not say ([U]) or that only third parties show
 * ([3P]) is a setting here, with the observed or most plausible value as default. docs/banks/sicoob.md lists each.
 */
import { DEFAULT_WEBHOOK_POLICY, type WebhookPolicy } from '../shared/webhooks';

/** The embedded default app's client_id (a UUID, as Sicoob's). Its certificate (CN = client_id) is made at first start. */
export const SICOOB_SIM_DEFAULT_CLIENT_ID = '00000000-0000-4000-8000-000000000756';

/** The simulator's test CA (its PKI helpers are Itaú's). */
export const SICOOB_SIM_CA_NAME = { ca: 'boletoflow Sicoob simulator test CA' };

export const SICOOB_SIM_PATHS = {
  /** auth.openapi.yaml `paths` (server https://auth.sicoob.com.br). */
  token: '/auth/realms/cooperado/protocol/openid-connect/token',
  /** cobranca-v3.openapi.yaml `servers[0]` path. */
  api: '/cobranca-bancaria/v3',
} as const;

export type SicoobScope =
  | 'boletos_inclusao'
  | 'boletos_consulta'
  | 'boletos_alteracao'
  | 'webhooks_inclusao'
  | 'webhooks_consulta'
  | 'webhooks_alteracao';

export interface SicoobSimBeneficiary {
  /** Cooperativa (agência), 4 digits. */
  cooperativa: string;
  /** Código do cliente with its DV as it goes into the campo livre (7 digits) [U: its relation to numeroCliente]. */
  codigoCliente: string;
  /** `numeroCliente` of the API ("número que identifica o contrato do beneficiário no Sisbr"). */
  numeroCliente: number;
  /** `numeroContaCorrente` (0 in requests = the contract's account [U]). */
  numeroContaCorrente: number;
  nome: string;
  document: string;
  city: string;
}

export interface SicoobSimConfig {
  beneficiary: SicoobSimBeneficiary;
  /** `codigoModalidade` accepted (1 SIMPLES COM REGISTRO; the document also lists 3, 4, 5, 8). */
  modalidades: number[];
  /** Access token lifetime [U: the auth document has `expires_in` but no value; 300 s]. */
  accessTokenTtlSeconds: number;
  /** Scopes the realm grants and each operation needs [3P: public clients ask for these six; the document's oauth2 block lists cco_* only]. */
  enforceScopes: boolean;
  /** Every API call must carry the `client_id` header [3P: public clients send it; the document does not declare it]. */
  requireClientIdHeader: boolean;
  /** The nosso-número range the bank hands out (`faixas-nosso-numero`) and its DV flag [U values]. */
  faixa: { numeroInicial: number; numeroFinal: number; validaDigitoVerificadorNossoNumero: boolean };
  /** `GET /boletos` (and segunda via) of a boleto the bank does not know: 204 (listed by the document) or 400 [U]. */
  unknownBoleto: 204 | 400;
  /** Movimentações: `dataFinal − dataInicial` at most this many days ["limitadas em um período máximo de 2 dias"]. */
  movementMaxDays: number;
  /** Seconds between `POST /boletos/movimentacoes` and the files being ready [U]; before that the GET answers `movementPendingStatus`. */
  movementProcessingSeconds: number;
  /** What `GET /boletos/movimentacoes` answers while the request is processed [U]: 204 (no content yet) or 400. */
  movementPendingStatus: 204 | 400;
  /** Records per file (`quantidadeRegistrosArquivo`: 500 000 in the document's example). */
  movementRecordsPerFile: number;
  /** Liquidação after the baixa operacional: business days later, at this hour [U]. */
  settlementBusinessDays: number;
  settlementHour: number;
  /** Write-off of an unpaid boleto without `dataLimitePagamento`: this many days after the due date [U]. */
  defaultWriteOffDays: number;
  unavailableFirstN: number;
  /** Scenario PIX_PAID: minutes after registration. */
  pixPaymentAfterMinutes: number;
  /** Host/path of the bolecode's Pix location (Sicoob's example: pix.sicoob.com.br/qr/payload/v2/cobv/<uuid>). */
  pixLocationHost: string;
  /**
   * A new or changed webhook URL is validated by a notification with `validacaoWebhook` true before it is `2 -
   * Validado com sucesso` [U: the mechanism is not documented; the situations and the flag are]. Payment
   * notifications go to validated webhooks only [U].
   */
  webhookValidation: boolean;
  /** Delivery-log page size of `GET /webhooks/{id}/solicitacoes` [U]. */
  solicitacoesPageSize: number;
  webhookPolicy: WebhookPolicy;
  /** Highest TLS version of the mTLS listener [U]. */
  tlsMaxVersion: 'TLSv1.2' | 'TLSv1.3';
}

export function sicoobSimConfig(overrides: Partial<SicoobSimConfig> = {}): SicoobSimConfig {
  return {
    beneficiary: {
      cooperativa: '4327',
      codigoCliente: '0229385',
      numeroCliente: 229385,
      numeroContaCorrente: 417270,
      nome: 'Empresa Simulada Ltda',
      document: '11222333000181',
      city: 'BRASILIA',
    },
    modalidades: [1],
    accessTokenTtlSeconds: 300,
    enforceScopes: true,
    requireClientIdHeader: true,
    faixa: { numeroInicial: 1, numeroFinal: 999_999, validaDigitoVerificadorNossoNumero: true },
    unknownBoleto: 204,
    movementMaxDays: 2,
    movementProcessingSeconds: 60,
    movementPendingStatus: 204,
    movementRecordsPerFile: 500_000,
    settlementBusinessDays: 1,
    settlementHour: 5,
    defaultWriteOffDays: 60,
    unavailableFirstN: 2,
    pixPaymentAfterMinutes: 60,
    pixLocationHost: 'pix.sicoob.sim/qr/payload/v2/cobv',
    webhookValidation: true,
    solicitacoesPageSize: 100,
    webhookPolicy: DEFAULT_WEBHOOK_POLICY,
    tlsMaxVersion: 'TLSv1.2',
    ...overrides,
  };
}
