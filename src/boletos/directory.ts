/**
 * Which bank accounts a tenant may issue boletos on, and the lifecycle policy of each. Until the onboarding
 * workflow (which will mark accounts ACTIVE) exists, the accounts are the ones configured in the environment
 * (src/banks/accounts.ts), all owned by ACCOUNTS_TENANT_ID.
 */
import { type BankAccount, type BankSettings, bankModule } from '../banks';
import type { BankCode } from '../contracts/bank';
import { type BankRequestRules, type RequestRuleSettings, requestRulesFor } from '../banks/request-rules';
import type { BoletoPolicy } from '../contracts/boleto';
import type { ConvenioConfig } from '../contracts/onboarding';

export interface AccountInfo {
  accountId: string;
  bank: BankCode;
  tenantId: string;
  active: boolean;
  /** The beneficiary chooses the nosso número (the bank's descriptor says); the bank assigns it otherwise. */
  chooseNossoNumero: boolean;
  policy: BoletoPolicy;
  beneficiary: { name: string; document: string; agencyAccount: string };
  /** The Authorization value agreed with the bank for its webhooks (unset: webhooks are only hints). */
  webhookAuthorization?: string;
  /** The client id/secret we registered with the bank's notification subscription; it gets a token with them. */
  webhookClient?: { clientId: string; clientSecret: string };
  /** Onboarded accounts: the charge defaults applied to boletos that do not set their own. */
  chargeDefaults?: ConvenioConfig['chargeDefaults'];
  /** What the bank is known to refuse, checked before anything starts (absent: the bank's defaults). */
  requestRules?: BankRequestRules;
}

/** Finds accounts not configured statically (the onboarded ones). */
export type AccountInfoResolver = (accountId: string) => Promise<AccountInfo | undefined>;

export interface DirectorySettings extends RequestRuleSettings {
  ACCOUNTS_TENANT_ID: string;
  BOLETO_EXPIRE_AFTER_DAYS: number;
  BOLETO_POLL_OPEN_EVERY_DAYS: number;
  BOLETO_POLL_OVERDUE_EVERY_DAYS: number;
  BOLETO_CLOSE_AFTER_DAYS: number;
  BENEFICIARY_NAME: string;
  BENEFICIARY_DOCUMENT: string;
}

/** The installation's policy, with the bank's settlement timing (its descriptor). */
export function policyFor(bank: BankCode, s: DirectorySettings): BoletoPolicy {
  return {
    expireAfterDays: s.BOLETO_EXPIRE_AFTER_DAYS,
    closeAfterDays: s.BOLETO_CLOSE_AFTER_DAYS,
    registrationDeadlineHours: 24,
    poll: {
      openEveryDays: s.BOLETO_POLL_OPEN_EVERY_DAYS,
      overdueEveryDays: s.BOLETO_POLL_OVERDUE_EVERY_DAYS,
      settlementHour: bankModule(bank).descriptor.settlement.hour,
      settlementBusinessDays: bankModule(bank).descriptor.settlement.businessDays,
      jitterMinutes: 30,
    },
  };
}

export class AccountDirectory {
  private readonly byId = new Map<string, AccountInfo>();
  /** Resolved (onboarded) accounts, cached briefly: `undefined` = looked up and not found. */
  private readonly resolved = new Map<string, { info: AccountInfo | undefined; at: number }>();

  constructor(
    accounts: AccountInfo[],
    private readonly resolver?: AccountInfoResolver,
    private readonly opts: { ttlMs: number; missTtlMs: number } = { ttlMs: 10_000, missTtlMs: 2_000 },
  ) {
    for (const a of accounts) this.byId.set(a.accountId, a);
  }

  /** The account, static or onboarded (looked up through the resolver, cached for a few seconds). */
  async resolve(accountId: string): Promise<AccountInfo | undefined> {
    const fixed = this.byId.get(accountId);
    if (fixed || !this.resolver) return fixed;
    const hit = this.resolved.get(accountId);
    const now = Date.now();
    if (hit && now - hit.at < (hit.info ? this.opts.ttlMs : this.opts.missTtlMs)) return hit.info;
    const info = await this.resolver(accountId);
    this.resolved.set(accountId, { info, at: Date.now() });
    return info;
  }

  /** The tenant's account (static or onboarded), or undefined: another tenant's account looks like a missing one. */
  async resolveForTenant(tenantId: string, accountId: string): Promise<AccountInfo | undefined> {
    const a = await this.resolve(accountId);
    return a && a.tenantId === tenantId ? a : undefined;
  }

  /** Forget a cached onboarded account (this process just changed it). */
  invalidate(accountId: string): void {
    this.resolved.delete(accountId);
  }

  /** True when the id belongs to a statically configured account. */
  isStatic(accountId: string): boolean {
    return this.byId.has(accountId);
  }

  /** The environment's accounts; `s` also carries each bank's settings (its webhook verification). */
  static fromBankAccounts(
    accounts: BankAccount[],
    s: DirectorySettings & Partial<BankSettings>,
    resolver?: AccountInfoResolver,
  ): AccountDirectory {
    return new AccountDirectory(
      accounts.map((a) => ({
        accountId: a.accountId,
        bank: a.bank,
        tenantId: s.ACCOUNTS_TENANT_ID,
        active: true,
        chooseNossoNumero: bankModule(a.bank).descriptor.choosesNossoNumero,
        policy: policyFor(a.bank, s),
        requestRules: requestRulesFor(a.bank, s),
        beneficiary: { name: s.BENEFICIARY_NAME, document: s.BENEFICIARY_DOCUMENT, agencyAccount: a.accountId },
        ...bankModule(a.bank).webhookVerification(a, s as BankSettings),
      })),
      resolver,
    );
  }

  put(a: AccountInfo): void {
    this.byId.set(a.accountId, a);
  }

  get(accountId: string): AccountInfo | undefined {
    return this.byId.get(accountId);
  }

  /** The tenant's account, or undefined (another tenant's account looks exactly like a missing one). */
  forTenant(tenantId: string, accountId: string): AccountInfo | undefined {
    const a = this.byId.get(accountId);
    return a && a.tenantId === tenantId ? a : undefined;
  }

  byBank(bank: BankCode): AccountInfo[] {
    return [...this.byId.values()].filter((a) => a.bank === bank);
  }
}
