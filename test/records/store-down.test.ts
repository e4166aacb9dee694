/** The records store unreachable: reads and creations answer 503 with Retry-After (nothing accepted), never 500. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessRegistryClient } from '../../src/access/registry-client';
import { buildApp } from '../../src/api/app';
import { AccessCache } from '../../src/api/auth';
import { listen } from '../../src/api/http-server';
import { createLogger } from '../../src/logging';
import { BoletoRecords } from '../../src/records';
import { openRecordsDb } from '../../src/records/db';
import { RecordProtector } from '../../src/records/protect';
import { newPayloadKey } from '../../src/temporal/codec';
import { createWorker } from '../../src/worker';
import { codecClient, createDevEnv, testDataConverter, uniqueId } from '../helpers/temporal';
import { freePort } from '../helpers/processes';

describe('records store unreachable', () => {
  let env: TestWorkflowEnvironment;
  let server: Server;
  let base: string;
  let token: string;
  let stopWorker: () => Promise<void>;
  let records: BoletoRecords;

  beforeAll(async () => {
    env = await createDevEnv();
    const client = codecClient(env);
    const taskQueue = uniqueId('tq');
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      dataConverter: testDataConverter,
    });
    const running = worker.run();
    stopWorker = async () => (worker.shutdown(), await running);
    // Nothing listens there: every query fails to connect.
    records = new BoletoRecords(
      openRecordsDb(`postgres://postgres@127.0.0.1:${await freePort()}/none`, { statementTimeoutMs: 2_000 }),
      new RecordProtector([newPayloadKey('k')]),
    );
    const registry = new AccessRegistryClient(client, taskQueue);
    const built = buildApp({
      client,
      namespace: env.namespace ?? 'default',
      taskQueue,
      logger: createLogger({ level: 'silent' }),
      records,
      access: new AccessCache(registry, { ttlMs: 5_000, minRefreshMs: 100 }),
    });
    server = await listen(built.app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const tenant = uniqueId('t').toLowerCase();
    await registry.createTenant(tenant, 'T');
    token = (await registry.createApiKey(tenant, 'integrator')).token;
  }, 120_000);
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await records?.close();
    await stopWorker?.();
    await env?.teardown();
  });

  it('GET one, the list and the readiness probe › 503 problems with Retry-After', async () => {
    for (const path of [
      '/v1/boletos/bol-acc-AAAAAAAAAA',
      '/v1/boletos',
      '/v1/reports/daily?from=2026-12-01&to=2026-12-02',
    ]) {
      const r = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
      expect(r.status, path).toBe(503);
      expect(r.headers.get('retry-after'), path).toBe('5');
      expect(r.headers.get('content-type')).toMatch(/problem\+json/);
    }
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: { records: { ok: boolean } } }).checks.records.ok).toBe(false);
  });
});
