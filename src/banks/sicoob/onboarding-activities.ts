/**
 * Sicoob's part of onboarding, as activities (names are part of history): the account's type-7 webhook at ACTIVE and
 * on the onboarding's watch (./webhook-admin.ts `ensureSicoobWebhook`). The account under onboarding travels in the
 * input (encrypted by the payload codec) and is put in this worker's bank registry. No secret is returned.
 */
import { withBankFailures } from '../../activities/to-failure';
import type { OnboardedAccount } from '../../contracts/onboarding';
import { BankError } from '../errors';
import type { BankRegistry } from '../registry';
import { sicoobAccountFromOnboarded, type SicoobAccountSettings } from './account';
import type { SicoobConnection } from './connection';
import { largestSicoobFaixa } from './mapping';
import { ensureSicoobWebhook } from './webhook-admin';

/** The settings of the webhook watch (./settings.ts). */
export interface SicoobWebhookWatchSettings {
  SICOOB_WEBHOOK_WATCH_SECONDS: number;
  SICOOB_WEBHOOK_VALIDATION_TIMEOUT_SECONDS: number;
}

export interface SicoobOnboardingActivityDeps {
  registry: BankRegistry;
  settings?: SicoobAccountSettings & SicoobWebhookWatchSettings;
}

/** What `sicoobEnsureWebhook` found and did, for the workflow's state and timeline (no secret). */
export interface SicoobWebhookCheck {
  at: string;
  message: string;
  idWebhook: number;
  url: string;
  codigoSituacao: number;
  descricaoSituacao: string;
  /** Something changed at the bank (created, re-pointed, reactivated, a duplicate deleted): validation starts over. */
  changed: boolean;
  /** It was Inativo (and was reactivated): when and why, in Sicoob's words. */
  wasInactive?: { at?: string; reason?: string };
  /** The installation's watch settings, for the workflow's timers. */
  watchEveryMs: number;
  validationTimeoutMs: number;
}

/** The Sicoob account's path under our public base URL (its webhook receiver, src/api/routes/webhooks.ts). */
export const sicoobWebhookPath = (accountId: string): string => `/webhooks/sicoob/${accountId}`;

/** The contract's nosso-número range as `sicoobReadNossoNumeroRange` read it (none: the settings' range stays). */
export interface SicoobNossoNumeroRead {
  at: string;
  message: string;
  range?: { first: number; last: number; dv: boolean };
}

export const createSicoobOnboardingActivities = (deps: SicoobOnboardingActivityDeps) => {
  /** The onboarded account in this worker's registry, and its adapter. */
  const adapterOf = (account: OnboardedAccount) => {
    if (account.bank !== 'SICOOB')
      throw new BankError('VALIDATION', 'not a Sicoob account', { operation: 'onboarding' });
    const s = deps.settings;
    if (!s) throw new Error('this worker has no bank settings for onboarding');
    const a = sicoobAccountFromOnboarded(account, s);
    deps.registry.put(a, { ttlMs: 30_000 });
    return {
      settings: s,
      accountId: a.accountId,
      adapter: (deps.registry.connection(a.accountId) as SicoobConnection).adapter(),
    };
  };

  return {
    /**
     * The contract's nosso-número range (`faixas-nosso-numero`): the largest free run and its DV flag
     * (`validaDigitoVerificadorNossoNumero`), for the account's adapter instead of the installation's settings.
     */
    sicoobReadNossoNumeroRange(input: { account: OnboardedAccount }): Promise<SicoobNossoNumeroRead> {
      return withBankFailures(async () => {
        const faixas = await adapterOf(input.account).adapter.nossoNumeroFaixas(1);
        const range = largestSicoobFaixa(faixas);
        const at = new Date().toISOString();
        if (!range)
          return {
            at,
            message: 'Sicoob lists no free nosso-número range for the contract; the installation’s range is used',
          };
        return {
          at,
          message: `Nosso-número range from Sicoob (faixas-nosso-numero): ${range.first}–${range.last}, DV ${range.dv ? 'computed by us (validaDigitoVerificadorNossoNumero true)' : 'part of the number (false)'}`,
          range,
        };
      });
    },

    /**
     * Exactly one type-7 ("Pagamento (Baixa operacional)") webhook points at our receiver for the account
     * (`webhook.sicoob.url`): listed first, so a retried activity never makes two; Inativo → reactivated.
     */
    sicoobEnsureWebhook(input: { account: OnboardedAccount }): Promise<SicoobWebhookCheck> {
      return withBankFailures(async () => {
        const hook = input.account.webhook.sicoob;
        if (!hook)
          throw new BankError('VALIDATION', 'not a Sicoob account with a webhook receiver', { operation: 'webhook' });
        const { settings: s, accountId, adapter } = adapterOf(input.account);
        const r = await ensureSicoobWebhook(adapter.webhooks, {
          url: hook.url,
          accountPath: sicoobWebhookPath(accountId),
        });
        const w = r.webhook;
        const situacao = `${w.codigoSituacao} - ${w.descricaoSituacao}`;
        const what = r.actions.length ? r.actions.join('; ') : `kept ${w.idWebhook}`;
        const foreign = r.foreign.length ? `; left alone (not ours): ${r.foreign.join(', ')}` : '';
        return {
          at: new Date().toISOString(),
          message: `Sicoob webhook (tipo 7, Pagamento - Baixa operacional) to ${hook.url}: ${what}; situação "${situacao}"${foreign}`,
          idWebhook: w.idWebhook,
          url: w.url,
          codigoSituacao: w.codigoSituacao,
          descricaoSituacao: w.descricaoSituacao,
          changed: r.actions.length > 0,
          ...(r.wasInactive ? { wasInactive: r.wasInactive } : {}),
          watchEveryMs: s.SICOOB_WEBHOOK_WATCH_SECONDS * 1000,
          validationTimeoutMs: s.SICOOB_WEBHOOK_VALIDATION_TIMEOUT_SECONDS * 1000,
        };
      });
    },
  };
};
