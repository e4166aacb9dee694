/**
 * Which bank accounts a tenant may issue boletos on, and the lifecycle policy of each. Until the onboarding
 * workflow (which will mark accounts ACTIVE) exists, the accounts are the ones configured in the environment
 * (src/banks/accounts.ts), all owned by ACCOUNTS_TENANT_ID.
 */
import type { BankAccount } from '../banks/accounts';
import type { BankCode } from '../contracts/bank';
import { type BankRequestRules, type RequestRuleSettings, requestRulesFor } from '../banks/request-rules';
import type { BoletoPolicy } from '../contracts/boleto';
import type { ConvenioConfig } from '../contracts/onboarding';

export interface AccountInfo {
  accountId: string;
  bank: BankCode;
  tenantId: string;
  active: boolean;
  /** The beneficiary chooses the nosso número (Itaú carteira 109); the bank assigns it otherwise (BS2). */
  chooseNossoNumero: boolean;
  policy: BoletoPolicy;
  beneficiary: { name: string; document: string; agencyAccount: string };
  /** BS2: the Authorization value agreed with the bank for its webhooks (unset: webhooks are only hints). */
  webhookAuthorization?: string;
  /** Itaú: the client id/secret we registered with the notification subscription; Itaú gets a token with them. */
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
  ITAU_WEBHOOK_CLIENT_ID?: string;
  ITAU_WEBHOOK_CLIENT_SECRET?: string;
  SIM_ITAU_WEBHOOK_CLIENT_ID?: string;
  SIM_ITAU_WEBHOOK_CLIENT_SECRET?: string;
}

/** Bank defaults: BS2 settles up to 3 business days after payment, early morning; payable 60 days after due. */
export function policyFor(bank: BankCode, s: DirectorySettings): BoletoPolicy {
  return {
    expireAfterDays: s.BOLETO_EXPIRE_AFTER_DAYS,
    closeAfterDays: s.BOLETO_CLOSE_AFTER_DAYS,
    registrationDeadlineHours: 24,
    poll: {
      openEveryDays: s.BOLETO_POLL_OPEN_EVERY_DAYS,
      overdueEveryDays: s.BOLETO_POLL_OVERDUE_EVERY_DAYS,
      settlementHour: bank === 'BS2' ? 7 : 8,
      settlementBusinessDays: bank === 'BS2' ? 3 : 2,
      jitterMinutes: 30,
    },
  };
}

/** Our side of Itaú's notification OAuth: configured, or the embedded simulator's pair. */
function itauWebhookClient(simulated: boolean, s: DirectorySettings): Pick<AccountInfo, 'webhookClient'> {
  const clientId = s.ITAU_WEBHOOK_CLIENT_ID ?? (simulated ? s.SIM_ITAU_WEBHOOK_CLIENT_ID : undefined);
  const clientSecret = s.ITAU_WEBHOOK_CLIENT_SECRET ?? (simulated ? s.SIM_ITAU_WEBHOOK_CLIENT_SECRET : undefined);
  return clientId && clientSecret ? { webhookClient: { clientId, clientSecret } } : {};
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

  static fromBankAccounts(accounts: BankAccount[], s: DirectorySettings, resolver?: AccountInfoResolver): AccountDirectory {
    return new AccountDirectory(
      accounts.map((a) => ({
        accountId: a.accountId,
        bank: a.bank,
        tenantId: s.ACCOUNTS_TENANT_ID,
        active: true,
        chooseNossoNumero: (a.bank) === 'ITAU',
        policy: policyFor(a.bank, s),
        requestRules: requestRulesFor(a.bank, s),
        beneficiary: { name: s.BENEFICIARY_NAME, document: s.BENEFICIARY_DOCUMENT, agencyAccount: a.accountId },
        ...(a.bank === 'BS2' && a.adapter.webhookAuthorization ? { webhookAuthorization: a.adapter.webhookAuthorization } : {}),
        ...(a.bank === 'ITAU' ? itauWebhookClient(a.simulated, s) : {}),
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
