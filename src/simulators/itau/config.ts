/**
 * Everything the Itaú simulator does that Itaú's material does not confirm ([U]/[3P] in bank-apis.md §2) is a
 * setting here, with the documented or observed value as default. docs/banks/itau.md lists each one.
 */
import { DEFAULT_WEBHOOK_POLICY, type WebhookPolicy, type WebhookTarget } from '../shared/webhooks';

/** The embedded default app's client_id (= x-itau-apikey, a UUID as Itaú's). Its secret and certificate are made at first start. */
export const ITAU_SIM_DEFAULT_CLIENT_ID = '00000000-0000-4000-8000-000000000341';

export interface ItauSimBeneficiary {
  agencia: string;
  /** 5 digits. */
  conta: string;
  nome: string;
  document: string;
  city: string;
}

export interface ItauSimConfig {
  beneficiary: ItauSimBeneficiary;
  /** Carteiras accepted (109 for boleto and bolecode). */
  carteiras: string[];
  /** Access token lifetime (300 s [3P]). */
  accessTokenTtlSeconds: number;
  /** Temporary token (certificado dinâmico) lifetime: 7 days [C]. */
  temporaryTokenTtlDays: number;
  /** Whether a temporary token may be used once only [U]. */
  temporaryTokenSingleUse: boolean;
  /** Client certificate lifetime: 365 days [C]. */
  certificateDays: number;
  /** Renewal is accepted from this many days before expiry [3P: 30]. */
  renewalWindowDays: number;
  /** Renewal paths (v1, or v2 with `x-itau-force-cert: true`) [U]; all listed are served. */
  renewalPaths: string[];
  /** Nosso número cannot be reused while active nor this many days after baixa/liquidação [C: 45]. */
  nossoNumeroQuarantineDays: number;
  /** Vencimento may be at most this many days in the past (the "-360 dias" 422) [C example]. */
  minDueDaysFromToday: number;
  /** data_limite_pagamento at most this many years after the due date [C: 10]; default when omitted. */
  maxPaymentDeadlineYears: number;
  /** Text rules of §2.4 (forbidden characters, no digits in names) on bolecode only (documented there) or on every boleto [U]. */
  textRules: 'bolecode' | 'all';
  /** Alphanumeric CNPJ of payers: Itaú documents `^\d{14}$` [U]. */
  acceptAlphanumericCnpj: boolean;
  /** Consulta for an unknown nosso número: 200 with an empty list or 404 [U: "404/empty"]. */
  unknownQuery: 'empty' | '404';
  /** How `situacao_geral_boleto` is spelt: the documented enum, or as production traffic shows it ("Baixada", unaccented) [3P]. */
  situacaoSpelling: 'documented' | 'traffic';
  /**
   * Notifications are sent in the one shape with evidence: Itaú's example as public receivers reproduce it
   * (`{"boletos":[{dataNotificacao, tipoLiquidacao, idBoleto, numeroNossoNumero, valorTitulo, valorPagoTotalCobranca,
   * valorCreditado, dataCredito}]}`, test/fixtures/itau/). Its `tipoLiquidacao` per subscription type is [U]: "95"
   * is the example's (with `valorCreditado: null`, i.e. not credited yet: baixa operacional); "06" (liquidação) for
   * the credit is the issue's reading.
   */
  notificationCodes: { BAIXA_OPERACIONAL: string; BAIXA_EFETIVA: string };
  /** Notification webhook URLs must be HTTPS without IPs (real Itaú) [C]; off so local receivers work. */
  enforceWebhookUrlRules: boolean;
  /** Payment identified (BAIXA_OPERACIONAL) → credited (BAIXA_EFETIVA): business days later, at this hour [3P: next day]. */
  settlementBusinessDays: number;
  settlementHour: number;
  lateScenarioDaysAfterDue: number;
  defaultLateFinePercent: number;
  unavailableFirstN: number;
  /** Scenario 202: queries answered "not found" before the boleto shows. */
  pendingQueriesBeforeVisible: number;
  /** Scenario Pix: minutes after registration the Pix payment happens. */
  pixPaymentAfterMinutes: number;
  /** Bolecode txid nosso-número width (15 → 31-char txid; the OpenAPI regex implies 17) [U]. */
  txidNossoNumeroWidth: number;
  /** Pix location host (dados_qrcode.location). */
  pixLocationHost: string;
  /** Notification subscriptions made at start (npm start: this API's receiver). */
  subscriptions?: { target: WebhookTarget; tipos: ('BAIXA_OPERACIONAL' | 'BAIXA_EFETIVA')[] }[];
  /** Pix webhooks (BCB Pix API `PUT /webhook/{chave}`) made at start: a Pix to that key is POSTed to `<webhookUrl>/pix`. */
  pixWebhooks?: { chave: string; webhookUrl: string }[];
  webhookPolicy: WebhookPolicy;
  /**
   * Highest TLS version of the mTLS listener [U: Itaú's gateway version is not documented]. With TLS 1.2 a refused
   * client certificate fails the handshake itself (the client sees the alert); with TLS 1.3 the server refuses it
   * after the client's handshake completed, so the client only sees the connection close.
   */
  tlsMaxVersion: 'TLSv1.2' | 'TLSv1.3';
  /**
   * Strict mode (true in tests): refuse what Itaú refuses instead of accepting every variant — each registration
   * endpoint's own amount format and envelope, the configured instruction body style, unlisted accents when
   * `acceptAccents` is off. Off (the embedded default): lenient, as before.
   */
  strict: boolean;
  /**
   * Amount format each registration endpoint takes (strict mode refuses the other with 400): 17-digit implied for
   * cash_management and pix_recebimentos_conciliacoes `/boletos_pix` (their examples, every client found),
   * `^\d+\.\d{2}$` for recebimentos-pix `/boletos-pix` [C its OpenAPI]. Answers use the same format.
   */
  registrationAmountFormats: Record<
    'cash_management' | 'pix_recebimentos_conciliacoes' | 'recebimentos_pix',
    'implied' | 'decimal'
  >;
  /** PATCH instruction body style the bank reads [U]: flat (its OpenAPI examples) or inside `{data}`; strict mode accepts only this one. */
  instructionBody: 'flat' | 'data';
  /** Accented letters in payer text [U]: Itaú's boletos-pix patterns list them; off (strict mode): refused. */
  acceptAccents: boolean;
  /** A bolecode paid by Pix: the consulta shows `Baixada` from then on (production reports) or moves to `Creditado` [U]. */
  pixPaidSituacao: 'baixada' | 'creditado';
  /** Scenario AWAITING_APPROVAL: an instruction answered "Aguardando aprovação" is applied this many minutes later (the manager). */
  instructionApprovalMinutes: number;
  /**
   * A Pix payment of a bolecode shows in the consulta (the boleto side) this many minutes after it is made; the Pix
   * charge (`GET /cob/{txid}`) shows it at once [U: no source gives the lag; 0 = at once].
   */
  pixBoletoSideLagMinutes: number;
}

export function itauSimConfig(overrides: Partial<ItauSimConfig> = {}): ItauSimConfig {
  return {
    beneficiary: {
      agencia: '1500',
      conta: '00005',
      nome: 'Empresa Simulada Ltda',
      document: '11222333000181',
      city: 'SAO PAULO',
    },
    carteiras: ['109'],
    accessTokenTtlSeconds: 300,
    temporaryTokenTtlDays: 7,
    temporaryTokenSingleUse: true,
    certificateDays: 365,
    renewalWindowDays: 30,
    renewalPaths: ['/seguranca/v1/certificado/renovacao', '/seguranca/v2/certificado/renovacao'],
    nossoNumeroQuarantineDays: 45,
    minDueDaysFromToday: -360,
    maxPaymentDeadlineYears: 10,
    textRules: 'bolecode',
    acceptAlphanumericCnpj: false,
    unknownQuery: 'empty',
    situacaoSpelling: 'traffic',
    notificationCodes: { BAIXA_OPERACIONAL: '95', BAIXA_EFETIVA: '06' },
    enforceWebhookUrlRules: false,
    settlementBusinessDays: 1,
    settlementHour: 5,
    lateScenarioDaysAfterDue: 5,
    defaultLateFinePercent: 2,
    unavailableFirstN: 2,
    pendingQueriesBeforeVisible: 1,
    pixPaymentAfterMinutes: 60,
    txidNossoNumeroWidth: 15,
    pixLocationHost: 'pix.sim.itau.example/qr/v2',
    webhookPolicy: DEFAULT_WEBHOOK_POLICY,
    tlsMaxVersion: 'TLSv1.2',
    strict: false,
    registrationAmountFormats: {
      cash_management: 'implied',
      pix_recebimentos_conciliacoes: 'implied',
      recebimentos_pix: 'decimal',
    },
    instructionBody: 'flat',
    acceptAccents: true,
    pixPaidSituacao: 'baixada',
    instructionApprovalMinutes: 60,
    pixBoletoSideLagMinutes: 0,
    ...overrides,
  };
}
