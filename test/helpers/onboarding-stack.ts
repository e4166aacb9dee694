/**
 * The onboarding path for tests, all real: Temporal dev server, a worker whose bank registry resolves onboarded
 * accounts through their onboarding workflows (as in production), the Itaú (mTLS), BS2 and Sicoob (mTLS) simulators, the API on a
 * random port with the account directory resolving onboarded accounts, and a receiver for our notifications.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { AccessRegistryClient } from '../../src/access/registry-client';
import { buildApp } from '../../src/api/app';
import { AccessCache } from '../../src/api/auth';
import { listen } from '../../src/api/http-server';
import { AccountDirectory } from '../../src/boletos/directory';
import { type Config, loadConfig } from '../../src/config';
import { createLogger } from '../../src/logging';
import { accountInfoFromOnboarded, fetchOnboardedAccount } from '../../src/onboarding/accounts';
import { createBs2Simulator, type Bs2Simulator } from '../../src/simulators/bs2/server';
import type { ItauSimConfig } from '../../src/simulators/itau/config';
import type { ItauSimulator } from '../../src/simulators/itau/server';
import type { SicoobSimConfig } from '../../src/simulators/sicoob/config';
import type { SicoobSimulator } from '../../src/simulators/sicoob/server';
import { SimClock } from '../../src/simulators/shared/clock';
import { createWorker, defaultBankRegistry } from '../../src/worker';
import type { Role } from '../../src/contracts/access';
import { startSim } from '../banks/itau/helpers';
import { startSicoobSim } from '../banks/sicoob/helpers';
import { codecClient, createDevEnv, testDataConverter, uniqueId } from './temporal';
import { testRecords } from './records';

export interface OnboardingStack {
  env: TestWorkflowEnvironment;
  client: Client;
  base: string;
  itau: ItauSimulator;
  bs2: Bs2Simulator;
  /** The strict Sicoob simulator; `sicoobProblems`: its exchanges that broke Sicoob's OpenAPI. */
  sicoob: SicoobSimulator;
  sicoobProblems: string[];
  settings: Config;
  tenant: string;
  otherTenant: string;
  keys: Record<Role, string>;
  otherKeys: Record<Role, string>;
  /** Notifications we POSTed to the tenant's endpoint (type + data). */
  notices: { type: string; data: Record<string, unknown> }[];
  close(): Promise<void>;
}

const port = (url: string) => new URL(url).port;

export async function startOnboardingStack(
  opts: { itau?: Partial<ItauSimConfig>; sicoob?: Partial<SicoobSimConfig>; settings?: Record<string, string> } = {},
): Promise<OnboardingStack> {
  const env = await createDevEnv();
  const client = codecClient(env);
  const taskQueue = uniqueId('tq');
  const itau = await startSim(opts.itau);
  const bs2 = await createBs2Simulator({
    port: 0,
    clock: new SimClock({ start: new Date().toISOString(), frozen: true }),
  });
  const { sim: sicoob, problems: sicoobProblems } = await startSicoobSim(
    opts.sicoob ?? {},
    new SimClock({ start: new Date().toISOString(), frozen: true }),
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'onboarding-'));
  const caPath = join(dataDir, 'itau-ca.pem');
  writeFileSync(caPath, itau.pki.caCertPem);
  const sicoobCaPath = join(dataDir, 'sicoob-ca.pem');
  writeFileSync(sicoobCaPath, sicoob.pki.caCertPem);
  const settings = loadConfig({
    DATA_DIR: dataDir,
    SIM_HOST: '127.0.0.1',
    SIM_ITAU_PORT: port(itau.url),
    SIM_ITAU_PUBLIC_PORT: port(itau.publicUrl),
    SIM_BS2_PORT: port(bs2.url),
    SIM_SICOOB_PORT: port(sicoob.url),
    ITAU_CA_PATH: caPath,
    SICOOB_CA_PATH: sicoobCaPath,
    BS2_TIMEOUT_MS: '5000',
    ITAU_TIMEOUT_MS: '5000',
    ...opts.settings,
  });
  const bankRegistry = defaultBankRegistry(settings);
  const records = await testRecords();
  const worker: Worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    dataConverter: testDataConverter,
    records,
    bankRegistry,
    bankSettings: settings,
    webhookAllowedHosts: ['127.0.0.1'],
  });
  const running = worker.run();

  const notices: OnboardingStack['notices'] = [];
  const receiver: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as { type: string; data: Record<string, unknown> };
      notices.push({ type: body.type, data: body.data });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));

  const registry = new AccessRegistryClient(client, taskQueue);
  const built = buildApp({
    records,
    client,
    namespace: env.namespace ?? 'default',
    taskQueue,
    logger: createLogger({ level: 'silent' }),
    directory: AccountDirectory.fromBankAccounts([], settings, async (id) => {
      const o = await fetchOnboardedAccount(client, id);
      return o ? accountInfoFromOnboarded(o, settings) : undefined;
    }),
    registerWaitMs: 15_000,
    rateLimitPerMinute: 100_000,
    access: new AccessCache(registry, { ttlMs: 300, minRefreshMs: 100 }),
    onboarding: { webhookBaseUrl: 'https://boletos.example.com', supportEmail: 'suporte@boletoflow.example' },
  });
  const server = await listen(built.app, 0, '127.0.0.1');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const tenant = uniqueId('acme').toLowerCase();
  const otherTenant = uniqueId('other').toLowerCase();
  await registry.createTenant(tenant, 'Acme Ltda');
  await registry.createTenant(otherTenant, 'Outra SA');
  await registry.setTenantWebhook(
    tenant,
    `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
    `whsec_${'o'.repeat(40)}`,
  );
  const keys = {} as Record<Role, string>;
  const otherKeys = {} as Record<Role, string>;
  for (const role of ['integrator', 'cs', 'operator'] as const) {
    keys[role] = (await registry.createApiKey(tenant, role)).token;
    otherKeys[role] = (await registry.createApiKey(otherTenant, role)).token;
  }
  return {
    env,
    client,
    base,
    itau,
    bs2,
    sicoob,
    sicoobProblems,
    settings,
    tenant,
    otherTenant,
    keys,
    otherKeys,
    notices,
    async close() {
      await new Promise((r) => server.close(r));
      await new Promise((r) => receiver.close(r));
      worker.shutdown();
      await running;
      await bankRegistry.close();
      await records.close();
      await itau.close();
      await bs2.close();
      await sicoob.close();
      await env.teardown();
    },
  };
}

/** JSON call helper (`headers`: more request headers, e.g. Idempotency-Key): returns status and parsed body. */
export async function call<T = Record<string, unknown>>(
  base: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${key}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : {}) as T };
}
