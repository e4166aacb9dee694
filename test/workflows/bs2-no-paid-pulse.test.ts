/**
 * BS2's "no paid pulse" (seed 004 FAQ: a payment at Inter, Caixa, Banestes or Banco do Brasil sends BS2 no Status 2)
 * with no webhook at all reaching us: the lifecycle's own polls, on the time-skipping server against the BS2
 * simulator over HTTP, see nothing until the bank settles, then PAID and SETTLED together, and the boleto ends
 * SETTLED. (The webhook path is test/api/bs2-fidelity.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Bs2Account } from '../../src/banks/accounts';
import { bs2AdapterConfig } from '../../src/banks/bs2/config';
import { Bs2Http } from '../../src/banks/bs2/client';
import { InMemoryBs2TokenSource } from '../../src/banks/bs2/tokens';
import { BankRegistry } from '../../src/banks/registry';
import { policyFor } from '../../src/boletos/directory';
import { addDays } from '../../src/domain';
import { createBs2Simulator, type Bs2Simulator } from '../../src/simulators/bs2/server';
import { SimClock } from '../../src/simulators/shared/clock';
import { createWorker } from '../../src/worker';
import { boletoLifecycle } from '../../src/workflows/boleto-lifecycle';
import { getBoletoQuery, getEventsQuery, type StartBoletoInput } from '../../src/workflows/boleto-messages';
import { BOLETO_CODE_VERSION } from '../../src/workflows/patches';
import { brtDate, brtInstant } from '../../src/workflows/boleto-schedule';
import { createTimeSkippingEnv, uniqueId } from '../helpers/temporal';

describe('BS2 no paid pulse, found by polling (time-skipping server + BS2 simulator)', () => {
  let env: TestWorkflowEnvironment;
  let sim: Bs2Simulator;
  let registry: BankRegistry;
  const accountId = 'bs2-no-pulse';
  const taskQueue = uniqueId('tq');

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    // No webhook target: only the workflow's polls can learn anything. Tokens kept for a year (days pass here).
    sim = await createBs2Simulator({ port: 0, clock: new SimClock({ start: new Date(await env.currentTimeMs()).toISOString(), frozen: true }), config: { refreshTokenTtlHours: 24 * 365 } });
    const a = sim.config.app;
    const account: Bs2Account = {
      accountId,
      bank: 'BS2',
      simulated: true,
      credentials: { apiKey: a.apiKey, apiSecret: a.apiSecret, scope: a.scope, initialRefreshToken: a.refreshToken },
      adapter: bs2AdapterConfig({ baseUrl: sim.url, timeoutMs: 2_000 }),
    };
    registry = new BankRegistry([account]);
  }, 120_000);
  afterAll(async () => {
    await registry?.close();
    await sim?.close();
    await env?.teardown();
  });

  it(',09 paid on the due date, BS2 unaware until settlement › polls find no payment (we go OVERDUE), then status 4 with valorLiquidado › SETTLED, PAID and SETTLED from the poll', async () => {
    const today = brtDate(await env.currentTimeMs());
    const due = addDays(today, 10);
    const tokens = new InMemoryBs2TokenSource(new Bs2Http(bs2AdapterConfig({ baseUrl: sim.url, timeoutMs: 2_000 })), credsOf(sim), () => sim.clock.now());
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      dataConverter: {},
      bankRegistry: registry,
      activityDeps: { bs2TokenSource: () => tokens, notifications: { webhookFor: () => Promise.resolve(undefined) } },
    });
    const input: StartBoletoInput = {
      boletoId: uniqueId('bol'),
      tenantId: 't1',
      accountId,
      bank: 'BS2',
      requestFingerprint: 'fp',
      chooseNossoNumero: false,
      createdAt: new Date().toISOString(),
      codeVersion: BOLETO_CODE_VERSION,
      policy: policyFor('BS2', { BOLETO_EXPIRE_AFTER_DAYS: 60, BOLETO_POLL_OPEN_EVERY_DAYS: 7, BOLETO_POLL_OVERDUE_EVERY_DAYS: 1, BOLETO_CLOSE_AFTER_DAYS: 7 } as never),
      request: {
        seuNumero: uniqueId('S').replace(/[^A-Z0-9]/gi, '').toUpperCase().slice(-10),
        kind: 'BOLETO',
        amountCents: 31_009,
        issueDate: today,
        dueDate: due,
        payer: { name: 'Maria da Silva', document: '52998224725', address: { street: 'Rua A', number: '1', district: 'Centro', city: 'São Paulo', state: 'SP', zipCode: '01001000' } },
      },
    };
    const h = await env.client.workflow.start(boletoLifecycle, { taskQueue, workflowId: uniqueId('bol-nopulse'), args: [input] });
    await worker.runUntil(async () => {
      for (let i = 0; i < 200 && (await h.query(getBoletoQuery)).status !== 'REGISTERED'; i++) await new Promise((r) => setTimeout(r, 50));
      const b = sim.bank.boletos.values().find((x) => x.valorCents === 31_009)!;
      expect(b.scenario).toBe('NO_PAID_PULSE');
      // The payer pays on the due date at a bank that tells BS2 nothing.
      sim.clock.set(brtInstant(due, 11));
      await sim.tick();
      expect(b.paidAt).toBeDefined();
      await env.sleep('12 days'); // past the due date, several overdue polls
      const meanwhile = await h.query(getBoletoQuery);
      expect(meanwhile).toMatchObject({ status: 'OVERDUE', paid: false });
      sim.clock.set(b.settleDueAt! + 60_000);
      await sim.tick();
      expect(b.history.map((x) => x.status)).toEqual([1, 3]);
      await env.sleep('3 days');
      expect(await h.query(getBoletoQuery)).toMatchObject({ status: 'SETTLED', paid: true, settled: true, payment: { paidCents: 31_009 }, settlement: { settledCents: 31_009 } });
      const events = await h.query(getEventsQuery);
      expect(events.map((e) => [e.kind, e.source])).toEqual([
        ['REGISTERED', 'bank-response'],
        ['OVERDUE', 'timer'],
        ['PAID', 'bank-poll'],
        ['SETTLED', 'bank-poll'],
      ]);
      // The payment's own time (the bank reports it once it knows), not the time we learnt of it.
      expect(Date.parse(events[2]!.at)).toBe(b.paidAt);
      expect((await h.result()).status).toBe('SETTLED');
    });
  });
});

function credsOf(sim: Bs2Simulator) {
  const a = sim.config.app;
  return { apiKey: a.apiKey, apiSecret: a.apiSecret, scope: a.scope, initialRefreshToken: a.refreshToken };
}
