/**
 * Itaú's certificado dinâmico end to end on a real Temporal dev server and the real simulator (which signs with
 * its test CA): key pair + CSR, request with the temporary token, the issued certificate used over mTLS, renewal
 * from 30 days before expiry, and the material only ever encrypted in workflow history. Also the bank activities
 * on an Itaú account (registry dispatch, no keeper workflow).
 */
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBankActivities } from '../../../src/activities/bank';
import {
  createItauCertificateActivities,
  type ItauCertificateMaterial,
} from '../../../src/banks/itau/certificate-activities';
import type { ItauAccount } from '../../../src/banks/itau/account';
import { itauConnection } from '../../../src/banks/itau/connection';
import {
  certificateInfo,
  generateKeyAndCsr,
  parseCertificateAnswer,
  renewalStatus,
} from '../../../src/banks/itau/certificate';
import { BankRegistry } from '../../../src/banks/registry';
import type { ItauSimulator } from '../../../src/simulators/itau/server';
import { inspectCsr } from '../../../src/simulators/itau/tls';
import { brtIso } from '../../../src/simulators/shared/clock';
import { codecClient, createDevEnv, testDataConverter, uniqueId } from '../../helpers/temporal';
import { adapterConfigOf, adapterFor, admin, boletoRequest, credsOf, startSim } from './helpers';

const DAY = 86_400_000;
const quiet = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
  trace: () => undefined,
  log: () => undefined,
};

describe('Itaú certificado dinâmico › activities on real Temporal against the simulator', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  let sim: ItauSimulator;
  let worker: Worker;
  let running: Promise<void>;
  const registry = new BankRegistry([]);
  const accountId = uniqueId('itau');
  const taskQueue = uniqueId('itau-cert');

  beforeAll(async () => {
    [env, bundle, sim] = await Promise.all([
      createDevEnv(),
      bundleWorkflowCode({ workflowsPath: join(__dirname, '../../fixtures/workflows/itau-flows.ts'), logger: quiet }),
      startSim(),
    ]);
    const account: ItauAccount = {
      accountId,
      bank: 'ITAU',
      simulated: true,
      credentials: { kind: 'inline', credentials: credsOf(sim) },
      adapter: adapterConfigOf(sim),
    };
    registry.put(account);
    worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle: bundle,
      dataConverter: testDataConverter,
      activities: { ...createItauCertificateActivities({ registry }), ...createBankActivities({ registry }) },
      shutdownGraceTime: '1s',
    });
    running = worker.run();
  });
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await registry.close();
    await sim?.close();
    await env?.teardown();
  });

  const run = <T>(workflow: string, arg: unknown): Promise<T> =>
    codecClient(env).workflow.execute<(a: unknown) => Promise<T>>(workflow, {
      taskQueue,
      workflowId: uniqueId(workflow),
      args: [arg],
    });

  /** Every payload byte of a workflow's history, as the server stores it. */
  async function rawHistory(workflowId: string): Promise<string> {
    const h = await env.client.workflow.getHandle(workflowId).fetchHistory();
    return Buffer.from(temporal.api.history.v1.History.encode(h).finish()).toString('latin1');
  }

  let issued: ItauCertificateMaterial;

  it('issue › RSA-2048 + SHA-512 CSR (CN = client_id, OU, L, ST, C=BR) with the temporary token › a 365-day certificate and the Secret; it works over mTLS; history holds only ciphertext', async () => {
    const app = await admin<{ clientId: string; temporaryToken: string }>(sim, '/apps', {
      company: 'Construtora Exemplo Ltda',
    });
    const workflowId = uniqueId('issue');
    issued = await codecClient(env).workflow.execute<(a: unknown) => Promise<ItauCertificateMaterial>>(
      'itauIssueCertificate',
      {
        taskQueue,
        workflowId,
        args: [
          {
            accountId,
            clientId: app.body.clientId,
            temporaryToken: app.body.temporaryToken,
            company: 'Construtora Exemplo Ltda',
            city: 'Sao Paulo',
            state: 'SP',
          },
        ],
      },
    );
    expect(issued.clientId).toBe(app.body.clientId);
    expect(issued.clientSecret).toMatch(/^[0-9a-f-]{36}$/);
    expect(certificateInfo(issued.certificatePem).commonName).toBe(app.body.clientId);
    expect(Math.round((Date.parse(issued.notAfter) - sim.clock.now()) / DAY)).toBe(365);
    expect(issued.privateKeyPem).toContain('BEGIN PRIVATE KEY');

    // The new app's credentials register a boleto over mTLS.
    const x = adapterFor(
      sim,
      {},
      {
        clientId: issued.clientId,
        clientSecret: issued.clientSecret,
        certPem: issued.certificatePem,
        keyPem: issued.privateKeyPem,
      },
    );
    await expect(x.adapter.register(boletoRequest())).resolves.toMatchObject({ status: 'OPEN' });
    await x.close();

    const raw = await rawHistory(workflowId);
    expect(raw).toContain('binary/encrypted');
    for (const secret of [
      'BEGIN CERTIFICATE',
      'PRIVATE KEY',
      'CERTIFICATE REQUEST',
      issued.clientSecret,
      app.body.temporaryToken,
    ])
      expect(raw).not.toContain(secret);
  });

  it('issue › the temporary token a second time › refused (single use) › BankAuthError, the token not in the failure', async () => {
    const app = await admin<{ clientId: string; temporaryToken: string }>(sim, '/apps', {});
    const args = {
      accountId,
      clientId: app.body.clientId,
      temporaryToken: app.body.temporaryToken,
      company: 'X Ltda',
      city: 'Recife',
      state: 'PE',
    };
    await run('itauIssueCertificate', args);
    const err = await run('itauIssueCertificate', args).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause?.cause as { type?: string; message?: string };
    expect(cause.type).toBe('BankAuthError');
    expect(cause.message).not.toContain(app.body.temporaryToken);
  });

  it('renewal › 200 days before expiry › not due, and the bank refuses an early renewal (BankConflict)', async () => {
    await expect(run('itauRenewIfDue', { accountId, current: issued, now: brtIso(sim.clock.now()) })).resolves.toEqual({
      renewalDue: false,
    });
    const err = (await run('itauRenewNow', { accountId, current: issued }).catch(
      (e: unknown) => e,
    )) as WorkflowFailedError;
    expect((err.cause?.cause as { type?: string }).type).toBe('BankConflict');
  });

  it('renewal › 340 days later (25 days left) › renewed over mTLS with the current certificate: a new 365-day certificate, same key and secret, and it works', async () => {
    await admin(sim, '/clock/advance', { days: 340, stepMinutes: 1440 });
    const r = await run<{ renewalDue: boolean; renewed?: ItauCertificateMaterial }>('itauRenewIfDue', {
      accountId,
      current: issued,
      now: brtIso(sim.clock.now()),
    });
    expect(r.renewalDue).toBe(true);
    const renewed = r.renewed as ItauCertificateMaterial;
    expect(renewed.certificatePem).not.toBe(issued.certificatePem);
    expect(renewed.privateKeyPem).toBe(issued.privateKeyPem);
    expect(renewed.clientSecret).toBe(issued.clientSecret);
    expect(Math.round((Date.parse(renewed.notAfter) - sim.clock.now()) / DAY)).toBe(365);
    expect(renewalStatus(renewed.certificatePem, new Date(sim.clock.now())).renewalDue).toBe(false);
    const x = adapterFor(
      sim,
      {},
      {
        clientId: renewed.clientId,
        clientSecret: renewed.clientSecret,
        certPem: renewed.certificatePem,
        keyPem: renewed.privateKeyPem,
      },
    );
    await expect(x.adapter.authenticate()).resolves.toMatchObject({ ok: true });
    await x.close();
    expect((await admin<{ certificatesRenewed: number }>(sim, '/tokens')).body.certificatesRenewed).toBe(1);
  });

  it("bank activities on an Itaú account › registered through Temporal with the registry's own token cache (no keeper workflow)", async () => {
    const req = boletoRequest({ issueDate: sim.clock.today(), dueDate: sim.clock.today() });
    const r = await codecClient(env).workflow.execute<
      (a: string, b: unknown) => Promise<{ boleto: { status: string; nossoNumero: string }; via: string }>
    >('registerBoleto', {
      taskQueue,
      workflowId: uniqueId('register'),
      args: [accountId, req],
    });
    expect(r).toMatchObject({ via: 'register', boleto: { status: 'OPEN', nossoNumero: req.nossoNumero } });
    expect(itauConnection(registry, accountId).tokens.fetches).toBe(1);
  });

  it('CSR and answer parsing › subject and SHA-512 as Itaú asks; a text answer without Secret › refused for a request', () => {
    const { csrPem } = generateKeyAndCsr({
      clientId: '0f0e0d0c-0b0a-4909-8807-060504030201',
      company: 'ACME',
      city: 'Curitiba',
      state: 'PR',
    });
    expect(inspectCsr(csrPem)).toMatchObject({
      commonName: '0f0e0d0c-0b0a-4909-8807-060504030201',
      subject: { OU: 'ACME', L: 'Curitiba', ST: 'PR', C: 'BR' },
      keyBits: 2048,
      signatureHash: 'SHA-512',
    });
    expect(() => parseCertificateAnswer(issued.certificatePem, true)).toThrow(/no Secret line/);
    expect(parseCertificateAnswer(`Secret: abc\r\n${issued.certificatePem}`, true).clientSecret).toBe('abc');
  });
});
