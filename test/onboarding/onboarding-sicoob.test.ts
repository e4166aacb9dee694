/**
 * A Sicoob account onboarded through the API to ACTIVE, all real (dev server, worker, the strict Sicoob simulator over
 * mutual TLS): the data, the request to the cooperative (PT-BR), the app's client_id and certificate (PEM upload), the
 * account data (cooperativa + conta corrente), the convênio (the código do cliente the cooperative confirmed, modalidade
 * 1 as the carteira), the connectivity check (the contract's nosso-número ranges), then a boleto issued on the
 * onboarded account with that conta corrente and numeroCliente, and a nosso número of the contract's range as read at
 * ACTIVE (not the installation's). At ACTIVE the account's movement poll starts, and its type-7
 * webhook is registered at the simulator (once, however often ACTIVE is reached again) and watched: a webhook left
 * awaiting validation too long escalates the onboarding, an Inativo one is reactivated and told to the tenant.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, saoPauloDate } from '../../src/domain';
import { SICOOB_TEST_PAYER } from '../banks/sicoob/helpers';
import { eventually } from '../helpers/boleto-stack';
import { call, type OnboardingStack, startOnboardingStack } from '../helpers/onboarding-stack';

type View = {
  accountId: string;
  step: string;
  email: { subject: string; body: string };
  connectivity?: { ok: boolean; message: string };
  credentials?: Record<string, unknown>;
  stalled?: { reason: string };
  webhookRegistration?: { ok: boolean; id?: string; url?: string; status?: string; message: string };
  timeline: { kind: string; detail: string }[];
};
type Problem = { title: string; detail?: string };

const person = (name: string) => ({ name, phone: '+55 61 99999-0000', email: `${name.toLowerCase()}@acme.example` });

describe('onboarding a Sicoob account through the API (dev server, Sicoob simulator)', () => {
  let s: OnboardingStack;
  /** The account onboarded by the first test. */
  let id = '';
  beforeAll(async () => {
    s = await startOnboardingStack({
      // A notification the simulator cannot deliver is given up at once (the webhook turns Inativo).
      sicoob: {
        webhookPolicy: { backoffMs: [1000], maxAttempts: 1, timeoutMs: 2000 },
        // The contract's range is not the installation's (SICOOB_NOSSO_NUMERO_* defaults: 1–999 999, DV on).
        faixa: { numeroInicial: 1_000_000, numeroFinal: 1_200_000, validaDigitoVerificadorNossoNumero: false },
      },
      // The watch every 2 s; a webhook awaiting validation for 6 s escalates.
      settings: { SICOOB_WEBHOOK_WATCH_SECONDS: '2', SICOOB_WEBHOOK_VALIDATION_TIMEOUT_SECONDS: '6' },
    });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it('data → request to the cooperative → client_id + certificate → contract → connectivity → ACTIVE › a boleto is issued', async () => {
    const cs = s.keys.cs;
    const b = s.sicoob.config.beneficiary;
    const conta = String(b.numeroContaCorrente);
    const created = await call<View>(s.base, cs, 'POST', '/v1/onboardings', {
      bank: 'SICOOB',
      company: { legalName: 'Acme Comercio Ltda', cnpj: '11.222.333/0001-81', city: 'Brasilia', state: 'DF' },
      // The conta corrente credited by the boletos (with its digit) as account + digit: 41727-0 for the simulator's
      // numeroContaCorrente 417270.
      agency: b.cooperativa,
      account: conta.slice(0, -1),
      accountDigit: conta.slice(-1),
      legalRepresentative: person('Joana'),
      csContact: person('Carlos'),
      manager: { name: 'Marta Cooperativa', email: 'marta@cooperativa.example' },
    });
    expect(created.status).toBe(201);
    id = created.body.accountId;
    expect(created.body.email.subject).toContain('Sicoob');
    expect(created.body.email.body).toContain('numeroCliente');
    await call(s.base, cs, 'POST', `/v1/onboardings/${id}/request-sent`, {});
    await call(s.base, cs, 'POST', `/v1/onboardings/${id}/bank-released`, {});

    const wrongKind = await call<Problem>(s.base, cs, 'POST', `/v1/onboardings/${id}/credentials`, {
      kind: 'ITAU_DYNAMIC',
      clientId: '00000000-0000-4000-8000-000000000000',
      temporaryToken: 'x',
    });
    expect(wrongKind.status).toBe(422);
    expect(wrongKind.body.detail).toMatch(/a Sicoob account takes kind SICOOB credentials/);
    const app = s.sicoob.defaultApp;
    const creds = await call<View>(s.base, cs, 'POST', `/v1/onboardings/${id}/credentials`, {
      kind: 'SICOOB',
      clientId: app.clientId,
      certificate: { format: 'PEM', certificatePem: app.certificatePem, privateKeyPem: app.privateKeyPem },
    });
    expect(creds.status).toBe(200);
    expect(creds.body.credentials).toMatchObject({ kind: 'SICOOB', clientId: app.clientId });
    expect(JSON.stringify(creds.body)).not.toContain('PRIVATE KEY');

    // The convênio number is the código do cliente the cooperative confirmed (numeroCliente, with its digit), not the
    // account: cooperativa + conta corrente is refused, naming the field.
    const notAccount = await call<Problem>(s.base, cs, 'POST', `/v1/onboardings/${id}/configuration`, {
      convenio: { number: `${b.cooperativa}${conta}`, carteira: '1' },
      chargeDefaults: { defaultKind: 'BOLETO' },
    });
    expect(notAccount.status).toBe(422);
    expect(notAccount.body.detail).toMatch(/^convenio\.number must be the Sicoob código do cliente \(numeroCliente\)/);
    const v = await call<View>(s.base, cs, 'POST', `/v1/onboardings/${id}/configuration`, {
      convenio: { number: b.codigoCliente, carteira: '1' },
      chargeDefaults: { defaultKind: 'BOLETO' },
    });
    expect(v.body.connectivity).toMatchObject({ ok: true });
    expect(v.body.step).toBe('ACTIVE');
    // At ACTIVE the account's movement poll runs (the reconciliation safety net when webhooks are off or lost).
    const polled = await eventually(
      () => call<View>(s.base, cs, 'GET', `/v1/onboardings/${id}`).then((r) => r.body),
      (x) => x.timeline.some((e) => e.detail.startsWith('Sicoob movement poll')),
    );
    expect(polled.timeline.map((e) => e.detail)).toContain(`Sicoob movement poll running (sicoob-movements-${id})`);
    const poll = await s.client.workflow.getHandle(`sicoob-movements-${id}`).describe();
    expect(poll.status.name).toBe('RUNNING');
    expect(poll.type).toBe('sicoobMovementPoll');
    expect(v.body.timeline.map((e) => e.detail)).toContain(
      'Nosso-número range from Sicoob (faixas-nosso-numero): 1000000–1200000, DV part of the number (false)',
    );

    const boleto = await call<{ status: string; barcode: string; nossoNumero: string }>(
      s.base,
      s.keys.integrator,
      'POST',
      '/v1/boletos',
      { accountId: id, amountCents: 15_000, dueDate: addDays(saoPauloDate(Date.now()), 10), payer: SICOOB_TEST_PAYER },
      { 'Idempotency-Key': 'onb-sicoob-1' },
    );
    const json = boleto.body;
    expect(boleto.status).toBe(201);
    expect(json).toMatchObject({ status: 'REGISTERED' });
    expect(json.barcode).toMatch(/^756/);
    // Registered at Sicoob for the contract the cooperative confirmed, credited to the account's conta corrente.
    expect(s.sicoob.bank.boletos.get(json.nossoNumero)?.request).toMatchObject({
      numeroCliente: b.numeroCliente,
      numeroContaCorrente: b.numeroContaCorrente,
      codigoModalidade: 1,
    });
    // The number comes from the contract's range read at ACTIVE, sent as it is (the range's DV flag is off).
    expect(Number(json.nossoNumero)).toBeGreaterThanOrEqual(1_000_000);
    expect(Number(json.nossoNumero)).toBeLessThanOrEqual(1_200_000);

    // Bolecode by default: Sicoob's Pix comes with the registration (codigoCadastrarPIX 1), so neither Itaú's API V2
    // nor a Pix key is asked for.
    const hybrid = await call<View>(s.base, cs, 'POST', `/v1/onboardings/${id}/configuration`, {
      convenio: { number: b.codigoCliente, carteira: '1', apiVersion: 'V1' },
      chargeDefaults: { defaultKind: 'BOLECODE' },
    });
    expect(hybrid.status).toBe(200);
    expect(hybrid.body.step).toBe('ACTIVE');
    const bolecode = await call<{ status: string; kind: string; nossoNumero: string; pix?: { emv: string } }>(
      s.base,
      s.keys.integrator,
      'POST',
      '/v1/boletos',
      { accountId: id, amountCents: 15_100, dueDate: addDays(saoPauloDate(Date.now()), 10), payer: SICOOB_TEST_PAYER },
      { 'Idempotency-Key': 'onb-sicoob-2' },
    );
    expect(bolecode.status).toBe(201);
    expect(bolecode.body).toMatchObject({ status: 'REGISTERED', kind: 'BOLECODE' });
    expect(bolecode.body.pix?.emv).toBeTruthy();
    expect(s.sicoobProblems).toEqual([]);
  });

  it('ACTIVE › one type-7 webhook at our receiver › a second ACTIVE keeps it › awaiting validation too long: escalated › Inativo: reactivated by the watch, the tenant told why', async () => {
    expect(id).not.toBe('');
    const url = `https://boletos.example.com/webhooks/sicoob/${id}`;
    const view = () => call<View>(s.base, s.keys.cs, 'GET', `/v1/onboardings/${id}`).then((r) => r.body);
    const registered = () => {
      s.sicoob.bank.syncWebhooks(); // as the admin view (/__sim/registered-webhooks) reads them
      return s.sicoob.bank.webhooksRegistered;
    };

    const v = await eventually(view, (x) => x.webhookRegistration?.id !== undefined);
    expect(v.webhookRegistration).toMatchObject({ ok: true, url, status: '1 - Aguardando validação' });
    expect(v.timeline.some((e) => e.kind === 'NOTIFICATIONS' && /created \d+/.test(e.detail))).toBe(true);
    expect(registered()).toEqual([expect.objectContaining({ url, codigoTipoMovimento: 7, codigoSituacao: 1 })]);
    const idWebhook = registered()[0]!.idWebhook;
    expect(v.webhookRegistration?.id).toBe(String(idWebhook));

    // ACTIVE again (a new connectivity check): the webhook is listed and kept, never a second one.
    const checks = v.timeline.filter((e) => e.kind === 'CONNECTIVITY').length;
    await eventually(
      () => call(s.base, s.keys.cs, 'POST', `/v1/onboardings/${id}/connectivity-check`, {}),
      (r) => r.status < 300, // a watch check running meanwhile answers 409: asked again
    );
    await eventually(view, (x) => x.timeline.filter((e) => e.kind === 'CONNECTIVITY').length > checks);
    expect(registered()).toEqual([expect.objectContaining({ idWebhook, url })]);

    // Nothing validates https://boletos.example.com here: after 6 s awaiting validation the onboarding escalates.
    const stalled = await eventually(view, (x) => x.stalled !== undefined, 20_000);
    expect(stalled.stalled?.reason).toMatch(new RegExp(`Sicoob webhook ${idWebhook} has been awaiting validation`));
    expect(stalled.step).toBe('ACTIVE');
    await eventually(
      () => Promise.resolve(s.notices.filter((n) => n.type === 'onboarding.webhook_unvalidated')),
      (n) => n.length > 0,
    );

    // The validation request is given up: Sicoob inactivates the webhook; the watch reactivates it.
    s.sicoob.clock.advance(60_000);
    await s.sicoob.tick();
    expect(registered()[0]).toMatchObject({ idWebhook, codigoSituacao: 3 });
    const notice = await eventually(
      () => Promise.resolve(s.notices.filter((n) => n.type === 'onboarding.webhook_inactive')),
      (n) => n.length > 0,
      20_000,
    );
    expect(JSON.stringify(notice[0]!.data)).toContain('Erro ao enviar notificação');
    expect(registered()).toEqual([expect.objectContaining({ idWebhook, url, codigoSituacao: 1 })]);
    const after = await view();
    expect(after.timeline.some((e) => /reactivated/.test(e.detail))).toBe(true);
    expect(s.sicoobProblems).toEqual([]);
  }, 90_000);

  it('operators › the account’s webhooks at Sicoob and the day’s delivery log; a bad date → 400 naming it; cs keys and other tenants cannot read it', async () => {
    expect(id).not.toBe('');
    const path = `/v1/bank-webhooks/sicoob/${id}`;
    const day = saoPauloDate(s.sicoob.clock.now());
    type Report = {
      accountId: string;
      date: string;
      registrations: {
        id: string;
        url: string;
        situation: string;
        registeredAt?: string;
        deliveries: { totalRecords: number; items: { validation: boolean; status: string; attempts: unknown[] }[] };
      }[];
    };
    const r = await call<Report>(s.base, s.keys.operator, 'GET', `${path}?date=${day}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ accountId: id, date: day });
    expect(r.body.registrations).toHaveLength(1);
    const reg = r.body.registrations[0]!;
    expect(reg).toMatchObject({ url: `https://boletos.example.com/webhooks/sicoob/${id}` });
    expect(reg.situation).toMatch(/^[123] - /);
    expect(reg.registeredAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(reg.deliveries.totalRecords).toBeGreaterThan(0);
    expect(reg.deliveries.items.every((i) => i.validation)).toBe(true);
    expect(reg.deliveries.items.some((i) => i.status === '6 - Erro no envio')).toBe(true);
    expect(
      (await call<Report>(s.base, s.keys.operator, 'GET', `${path}?date=2000-01-01`)).body.registrations[0]?.deliveries
        .totalRecords,
    ).toBe(0);

    const bad = await call<Problem & { errors?: { field: string }[] }>(
      s.base,
      s.keys.operator,
      'GET',
      `${path}?date=06/12/2026`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors?.map((e) => e.field)).toContain('query.date');
    expect((await call(s.base, s.keys.operator, 'GET', `${path}?page=0`)).status).toBe(400);
    expect((await call(s.base, s.keys.cs, 'GET', path)).status).toBe(403);
    expect((await call(s.base, s.otherKeys.operator, 'GET', path)).status).toBe(404);
    expect(s.sicoobProblems).toEqual([]);
  }, 60_000);
});
