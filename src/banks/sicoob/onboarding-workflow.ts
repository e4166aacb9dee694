/**
 * Sicoob's part of the onboarding workflow (src/banks/onboarding-hooks.ts), workflow code: the app's client_id and
 * certificate, stored as submitted; the modalidade from the configuration step (the código do cliente is the account
 * data's account + digit, src/banks/sicoob/account.ts). No
 * Sicoob-specific steps yet (webhook registration at ACTIVE is not done: docs/banks/sicoob.md). Texts and state
 * fields are in histories.
 */
import { type BankOnboardingHooks, textProblem } from '../onboarding-hooks';

export const SICOOB_ONBOARDING_HOOKS: BankOnboardingHooks<object, object> = {
  initialState: () => ({}),

  managerEmailExtras: () => ({}),

  credentialsProblem: (_input, c, now) => {
    if (c.kind !== 'SICOOB') return 'unknown credentials kind';
    const notAfter = Date.parse(c.notAfter);
    return (
      textProblem(c.clientId, 'clientId', 200) ??
      textProblem(c.certificatePem, 'certificatePem', 100_000) ??
      textProblem(c.privateKeyPem, 'privateKeyPem', 100_000) ??
      (Number.isNaN(notAfter) || notAfter <= now ? 'the certificate has expired' : undefined)
    );
  },

  // eslint-disable-next-line @typescript-eslint/require-await -- async like every bank's conversion (one promise per submission)
  async storeCredentials(_ctx, c) {
    if (c.kind !== 'SICOOB') throw new Error('unknown credentials kind');
    return {
      kind: 'SICOOB' as const,
      clientId: c.clientId.trim(),
      certificatePem: c.certificatePem,
      privateKeyPem: c.privateKeyPem,
      notAfter: c.notAfter,
    };
  },

  credentialsText: () => 'Sicoob app client_id and certificate received',

  credentialsView: (c) =>
    c.kind === 'SICOOB'
      ? { kind: c.kind, clientId: c.clientId, certificateNotAfter: c.notAfter, receivedAt: c.receivedAt }
      : { kind: c.kind, receivedAt: c.receivedAt },

  /** The carteira is Sicoob's `codigoModalidade` (1 simples com registro). */
  configurationProblem: (_input, conf) =>
    Number(conf.convenio.carteira) < 1
      ? 'convenio.carteira must be the Sicoob codigoModalidade (1 = simples com registro)'
      : undefined,
};
