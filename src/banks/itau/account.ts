/**
 * Itaú accounts: from the environment and from onboarding. Without ITAU_CLIENT_ID the environment's account is the
 * embedded simulator's, with the client certificate its test CA issued at first start, as the supervisor injected it
 * (src/banks/simulated.ts); real credentials: ITAU_CLIENT_ID + ITAU_CLIENT_SECRET + ITAU_CERT_PATH + ITAU_KEY_PATH +
 * ITAU_ID_BENEFICIARIO (docs/banks/itau.md).
 */
import type { OnboardedAccount } from '../../contracts/onboarding';
import { readCredentialFile, serverCaPem } from '../credential-files';
import { readSimulatedAccounts } from '../simulated';
import {
  accountFromIdBeneficiario,
  itauAdapterConfig,
  type ItauAdapterConfig,
  type ItauBolecodeApi,
  type ItauCredentials,
  ITAU_PRODUCTION_URLS,
  itauSimulatorUrls,
} from './config';

/** Where an Itaú account's client_id, secret, certificate, key and CA come from (read when first used). */
export type ItauCredentialSource =
  | { kind: 'inline'; credentials: ItauCredentials }
  | { kind: 'files'; clientId: string; clientSecret: string; certPath: string; keyPath: string; caPath?: string }
  /** The embedded simulator's PKI folder: its default app (client id and secret, JSON), client certificate, key and test CA. */
  | { kind: 'simulator'; pkiDir: string; appPath: string; certPath: string; keyPath: string; caPath: string };

export interface ItauAccount {
  accountId: string;
  bank: 'ITAU';
  credentials: ItauCredentialSource;
  adapter: ItauAdapterConfig;
  simulated: boolean;
}

/** What the supervisor injects for the simulated default account (src/simulators/defaults.ts writes it). */
export interface ItauSimulatedAccount {
  agencia: string;
  conta: string;
  pkiDir: string;
  paths: { app: string; clientCert: string; clientKey: string; caCert: string };
}

const injectedItau = (dataDir: string) => readSimulatedAccounts(dataDir).ITAU as ItauSimulatedAccount | undefined;

/** The Itaú account's credentials, PEMs read from disk. Errors name the file, never its content. */
export function loadItauCredentials(source: ItauCredentialSource): ItauCredentials {
  if (source.kind === 'inline') return source.credentials;
  const read = (what: string, path: string) => readCredentialFile('Itaú', what, path);
  const { clientId, clientSecret } =
    source.kind === 'files'
      ? source
      : (JSON.parse(read('simulated app', source.appPath)) as { clientId: string; clientSecret: string });
  return {
    clientId,
    clientSecret,
    certPem: read('certificate', source.certPath),
    keyPem: read('private key', source.keyPath),
    ...(source.caPath ? { caPem: read('CA bundle', source.caPath) } : {}),
  };
}

/** The environment variables the Itaú account reads (validated in ./settings.ts). */
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
  SIM_HOST: string;
  SIM_ITAU_PORT: number;
  SIM_ITAU_PUBLIC_PORT: number;
}

/** Whether Itaú calls go to the bank (real credentials configured, or ITAU_ENVIRONMENT=production) or the simulator. */
const itauIsReal = (s: ItauAccountSettings) => s.ITAU_CLIENT_ID !== undefined || s.ITAU_ENVIRONMENT === 'production';

/** The Itaú adapter settings every Itaú account of this installation shares, for one beneficiary account. */
export function itauAdapterFromSettings(
  s: ItauAccountSettings,
  account: { agencia: string; conta: string; carteira?: string; pixKey?: string },
): { adapter: ItauAdapterConfig; simulated: boolean } {
  const real = itauIsReal(s);
  const simHost = s.SIM_HOST === '0.0.0.0' ? '127.0.0.1' : s.SIM_HOST;
  const simUrls = itauSimulatorUrls(
    `https://${simHost}:${s.SIM_ITAU_PORT}`,
    `https://${simHost}:${s.SIM_ITAU_PUBLIC_PORT}`,
  );
  const base = real ? ITAU_PRODUCTION_URLS : simUrls;
  const pixKey = account.pixKey ?? s.ITAU_PIX_KEY ?? (real ? undefined : 'pix@empresa-simulada.example');
  const adapter = itauAdapterConfig({
    urls: {
      token: s.ITAU_TOKEN_URL ?? base.token,
      cashManagement: s.ITAU_CASH_MANAGEMENT_URL ?? base.cashManagement,
      consulta: s.ITAU_CONSULTA_URL ?? base.consulta,
      boletosV3: s.ITAU_BOLETOS_V3_URL ?? base.boletosV3,
      bolecode: s.ITAU_BOLECODE_URL ?? base.bolecode,
      ...((s.ITAU_BOLECODE_CONCILIACOES_URL ?? base.bolecodeConciliacoes)
        ? { bolecodeConciliacoes: s.ITAU_BOLECODE_CONCILIACOES_URL ?? base.bolecodeConciliacoes }
        : {}),
      ...((s.ITAU_PIX_URL ?? base.pix) ? { pix: s.ITAU_PIX_URL ?? base.pix } : {}),
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

/** The CA Itaú's servers are checked against: ITAU_CA_PATH, the simulator's test CA (injected), or Node's roots. */
export function itauServerCa(s: ItauAccountSettings): string | undefined {
  return serverCaPem(s.ITAU_CA_PATH, itauIsReal(s), injectedItau(s.DATA_DIR)?.paths.caCert);
}

/**
 * The environment's Itaú account: the one ITAU_CLIENT_ID… configure, or the embedded simulator's (when the
 * supervisor injected it); none in production mode without them.
 */
export function itauAccountFromSettings(
  s: ItauAccountSettings,
  injected = injectedItau(s.DATA_DIR),
): ItauAccount | undefined {
  if (s.ITAU_CLIENT_ID !== undefined) {
    const where = s.ITAU_ID_BENEFICIARIO
      ? accountFromIdBeneficiario(s.ITAU_ID_BENEFICIARIO)
      : { agencia: '', conta: '' };
    const credentials: ItauCredentialSource = {
      kind: 'files',
      clientId: s.ITAU_CLIENT_ID,
      clientSecret: s.ITAU_CLIENT_SECRET ?? '',
      certPath: s.ITAU_CERT_PATH ?? '',
      keyPath: s.ITAU_KEY_PATH ?? '',
      ...(s.ITAU_CA_PATH ? { caPath: s.ITAU_CA_PATH } : {}),
    };
    return { accountId: s.ITAU_ACCOUNT_ID, bank: 'ITAU', credentials, ...itauAdapterFromSettings(s, where) };
  }
  if (itauIsReal(s) || !injected) return undefined;
  const { pkiDir, paths } = injected;
  const credentials: ItauCredentialSource = {
    kind: 'simulator',
    pkiDir,
    appPath: paths.app,
    certPath: paths.clientCert,
    keyPath: paths.clientKey,
    caPath: paths.caCert,
  };
  return {
    accountId: s.ITAU_ACCOUNT_ID,
    bank: 'ITAU',
    credentials,
    ...itauAdapterFromSettings(s, { agencia: injected.agencia, conta: injected.conta }),
  };
}

/** An onboarded Itaú account: the installation's endpoints and options, the onboarding's certificate (empty until issued). */
export function itauAccountFromOnboarded(o: OnboardedAccount, s: ItauAccountSettings): ItauAccount {
  const { adapter, simulated } = itauAdapterFromSettings(s, {
    agencia: o.data.agency,
    conta: o.data.account,
    ...(o.configuration ? { carteira: o.configuration.convenio.carteira } : {}),
    ...(o.configuration?.convenio.pixKey ? { pixKey: o.configuration.convenio.pixKey } : {}),
  });
  const c = o.credentials?.kind === 'ITAU' ? o.credentials : undefined;
  const caPem = itauServerCa(s);
  return {
    accountId: o.accountId,
    bank: 'ITAU',
    adapter,
    simulated,
    credentials: {
      kind: 'inline',
      credentials: {
        clientId: c?.clientId ?? '',
        clientSecret: c?.clientSecret ?? '',
        certPem: c?.certificatePem ?? '',
        keyPem: c?.privateKeyPem ?? '',
        ...(caPem ? { caPem } : {}),
      },
    },
  };
}
