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
  /**
   * Legacy bolecode base (pix_recebimentos_conciliacoes v2): POST /boletos_pix, unwrapped — used when bolecodeApi =
   * 'pix_recebimentos_conciliacoes' (the default). Optional so older configurations keep working: absent = the
   * production URL (ITAU_PRODUCTION_URLS.bolecodeConciliacoes).
   */
  bolecodeConciliacoes?: string;
  /**
   * Pix API base (regulatório Pix v2 [3P S14]; older clients use `https://secure.api.itau/pix_recebimentos/v2` [3P]):
   * `GET /cob/{txid}` reads a bolecode's Pix charge. Optional: absent = no Pix-side lookup (accounts.ts always sets it).
   */
  pix?: string;
  /** Certificado dinâmico: request (temporary token, no client certificate) and renewal (mTLS) endpoints. */
  certificateRequest: string;
  certificateRenewal: string;
}

/** The three bolecode registration endpoints (docs/banks/itau.md, "Bolecode endpoints"). */
export type ItauBolecodeApi = 'pix_recebimentos_conciliacoes' | 'recebimentos_pix' | 'cash_management';

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
  /**
   * Where bolecodes are registered [U] (docs/banks/itau.md): `pix_recebimentos_conciliacoes` v2 `/boletos_pix`
   * (unwrapped; what every public bolecode client found uses: the default), recebimentos-pix v1 `/boletos-pix`
   * (unwrapped, amounts `^\d+\.\d{2}$`) or cash_management v2 `/boletos` with `boleto_pix` (`{data}`).
   */
  bolecodeApi: ItauBolecodeApi;
  /**
   * Amount format sent to cash_management and to pix_recebimentos_conciliacoes: 17-digit implied decimals (their
   * examples and every client found) or "123.45". recebimentos-pix v1 always gets "123.45" (its OpenAPI pattern).
   */
  amountFormat: 'implied' | 'decimal';
  /** PATCH instruction bodies flat (`{data_vencimento}`, Itaú's OpenAPI examples and public clients) or wrapped in `{data}` [U]. */
  instructionBody: 'flat' | 'data';
  /** A 200 on an instruction whose message matches one of these (regex, case-insensitive) awaits the manager's approval [C: "Aguardando aprovação"]. */
  approvalPatterns: string[];
  /** After such a 200: query the consulta this many times, this far apart, for the change before reporting it. */
  approvalQueryAttempts: number;
  approvalQueryDelayMs: number;
  /** Payer text on the way out: Itaú's limits (characters) [C: boletos-pix descriptions; 3P clients truncate the same]. */
  payerTextLimits: { name: number; street: number; district: number; city: number };
  /** Accents in payer text: kept (Itaú's patterns list them) or stripped to ASCII (one public client does) [U]. */
  payerTextAccents: 'keep' | 'strip';
  /** Remove, from payer text, the characters Itaú's bolecode rules refuse (§2.4 list, digits in names) instead of sending them. */
  payerTextSanitize: boolean;
  /**
   * `Baixado` with a payment in the consulta: SETTLED when the payment is by Pix (credited at once: a bolecode paid by
   * Pix shows `Baixada` and never `Creditado`), always SETTLED, or PAID (wait for `Creditado`) [U].
   */
  baixadaWithPayment: 'SETTLED_IF_PIX' | 'SETTLED' | 'PAID';
  /** A payment is by Pix when `descricao_meio_pagamento` / `descricao_canal_pagamento` matches one of these (regex, case-insensitive) [U]. */
  pixPaymentPatterns: string[];
  /**
   * The Pix side of a bolecode: when the consulta still shows it open, read its Pix charge (`GET {pix}/cob/{txid}`);
   * a `CONCLUIDA` charge with a `pix[]` payment is the payment, found before the boleto side shows it.
   */
  pixChargeLookup: boolean;
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
  /**
   * Notification `tipoLiquidacao` → PAID / SETTLED, merged over `DEFAULT_LIQUIDACAO_CODES` (webhook.ts) [U: no Itaú
   * document; "95", "06", LIQUIDADO, PIX seen]. Only labels the event: every notification makes the workflow
   * re-query the consulta, which decides.
   */
  liquidacaoCodes?: Record<string, 'PAID' | 'SETTLED'>;
}

/** Production URLs (bank-apis.md §2.1); hosts marked [U] there are settings (ITAU_*_URL). */
export const ITAU_PRODUCTION_URLS: ItauUrls = {
  token: 'https://sts.itau.com.br/api/oauth/token',
  cashManagement: 'https://api.itau.com.br/cash_management/v2',
  consulta: 'https://secure.api.cloud.itau.com.br/boletoscash/v2',
  boletosV3: 'https://boletos.cloud.itau.com.br/boletos/v3',
  bolecode: 'https://pix-pj.api.itau.com/recebimentos-pix/v1',
  bolecodeConciliacoes: 'https://secure.api.itau/pix_recebimentos_conciliacoes/v2',
  pix: 'https://pix-pj.api.itau.com/regulatorio-pix/v2',
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
    bolecodeConciliacoes: `${a}/pix_recebimentos_conciliacoes/v2`,
    pix: `${a}/regulatorio-pix/v2`,
    certificateRequest: `${pub.replace(/\/+$/, '')}/seguranca/v1/certificado/solicitacao`,
    certificateRenewal: `${a}/seguranca/v1/certificado/renovacao`,
  };
}

export const DEFAULT_APPROVAL_PATTERNS = ['aguardando aprova[cç][aã]o'];
export const DEFAULT_PIX_PAYMENT_PATTERNS = ['\\bpix\\b'];
/** nome 50, logradouro 45, bairro 15, cidade 20 (boletos-pix OpenAPI descriptions; the clients of docs/banks/itau.md truncate the same). */
export const ITAU_PAYER_TEXT_LIMITS = { name: 50, street: 45, district: 15, city: 20 } as const;

export const DEFAULT_DUPLICATE_PATTERNS = [
  'nosso n[uú]mero j[aá] (utilizado|existe|cadastrado)',
  't[ií]tulo j[aá] (registrado|cadastrado)',
  'duplicidade',
];

export function itauAdapterConfig(
  c: Partial<ItauAdapterConfig> & { urls: ItauUrls; agencia: string; conta: string },
): ItauAdapterConfig {
  return {
    carteira: '109',
    timeoutMs: 15_000,
    connectTimeoutMs: 5_000,
    tokenRefreshMarginMs: 60_000,
    bolecodeApi: 'pix_recebimentos_conciliacoes',
    amountFormat: 'implied',
    instructionBody: 'flat',
    approvalPatterns: DEFAULT_APPROVAL_PATTERNS,
    approvalQueryAttempts: 3,
    approvalQueryDelayMs: 1_000,
    payerTextLimits: ITAU_PAYER_TEXT_LIMITS,
    payerTextAccents: 'keep',
    payerTextSanitize: true,
    baixadaWithPayment: 'SETTLED_IF_PIX',
    pixPaymentPatterns: DEFAULT_PIX_PAYMENT_PATTERNS,
    pixChargeLookup: true,
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
