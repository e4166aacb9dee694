/**
 * A bank module: everything boletoflow knows about one bank, in one folder (src/banks/<bank>/index.ts), listed once
 * in src/banks/index.ts. The core reaches a bank only through its module (or, in workflow code, its pure
 * descriptor, src/banks/descriptor.ts) and switches on descriptors and capabilities, never on a bank's code.
 * The model is formancehq/payments' connector Registration: the engine never names a provider.
 */
import type { Client } from '@temporalio/client';
import type { BankCode, BankEvent } from '../contracts/bank';
import type { z } from 'zod';
import type { CredentialsInput, OnboardedAccount, StartOnboardingInput } from '../contracts/onboarding';
import type { Request, Response } from 'express';
import type { ApiMetrics } from '../api/metrics';
import type { ApiRoute } from '../api/route';
import type { Logger } from '../logging';
import type { AccountDirectory } from '../boletos/directory';
import type { BankAdapter, InboundWebhook } from './bank-adapter';
import type { BankDescriptor } from './descriptor';
import type { BankRegistry } from './registry';

/** What every bank's account has; each bank adds its credentials and adapter settings. */
export interface BankAccountBase {
  accountId: string;
  bank: BankCode;
  /** True when this is the embedded simulator's account. */
  simulated: boolean;
}

/** Where an adapter gets its access token when the bank's tokens are owned by a keeper workflow. */
export interface AccessTokenSource {
  /** A valid access token; with `stale`, one different from that token (the bank refused it: refresh). */
  accessToken(opts?: { stale?: string }): Promise<{ accessToken: string; expiresAt: string }>;
}

/** One account's HTTP pools and token caches in this process (kept by the registry, closed with it). */
export interface BankConnection {
  /** The account's adapter; `tokens` is required by banks whose token strategy is 'keeper'. */
  adapter(tokens?: AccessTokenSource): BankAdapter;
  close(): Promise<void>;
}

/** Where an activity runs: what a keeper token strategy needs to reach the account's keeper workflow. */
export interface ActivityTokenContext {
  client: Client;
  taskQueue: string;
  /** A local activity holds its workflow task: it must not wait long for a token. */
  isLocal: boolean;
  /** Ask the keeper each time (no per-process cache): a check that must see the credentials just submitted. */
  uncached?: boolean;
}

export type TokenStrategy =
  /** The adapter keeps its own per-process token cache (tokens do not rotate). */
  | { kind: 'self' }
  /** One workflow per account owns the tokens (they rotate on use); `source` reaches it. One per process. */
  | { kind: 'keeper'; tokenSources(): (accountId: string, ctx: ActivityTokenContext) => AccessTokenSource };

/** What the API knows about verifying one account's webhooks (src/boletos/directory.ts AccountInfo). */
export interface WebhookVerification {
  /** The Authorization value agreed with the bank for its webhooks (unset: they are only hints). */
  webhookAuthorization?: string;
  /** The client id/secret we gave the bank: it gets a token from our OAuth endpoint with them before notifying. */
  webhookClient?: { clientId: string; clientSecret: string };
}

export interface BankModule<A extends BankAccountBase = BankAccountBase, S = never> {
  readonly descriptor: BankDescriptor;
  /** The account the environment configures (real credentials, or the injected simulator default); none is fine. */
  accountsFromSettings(settings: S, version: string): A[];
  /** An onboarded account: the installation's endpoints and options, the onboarding's credentials. */
  accountFromOnboarded(onboarded: OnboardedAccount, settings: S, version: string): A;
  /** How the API verifies the webhooks of an environment account (settings: the installation's). */
  webhookVerification(account: A, settings: S): WebhookVerification;
  /** …and of an onboarded one. */
  onboardedWebhookVerification(onboarded: OnboardedAccount): WebhookVerification;
  /** The account's HTTP pools and caches, made once per account per process. */
  connect(account: A): BankConnection;
  readonly tokens: TokenStrategy;
  /** What an onboarding of this bank starts with: our webhook receiver's secrets (CSPRNG), a key pair if the bank needs one. */
  onboardingStart(publicBaseUrl: string, accountId: string): Pick<StartOnboardingInput, 'webhook' | 'itauKeyPair'>;
  /**
   * The connectivity check's bank-specific call after the token (one that proves the credentials work for cobrança
   * without creating anything). Throws BankError on a refusal.
   */
  readonly connectivityProbe: {
    readonly name: string;
    run(adapter: BankAdapter, account: A, onboarded: OnboardedAccount): Promise<string>;
  };
  readonly api: BankApi;
  /** The credential kinds CS submits for this bank (API bodies) and what the onboarding workflow receives from each. */
  readonly onboardingCredentials: {
    readonly bodies: readonly OnboardingCredentialBody[];
    /** The workflow's input from a body of this bank's; throws CertificateError (src/onboarding/certificate.ts) naming the field. */
    toInput(body: { kind: string }): CredentialsInput;
  };
  readonly webhooks: BankWebhooks;
  /** The bank's own activities (token refresh, certificates, subscriptions); their names are part of history. */
  activities(deps: BankActivityDeps<S>): Record<string, (...args: never[]) => Promise<unknown>>;
  /**
   * Workflows of the bank's own to keep running for each account (e.g. a reconciliation poll): the API ensures them
   * for the environment's accounts at start (src/banks/account-workflows.ts), the bank for onboarded ones.
   */
  accountWorkflows?(account: A, settings: S): AccountWorkflow[];
}

/**
 * One workflow kept running per account: started when absent, else sent `signal` (idempotent: e.g. new options).
 * Signal-with-start, so a running one is never started twice.
 */
export interface AccountWorkflow {
  workflowType: string;
  workflowId: string;
  args: unknown[];
  signal: { name: string; args: unknown[] };
}

/** The API's view of an account, as much as its bank's webhooks need (src/boletos/directory.ts AccountInfo). */
export interface WebhookAccount extends WebhookVerification {
  accountId: string;
  bank: BankCode;
}

/**
 * How far a notification is trusted: 'verified' facts are applied as they are; a 'trigger' (authenticated, but its
 * body does not say what happened) and a 'hint' (unauthenticated: rate-limited per source, merged per boleto,
 * answered alike whether the boleto exists or not) only make the boleto's workflow ask the bank.
 */
export type WebhookTrust = 'verified' | 'trigger' | 'hint';

/** What a boleto's group of events came to on the shared path (and the boleto, when found). */
export interface Delivery {
  outcome: 'signalled' | 'merged' | 'unknown';
  boletoId?: string;
}

/** The shared path to the workflows (src/api/routes/webhooks.ts), for a bank's extra webhook routes. */
export interface WebhookRouteDeps {
  resolve(accountId: string): Promise<WebhookAccount | undefined>;
  /** Counts an unauthenticated call against its source's budget; false when over it (the 429 is sent). */
  admitHint(req: Request, res: Response): boolean;
  /** Each group (one boleto's events) to its workflow; the outcome per group. */
  deliver(account: WebhookAccount, groups: BankEvent[][], trust: WebhookTrust, receivedAt: string): Promise<Delivery[]>;
  /** Answers a BankError from verification or translation (401, or 400 naming the body's field) and logs it. */
  refuse(res: Response, log: Logger, account: WebhookAccount, e: unknown, what?: string): void;
  metrics: ApiMetrics;
}

/**
 * A bank's inbound notifications: `POST /webhooks/<slug>/:accountId` is one route for every bank (the module's
 * verification, then its translation, then the shared path to the workflows).
 */
export interface BankWebhooks {
  /** The bank's segment in the URL (`/webhooks/bs2/...`). */
  readonly slug: string;
  /** OpenAPI words for the bank's notifications (the one route lists every bank's). */
  readonly doc: { summary: string; body: string };
  /**
   * Before the body is read: the notification's trust, 'unknown' (answered as an unknown account: this account takes
   * no notifications), or a BankError AUTH thrown (401, with `challenge` as WWW-Authenticate).
   */
  authenticate(account: WebhookAccount, headers: InboundWebhook['headers']): WebhookTrust | 'unknown';
  readonly challenge?: string;
  /** Verifies what the body carries and translates it (the adapter's translateWebhook rule); BankError VALIDATION names the field. */
  translate(account: WebhookAccount, webhook: InboundWebhook): BankEvent[];
  /** Routes the bank needs besides the notification route (an OAuth token endpoint, a Pix callback). */
  extraRoutes?(deps: WebhookRouteDeps): ApiRoute[];
}

/** One credential kind's API body: a strict object whose `kind` is a literal. */
export type OnboardingCredentialBody = z.ZodObject<{ kind: z.ZodLiteral<string> } & z.ZodRawShape>;

/** A /readyz entry (src/api/routes/health.ts). */
export interface ReadinessCheck {
  ok: boolean;
  detail?: string;
  affectsReadiness?: boolean;
  [more: string]: unknown;
}

/** What a bank's own API routes may use. */
export interface BankApiDeps {
  client: Client;
  taskQueue: string;
  directory: AccountDirectory;
}

/** The bank's part of the API, where it has one. */
export interface BankApi {
  /** Routes of the bank's own (operators: BS2's token keeper). */
  routes?(deps: BankApiDeps): ApiRoute[];
  /** /readyz entries the bank adds while a worker polls (e.g. locked accounts); `operator` may see account ids. */
  readiness?(client: Client, deadline: number, operator: boolean): Promise<Record<string, ReadinessCheck>>;
  /**
   * For environment accounts whose webhooks arrive unauthenticated (hints): the /readyz entry naming them, and the
   * API's start-up warning.
   */
  unverifiedWebhooks?: { check: string; detail: string; warning: string };
  /** What the bank's /readyz entries mean (the route's OpenAPI description). */
  readinessDoc?: string;
}

/** What a bank's activities may use. */
export interface BankActivityDeps<S> {
  registry: BankRegistry;
  /** The installation's bank settings (onboarding); absent: onboarding activities refuse to run. */
  settings?: S;
  version: string;
}
