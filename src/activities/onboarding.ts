/**
 * The onboarding workflow's bank work, as thin activities: Itaú's certificado dinâmico with the onboarding's own key
 * pair, handing a BS2 refresh token to the account's token keeper, and the connectivity check. The account under
 * onboarding travels in the input (encrypted by the payload codec) and is put in this worker's bank registry, so
 * the check uses exactly what CS submitted. Bank refusals come back as the bank's words, never a stack trace;
 * secrets are never logged or put in messages.
 */
import { Context } from '@temporalio/activity';
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { Bs2Account, ItauAccount } from '../banks/accounts';
import type { BankAdapter } from '../banks/bank-adapter';
import { KeeperTokenSource } from '../banks/bs2/keeper-client';
import { BankError } from '../banks/errors';
import { generateKeyAndCsr, requestCertificate } from '../banks/itau/certificate';
import type { BankRegistry } from '../banks/registry';
import type { RegisterBoletoRequest } from '../contracts/bank';
import { addDays, saoPauloDate } from '../domain';
import { bankAccountFromOnboarded, type OnboardingBankSettings } from '../onboarding/accounts';
import { bs2KeeperWorkflowId, bs2TokenKeeper, setBs2RefreshToken } from '../workflows/bs2-token-keeper';
import type { ConnectivityResult, NotificationSubscriptionsView, OnboardedAccount } from '../contracts/onboarding';
import { withBankFailures } from './to-failure';

export interface OnboardingActivityDeps {
  registry: BankRegistry;
  /** The installation's bank settings (endpoints, [U] options); absent: onboarding activities refuse to run. */
  settings?: OnboardingBankSettings;
  version: string;
}

/** A payer for Itaú's validation-only call (nothing is created): a valid CPF and a plain address. */
const VALIDATION_PAYER: RegisterBoletoRequest['payer'] = {
  name: 'Pagador de Teste de Conectividade',
  document: '52998224725',
  address: { street: 'Rua Teste', number: '1', district: 'Centro', city: 'Sao Paulo', state: 'SP', zipCode: '01001000' },
};

export const createOnboardingActivities = (deps: OnboardingActivityDeps) => {
  const build = (account: OnboardedAccount) => {
    if (!deps.settings) throw new Error('this worker has no bank settings for onboarding');
    return bankAccountFromOnboarded(account, deps.settings, deps.version);
  };

  const adapterFor = (a: Bs2Account | ItauAccount): BankAdapter => {
    deps.registry.put(a, { ttlMs: 30_000 });
    if (a.bank === 'ITAU') return deps.registry.adapter(a.accountId);
    const ctx = Context.current();
    return deps.registry.adapter(a.accountId, new KeeperTokenSource(ctx.client, { accountId: a.accountId, taskQueue: ctx.info.taskQueue }));
  };

  return {
    /** CSR from the onboarding's private key (CN = client_id, OU = company, L, ST), sent with the temporary token. */
    onboardingIssueItauCertificate(input: { account: OnboardedAccount; clientId: string; temporaryToken: string; privateKeyPem: string }): Promise<{ clientSecret: string; certificatePem: string; csrPem: string; notAfter: string }> {
      return withBankFailures(async () => {
        const a = build(input.account);
        if (a.bank !== 'ITAU') throw new BankError('VALIDATION', 'not an Itaú account', { operation: 'certificate' });
        const company = input.account.data.company;
        const { csrPem } = generateKeyAndCsr({ clientId: input.clientId, company: company.legalName, city: company.city, state: company.state }, input.privateKeyPem);
        const caPem = a.credentials.kind === 'inline' ? a.credentials.credentials.caPem : undefined;
        const issued = await requestCertificate({ url: a.adapter.urls.certificateRequest, temporaryToken: input.temporaryToken, csrPem, ...(caPem ? { caPem } : {}), timeoutMs: a.adapter.timeoutMs });
        if (!issued.clientSecret) throw new BankError('VALIDATION', 'Itaú answered without the Secret line; ask the bank for a new temporary token', { operation: 'certificate' });
        return { clientSecret: issued.clientSecret, certificatePem: issued.certificatePem, csrPem, notAfter: issued.notAfter };
      });
    },

    /** Gives the account's token keeper the first refresh token of a (new) BS2 application (starts it if needed). */
    async onboardingHandOverBs2RefreshToken(input: { accountId: string; refreshToken: string }): Promise<void> {
      const ctx = Context.current();
      const start = new WithStartWorkflowOperation(bs2TokenKeeper, {
        workflowId: bs2KeeperWorkflowId(input.accountId),
        taskQueue: ctx.info.taskQueue,
        args: [{ accountId: input.accountId }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      await ctx.client.workflow.executeUpdateWithStart(setBs2RefreshToken, { args: [{ refreshToken: input.refreshToken }], startWorkflowOperation: start });
    },

    /**
     * Itaú at ACTIVE: the account's boleto-notification subscriptions (Boletos v3 `notificacoes_boletos`, both types)
     * point at our receiver (`webhook.itau.url`, OAuth at `<url>/oauth/token`, the client pair made at onboarding).
     * Lists first: kept when already there, PATCHed when pointing elsewhere, created only when missing, so a retried
     * activity never makes two. Returns no secret.
     */
    onboardingEnsureItauNotifications(input: { account: OnboardedAccount }): Promise<NotificationSubscriptionsView> {
      return withBankFailures(async () => {
        const a = build(input.account);
        const hook = input.account.webhook.itau;
        if (a.bank !== 'ITAU' || !hook) throw new BankError('VALIDATION', 'not an Itaú account with a notification receiver', { operation: 'subscribe' });
        adapterFor(a);
        const r = await deps.registry.itauAdapter(a.accountId).ensureNotificationSubscription({ webhookUrl: hook.url, oauthUrl: `${hook.url}/oauth/token`, clientId: hook.clientId, clientSecret: hook.clientSecret });
        const what = [r.created.length ? `created ${r.created.join(', ')}` : '', r.updated.length ? `updated ${r.updated.join(', ')}` : '', r.kept.length ? `kept ${r.kept.join(', ')}` : ''].filter(Boolean).join('; ');
        return {
          at: new Date().toISOString(),
          ok: true,
          message: `Itaú notifications (BAIXA_OPERACIONAL, BAIXA_EFETIVA) to ${hook.url}: ${what || 'nothing to do'}`,
          subscriptions: r.subscriptions.map((x) => ({ id: x.id, type: x.type, webhookUrl: x.webhookUrl, oauthUrl: x.oauthUrl, ...(x.createdAt ? { createdAt: x.createdAt } : {}) })),
        };
      });
    },

    /**
     * Token + a call that proves the credentials work for cobrança: Itaú's validation-only registration (creates
     * nothing), BS2's boleto search. A bank refusal is a failed check with the bank's message, not an error.
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
        const adapter = adapterFor(a);
        try {
          const t = await adapter.authenticate();
          checks.push({ name: 'token', ok: true, detail: t.expiresAt ? `access token valid until ${t.expiresAt}` : 'access token obtained' });
        } catch (e) {
          return failed('token', e);
        }
        if (a.bank === 'ITAU') {
          const cfg = input.account.configuration;
          const due = addDays(saoPauloDate(Date.now()), 30);
          try {
            await deps.registry.itauAdapter(a.accountId).validate({
              seuNumero: 'CONECT0001',
              nossoNumero: '00000001',
              kind: cfg?.chargeDefaults.defaultKind ?? 'BOLETO',
              amountCents: 100,
              issueDate: saoPauloDate(Date.now()),
              dueDate: due,
              payer: VALIDATION_PAYER,
              ...(a.adapter.pixKey ? { pixKey: a.adapter.pixKey } : {}),
            });
            checks.push({ name: 'validation', ok: true, detail: 'validation-only registration accepted (nothing created)' });
          } catch (e) {
            return failed('validation', e);
          }
        } else {
          try {
            const r = await adapter.search({ limit: 1 });
            checks.push({ name: 'search', ok: true, detail: `boleto search answered (${r.items.length} item(s) on the first page)` });
          } catch (e) {
            return failed('search', e);
          }
        }
        return { ok: true, at: at(), message: checks.map((c) => c.detail).join('; '), checks };
      });
    },
  };
};
