/**
 * Sicoob accounts: from the environment and from onboarding. Without SICOOB_CLIENT_ID the environment's account is
 * the embedded simulator's, with the client certificate its test CA issued and its beneficiary, as the supervisor
 * injected them (src/banks/simulated.ts). Real credentials: SICOOB_CLIENT_ID + SICOOB_CERT_PATH + SICOOB_KEY_PATH
 * and the contract (SICOOB_NUMERO_CLIENTE, SICOOB_COOPERATIVA) (docs/banks/sicoob.md).
 */
import type { OnboardedAccount } from '../../contracts/onboarding';
import { readCredentialFile, serverCaPem } from '../credential-files';
import type { BankAccountBase } from '../module';
import { readSimulatedAccounts } from '../simulated';

/** Sicoob's hosts [C S1 `servers`, S2]. */
export const SICOOB_PRODUCTION_URLS = {
  token: 'https://auth.sicoob.com.br/auth/realms/cooperado/protocol/openid-connect/token',
  api: 'https://api.sicoob.com.br/cobranca-bancaria/v3',
} as const;

export interface SicoobCredentials {
  clientId: string;
  certPem: string;
  keyPem: string;
  caPem?: string;
}

/** Where an account's client_id, certificate, key and CA come from (files read when first used). */
export type SicoobCredentialSource =
  | { kind: 'inline'; credentials: SicoobCredentials }
  | { kind: 'files'; clientId: string; certPath: string; keyPath: string; caPath?: string };

/** The contract and the wire options of one account (the [U] facts as the installation configured them). */
export interface SicoobAdapterConfig {
  urls: { token: string; api: string };
  numeroCliente: number;
  codigoModalidade: number;
  numeroContaCorrente: number;
  /** Cooperativa (4 digits) and código do cliente with its DV (7 digits): the nosso-número DV is computed over them. */
  cooperativa: string;
  codigoCliente: string;
  /** The `faixas-nosso-numero` range we take numbers from, and its DV flag. */
  nossoNumero: { first: number; last: number; dv: boolean };
  scope: string;
  /** What the consulta answers for an unknown boleto [U]. */
  unknownBoleto: 204 | 400;
  sendClientIdHeader: boolean;
  timeoutMs: number;
  connectTimeoutMs: number;
  /** A token is refreshed this long before it expires. */
  tokenRefreshMarginMs: number;
}

export interface SicoobAccount extends BankAccountBase {
  bank: 'SICOOB';
  credentials: SicoobCredentialSource;
  adapter: SicoobAdapterConfig;
}

/** What the supervisor injects for the simulated default account (src/simulators/sicoob/default-account.ts writes it). */
export interface SicoobSimulatedAccount {
  clientId: string;
  paths: { clientCert: string; clientKey: string; caCert: string };
  beneficiary: { cooperativa: string; codigoCliente: string; numeroCliente: number; numeroContaCorrente: number };
  faixa: { numeroInicial: number; numeroFinal: number; validaDigitoVerificadorNossoNumero: boolean };
}

/** The environment variables the Sicoob account reads (validated in ./settings.ts). */
export interface SicoobAccountSettings {
  DATA_DIR: string;
  SICOOB_ACCOUNT_ID: string;
  SICOOB_CLIENT_ID?: string;
  SICOOB_CERT_PATH?: string;
  SICOOB_KEY_PATH?: string;
  SICOOB_CA_PATH?: string;
  SICOOB_NUMERO_CLIENTE?: string;
  SICOOB_COOPERATIVA?: string;
  SICOOB_CONTA_CORRENTE: string;
  SICOOB_CODIGO_CLIENTE?: string;
  SICOOB_MODALIDADE: number;
  SICOOB_NOSSO_NUMERO_FIRST: number;
  SICOOB_NOSSO_NUMERO_LAST: number;
  SICOOB_NOSSO_NUMERO_DV: boolean;
  SICOOB_SCOPE: string;
  SICOOB_UNKNOWN_BOLETO: '204' | '400';
  SICOOB_SEND_CLIENT_ID_HEADER: boolean;
  SICOOB_TOKEN_URL?: string;
  SICOOB_API_URL?: string;
  SICOOB_ENVIRONMENT?: 'simulator' | 'production';
  SICOOB_WEBHOOK_AUTHORIZATION?: string;
  SICOOB_TIMEOUT_MS: number;
  SIM_HOST: string;
  SIM_SICOOB_PORT: number;
}

const injectedSicoob = (dataDir: string) => readSimulatedAccounts(dataDir).SICOOB as SicoobSimulatedAccount | undefined;

/** Whether Sicoob calls go to the bank (real credentials, or SICOOB_ENVIRONMENT=production) or to the simulator. */
const sicoobIsReal = (s: SicoobAccountSettings) =>
  s.SICOOB_CLIENT_ID !== undefined || s.SICOOB_ENVIRONMENT === 'production';

/** The account's PEMs, read from disk. Errors name the file, never its content. */
export function loadSicoobCredentials(source: SicoobCredentialSource): SicoobCredentials {
  if (source.kind === 'inline') return source.credentials;
  const read = (what: string, path: string) => readCredentialFile('Sicoob', what, path);
  return {
    clientId: source.clientId,
    certPem: read('certificate', source.certPath),
    keyPem: read('private key', source.keyPath),
    ...(source.caPath ? { caPem: read('CA bundle', source.caPath) } : {}),
  };
}

/** One account's contract: what the environment, onboarding or the simulator says. */
export interface SicoobContract {
  numeroCliente: number;
  cooperativa: string;
  codigoCliente?: string;
  numeroContaCorrente?: number;
  codigoModalidade?: number;
  faixa?: { first: number; last: number; dv: boolean };
}

/** The adapter settings of one account: the installation's URLs and [U] options, the account's contract. */
export function sicoobAdapterFromSettings(
  s: SicoobAccountSettings,
  c: SicoobContract,
): { adapter: SicoobAdapterConfig; simulated: boolean } {
  const real = sicoobIsReal(s);
  const simHost = s.SIM_HOST === '0.0.0.0' ? '127.0.0.1' : s.SIM_HOST;
  const sim = `https://${simHost}:${s.SIM_SICOOB_PORT}`;
  const base = real
    ? SICOOB_PRODUCTION_URLS
    : { token: `${sim}/auth/realms/cooperado/protocol/openid-connect/token`, api: `${sim}/cobranca-bancaria/v3` };
  return {
    simulated: !real,
    adapter: {
      urls: { token: s.SICOOB_TOKEN_URL ?? base.token, api: s.SICOOB_API_URL ?? base.api },
      numeroCliente: c.numeroCliente,
      codigoModalidade: c.codigoModalidade ?? s.SICOOB_MODALIDADE,
      numeroContaCorrente: c.numeroContaCorrente ?? Number(s.SICOOB_CONTA_CORRENTE),
      cooperativa: c.cooperativa.padStart(4, '0'),
      codigoCliente: (c.codigoCliente ?? s.SICOOB_CODIGO_CLIENTE ?? String(c.numeroCliente)).padStart(7, '0'),
      nossoNumero: c.faixa ?? {
        first: s.SICOOB_NOSSO_NUMERO_FIRST,
        last: s.SICOOB_NOSSO_NUMERO_LAST,
        dv: s.SICOOB_NOSSO_NUMERO_DV,
      },
      scope: s.SICOOB_SCOPE,
      unknownBoleto: s.SICOOB_UNKNOWN_BOLETO === '400' ? 400 : 204,
      sendClientIdHeader: s.SICOOB_SEND_CLIENT_ID_HEADER,
      timeoutMs: s.SICOOB_TIMEOUT_MS,
      connectTimeoutMs: 5_000,
      tokenRefreshMarginMs: 30_000,
    },
  };
}

/** The CA Sicoob's servers are checked against: SICOOB_CA_PATH, the simulator's test CA (injected), or Node's roots. */
const sicoobServerCa = (s: SicoobAccountSettings): string | undefined =>
  serverCaPem(s.SICOOB_CA_PATH, sicoobIsReal(s), injectedSicoob(s.DATA_DIR)?.paths.caCert);

/**
 * The environment's Sicoob account: the one SICOOB_CLIENT_ID… configure, or the embedded simulator's (when the
 * supervisor injected it); none in production mode without them.
 */
export function sicoobAccountFromSettings(
  s: SicoobAccountSettings,
  injected = injectedSicoob(s.DATA_DIR),
): SicoobAccount | undefined {
  if (s.SICOOB_CLIENT_ID !== undefined) {
    return {
      accountId: s.SICOOB_ACCOUNT_ID,
      bank: 'SICOOB',
      credentials: {
        kind: 'files',
        clientId: s.SICOOB_CLIENT_ID,
        certPath: s.SICOOB_CERT_PATH ?? '',
        keyPath: s.SICOOB_KEY_PATH ?? '',
        ...(s.SICOOB_CA_PATH ? { caPath: s.SICOOB_CA_PATH } : {}),
      },
      ...sicoobAdapterFromSettings(s, {
        numeroCliente: Number(s.SICOOB_NUMERO_CLIENTE ?? 0),
        cooperativa: s.SICOOB_COOPERATIVA ?? '',
      }),
    };
  }
  if (sicoobIsReal(s) || !injected) return undefined;
  const { beneficiary: b, faixa: f } = injected;
  return {
    accountId: s.SICOOB_ACCOUNT_ID,
    bank: 'SICOOB',
    credentials: {
      kind: 'files',
      clientId: injected.clientId,
      certPath: injected.paths.clientCert,
      keyPath: injected.paths.clientKey,
      caPath: injected.paths.caCert,
    },
    ...sicoobAdapterFromSettings(s, {
      ...b,
      faixa: { first: f.numeroInicial, last: f.numeroFinal, dv: f.validaDigitoVerificadorNossoNumero },
    }),
  };
}

/**
 * An onboarded Sicoob account: the installation's endpoints and options; from the account data the cooperativa
 * (agency) and the conta corrente credited by the boletos (account + digit, sent together as `numeroContaCorrente`
 * [U: whether Sicoob's number carries the digit]); from the configuration the código do cliente the cooperative
 * confirmed (`convenio.number`, with its DV: the API's `numeroCliente` and the campo livre's código do cliente, as the
 * simulator models it [U]) and `codigoModalidade` (`carteira`); the nosso-número range the onboarding read from
 * `faixas-nosso-numero` (until then the installation's settings); the onboarding's certificate (empty until received).
 * Before the configuration step there is no contract yet: `numeroCliente` 0, which Sicoob refuses.
 */
export function sicoobAccountFromOnboarded(o: OnboardedAccount, s: SicoobAccountSettings): SicoobAccount {
  const conv = o.configuration?.convenio;
  const faixa = o.bankFields?.sicoob?.nossoNumero;
  const { adapter, simulated } = sicoobAdapterFromSettings(s, {
    numeroCliente: Number(conv?.number ?? 0),
    cooperativa: o.data.agency,
    numeroContaCorrente: Number(`${o.data.account}${o.data.accountDigit}`),
    ...(conv ? { codigoCliente: conv.number, codigoModalidade: Number(conv.carteira) } : {}),
    ...(faixa ? { faixa } : {}),
  });
  const c = o.credentials?.kind === 'SICOOB' ? o.credentials : undefined;
  const caPem = sicoobServerCa(s);
  return {
    accountId: o.accountId,
    bank: 'SICOOB',
    adapter,
    simulated,
    credentials: {
      kind: 'inline',
      credentials: {
        clientId: c?.clientId ?? '',
        certPem: c?.certificatePem ?? '',
        keyPem: c?.privateKeyPem ?? '',
        ...(caPem ? { caPem } : {}),
      },
    },
  };
}
