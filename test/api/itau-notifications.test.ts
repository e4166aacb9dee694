/**
 * Itaú notifications in the real shape (test/fixtures/itau/) through the whole stack: a real Temporal dev server and
 * worker, the API over HTTP, the mTLS Itaú simulator. The bank's facts change at the simulator; the body Itaú would
 * send is then posted with a token from our OAuth endpoint, is answered 2xx, and the boleto moves because its
 * workflow re-queries the consulta (events from `bank-poll`), not because of what the body says. A duplicate
 * changes nothing; a bad body is a 400 naming the field.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '@temporalio/worker';
import { AccessRegistryClient } from '../../src/access/registry-client';
import { buildApp } from '../../src/api/app';
import { AccessCache } from '../../src/api/auth';
import { listen } from '../../src/api/http-server';
import type { ItauAccount } from '../../src/banks/accounts';
import { BankRegistry } from '../../src/banks/registry';
import { AccountDirectory, policyFor } from '../../src/boletos/directory';
import { addDays } from '../../src/domain';
import { createLogger } from '../../src/logging';
import type { ItauSimulator } from '../../src/simulators/itau/server';
import { createWorker } from '../../src/worker';
import { brtDate } from '../../src/workflows/boleto-schedule';
import { adapterConfigOf, credsOf, PIX_KEY, startSim } from '../banks/itau/helpers';
import { eventually } from '../helpers/boleto-stack';
import { testRecords } from '../helpers/records';
import { codecClient, createDevEnv, testDataConverter, uniqueId } from '../helpers/temporal';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fixture = (name: string): any => JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'itau', name), 'utf8'));

describe('Itaú notifications in the real shape › /webhooks/itau/<account> (dev server, worker, simulator)', () => {
  let sim: ItauSimulator;
  let base: string;
  let key: string;
  let stop: () => Promise<void>;
  const accountId = 'itau-notify';
  const webhookClient = { clientId: 'boletoflow-hook', clientSecret: 'hook-secret-0123456789abcdef' };

  beforeAll(async () => {
    const env = await createDevEnv();
    const client = codecClient(env);
    const taskQueue = uniqueId('tq');
    sim = await startSim();
    const account: ItauAccount = { accountId, bank: 'ITAU', simulated: true, credentials: { kind: 'inline', credentials: credsOf(sim) }, adapter: adapterConfigOf(sim, { pixKey: PIX_KEY }) };
    const bankRegistry = new BankRegistry([account]);
    const records = await testRecords();
    const worker: Worker = await createWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue, dataConverter: testDataConverter, records, bankRegistry, activityDeps: { notifications: { webhookFor: () => Promise.resolve(undefined) } } });
    const running = worker.run();
    const registry = new AccessRegistryClient(client, taskQueue);
    await registry.createTenant('acme', 'Acme Ltda');
    key = (await registry.createApiKey('acme', 'integrator')).token;
    const settings = { ACCOUNTS_TENANT_ID: 'acme', BOLETO_EXPIRE_AFTER_DAYS: 60, BOLETO_POLL_OPEN_EVERY_DAYS: 7, BOLETO_POLL_OVERDUE_EVERY_DAYS: 1, BOLETO_CLOSE_AFTER_DAYS: 7, BENEFICIARY_NAME: 'Acme Ltda', BENEFICIARY_DOCUMENT: '11222333000181' };
    const built = buildApp({
      records,
      client,
      namespace: env.namespace ?? 'default',
      taskQueue,
      logger: createLogger({ level: 'silent' }),
      directory: new AccountDirectory([
        { accountId, bank: 'ITAU', tenantId: 'acme', active: true, chooseNossoNumero: true, policy: policyFor('ITAU', settings), beneficiary: { name: 'Acme Ltda', document: '11222333000181', agencyAccount: '1500/00005-0' }, webhookClient },
      ]),
      registerWaitMs: 15_000,
      access: new AccessCache(registry, { ttlMs: 300, minRefreshMs: 100 }),
    });
    const server = await listen(built.app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // No subscription at the simulator: the notifications below are posted by the test, as Itaú would post them.
    stop = async () => {
      await new Promise((r) => server.close(r));
      worker.shutdown();
      await running;
      await bankRegistry.close();
      await records.close();
      await sim.close();
      await env.teardown();
    };
  }, 120_000);
  afterAll(async () => {
    await stop?.();
  });

  const auth = () => ({ Authorization: `Bearer ${key}` });
  const create = async (idem: string) => {
    const r = await fetch(`${base}/v1/boletos`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json', 'Idempotency-Key': idem },
      body: JSON.stringify({
        accountId,
        kind: 'BOLETO',
        amountCents: 30_000,
        dueDate: addDays(brtDate(Date.now()), 10),
        payer: { name: 'Maria da Silva', document: '52998224725', address: { street: 'Rua das Flores', number: '100', district: 'Centro', city: 'Sao Paulo', state: 'SP', zipCode: '01001000' } },
      }),
    });
    expect(r.status).toBe(201);
    return (await r.json()) as { id: string; nossoNumero: string };
  };
  const view = async (id: string) => (await (await fetch(`${base}/v1/boletos/${id}`, { headers: auth() })).json()) as { status: string; paid: boolean; settled: boolean };
  const events = async (id: string) => ((await (await fetch(`${base}/v1/boletos/${id}/events`, { headers: auth() })).json()) as { items: { kind: string; source: string }[] }).items;
  const token = async () => {
    const r = await fetch(`${base}/webhooks/itau/${accountId}/oauth/token`, {
      method: 'POST',
      headers: { Authorization: `Basic ${Buffer.from(`${webhookClient.clientId}:${webhookClient.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(r.status).toBe(200);
    return ((await r.json()) as { access_token: string }).access_token;
  };
  const notify = async (body: unknown) => {
    const r = await fetch(`${base}/webhooks/itau/${accountId}`, { method: 'POST', headers: { Authorization: `Bearer ${await token()}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  /** Itaú retries until a 2xx: a boleto just registered may not be searchable by nosso número for a moment (404). */
  const deliver = (body: unknown) => eventually(() => notify(body), (r) => r.status !== 404);
  /** The fixture's body with our boleto's nosso número (everything else as Itaú sent it). */
  const about = (name: string, nossoNumero: string): { boletos: Record<string, unknown>[] } => {
    const body = fixture(name) as { boletos: Record<string, unknown>[] };
    body.boletos[0]!.numeroNossoNumero = nossoNumero;
    return body;
  };

  it("Itaú's example body after the payment › 2xx, PAID within seconds via the consulta; the same body again › nothing changes; LIQUIDADO after the credit › SETTLED", async () => {
    const b = await create('itau-notify-1');
    const atBank = sim.bank.byNossoNumero('109', b.nossoNumero)!;
    sim.bank.pay(atBank, sim.clock.now());

    const first = await deliver(about('notification-itau-example.json', b.nossoNumero));
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ received: 1 });
    expect(await eventually(() => view(b.id), (v) => v.status === 'PAID', 10_000)).toMatchObject({ paid: true, settled: false });
    const afterPaid = await eventually(() => events(b.id), (e) => e.some((x) => x.kind === 'PAID'));
    expect(afterPaid.find((x) => x.kind === 'PAID')?.source).toBe('bank-poll');

    const dup = await notify(about('notification-itau-example.json', b.nossoNumero));
    expect(dup.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await events(b.id)).toEqual(afterPaid);
    expect((await view(b.id)).status).toBe('PAID');

    sim.bank.settle(atBank, sim.clock.now() + 3_600_000);
    expect((await notify(about('notification-liquidado.json', b.nossoNumero))).status).toBe(200);
    expect(await eventually(() => view(b.id), (v) => v.status === 'SETTLED', 10_000)).toMatchObject({ paid: true, settled: true });
  });

  it('the body decides nothing › a LIQUIDADO notification for a boleto the bank shows unpaid › 2xx, still REGISTERED; an unknown code after the payment › PAID', async () => {
    const b = await create('itau-notify-2');
    expect((await deliver(about('notification-liquidado.json', b.nossoNumero))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await view(b.id)).status).toBe('REGISTERED');

    sim.bank.pay(sim.bank.byNossoNumero('109', b.nossoNumero)!, sim.clock.now());
    const unknown = about('notification-itau-example.json', b.nossoNumero);
    unknown.boletos[0]!.tipoLiquidacao = 'CODIGO-NOVO';
    expect((await notify(unknown)).status).toBe(200);
    expect((await eventually(() => view(b.id), (v) => v.status === 'PAID', 10_000)).status).toBe('PAID');
  });

  it('bad bodies › 400 problem+json naming the field; an empty list › 200 received 0; an unknown nosso número › 404', async () => {
    const snake = await notify({ data: { boletos: [{ numero_nosso_numero: '12345678' }] } });
    expect(snake.status).toBe(400);
    expect(snake.body.errors).toEqual([{ field: 'body.boletos', reason: expect.any(String) }]);
    const noNumber = await notify({ boletos: [{ tipoLiquidacao: '95' }] });
    expect(noNumber.status).toBe(400);
    expect(noNumber.body.errors).toEqual([{ field: 'body.boletos[0].numeroNossoNumero', reason: expect.any(String) }]);
    expect(await notify({ boletos: [] })).toEqual({ status: 200, body: { received: 0 } });
    expect((await notify(about('notification-itau-example.json', '99999999'))).status).toBe(404);
  });
});
