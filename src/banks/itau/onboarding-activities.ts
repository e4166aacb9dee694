/**
 * Itaú's part of onboarding, as activities (names are part of history): the certificado dinâmico issued with the
 * onboarding's own key pair, and the boleto-notification subscriptions registered at ACTIVE. The account under
 * onboarding travels in the input (encrypted by the payload codec) and is put in this worker's bank registry.
 */
import { withBankFailures } from '../../activities/to-failure';
import type { NotificationSubscriptionsView, OnboardedAccount } from '../../contracts/onboarding';
import { BankError } from '../errors';
import type { BankRegistry } from '../registry';
import { itauAccountFromOnboarded, type ItauAccountSettings } from './account';
import { generateKeyAndCsr, requestCertificate } from './certificate';
import { itauConnection } from './connection';

export interface ItauOnboardingActivityDeps {
  registry: BankRegistry;
  settings?: ItauAccountSettings;
}

export const createItauOnboardingActivities = (deps: ItauOnboardingActivityDeps) => {
  const build = (account: OnboardedAccount) => {
    if (!deps.settings) throw new Error('this worker has no bank settings for onboarding');
    if (account.bank !== 'ITAU') throw new BankError('VALIDATION', 'not an Itaú account', { operation: 'certificate' });
    return itauAccountFromOnboarded(account, deps.settings);
  };

  return {
    /** CSR from the onboarding's private key (CN = client_id, OU = company, L, ST), sent with the temporary token. */
    onboardingIssueItauCertificate(input: {
      account: OnboardedAccount;
      clientId: string;
      temporaryToken: string;
      privateKeyPem: string;
    }): Promise<{ clientSecret: string; certificatePem: string; csrPem: string; notAfter: string }> {
      return withBankFailures(async () => {
        const a = build(input.account);
        const company = input.account.data.company;
        const { csrPem } = generateKeyAndCsr(
          { clientId: input.clientId, company: company.legalName, city: company.city, state: company.state },
          input.privateKeyPem,
        );
        const caPem = a.credentials.kind === 'inline' ? a.credentials.credentials.caPem : undefined;
        const issued = await requestCertificate({
          url: a.adapter.urls.certificateRequest,
          temporaryToken: input.temporaryToken,
          csrPem,
          ...(caPem ? { caPem } : {}),
          timeoutMs: a.adapter.timeoutMs,
        });
        if (!issued.clientSecret)
          throw new BankError(
            'VALIDATION',
            'Itaú answered without the Secret line; ask the bank for a new temporary token',
            { operation: 'certificate' },
          );
        return {
          clientSecret: issued.clientSecret,
          certificatePem: issued.certificatePem,
          csrPem,
          notAfter: issued.notAfter,
        };
      });
    },

    /**
     * Itaú at ACTIVE: the account's boleto-notification subscriptions (Boletos v3 `notificacoes_boletos`, both types)
     * point at our receiver (`webhook.itau.url`, OAuth at `<url>/oauth/token`, the client pair made at onboarding).
     * Lists first: kept when already there, PATCHed when pointing elsewhere, created only when missing, so a retried
     * activity never makes two. Returns no secret.
     */
    onboardingEnsureItauNotifications(input: { account: OnboardedAccount }): Promise<NotificationSubscriptionsView> {
      return withBankFailures(async () => {
        const hook = input.account.webhook.itau;
        if (input.account.bank !== 'ITAU' || !hook)
          throw new BankError('VALIDATION', 'not an Itaú account with a notification receiver', {
            operation: 'subscribe',
          });
        const a = build(input.account);
        deps.registry.put(a, { ttlMs: 30_000 });
        const r = await itauConnection(deps.registry, a.accountId)
          .adapter()
          .ensureNotificationSubscription({
            webhookUrl: hook.url,
            oauthUrl: `${hook.url}/oauth/token`,
            clientId: hook.clientId,
            clientSecret: hook.clientSecret,
          });
        const what = [
          r.created.length ? `created ${r.created.join(', ')}` : '',
          r.updated.length ? `updated ${r.updated.join(', ')}` : '',
          r.kept.length ? `kept ${r.kept.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; ');
        return {
          at: new Date().toISOString(),
          ok: true,
          message: `Itaú notifications (BAIXA_OPERACIONAL, BAIXA_EFETIVA) to ${hook.url}: ${what || 'nothing to do'}`,
          subscriptions: r.subscriptions.map((x) => ({
            id: x.id,
            type: x.type,
            webhookUrl: x.webhookUrl,
            oauthUrl: x.oauthUrl,
            ...(x.createdAt ? { createdAt: x.createdAt } : {}),
          })),
        };
      });
    },
  };
};
