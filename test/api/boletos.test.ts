/**
 * Boletos end to end, as an ERP meets them: the API over HTTP, the lifecycle workflow on a real Temporal dev
 * server, the BS2 simulator over HTTP firing real webhooks, and our signed notifications to the client's
 * system. Responses are validated against the served OpenAPI document.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, saoPauloDate } from '../../src/domain';
import { type BoletoStack, eventually, SIM_WEBHOOK_TOKEN, startBoletoStack } from '../helpers/boleto-stack';
import { OpenApiValidator } from '../helpers/openapi';
import { TEST_PAYER } from '../helpers/payer';

type View = {
  id: string;
  status: string;
  paid: boolean;
  settled: boolean;
  nossoNumero?: string;
  barcode?: string;
  linhaDigitavel?: string;
  dueDate: string;
  payment?: { paidCents: number };
  settlement?: { settledCents: number };
};

describe('boletos API on the BS2 simulator', () => {
  let s: BoletoStack;
  let spec: OpenApiValidator;
  const today = saoPauloDate(Date.now());
  const due = addDays(today, 10);

  beforeAll(async () => {
    s = await startBoletoStack();
    spec = new OpenApiValidator((await (await fetch(`${s.base}/openapi.json`)).json()) as never);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  const auth = (t: 't1' | 't2' = 't1', role: 'integrator' | 'operator' | 'cs' = 'integrator') => ({
    Authorization: `Bearer ${s.keys[t][role]}`,
  });
  const body = (over: Record<string, unknown> = {}) => ({
    accountId: s.accountId,
    amountCents: 15_000,
    dueDate: due,
    payer: {
      name: 'Maria da Silva',
      document: '529.982.247-25',
      email: 'maria@example.com',
      address: {
        street: 'Rua das Flores',
        number: '100',
        district: 'Centro',
        city: 'São Paulo',
        state: 'SP',
        zipCode: '01001000',
      },
    },
    reference: 'NF-1234',
    ...over,
  });
  async function create(key: string, b: Record<string, unknown> = body(), t: 't1' | 't2' = 't1') {
    const r = await fetch(`${s.base}/v1/boletos`, {
      method: 'POST',
      headers: { ...auth(t), 'content-type': 'application/json', 'Idempotency-Key': key },
      body: JSON.stringify(b),
    });
    const json = (await r.json()) as Record<string, unknown>;
    spec.expectValid('post', '/v1/boletos', r.status, r.headers.get('content-type') ?? '', json);
    return { r, json };
  }
  const get = async (id: string, t: 't1' | 't2' = 't1') => {
    const r = await fetch(`${s.base}/v1/boletos/${id}`, { headers: auth(t) });
    return { r, view: (await r.json()) as View };
  };
  const events = async (id: string) =>
    (
      (await (await fetch(`${s.base}/v1/boletos/${id}/events`, { headers: auth() })).json()) as {
        items: { kind: string; seq: number }[];
      }
    ).items;
  const atBank = (seuNumero: string) => s.sim.bank.boletos.values().filter((b) => b.seuNumero === seuNumero);

  it('create › valid request › 201 with the bank’s numbers in the same request; a signed notification reaches the client', async () => {
    const { r, json } = await create('order-1001');
    expect(r.status).toBe(201);
    expect(r.headers.get('location')).toBe(`/v1/boletos/${String(json.id)}`);
    expect(json).toMatchObject({
      status: 'REGISTERED',
      paid: false,
      settled: false,
      bank: 'BS2',
      amountCents: 15_000,
      dueDate: due,
      reference: 'NF-1234',
    });
    expect(json.barcode).toMatch(/^218\d{41}$/);
    expect(json.linhaDigitavel).toMatch(/^218\d{44}$/);
    expect(json.nossoNumero).toMatch(/^\d{11}$/);
    expect(atBank(json.seuNumero as string)).toHaveLength(1);

    const n = await eventually(
      () => Promise.resolve(s.received.filter((x) => x.body.data.boleto.id === json.id)),
      (l) => l.length >= 1,
    );
    const sig = String(n[0]!.headers['boletoflow-signature']);
    const t = Number(/t=(\d+)/.exec(sig)![1]);
    const expected = createHmac('sha256', s.webhookSecret).update(`${t}.${n[0]!.raw}`).digest('hex');
    expect(sig).toBe(`t=${t},v1=${expected}`);
    expect(n[0]!.body).toMatchObject({ type: 'boleto.registered', id: `${String(json.id)}:1` });
  });

  it('idempotency › same key and body › same boleto, replayed, one boleto at the bank; same key, other body › 422', async () => {
    const first = await create('order-2002');
    const again = await create('order-2002');
    expect(again.r.status).toBe(201);
    expect(again.json.id).toBe(first.json.id);
    expect(again.r.headers.get('idempotent-replayed')).toBe('true');
    expect(atBank(first.json.seuNumero as string)).toHaveLength(1);
    const other = await create('order-2002', body({ amountCents: 99_900 }));
    expect(other.r.status).toBe(422);
    expect(other.json.type).toContain('idempotency-key-reused');
  });

  it('bank rejection (,04) › 422 with the bank’s field and reason, nothing retried', async () => {
    const { r, json } = await create('order-3003', body({ amountCents: 15_004 }));
    expect(r.status).toBe(422);
    expect(json).toMatchObject({
      type: expect.stringContaining('bank-rejected'),
      errors: [{ field: 'Cliente', reason: expect.stringContaining('Sacado bloqueado') }],
    });
    const id = (json.boleto as { id: string }).id;
    expect((await get(id)).view.status).toBe('REJECTED');
  });

  it('lost response (,07) › the bank stored it but the answer never came › REGISTERED by looking it up; exactly one boleto at the bank', async () => {
    const { r, json } = await create('order-4004', body({ amountCents: 15_007 }));
    expect(r.status).toBe(201);
    expect(json.status).toBe('REGISTERED');
    expect(atBank(json.seuNumero as string)).toHaveLength(1);
  });

  it('bank unavailable for the first calls (,08) › retried with backoff, registered once', async () => {
    const { r, json } = await create('order-5005', body({ amountCents: 15_008 }));
    expect(r.status).toBe(201);
    expect(atBank(json.seuNumero as string)).toHaveLength(1);
  });

  it('webhooks › paid then settled (,01) › PAID (not settled) then SETTLED, with valorLiquidado; events in order', async () => {
    const { json } = await create('order-6006', body({ amountCents: 15_001 }));
    const id = json.id as string;
    const b = atBank(json.seuNumero as string)[0]!;
    s.sim.bank.pay(b, s.sim.clock.now());
    await s.sim.tick();
    const paid = await eventually(
      () => get(id),
      (x) => x.view.status === 'PAID',
    );
    expect(paid.view).toMatchObject({ paid: true, settled: false, payment: { paidCents: 15_001 } });
    s.sim.bank.settle(b, s.sim.clock.now());
    await s.sim.tick();
    const settled = await eventually(
      () => get(id),
      (x) => x.view.status === 'SETTLED',
    );
    expect(settled.view).toMatchObject({ paid: true, settled: true, settlement: { settledCents: 15_001 } });
    expect((await events(id)).map((e) => e.kind)).toEqual(['REGISTERED', 'PAID', 'SETTLED']);
    await eventually(
      () => Promise.resolve(s.received.filter((x) => x.body.data.boleto.id === id).map((x) => x.body.type)),
      (l) => l.length === 3,
    );
  });

  it('webhooks › duplicated ×2 and newest first (,06) › same final state and event list as in-order delivery', async () => {
    const { json } = await create('order-7007', body({ amountCents: 15_006 }));
    const id = json.id as string;
    const b = atBank(json.seuNumero as string)[0]!;
    s.sim.bank.pay(b, s.sim.clock.now());
    s.sim.bank.settle(b, s.sim.clock.now() + 3_600_000);
    for (let i = 0; i < 3; i++) await s.sim.tick();
    const settled = await eventually(
      () => get(id),
      (x) => x.view.status === 'SETTLED',
    );
    expect(settled.view).toMatchObject({ paid: true, settled: true });
    expect((await events(id)).map((e) => e.kind)).toEqual(['REGISTERED', 'PAID', 'SETTLED']);
  });

  it('cancel › registered boleto › baixa at the bank, CANCELLED; a second cancel › 409', async () => {
    const { json } = await create('order-8008');
    const id = json.id as string;
    const r = await fetch(`${s.base}/v1/boletos/${id}/cancel`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'pedido cancelado pelo cliente' }),
    });
    const v = (await r.json()) as View;
    spec.expectValid('post', '/v1/boletos/{id}/cancel', r.status, r.headers.get('content-type') ?? '', v);
    expect(r.status).toBe(200);
    expect(v.status).toBe('CANCELLED');
    expect(atBank(json.seuNumero as string)[0]!.cancelledAt).toBeDefined();
    expect((await events(id)).map((e) => e.kind)).toEqual(['REGISTERED', 'CANCEL_REQUESTED', 'CANCELLED']);
    const again = await fetch(`${s.base}/v1/boletos/${id}/cancel`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'de novo' }),
    });
    expect(again.status).toBe(409);
  });

  it('cancel › the bank already identified a payment (no webhook yet) › the payment wins: 409 and the boleto is PAID', async () => {
    const { json } = await create('order-9009', body({ amountCents: 15_005 })); // ,05: the bank never sends webhooks
    const id = json.id as string;
    s.sim.bank.pay(atBank(json.seuNumero as string)[0]!, s.sim.clock.now());
    const r = await fetch(`${s.base}/v1/boletos/${id}/cancel`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'cliente desistiu' }),
    });
    const p = (await r.json()) as { status: number; boleto: View };
    expect(r.status).toBe(409);
    expect(p.boleto.status).toBe('PAID');
    expect((await get(id)).view.status).toBe('PAID');
  });

  it('due date › change to a later date › the bank and the boleto agree; invalid changes refused without touching it', async () => {
    const { json } = await create('order-1010');
    const id = json.id as string;
    const post = (d: unknown) =>
      fetch(`${s.base}/v1/boletos/${id}/due-date`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify({ dueDate: d }),
      });
    const ok = await post(addDays(due, 5));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as View).dueDate).toBe(addDays(due, 5));
    expect(atBank(json.seuNumero as string)[0]!.vencimento).toBe(addDays(due, 5));
    // The change's event is recorded by the workflow's notification activity, after the 200: wait for it first.
    const before = (
      await eventually(
        () => events(id),
        (l) => l.some((e) => e.kind === 'DUE_DATE_CHANGED'),
      )
    ).length;
    expect((await post(addDays(due, 5))).status).toBe(422); // same date
    expect((await post(today)).status).toBe(422); // not in the future
    expect((await post('2026-02-30')).status).toBe(400); // not a date
    expect((await events(id)).length).toBe(before);
  });

  it('tenants › another tenant’s boleto id › 404 exactly like a missing one; its account › 404', async () => {
    const { json } = await create('order-1111');
    const theirs = await get(json.id as string, 't2');
    expect(theirs.r.status).toBe(404);
    expect(JSON.stringify(theirs.view)).not.toContain('Maria');
    const missing = await get(`bol-${s.accountId}-AAAAAAAAAA`, 't1');
    expect(missing.r.status).toBe(404);
    const onTheirAccount = await create('t2-order-1', body(), 't2');
    expect(onTheirAccount.r.status).toBe(404);
  });

  it('list › by status from Temporal visibility › the tenant’s boletos only', async () => {
    const { json } = await create('order-1212');
    const page = await eventually(
      async () =>
        (await (await fetch(`${s.base}/v1/boletos?status=REGISTERED&limit=100`, { headers: auth() })).json()) as {
          items: { id: string; status: string }[];
        },
      (p) => p.items.some((i) => i.id === json.id),
    );
    expect(page.items.every((i) => i.status === 'REGISTERED')).toBe(true);
    const theirs = (await (await fetch(`${s.base}/v1/boletos`, { headers: auth('t2') })).json()) as {
      items: unknown[];
    };
    expect(theirs.items).toEqual([]);
  });

  it('pdf › registered boleto › a PDF rendered by our renderer', async () => {
    const { json } = await create('order-1313');
    const r = await fetch(`${s.base}/v1/boletos/${String(json.id)}/pdf`, { headers: auth() });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    expect(
      Buffer.from(await r.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe('%PDF-');
  });

  it('deliveries › resend › the client gets the same event again with the same Boletoflow-Event-Id', async () => {
    const { json } = await create('order-1414');
    const id = json.id as string;
    const first = await eventually(
      () => Promise.resolve(s.received.filter((x) => x.body.data.boleto.id === id)),
      (l) => l.length === 1,
    );
    const list = (await (await fetch(`${s.base}/v1/boletos/${id}/deliveries`, { headers: auth() })).json()) as {
      items: { deliveryId: string; status: string }[];
    };
    const d = await eventually(
      async () =>
        ((await (await fetch(`${s.base}/v1/boletos/${id}/deliveries`, { headers: auth() })).json()) as typeof list)
          .items,
      (l) => l[0]?.status === 'DELIVERED',
    );
    const r = await fetch(`${s.base}/v1/boletos/${id}/deliveries/${d[0]!.deliveryId}/resend`, {
      method: 'POST',
      headers: auth('t1', 'operator'),
    });
    expect(r.status).toBe(202);
    const both = await eventually(
      () => Promise.resolve(s.received.filter((x) => x.body.data.boleto.id === id)),
      (l) => l.length === 2,
    );
    expect(both[1]!.headers['boletoflow-event-id']).toBe(first[0]!.headers['boletoflow-event-id']);
    expect(list.items.length).toBeGreaterThanOrEqual(1);
  });

  it('inbound webhooks › wrong auth, unknown account, not a BS2 body, unknown boleto › 401/404/400/404, never 5xx', async () => {
    const post = (path: string, b: unknown, token = SIM_WEBHOOK_TOKEN) =>
      fetch(`${s.base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(b),
      });
    const valid = {
      Id: 'n-1',
      NossoNumeroBoleto: 80110099999,
      SeuNumeroBoleto: 'ZZZZZZZZZZ',
      StatusBoleto: [{ Status: 2, DataStatus: new Date().toISOString() }],
    };
    expect((await post(`/webhooks/bs2/${s.accountId}`, valid, 'wrong')).status).toBe(401);
    expect((await post('/webhooks/bs2/nope', valid)).status).toBe(404);
    expect((await post(`/webhooks/bs2/${s.accountId}`, { hello: 'world' })).status).toBe(400);
    expect((await post(`/webhooks/bs2/${s.accountId}`, valid)).status).toBe(404);
  });
});

describe('boletos API › the bank slower than the wait cap', () => {
  let s: BoletoStack;
  beforeAll(async () => {
    s = await startBoletoStack({ registerWaitMs: 300 });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it('503s first (,08) › 202 REGISTERING with a Location; the boleto is REGISTERED moments later', async () => {
    const r = await fetch(`${s.base}/v1/boletos`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${s.keys.t1.integrator}`,
        'content-type': 'application/json',
        'Idempotency-Key': 'slow-1',
      },
      body: JSON.stringify({
        accountId: s.accountId,
        amountCents: 15_008,
        dueDate: addDays(saoPauloDate(Date.now()), 10),
        payer: TEST_PAYER,
      }),
    });
    expect(r.status).toBe(202);
    const body = (await r.json()) as { status: string; id: string };
    expect(body.status).toBe('REGISTERING');
    expect(r.headers.get('location')).toBe(`/v1/boletos/${body.id}`);
    const v = await eventually(
      async () =>
        (await (
          await fetch(`${s.base}${r.headers.get('location')!}`, {
            headers: { Authorization: `Bearer ${s.keys.t1.integrator}` },
          })
        ).json()) as { status: string },
      (x) => x.status === 'REGISTERED',
    );
    expect(v.status).toBe('REGISTERED');
  });
});
