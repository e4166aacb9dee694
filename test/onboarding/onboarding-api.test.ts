/**
 * Onboarding end to end on a real Temporal dev server and the real simulators, through the API as CS uses it:
 * Itaú (key pair → e-mail with the public key → release → client_id + temporary token → certificado dinâmico →
 * convênio → validation-only connectivity check → ACTIVE → a boleto issued), BS2 (application credentials → token
 * keeper → search → ACTIVE → a boleto issued), each refused step with its message, and raw history holding none of
 * the secrets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporal } from '@temporalio/proto';
import { addDays, mod10, saoPauloDate } from '../../src/domain';
import { onboardingWorkflowId } from '../../src/contracts/onboarding';
import { eventually } from '../helpers/boleto-stack';
import { call, type OnboardingStack, startOnboardingStack } from '../helpers/onboarding-stack';

type View = {
  accountId: string;
  step: string;
  email: { subject: string; body: string; cc: string[]; attachments: { filename: string; content: string }[] };
  timeline: { kind: string; detail: string; by: string }[];
  connectivity?: { ok: boolean; message: string; checks: { name: string; ok: boolean }[] };
  credentials?: Record<string, unknown>;
};
type Problem = { title: string; detail?: string; errors?: { field: string; reason: string }[] };

const person = (name: string) => ({
  name,
  phone: '+55 11 99999-0000',
  email: `${name.split(' ')[0]!.toLowerCase()}@acme.example`,
});
const itauData = (over: Record<string, unknown> = {}) => ({
  bank: 'ITAU',
  company: { legalName: 'Acme Comercio Ltda', cnpj: '11.222.333/0001-81', city: 'Sao Paulo', state: 'SP' },
  agency: '1500',
  account: '00005',
  accountDigit: String(mod10('150000005')),
  operatorCode: 'OP1234',
  legalRepresentative: person('Joana Diretora'),
  csContact: person('Carlos Suporte'),
  manager: { name: 'Marcos Gerente', email: 'marcos.gerente@itau.example' },
  ...over,
});
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

/** Every payload byte of a workflow's history, as the server stores it. */
async function rawHistory(s: OnboardingStack, workflowId: string): Promise<string> {
  const h = await s.client.workflow.getHandle(workflowId).fetchHistory();
  return Buffer.from(temporal.api.history.v1.History.encode(h).finish()).toString('latin1');
}

describe('onboarding through the API (dev server, simulators)', () => {
  let s: OnboardingStack;
  const cs = () => s.keys.cs;

  beforeAll(async () => {
    s = await startOnboardingStack();
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it('Itaú › data → e-mail → released → certificado dinâmico → convênio → connectivity → ACTIVE › a boleto is issued; history holds no secret', async () => {
    const created = await call<View>(s.base, cs(), 'POST', '/v1/onboardings', itauData());
    expect(created.status).toBe(201);
    const id = created.body.accountId;
    expect(id).toBe(`itau-1500-00005-${mod10('150000005')}`);
    expect(created.body.step).toBe('DATA_CAPTURED');

    // The manager e-mail: the seed's subject, the account's data, our public key attached (never the private key).
    const email = await call<View['email']>(s.base, cs(), 'GET', `/v1/onboardings/${id}/email`);
    expect(email.body.subject).toBe('Solicitação de liberação do produto Cobranças Bolecode – Integração via API');
    expect(email.body.body).toContain('Olá, Marcos Gerente.');
    expect(email.body.body).toContain('- CNPJ: 11.222.333/0001-81');
    expect(email.body.body).toContain('- Agência: 1500');
    expect(email.body.body).toContain('- Código do operador: OP1234');
    expect(email.body.body).toContain('- Layout do boleto: CNAB 240');
    expect(email.body.cc).toEqual(['carlos@acme.example', 'suporte@boletoflow.example']);
    expect(email.body.attachments).toHaveLength(1);
    expect(email.body.attachments[0]!.content).toContain('-----BEGIN PUBLIC KEY-----');
    expect(JSON.stringify(email.body)).not.toContain('PRIVATE KEY');

    // Out of order: credentials before the bank released the product.
    const early = await call<Problem>(s.base, cs(), 'POST', `/v1/onboardings/${id}/credentials`, {
      kind: 'ITAU_DYNAMIC',
      clientId: '00000000-0000-4000-8000-000000000000',
      temporaryToken: 'x',
    });
    expect(early.status).toBe(409);
    expect(early.body.detail).toMatch(
      /cannot submit credentials while the onboarding is DATA_CAPTURED; next: send the e-mail/,
    );

    expect(
      (await call(s.base, cs(), 'POST', `/v1/onboardings/${id}/request-sent`, { note: 'enviado em cópia ao CS' }))
        .status,
    ).toBe(200);
    // A refused step is never accepted: no update event in history (notification activities may add their own).
    const accepted = async () =>
      (await s.client.workflow.getHandle(onboardingWorkflowId(id)).fetchHistory()).events?.filter(
        (e) => e.workflowExecutionUpdateAcceptedEventAttributes,
      ).length;
    const before = await accepted();
    const again = await call<Problem>(s.base, cs(), 'POST', `/v1/onboardings/${id}/request-sent`, {});
    expect(again.status).toBe(409);
    expect(await accepted()).toBe(before);
    expect((await call<View>(s.base, cs(), 'POST', `/v1/onboardings/${id}/bank-released`, {})).body.step).toBe(
      'BANK_RELEASED',
    );

    // Itaú e-mails client_id + temporary token (the simulator's admin plays the bank).
    const issued = s.itau.sts.newApp('Acme');
    const wrongToken = await call<Problem>(s.base, cs(), 'POST', `/v1/onboardings/${id}/credentials`, {
      kind: 'ITAU_DYNAMIC',
      clientId: issued.clientId,
      temporaryToken: 'not-the-token',
    });
    expect(wrongToken.status).toBe(422);
    expect(wrongToken.body.detail).toMatch(/Itaú refused the certificate request/);
    const creds = await call<View>(s.base, cs(), 'POST', `/v1/onboardings/${id}/credentials`, {
      kind: 'ITAU_DYNAMIC',
      clientId: issued.clientId,
      temporaryToken: issued.temporaryToken,
    });
    expect(creds.status).toBe(200);
    expect(creds.body.step).toBe('CREDENTIALS_RECEIVED');
    expect(creds.body.credentials).toMatchObject({ kind: 'ITAU', source: 'DYNAMIC', clientId: issued.clientId });
    expect(JSON.stringify(creds.body)).not.toMatch(/PRIVATE KEY|clientSecret|temporaryToken/);

    // Convênio: the number must be what the bank was told; then the connectivity check runs.
    const wrongNumber = await call<Problem>(s.base, cs(), 'POST', `/v1/onboardings/${id}/configuration`, {
      convenio: { number: '1234123456', carteira: '109' },
      chargeDefaults: {},
    });
    expect(wrongNumber.status).toBe(422);
    expect(wrongNumber.body.detail).toContain(
      `convenio.number must be agency + account + digit as told to the bank: 150000005${mod10('150000005')}`,
    );
    // Itaú's own rule for a bolecode by default: API V2 and the account's Pix key.
    for (const [convenio, message] of [
      [
        { apiVersion: 'V1', pixKey: 'financeiro@acme.example' },
        'hybrid boletos (BOLECODE) need convenio.apiVersion V2',
      ],
      [{ apiVersion: 'V2' }, 'hybrid boletos (BOLECODE) need convenio.pixKey, the account’s Pix key'],
    ] as const) {
      const refused = await call<Problem>(s.base, cs(), 'POST', `/v1/onboardings/${id}/configuration`, {
        convenio: { number: `150000005${mod10('150000005')}`, carteira: '109', ...convenio },
        chargeDefaults: { defaultKind: 'BOLECODE' },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.detail).toContain(message);
    }
    const configured = await call<View>(s.base, cs(), 'POST', `/v1/onboardings/${id}/configuration`, {
      convenio: {
        number: `150000005${mod10('150000005')}`,
        carteira: '109',
        firstRemessa: 1,
        cnab: 240,
        apiVersion: 'V2',
        pixKey: 'financeiro@acme.example',
      },
      chargeDefaults: {
        interest: { type: 'PERCENT_MONTHLY', basisPoints: 100 },
        fine: { type: 'PERCENT', basisPoints: 200 },
        messages: ['Não receber após 30 dias'],
        defaultKind: 'BOLECODE',
      },
    });
    expect(configured.status).toBe(200);
    expect(configured.body.connectivity).toMatchObject({ ok: true });
    expect(configured.body.connectivity!.checks.map((c) => c.name)).toEqual(['token', 'validation']);
    expect(configured.body.step).toBe('ACTIVE');

    // ACTIVE: the integrator issues a boleto on the onboarded account; the defaults apply (kind, fine, interest).
    const boleto = await fetch(`${s.base}/v1/boletos`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${s.keys.integrator}`,
        'content-type': 'application/json',
        'Idempotency-Key': 'onb-itau-1',
      },
      body: JSON.stringify({
        accountId: id,
        amountCents: 25_000,
        dueDate: addDays(saoPauloDate(Date.now()), 10),
        payer,
      }),
    });
    const b = (await boleto.json()) as { status: string; kind: string; nossoNumero: string; pix?: { emv: string } };
    expect(boleto.status).toBe(201);
    expect(b).toMatchObject({ status: 'REGISTERED', kind: 'BOLECODE' });
    const atBank = s.itau.bank.byNossoNumero('109', b.nossoNumero)!;
    expect(atBank).toBeDefined();

    // Another tenant sees nothing; an integrator cannot act.
    expect((await call(s.base, s.otherKeys.cs, 'GET', `/v1/onboardings/${id}`)).status).toBe(404);
    expect((await call(s.base, s.keys.integrator, 'POST', `/v1/onboardings/${id}/notes`, { text: 'x' })).status).toBe(
      403,
    );
    const asIntegrator = await call<View>(s.base, s.keys.integrator, 'GET', `/v1/onboardings/${id}`);
    expect(asIntegrator.body.step).toBe('ACTIVE');
    expect(asIntegrator.body.email).toBeUndefined();

    // Raw history: ciphertext only. None of the secrets that passed through it is readable.
    const clientSecret = s.itau.sts.state.apps.find((a) => a.clientId === issued.clientId)!.clientSecret;
    const raw = await rawHistory(s, onboardingWorkflowId(id));
    expect(raw.length).toBeGreaterThan(1000);
    for (const secret of [
      issued.temporaryToken,
      clientSecret,
      'PRIVATE KEY',
      'BEGIN CERTIFICATE',
      'Acme Comercio',
      '11222333000181',
    ])
      expect(raw).not.toContain(secret);
    expect(raw).toContain('binary/encrypted');
  });

  it('Itaú › the account is not the one the credentials belong to › CONNECTIVITY_FAILED with the bank’s words; cancel ends it', async () => {
    const data = itauData({
      account: '00006',
      accountDigit: String(mod10('150000006')),
      company: { legalName: 'Outra Filial Ltda', cnpj: '11222333000181', city: 'Sao Paulo', state: 'SP' },
    });
    const id = (await call<View>(s.base, cs(), 'POST', '/v1/onboardings', data)).body.accountId;
    await call(s.base, cs(), 'POST', `/v1/onboardings/${id}/request-sent`, {});
    await call(s.base, cs(), 'POST', `/v1/onboardings/${id}/bank-released`, {});
    const app = s.itau.sts.newApp('Outra');
    expect(
      (
        await call(s.base, cs(), 'POST', `/v1/onboardings/${id}/credentials`, {
          kind: 'ITAU_DYNAMIC',
          clientId: app.clientId,
          temporaryToken: app.temporaryToken,
        })
      ).status,
    ).toBe(200);
    const v = await call<View>(s.base, cs(), 'POST', `/v1/onboardings/${id}/configuration`, {
      convenio: { number: `150000006${mod10('150000006')}`, carteira: '109' },
      chargeDefaults: { defaultKind: 'BOLETO' },
    });
    expect(v.body.step).toBe('CONNECTIVITY_FAILED');
    expect(v.body.connectivity).toMatchObject({ ok: false });
    expect(v.body.connectivity!.message).toMatch(/validation: .*Beneficiário/);
    expect(v.body.connectivity!.message).not.toMatch(/at .*\.ts:\d+/); // the bank's message, not a stack trace

    // Not ACTIVE: no boletos.
    const refused = await fetch(`${s.base}/v1/boletos`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${s.keys.integrator}`,
        'content-type': 'application/json',
        'Idempotency-Key': 'onb-itau-2',
      },
      body: JSON.stringify({ accountId: id, amountCents: 1000, dueDate: addDays(saoPauloDate(Date.now()), 10), payer }),
    });
    expect(refused.status).toBe(409);

    const cancelled = await call<View>(s.base, cs(), 'POST', `/v1/onboardings/${id}/cancel`, {
      reason: 'conta errada',
    });
    expect(cancelled.body.step).toBe('CANCELLED');
    expect((await call<Problem>(s.base, cs(), 'POST', `/v1/onboardings/${id}/notes`, { text: 'depois' })).status).toBe(
      409,
    );
    // A cancelled onboarding may be started again.
    expect((await call(s.base, cs(), 'POST', '/v1/onboardings', data)).status).toBe(201);
  });

  it('BS2 › application credentials → the token keeper owns the refresh token → search answers → ACTIVE › a boleto is issued', async () => {
    const data = {
      ...itauData(),
      bank: 'BS2',
      agency: '0001',
      account: '1234567',
      accountDigit: '8',
      operatorCode: undefined,
      manager: { name: 'Bia Gerente' },
    };
    delete (data as Record<string, unknown>).operatorCode;
    const created = await call<View>(s.base, cs(), 'POST', '/v1/onboardings', data);
    expect(created.status).toBe(201);
    const id = created.body.accountId;
    expect(created.body.email.subject).toContain('BS2');
    expect(created.body.email.body).toContain(`https://boletos.example.com/webhooks/bs2/${id}`);
    expect(created.body.email.body).toMatch(/Authorization com o valor: Bearer [A-Za-z0-9_-]{40,}/);
    await call(s.base, cs(), 'POST', `/v1/onboardings/${id}/request-sent`, {});
    await call(s.base, cs(), 'POST', `/v1/onboardings/${id}/bank-released`, {});
    // "Gerar novo token" in BS2 Empresas: a fresh refresh token for the application.
    const { refreshToken } = (await (
      await fetch(`${s.bs2.url}/__sim/tokens/regenerate`, { method: 'POST' })
    ).json()) as { refreshToken: string };
    const a = s.bs2.config.app;
    const wrongKind = await call<Problem>(s.base, cs(), 'POST', `/v1/onboardings/${id}/credentials`, {
      kind: 'ITAU_DYNAMIC',
      clientId: '00000000-0000-4000-8000-000000000000',
      temporaryToken: 'x',
    });
    expect(wrongKind.status).toBe(422);
    expect(wrongKind.body.detail).toMatch(/a BS2 account takes kind BS2 credentials/);
    expect(
      (
        await call(s.base, cs(), 'POST', `/v1/onboardings/${id}/credentials`, {
          kind: 'BS2',
          apiKey: a.apiKey,
          apiSecret: a.apiSecret,
          scope: a.scope,
          refreshToken,
        })
      ).status,
    ).toBe(200);
    const hybrid = await call<Problem>(s.base, cs(), 'POST', `/v1/onboardings/${id}/configuration`, {
      convenio: { number: '000112345678', carteira: '1' },
      chargeDefaults: { defaultKind: 'BOLECODE' },
    });
    expect(hybrid.status).toBe(422);
    expect(hybrid.body.detail).toMatch(/BOLECODE .* Itaú, Sicoob accounts only/);
    const v = await call<View>(s.base, cs(), 'POST', `/v1/onboardings/${id}/configuration`, {
      convenio: { number: '000112345678', carteira: '1' },
      chargeDefaults: { defaultKind: 'BOLETO' },
    });
    expect(v.body.connectivity).toMatchObject({ ok: true });
    expect(v.body.step).toBe('ACTIVE');

    const boleto = await fetch(`${s.base}/v1/boletos`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${s.keys.integrator}`,
        'content-type': 'application/json',
        'Idempotency-Key': 'onb-bs2-1',
      },
      body: JSON.stringify({
        accountId: id,
        amountCents: 15_000,
        dueDate: addDays(saoPauloDate(Date.now()), 10),
        payer,
      }),
    });
    expect(boleto.status).toBe(201);
    const raw = await rawHistory(s, onboardingWorkflowId(id));
    for (const secret of [a.apiSecret, refreshToken]) expect(raw).not.toContain(secret);
  });

  it('bad input › field errors name the field and the reason; list shows step and age', async () => {
    const bad = await call<Problem>(
      s.base,
      cs(),
      'POST',
      '/v1/onboardings',
      itauData({
        company: { legalName: 'X Ltda', cnpj: '11222333000182', city: 'Sao Paulo', state: 'SP' },
        accountDigit: '0',
        operatorCode: undefined,
      }),
    );
    expect(bad.status).toBe(400);
    const fields = Object.fromEntries((bad.body.errors ?? []).map((e) => [e.field, e.reason]));
    expect(fields['body.company.cnpj']).toMatch(/check digits/);
    if (mod10('150000005') !== 0)
      expect(fields['body.accountDigit']).toMatch(/DAC of agency 1500 and account 00005 is/);
    expect(fields['body.operatorCode']).toMatch(/required for Itaú/);
    const dup = await call<Problem>(s.base, cs(), 'POST', '/v1/onboardings', itauData());
    expect(dup.status).toBe(409);
    const target = `itau-1500-00005-${mod10('150000005')}`;
    type List = { items: { accountId: string; step: string; ageDays: number; stalled: boolean; legalName?: string }[] };
    // Visibility is eventually consistent: wait for the step the workflow already reached.
    const list = await eventually(
      () => call<List>(s.base, cs(), 'GET', '/v1/onboardings'),
      (l) => l.body.items.some((i) => i.accountId === target && i.step === 'ACTIVE'),
    );
    const active = list.body.items.find((i) => i.accountId === target);
    expect(active).toMatchObject({ step: 'ACTIVE', ageDays: 0, stalled: false, legalName: 'Acme Comercio Ltda' });
    expect((await call<{ items: unknown[] }>(s.base, s.otherKeys.cs, 'GET', '/v1/onboardings')).body.items).toEqual([]);
  });
});
