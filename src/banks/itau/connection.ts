/**
 * One Itaú account's mTLS pool and client_credentials token cache in this process (src/banks/registry.ts keeps
 * them; credentials read when first used). Tokens do not rotate, so no keeper workflow is needed.
 */
import type { BankConnection } from '../module';
import type { BankRegistry } from '../registry';
import { type ItauAccount, loadItauCredentials } from './account';
import { ItauAdapter } from './adapter';
import { ItauHttp } from './client';
import { ItauTokenCache } from './tokens';

export interface ItauConnection extends BankConnection {
  readonly http: ItauHttp;
  readonly tokens: ItauTokenCache;
  adapter(): ItauAdapter;
}

export function connectItau(account: ItauAccount): ItauConnection {
  const http = new ItauHttp(account.adapter, loadItauCredentials(account.credentials));
  const tokens = new ItauTokenCache(http);
  return { http, tokens, adapter: () => new ItauAdapter({ http, tokens }), close: () => http.close() };
}

/** The Itaú account's pool, token cache and adapter (Itaú-only operations: validate, subscriptions). */
export function itauConnection(registry: BankRegistry, accountId: string): ItauConnection {
  registry.accountOf(accountId, 'ITAU');
  return registry.connection(accountId) as ItauConnection;
}
