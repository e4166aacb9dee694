/** The Itaú simulator over time: notifications (OAuth first), the cents scenarios, the Pix case without notification, restarts. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsFromSettings } from '../../src/banks/accounts';
import { itauAccountFromSettings, loadItauCredentials } from '../../src/banks/itau/account';
import { writeSimulatedAccounts } from '../../src/simulators/defaults';
import { itauSimulatorUrls } from '../../src/banks/itau/config';
import { normaliseSituacao } from '../../src/banks/itau/mapping';
import { translateItauWebhook } from '../../src/banks/itau/webhook';
import { BankRegistry } from '../../src/banks/registry';
import { addDays, nextBusinessDay } from '../../src/domain';
import { loadConfig } from '../../src/config';
import { createItauSimulator, type ItauSimulator } from '../../src/simulators/itau/server';
import { SimClock } from '../../src/simulators/shared/clock';
import {
  adapterFor,
  admin,
  bankErrorOf,
  boletoRequest,
  startReceiver,
  startSim,
  T0,
  type TestAdapter,
  TODAY,
} from '../banks/itau/helpers';

describe('Itaú simulator › notifications and scenarios over the simulator clock', () => {
  let sim: ItauSimulator;
  let t: TestAdapter;
  let rcv: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    sim = await startSim();
    t = adapterFor(sim);
    rcv = await startReceiver();
    await t.adapter.subscribeNotifications({
      webhookUrl: rcv.webhookUrl,
      oauthUrl: rcv.oauthUrl,
      clientId: rcv.creds.clientId,
      clientSecret: rcv.creds.clientSecret,
      scope: 'webhook',
    });
  });
  afterAll(async () => {
    await t.close();
    await rcv.close();
    await sim.close();
  });

  it('subscription › POST /notificacoes_boletos › one id per type (id_beneficiario + 01/02), listed without the client secret', async () => {
    const subs = (await t.adapter.listSubscriptions()) as {
      id_notificacao_boleto: string;
      webhook_client_secret?: string;
    }[];
    expect(subs.map((s) => s.id_notificacao_boleto).sort()).toEqual([
      `${sim.bank.idBeneficiario}01`,
      `${sim.bank.idBeneficiario}02`,
    ]);
    expect(subs.every((s) => s.webhook_client_secret === undefined)).toBe(true);
  });

  it('cents ,01 › paid on the due date (BAIXA_OPERACIONAL) then credited next business day (BAIXA_EFETIVA) › each delivered with a Bearer token obtained first by client_credentials', async () => {
    const req = boletoRequest({ amountCents: 20_001, dueDate: addDays(TODAY, 1) });
    await t.adapter.register(req);
    const start = rcv.received.length;
    await admin(sim, '/clock/advance', { days: 1 }); // due date, 12:00 → paid at 10:00
    const paid = await t.adapter.get({ nossoNumero: req.nossoNumero ?? '' });
    expect(paid).toMatchObject({ status: 'PAID', bankStatus: 'Aguardando Credito', payment: { paidCents: 20_001 } });
    const first = rcv.received.slice(start);

    expect(first).toHaveLength(1);
    expect(rcv.tokenRequests[0]).toMatchObject({ body: { grant_type: 'client_credentials', scope: 'webhook' } });
    expect(rcv.tokenRequests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('receiver-client:receiver-secret').toString('base64')}`,
    );
    const events = t.adapter.translateWebhook({
      headers: {},
      body: first[0]?.body,
      receivedAt: new Date().toISOString(),
    });
    expect(events).toEqual([
      expect.objectContaining({
        bank: 'ITAU',
        kind: 'PAID',
        nossoNumero: req.nossoNumero,
        paidCents: 20_001,
        eventId: `${req.nossoNumero}:95`,
        source: 'webhook',
      }),
    ]);

    const settleDay = nextBusinessDay(addDays(TODAY, 1));
    await admin(sim, '/clock', { now: `${settleDay}T06:00:00-03:00` });
    const settled = await t.adapter.get({ nossoNumero: req.nossoNumero ?? '' });
    expect(settled).toMatchObject({ status: 'SETTLED', bankStatus: 'Creditado', settlement: { settledCents: 20_001 } });
    const second = rcv.received.slice(start + 1);
    expect(second).toHaveLength(1);
    expect(t.adapter.translateWebhook({ headers: {}, body: second[0]?.body, receivedAt: 'x' })[0]).toMatchObject({
      kind: 'SETTLED',
      settledCents: 20_001,
    });
    // The subscriber's 300 s token had expired a day later: the simulator asked for a new one first.
    expect(rcv.tokenRequests).toHaveLength(2);
    expect(second[0]?.headers.authorization).toBe('Bearer rcv-token-2');
  });

  it('cents ,10 › a bolecode paid by Pix › the consulta shows "Baixada" with the Pix payment and keeps it (SETTLED: a Pix is credited when paid); no notification ever arrives, polling finds it', async () => {
    const req = boletoRequest({ kind: 'BOLECODE', amountCents: 30_010, dueDate: addDays(sim.clock.today(), 5) });
    await t.adapter.register(req);
    const before = rcv.received.length;
    await admin(sim, '/clock/advance', { hours: 2, stepMinutes: 30 });
    const polled = await t.adapter.get({ nossoNumero: req.nossoNumero ?? '' });
    expect(polled).toMatchObject({
      status: 'SETTLED',
      bankStatus: 'Baixada',
      payment: { paidCents: 30_010, channel: 'Pix' },
      settlement: { settledCents: 30_010 },
    });
    expect(polled?.settlement?.settledAt).toBe(polled?.payment?.paidAt);
    await admin(sim, '/clock/advance', { days: 4, stepMinutes: 360 });
    expect(await t.adapter.get({ nossoNumero: req.nossoNumero ?? '' })).toMatchObject({
      status: 'SETTLED',
      bankStatus: 'Baixada',
    });
    expect(rcv.received.length).toBe(before);
    const listed = await admin<{ deliveries: { subject: string }[] }>(sim, '/webhooks');
    expect(listed.body.deliveries.filter((d) => d.subject.startsWith(req.nossoNumero ?? '-'))).toEqual([]);
  });

  it('cents ,05 › paid and credited with no notification at all › only the consulta shows it', async () => {
    const req = boletoRequest({ amountCents: 20_005, dueDate: addDays(sim.clock.today(), 1) });
    await t.adapter.register(req);
    const before = rcv.received.length;
    await admin(sim, '/clock/advance', { days: 5, stepMinutes: 360 });
    expect(await t.adapter.get({ nossoNumero: req.nossoNumero ?? '' })).toMatchObject({ status: 'SETTLED' });
    expect(rcv.received.length).toBe(before);
  });

  it('cents ,02 › paid 5 days late with the 2 % fine › paidCents above the amount; the consulta lists the payment', async () => {
    const req = boletoRequest({
      amountCents: 10_002,
      dueDate: addDays(sim.clock.today(), 1),
      fine: { type: 'PERCENT', basisPoints: 200 },
    });
    await t.adapter.register(req);
    await admin(sim, '/clock/advance', { days: 2, stepMinutes: 360 });
    expect(await t.adapter.get({ nossoNumero: req.nossoNumero ?? '' })).toMatchObject({
      status: 'OVERDUE',
      bankStatus: 'Em Aberto',
    });
    await admin(sim, '/clock/advance', { days: 5, stepMinutes: 360 });
    const b = await t.adapter.get({ nossoNumero: req.nossoNumero ?? '' });
    expect(b?.payment?.paidCents).toBe(10_002 + 200);
  });

  it('cents ,03 › never paid › OVERDUE after the due date, written off ("Baixada", decurso de prazo) the day after data_limite_pagamento, and a late payment is refused', async () => {
    const due = addDays(sim.clock.today(), 1);
    const req = boletoRequest({ amountCents: 10_003, dueDate: due, paymentDeadline: addDays(due, 3) });
    await t.adapter.register(req);
    await admin(sim, '/clock/advance', { days: 2, stepMinutes: 360 });
    expect((await t.adapter.get({ nossoNumero: req.nossoNumero ?? '' }))?.status).toBe('OVERDUE');
    await admin(sim, '/clock/advance', { days: 4, stepMinutes: 360 });
    expect(await t.adapter.get({ nossoNumero: req.nossoNumero ?? '' })).toMatchObject({
      status: 'CANCELLED',
      bankStatus: 'Baixada',
      cancellation: { reason: 'Baixa por decurso de prazo' },
    });
    expect((await admin(sim, `/boletos/${req.nossoNumero}/pay`, {})).status).toBe(409);
  });

  it('GET /__sim/scenarios › the cents table the README shows', async () => {
    const r = await admin<{ rows: { cents: number }[] }>(sim, '/scenarios');
    expect(r.body.rows.map((x) => x.cents)).toEqual([0, 1, 2, 3, 4, 5, 8, 9, 10, 11]);
  });
});

describe('Itaú adapter › notification bodies and situação spellings (real bodies: test/banks/itau/notifications.test.ts)', () => {
  it('an offset date-time in dataNotificacao › read as such; a re-delivery › the same eventIds', () => {
    const body = {
      boletos: [
        {
          numeroNossoNumero: '12345678',
          tipoLiquidacao: '06',
          valorPagoTotalCobranca: '150.00',
          dataNotificacao: '2026-03-02T05:00:00-03:00',
        },
      ],
    };
    const a = translateItauWebhook({ headers: {}, body, receivedAt: 'r' });
    expect(a).toEqual([
      {
        bank: 'ITAU',
        eventId: '12345678:06',
        kind: 'SETTLED',
        occurredAt: '2026-03-02T08:00:00.000Z',
        bankTime: '2026-03-02T05:00:00-03:00',
        nossoNumero: '12345678',
        paidCents: 15_000,
        settledCents: 15_000,
        source: 'webhook',
      },
    ]);
    expect(translateItauWebhook({ headers: {}, body, receivedAt: 'r2' })[0]?.eventId).toBe(a[0]?.eventId);
  });

  it('a body without a boletos list or a nosso número › VALIDATION', () => {
    expect(() => translateItauWebhook({ headers: {}, body: { hello: 'world' }, receivedAt: 'r' })).toThrow(
      /not an Itaú boleto notification/,
    );
    expect(() =>
      translateItauWebhook({ headers: {}, body: { boletos: [{ tipoLiquidacao: '95' }] }, receivedAt: 'r' }),
    ).toThrow();
  });

  it('situação normalisation › accents, case and gender do not matter; Baixado with a payment is PAID; overrides win', () => {
    const none = { hasPayment: false, overdue: false };
    expect(['Em Aberto', 'EM ABERTO', 'em aberto'].map((s) => normaliseSituacao(s, none))).toEqual([
      'OPEN',
      'OPEN',
      'OPEN',
    ]);
    expect(normaliseSituacao('Em Aberto', { hasPayment: false, overdue: true })).toBe('OVERDUE');
    expect(['Pago', 'Paga', 'Aguardando Crédito', 'AGUARDANDO CREDITO'].map((s) => normaliseSituacao(s, none))).toEqual(
      ['PAID', 'PAID', 'PAID', 'PAID'],
    );
    expect(['Liquidado', 'Liquidada', 'Creditado', 'creditada'].map((s) => normaliseSituacao(s, none))).toEqual([
      'SETTLED',
      'SETTLED',
      'SETTLED',
      'SETTLED',
    ]);
    expect(['Baixado', 'Baixada', 'BAIXADA'].map((s) => normaliseSituacao(s, none))).toEqual([
      'CANCELLED',
      'CANCELLED',
      'CANCELLED',
    ]);
    expect(normaliseSituacao('Baixada', { hasPayment: true, overdue: false })).toBe('PAID');
    expect(normaliseSituacao('Pagamento Rejeitado', none)).toBe('OPEN');
    expect(normaliseSituacao('Algo Novo', none)).toBe('UNKNOWN');
    expect(normaliseSituacao('Liquidado', none, { liquidado: 'PAID' })).toBe('PAID');
  });
});

describe('Itaú simulator › embedded default (npm start)', () => {
  it('PKI and state under DATA_DIR › the default account reads the certificate the test CA issued; a restart keeps the CA, the app and the boletos', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'itau-sim-'));
    const settings = { ...loadConfig({ DATA_DIR: dataDir, SIM_ITAU_PORT: '4999', SIM_ITAU_PUBLIC_PORT: '4998' }) };
    writeSimulatedAccounts(dataDir); // what the supervisor does before the worker and the API start
    const account = itauAccountFromSettings(settings)!;
    expect(account).toMatchObject({
      accountId: 'itau-default',
      bank: 'ITAU',
      simulated: true,
      credentials: { kind: 'simulator' },
    });
    expect(accountsFromSettings(settings).map((a) => a.bank)).toEqual(['BS2', 'ITAU', 'SICOOB']);
    const pkiDir = account.credentials.kind === 'simulator' ? account.credentials.pkiDir : '';
    const stateFile = join(dataDir, 'simulators', 'itau.json');
    const clock = () => new SimClock({ start: T0, frozen: true });
    let sim = await createItauSimulator({ port: 0, publicPort: 0, pkiDir, stateFile, clock: clock() });
    const creds = loadItauCredentials(account.credentials);
    expect(creds.clientId).toBe(sim.defaultApp.clientId);
    const registry = new BankRegistry([
      { ...account, adapter: { ...account.adapter, urls: itauSimulatorUrls(sim.url, sim.publicUrl) } },
    ]);
    const req = boletoRequest();
    const b = await registry.adapter(account.accountId).register(req);
    await registry.close();
    const ca = sim.pki.caCertPem;
    await sim.close();
    sim = await createItauSimulator({ port: 0, publicPort: 0, pkiDir, stateFile, clock: clock() });
    expect(sim.pki.caCertPem).toBe(ca);
    const again = new BankRegistry([
      { ...account, adapter: { ...account.adapter, urls: itauSimulatorUrls(sim.url, sim.publicUrl) } },
    ]);
    expect(await again.adapter(account.accountId).get({ bankId: b.bankId })).toMatchObject({
      nossoNumero: req.nossoNumero,
      status: 'OPEN',
    });
    expect((await bankErrorOf(again.adapter(account.accountId).register(req))).kind).toBe('ALREADY_REGISTERED');
    await again.close();
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
});
