/**
 * Client bank accounts, until onboarding (issue 9) stores them: a static list built from the environment.
 * With no real BS2 credentials configured, the BS2 account is the embedded simulator with the simulator's seeded
 * app credentials. Real credentials: BS2_BASE_URL + BS2_API_KEY + BS2_API_SECRET + BS2_SCOPE + BS2_REFRESH_TOKEN
 * (+ BS2_USER_AGENT, the production code BS2 gives you).
 * Itaú likewise: without ITAU_CLIENT_ID the Itaú account is the embedded simulator, with the client certificate
 * its test CA issued at first start (DATA_DIR/simulators/itau/pki, git-ignored); real credentials: ITAU_CLIENT_ID +
 * ITAU_CLIENT_SECRET + ITAU_CERT_PATH + ITAU_KEY_PATH + ITAU_ID_BENEFICIARIO (docs/banks/itau.md).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BS2_SIM_DEFAULT_APP } from '../simulators/bs2/config';
import { ITAU_SIM_DEFAULT_CLIENT_ID, itauSimConfig } from '../simulators/itau/config';
import { ensurePkiDir } from '../simulators/itau/tls';
import { bs2AdapterConfig, type Bs2AdapterConfig, type Bs2Credentials } from './bs2/config';
import { BankError } from './errors';
import { accountFromIdBeneficiario, itauAdapterConfig, type ItauAdapterConfig, type ItauBolecodeApi, type ItauCredentials, ITAU_PRODUCTION_URLS, itauSimulatorUrls } from './itau/config';

export interface Bs2Account {
  accountId: string;
  bank: 'BS2';
  credentials: Bs2Credentials;
  adapter: Bs2AdapterConfig;
  /** True when this is the embedded simulator's account. */
  simulated: boolean;
}

/** Where an Itaú account's client_id, secret, certificate, key and CA come from (read when first used). */
export type ItauCredentialSource =
  | { kind: 'inline'; credentials: ItauCredentials }
  | { kind: 'files'; clientId: string; clientSecret: string; certPath: string; keyPath: string; caPath?: string }
  /** The embedded simulator's PKI folder (created by whichever of simulator and worker gets there first). */
  | { kind: 'simulator'; pkiDir: string };

export interface ItauAccount {
  accountId: string;
  bank: 'ITAU';
  credentials: ItauCredentialSource;
  adapter: ItauAdapterConfig;
  simulated: boolean;
}

export type BankAccount = Bs2Account | ItauAccount;

/** The Itaú account's credentials, PEMs read from disk. Errors name the file, never its content. */
export function loadItauCredentials(source: ItauCredentialSource): ItauCredentials {
  if (source.kind === 'inline') return source.credentials;
  const read = (what: string, path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      throw new BankError('AUTH', `Itaú ${what} cannot be read from ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { operation: 'credentials' });
    }
  };
  if (source.kind === 'files') {
    return {
      clientId: source.clientId,
      clientSecret: source.clientSecret,
      certPem: read('certificate', source.certPath),
      keyPem: read('private key', source.keyPath),
      ...(source.caPath ? { caPem: read('CA bundle', source.caPath) } : {}),
    };
  }
  const d = ensurePkiDir(source.pkiDir, ITAU_SIM_DEFAULT_CLIENT_ID);
  return { clientId: d.app.clientId, clientSecret: d.app.clientSecret, certPem: d.app.certificatePem, keyPem: d.app.privateKeyPem, caPem: d.pki.caCertPem };
}

/** The environment variables the Itaú account reads (validated in src/config.ts). */
export interface ItauAccountSettings {
  DATA_DIR: string;
  ITAU_ACCOUNT_ID: string;
  ITAU_CLIENT_ID?: string;
  ITAU_CLIENT_SECRET?: string;
  ITAU_CERT_PATH?: string;
  ITAU_KEY_PATH?: string;
  ITAU_CA_PATH?: string;
  ITAU_ID_BENEFICIARIO?: string;
  ITAU_CARTEIRA: string;
  ITAU_PIX_KEY?: string;
  ITAU_TOKEN_URL?: string;
  ITAU_CASH_MANAGEMENT_URL?: string;
  ITAU_CONSULTA_URL?: string;
  ITAU_BOLETOS_V3_URL?: string;
  ITAU_BOLECODE_URL?: string;
  ITAU_BOLECODE_API: ItauBolecodeApi;
  ITAU_BOLECODE_CONCILIACOES_URL?: string;
  ITAU_PIX_URL?: string;
  ITAU_INSTRUCTION_BODY?: 'flat' | 'data';
  ITAU_PAYER_ACCENTS?: 'keep' | 'strip';
  ITAU_BAIXADA_WITH_PAYMENT?: 'SETTLED_IF_PIX' | 'SETTLED' | 'PAID';
  ITAU_CERT_REQUEST_URL?: string;
  ITAU_CERT_RENEWAL_URL?: string;
  ITAU_CERT_RENEWAL_FORCE_HEADER: boolean;
  /** production: onboarded Itaú accounts use Itaú's URLs even when no ITAU_CLIENT_ID account is configured. */
  ITAU_ENVIRONMENT?: 'simulator' | 'production';
  ITAU_AMOUNT_FORMAT: 'implied' | 'decimal';
  ITAU_TXID_NOSSO_NUMERO_WIDTH: number;
  ITAU_TIMEOUT_MS: number;
  SIM_ITAU_PORT: number;
  SIM_ITAU_PUBLIC_PORT: number;
}

/** The Itaú simulator's PKI folder under DATA_DIR. */
export const itauSimPkiDir = (dataDir: string): string => join(resolve(dataDir), 'simulators', 'itau', 'pki');

/** Whether Itaú calls go to the bank (real credentials configured, or ITAU_ENVIRONMENT=production) or the simulator. */
const itauIsReal = (s: ItauAccountSettings) => s.ITAU_CLIENT_ID !== undefined || s.ITAU_ENVIRONMENT === 'production';

/** The Itaú adapter settings every Itaú account of this installation shares, for one beneficiary account. */
export function itauAdapterFromSettings(
  s: ItauAccountSettings & { SIM_HOST: string },
  account: { agencia: string; conta: string; carteira?: string; pixKey?: string },
): { adapter: ItauAdapterConfig; simulated: boolean } {
  const real = itauIsReal(s);
  const simHost = s.SIM_HOST === '0.0.0.0' ? '127.0.0.1' : s.SIM_HOST;
  const simUrls = itauSimulatorUrls(`https://${simHost}:${s.SIM_ITAU_PORT}`, `https://${simHost}:${s.SIM_ITAU_PUBLIC_PORT}`);
  const base = real ? ITAU_PRODUCTION_URLS : simUrls;
  const pixKey = account.pixKey ?? s.ITAU_PIX_KEY ?? (real ? undefined : 'pix@empresa-simulada.example');
  const adapter = itauAdapterConfig({
    urls: {
      token: s.ITAU_TOKEN_URL ?? base.token,
      cashManagement: s.ITAU_CASH_MANAGEMENT_URL ?? base.cashManagement,
      consulta: s.ITAU_CONSULTA_URL ?? base.consulta,
      boletosV3: s.ITAU_BOLETOS_V3_URL ?? base.boletosV3,
      bolecode: s.ITAU_BOLECODE_URL ?? base.bolecode,
      ...(s.ITAU_BOLECODE_CONCILIACOES_URL ?? base.bolecodeConciliacoes ? { bolecodeConciliacoes: s.ITAU_BOLECODE_CONCILIACOES_URL ?? base.bolecodeConciliacoes } : {}),
      ...(s.ITAU_PIX_URL ?? base.pix ? { pix: s.ITAU_PIX_URL ?? base.pix } : {}),
      certificateRequest: s.ITAU_CERT_REQUEST_URL ?? base.certificateRequest,
      certificateRenewal: s.ITAU_CERT_RENEWAL_URL ?? base.certificateRenewal,
    },
    agencia: account.agencia,
    conta: account.conta,
    carteira: account.carteira ?? s.ITAU_CARTEIRA,
    ...(pixKey ? { pixKey } : {}),
    timeoutMs: s.ITAU_TIMEOUT_MS,
    bolecodeApi: s.ITAU_BOLECODE_API,
    ...(s.ITAU_INSTRUCTION_BODY ? { instructionBody: s.ITAU_INSTRUCTION_BODY } : {}),
    ...(s.ITAU_PAYER_ACCENTS ? { payerTextAccents: s.ITAU_PAYER_ACCENTS } : {}),
    ...(s.ITAU_BAIXADA_WITH_PAYMENT ? { baixadaWithPayment: s.ITAU_BAIXADA_WITH_PAYMENT } : {}),
    amountFormat: s.ITAU_AMOUNT_FORMAT,
    txidNossoNumeroWidth: s.ITAU_TXID_NOSSO_NUMERO_WIDTH,
    renewalForceCertHeader: s.ITAU_CERT_RENEWAL_FORCE_HEADER,
  });
  return { adapter, simulated: !real };
}

/** The CA Itaú's servers are checked against: ITAU_CA_PATH, the simulator's test CA, or Node's roots. */
export function itauServerCa(s: ItauAccountSettings): string | undefined {
  if (s.ITAU_CA_PATH) return readFileSync(s.ITAU_CA_PATH, 'utf8');
  if (itauIsReal(s)) return undefined;
  return ensurePkiDir(itauSimPkiDir(s.DATA_DIR), ITAU_SIM_DEFAULT_CLIENT_ID).pki.caCertPem;
}

/** The environment's Itaú account: the embedded simulator's, or the one ITAU_CLIENT_ID… configure; none in production mode without them. */
export function itauAccountFromSettings(s: ItauAccountSettings & { SIM_HOST: string }): ItauAccount | undefined {
  const configured = s.ITAU_CLIENT_ID !== undefined;
  if (!configured && itauIsReal(s)) return undefined;
  const sim = itauSimConfig();
  const account = configured && s.ITAU_ID_BENEFICIARIO ? accountFromIdBeneficiario(s.ITAU_ID_BENEFICIARIO) : { agencia: sim.beneficiary.agencia, conta: sim.beneficiary.conta };
  const { adapter, simulated } = itauAdapterFromSettings(s, account);
  const credentials: ItauCredentialSource = configured
    ? {
        kind: 'files',
        clientId: s.ITAU_CLIENT_ID ?? '',
        clientSecret: s.ITAU_CLIENT_SECRET ?? '',
        certPath: s.ITAU_CERT_PATH ?? '',
        keyPath: s.ITAU_KEY_PATH ?? '',
        ...(s.ITAU_CA_PATH ? { caPath: s.ITAU_CA_PATH } : {}),
      }
    : { kind: 'simulator', pkiDir: itauSimPkiDir(s.DATA_DIR) };
  return { accountId: s.ITAU_ACCOUNT_ID, bank: 'ITAU', credentials, adapter, simulated };
}

/** The environment variables this reads (validated in src/config.ts). */
export interface Bs2AccountSettings {
  BS2_ACCOUNT_ID: string;
  BS2_BASE_URL?: string;
  BS2_API_KEY?: string;
  BS2_API_SECRET?: string;
  BS2_SCOPE?: string;
  BS2_REFRESH_TOKEN?: string;
  BS2_USER_AGENT?: string;
  BS2_TIMEOUT_MS: number;
  BS2_REGISTER_API: 'v1' | 'v2';
  BS2_DUE_DATE_PATH?: string;
  BS2_SEARCH_FIRST_PAGE: number;
  BS2_WEBHOOK_AUTHORIZATION?: string;
  SIM_HOST: string;
  SIM_BS2_PORT: number;
}

/** Every configured account: BS2, and Itaú when its settings are present (the full Config always has them). */
export function accountsFromSettings(s: Bs2AccountSettings & Partial<ItauAccountSettings>, version = '0'): BankAccount[] {
  const itau = s.ITAU_ACCOUNT_ID !== undefined ? [itauAccountFromSettings(s as ItauAccountSettings & Bs2AccountSettings)].filter((a) => a !== undefined) : [];
  return [...bs2AccountsFromSettings(s, version), ...itau];
}

/** The BS2 adapter settings every BS2 account of this installation shares (the simulator unless BS2_BASE_URL). */
export function bs2AdapterFromSettings(s: Bs2AccountSettings, version: string, webhookAuthorization?: string): { adapter: Bs2AdapterConfig; simulated: boolean } {
  const real = s.BS2_BASE_URL !== undefined;
  const simHost = s.SIM_HOST === '0.0.0.0' ? '127.0.0.1' : s.SIM_HOST;
  const authorization = webhookAuthorization ?? s.BS2_WEBHOOK_AUTHORIZATION;
  const adapter = bs2AdapterConfig({
    baseUrl: s.BS2_BASE_URL ?? `http://${simHost}:${s.SIM_BS2_PORT}`,
    userAgent: s.BS2_USER_AGENT ?? `boletoflow/${version}`,
    timeoutMs: s.BS2_TIMEOUT_MS,
    registerApi: s.BS2_REGISTER_API,
    searchFirstPage: s.BS2_SEARCH_FIRST_PAGE,
    ...(s.BS2_DUE_DATE_PATH ? { dueDateChangePath: s.BS2_DUE_DATE_PATH } : {}),
    ...(authorization ? { webhookAuthorization: authorization } : {}),
  });
  return { adapter, simulated: !real };
}

/** The environment's BS2 account: the simulator's seeded app, or BS2_API_KEY…; none with BS2_BASE_URL alone. */
function bs2AccountsFromSettings(s: Bs2AccountSettings, version: string): Bs2Account[] {
  const { adapter, simulated } = bs2AdapterFromSettings(s, version);
  if (!simulated && s.BS2_API_KEY === undefined) return [];
  const credentials: Bs2Credentials = !simulated
    ? { apiKey: s.BS2_API_KEY ?? '', apiSecret: s.BS2_API_SECRET ?? '', scope: s.BS2_SCOPE ?? '', initialRefreshToken: s.BS2_REFRESH_TOKEN ?? '' }
    : { apiKey: BS2_SIM_DEFAULT_APP.apiKey, apiSecret: BS2_SIM_DEFAULT_APP.apiSecret, scope: BS2_SIM_DEFAULT_APP.scope, initialRefreshToken: BS2_SIM_DEFAULT_APP.refreshToken };
  return [{ accountId: s.BS2_ACCOUNT_ID, bank: 'BS2', credentials, adapter, simulated }];
}
