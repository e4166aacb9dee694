import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { AccessRegistryClient } from '../../src/access/registry-client';
import { createApp } from '../../src/api/app';
import { createLogger } from '../../src/logging';
import { createWorker } from '../../src/worker';
import { codecClient, createDevEnv, testDataConverter, uniqueId } from '../helpers/temporal';

describe('health endpoints against a real dev server', () => {
  let env: TestWorkflowEnvironment;
  let server: Server;
  let base: string;
  const taskQueue = uniqueId('tq');
  const logLines: string[] = [];

  beforeAll(async () => {
    env = await createDevEnv();
    const sink = new Writable({ write: (chunk: Buffer, _e, cb) => (logLines.push(chunk.toString()), cb()) });
    const app = createApp({
      client: codecClient(env),
      namespace: env.namespace ?? 'default',
      taskQueue,
      logger: createLogger({ level: 'info' }, sink),
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await env?.teardown();
  });

  it('GET /healthz › always › 200 with version and uptime', async () => {
    const r = await fetch(`${base}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ status: 'ok', version: '0.1.0' });
  });

  it('GET /readyz › Temporal up but no worker polling › 503 naming the missing worker', async () => {
    const r = await fetch(`${base}/readyz`);
    expect(r.status).toBe(503);
    const body = (await r.json()) as { checks: Record<string, { ok: boolean; detail?: string }> };
    expect(body.checks.temporal!.ok).toBe(true);
    expect(body.checks.worker).toMatchObject({ ok: false, detail: 'no worker is polling the task queue' });
  });

  describe('with a worker polling', () => {
    let worker: Worker;
    let running: Promise<void>;
    /** deep=1 runs a workflow only for an operator key (tracker #18 item 7). */
    let operatorKey: string;
    beforeAll(async () => {
      worker = await createWorker({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue,
        dataConverter: testDataConverter,
      });
      running = worker.run();
      const registry = new AccessRegistryClient(codecClient(env), taskQueue);
      await registry.createTenant('health-ops', 'Health Ops');
      operatorKey = (await registry.createApiKey('health-ops', 'operator')).token;
      // The server records a poller once the first long poll arrives.
      for (let i = 0; i < 50; i++) {
        if ((await fetch(`${base}/readyz`)).status === 200) break;
        await new Promise((r) => setTimeout(r, 200));
      }
    });
    afterAll(async () => {
      worker.shutdown();
      await running;
    });

    it('GET /readyz › Temporal reachable and worker polling › 200', async () => {
      const r = await fetch(`${base}/readyz`);
      expect(r.status).toBe(200);
      expect(await r.json()).toMatchObject({
        status: 'ready',
        checks: { temporal: { ok: true }, worker: { ok: true } },
      });
    });

    it('GET /readyz?deep=1 › worker polling, operator key › runs the systemCheck workflow end to end', async () => {
      const r = await fetch(`${base}/readyz?deep=1`, { headers: { Authorization: `Bearer ${operatorKey}` } });
      expect(r.status).toBe(200);
      const body = (await r.json()) as { checks: { workflow: { ok: boolean; roundTripMs: number; worker: string } } };
      expect(body.checks.workflow.ok).toBe(true);
      expect(body.checks.workflow.worker).toMatch(/^boletoflow-worker@/);
    });
  });

  it('unknown route › any method › 404 problem+json with a request id', async () => {
    const r = await fetch(`${base}/nope`, { headers: { 'X-Request-Id': 'req-123' } });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.headers.get('x-request-id')).toBe('req-123');
    expect(await r.json()).toMatchObject({
      status: 404,
      title: 'Not Found',
      requestId: 'req-123',
      type: expect.stringContaining('not-found'),
    });
  });

  it('request logs › a request carrying an Authorization header › never contain its value', async () => {
    await fetch(`${base}/nope`, { headers: { Authorization: 'Bearer sk_live_supersecretvalue123' } });
    const all = logLines.join('');
    expect(all).toContain('/nope');
    expect(all).not.toContain('supersecretvalue');
  });
});
