/**
 * A real API stack for tests: dev server, a worker running every workflow, the express app on a random
 * port, and the access registry with two tenants and keys of each role.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { AccessRegistryClient } from '../../src/access/registry-client';
import { type AppDeps, buildApp, type BuiltApp } from '../../src/api/app';
import { listen } from '../../src/api/http-server';
import { AccessCache } from '../../src/api/auth';
import { createLogger } from '../../src/logging';
import { createWorker } from '../../src/worker';
import { testRecords } from './records';
import type { Role } from '../../src/contracts/access';
import { codecClient, createDevEnv, testDataConverter, uniqueId } from './temporal';

export interface ApiHarness {
  env: TestWorkflowEnvironment;
  client: Client;
  registry: AccessRegistryClient;
  built: BuiltApp;
  base: string;
  logs: string[];
  /** tenant → role → token */
  keys: Record<'t1' | 't2', Record<Role, { token: string; keyId: string }>>;
  tenants: { t1: string; t2: string };
  stop(): Promise<void>;
}

export async function startApiHarness(
  opts: { rateLimitPerMinute?: number; bodyLimit?: string; codec?: AppDeps['codec'] } = {},
): Promise<ApiHarness> {
  const env = await createDevEnv();
  const taskQueue = uniqueId('tq');
  const client = codecClient(env);
  const records = await testRecords();
  const worker: Worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    dataConverter: testDataConverter,
    records,
  });
  const running = worker.run();
  const registry = new AccessRegistryClient(client, taskQueue);
  const logs: string[] = [];
  const sink = new Writable({ write: (c: Buffer, _e, cb) => (logs.push(c.toString()), cb()) });
  const built = buildApp({
    records,
    client,
    namespace: env.namespace ?? 'default',
    taskQueue,
    logger: createLogger({ level: 'info' }, sink),
    rateLimitPerMinute: opts.rateLimitPerMinute ?? 100_000,
    ...(opts.bodyLimit ? { bodyLimit: opts.bodyLimit } : {}),
    ...(opts.codec ? { codec: opts.codec } : {}),
    access: new AccessCache(registry, { ttlMs: 300, minRefreshMs: 100 }),
  });
  const server: Server = await listen(built.app, 0, '127.0.0.1');
  const tenants = { t1: uniqueId('t1').toLowerCase(), t2: uniqueId('t2').toLowerCase() };
  await registry.createTenant(tenants.t1, 'Construtora Um Ltda');
  await registry.createTenant(tenants.t2, 'Comercial Dois SA');
  const keys = { t1: {}, t2: {} } as ApiHarness['keys'];
  for (const t of ['t1', 't2'] as const) {
    for (const role of ['integrator', 'cs', 'operator'] as const)
      keys[t][role] = await registry.createApiKey(tenants[t], role, `${role} key`);
  }
  return {
    env,
    client,
    registry,
    built,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    logs,
    keys,
    tenants,
    async stop() {
      await new Promise((r) => server.close(r));
      worker.shutdown();
      await running;
      await records.close();
      await env.teardown();
    },
  };
}

export const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });
