/** One BS2 account's HTTP pool in this process (src/banks/registry.ts keeps it); the adapter takes the caller's token source. */
import type { BankConnection } from '../module';
import type { BankRegistry } from '../registry';
import type { Bs2Account } from './account';
import { Bs2Adapter } from './adapter';
import { Bs2Http } from './client';

export interface Bs2Connection extends BankConnection {
  readonly http: Bs2Http;
}

export function connectBs2(account: Bs2Account): Bs2Connection {
  const http = new Bs2Http(account.adapter);
  return {
    http,
    adapter(tokens) {
      if (!tokens) throw new Error(`BS2 account ${account.accountId}: a token source is required`);
      return new Bs2Adapter({ http, tokens });
    },
    close: () => http.close(),
  };
}

/** The BS2 account's pool (its token refresh uses it); a VALIDATION BankError for another bank's account. */
export function bs2Http(registry: BankRegistry, accountId: string): Bs2Http {
  registry.accountOf(accountId, 'BS2');
  return (registry.connection(accountId) as Bs2Connection).http;
}
