/**
 * Account id → that account's bank adapter. HTTP pools are per account and shared by every call (keep-alive);
 * the token source is chosen by the caller (the keeper workflow in the worker, in-memory elsewhere).
 */
import type { BankAdapter } from './bank-adapter';
import type { BankAccount, Bs2Account } from './accounts';
import { Bs2Adapter } from './bs2/adapter';
import { Bs2Http } from './bs2/client';
import type { Bs2TokenSource } from './bs2/tokens';
import { BankError } from './errors';

export class BankRegistry {
  private readonly accounts = new Map<string, BankAccount>();
  private readonly pools = new Map<string, Bs2Http>();

  constructor(accounts: BankAccount[]) {
    for (const a of accounts) this.accounts.set(a.accountId, a);
  }

  /** Adds or replaces an account (onboarding will call this; tests too). */
  put(account: BankAccount): void {
    this.accounts.set(account.accountId, account);
    void this.pools.get(account.accountId)?.close();
    this.pools.delete(account.accountId);
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
    return this.account(accountId);
  }

  bs2Http(accountId: string): Bs2Http {
    let h = this.pools.get(accountId);
    if (!h) {
      h = new Bs2Http(this.bs2Account(accountId).adapter);
      this.pools.set(accountId, h);
    }
    return h;
  }

  adapter(accountId: string, tokens: Bs2TokenSource): BankAdapter {
    return new Bs2Adapter({ http: this.bs2Http(accountId), tokens });
  }

  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.close()));
    this.pools.clear();
  }
}
