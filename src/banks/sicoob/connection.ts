/**
 * One Sicoob account's mTLS pool and client_credentials token cache in this process (src/banks/registry.ts keeps
 * them; credentials read when first used). Tokens do not rotate, so no keeper workflow is needed.
 */
import type { BankConnection } from '../module';
import { loadSicoobCredentials, type SicoobAccount } from './account';
import { SicoobAdapter } from './adapter';
import { SicoobHttp } from './client';
import { SicoobTokenCache } from './tokens';

export interface SicoobConnection extends BankConnection {
  readonly http: SicoobHttp;
  readonly tokens: SicoobTokenCache;
  adapter(): SicoobAdapter;
}

export function connectSicoob(account: SicoobAccount): SicoobConnection {
  const http = new SicoobHttp(account.adapter, loadSicoobCredentials(account.credentials));
  const tokens = new SicoobTokenCache(http);
  return { http, tokens, adapter: () => new SicoobAdapter({ http, tokens }), close: () => http.close() };
}
