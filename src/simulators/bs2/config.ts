/**
 * Everything the BS2 simulator does that BS2's material does not confirm ([U] in bank-apis.md) is a setting
 * here, with the documented or observed value as default. docs/banks/bs2.md lists each one.
 */
import type { WebhookPolicy, WebhookTarget } from '../shared/webhooks';
import { DEFAULT_WEBHOOK_POLICY } from '../shared/webhooks';

export interface Bs2SimApp {
  apiKey: string;
  apiSecret: string;
  scope: string;
  /** The refresh token "shown in BS2 Empresas" when the app is created: the first one the client uses. */
  refreshToken: string;
  /** The user for the legacy `grant_type=password` flow (manual S2 "ClientId, ClientSecret, username e password"). */
  username?: string;
  password?: string;
}

/** beneficiarioFinal's keys [U]: the manual lists "razão social, nome fantasia, CPF/CNPJ" but no sample body. */
export interface Bs2FinalBeneficiaryKeys {
  name: string;
  tradeName: string;
  document: string;
  type: string;
}

export const BS2_FINAL_BENEFICIARY_KEYS: Readonly<Bs2FinalBeneficiaryKeys> = Object.freeze({
  name: 'nome',
  tradeName: 'nomeFantasia',
  document: 'documento',
  type: 'tipo',
});

export interface Bs2SimConfig {
  app: Bs2SimApp;
  /** Access token lifetime: 300 s in PRD, 420 s in HML [C]. */
  accessTokenTtlSeconds: number;
  /** Refresh token lifetime: 48 h [C] (an older manual says 10 min). */
  refreshTokenTtlHours: number;
  /** Token + refresh requests allowed per minute per app [C: 10]. */
  tokenRateLimitPerMinute: number;
  /** When set, every API call must send this User-Agent (BS2 production's per-client code [C]); else 403. */
  requiredUserAgent?: string;
  /** Campo livre = account block (13) + nossoNumero (11) + trailing (1): split and trailing digit are [U]. */
  accountBlock: string;
  trailingDigit: string;
  /** First nossoNumero handed out (11 digits, sequential). */
  firstNossoNumero: number;
  /** `Conta` in webhook bodies (seed only [U]). */
  conta: number;
  /** New-due-date request path [U]; `{id}` is the boleto id or nossoNumero. */
  dueDateChangePath: string;
  /** Days after the due date a boleto stays payable without dataLimitePagamento [C: 60]; written off the day after. */
  payableDaysAfterDue: number;
  /**
   * Business days after dataLimitePagamento during which payment is still accepted [U]: the FAQ (seed 004 line 292)
   * reads "não estará mais disponível para pagamento em 4 dias úteis após a data definida no campo
   * dataLimitePagamento"; default the literal reading, 4 (0 = refused the day after).
   */
  paymentDeadlineGraceBusinessDays: number;
  /** Days after the due date the client may still request a baixa [C: 90]. */
  writeOffAllowedDaysAfterDue: number;
  /** Settlement comes min..max business days after payment identified [C: up to 3], at `settlementHour` local. */
  settlementBusinessDays: { min: number; max: number };
  settlementHour: number;
  /** Scenario "paid late": days after the due date the payer pays, and the fine used when the boleto has none. */
  lateScenarioDaysAfterDue: number;
  defaultLateFinePercent: number;
  /** Scenario "503 for the first N calls". */
  unavailableFirstN: number;
  /** Scenario "lost response": how long the request is held before the connection is dropped. */
  lostResponseHoldMs: number;
  /** A second registration with a seuNumero the bank already holds: BS2's behaviour is [U]. */
  duplicateSeuNumero: 'reject' | 'allow';
  /** Search: number of the first page (`inicio`) [U]; maximum `limite` [seed: 100]. */
  searchFirstPage: number;
  maxSearchLimit: number;
  /** Where notifications go (BS2 sets this up by hand for the client), with optional Basic/Bearer auth. */
  webhook?: WebhookTarget;
  webhookPolicy: WebhookPolicy;
  /**
   * Strict mode (default): answers exactly as BS2's public bodies show (test/fixtures/bs2/SOURCES.md): GET date-times
   * in São Paulo time without offset, `cancelamento` a date-time string, empty `sacadorAvalista`/`multa`/`desconto`/
   * `mensagem` as objects of nulls, the due date as `T03:00:00`, errors listed in `http200ErrorTags` with HTTP 200.
   * Off: the simulator's older, friendlier shapes (offsets, `cancelamento {data, justificativa}`).
   */
  strict: boolean;
  /** Registration errors BS2 answers with HTTP 200 (its error array) when they are the only ones [3P fixture: Vencimento] [U]. */
  http200ErrorTags: string[];
  /** Token grants accepted: `refresh_token` [C] and the legacy `password` (still sent by public clients [3P]). */
  grantTypes: ('refresh_token' | 'password')[];
  /** beneficiarioFinal's keys [U] (BS2_FINAL_BENEFICIARY_KEYS). */
  finalBeneficiaryKeys: Bs2FinalBeneficiaryKeys;
  /** The account is a payment intermediary: a registration without beneficiarioFinal is refused [U] (seed 004 l. 24: mandatory by contract). */
  intermediary: boolean;
  /** Beneficiary printed on the PDF. */
  beneficiary: { name: string; document: string; agencyAccount: string };
}

/** The embedded simulator's app credentials; the default account uses the same (injected: ./default-account.ts). */
export const BS2_SIM_DEFAULT_APP: Readonly<Bs2SimApp> = Object.freeze({
  apiKey: 'sim-bs2-api-key',
  apiSecret: 'sim-bs2-api-secret',
  scope: 'forintegration',
  refreshToken: '00000000-0000-4000-8000-00000000b520',
  username: 'sim-bs2-user',
  password: 'sim-bs2-password',
});

export const BS2_DUE_DATE_CHANGE_PATH = '/pj/forintegration/cobranca/v1/boletos/{id}/solicitacoes/vencimentos';

export function bs2SimConfig(overrides: Partial<Bs2SimConfig> = {}): Bs2SimConfig {
  return {
    app: { ...BS2_SIM_DEFAULT_APP },
    accessTokenTtlSeconds: 300,
    refreshTokenTtlHours: 48,
    tokenRateLimitPerMinute: 10,
    accountBlock: '0010003135853',
    trailingDigit: '8',
    firstNossoNumero: 80110028153,
    conta: 123456,
    dueDateChangePath: BS2_DUE_DATE_CHANGE_PATH,
    payableDaysAfterDue: 60,
    paymentDeadlineGraceBusinessDays: 4,
    writeOffAllowedDaysAfterDue: 90,
    settlementBusinessDays: { min: 1, max: 3 },
    settlementHour: 5,
    lateScenarioDaysAfterDue: 5,
    defaultLateFinePercent: 2,
    unavailableFirstN: 2,
    lostResponseHoldMs: 60_000,
    duplicateSeuNumero: 'reject',
    searchFirstPage: 1,
    maxSearchLimit: 100,
    webhookPolicy: DEFAULT_WEBHOOK_POLICY,
    strict: true,
    http200ErrorTags: ['Vencimento'],
    grantTypes: ['refresh_token', 'password'],
    finalBeneficiaryKeys: { ...BS2_FINAL_BENEFICIARY_KEYS },
    intermediary: false,
    beneficiary: { name: 'Empresa Simulada Ltda', document: '11222333000181', agencyAccount: '0001/3135853' },
    ...overrides,
  };
}
