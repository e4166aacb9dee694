/**
 * Found by the chaos suite (worker-kill): while no worker runs (all of them restarting), POST /v1/boletos waited the
 * cap, then asked the workflow for its state, which nothing could answer, and ended in a 500 after 40 s, although
 * the boleto's workflow had been started durably. It answers 202 (REGISTERING, Location) instead. (The API keys are
 * checked against a cached snapshot of the access registry, here warm: without any worker it cannot be refreshed.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, saoPauloDate } from '../../src/domain';
import { type BoletoStack, startBoletoStack } from '../helpers/boleto-stack';
import { TEST_PAYER } from '../helpers/payer';

describe('boletos API with no worker running', () => {
  let s: BoletoStack;

  beforeAll(async () => {
    s = await startBoletoStack({ registerWaitMs: 1_000, accessTtlMs: 120_000 });
    expect(
      (await fetch(`${s.base}/v1/me`, { headers: { Authorization: `Bearer ${s.keys.t1.integrator}` } })).status,
    ).toBe(200);
    await s.stopWorker();
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it('create › no worker runs › 202 REGISTERING with a Location within seconds; the workflow exists', async () => {
    const started = Date.now();
    const r = await fetch(`${s.base}/v1/boletos`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${s.keys.t1.integrator}`,
        'content-type': 'application/json',
        'Idempotency-Key': 'no-worker-1',
      },
      body: JSON.stringify({
        accountId: s.accountId,
        amountCents: 15_000,
        dueDate: addDays(saoPauloDate(Date.now()), 10),
        payer: TEST_PAYER,
      }),
    });
    const body = (await r.json()) as { id: string; status: string; amountCents: number };
    expect(r.status).toBe(202);
    expect(body).toMatchObject({ status: 'REGISTERING', amountCents: 15_000 });
    expect(r.headers.get('location')).toBe(`/v1/boletos/${body.id}`);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await s.client.workflow.getHandle(body.id).describe()).status.name).toBe('RUNNING');
  }, 60_000);
});
