/**
 * Client bank accounts, until onboarding (issue 9) stores them: a static list built from the environment.
 * With no real BS2 credentials configured, the one account is BS2 at the embedded simulator with the
 * simulator's seeded app credentials. Real credentials: BS2_BASE_URL + BS2_API_KEY + BS2_API_SECRET + BS2_SCOPE
 * + BS2_REFRESH_TOKEN (+ BS2_USER_AGENT, the production code BS2 gives you).
 */
import { BS2_SIM_DEFAULT_APP } from '../simulators/bs2/config';
import { bs2AdapterConfig, type Bs2AdapterConfig, type Bs2Credentials } from './bs2/config';

export interface Bs2Account {
  accountId: string;
  bank: 'BS2';
  credentials: Bs2Credentials;
  adapter: Bs2AdapterConfig;
  /** True when this is the embedded simulator's account. */
  simulated: boolean;
}

export type BankAccount = Bs2Account;

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

export function accountsFromSettings(s: Bs2AccountSettings, version = '0'): BankAccount[] {
  const real = s.BS2_BASE_URL !== undefined;
  const simHost = s.SIM_HOST === '0.0.0.0' ? '127.0.0.1' : s.SIM_HOST;
  const adapter = bs2AdapterConfig({
    baseUrl: s.BS2_BASE_URL ?? `http://${simHost}:${s.SIM_BS2_PORT}`,
    userAgent: s.BS2_USER_AGENT ?? `boletoflow/${version}`,
    timeoutMs: s.BS2_TIMEOUT_MS,
    registerApi: s.BS2_REGISTER_API,
    searchFirstPage: s.BS2_SEARCH_FIRST_PAGE,
    ...(s.BS2_DUE_DATE_PATH ? { dueDateChangePath: s.BS2_DUE_DATE_PATH } : {}),
    ...(s.BS2_WEBHOOK_AUTHORIZATION ? { webhookAuthorization: s.BS2_WEBHOOK_AUTHORIZATION } : {}),
  });
  const credentials: Bs2Credentials = real
    ? { apiKey: s.BS2_API_KEY ?? '', apiSecret: s.BS2_API_SECRET ?? '', scope: s.BS2_SCOPE ?? '', initialRefreshToken: s.BS2_REFRESH_TOKEN ?? '' }
    : { apiKey: BS2_SIM_DEFAULT_APP.apiKey, apiSecret: BS2_SIM_DEFAULT_APP.apiSecret, scope: BS2_SIM_DEFAULT_APP.scope, initialRefreshToken: BS2_SIM_DEFAULT_APP.refreshToken };
  return [{ accountId: s.BS2_ACCOUNT_ID, bank: 'BS2', credentials, adapter, simulated: !real }];
}
