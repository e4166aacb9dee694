/**
 * Tracker #18, item 7: what an anonymous caller could make us spend. `/readyz?deep=1` started a workflow per call for
 * anyone; an unauthenticated BS2 webhook (BS2_WEBHOOK_AUTHORIZATION unset) cost a signal and a bank look-up each, and
 * its 200 named the boleto (a 404 told unknown ids apart). Real servers: dev server, worker, BS2 simulator.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app';
import { listen } from '../../src/api/http-server';
import { AccountDirectory, policyFor } from '../../src/boletos/directory';
import { parseBoletoId } from '../../src/boletos/ids';
import { createLogger } from '../../src/logging';
import { type BoletoStack, eventually, registerBoleto, startBoletoStack } from '../helpers/boleto-stack';

describe('what anonymous callers can make us spend', () => {
  let s: BoletoStack;
  let server: Server;
  /** An API whose BS2 account has no agreed webhook Authorization, as with BS2_WEBHOOK_AUTHORIZATION unset. */
  let open: string;
  let boletoId: string;
  let seuNumero: string;
  const WINDOW_MS = 3_000;
  const PER_SOURCE = 25;

  const hint = (seu: string, id = 'n-1') =>
    fetch(`${open}/webhooks/bs2/${s.accountId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        Id: id,
        NossoNumeroBoleto: 80110099999,
        SeuNumeroBoleto: seu,
        StatusBoleto: [{ Status: 2, DataStatus: new Date().toISOString() }],
      }),
    });
  const signalsTo = async (id: string) =>
    (await s.client.workflow.getHandle(id).fetchHistory()).events!.filter(
      (e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'bankEvent',
    ).length;
  const systemChecks = async () => (await s.client.workflow.count(`WorkflowType = 'systemCheck'`)).count;

  beforeAll(async () => {
    s = await startBoletoStack();
    const r = await registerBoleto(s, 'unauthenticated-cost-1');
    expect(r.status).toBe(201);
    boletoId = r.body.id;
    seuNumero = parseBoletoId(boletoId)!.seuNumero;
    const settings = {
      BOLETO_EXPIRE_AFTER_DAYS: 60,
      BOLETO_POLL_OPEN_EVERY_DAYS: 7,
      BOLETO_POLL_OVERDUE_EVERY_DAYS: 1,
      BOLETO_CLOSE_AFTER_DAYS: 7,
    };
    const built = buildApp({
      client: s.client,
      namespace: 'default',
      taskQueue: s.taskQueue,
      logger: createLogger({ level: 'silent' }),
      records: s.records,
      access: s.built.access,
      // The stack's account without a webhook Authorization.
      directory: new AccountDirectory([
        {
          accountId: s.accountId,
          bank: 'BS2',
          tenantId: s.tenants.t1,
          active: true,
          chooseNossoNumero: false,
          policy: policyFor('BS2', settings as never),
          beneficiary: { name: 'Construtora Um Ltda', document: '11222333000181', agencyAccount: '0001/1234567-8' },
        },
      ]),
      unverifiedWebhookAccounts: { BS2: [s.accountId] },
      unsignedHints: { perSourcePerMinute: PER_SOURCE, windowMs: WINDOW_MS },
    });
    server = await listen(built.app, 0, '127.0.0.1');
    open = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await s?.close();
  });

  it('unauthenticated BS2 hint › known and unknown boleto › the same 200, naming no boleto', async () => {
    const known = await hint(seuNumero);
    const unknown = await hint('ZZZZZZZZZZ');
    expect([known.status, unknown.status]).toEqual([200, 200]);
    const [a, b] = [await known.json(), await unknown.json()];
    expect(a).toEqual(b);
    expect(JSON.stringify(a)).not.toContain(boletoId);
  });

  it('unauthenticated BS2 hints › 10 at once for one boleto › merged: at most 2 signals (one now, one when the window closes)', async () => {
    await new Promise((r) => setTimeout(r, WINDOW_MS + 500)); // past the previous test's window
    const before = await signalsTo(boletoId);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => hint(seuNumero, `burst-${i}`)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    // The trailing one comes when the window closes.
    await eventually(
      () => signalsTo(boletoId),
      (n) => n === before + 2,
      WINDOW_MS + 5_000,
    );
    await new Promise((r) => setTimeout(r, WINDOW_MS + 500));
    expect(await signalsTo(boletoId)).toBe(before + 2);
  }, 30_000);

  it('unauthenticated BS2 hints › more than the per-source limit in a minute › 429 with Retry-After', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < PER_SOURCE + 5; i++) {
      const r = await hint('ZZZZZZZZZZ', `flood-${i}`);
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((x) => x === 200).length).toBeLessThanOrEqual(PER_SOURCE);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('/readyz › BS2 webhooks unauthenticated › a check says so, readiness unaffected', async () => {
    await eventually(
      async () => (await fetch(`${open}/readyz`)).status,
      (st) => st === 200,
    );
    const body = (await (await fetch(`${open}/readyz`)).json()) as {
      checks: Record<string, { ok: boolean; affectsReadiness?: boolean; detail?: string }>;
    };
    expect(body.checks.bs2Webhooks).toMatchObject({ ok: false, affectsReadiness: false });
    expect(body.checks.bs2Webhooks!.detail).toMatch(/unauthenticated/);
    // The stack's own API has the Authorization agreed: no such check.
    expect(((await (await fetch(`${s.base}/readyz`)).json()) as typeof body).checks.bs2Webhooks).toBeUndefined();
  });

  it('/readyz?deep=1 › anonymous callers › cheap checks only, no workflow started', async () => {
    const before = await systemChecks();
    const answers = await Promise.all(Array.from({ length: 5 }, () => fetch(`${s.base}/readyz?deep=1`)));
    expect(answers.map((a) => a.status)).toEqual(Array(5).fill(200));
    const body = (await answers[0]!.json()) as { checks: Record<string, { ok: boolean; skipped?: boolean }> };
    expect(body.checks.workflow).toMatchObject({ skipped: true });
    await new Promise((r) => setTimeout(r, 1_500)); // visibility catches up
    expect(await systemChecks()).toBe(before);
  });

  it('/readyz?deep=1 › operator key, 5 at once › one systemCheck workflow, its result shared', async () => {
    const before = await systemChecks();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        fetch(`${s.base}/readyz?deep=1`, { headers: { Authorization: `Bearer ${s.keys.t1.operator}` } }),
      ),
    );
    const bodies = (await Promise.all(answers.map((a) => a.json()))) as {
      checks: { workflow: { ok: boolean; roundTripMs: number; worker: string } };
    }[];
    for (const b of bodies)
      expect(b.checks.workflow).toMatchObject({ ok: true, worker: expect.stringMatching(/^boletoflow-worker@/) });
    expect(new Set(bodies.map((b) => b.checks.workflow.roundTripMs)).size).toBe(1);
    expect(await eventually(systemChecks, (n) => n >= before + 1)).toBe(before + 1);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await systemChecks()).toBe(before + 1);
    // An integrator key is not enough.
    const integrator = (await (
      await fetch(`${s.base}/readyz?deep=1`, { headers: { Authorization: `Bearer ${s.keys.t1.integrator}` } })
    ).json()) as (typeof bodies)[number];
    expect(integrator.checks.workflow).toMatchObject({ skipped: true });
  });
});
