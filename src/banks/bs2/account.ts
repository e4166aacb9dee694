/**
 * BS2 accounts: from the environment and from onboarding. With no real BS2 configured (no BS2_BASE_URL) the
 * environment's account is the embedded simulator's, with the simulator's seeded app credentials as the supervisor
 * injected them (src/banks/simulated.ts). Real credentials: BS2_BASE_URL + BS2_API_KEY + BS2_API_SECRET + BS2_SCOPE +
 * BS2_REFRESH_TOKEN (+ BS2_USER_AGENT, the production code BS2 gives you).
 */
import type { OnboardedAccount } from '../../contracts/onboarding';
import { readSimulatedAccounts } from '../simulated';
import { bs2AdapterConfig, type Bs2AdapterConfig, type Bs2Credentials } from './config';

export interface Bs2Account {
  accountId: string;
  bank: 'BS2';
  credentials: Bs2Credentials;
  adapter: Bs2AdapterConfig;
  /** True when this is the embedded simulator's account. */
  simulated: boolean;
}

/** The environment variables this reads (validated in ./settings.ts). */
export interface Bs2AccountSettings {
  DATA_DIR: string;
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

/** What the supervisor injects for the simulated default account: the simulator's seeded app. */
export interface Bs2SimulatedAccount {
  credentials: Bs2Credentials;
}

/** The BS2 adapter settings every BS2 account of this installation shares (the simulator unless BS2_BASE_URL). */
export function bs2AdapterFromSettings(
  s: Bs2AccountSettings,
  version: string,
  webhookAuthorization?: string,
): { adapter: Bs2AdapterConfig; simulated: boolean } {
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

/**
 * The environment's BS2 account: the one BS2_API_KEY… configure, or the simulator's default (when injected);
 * none with BS2_BASE_URL alone (onboarded accounts only).
 */
export function bs2AccountsFromSettings(
  s: Bs2AccountSettings,
  version: string,
  injected = readSimulatedAccounts(s.DATA_DIR).BS2 as Bs2SimulatedAccount | undefined,
): Bs2Account[] {
  const { adapter, simulated } = bs2AdapterFromSettings(s, version);
  const credentials: Bs2Credentials | undefined = simulated
    ? injected?.credentials
    : s.BS2_API_KEY === undefined
      ? undefined
      : {
          apiKey: s.BS2_API_KEY,
          apiSecret: s.BS2_API_SECRET ?? '',
          scope: s.BS2_SCOPE ?? '',
          initialRefreshToken: s.BS2_REFRESH_TOKEN ?? '',
        };
  return credentials ? [{ accountId: s.BS2_ACCOUNT_ID, bank: 'BS2', credentials, adapter, simulated }] : [];
}

/** An onboarded BS2 account: the installation's endpoints, the onboarding's credentials and webhook Authorization. */
export function bs2AccountFromOnboarded(o: OnboardedAccount, s: Bs2AccountSettings, version: string): Bs2Account {
  const { adapter, simulated } = bs2AdapterFromSettings(s, version, o.webhook.bs2?.authorization);
  const c = o.credentials?.kind === 'BS2' ? o.credentials : undefined;
  return {
    accountId: o.accountId,
    bank: 'BS2',
    adapter,
    simulated,
    credentials: {
      apiKey: c?.apiKey ?? '',
      apiSecret: c?.apiSecret ?? '',
      scope: c?.scope ?? '',
      initialRefreshToken: c?.refreshToken ?? '',
    },
  };
}
