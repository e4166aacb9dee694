/**
 * Account id → that account's bank adapter, by bank. HTTP pools are per account and shared by every call
 * (keep-alive). BS2: the token source is chosen by the caller (the keeper workflow in the worker, in-memory
 * elsewhere). Itaú: tokens do not rotate, so each process keeps one client_credentials cache per account here,
 * next to the account's mTLS pool (credentials read when first used).
 */
import type { BankAdapter } from './bank-adapter';
import { type BankAccount, type Bs2Account, type ItauAccount, loadItauCredentials } from './accounts';
import { Bs2Adapter } from './bs2/adapter';
import { Bs2Http } from './bs2/client';
import type { Bs2TokenSource } from './bs2/tokens';
import { BankError } from './errors';
import { ItauAdapter } from './itau/adapter';
import { ItauHttp } from './itau/client';
import { ItauTokenCache } from './itau/tokens';

/** Finds an account that is not configured statically (the onboarded ones); undefined when there is none. */
export type AccountResolver = (accountId: string) => Promise<BankAccount | undefined>;

export class BankRegistry {
  private readonly accounts = new Map<string, BankAccount>();
  /** When a resolved (onboarded) account must be looked up again: credentials can change. Static ones never. */
  private readonly expires = new Map<string, number>();
  private readonly pools = new Map<string, Bs2Http>();
  private readonly itau = new Map<string, { http: ItauHttp; tokens: ItauTokenCache }>();

  constructor(
    accounts: BankAccount[],
    private readonly resolver?: AccountResolver,
    private readonly resolvedTtlMs = 30_000,
  ) {
    for (const a of accounts) this.accounts.set(a.accountId, a);
  }

  /**
   * The account, looked up through the resolver when it is not known here or its entry is older than the TTL.
   * Activities call this before using an account; the synchronous accessors below then find it.
   */
  async ensure(accountId: string): Promise<BankAccount> {
    const known = this.accounts.get(accountId);
    const expiry = this.expires.get(accountId);
    if (known && (expiry === undefined || expiry > Date.now())) return known;
    const found = this.resolver ? await this.resolver(accountId) : undefined;
    if (found) {
      if (!known || !sameAccount(known, found)) this.put(found, { ttlMs: this.resolvedTtlMs });
      else this.expires.set(accountId, Date.now() + this.resolvedTtlMs);
      return found;
    }
    if (known) return known;
    return this.account(accountId);
  }

  /** Adds or replaces an account (onboarding, tests); `ttlMs` makes `ensure` look it up again after that long. */
  put(account: BankAccount, opts: { ttlMs?: number } = {}): void {
    if (opts.ttlMs !== undefined) this.expires.set(account.accountId, Date.now() + opts.ttlMs);
    else this.expires.delete(account.accountId);
    this.accounts.set(account.accountId, account);
    void this.pools.get(account.accountId)?.close();
    this.pools.delete(account.accountId);
    void this.itau.get(account.accountId)?.http.close();
    this.itau.delete(account.accountId);
  }

  list(): BankAccount[] {
    return [...this.accounts.values()];
  }

  account(accountId: string): BankAccount {
    const a = this.accounts.get(accountId);
    if (!a) throw new BankError('VALIDATION', `unknown bank account ${accountId}`, { fields: [{ field: 'accountId', message: 'no such account' }] });
    return a;
  }

  bs2Account(accountId: string): Bs2Account {
    const a = this.account(accountId);
    if (a.bank !== 'BS2') throw new BankError('VALIDATION', `account ${accountId} is not a BS2 account`, { fields: [{ field: 'accountId', message: 'not BS2' }] });
    return a;
  }

  itauAccount(accountId: string): ItauAccount {
    const a = this.account(accountId);
    if (a.bank !== 'ITAU') throw new BankError('VALIDATION', `account ${accountId} is not an Itaú account`, { fields: [{ field: 'accountId', message: 'not ITAU' }] });
    return a;
  }

  /** The Itaú account's mTLS pool and token cache (one per account per process). */
  itauClient(accountId: string): { http: ItauHttp; tokens: ItauTokenCache } {
    let c = this.itau.get(accountId);
    if (!c) {
      const a = this.itauAccount(accountId);
      const http = new ItauHttp(a.adapter, loadItauCredentials(a.credentials));
      c = { http, tokens: new ItauTokenCache(http) };
      this.itau.set(accountId, c);
    }
    return c;
  }

  bs2Http(accountId: string): Bs2Http {
    let h = this.pools.get(accountId);
    if (!h) {
      h = new Bs2Http(this.bs2Account(accountId).adapter);
      this.pools.set(accountId, h);
    }
    return h;
  }

  /** The account's adapter. BS2 needs the caller's token source; Itaú uses this registry's per-account cache. */
  adapter(accountId: string, tokens?: Bs2TokenSource): BankAdapter {
    const a = this.account(accountId);
    if (a.bank === 'ITAU') return new ItauAdapter(this.itauClient(accountId));
    if (!tokens) throw new Error(`BS2 account ${accountId}: a token source is required`);
    return new Bs2Adapter({ http: this.bs2Http(accountId), tokens });
  }

  /** The Itaú adapter of an Itaú account (for Itaú-only operations: validate, instructions, subscriptions). */
  itauAdapter(accountId: string): ItauAdapter {
    return new ItauAdapter(this.itauClient(accountId));
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
    this.pools.clear();
    await Promise.all([...this.itau.values()].map((c) => c.http.close()));
    this.itau.clear();
  }
}

/** Same configuration and credentials: keep the pools and token caches. */
const sameAccount = (a: BankAccount, b: BankAccount): boolean => JSON.stringify(a) === JSON.stringify(b);
