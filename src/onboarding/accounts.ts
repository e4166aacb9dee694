/**
 * Onboarded accounts as the rest of the system sees them. The onboarding workflow (`onboarding:<accountId>`) is
 * the source of truth: the worker's bank registry and the API's account directory ask it (query
 * `onboardedAccount`, encrypted on the wire by the payload codec) and cache the answer briefly. The bank's
 * endpoints and [U] settings are the installation's (src/banks/accounts.ts); credentials and convênio come from
 * the onboarding.
 */
import { Context } from '@temporalio/activity';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { AccountResolver } from '../banks/registry';
import { type BankAccount, type BankSettings, bankModule } from '../banks';
import { type AccountInfo, type DirectorySettings, policyFor } from '../boletos/directory';
import { requestRulesFor } from '../banks/request-rules';
import { type OnboardedAccount, onboardedAccountQuery, onboardingWorkflowId } from '../contracts/onboarding';
import { boundedQuery, type TemporalBounds } from '../temporal/bounded';

export type OnboardingBankSettings = BankSettings;

/** The account's adapter settings and credentials, by its bank's module (credentials empty until submitted). */
export function bankAccountFromOnboarded(o: OnboardedAccount, s: OnboardingBankSettings, version: string): BankAccount {
  return bankModule(o.bank).accountFromOnboarded(o, s, version) as BankAccount;
}

/** What the API needs to know about an onboarded account: owner, ACTIVE or not, policy, webhook verification. */
export function accountInfoFromOnboarded(o: OnboardedAccount, s: DirectorySettings): AccountInfo {
  const d = o.data;
  const defaults = o.configuration?.chargeDefaults;
  return {
    accountId: o.accountId,
    bank: o.bank,
    tenantId: o.tenantId,
    active: o.step === 'ACTIVE',
    chooseNossoNumero: bankModule(o.bank).descriptor.choosesNossoNumero,
    policy: policyFor(o.bank, s),
    requestRules: requestRulesFor(o.bank, s),
    beneficiary: {
      name: d.company.legalName,
      document: d.company.cnpj,
      agencyAccount: `${d.agency}/${d.account}-${d.accountDigit}`,
    },
    ...bankModule(o.bank).onboardedWebhookVerification(o),
    ...(defaults ? { chargeDefaults: defaults } : {}),
  };
}

/** The onboarding's account, or undefined when no onboarding has this id. `bounds`: fail fast with no worker (the API). */
export async function fetchOnboardedAccount(
  client: Client,
  accountId: string,
  bounds?: TemporalBounds,
): Promise<OnboardedAccount | undefined> {
  const query = () => client.workflow.getHandle(onboardingWorkflowId(accountId)).query(onboardedAccountQuery);
  try {
    return await (bounds ? boundedQuery(client, bounds, query) : query());
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return undefined;
    throw e;
  }
}

/** The worker's resolver: asks the onboarding workflow (from inside an activity, with the activity's client). */
export function onboardedAccountResolver(s: OnboardingBankSettings, version: string): AccountResolver {
  return async (accountId) => {
    const o = await fetchOnboardedAccount(Context.current().client, accountId);
    return o && o.step !== 'CANCELLED' ? bankAccountFromOnboarded(o, s, version) : undefined;
  };
}
