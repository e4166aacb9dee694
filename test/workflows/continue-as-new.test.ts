/**
 * Long-lived workflows keep their history bounded. A boleto: when the server suggests continuing as new, the workflow waits for
 * its deliveries and handlers, carries its state into a new run and goes on there. Real dev server told to suggest
 * it early (limit.historyCount.suggestContinueAsNew), the API, the BS2 simulator and the client's receiver.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, saoPauloDate } from '../../src/domain';
import { ACCESS_REGISTRY_WORKFLOW_ID } from '../../src/contracts/access';
import { type BoletoStack, eventually, SIM_WEBHOOK_TOKEN, startBoletoStack } from '../helpers/boleto-stack';
import { TEST_PAYER } from '../helpers/payer';

describe('continue-as-new (boleto lifecycle, access registry)', () => {
  let s: BoletoStack;
  beforeAll(async () => {
    s = await startBoletoStack({
      serverArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=40'],
    });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it('access registry past the suggested length › continues as new; keys made in every run still open the API', async () => {
    // The stack made 2 tenants, 6 keys and a webhook endpoint: well past 40 events.
    const registry = s.client.workflow.getHandle(ACCESS_REGISTRY_WORKFLOW_ID);
    const runs = [];
    for await (const w of s.client.workflow.list({ query: `WorkflowId = '${ACCESS_REGISTRY_WORKFLOW_ID}'` }))
      runs.push(w.status.name);
    expect(runs.filter((r) => r === 'CONTINUED_AS_NEW').length).toBeGreaterThanOrEqual(1);
    expect((await registry.describe()).status.name).toBe('RUNNING');
    const later = await s.registry.createApiKey(s.tenants.t1, 'integrator', 'after continue-as-new');
    for (const token of [s.keys.t1.integrator, s.keys.t2.operator, later.token]) {
      const r = await fetch(`${s.base}/v1/boletos?account=${s.accountId}`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(r.status).toBe(200);
    }
  });

  it('history past the suggested length › a new run carries status, events, deliveries and the first answer; the boleto goes on to SETTLED', async () => {
    const auth = { Authorization: `Bearer ${s.keys.t1.integrator}`, 'content-type': 'application/json' };
    const body = JSON.stringify({
      accountId: s.accountId,
      amountCents: 21_000,
      dueDate: addDays(saoPauloDate(Date.now()), 10),
      payer: TEST_PAYER,
    });
    const create = () =>
      fetch(`${s.base}/v1/boletos`, { method: 'POST', headers: { ...auth, 'Idempotency-Key': 'can-1' }, body });
    const first = await create();
    expect(first.status).toBe(201);
    const answer = (await first.json()) as { id: string; seuNumero: string; nossoNumero: string };
    const handle = s.client.workflow.getHandle(answer.id);
    const firstRun = (await handle.describe()).runId;

    // The bank's notifications: paid, then the same notification again and again (BS2 retries; a duplicate changes nothing).
    const hook = (id: string, statuses: number[]) =>
      fetch(`${s.base}/webhooks/bs2/${s.accountId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', Authorization: `Bearer ${SIM_WEBHOOK_TOKEN}` },
        body: JSON.stringify({
          Id: id,
          NossoNumeroBoleto: Number(answer.nossoNumero),
          SeuNumeroBoleto: answer.seuNumero,
          StatusBoleto: statuses.map((st) => ({ Status: st, DataStatus: new Date().toISOString() })),
          ValorLiquidado: 208.5,
        }),
      });
    for (let i = 0; i < 12; i++) expect((await hook('n-paid', [1, 2])).status).toBe(200);

    // A new run took over (the first one ended ContinuedAsNew) …
    await eventually(
      () => handle.describe().then((d) => d.runId),
      (run) => run !== firstRun,
      20_000,
    );
    const old = await s.client.workflow.getHandle(answer.id, firstRun).describe();
    expect(old.status.name).toBe('CONTINUED_AS_NEW');
    const oldHistory = await s.client.workflow.getHandle(answer.id, firstRun).fetchHistory();
    expect(oldHistory.events?.length).toBeGreaterThanOrEqual(40);

    // … with the state of the old one.
    const view = (await (await fetch(`${s.base}/v1/boletos/${answer.id}`, { headers: auth })).json()) as {
      status: string;
      paid: boolean;
    };
    expect(view).toMatchObject({ status: 'PAID', paid: true });
    const again = await create(); // the same Idempotency-Key: the first answer, from the new run
    expect(again.status).toBe(201);
    expect(await again.json()).toEqual(answer);

    // It goes on: settlement on the new run, one event list across both runs, each event notified once.
    expect((await hook('n-settled', [1, 2, 3])).status).toBe(200);
    const events = await eventually(
      async () =>
        (
          (await (await fetch(`${s.base}/v1/boletos/${answer.id}/events`, { headers: auth })).json()) as {
            items: { kind: string; seq: number }[];
          }
        ).items,
      (l) => l.length === 3,
    );
    expect(events.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'REGISTERED'],
      [2, 'PAID'],
      [3, 'SETTLED'],
    ]);
    const notified = await eventually(
      () => Promise.resolve(s.received.filter((x) => x.body.data.boleto.id === answer.id)),
      (l) => l.length >= 3,
    );
    expect(notified.map((x) => x.body.data.event.kind).sort()).toEqual(['PAID', 'REGISTERED', 'SETTLED']);
    expect(new Set(notified.map((x) => x.headers['boletoflow-event-id'])).size).toBe(3);
    const deliveries = await eventually(
      async () =>
        (
          (await (await fetch(`${s.base}/v1/boletos/${answer.id}/deliveries`, { headers: auth })).json()) as {
            items: { eventSeq: number; status: string }[];
          }
        ).items,
      (l) => l.length === 3 && l.every((d) => d.status === 'DELIVERED'),
    );
    expect(deliveries.map((d) => d.eventSeq)).toEqual([1, 2, 3]);
  }, 90_000);
});
