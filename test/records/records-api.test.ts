/**
 * The records store as the system of record, end to end on real servers (Temporal dev server, BS2 simulator over
 * HTTP, PostgreSQL): a boleto registered, paid and settled answers exactly the same after its workflow is deleted
 * from Temporal, its Idempotency-Key replays the first answer without a bank call, and reads answer with every
 * worker stopped.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, saoPauloDate } from '../../src/domain';
import { type BoletoStack, eventually, startBoletoStack } from '../helpers/boleto-stack';
import { OpenApiValidator } from '../helpers/openapi';

describe('records: reads from the store, after the workflow is gone and with no worker', () => {
  let s: BoletoStack;
  let spec: OpenApiValidator;
  const today = saoPauloDate(Date.now());
  const due = addDays(today, 12);

  beforeAll(async () => {
    s = await startBoletoStack();
    spec = new OpenApiValidator((await (await fetch(`${s.base}/openapi.json`)).json()) as never);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  const auth = (t: 't1' | 't2' = 't1') => ({ Authorization: `Bearer ${s.keys[t].integrator}` });
  const body = (over: Record<string, unknown> = {}) => ({
    accountId: s.accountId,
    amountCents: 23_456,
    dueDate: due,
    payer: {
      name: 'Construtora Horizonte Azul Engenharia e Participações Ltda',
      document: '11.222.333/0001-81',
      address: {
        street: 'Avenida Brigadeiro Faria Lima',
        number: '3477',
        district: 'Jardim Paulistano',
        city: 'São Paulo',
        state: 'SP',
        zipCode: '04538133',
      },
    },
    reference: 'NF-77001',
    messages: ['Não receber após o vencimento'],
    ...over,
  });
  const post = (key: string, b: unknown) =>
    fetch(`${s.base}/v1/boletos`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(b),
    });
  const getJson = async (path: string, t: 't1' | 't2' = 't1') => {
    const r = await fetch(`${s.base}${path}`, { headers: auth(t) });
    return { status: r.status, json: (await r.json()) as Record<string, unknown> };
  };
  const atBank = (seu: string) => s.sim.bank.boletos.values().filter((b) => b.seuNumero === seu);

  /** Everything the API says about one boleto and its day, as a client would read it. */
  async function snapshot(id: string) {
    const pdf = await fetch(`${s.base}/v1/boletos/${id}/pdf`, { headers: auth() });
    const csv = await fetch(`${s.base}/v1/boletos/export.csv?reference=NF-77001`, { headers: auth() });
    return {
      boleto: await getJson(`/v1/boletos/${id}`),
      events: await getJson(`/v1/boletos/${id}/events`),
      deliveries: await getJson(`/v1/boletos/${id}/deliveries`),
      list: await getJson(`/v1/boletos?reference=NF-77001`),
      byPayer: await getJson(`/v1/boletos?payerDocument=11222333000181&status=SETTLED`),
      report: await getJson(`/v1/reports/daily?from=${today}&to=${addDays(today, 5)}&account=${s.accountId}`),
      pdf: {
        status: pdf.status,
        type: pdf.headers.get('content-type'),
        bytes: (await pdf.arrayBuffer()).byteLength > 1000,
      },
      csv: { status: csv.status, text: await csv.text() },
    };
  }

  let id: string;
  let seu: string;
  let first: Record<string, unknown>;

  it('registered, paid and settled; then its workflow deleted from Temporal: every read answers exactly as before', async () => {
    const created = await post('erp-order-77001', body());
    expect(created.status).toBe(201);
    first = (await created.json()) as Record<string, unknown>;
    id = first.id as string;
    seu = first.seuNumero as string;
    const b = atBank(seu)[0]!;
    s.sim.bank.pay(b, s.sim.clock.now());
    await s.sim.tick();
    s.sim.bank.settle(b, s.sim.clock.now());
    await s.sim.tick();
    // The workflow's deliveries of REGISTERED, PAID and SETTLED all recorded and delivered.
    await eventually(
      () => getJson(`/v1/boletos/${id}/deliveries`),
      (d) => (d.json.items as { status: string }[]).filter((x) => x.status === 'DELIVERED').length === 3,
      20_000,
    );
    const before = await snapshot(id);
    expect(before.boleto.json).toMatchObject({
      status: 'SETTLED',
      paid: true,
      settled: true,
      settlement: { settledCents: 23_456 },
    });
    expect((before.events.json.items as { kind: string }[]).map((e) => e.kind)).toEqual([
      'REGISTERED',
      'PAID',
      'SETTLED',
    ]);
    expect((before.list.json.items as { id: string }[]).map((x) => x.id)).toEqual([id]);
    expect((before.byPayer.json.items as { id: string }[]).map((x) => x.id)).toEqual([id]);
    expect(before.report.json.items).toEqual([
      expect.objectContaining({
        date: today,
        accountId: s.accountId,
        issued: { count: 1, amountCents: 23_456 },
        paid: { count: 1, amountCents: 23_456 },
        settled: { count: 1, amountCents: 23_456 },
      }),
    ]);
    expect(before.pdf).toEqual({ status: 200, type: 'application/pdf', bytes: true });
    const [header, row] = before.csv.text.replace(/^\uFEFF/, '').split('\r\n');
    expect(header).toContain('id;conta;banco;status');
    expect(row).toContain(`${id};${s.accountId};BS2;SETTLED`);
    expect(row).toContain(';234,56;');
    expect(row).toContain('Construtora Horizonte Azul Engenharia e Participações Ltda;11222333000181');
    for (const r of [before.boleto, before.events, before.deliveries, before.list, before.report])
      expect(r.status).toBe(200);
    spec.expectValid('get', '/v1/boletos', 200, 'application/json', before.list.json);
    spec.expectValid('get', '/v1/reports/daily', 200, 'application/json', before.report.json);

    await s.client.workflowService.deleteWorkflowExecution({
      namespace: s.client.options.namespace,
      workflowExecution: { workflowId: id },
    });
    await eventually(
      () =>
        s.client.workflow
          .getHandle(id)
          .describe()
          .then(
            () => 'exists',
            (e: unknown) => (e instanceof WorkflowNotFoundError ? 'gone' : 'error'),
          ),
      (x) => x === 'gone',
      20_000,
    );
    expect(await snapshot(id)).toEqual(before);
  });

  it('the same Idempotency-Key and body after the workflow is gone: the first answer again, no bank call; another body: 422', async () => {
    const again = await post('erp-order-77001', body());
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(first);
    expect(atBank(seu)).toHaveLength(1);
    // No workflow was started for it either.
    await expect(s.client.workflow.getHandle(id).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    const other = await post('erp-order-77001', body({ amountCents: 99_999 }));
    expect(other.status).toBe(422);
    expect(((await other.json()) as { type: string }).type).toMatch(/idempotency-key-reused$/);
  });

  it('the API died after claiming the key and before starting the workflow: the retry starts it, one boleto', async () => {
    const key = 'crash-between';
    const b = body({ reference: 'CRASH', amountCents: 31_000 });
    // What the first request did before it died: the key and the boleto's row, nothing in Temporal.
    const { deriveSeuNumero, boletoIdFor, requestFingerprint } = await import('../../src/boletos/ids');
    const seuNumero = deriveSeuNumero(s.tenants.t1, s.accountId, key);
    const boletoId = boletoIdFor(s.accountId, seuNumero);
    const claim = await s.records.claimKey({
      tenantId: s.tenants.t1,
      key,
      fingerprint: requestFingerprint(b),
      registering: {
        id: boletoId,
        tenantId: s.tenants.t1,
        accountId: s.accountId,
        bank: 'BS2',
        status: 'REGISTERING',
        paid: false,
        settled: false,
        kind: 'BOLETO',
        amountCents: 31_000,
        issueDate: today,
        dueDate: due,
        seuNumero,
        createdAt: new Date().toISOString(),
        updatedAt: new Date().toISOString(),
      },
      payer: { ...b.payer, document: '11222333000181' },
      messages: [],
    });
    expect(claim).toEqual({ outcome: 'new' });
    await expect(s.client.workflow.getHandle(boletoId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    const retry = await post(key, b);
    expect(retry.status).toBe(201);
    expect(await retry.json()).toMatchObject({ id: boletoId, status: 'REGISTERED' });
    expect(atBank(seuNumero)).toHaveLength(1);
  });

  it('bad input on the store’s reads is a 400 naming the field; another tenant’s boleto is a 404', async () => {
    const bad = async (q: string, field: string) => {
      const r = await getJson(`/v1/boletos?${q}`);
      expect(r.status, q).toBe(400);
      expect(
        (r.json.errors as { field: string }[]).map((e) => e.field),
        q,
      ).toContain(field);
    };
    await bad('status=PAYED', 'query.status');
    await bad('dueFrom=2027-03-10&dueTo=2027-03-01', 'query.dueTo');
    await bad('limit=1000', 'query.limit');
    await bad('cursor=bm90LWEtY3Vyc29y', 'query.cursor');
    await bad('payerDocument=123', 'query.payerDocument');
    await bad('updatedSince=yesterday', 'query.updatedSince');
    await bad('dueform=2027-03-01', 'query');
    const started = Date.now();
    await bad(`cursor=${'A'.repeat(300)}`, 'query.cursor');
    expect(Date.now() - started).toBeLessThan(2_000);
    const report = await getJson(`/v1/reports/daily?from=2026-12-10&to=2026-12-01`);
    expect(report.status).toBe(400);
    expect((report.json.errors as { field: string }[])[0]!.field).toBe('query.to');
    // One bound not a date at all: a 400 naming it (the range rule used to run on it anyway and answer 500).
    for (const q of ['from=2026-12-20&to=null', 'from=nope&to=2026-12-20']) {
      const r = await getJson(`/v1/reports/daily?${q}`);
      expect(r.status).toBe(400);
      expect((r.json.errors as { field: string }[]).map((e) => e.field)).toEqual([
        q.startsWith('from=nope') ? 'query.from' : 'query.to',
      ]);
    }
    expect((await getJson(`/v1/boletos/${id}`, 't2')).status).toBe(404);
    expect((await getJson(`/v1/boletos/${id}/events`, 't2')).status).toBe(404);
    expect(((await getJson(`/v1/boletos?reference=NF-77001`, 't2')).json.items as unknown[]).length).toBe(0);
  });

  it('due-date bounds are inclusive São Paulo days, in the list and in the Web UI query the README documents', async () => {
    const day = addDays(today, 40);
    const r = await post('due-edge-1', body({ dueDate: day, reference: 'NF-DUE-EDGE' }));
    expect(r.status).toBe(201);
    const { id } = (await r.json()) as { id: string };
    const listed = async (from: string, to: string) =>
      (
        (await getJson(`/v1/boletos?reference=NF-DUE-EDGE&dueFrom=${from}&dueTo=${to}`)).json.items as { id: string }[]
      ).map((b) => b.id);
    expect(await listed(day, day)).toEqual([id]);
    expect(await listed(addDays(day, -1), day)).toEqual([id]);
    expect(await listed(day, addDays(day, 1))).toEqual([id]);
    expect(await listed(addDays(day, 1), addDays(day, 2))).toEqual([]);
    expect(await listed(addDays(day, -2), addDays(day, -1))).toEqual([]);
    // README, "Operators: the Temporal Web UI": one São Paulo day of DueDate, bounds written with the -03:00 offset.
    const visible = async (from: string, to: string) => {
      const ids: string[] = [];
      const query = `DueDate >= "${from}T00:00:00-03:00" AND DueDate < "${addDays(to, 1)}T00:00:00-03:00" AND WorkflowId = "${id}"`;
      for await (const w of s.client.workflow.list({ query })) ids.push(w.workflowId);
      return ids;
    };
    await eventually(
      () => visible(day, day),
      (ids) => ids.length === 1,
      10_000,
    );
    expect(await visible(addDays(day, 1), addDays(day, 1))).toEqual([]);
    expect(await visible(addDays(day, -1), addDays(day, -1))).toEqual([]);
  });

  it('pages through the list with the cursor and syncs by updatedSince', async () => {
    for (let i = 0; i < 5; i++)
      expect((await post(`page-${i}`, body({ reference: 'PAGE', amountCents: 1_000 + i * 100 }))).status).toBe(201);
    const seen: string[] = [];
    let next: string | undefined;
    do {
      const r = await getJson(`/v1/boletos?reference=PAGE&limit=2${next ? `&cursor=${next}` : ''}`);
      seen.push(...(r.json.items as { id: string }[]).map((x) => x.id));
      next = r.json.nextCursor as string | undefined;
    } while (next);
    expect(new Set(seen).size).toBe(5);
    const since = await getJson(
      `/v1/boletos?reference=PAGE&updatedSince=${encodeURIComponent(new Date(Date.now() - 600_000).toISOString())}`,
    );
    expect((since.json.items as unknown[]).length).toBe(5);
    // A cursor of one order is refused by the other.
    const created = await getJson(`/v1/boletos?reference=PAGE&limit=2`);
    expect(
      (
        await getJson(
          `/v1/boletos?reference=PAGE&updatedSince=2026-01-01T00:00:00Z&cursor=${created.json.nextCursor as string}`,
        )
      ).status,
    ).toBe(400);
  });

  it('with every worker stopped, GET and the list still answer 200', async () => {
    await s.stopWorker();
    await new Promise((r) => setTimeout(r, 600)); // past the API-key cache's TTL: its grace carries the keys
    const one = await getJson(`/v1/boletos/${id}`);
    expect(one.status).toBe(200);
    expect(one.json.status).toBe('SETTLED');
    expect((await getJson(`/v1/boletos?reference=PAGE`)).status).toBe(200);
    expect((await getJson(`/v1/boletos/${id}/events`)).status).toBe(200);
    // The boletos gauge counts from the store too: the deleted workflow's boleto is still counted.
    const metrics = await (await fetch(`${s.base}/metrics`)).text();
    expect(metrics).toMatch(/boletoflow_boletos\{status="SETTLED",bank="BS2"\} 1\b/);
  });
});
