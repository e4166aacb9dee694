/**
 * Itaú boleto notifications against real bodies (test/fixtures/itau/, sources in SOURCES.md): the adapter parses
 * them (no notification-type field; `tipoLiquidacao` through a configurable [U] table), and the mTLS simulator sends
 * exactly that shape to a real receiver over HTTP (OAuth token first). Plus the notification subscription (Boletos v3
 * `notificacoes_boletos`): create, list, update, delete, and the idempotent "ensure" the onboarding uses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BankError } from '../../../src/banks/errors';
import { translateItauWebhook } from '../../../src/banks/itau/webhook';
import type { ItauSimulator } from '../../../src/simulators/itau/server';
import { eventually } from '../../helpers/boleto-stack';
import { adapterFor, admin, boletoRequest, startReceiver, startSim, type TestAdapter } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fixture = (name: string): any =>
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'itau', name), 'utf8'));
const SEEN = '2026-03-06T13:00:00.000Z';
const translate = (body: unknown, opts = {}) => translateItauWebhook({ headers: {}, body, receivedAt: SEEN }, opts);

describe('Itaú adapter › golden notification bodies', () => {
  it("Itaú's example (tipoLiquidacao 95, valorCreditado null) › one PAID trigger for its nosso número with the paid amount; a re-delivery › the same eventId", () => {
    const body = fixture('notification-itau-example.json');
    const events = translate(body);
    expect(events).toEqual([
      {
        bank: 'ITAU',
        eventId: '00007965:95',
        kind: 'PAID',
        occurredAt: SEEN,
        bankTime: '2022-07-27',
        nossoNumero: '00007965',
        paidCents: 30_000,
        source: 'webhook',
      },
    ]);
    expect(translateItauWebhook({ headers: {}, body, receivedAt: '2026-03-07T00:00:00.000Z' })[0]!.eventId).toBe(
      events[0]!.eventId,
    );
  });

  it('a receiver’s LIQUIDADO bodies, with and without an amount › SETTLED with the amount when there is one', () => {
    expect(translate(fixture('notification-liquidado.json'))).toEqual([
      expect.objectContaining({
        kind: 'SETTLED',
        nossoNumero: '00000001',
        eventId: '00000001:LIQUIDADO',
        paidCents: 100,
        settledCents: 100,
      }),
    ]);
    const [bare] = translate(fixture('notification-liquidado-no-amount.json'));
    expect(bare).toMatchObject({ kind: 'SETTLED', nossoNumero: '00000001' });
    expect(bare).not.toHaveProperty('paidCents');
  });

  it('the code table is configurable; an unknown code is still a notification (PAID, or SETTLED once credited)', () => {
    const body = fixture('notification-itau-example.json');
    expect(translate(body, { liquidacaoCodes: { '95': 'SETTLED' } })[0]).toMatchObject({
      kind: 'SETTLED',
      settledCents: 30_000,
    });
    const unknown = { boletos: [{ ...body.boletos[0], tipoLiquidacao: 'ZZ' }] };
    expect(translate(unknown)[0]).toMatchObject({ kind: 'PAID', eventId: '00007965:ZZ' });
    const credited = { boletos: [{ ...body.boletos[0], tipoLiquidacao: 'ZZ', valorCreditado: '299.50' }] };
    expect(translate(credited)[0]).toMatchObject({ kind: 'SETTLED', paidCents: 30_000, settledCents: 29_950 });
    // Amounts in implied cents, as one receiver reports Itaú may send them.
    expect(
      translate({ boletos: [{ numeroNossoNumero: '12345678', valorPagoTotalCobranca: '000000000012345' }] })[0],
    ).toMatchObject({ paidCents: 12_345 });
  });

  it('shapes without evidence (snake_case, a data envelope) and items without a nosso número › VALIDATION naming the field; an empty list › no events', () => {
    const refused = (body: unknown): BankError => {
      try {
        translate(body);
      } catch (e) {
        if (e instanceof BankError) return e;
        throw e;
      }
      throw new Error('accepted');
    };
    expect(
      refused({ data: { tipo_notificacao: 'BAIXA_EFETIVA', boletos: [{ numero_nosso_numero: '12345678' }] } }).details
        .fields,
    ).toEqual([{ field: 'boletos', message: expect.any(String) }]);
    expect(refused({ boletos: [{ numero_nosso_numero: '12345678' }] }).details.fields).toEqual([
      { field: 'boletos[0].numeroNossoNumero', message: expect.any(String) },
    ]);
    expect(refused({ hello: 'world' }).kind).toBe('VALIDATION');
    expect(translate({ boletos: [] })).toEqual([]);
  });
});

describe('Itaú simulator › sends exactly the real notification shape (over HTTP, OAuth first)', () => {
  let sim: ItauSimulator;
  let t: TestAdapter;
  let rcv: Awaited<ReturnType<typeof startReceiver>>;
  const real = fixture('notification-itau-example.json').boletos[0] as Record<string, unknown>;

  beforeAll(async () => {
    sim = await startSim();
    t = adapterFor(sim);
    rcv = await startReceiver();
    await t.adapter.subscribeNotifications({
      webhookUrl: rcv.webhookUrl,
      oauthUrl: rcv.oauthUrl,
      clientId: rcv.creds.clientId,
      clientSecret: rcv.creds.clientSecret,
    });
  });
  afterAll(async () => {
    await t.close();
    await rcv.close();
    await sim.close();
  });

  /** Same keys as Itaú's example, each value of the same kind (string pattern or null). */
  const sameShape = (item: Record<string, unknown>) => {
    expect(Object.keys(item).sort()).toEqual(Object.keys(real).sort());
    expect(item.dataNotificacao).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(item.idBoleto).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(item.numeroNossoNumero).toMatch(/^\d{8}$/);
    for (const k of ['valorTitulo', 'valorPagoTotalCobranca']) expect(item[k]).toMatch(/^\d+\.\d{2}$/);
    expect(item.dataCredito).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  };

  it('paid (BAIXA_OPERACIONAL) then credited (BAIXA_EFETIVA) › {boletos:[…]} with no type field, "95" then "06"; the adapter reads PAID then SETTLED', async () => {
    const req = boletoRequest({ amountCents: 12_300 });
    await t.adapter.register(req);
    const start = rcv.received.length;
    expect((await admin(sim, `/boletos/${req.nossoNumero}/pay`, {})).status).toBe(200);
    const [paid] = (
      await eventually(
        () => Promise.resolve(rcv.received.slice(start)),
        (r) => r.length >= 1,
      )
    ).map((r) => r.body as Record<string, unknown>);
    expect(Object.keys(paid!)).toEqual(['boletos']);
    const p = (paid!.boletos as Record<string, unknown>[])[0]!;
    sameShape(p);
    expect(p).toMatchObject({
      tipoLiquidacao: '95',
      numeroNossoNumero: req.nossoNumero,
      valorTitulo: '123.00',
      valorPagoTotalCobranca: '123.00',
      valorCreditado: null,
    });
    expect(translate(paid)).toEqual([
      expect.objectContaining({ kind: 'PAID', nossoNumero: req.nossoNumero, paidCents: 12_300 }),
    ]);

    expect((await admin(sim, `/boletos/${req.nossoNumero}/settle`, {})).status).toBe(200);
    const [settled] = (
      await eventually(
        () => Promise.resolve(rcv.received.slice(start + 1)),
        (r) => r.length >= 1,
      )
    ).map((r) => r.body as Record<string, unknown>);
    const s = (settled!.boletos as Record<string, unknown>[])[0]!;
    sameShape(s);
    expect(s).toMatchObject({ tipoLiquidacao: '06', valorCreditado: '123.00' });
    expect(translate(settled)).toEqual([expect.objectContaining({ kind: 'SETTLED', settledCents: 12_300 })]);
    expect(JSON.stringify(rcv.received.slice(start))).not.toMatch(/tipoNotificacao|tipo_notificacao/);
  });
});

describe('Itaú adapter › notification subscription: create, list, update, delete, ensure (idempotent)', () => {
  let sim: ItauSimulator;
  let t: TestAdapter;
  const ours = {
    webhookUrl: 'https://boletos.example.com/webhooks/itau/acc-1',
    oauthUrl: 'https://boletos.example.com/webhooks/itau/acc-1/oauth/token',
    clientId: 'bf-client',
    clientSecret: 'bf-secret-0123456789',
  };
  const simSubs = async () =>
    (
      await admin<{
        items: {
          id_notificacao_boleto: string;
          tipo_notificacao: string;
          webhook_url: string;
          webhook_client_secret?: string;
        }[];
      }>(sim, '/subscriptions')
    ).body.items;

  beforeAll(async () => {
    sim = await startSim();
    t = adapterFor(sim);
  });
  afterAll(async () => {
    await t.close();
    await sim.close();
  });

  it('ensure › creates both types once; again › keeps them; after a lost answer (already created) › creates nothing', async () => {
    const id = sim.bank.idBeneficiario;
    const first = await t.adapter.ensureNotificationSubscription(ours);
    expect(first.created.sort()).toEqual([`${id}01`, `${id}02`]);
    expect(first.subscriptions.map((s) => s.type).sort()).toEqual(['BAIXA_EFETIVA', 'BAIXA_OPERACIONAL']);
    expect(first.subscriptions.every((s) => s.webhookUrl === ours.webhookUrl && s.oauthUrl === ours.oauthUrl)).toBe(
      true,
    );
    expect(JSON.stringify(first)).not.toContain(ours.clientSecret);

    const again = await t.adapter.ensureNotificationSubscription(ours);
    expect(again).toMatchObject({ created: [], updated: [] });
    expect(again.kept.sort()).toEqual([`${id}01`, `${id}02`]);
    expect(await simSubs()).toHaveLength(2);
    expect((await simSubs()).every((s) => s.webhook_client_secret === undefined)).toBe(true);
  });

  it('ensure with another receiver URL › PATCHes both (no new one); delete › gone; ensure › recreates only the missing type', async () => {
    const id = sim.bank.idBeneficiario;
    const moved = {
      ...ours,
      webhookUrl: 'https://novo.example.com/webhooks/itau/acc-1',
      oauthUrl: 'https://novo.example.com/webhooks/itau/acc-1/oauth/token',
    };
    const r = await t.adapter.ensureNotificationSubscription(moved);
    expect(r.updated.sort()).toEqual([`${id}01`, `${id}02`]);
    expect(r.created).toEqual([]);
    expect((await simSubs()).map((s) => s.webhook_url)).toEqual([moved.webhookUrl, moved.webhookUrl]);

    await t.adapter.deleteSubscription(`${id}02`);
    expect((await simSubs()).map((s) => s.tipo_notificacao)).toEqual(['BAIXA_EFETIVA']);
    await t.adapter.deleteSubscription(`${id}02`); // already gone: no error
    const back = await t.adapter.ensureNotificationSubscription(moved);
    expect(back).toMatchObject({ created: [`${id}02`], kept: [`${id}01`], updated: [] });
    expect(await simSubs()).toHaveLength(2);

    await t.adapter.updateSubscription(`${id}01`, { minimumCents: 500 });
    expect(
      ((await t.adapter.listSubscriptions()) as { id_notificacao_boleto: string; valor_minimo: number }[]).find(
        (s) => s.id_notificacao_boleto === `${id}01`,
      )?.valor_minimo,
    ).toBe(5);
  });
});
