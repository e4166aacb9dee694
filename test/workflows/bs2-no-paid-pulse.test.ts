/**
 * BS2's "no paid pulse" (seed 004 FAQ: a payment at Inter, Caixa, Banestes or Banco do Brasil sends BS2 no Status 2)
 * with no webhook at all reaching us: the lifecycle's own polls, on the time-skipping server against the BS2
 * simulator over HTTP, see nothing until the bank settles, then PAID and SETTLED together, and the boleto ends
 * SETTLED. (The webhook path is test/api/bs2-fidelity.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { addDays, saoPauloDate, saoPauloInstant } from '../../src/domain';
import type { Bs2Simulator } from '../../src/simulators/bs2/server';
import { boletoLifecycle } from '../../src/workflows/boleto-lifecycle';
import { getBoletoQuery, getEventsQuery } from '../../src/contracts/boleto';
import { type LifecycleBench, startBs2Lifecycle, until } from '../helpers/lifecycle';
import { uniqueId } from '../helpers/temporal';

describe('BS2 no paid pulse, found by polling (time-skipping server + BS2 simulator)', () => {
  let bench: LifecycleBench<Bs2Simulator>;
  let env: TestWorkflowEnvironment;
  let sim: Bs2Simulator;
  const accountId = 'bs2-no-pulse';
  const taskQueue = uniqueId('tq');

  beforeAll(async () => {
    // No webhook target: only the workflow's polls can learn anything. Tokens kept for a year (days pass here).
    bench = await startBs2Lifecycle({ accountId, taskQueue });
    ({ env, sim } = bench);
  }, 120_000);
  afterAll(async () => {
    await bench?.close();
  });

  it(',09 paid on the due date, BS2 unaware until settlement › polls find no payment (we go OVERDUE), then status 4 with valorLiquidado › SETTLED, PAID and SETTLED from the poll', async () => {
    const today = saoPauloDate(await env.currentTimeMs());
    const due = addDays(today, 10);
    const worker = await bench.newWorker();
    const input = bench.input({ kind: 'BOLETO', amountCents: 31_009, issueDate: today, dueDate: due });
    const h = await env.client.workflow.start(boletoLifecycle, {
      taskQueue,
      workflowId: uniqueId('bol-nopulse'),
      args: [input],
    });
    await worker.runUntil(async () => {
      await until(h, 'REGISTERED');
      const b = sim.bank.boletos.values().find((x) => x.valorCents === 31_009)!;
      expect(b.scenario).toBe('NO_PAID_PULSE');
      // The payer pays on the due date at a bank that tells BS2 nothing.
      sim.clock.set(saoPauloInstant(due, 11));
      await sim.tick();
      expect(b.paidAt).toBeDefined();
      await env.sleep('12 days'); // past the due date, several overdue polls
      const meanwhile = await h.query(getBoletoQuery);
      expect(meanwhile).toMatchObject({ status: 'OVERDUE', paid: false });
      sim.clock.set(b.settleDueAt! + 60_000);
      await sim.tick();
      expect(b.history.map((x) => x.status)).toEqual([1, 3]);
      await env.sleep('3 days');
      expect(await h.query(getBoletoQuery)).toMatchObject({
        status: 'SETTLED',
        paid: true,
        settled: true,
        payment: { paidCents: 31_009 },
        settlement: { settledCents: 31_009 },
      });
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
