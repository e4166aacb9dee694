/** The BS2 simulator's rules of time, webhooks and every cents scenario, driven through its clock and admin API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BankError } from '../../src/banks/errors';
import type { BankEvent } from '../../src/contracts/bank';
import { addDays } from '../../src/domain';
import type { Bs2Simulator } from '../../src/simulators/bs2/server';
import { BS2_SCENARIOS } from '../../src/simulators/bs2/scenarios';
import { admin, adapterFor, boletoRequest, startReceiver, startSim, type TestAdapter } from '../banks/bs2/helpers';

let current: Bs2Simulator | undefined;
/** A request due in 10 days on the current simulator's clock. */
const breq = (o: Parameters<typeof boletoRequest>[0] = {}) =>
  boletoRequest({ dueDate: addDays(current!.clock.today(), 10), ...o });

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

async function bankError(p: Promise<unknown>): Promise<BankError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BankError) return e;
    throw e;
  }
  throw new Error('expected a BankError');
}

const advance = (sim: Bs2Simulator, days: number, hours = 0) => admin(sim, '/clock/advance', { days, hours });
const notificationsFor = (rx: Receiver, nossoNumero: string) =>
  rx.received.filter((r) => String(r.body?.NossoNumeroBoleto) === nossoNumero);
const statuses = (n: { body: { StatusBoleto: { Status: number }[] } }) => n.body.StatusBoleto.map((s) => s.Status);

describe('BS2 simulator › scenarios by cents, rules of time, webhooks', () => {
  let sim: Bs2Simulator;
  let t: TestAdapter;
  let rx: Receiver;

  beforeAll(async () => {
    rx = await startReceiver();
    // Days pass on the bank's clock here: a 48 h refresh token would lapse (the keeper refreshes idle accounts; this adapter does not).
    sim = await startSim({
      webhook: { url: rx.url, auth: { type: 'bearer', token: 'hook-secret' } },
      lostResponseHoldMs: 3_000,
      refreshTokenTtlHours: 24 * 400,
    });
    current = sim;
    t = adapterFor(sim, { timeoutMs: 400 });
  });
  afterAll(async () => {
    await t.http.close();
    await sim.close();
    await rx.close();
  });

  it('scenario table › every row has distinct cents › documented by GET /__sim/scenarios', async () => {
    const r = await admin<{ rows: { name: string }[]; markdown: string }>(sim, '/scenarios');
    expect(r.body.rows.map((x) => x.name)).toEqual(BS2_SCENARIOS.rows.map((x) => x.name));
    expect(r.body.markdown).toContain('| ,07 | `LOST_RESPONSE` |');
  });

  it(',01 paid on time › on the due date at 10:00 payment identified (2), settled at 05:00 1–3 business days later (3); webhooks with Bearer auth', async () => {
    const b = await t.adapter.register(breq({ amountCents: 10_001, dueDate: addDays(sim.clock.today(), 4) })); // due Friday 2026-03-06
    await sim.tick();
    expect(statuses(notificationsFor(rx, b.nossoNumero)[0]!)).toEqual([1]);
    expect(rx.received[0]!.headers.authorization).toBe('Bearer hook-secret');
    await advance(sim, 4); // Friday 12:00
    const paid = await t.adapter.get({ bankId: b.bankId });
    expect(paid).toMatchObject({ status: 'PAID', payment: { paidCents: 10_001 } });
    expect(paid?.payment?.paidAt).toBe('2026-03-06T13:00:00.000Z'); // 10:00 São Paulo, in UTC
    const view = (await admin<{ items: { id: string; settleDueAt: string }[] }>(sim, '/boletos')).body.items.find(
      (i) => i.id === b.bankId,
    )!;
    const settleAt = String(view.settleDueAt);
    expect(settleAt).toMatch(/T05:00:00\.000-03:00$/);
    expect(['2026-03-09', '2026-03-10', '2026-03-11']).toContain(settleAt.slice(0, 10)); // business days after Friday
    await advance(sim, 6);
    const settled = await t.adapter.get({ bankId: b.bankId });
    expect(settled).toMatchObject({ status: 'SETTLED', settlement: { settledCents: 10_001 } });
    const ns = notificationsFor(rx, b.nossoNumero);
    expect(ns.map(statuses)).toEqual([[1], [1, 2], [1, 2, 3]]);
    const events = ns.flatMap((n) =>
      t.adapter.translateWebhook({
        headers: { authorization: 'Bearer hook-secret' },
        body: n.body,
        receivedAt: new Date().toISOString(),
      }),
    );
    expect(events.filter((e) => e.kind === 'SETTLED')).toMatchObject([
      { settledCents: 10_001, nossoNumero: b.nossoNumero, source: 'webhook' },
    ]);
  });

  it(',02 paid late › 5 days after the due date with the fine › valorPago > valor, then settled', async () => {
    const b = await t.adapter.register(
      breq({
        amountCents: 20_002,
        dueDate: addDays(sim.clock.today(), 1),
        fine: { type: 'FIXED', cents: 500 },
        interest: { type: 'PERCENT_MONTHLY', basisPoints: 300 },
      }),
    );
    await advance(sim, 3);
    expect((await t.adapter.get({ bankId: b.bankId }))?.status).toBe('OVERDUE');
    await advance(sim, 3); // due + 5, 12:00: paid at 10:00, settlement not before tomorrow 05:00
    const paid = await t.adapter.get({ bankId: b.bankId });
    // 200,02 + 5,00 fine + 3 %/month × 5 days = 1,00
    expect(paid).toMatchObject({ status: 'PAID', amountCents: 20_002, payment: { paidCents: 20_002 + 500 + 100 } });
    await advance(sim, 6);
    expect(await t.adapter.get({ bankId: b.bankId })).toMatchObject({
      status: 'SETTLED',
      settlement: { settledCents: 20_602 },
    });
  });

  it(',03 never paid › overdue after the due date, still payable on due + 60, written off (Status 4) the day after; payment then refused', async () => {
    const b = await t.adapter.register(breq({ amountCents: 30_003, dueDate: addDays(sim.clock.today(), 1) }));
    const other = await t.adapter.register(breq({ amountCents: 30_003, dueDate: addDays(sim.clock.today(), 1) }));
    const start = sim.clock.today();
    const toDay = (d: string) => Math.round((Date.parse(d) - Date.parse(start)) / 86_400_000);
    await advance(sim, toDay(addDays(b.dueDate, 60)));
    expect((await t.adapter.get({ bankId: b.bankId }))?.status).toBe('OVERDUE');
    expect((await admin(sim, `/boletos/${other.bankId}/pay`, {})).status).toBe(200); // last payable day: accepted
    await advance(sim, 1);
    const gone = await t.adapter.get({ bankId: b.bankId });
    expect(gone?.status).toBe('CANCELLED');
    expect(statuses(notificationsFor(rx, b.nossoNumero).at(-1)!)).toEqual([1, 4]);
    const refused = await admin(sim, `/boletos/${b.bankId}/pay`, {});
    expect(refused.status).toBe(409);
  });

  it('dataLimitePagamento with no grace (paymentDeadlineGraceBusinessDays 0) › payment after it › refused; on it › accepted', async () => {
    // The default grace is 4 business days (test/simulators/bs2-fidelity.test.ts); this bank is configured without.
    const g0 = await startSim({ paymentDeadlineGraceBusinessDays: 0, refreshTokenTtlHours: 24 * 400 });
    const a0 = adapterFor(g0);
    const b = await a0.adapter.register(
      breq({
        amountCents: 12_000,
        dueDate: addDays(g0.clock.today(), 1),
        paymentDeadline: addDays(g0.clock.today(), 3),
      }),
    );
    const c = await a0.adapter.register(
      breq({
        amountCents: 12_000,
        dueDate: addDays(g0.clock.today(), 1),
        paymentDeadline: addDays(g0.clock.today(), 3),
      }),
    );
    expect(
      (await admin(g0, `/boletos/${b.bankId}/pay`, { at: `${addDays(g0.clock.today(), 3)}T20:00:00-03:00` })).status,
    ).toBe(200);
    expect(
      (await admin(g0, `/boletos/${c.bankId}/pay`, { at: `${addDays(g0.clock.today(), 4)}T09:00:00-03:00` })).body
        .error,
    ).toContain('fora do prazo');
    await a0.http.close();
    await g0.close();
  });

  it(',04 rejected at registration › VALIDATION with the bank field and message', async () => {
    const e = await bankError(t.adapter.register(breq({ amountCents: 40_004 })));
    expect(e).toMatchObject({
      kind: 'VALIDATION',
      details: {
        httpStatus: 400,
        fields: [{ field: 'Cliente', message: 'Sacado bloqueado para emissão de boletos.' }],
      },
    });
  });

  it(',05 webhook never sent › paid and settled, no notification at all › only polling finds the payment', async () => {
    const b = await t.adapter.register(breq({ amountCents: 50_005, dueDate: addDays(sim.clock.today(), 1) }));
    await advance(sim, 6);
    expect((await t.adapter.get({ bankId: b.bankId }))?.status).toBe('SETTLED');
    expect(notificationsFor(rx, b.nossoNumero)).toHaveLength(0);
    expect((await t.adapter.search({ seuNumero: b.seuNumero!, status: 'SETTLED' })).items).toHaveLength(1);
  });

  it(',06 webhooks duplicated and out of order › each sent twice, newest first › deduped by eventId they tell the true history', async () => {
    const b = await t.adapter.register(breq({ amountCents: 60_006, dueDate: addDays(sim.clock.today(), 1) }));
    await advance(sim, 1);
    expect(notificationsFor(rx, b.nossoNumero)).toHaveLength(0); // held
    await advance(sim, 6);
    const ns = notificationsFor(rx, b.nossoNumero);
    expect(ns.map(statuses)).toEqual([[1, 2, 3], [1, 2], [1, 2, 3], [1], [1, 2], [1]]);
    const seen = new Map<string, BankEvent>();
    for (const n of ns)
      for (const e of t.adapter.translateWebhook({
        headers: { authorization: 'Bearer hook-secret' },
        body: n.body,
        receivedAt: '',
      }))
        seen.set(e.eventId, e);
    expect(seen.size).toBe(6); // 3 notifications × their entries (1 + 2 + 3), duplicates removed
    expect(new Set([...seen.values()].map((e) => e.kind))).toEqual(new Set(['REGISTERED', 'PAID', 'SETTLED']));
  });

  it(',07 registration succeeds but the response is lost › UNAVAILABLE outcomeUnknown; findRegistered finds it; a blind retry is refused; the bank holds exactly one', async () => {
    const req = breq({ amountCents: 70_007 });
    const e = await bankError(t.adapter.register(req));
    expect(e).toMatchObject({ kind: 'UNAVAILABLE', details: { outcomeUnknown: true } });
    const found = await t.adapter.findRegistered(req);
    expect(found).toMatchObject({ seuNumero: req.seuNumero, amountCents: 70_007, status: 'OPEN' });
    expect((await bankError(t.adapter.register(req))).kind).toBe('ALREADY_REGISTERED');
    const held = (await admin<{ items: { seuNumero: string }[] }>(sim, '/boletos')).body.items.filter(
      (i) => i.seuNumero === req.seuNumero,
    );
    expect(held).toHaveLength(1);
  });

  it(',08 503 for the first N calls › UNAVAILABLE with Retry-After, nothing created; the third call registers', async () => {
    const req = breq({ amountCents: 80_008 });
    for (let i = 0; i < 2; i++) {
      expect(await bankError(t.adapter.register(req))).toMatchObject({
        kind: 'UNAVAILABLE',
        details: { httpStatus: 503, retryAfterMs: 1000, outcomeUnknown: true },
      });
      expect(await t.adapter.findRegistered(req)).toBeNull();
    }
    expect((await t.adapter.register(req)).seuNumero).toBe(req.seuNumero);
  });

  it(',00 manual › admin pay, settle and cancel › drive the boleto; cancelled boletos refuse payment', async () => {
    const b = await t.adapter.register(breq({ amountCents: 9_900 }));
    expect((await admin(sim, `/boletos/${b.bankId}/pay`, { amountCents: 9_000 })).status).toBe(200);
    expect((await t.adapter.get({ bankId: b.bankId }))?.payment?.paidCents).toBe(9_000);
    expect((await admin(sim, `/boletos/${b.bankId}/settle`, {})).body.boleto.status).toBe(4);
    expect((await t.adapter.get({ bankId: b.bankId }))?.status).toBe('SETTLED');
    const c = await t.adapter.register(breq({ amountCents: 9_900 }));
    await admin(sim, `/boletos/${c.bankId}/cancel`, { reason: 'teste' });
    expect((await admin(sim, `/boletos/${c.bankId}/pay`, {})).status).toBe(409);
  });

  it('webhook delivery › receiver answers 500 twice › retried on the backoff schedule until a 2xx; Basic auth when configured', async () => {
    const flaky = await startReceiver([500, 503]);
    const s2 = await startSim({ webhook: { url: flaky.url, auth: { type: 'basic', username: 'bf', password: 'pw' } } });
    const a2 = adapterFor(s2);
    await a2.adapter.register(breq({ dueDate: addDays(s2.clock.today(), 3) }));
    await s2.tick();
    expect(flaky.received).toHaveLength(1);
    await s2.tick();
    expect(flaky.received).toHaveLength(1); // not before its backoff
    await admin(s2, '/clock/advance', { minutes: 1 });
    expect(flaky.received).toHaveLength(2);
    await admin(s2, '/clock/advance', { minutes: 5 });
    expect(flaky.received).toHaveLength(3);
    expect(flaky.received[2]!.headers.authorization).toBe(`Basic ${Buffer.from('bf:pw').toString('base64')}`);
    const d = (await admin(s2, '/webhooks')).body.deliveries[0];
    expect(d).toMatchObject({ state: 'DELIVERED', attempts: 3 });
    await a2.http.close();
    await s2.close();
    await flaky.close();
  });

  it('webhook translation › wrong Authorization › AUTH; not a BS2 body › VALIDATION', () => {
    const strict = adapterFor(sim, { webhookAuthorization: 'Bearer hook-secret' }, {}, t.tokens);
    const body = {
      Id: 'x',
      NossoNumeroBoleto: 1,
      StatusBoleto: [{ Status: 1, DataStatus: '2026-03-02T10:00:00-03:00' }],
    };
    expect(() =>
      strict.adapter.translateWebhook({ headers: { authorization: 'Bearer nope' }, body, receivedAt: '' }),
    ).toThrow(expect.objectContaining({ kind: 'AUTH' }));
    expect(
      strict.adapter.translateWebhook({ headers: { authorization: 'Bearer hook-secret' }, body, receivedAt: '' }),
    ).toEqual([
      {
        bank: 'BS2',
        eventId: 'x:1',
        kind: 'REGISTERED',
        occurredAt: '2026-03-02T13:00:00.000Z',
        bankTime: '2026-03-02T10:00:00-03:00',
        nossoNumero: '1',
        source: 'webhook',
      },
    ]);
    expect(() => t.adapter.translateWebhook({ headers: {}, body: { hello: 1 }, receivedAt: '' })).toThrow(
      expect.objectContaining({ kind: 'VALIDATION' }),
    );
  });

  it('OAuth › rotation, 48 h refresh TTL, 10 token calls a minute › old tokens die at once; the 11th call gets 429 with Retry-After', async () => {
    const s3 = await startSim();
    const form = (rt: string) =>
      fetch(`${s3.url}/auth/oauth/v2/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from('sim-bs2-api-key:sim-bs2-api-secret').toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          scope: 'forintegration',
          refresh_token: rt,
        }).toString(),
      });
    const first = (await (await form(s3.config.app.refreshToken)).json()) as {
      refresh_token: string;
      access_token: string;
      expires_in: number;
    };
    expect(first.expires_in).toBe(300);
    expect((await form(s3.config.app.refreshToken)).status).toBe(400); // rotated away
    let rt = first.refresh_token;
    for (let i = 0; i < 8; i++) rt = ((await (await form(rt)).json()) as { refresh_token: string }).refresh_token;
    const limited = await form(rt);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    await admin(s3, '/clock/advance', { hours: 49 });
    expect((await form(rt)).status).toBe(400); // refresh token older than 48 h
    await s3.close();
  });
});

describe('BS2 simulator › under npm start', () => {
  it('webhook Authorization › BS2_WEBHOOK_AUTHORIZATION agreed (Bearer or Basic) › the embedded bank sends exactly that header', async () => {
    const { bs2WebhookAuth } = await import('../../src/simulators/main');
    const { authHeader } = await import('../../src/simulators/shared/webhooks');
    const basic = `Basic ${Buffer.from('bs2:s3cr:et').toString('base64')}`;
    for (const agreed of ['Bearer chaos-secret-1', basic]) expect(authHeader(bs2WebhookAuth(agreed))).toBe(agreed);
    expect(bs2WebhookAuth(undefined)).toBeUndefined();
    expect(bs2WebhookAuth('Digest abc')).toBeUndefined();
  });
});
