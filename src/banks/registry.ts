/**
 * Account id → that account's bank adapter. Each account's HTTP pools and token caches are made once per process by
 * its bank module (`connect`) and shared by every call (keep-alive). Banks whose tokens rotate (token strategy
 * 'keeper') need a token source from the caller: activities get the module's keeper sources (`activityAdapter`),
 * other callers pass their own (in-memory: CLI, tests).
 */
import { type BankAccount, bankModule } from '.';
import type { BankAdapter } from './bank-adapter';
import { BankError } from './errors';
import type { AccessTokenSource, ActivityTokenContext, BankConnection } from './module';
import type { BankCode } from '../contracts/bank';

/** Finds an account that is not configured statically (the onboarded ones); undefined when there is none. */
export type AccountResolver = (accountId: string) => Promise<BankAccount | undefined>;

export class BankRegistry {
  private readonly accounts = new Map<string, BankAccount>();
  /** When a resolved (onboarded) account must be looked up again: credentials can change. Static ones never. */
  private readonly expires = new Map<string, number>();
  private readonly connections = new Map<string, BankConnection>();
  /** Per bank with a keeper token strategy: this process's token sources (one cache per account). */
  private readonly keeperSources = new Map<
    BankCode,
    (accountId: string, ctx: ActivityTokenContext) => AccessTokenSource
  >();

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
    void this.connections.get(account.accountId)?.close();
    this.connections.delete(account.accountId);
  }

  list(): BankAccount[] {
    return [...this.accounts.values()];
  }

  account(accountId: string): BankAccount {
    const a = this.accounts.get(accountId);
    if (!a)
      throw new BankError('VALIDATION', `unknown bank account ${accountId}`, {
        fields: [{ field: 'accountId', message: 'no such account' }],
      });
    return a;
  }

  /** The account, when it is of `bank` (for a bank's own activities); a VALIDATION BankError otherwise. */
  accountOf<B extends BankCode>(accountId: string, bank: B): Extract<BankAccount, { bank: B }> {
    const a = this.account(accountId);
    if (a.bank !== bank)
      throw new BankError('VALIDATION', `account ${accountId} is not a ${bankModule(bank).descriptor.name} account`, {
        fields: [{ field: 'accountId', message: `not ${bank}` }],
      });
    return a as Extract<BankAccount, { bank: B }>;
  }

  /** The account's pools and caches in this process, made by its bank module when first needed. */
  connection(accountId: string): BankConnection {
    let c = this.connections.get(accountId);
    if (!c) {
      const a = this.account(accountId);
      c = bankModule(a.bank).connect(a);
      this.connections.set(accountId, c);
    }
    return c;
  }

  /** The account's adapter; a bank whose tokens a keeper owns needs the caller's token source. */
  adapter(accountId: string, tokens?: AccessTokenSource): BankAdapter {
    return this.connection(accountId).adapter(tokens);
  }

  /** The account's adapter inside an activity: tokens from `override` (tests), else as the bank's token strategy says. */
  activityAdapter(
    accountId: string,
    ctx: ActivityTokenContext,
    override?: (accountId: string) => AccessTokenSource,
  ): BankAdapter {
    const bank = this.account(accountId).bank;
    const strategy = bankModule(bank).tokens;
    if (strategy.kind === 'self') return this.adapter(accountId);
    if (override) return this.adapter(accountId, override(accountId));
    let sources = this.keeperSources.get(bank);
    if (!sources) this.keeperSources.set(bank, (sources = strategy.tokenSources()));
    return this.adapter(accountId, sources(accountId, ctx));
  }

  async close(): Promise<void> {
    await Promise.all([...this.connections.values()].map((c) => c.close()));
    this.connections.clear();
  }
}

/** Same configuration and credentials: keep the pools and token caches. */
const sameAccount = (a: BankAccount, b: BankAccount): boolean => JSON.stringify(a) === JSON.stringify(b);
