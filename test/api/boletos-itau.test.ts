/**
 * The same boleto path on Itaú: a bolecode (boleto + Pix) issued through the API against the mutual-TLS Itaú
 * simulator, its nosso número chosen by us, and Itaú's notifications arriving the way Itaú sends them: a
 * client_credentials token from our OAuth endpoint first, then the notification with that Bearer token.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '@temporalio/worker';
import { AccessRegistryClient } from '../../src/access/registry-client';
import { buildApp } from '../../src/api/app';
import { AccessCache } from '../../src/api/auth';
import { listen } from '../../src/api/http-server';
import type { ItauAccount } from '../../src/banks/accounts';
import { BankRegistry } from '../../src/banks/registry';
import { AccountDirectory, policyFor } from '../../src/boletos/directory';
import { addDays, parsePix } from '../../src/domain';
import { createLogger } from '../../src/logging';
import type { ItauSimulator } from '../../src/simulators/itau/server';
import { createWorker } from '../../src/worker';
import { brtDate } from '../../src/workflows/boleto-schedule';
import { adapterConfigOf, credsOf, PIX_KEY, startSim } from '../banks/itau/helpers';
import { eventually } from '../helpers/boleto-stack';
import { codecClient, createDevEnv, testDataConverter, uniqueId } from '../helpers/temporal';
import { testRecords } from '../helpers/records';

describe('boletos API on the Itaú simulator (mTLS, bolecode, OAuth notifications)', () => {
  let sim: ItauSimulator;
  let base: string;
  let key: string;
  let stop: () => Promise<void>;
  const accountId = 'itau-e2e';
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
        { accountId, bank: 'ITAU', tenantId: 'acme', active: true, chooseNossoNumero: true, policy: policyFor('ITAU', settings), beneficiary: { name: 'Acme Ltda', document: '11222333000181', agencyAccount: '1500/05206-1' }, webhookClient },
      ]),
      registerWaitMs: 15_000,
      access: new AccessCache(registry, { ttlMs: 300, minRefreshMs: 100 }),
    });
    const server = await listen(built.app, 0, '127.0.0.1');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // What CS registers at Itaú for the account (Boletos v3 notificacoes_boletos).
    sim.bank.subscribe({
      id_beneficiario: sim.bank.idBeneficiario,
      webhook_url: `${base}/webhooks/itau/${accountId}`,
      webhook_oauth_url: `${base}/webhooks/itau/${accountId}/oauth/token`,
      webhook_client_id: webhookClient.clientId,
      webhook_client_secret: webhookClient.clientSecret,
      tipos_notificacoes: ['BAIXA_OPERACIONAL', 'BAIXA_EFETIVA'],
      valor_minimo: 0,
    });
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

  const create = async (idem: string, over: Record<string, unknown> = {}) => {
    const r = await fetch(`${base}/v1/boletos`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'content-type': 'application/json', 'Idempotency-Key': idem },
      body: JSON.stringify({
        accountId,
        kind: 'BOLECODE',
        amountCents: 12_345,
        dueDate: addDays(brtDate(Date.now()), 10),
        payer: { name: 'Maria da Silva', document: '52998224725', address: { street: 'Rua das Flores', number: '100', district: 'Centro', city: 'Sao Paulo', state: 'SP', zipCode: '01001000' } },
        ...over,
      }),
    });
    return { r, json: (await r.json()) as Record<string, unknown> & { id: string; nossoNumero: string; pix?: { emv: string; txid?: string } } };
  };

  it('bolecode › created › 201 with our 8-digit nosso número, an Itaú barcode and a Pix EMV with a valid CRC', async () => {
    const { r, json } = await create('itau-1');
    expect(r.status).toBe(201);
    expect(json).toMatchObject({ status: 'REGISTERED', bank: 'ITAU', kind: 'BOLECODE' });
    expect(json.nossoNumero).toMatch(/^\d{8}$/);
    expect(json.barcode).toMatch(/^341\d{41}$/);
    expect(() => parsePix(json.pix!.emv)).not.toThrow();
    expect(sim.bank.byNossoNumero('109', json.nossoNumero)).toBeDefined();
  });

  it('notifications › paid then settled at Itaú › OAuth token first, then BAIXA_OPERACIONAL → PAID, BAIXA_EFETIVA → SETTLED', async () => {
    const { json } = await create('itau-2');
    const b = sim.bank.byNossoNumero('109', json.nossoNumero)!;
    sim.bank.pay(b, sim.clock.now());
    await sim.tick();
    const get = async () => (await (await fetch(`${base}/v1/boletos/${json.id}`, { headers: { Authorization: `Bearer ${key}` } })).json()) as { status: string; paid: boolean; settled: boolean };
    expect(await eventually(get, (v) => v.status === 'PAID')).toMatchObject({ paid: true, settled: false });
    sim.bank.settle(b, sim.clock.now() + 3_600_000);
    await sim.tick();
    expect(await eventually(get, (v) => v.status === 'SETTLED')).toMatchObject({ paid: true, settled: true });
  });

  it('our OAuth endpoint › wrong client secret or no token › 401; token for one account › refused by another', async () => {
    const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    const bad = await fetch(`${base}/webhooks/itau/${accountId}/oauth/token`, { method: 'POST', headers: { Authorization: basic(webhookClient.clientId, 'nope'), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: 'invalid_client' });
    const ok = await fetch(`${base}/webhooks/itau/${accountId}/oauth/token`, { method: 'POST', headers: { Authorization: basic(webhookClient.clientId, webhookClient.clientSecret), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
    expect(ok.status).toBe(200);
    const { access_token } = (await ok.json()) as { access_token: string };
    const notify = (auth?: string) => fetch(`${base}/webhooks/itau/${accountId}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { Authorization: auth } : {}) }, body: JSON.stringify({ boletos: [] }) });
    expect((await notify()).status).toBe(401);
    expect((await notify(`Bearer ${access_token}x`)).status).toBe(401);
    expect((await notify(`Bearer ${access_token}`)).status).not.toBe(401);
  });
});
