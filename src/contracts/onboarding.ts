/**
 * Message contracts of the onboarding workflow (one per client bank account, workflow id `onboarding:<accountId>`),
 * importable by the API, the worker's account resolver and tests without pulling in workflow code.
 *
 * Every CS action is an Update with a validator: an out-of-order or incomplete step is rejected with a message
 * that says what to do instead, and a rejected Update leaves no trace in history. Secrets (client secrets,
 * temporary tokens, refresh tokens, private keys) travel only inside Update arguments and workflow state, which
 * the payload codec encrypts; the `onboardingState` query never returns them.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';

export type OnboardingBank = 'ITAU' | 'BS2' | 'SICOOB';

/** The steps in order; CANCELLED ends the workflow from any step. */
export const ONBOARDING_STEPS = [
  'DATA_CAPTURED',
  'REQUEST_SENT',
  'BANK_RELEASED',
  'CREDENTIALS_RECEIVED',
  'CONFIGURED',
  'CONNECTIVITY_FAILED',
  'ACTIVE',
  'CANCELLED',
] as const;
export type OnboardingStepName = (typeof ONBOARDING_STEPS)[number];

export interface Person {
  name: string;
  phone: string;
  email: string;
}

/** Step 1: what CS captures about the client and its bank account (validated by the API). */
export interface AccountData {
  bank: OnboardingBank;
  company: {
    legalName: string;
    /** 14 characters, numeric or alphanumeric CNPJ, no mask. */
    cnpj: string;
    /** City and UF: the Itaú certificate subject (L, ST). */
    city: string;
    state: string;
  };
  /** 4 digits. */
  agency: string;
  /** Digits without the check digit (Itaú: 5). */
  account: string;
  /** The account's check digit (Itaú DAC: mod10 of agency + account). */
  accountDigit: string;
  /** Itaú Empresas operator code (Itaú only). */
  operatorCode?: string;
  legalRepresentative: Person;
  csContact: Person;
  manager: { name: string; email?: string };
}

export interface OnboardingPolicy {
  /** First reminder to CS after this many days without progress on a waiting step, then every as many days. */
  remindAfterDays: number;
  /** Escalate and mark the onboarding Stalled after this many days without progress. */
  escalateAfterDays: number;
  /** Itaú certificate: remind this many days before it expires. */
  certificateReminderDays: number;
  /** Itaú carteira expected in the convênio (109 for Bolecode). */
  itauCarteira: string;
}

/** How the bank authenticates to our webhook endpoints for this account (made by the API with a CSPRNG). */
export interface OnboardingWebhookSecrets {
  /** BS2: the URL to give BS2 and the Authorization value it must send. */
  bs2?: { url: string; authorization: string };
  /** Itaú: the client id/secret Itaú uses to get a token from our notification OAuth endpoint. */
  itau?: { url: string; clientId: string; clientSecret: string };
  /** Sicoob: the URL registered as the account's type-7 webhook at ACTIVE (Sicoob documents no authentication). */
  sicoob?: { url: string };
}

export interface StartOnboardingInput {
  accountId: string;
  tenantId: string;
  data: AccountData;
  createdAt: string;
  createdBy: string;
  policy: OnboardingPolicy;
  webhook: OnboardingWebhookSecrets;
  /** Itaú: our key pair; the public key goes to the bank with the e-mail, the private key never leaves. */
  itauKeyPair?: { privateKeyPem: string; publicKeyPem: string };
  supportEmail?: string;
}

/** Credentials as CS submits them (secrets: encrypted in history by the codec, never queried back). */
export type CredentialsInput =
  /** Itaú e-mailed a client_id and a 7-day temporary token: we issue the certificado dinâmico with our key pair. */
  | { kind: 'ITAU_DYNAMIC'; clientId: string; temporaryToken: string }
  /** A certificate the client already has (PFX/PEM converted by the API), with its key and client secret. */
  | {
      kind: 'ITAU_CERTIFICATE';
      clientId: string;
      clientSecret: string;
      certificatePem: string;
      privateKeyPem: string;
      notAfter: string;
    }
  /** BS2 API Banking application: API key, secret, scope and the first refresh token. */
  | { kind: 'BS2'; apiKey: string; apiSecret: string; scope: string; refreshToken: string }
  /** Sicoob developer-portal app: its client_id and the certificate registered for it (PFX/PEM converted by the API). */
  | { kind: 'SICOOB'; clientId: string; certificatePem: string; privateKeyPem: string; notAfter: string };

/** Credentials as kept in state (Itaú: always a certificate once issued). */
export type StoredCredentials =
  | {
      kind: 'ITAU';
      clientId: string;
      clientSecret: string;
      certificatePem: string;
      privateKeyPem: string;
      csrPem?: string;
      notAfter: string;
      source: 'DYNAMIC' | 'UPLOADED';
    }
  | { kind: 'BS2'; apiKey: string; apiSecret: string; scope: string; refreshToken: string }
  | { kind: 'SICOOB'; clientId: string; certificatePem: string; privateKeyPem: string; notAfter: string };

export type Amount = { type: 'PERCENT'; basisPoints: number } | { type: 'FIXED'; cents: number };

/** Step 5: the convênio and the bank charge defaults (applied to boletos that do not say otherwise). */
export interface ConvenioConfig {
  convenio: {
    /** Agency + account + DAC, e.g. 1500005206 (must match the account data). */
    number: string;
    carteira: string;
    firstRemessa: number;
    cnab: 240;
    /** V2 allows hybrid boletos (boleto + Pix). */
    apiVersion: 'V1' | 'V2';
    /** Pix key (DICT) for bolecode (Itaú). */
    pixKey?: string;
  };
  chargeDefaults: {
    interest?: { type: 'PERCENT_MONTHLY'; basisPoints: number } | { type: 'FIXED_DAILY'; cents: number };
    fine?: Amount;
    discount?: Amount & { daysBeforeDue: number };
    messages?: string[];
    defaultKind: 'BOLETO' | 'BOLECODE';
  };
}

export interface TimelineEntry {
  seq: number;
  at: string;
  kind: 'STEP' | 'REMINDER' | 'ESCALATION' | 'CONNECTIVITY' | 'CERTIFICATE' | 'NOTE' | 'NOTIFICATIONS';
  step: OnboardingStepName;
  by: string;
  detail: string;
}

export interface ManagerEmail {
  to?: string;
  cc: string[];
  subject: string;
  body: string;
  attachments: { filename: string; contentType: string; content: string }[];
}

export interface ConnectivityResult {
  ok: boolean;
  at: string;
  /** The bank's message (or ours), for CS; never a stack trace. */
  message: string;
  checks: { name: string; ok: boolean; detail: string }[];
}

/** Itaú: the boleto-notification subscriptions (Boletos v3) as registered when the account reached ACTIVE; no secret. */
export interface NotificationSubscriptionsView {
  at: string;
  ok: boolean;
  /** What was done ("created …", "kept …") or the bank's refusal. */
  message: string;
  subscriptions: {
    id: string;
    type: 'BAIXA_OPERACIONAL' | 'BAIXA_EFETIVA';
    webhookUrl: string;
    oauthUrl: string;
    createdAt?: string;
  }[];
}

/** Itaú: the last renewal of the certificado dinâmico by the workflow (inside the window); no secret. */
export interface CertificateRenewalView {
  at: string;
  ok: boolean;
  message: string;
  previousNotAfter: string;
  /** The new certificate's expiry (ok only). */
  notAfter?: string;
}

/** A webhook we registered at the bank by API (Sicoob) and keep watching; no secret. */
export interface WebhookRegistrationView {
  at: string;
  ok: boolean;
  /** What was done or found ("created 12", "kept …") or the bank's refusal. */
  message: string;
  /** The bank's id of the registration. */
  id?: string;
  url?: string;
  /** The bank's situation, in its words (Sicoob: "1 - Aguardando validação", "2 - Validado com sucesso", "3 - Inativo"). */
  status?: string;
  /** Since when the bank has been validating the URL (reset by a new URL or a reactivation). */
  awaitingValidationSince?: string;
}

/** The query view: no secret in it (certificate metadata and which credentials are set, not their values). */
export interface OnboardingView {
  accountId: string;
  tenantId: string;
  bank: OnboardingBank;
  product: string;
  step: OnboardingStepName;
  stepSince: string;
  createdAt: string;
  stalled?: { since: string; reason: string };
  reminders: number;
  data: AccountData;
  email: ManagerEmail;
  credentials?: {
    kind: StoredCredentials['kind'];
    source?: 'DYNAMIC' | 'UPLOADED';
    clientId?: string;
    apiKey?: string;
    scope?: string;
    certificateNotAfter?: string;
    receivedAt: string;
  };
  configuration?: ConvenioConfig;
  connectivity?: ConnectivityResult;
  notifications?: NotificationSubscriptionsView;
  certificateRenewal?: CertificateRenewalView;
  webhookRegistration?: WebhookRegistrationView;
  timeline: TimelineEntry[];
}

/** What onboarding learnt from the bank about the account (its own words kept in the bank's module), by bank. */
export interface OnboardedBankFields {
  /** Sicoob: the contract's nosso-número range (`faixas-nosso-numero`, read once at ACTIVE) and its DV flag. */
  sicoob?: { nossoNumero: { first: number; last: number; dv: boolean }; readAt: string };
}

/** What the worker and the API need to use an account (secrets included: never sent to API callers). */
export interface OnboardedAccount {
  accountId: string;
  tenantId: string;
  bank: OnboardingBank;
  step: OnboardingStepName;
  data: AccountData;
  credentials?: StoredCredentials;
  configuration?: ConvenioConfig;
  webhook: OnboardingWebhookSecrets;
  /** Set by the bank's onboarding hooks (`accountFields`): what the account's adapter takes from the bank. */
  bankFields?: OnboardedBankFields;
}

export interface Actor {
  /** Who did it (API key id and label, or "system"). */
  by: string;
}

export const onboardingWorkflowId = (accountId: string): string => `onboarding:${accountId}`;

export const markRequestSentUpdate = defineUpdate<OnboardingView, [Actor & { note?: string }]>('markRequestSent');
export const markBankReleasedUpdate = defineUpdate<OnboardingView, [Actor & { note?: string }]>('markBankReleased');
export const submitCredentialsUpdate = defineUpdate<OnboardingView, [Actor & { credentials: CredentialsInput }]>(
  'submitCredentials',
);
export const configureConvenioUpdate = defineUpdate<OnboardingView, [Actor & { configuration: ConvenioConfig }]>(
  'configureConvenio',
);
export const retryConnectivityUpdate = defineUpdate<OnboardingView, [Actor]>('retryConnectivity');
export const addNoteUpdate = defineUpdate<OnboardingView, [Actor & { text: string }]>('addNote');
export const cancelOnboardingUpdate = defineUpdate<OnboardingView, [Actor & { reason: string }]>('cancelOnboarding');

export const onboardingStateQuery = defineQuery<OnboardingView>('onboardingState');
/** For the worker's and the API's account resolvers only (carries secrets; encrypted on the wire by the codec). */
export const onboardedAccountQuery = defineQuery<OnboardedAccount>('onboardedAccount');
