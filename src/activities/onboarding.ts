/**
 * The onboarding workflow's bank-neutral work, as thin activities: the connectivity check (the account's token,
 * then its bank module's probe). Each bank's own onboarding activities (certificates, token hand-over,
 * subscriptions) live in its folder (src/banks/<bank>/) and are registered through its module. The account under
 * onboarding travels in the input (encrypted by the payload codec) and is put in this worker's bank registry, so
 * the check uses exactly what CS submitted. Bank refusals come back as the bank's words, never a stack trace;
 * secrets are never logged or put in messages.
 */
import { Context } from '@temporalio/activity';
import { BankError } from '../banks/errors';
import { bankModule } from '../banks';
import type { BankRegistry } from '../banks/registry';
import { bankAccountFromOnboarded, type OnboardingBankSettings } from '../onboarding/accounts';
import type { ConnectivityResult, OnboardedAccount } from '../contracts/onboarding';
import { withBankFailures } from './to-failure';

export interface OnboardingActivityDeps {
  registry: BankRegistry;
  /** The installation's bank settings (endpoints, [U] options); absent: onboarding activities refuse to run. */
  settings?: OnboardingBankSettings;
  version: string;
}

export const createOnboardingActivities = (deps: OnboardingActivityDeps) => {
  const build = (account: OnboardedAccount) => {
    if (!deps.settings) throw new Error('this worker has no bank settings for onboarding');
    return bankAccountFromOnboarded(account, deps.settings, deps.version);
  };

  return {
    /**
     * Token + a call that proves the credentials work for cobrança (the bank module's probe: a validation-only
     * registration, a search). A bank refusal is a failed check with the bank's message, not an error.
     */
    async onboardingCheckConnectivity(input: { account: OnboardedAccount }): Promise<ConnectivityResult> {
      const checks: ConnectivityResult['checks'] = [];
      const at = () => new Date().toISOString();
      const failed = (name: string, e: unknown): ConnectivityResult => {
        if (!(e instanceof BankError)) throw e; // unexpected: let Temporal retry it
        if (e.kind === 'UNAVAILABLE') throw e; // the bank is down: retried, then reported by the workflow
        const fields = (e.details.fields ?? []).map((f) => `${f.field}: ${f.message}`).join('; ');
        const detail = fields ? `${e.message} (${fields})` : e.message;
        checks.push({ name, ok: false, detail });
        return { ok: false, at: at(), message: `${name}: ${detail}`, checks };
      };
      return withBankFailures(async () => {
        const a = build(input.account);
        deps.registry.put(a, { ttlMs: 30_000 });
        const ctx = Context.current();
        const adapter = deps.registry.activityAdapter(a.accountId, {
          client: ctx.client,
          taskQueue: ctx.info.taskQueue,
          isLocal: false,
          uncached: true,
        });
        try {
          const t = await adapter.authenticate();
          checks.push({
            name: 'token',
            ok: true,
            detail: t.expiresAt ? `access token valid until ${t.expiresAt}` : 'access token obtained',
          });
        } catch (e) {
          return failed('token', e);
        }
        const probe = bankModule(a.bank).connectivityProbe;
        try {
          checks.push({ name: probe.name, ok: true, detail: await probe.run(adapter, a, input.account) });
        } catch (e) {
          return failed(probe.name, e);
        }
        return { ok: true, at: at(), message: checks.map((c) => c.detail).join('; '), checks };
      });
    },
  };
};
