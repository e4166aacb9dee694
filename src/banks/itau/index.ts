/**
 * Itaú's module (src/banks/module.ts): accounts, adapter, onboarding (certificado dinâmico, notification
 * subscriptions) and connectivity check (a validation-only registration). Itaú tokens do not rotate: each process
 * keeps one client_credentials cache per account next to the account's mTLS pool.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { addDays, saoPauloDate } from '../../domain';
import type { RegisterBoletoRequest } from '../../contracts/bank';
import type { BankModule } from '../module';
import {
  type ItauAccount,
  itauAccountFromOnboarded,
  itauAccountFromSettings,
  type ItauAccountSettings,
} from './account';
import type { ItauAdapter } from './adapter';
import { createItauCertificateActivities } from './certificate-activities';
import { connectItau } from './connection';
import { ITAU_DESCRIPTOR } from './descriptor';
import { createItauOnboardingActivities } from './onboarding-activities';
import { ITAU_ONBOARDING_CREDENTIALS } from './onboarding-credentials';
import { ITAU_WEBHOOKS } from './webhook-routes';

export type { ItauAccount };

/** The Itaú settings of an installation: its accounts' and our notification receiver's OAuth client. */
export interface ItauSettings extends ItauAccountSettings {
  /** The client id/secret given to Itaú with the notification subscription (Itaú fetches a token with them). */
  ITAU_WEBHOOK_CLIENT_ID?: string;
  ITAU_WEBHOOK_CLIENT_SECRET?: string;
  /** The embedded simulator's pair (its subscription), used for the simulated account. */
  SIM_ITAU_WEBHOOK_CLIENT_ID?: string;
  SIM_ITAU_WEBHOOK_CLIENT_SECRET?: string;
}

/** A payer for Itaú's validation-only call (nothing is created): a valid CPF and a plain address. */
const VALIDATION_PAYER: RegisterBoletoRequest['payer'] = {
  name: 'Pagador de Teste de Conectividade',
  document: '52998224725',
  address: {
    street: 'Rua Teste',
    number: '1',
    district: 'Centro',
    city: 'Sao Paulo',
    state: 'SP',
    zipCode: '01001000',
  },
};

/** RSA-2048: the public key goes to Itaú with the e-mail; the private key signs the CSR later and stays encrypted. */
function itauKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

export const ITAU_MODULE = {
  descriptor: ITAU_DESCRIPTOR,
  accountsFromSettings: (s) => [itauAccountFromSettings(s)].filter((a) => a !== undefined),
  accountFromOnboarded: (o, s) => itauAccountFromOnboarded(o, s),
  /** Our side of Itaú's notification OAuth: configured, or the embedded simulator's pair. */
  webhookVerification(a, s) {
    const clientId = s.ITAU_WEBHOOK_CLIENT_ID ?? (a.simulated ? s.SIM_ITAU_WEBHOOK_CLIENT_ID : undefined);
    const clientSecret = s.ITAU_WEBHOOK_CLIENT_SECRET ?? (a.simulated ? s.SIM_ITAU_WEBHOOK_CLIENT_SECRET : undefined);
    return clientId && clientSecret ? { webhookClient: { clientId, clientSecret } } : {};
  },
  onboardedWebhookVerification: (o) =>
    o.webhook.itau
      ? { webhookClient: { clientId: o.webhook.itau.clientId, clientSecret: o.webhook.itau.clientSecret } }
      : {},
  connect: connectItau,
  tokens: { kind: 'self' },
  onboardingStart: (base, accountId) => ({
    webhook: {
      itau: {
        url: `${base}/webhooks/itau/${accountId}`,
        clientId: `bf-${randomBytes(8).toString('hex')}`,
        clientSecret: randomBytes(32).toString('base64url'),
      },
    },
    itauKeyPair: itauKeyPair(),
  }),
  connectivityProbe: {
    name: 'validation',
    async run(adapter, a, onboarded) {
      const today = saoPauloDate(Date.now());
      await (adapter as ItauAdapter).validate({
        seuNumero: 'CONECT0001',
        nossoNumero: '00000001',
        kind: onboarded.configuration?.chargeDefaults.defaultKind ?? 'BOLETO',
        amountCents: 100,
        issueDate: today,
        dueDate: addDays(today, 30),
        payer: VALIDATION_PAYER,
        ...(a.adapter.pixKey ? { pixKey: a.adapter.pixKey } : {}),
      });
      return 'validation-only registration accepted (nothing created)';
    },
  },
  webhooks: ITAU_WEBHOOKS,
  onboardingCredentials: ITAU_ONBOARDING_CREDENTIALS,
  api: {},
  activities: (deps) => ({
    ...createItauCertificateActivities({ registry: deps.registry }),
    ...createItauOnboardingActivities({
      registry: deps.registry,
      ...(deps.settings ? { settings: deps.settings } : {}),
    }),
  }),
} satisfies BankModule<ItauAccount, ItauSettings>;
