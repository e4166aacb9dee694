/**
 * The whole boleto path for tests, all real: Temporal dev server, a worker running every workflow and
 * activity, the BS2 simulator (HTTP, its own clock), the API on a random port, and a receiver standing in
 * for the client's system (collects our signed notifications). startItauBoletoStack / startSicoobBoletoStack: the
 * same path on the Itaú / Sicoob simulator (mTLS), without the receiver.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { Client } from '@temporalio/client';
import type { Worker, WorkerOptions } from '@temporalio/worker';
import { listen } from '../../src/api/http-server';
import { type AppDeps, buildApp, type BuiltApp } from '../../src/api/app';
import { AccessCache } from '../../src/api/auth';
import { AccessRegistryClient } from '../../src/access/registry-client';
import { BankRegistry } from '../../src/banks/registry';
import type { BankAccount } from '../../src/banks';
import { bankDescriptor } from '../../src/banks/descriptors';
import type { WebhookVerification } from '../../src/banks/module';
import { AccountDirectory, type AccountInfo, policyFor } from '../../src/boletos/directory';
import { createLogger } from '../../src/logging';
import type { Bs2SimConfig } from '../../src/simulators/bs2/config';
import { createBs2Simulator, type Bs2Simulator } from '../../src/simulators/bs2/server';
import { SimClock } from '../../src/simulators/shared/clock';
import type { ItauSimulator } from '../../src/simulators/itau/server';
import type { SicoobSimConfig } from '../../src/simulators/sicoob/config';
import type { SicoobSimulator } from '../../src/simulators/sicoob/server';
import type { BoletoRecords } from '../../src/records';
import { createWorker } from '../../src/worker';
import { testRecords } from './records';
import { accountOf as bs2AccountOf } from '../banks/bs2/helpers';
import { accountOf as itauAccountOf, startSim as startItauSim } from '../banks/itau/helpers';
import { sicoobAccountOf, startSicoobSim } from '../banks/sicoob/helpers';
import type { Role } from '../../src/contracts/access';
import { addDays, saoPauloDate } from '../../src/domain';
import { codecClient, createDevEnv, testDataConverter, uniqueId } from './temporal';
import { TEST_PAYER } from './payer';

export interface Received {
  headers: IncomingMessage['headers'];
  raw: string;
  body: {
    id: string;
    type: string;
    data: { event: { kind: string; seq: number }; boleto: { id: string; status: string } };
  };
}

export interface BoletoStack {
  base: string;
  /** A Temporal client (payload codec as the API's). */
  client: Client;
  /** The worker's task queue. */
  taskQueue: string;
  sim: Bs2Simulator;
  accountId: string;
  registry: AccessRegistryClient;
  /** The records store the worker writes and the API reads (a database of its own on the run's PostgreSQL). */
  records: BoletoRecords;
  built: BuiltApp;
  tenants: { t1: string; t2: string };
  keys: Record<'t1' | 't2', Record<Role, string>>;
  received: Received[];
  webhookSecret: string;
  webhookAuthorization: string;
  /** Stops the worker (nothing runs workflows or activities any more). */
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export const SIM_WEBHOOK_TOKEN = 'sim-webhook-token-123';

/** The receivers below listen on loopback, refused as webhook targets by default: the worker allows them explicitly. */
export const RECEIVER_HOSTS = ['127.0.0.1'];

export async function startBoletoStack(
  opts: {
    simConfig?: Partial<Bs2SimConfig>;
    registerWaitMs?: number;
    adapterTimeoutMs?: number;
    workerOverrides?: Partial<WorkerOptions>;
    accessTtlMs?: number;
    serverArgs?: string[];
    /** The API's log lines (info and up) are pushed here; default: silent. */ logs?: string[];
    /** The dev server's Web UI on this port (default none). */ uiPort?: number;
    codec?: AppDeps['codec'];
  } = {},
): Promise<BoletoStack> {
  const env = await createDevEnv('default', opts.serverArgs, opts.uiPort ? { uiPort: opts.uiPort } : {});
  const client = codecClient(env);
  const taskQueue = uniqueId('tq');
  // The bank's calendar follows real time (frozen at start), so due dates valid for the API are valid at the bank.
  const sim = await createBs2Simulator({
    port: 0,
    clock: new SimClock({ start: new Date().toISOString(), frozen: true }),
    config: { lostResponseHoldMs: 2_000, ...opts.simConfig },
  });
  const accountId = uniqueId('bs2').toLowerCase();
  const bankRegistry = new BankRegistry([bs2AccountOf(sim, accountId, opts.adapterTimeoutMs ?? 1_000)]);
  const records = await testRecords();
  const worker: Worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    dataConverter: testDataConverter,
    bankRegistry,
    records,
    webhookAllowedHosts: RECEIVER_HOSTS,
    ...(opts.workerOverrides ? { overrides: opts.workerOverrides } : {}),
  });
  const running = worker.run();

  const registry = new AccessRegistryClient(client, taskQueue);
  const tenants = { t1: uniqueId('t1').toLowerCase(), t2: uniqueId('t2').toLowerCase() };
  const settings = {
    ACCOUNTS_TENANT_ID: tenants.t1,
    BOLETO_EXPIRE_AFTER_DAYS: 60,
    BOLETO_POLL_OPEN_EVERY_DAYS: 7,
    BOLETO_POLL_OVERDUE_EVERY_DAYS: 1,
    BOLETO_CLOSE_AFTER_DAYS: 7,
    BENEFICIARY_NAME: 'Construtora Um Ltda',
    BENEFICIARY_DOCUMENT: '11222333000181',
  };
  const account: AccountInfo = {
    accountId,
    bank: 'BS2',
    tenantId: tenants.t1,
    active: true,
    chooseNossoNumero: false,
    policy: policyFor('BS2', settings),
    beneficiary: {
      name: settings.BENEFICIARY_NAME,
      document: settings.BENEFICIARY_DOCUMENT,
      agencyAccount: '0001/1234567-8',
    },
    webhookAuthorization: `Bearer ${SIM_WEBHOOK_TOKEN}`,
  };
  const built = buildApp({
    client,
    namespace: env.namespace ?? 'default',
    taskQueue,
    logger: opts.logs
      ? createLogger(
          { level: 'info' },
          new Writable({ write: (c: Buffer, _e, cb) => (opts.logs!.push(c.toString()), cb()) }),
        )
      : createLogger({ level: 'silent' }),
    directory: new AccountDirectory([account]),
    records,
    registerWaitMs: opts.registerWaitMs ?? 15_000,
    rateLimitPerMinute: 100_000,
    access: new AccessCache(registry, {
      ttlMs: opts.accessTtlMs ?? 300,
      minRefreshMs: 100,
      graceMs: 120_000,
      staleWaitMs: 300,
    }),
    ...(opts.codec ? { codec: opts.codec } : {}),
  });
  const server = await listen(built.app, 0, '127.0.0.1');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sim.setWebhookTarget({
    url: `${base}/webhooks/bs2/${accountId}`,
    auth: { type: 'bearer', token: SIM_WEBHOOK_TOKEN },
  });

  // The client's system: records every notification we send.
  const received: Received[] = [];
  const receiver: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) as Received['body'] });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const webhookSecret = 'whsec_' + 'k'.repeat(40);

  await registry.createTenant(tenants.t1, 'Construtora Um Ltda');
  await registry.createTenant(tenants.t2, 'Comercial Dois SA');
  await registry.setTenantWebhook(
    tenants.t1,
    `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/boletoflow`,
    webhookSecret,
  );
  const keys = { t1: {}, t2: {} } as BoletoStack['keys'];
  for (const t of ['t1', 't2'] as const)
    for (const role of ['integrator', 'cs', 'operator'] as const)
      keys[t][role] = (await registry.createApiKey(tenants[t], role)).token;

  return {
    base,
    client,
    taskQueue,
    sim,
    accountId,
    registry,
    records,
    built,
    tenants,
    keys,
    received,
    webhookSecret,
    webhookAuthorization: account.webhookAuthorization!,
    async stopWorker() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
    async close() {
      await new Promise((r) => server.close(r));
      await new Promise((r) => receiver.close(r));
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await bankRegistry.close();
      await records.close();
      await sim.close();
      await env.teardown();
    },
  };
}

/** The boleto path on one simulated bank's account (tenant 'acme'), all real: what the Itaú and Sicoob stacks share. */
interface BankBoletoStack {
  base: string;
  accountId: string;
  /** Tenant 'acme''s integrator key. */
  key: string;
  /** The records store the worker writes and the API reads. */
  records: BoletoRecords;
  /** A Temporal client (payload codec as the API's) and the worker's task queue. */
  client: Client;
  taskQueue: string;
  close(): Promise<void>;
}

/**
 * Temporal dev server, a worker running every workflow and activity (no tenant notifications) with the account in
 * its bank registry, and the API on a random port with the account in its directory; `close` also closes `sim`.
 */
async function startBankBoletoStack(opts: {
  account: BankAccount;
  sim: { close(): Promise<void> };
  /** The beneficiary's agência/conta in our directory. */ agencyAccount: string;
  /** How the API verifies the account's notifications. */ verification: WebhookVerification;
}): Promise<BankBoletoStack> {
  const { account, sim } = opts;
  const { accountId, bank } = account;
  const env = await createDevEnv();
  const client = codecClient(env);
  const taskQueue = uniqueId('tq');
  const bankRegistry = new BankRegistry([account]);
  const records = await testRecords();
  const worker: Worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    dataConverter: testDataConverter,
    records,
    bankRegistry,
    activityDeps: { notifications: { webhookFor: () => Promise.resolve(undefined) } },
  });
  const running = worker.run();
  const registry = new AccessRegistryClient(client, taskQueue);
  await registry.createTenant('acme', 'Acme Ltda');
  const key = (await registry.createApiKey('acme', 'integrator')).token;
  const settings = {
    ACCOUNTS_TENANT_ID: 'acme',
    BOLETO_EXPIRE_AFTER_DAYS: 60,
    BOLETO_POLL_OPEN_EVERY_DAYS: 7,
    BOLETO_POLL_OVERDUE_EVERY_DAYS: 1,
    BOLETO_CLOSE_AFTER_DAYS: 7,
    BENEFICIARY_NAME: 'Acme Ltda',
    BENEFICIARY_DOCUMENT: '11222333000181',
  };
  const built = buildApp({
    records,
    client,
    namespace: env.namespace ?? 'default',
    taskQueue,
    logger: createLogger({ level: 'silent' }),
    directory: new AccountDirectory([
      {
        accountId,
        bank,
        tenantId: 'acme',
        active: true,
        chooseNossoNumero: bankDescriptor(bank).choosesNossoNumero,
        policy: policyFor(bank, settings),
        beneficiary: { name: 'Acme Ltda', document: '11222333000181', agencyAccount: opts.agencyAccount },
        ...opts.verification,
      },
    ]),
    registerWaitMs: 15_000,
    access: new AccessCache(registry, { ttlMs: 300, minRefreshMs: 100 }),
  });
  const server = await listen(built.app, 0, '127.0.0.1');
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accountId,
    key,
    records,
    client,
    taskQueue,
    async close() {
      await new Promise((r) => server.close(r));
      worker.shutdown();
      await running;
      await bankRegistry.close();
      await records.close();
      await sim.close();
      await env.teardown();
    },
  };
}

export interface ItauBoletoStack extends BankBoletoStack {
  /** The strict Itaú simulator (mTLS). */
  sim: ItauSimulator;
  /** The client Itaú uses at our OAuth endpoint for its notifications (the account's webhookClient). */
  webhookClient: { clientId: string; clientSecret: string };
}

/**
 * The boleto path on Itaú: the strict Itaú simulator over mTLS with one account (`accountId`, nosso número chosen by
 * us) of tenant 'acme'. No subscription at the simulator: a test registers one, or posts Itaú's notifications itself.
 */
export async function startItauBoletoStack(opts: {
  accountId: string;
  /** The beneficiary's agência/conta in our directory. */ agencyAccount?: string;
}): Promise<ItauBoletoStack> {
  const webhookClient = { clientId: 'boletoflow-hook', clientSecret: 'hook-secret-0123456789abcdef' };
  const sim = await startItauSim();
  const stack = await startBankBoletoStack({
    account: itauAccountOf(sim, opts.accountId),
    sim,
    agencyAccount: opts.agencyAccount ?? '1500/05206-1',
    verification: { webhookClient },
  });
  return { ...stack, sim, webhookClient };
}

export interface SicoobBoletoStack extends BankBoletoStack {
  /** The strict Sicoob simulator (mTLS), each exchange checked against Sicoob's OpenAPI (`problems`). */
  sim: SicoobSimulator;
  problems: string[];
}

/**
 * The boleto path on Sicoob: the strict Sicoob simulator over mTLS (its clock on real time, frozen at start, so due
 * dates valid for the API are valid at the bank) with one account (`accountId`, nosso número chosen by us) of tenant
 * 'acme'. Its notifications are unauthenticated hints (Sicoob documents no authentication). No webhook registered at
 * the simulator: a test registers one.
 */
export async function startSicoobBoletoStack(opts: {
  accountId: string;
  simConfig?: Partial<SicoobSimConfig>;
}): Promise<SicoobBoletoStack> {
  const { sim, problems } = await startSicoobSim(
    opts.simConfig ?? {},
    new SimClock({ start: new Date().toISOString(), frozen: true }),
  );
  const stack = await startBankBoletoStack({
    account: sicoobAccountOf(sim, opts.accountId),
    sim,
    agencyAccount: `${sim.config.beneficiary.cooperativa}/${sim.config.beneficiary.numeroContaCorrente}`,
    verification: {},
  });
  return { ...stack, sim, problems };
}

/** POST /v1/boletos for tenant t1's integrator on the stack's BS2 account, due in 10 days; `over` changes the body. Answers the status and the body. */
export async function registerBoleto(
  s: BoletoStack,
  idempotencyKey: string,
  over: Record<string, unknown> = {},
): Promise<{ status: number; body: { id: string } & Record<string, unknown> }> {
  const r = await fetch(`${s.base}/v1/boletos`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${s.keys.t1.integrator}`,
      'content-type': 'application/json',
      'Idempotency-Key': idempotencyKey,
    },
    body: JSON.stringify({
      accountId: s.accountId,
      amountCents: 10_000,
      dueDate: addDays(saoPauloDate(Date.now()), 10),
      payer: TEST_PAYER,
      ...over,
    }),
  });
  return { status: r.status, body: (await r.json()) as { id: string } & Record<string, unknown> };
}

/** POST /v1/boletos on a bank stack's account with tenant acme's integrator key; `body` adds to accountId. */
export async function postBoleto(
  s: { base: string; key: string; accountId: string },
  idempotencyKey: string,
  body: Record<string, unknown>,
): Promise<{ status: number; body: { id: string; nossoNumero: string; status: string } & Record<string, unknown> }> {
  const r = await fetch(`${s.base}/v1/boletos`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${s.key}`,
      'content-type': 'application/json',
      'Idempotency-Key': idempotencyKey,
    },
    body: JSON.stringify({ accountId: s.accountId, ...body }),
  });
  return { status: r.status, body: (await r.json()) as { id: string; nossoNumero: string; status: string } };
}

/** Polls `fn` until `pred` holds (real time; for asynchronous effects such as webhooks and visibility). */
export async function eventually<T>(fn: () => Promise<T>, pred: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (pred(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
