/**
 * Tracker #18, item 5: with no worker polling (all of them restarting), every route that still needs one (a workflow
 * query or update: API keys and tenants in the access registry, onboardings, boleto commands) answered 500 after
 * ~29 s (the server's own query limit) or hung on an update. Now: a fast 503 temporarily-unavailable with
 * Retry-After, and API keys keep working from the last good snapshot within the grace. Item 6: a made-up list
 * cursor is refused without touching anything else. All real: dev server, worker (then stopped), BS2 simulator.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app';
import { listen } from '../../src/api/http-server';
import { addDays, saoPauloDate } from '../../src/domain';
import { mod10 } from '../../src/domain/check-digits';
import { createLogger } from '../../src/logging';
import { type BoletoStack, startBoletoStack } from '../helpers/boleto-stack';
import { TEST_PAYER } from '../helpers/payer';

/** Well under the ~29 s a query nobody answers used to hold a request. */
const FAST_MS = 8_000;

interface Answer {
  status: number;
  ms: number;
  retryAfter: string | null;
  type: string | null;
  body: Record<string, unknown>;
}

describe('API with no worker polling', () => {
  let s: BoletoStack;
  let boletoId: string;
  let onboardingId: string;

  const call = async (
    method: string,
    path: string,
    key: string,
    body?: unknown,
    base = s.base,
    extra: Record<string, string> = {},
  ): Promise<Answer> => {
    const started = Date.now();
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}), ...extra },
      ...(body ? { body: JSON.stringify(body) } : {}),
      // Today's failure would otherwise hold the test for minutes (an update nobody accepts is retried forever).
      signal: AbortSignal.timeout(40_000),
    });
    const json = (await r.json()) as Record<string, unknown>;
    return {
      status: r.status,
      ms: Date.now() - started,
      retryAfter: r.headers.get('retry-after'),
      type: r.headers.get('content-type'),
      body: json,
    };
  };
  const expectUnavailable = (a: Answer) => {
    expect({ status: a.status, problem: a.body.type }, JSON.stringify(a.body)).toEqual({
      status: 503,
      problem: 'https://boletoflow.dev/problems/temporarily-unavailable',
    });
    expect(a.type).toMatch(/^application\/problem\+json/);
    expect(Number(a.retryAfter)).toBeGreaterThan(0);
    expect(a.ms).toBeLessThan(FAST_MS);
  };

  beforeAll(async () => {
    // The key cache expires 300 ms after each refresh: every request below runs past its TTL, within the grace.
    s = await startBoletoStack({ registerWaitMs: 10_000 });
    const created = await call(
      'POST',
      '/v1/boletos',
      s.keys.t1.integrator,
      {
        accountId: s.accountId,
        amountCents: 12_345,
        dueDate: addDays(saoPauloDate(Date.now()), 10),
        payer: TEST_PAYER,
      },
      s.base,
      { 'Idempotency-Key': 'no-worker-availability-1' },
    );
    expect(created.status).toBe(201);
    boletoId = created.body.id as string;
    const onboarding = await call('POST', '/v1/onboardings', s.keys.t1.cs, {
      bank: 'ITAU',
      company: { legalName: 'Acme Comercio Ltda', cnpj: '11.222.333/0001-81', city: 'Sao Paulo', state: 'SP' },
      agency: '1500',
      account: '00005',
      accountDigit: String(mod10('150000005')),
      operatorCode: 'OP1234',
      legalRepresentative: { name: 'Joana Diretora', email: 'joana@acme.example', phone: '+5511999990000' },
      csContact: { name: 'Carlos Suporte', email: 'carlos@acme.example', phone: '+5511999990001' },
      manager: { name: 'Marcos Gerente', email: 'marcos.gerente@itau.example' },
    });
    expect(onboarding.status, JSON.stringify(onboarding.body)).toBe(201);
    onboardingId = onboarding.body.accountId as string;
    await s.stopWorker();
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it('API key › cache expired, registry unanswerable, within the grace › the last good snapshot lets the key in', async () => {
    const me = await call('GET', '/v1/me', s.keys.t1.integrator);
    expect(me.status).toBe(200);
    expect(me.ms).toBeLessThan(FAST_MS);
  });

  it('API key › no snapshot yet (a fresh API process) and no worker › fast 503 temporarily-unavailable with Retry-After', async () => {
    const built = buildApp({
      client: s.client,
      namespace: 'default',
      taskQueue: s.taskQueue,
      logger: createLogger({ level: 'silent' }),
      records: s.records,
    });
    const server: Server = await listen(built.app, 0, '127.0.0.1');
    try {
      expectUnavailable(
        await call(
          'GET',
          '/v1/me',
          s.keys.t1.integrator,
          undefined,
          `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        ),
      );
    } finally {
      await new Promise((r) => server.close(r));
    }
  }, 60_000);

  it('api keys › list (a registry query) › fast 503', async () => {
    expectUnavailable(await call('GET', '/v1/api-keys', s.keys.t1.operator));
  }, 60_000);

  it('api keys › create (a registry update) › fast 503', async () => {
    expectUnavailable(await call('POST', '/v1/api-keys', s.keys.t1.operator, { role: 'integrator' }));
  }, 60_000);

  it('webhook endpoint › read and set › fast 503', async () => {
    expectUnavailable(await call('GET', '/v1/webhook-endpoint', s.keys.t1.operator));
    expectUnavailable(
      await call('PUT', '/v1/webhook-endpoint', s.keys.t1.operator, { url: 'https://erp.example.com/hooks' }),
    );
  }, 90_000);

  it('onboarding › read and a CS step › fast 503', async () => {
    expectUnavailable(await call('GET', `/v1/onboardings/${onboardingId}`, s.keys.t1.cs));
    expectUnavailable(
      await call('POST', `/v1/onboardings/${onboardingId}/notes`, s.keys.t1.cs, { text: 'ligar amanhã' }),
    );
  }, 90_000);

  it('boleto › cancel (an update) › fast 503; the read still answers from the records store', async () => {
    expectUnavailable(
      await call('POST', `/v1/boletos/${boletoId}/cancel`, s.keys.t1.integrator, { reason: 'pedido cancelado' }),
    );
    expect((await call('GET', `/v1/boletos/${boletoId}`, s.keys.t1.integrator)).body).toMatchObject({
      id: boletoId,
      status: 'REGISTERED',
    });
  }, 60_000);

  it('boleto list › a made-up cursor › 400 naming query.cursor in well under a second', async () => {
    const madeUp = [
      'bm90LWEtY3Vyc29y', // base64url of "not-a-cursor"
      Buffer.from(JSON.stringify({ o: 'c', t: '2026-01-01T00:00:00Z', i: 'nope' })).toString('base64url'), // our shape, a bad id
      Buffer.from(JSON.stringify({ o: 'u', s: -1 })).toString('base64url'),
      'A'.repeat(300),
    ];
    for (const cursor of madeUp) {
      const r = await call('GET', `/v1/boletos?cursor=${cursor}`, s.keys.t1.integrator);
      expect(r.status, cursor).toBe(400);
      expect((r.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['query.cursor']);
      expect(r.ms, cursor).toBeLessThan(500);
    }
  });
});
