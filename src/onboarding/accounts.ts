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
import { type BankAccount, bs2AdapterFromSettings, type Bs2AccountSettings, itauAdapterFromSettings, type ItauAccountSettings, itauServerCa } from '../banks/accounts';
import { type AccountInfo, type DirectorySettings, policyFor } from '../boletos/directory';
import { requestRulesFor } from '../banks/request-rules';
import { type OnboardedAccount, onboardedAccountQuery, onboardingWorkflowId } from '../contracts/onboarding';
import { boundedQuery, type TemporalBounds } from '../temporal/bounded';

export type OnboardingBankSettings = Bs2AccountSettings & ItauAccountSettings;

/** The account's adapter settings and credentials (an Itaú account without credentials yet gets empty ones). */
export function bankAccountFromOnboarded(o: OnboardedAccount, s: OnboardingBankSettings, version: string): BankAccount {
  if (o.bank === 'ITAU') {
    const { adapter, simulated } = itauAdapterFromSettings(s, {
      agencia: o.data.agency,
      conta: o.data.account,
      ...(o.configuration ? { carteira: o.configuration.convenio.carteira } : {}),
      ...(o.configuration?.convenio.pixKey ? { pixKey: o.configuration.convenio.pixKey } : {}),
    });
    const c = o.credentials?.kind === 'ITAU' ? o.credentials : undefined;
    const caPem = itauServerCa(s);
    return {
      accountId: o.accountId,
      bank: 'ITAU',
      adapter,
      simulated,
      credentials: {
        kind: 'inline',
        credentials: { clientId: c?.clientId ?? '', clientSecret: c?.clientSecret ?? '', certPem: c?.certificatePem ?? '', keyPem: c?.privateKeyPem ?? '', ...(caPem ? { caPem } : {}) },
      },
    };
  }
  const { adapter, simulated } = bs2AdapterFromSettings(s, version, o.webhook.bs2?.authorization);
  const c = o.credentials?.kind === 'BS2' ? o.credentials : undefined;
  return {
    accountId: o.accountId,
    bank: 'BS2',
    adapter,
    simulated,
    credentials: { apiKey: c?.apiKey ?? '', apiSecret: c?.apiSecret ?? '', scope: c?.scope ?? '', initialRefreshToken: c?.refreshToken ?? '' },
  };
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
    chooseNossoNumero: o.bank === 'ITAU',
    policy: policyFor(o.bank, s),
    requestRules: requestRulesFor(o.bank, s),
    beneficiary: { name: d.company.legalName, document: d.company.cnpj, agencyAccount: `${d.agency}/${d.account}-${d.accountDigit}` },
    ...(o.webhook.bs2 ? { webhookAuthorization: o.webhook.bs2.authorization } : {}),
    ...(o.webhook.itau ? { webhookClient: { clientId: o.webhook.itau.clientId, clientSecret: o.webhook.itau.clientSecret } } : {}),
    ...(defaults ? { chargeDefaults: defaults } : {}),
  };
}

/** The onboarding's account, or undefined when no onboarding has this id. `bounds`: fail fast with no worker (the API). */
export async function fetchOnboardedAccount(client: Client, accountId: string, bounds?: TemporalBounds): Promise<OnboardedAccount | undefined> {
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
