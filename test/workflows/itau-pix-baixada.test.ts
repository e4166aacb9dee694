/**
 * A bolecode paid by Pix and then "Baixada" at Itaú, through the whole lifecycle: the time-skipping test server (the
 * weekly safety-net poll comes in seconds), the real worker and the strict Itaú simulator over mTLS, scenario ,10
 * (PIX_PAID_NO_NOTIFICATION: paid by Pix an hour after registration, no boleto notification ever). The consulta
 * shows `Baixada` with the Pix payment from then on; the boleto must end SETTLED, not stay PAID forever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ItauAccount } from '../../src/banks/accounts';
import { BankRegistry } from '../../src/banks/registry';
import { policyFor } from '../../src/boletos/directory';
import { addDays } from '../../src/domain';
import type { ItauSimulator } from '../../src/simulators/itau/server';
import { createWorker } from '../../src/worker';
import { boletoLifecycle } from '../../src/workflows/boleto-lifecycle';
import { getBoletoQuery, getEventsQuery, type StartBoletoInput } from '../../src/workflows/boleto-messages';
import { brtDate } from '../../src/workflows/boleto-schedule';
import { BOLETO_CODE_VERSION } from '../../src/workflows/patches';
import { adapterConfigOf, admin, credsOf, PIX_KEY, startSim } from '../banks/itau/helpers';
import { createTimeSkippingEnv, uniqueId } from '../helpers/temporal';

describe('Itaú bolecode paid by Pix, then "Baixada" (time-skipping server + strict Itaú simulator)', () => {
  let env: TestWorkflowEnvironment;
  let sim: ItauSimulator;
  let registry: BankRegistry;
  const accountId = 'itau-pix-baixada';
  const taskQueue = uniqueId('tq');

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    sim = await startSim();
    const account: ItauAccount = { accountId, bank: 'ITAU', simulated: true, credentials: { kind: 'inline', credentials: credsOf(sim) }, adapter: adapterConfigOf(sim, { pixKey: PIX_KEY }) };
    registry = new BankRegistry([account]);
  }, 120_000);
  afterAll(async () => {
    await registry?.close();
    await sim?.close();
    await env?.teardown();
  });

  async function until(h: WorkflowHandle, status: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if ((await h.query(getBoletoQuery)).status === status) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`never reached ${status}`);
  }

  it('cents ,10 › no notification, the consulta shows "Baixada" with the Pix payment › the weekly poll moves it to PAID and SETTLED', async () => {
    const today = brtDate(await env.currentTimeMs());
    const input: StartBoletoInput = {
      boletoId: uniqueId('bol'),
      tenantId: 't1',
      accountId,
      bank: 'ITAU',
      requestFingerprint: 'fp',
      chooseNossoNumero: true,
      createdAt: new Date().toISOString(),
      codeVersion: BOLETO_CODE_VERSION,
      policy: policyFor('ITAU', { BOLETO_EXPIRE_AFTER_DAYS: 60, BOLETO_POLL_OPEN_EVERY_DAYS: 7, BOLETO_POLL_OVERDUE_EVERY_DAYS: 1, BOLETO_CLOSE_AFTER_DAYS: 7 } as never),
      request: {
        seuNumero: uniqueId('S').replace(/[^A-Z0-9]/gi, '').toUpperCase().slice(-10),
        kind: 'BOLECODE',
        amountCents: 30_010,
        issueDate: sim.clock.today(),
        dueDate: addDays(today, 20),
        payer: { name: 'Maria da Silva', document: '52998224725', address: { street: 'Rua A', number: '1', district: 'Centro', city: 'São Paulo', state: 'SP', zipCode: '01001000' } },
      },
    };
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      dataConverter: {},
      bankRegistry: registry,
      activityDeps: { notifications: { webhookFor: () => Promise.resolve(undefined) } },
    });
    const h = await env.client.workflow.start(boletoLifecycle, { taskQueue, workflowId: uniqueId('bol-pix'), args: [input] });
    await worker.runUntil(async () => {
      await until(h, 'REGISTERED');
      const nn = (await h.query(getBoletoQuery)).nossoNumero ?? '';
      const atBank = sim.bank.byNossoNumero('109', nn);
      expect(atBank).toMatchObject({ scenario: 'PIX_PAID_NO_NOTIFICATION', endpoint: 'pix_recebimentos_conciliacoes' });
      // At the bank: paid by Pix an hour later; written off ("Baixada") with the payment; no notification queued.
      await admin(sim, '/clock/advance', { hours: 2, stepMinutes: 30 });
      expect(atBank?.payment?.meio).toBe('pix');
      expect(sim.bank.situacao(atBank!)).toBe('Baixada');
      expect(sim.webhooks.snapshot().filter((d) => d.subject.startsWith(nn))).toEqual([]);
      await env.sleep('8 days');
      const v = await h.query(getBoletoQuery);
      expect(v).toMatchObject({ status: 'SETTLED', paid: true, settled: true, payment: { paidCents: 30_010 }, settlement: { settledCents: 30_010 } });
      // The Pix credit is the payment itself: settled at the payment time, not at the poll's.
      expect(v.settlement?.settledAt).toBe(v.payment?.paidAt);
      const events = await h.query(getEventsQuery);
      expect(events.map((e) => [e.kind, e.source])).toEqual([
        ['REGISTERED', 'bank-response'],
        ['PAID', 'bank-poll'],
        ['SETTLED', 'bank-poll'],
      ]);
      expect((await h.result()).status).toBe('SETTLED');
    });
  });
});
