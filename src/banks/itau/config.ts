/**
 * One Itaú account's connection settings and credentials. Credentials come from the account's onboarding data
 * (until issue 9: src/banks/accounts.ts from the environment or the embedded simulator's PKI folder), never from
 * code. Every [U] fact of bank-apis.md §2 the adapter depends on is a field here (docs/banks/itau.md).
 */
import { parseItauIdBeneficiario } from '../../domain';

/** What authenticates the account: client_credentials over mTLS with the Itaú-issued certificate. */
export interface ItauCredentials {
  /** client_id (= x-itau-apikey), a UUID. */
  clientId: string;
  clientSecret: string;
  /** Client certificate and private key (PEM): the certificado dinâmico. */
  certPem: string;
  keyPem: string;
  /** CA bundle for Itaú's servers (PEM); default: Node's bundled roots. */
  caPem?: string;
}

export interface ItauUrls {
  /** STS token endpoint (per API [U]; cash_management's OpenAPI: https://sts.itau.com.br/api/oauth/token). */
  token: string;
  /** cash_management v2 base: POST/GET /boletos, PATCH /boletos/{id_boleto}/{instrução}. */
  cashManagement: string;
  /** Consulta detalhe (boletoscash v2) base: GET /boletos?id_beneficiario&codigo_carteira&nosso_numero. */
  consulta: string;
  /** Boletos v3 base: /notificacoes_boletos. */
  boletosV3: string;
  /** "Boleto com Pix" base (recebimentos-pix v1): POST /boletos-pix, unwrapped — used when bolecodeApi = 'recebimentos_pix'. */
  bolecode: string;
  /** Certificado dinâmico: request (temporary token, no client certificate) and renewal (mTLS) endpoints. */
  certificateRequest: string;
  certificateRenewal: string;
}

export interface ItauAdapterConfig {
  urls: ItauUrls;
  /** Beneficiary account: agência (4), conta (5), DAC — id_beneficiario = agência + "00" + conta + DAC. */
  agencia: string;
  conta: string;
  carteira: string;
  /** The beneficiary's Pix key (DICT) for bolecodes; a request's own pixKey wins. */
  pixKey?: string;
  timeoutMs: number;
  connectTimeoutMs: number;
  /** Refresh the 300 s access token this long before it expires. */
  tokenRefreshMarginMs: number;
  /** Where bolecodes are registered: cash_management `boleto_pix` (the path) or recebimentos-pix v1 [U §5.4]. */
  bolecodeApi: 'cash_management' | 'recebimentos_pix';
  /** Amount format sent: 17-digit implied decimals (cash_management examples) or "123.45" [C: both documented]. */
  amountFormat: 'implied' | 'decimal';
  /** The 202 "operação em andamento" path: query by nosso número this many times, this far apart, before giving up (outcome unknown). */
  pendingQueryAttempts: number;
  pendingQueryDelayMs: number;
  /** Bolecode txid nosso-número width [U: 15 (description) vs regex 17]. */
  txidNossoNumeroWidth: number;
  /** Itaú messages (regex, case-insensitive) meaning "this nosso número is already in use" on registration [U]. */
  duplicatePatterns: string[];
  /** Extra `situacao_geral_boleto` spellings → our status (normalised key: no accents, lower case, masculine) [U]. */
  situacaoOverrides: Record<string, 'OPEN' | 'PAID' | 'SETTLED' | 'CANCELLED'>;
  /** Renewal needs `x-itau-force-cert: true` (the v2 path seen in some clients) [U]. */
  renewalForceCertHeader: boolean;
  /** Renew the certificate from this many days before its expiry [3P: 30]. */
  renewalWindowDays: number;
}

/** Production URLs (bank-apis.md §2.1); hosts marked [U] there are settings (ITAU_*_URL). */
export const ITAU_PRODUCTION_URLS: ItauUrls = {
  token: 'https://sts.itau.com.br/api/oauth/token',
  cashManagement: 'https://api.itau.com.br/cash_management/v2',
  consulta: 'https://secure.api.cloud.itau.com.br/boletoscash/v2',
  boletosV3: 'https://boletos.cloud.itau.com.br/boletos/v3',
  bolecode: 'https://pix-pj.api.itau.com/recebimentos-pix/v1',
  certificateRequest: 'https://sts.itau.com.br/seguranca/v1/certificado/solicitacao',
  certificateRenewal: 'https://sts.itau.com.br/seguranca/v1/certificado/renovacao',
};

/** The simulator's URLs: `api` is its mTLS listener, `pub` its TLS-only one (src/simulators/itau/server.ts). */
export function itauSimulatorUrls(api: string, pub: string): ItauUrls {
  const a = api.replace(/\/+$/, '');
  return {
    token: `${a}/api/oauth/token`,
    cashManagement: `${a}/cash_management/v2`,
    consulta: `${a}/boletoscash/v2`,
    boletosV3: `${a}/boletos/v3`,
    bolecode: `${a}/recebimentos-pix/v1`,
    certificateRequest: `${pub.replace(/\/+$/, '')}/seguranca/v1/certificado/solicitacao`,
    certificateRenewal: `${a}/seguranca/v1/certificado/renovacao`,
  };
}

export const DEFAULT_DUPLICATE_PATTERNS = ['nosso n[uú]mero j[aá] (utilizado|existe|cadastrado)', 't[ií]tulo j[aá] (registrado|cadastrado)', 'duplicidade'];

export function itauAdapterConfig(c: Partial<ItauAdapterConfig> & { urls: ItauUrls; agencia: string; conta: string }): ItauAdapterConfig {
  return {
    carteira: '109',
    timeoutMs: 15_000,
    connectTimeoutMs: 5_000,
    tokenRefreshMarginMs: 60_000,
    bolecodeApi: 'cash_management',
    amountFormat: 'implied',
    pendingQueryAttempts: 5,
    pendingQueryDelayMs: 1_000,
    txidNossoNumeroWidth: 15,
    duplicatePatterns: DEFAULT_DUPLICATE_PATTERNS,
    situacaoOverrides: {},
    renewalForceCertHeader: false,
    renewalWindowDays: 30,
    ...c,
  };
}

/** agência / conta from a 12-digit id_beneficiario (DAC verified). */
export function accountFromIdBeneficiario(id: string): { agencia: string; conta: string } {
  const p = parseItauIdBeneficiario(id);
  return { agencia: p.agencia, conta: p.conta };
}
