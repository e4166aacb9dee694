/**
 * Payer text fitted to Itaú on the way out, end to end: a bolecode whose payer is a company with a 57-character name
 * in a 17-character district ("Jardim Paulistano") is issued through the API, registered by the real worker at the
 * strict Itaú simulator over mTLS (which enforces nome 50 / bairro 15), and our record keeps the full text.
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
import { addDays } from '../../src/domain';
import { createLogger } from '../../src/logging';
import type { BoletoRecords } from '../../src/records';
import type { ItauSimulator } from '../../src/simulators/itau/server';
import { createWorker } from '../../src/worker';
import { brtDate } from '../../src/workflows/boleto-schedule';
import { adapterConfigOf, credsOf, PIX_KEY, startSim } from '../banks/itau/helpers';
import { codecClient, createDevEnv, testDataConverter, uniqueId } from '../helpers/temporal';
import { testRecords } from '../helpers/records';

describe('boletos API on the strict Itaú simulator › payer text fitted to Itaú, our record complete', () => {
  let sim: ItauSimulator;
  let base: string;
  let key: string;
  let stop: () => Promise<void>;
  let records: BoletoRecords;
  const accountId = 'itau-payer';
  const webhookClient = { clientId: 'boletoflow-hook', clientSecret: 'hook-secret-0123456789abcdef' };

  beforeAll(async () => {
    const env = await createDevEnv();
    const client = codecClient(env);
    const taskQueue = uniqueId('tq');
    sim = await startSim();
    const account: ItauAccount = { accountId, bank: 'ITAU', simulated: true, credentials: { kind: 'inline', credentials: credsOf(sim) }, adapter: adapterConfigOf(sim, { pixKey: PIX_KEY }) };
    const bankRegistry = new BankRegistry([account]);
    records = await testRecords();
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

  const company = 'Companhia Paulista de Distribuição e Comércio de Peças SA';
  const district = 'Jardim Paulistano';

  it('a 57-character company name and a 17-character district › 201 REGISTERED at Itaú; Itaú got ≤ 50 / ≤ 15 characters; our record keeps the full text', async () => {
    expect([...company]).toHaveLength(57);
    expect([...district]).toHaveLength(17);
    const r = await fetch(`${base}/v1/boletos`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'content-type': 'application/json', 'Idempotency-Key': uniqueId('payer') },
      body: JSON.stringify({
        accountId,
        kind: 'BOLECODE',
        amountCents: 45_600,
        dueDate: addDays(brtDate(Date.now()), 10),
        payer: { name: company, document: '11444777000161', address: { street: 'Avenida Brigadeiro Faria Lima', number: '3477', complement: 'Conjunto 12', district, city: 'São Paulo', state: 'SP', zipCode: '01451000' } },
      }),
    });
    const json = (await r.json()) as { id: string; status: string; nossoNumero: string };
    expect({ status: r.status, boleto: json.status }).toEqual({ status: 201, boleto: 'REGISTERED' });
    const atBank = sim.bank.byNossoNumero('109', json.nossoNumero)?.data as { dado_boleto: { pagador: { pessoa: { nome_pessoa: string }; endereco: { nome_bairro: string; nome_logradouro: string } } } };
    const sent = atBank.dado_boleto.pagador;
    expect([...sent.pessoa.nome_pessoa].length).toBeLessThanOrEqual(50);
    expect(company.startsWith(sent.pessoa.nome_pessoa)).toBe(true);
    expect([...sent.endereco.nome_bairro].length).toBeLessThanOrEqual(15);
    expect(sent.endereco.nome_logradouro).toContain('3477');
    // Our record: the payer exactly as the API received it.
    const printable = await records.printable('acme', json.id);
    expect(printable?.payer).toMatchObject({ name: company, address: { district, street: 'Avenida Brigadeiro Faria Lima', complement: 'Conjunto 12' } });
    const get = await fetch(`${base}/v1/boletos/${json.id}`, { headers: { Authorization: `Bearer ${key}` } });
    expect(get.status).toBe(200);
  });
});
