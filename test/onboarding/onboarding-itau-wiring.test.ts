/**
 * An Itaú onboarding that reaches ACTIVE leaves the account fully wired, on a real Temporal dev server with the real
 * mTLS simulator, through the API as CS uses it:
 * - the boleto-notification subscription (Boletos v3 `notificacoes_boletos`, both types) is registered at the bank
 *   pointing at our receiver, visible in the simulator's admin and in the onboarding view the console shows; a
 *   second connectivity check makes no second one;
 * - a certificado dinâmico inside the renewal window (the simulator issues 20-day certificates here) is renewed by
 *   the workflow, stored, re-checked, shown with its new expiry; the account keeps issuing with the new certificate
 *   (the old one is then withdrawn at the bank).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, mod10, saoPauloDate } from '../../src/domain';
import { admin } from '../banks/itau/helpers';
import { eventually } from '../helpers/boleto-stack';
import { call, type OnboardingStack, startOnboardingStack } from '../helpers/onboarding-stack';

type Sub = { id: string; type: string; webhookUrl: string; oauthUrl: string };
type View = {
  accountId: string;
  step: string;
  credentials?: { certificateNotAfter?: string };
  notifications?: { ok: boolean; message: string; subscriptions: Sub[] };
  certificateRenewal?: { ok: boolean; message: string; previousNotAfter: string; notAfter?: string };
  timeline: { kind: string; detail: string }[];
};

const person = (name: string) => ({
  name,
  phone: '+55 11 99999-0000',
  email: `${name.split(' ')[0]!.toLowerCase()}@acme.example`,
});
const digit = String(mod10('150000005'));
const itauData = {
  bank: 'ITAU',
  company: { legalName: 'Acme Comercio Ltda', cnpj: '11.222.333/0001-81', city: 'Sao Paulo', state: 'SP' },
  agency: '1500',
  account: '00005',
  accountDigit: digit,
  operatorCode: 'OP1234',
  legalRepresentative: person('Joana Diretora'),
  csContact: person('Carlos Suporte'),
  manager: { name: 'Marcos Gerente', email: 'marcos.gerente@itau.example' },
};
const payer = {
  name: 'Maria da Silva',
  document: '52998224725',
  address: {
    street: 'Rua das Flores',
    number: '100',
    district: 'Centro',
    city: 'Sao Paulo',
    state: 'SP',
    zipCode: '01001000',
  },
};

describe('Itaú onboarding › ACTIVE wires notifications and renews the certificate (dev server, simulator)', () => {
  let s: OnboardingStack;

  beforeAll(async () => {
    // Certificates of 20 days: inside the 30-day renewal window from the moment they are issued.
    s = await startOnboardingStack({ itau: { certificateDays: 20 } });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it('certificado dinâmico → convênio → ACTIVE › subscription at the bank and in the view; certificate renewed, shown, and used to issue', async () => {
    const cs = s.keys.cs;
    const created = await call<View>(s.base, cs, 'POST', '/v1/onboardings', itauData);
    expect(created.status).toBe(201);
    const id = created.body.accountId;
    await call(s.base, cs, 'POST', `/v1/onboardings/${id}/request-sent`, {});
    await call(s.base, cs, 'POST', `/v1/onboardings/${id}/bank-released`, {});
    const issued = s.itau.sts.newApp('Acme');
    const creds = await call<View>(s.base, cs, 'POST', `/v1/onboardings/${id}/credentials`, {
      kind: 'ITAU_DYNAMIC',
      clientId: issued.clientId,
      temporaryToken: issued.temporaryToken,
    });
    expect(creds.status).toBe(200);
    const firstNotAfter = creds.body.credentials!.certificateNotAfter!;
    const app = s.itau.sts.state.apps.find((a) => a.clientId === issued.clientId)!;
    expect(app.certificates).toHaveLength(1);
    const oldSerial = app.certificates[0]!.serialNumber;
    // The bank's next certificate lives longer, so the renewed expiry is visibly later.
    s.itau.config.certificateDays = 25;

    const configured = await call<View>(s.base, cs, 'POST', `/v1/onboardings/${id}/configuration`, {
      convenio: {
        number: `150000005${digit}`,
        carteira: '109',
        firstRemessa: 1,
        cnab: 240,
        apiVersion: 'V2',
        pixKey: 'financeiro@acme.example',
      },
      chargeDefaults: { defaultKind: 'BOLETO' },
    });
    expect(configured.status).toBe(200);
    expect(configured.body.step).toBe('ACTIVE');

    // Notifications: both types, at our receiver, at the bank (simulator admin) and in the view.
    const hookUrl = `https://boletos.example.com/webhooks/itau/${id}`;
    expect(configured.body.notifications).toMatchObject({ ok: true });
    expect(configured.body.notifications!.subscriptions.map((x) => x.type).sort()).toEqual([
      'BAIXA_EFETIVA',
      'BAIXA_OPERACIONAL',
    ]);
    expect(
      configured.body.notifications!.subscriptions.every(
        (x) => x.webhookUrl === hookUrl && x.oauthUrl === `${hookUrl}/oauth/token`,
      ),
    ).toBe(true);
    const atBank = async () =>
      (
        await admin<{
          items: {
            id_notificacao_boleto: string;
            tipo_notificacao: string;
            webhook_url: string;
            webhook_client_id: string;
          }[];
        }>(s.itau, '/subscriptions')
      ).body.items.filter((x) => x.webhook_url === hookUrl);
    const subs = await atBank();
    expect(subs.map((x) => x.tipo_notificacao).sort()).toEqual(['BAIXA_EFETIVA', 'BAIXA_OPERACIONAL']);
    expect(new Set(subs.map((x) => x.webhook_client_id)).size).toBe(1);
    const webhookSecret = s.itau.bank.subscriptions.find((x) => x.webhook_url === hookUrl)!.webhook_client_secret;

    // Renewal: the workflow renews inside the window, stores it, re-checks connectivity; the console's view shows it.
    const renewed = await eventually(
      async () => (await call<View>(s.base, cs, 'GET', `/v1/onboardings/${id}`)).body,
      (v) => v.certificateRenewal?.ok === true && v.step === 'ACTIVE' && v.timeline.at(-1)?.kind === 'NOTIFICATIONS',
      30_000,
    );
    expect(renewed.certificateRenewal).toMatchObject({ previousNotAfter: firstNotAfter });
    expect(Date.parse(renewed.certificateRenewal!.notAfter!)).toBeGreaterThan(Date.parse(firstNotAfter));
    expect(renewed.credentials!.certificateNotAfter).toBe(renewed.certificateRenewal!.notAfter);
    expect(
      renewed.timeline.some((t) => t.kind === 'CERTIFICATE' && t.detail.startsWith('The Itaú certificate was renewed')),
    ).toBe(true);
    expect(s.itau.sts.state.stats.certificatesRenewed).toBe(1);
    expect(app.certificates).toHaveLength(2);
    expect(
      await eventually(
        () => Promise.resolve(s.notices.filter((n) => n.type === 'onboarding.certificate_renewed')),
        (n) => n.length === 1,
      ),
    ).toHaveLength(1);
    // The new certificate is again inside the window here: the next attempt waits a week, not a loop.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(s.itau.sts.state.stats.certificatesRenewed).toBe(1);

    // A second connectivity check: ACTIVE again, the subscription kept, never a second one.
    const again = await call<View>(s.base, cs, 'POST', `/v1/onboardings/${id}/connectivity-check`, {});
    expect(again.status).toBe(200);
    expect(again.body.notifications!.message).toMatch(/kept/);
    expect(await atBank()).toHaveLength(2);

    // The bank withdraws the old certificate: the account still issues, so it uses the renewed one.
    app.certificates = app.certificates.filter((c) => c.serialNumber !== oldSerial);
    const boleto = await fetch(`${s.base}/v1/boletos`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${s.keys.integrator}`,
        'content-type': 'application/json',
        'Idempotency-Key': 'itau-wired-1',
      },
      body: JSON.stringify({
        accountId: id,
        amountCents: 25_000,
        dueDate: addDays(saoPauloDate(Date.now()), 10),
        payer,
      }),
    });
    expect(boleto.status).toBe(201);
    const b = (await boleto.json()) as { status: string; nossoNumero: string };
    expect(b.status).toBe('REGISTERED');
    expect(s.itau.bank.byNossoNumero('109', b.nossoNumero)).toBeDefined();

    // No secret in what CS and the console see.
    const shown = JSON.stringify((await call(s.base, cs, 'GET', `/v1/onboardings/${id}`)).body);
    for (const secret of [webhookSecret, 'PRIVATE KEY', 'BEGIN CERTIFICATE', app.clientSecret])
      expect(shown).not.toContain(secret);
  });
});

describe('Itaú onboarding › the bank refuses the renewal (window shorter than ours) › recorded, the expiry notice goes out, still ACTIVE', () => {
  let s: OnboardingStack;

  beforeAll(async () => {
    // 20-day certificates, but this bank renews only from 10 days before expiry: our 30-day attempt is refused (422).
    s = await startOnboardingStack({ itau: { certificateDays: 20, renewalWindowDays: 10 } });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it('refusal › certificateRenewal ok=false with the bank’s words, a certificate_expiring notice, the old certificate kept; one attempt only', async () => {
    const cs = s.keys.cs;
    const id = (await call<View>(s.base, cs, 'POST', '/v1/onboardings', itauData)).body.accountId;
    await call(s.base, cs, 'POST', `/v1/onboardings/${id}/request-sent`, {});
    await call(s.base, cs, 'POST', `/v1/onboardings/${id}/bank-released`, {});
    const issued = s.itau.sts.newApp('Acme');
    const notAfter = (
      await call<View>(s.base, cs, 'POST', `/v1/onboardings/${id}/credentials`, {
        kind: 'ITAU_DYNAMIC',
        clientId: issued.clientId,
        temporaryToken: issued.temporaryToken,
      })
    ).body.credentials!.certificateNotAfter!;
    const configured = await call<View>(s.base, cs, 'POST', `/v1/onboardings/${id}/configuration`, {
      convenio: { number: `150000005${digit}`, carteira: '109', firstRemessa: 1, cnab: 240, apiVersion: 'V2' },
      chargeDefaults: { defaultKind: 'BOLETO' },
    });
    expect(configured.body.step).toBe('ACTIVE');

    const v = await eventually(
      async () => (await call<View>(s.base, cs, 'GET', `/v1/onboardings/${id}`)).body,
      (x) => x.certificateRenewal !== undefined && x.timeline.at(-1)?.kind === 'CERTIFICATE',
      30_000,
    );
    expect(v.certificateRenewal).toMatchObject({ ok: false, previousNotAfter: notAfter });
    expect(v.certificateRenewal!.message).toContain('ainda não pode ser renovado');
    expect(v.certificateRenewal!.notAfter).toBeUndefined();
    expect(v.step).toBe('ACTIVE');
    expect(v.credentials!.certificateNotAfter).toBe(notAfter);
    expect(v.timeline.slice(-2).map((t) => t.kind)).toEqual(['CERTIFICATE', 'CERTIFICATE']);
    expect(v.timeline.at(-1)!.detail).toMatch(/^The Itaú certificate expires at/);
    await eventually(
      () => Promise.resolve(s.notices.filter((n) => n.type === 'onboarding.certificate_expiring')),
      (n) => n.length === 1,
    );
    expect(s.itau.sts.state.stats.certificatesRenewed).toBe(0);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(s.notices.filter((n) => n.type === 'onboarding.certificate_expiring')).toHaveLength(1);
    expect(s.notices.filter((n) => n.type === 'onboarding.certificate_renewed')).toHaveLength(0);
  });
});
