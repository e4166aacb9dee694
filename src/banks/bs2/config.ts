/**
 * One BS2 account's connection settings. Credentials come from the account's onboarding data (until issue 9:
 * src/banks/accounts.ts from the environment), never from code. Every [U] fact of bank-apis.md §1 that the
 * adapter depends on is a field here (see docs/banks/bs2.md).
 */
export interface Bs2Credentials {
  apiKey: string;
  apiSecret: string;
  scope: string;
  /** The refresh token shown in BS2 Empresas when the app was created; used once, then the keeper owns it. */
  initialRefreshToken: string;
}

export interface Bs2AdapterConfig {
  /** https://api.bs2.com (PRD), https://apihmz.bancobonsucesso.com.br (HML), or a simulator. */
  baseUrl: string;
  /** Production requires BS2's per-client code in the User-Agent [C]. */
  userAgent: string;
  /** Per-request timeout (headers and body each), ms. */
  timeoutMs: number;
  connectTimeoutMs: number;
  /** v2 accepts beneficiarioFinal; v1 is being discontinued [C]. */
  registerApi: 'v1' | 'v2';
  /** New-due-date request path [U]; `{id}` = boleto id or nossoNumero. */
  dueDateChangePath: string;
  /** Search: number of the first page in `inicio` [U]. */
  searchFirstPage: number;
  /** BS2's error tags meaning "a boleto with this seuNumero exists" [U]. */
  duplicateTags: string[];
  /** BS2's error tags meaning "not allowed in the boleto's current state" (baixa of a paid boleto) [U]. */
  conflictTags: string[];
  /** If set, inbound webhooks must carry exactly this Authorization header (Basic/Bearer agreed with BS2) [C: optional]. */
  webhookAuthorization?: string;
  /** beneficiarioFinal's keys [U]: the manual names "razão social, nome fantasia, CPF/CNPJ" but shows no body. */
  finalBeneficiaryKeys: { name: string; tradeName: string; document: string; type: string };
}

/** Our guess at beneficiarioFinal's keys, after `cliente`'s (tipo, documento, nome) [U]. */
export const BS2_DEFAULT_FINAL_BENEFICIARY_KEYS = Object.freeze({
  name: 'nome',
  tradeName: 'nomeFantasia',
  document: 'documento',
  type: 'tipo',
});

export const BS2_DEFAULT_DUE_DATE_PATH = '/pj/forintegration/cobranca/v1/boletos/{id}/solicitacoes/vencimentos';

export function bs2AdapterConfig(c: Partial<Bs2AdapterConfig> & { baseUrl: string }): Bs2AdapterConfig {
  return {
    userAgent: 'boletoflow',
    timeoutMs: 15_000,
    connectTimeoutMs: 5_000,
    registerApi: 'v2',
    dueDateChangePath: BS2_DEFAULT_DUE_DATE_PATH,
    searchFirstPage: 1,
    duplicateTags: ['SeuNumero'],
    conflictTags: ['Status'],
    finalBeneficiaryKeys: { ...BS2_DEFAULT_FINAL_BENEFICIARY_KEYS },
    ...c,
    baseUrl: c.baseUrl.replace(/\/+$/, ''),
  };
}
