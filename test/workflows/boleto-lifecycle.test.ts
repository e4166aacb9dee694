/**
 * The lifecycle across days and weeks, on the time-skipping test server (months pass in seconds) with the real
 * BS2 simulator over HTTP: polling finds a payment whose webhook never comes, and an unpaid boleto is written
 * off at due date + 60 days, and webhooks that change nothing cost no timer. RECORD_HISTORIES=1 saves the runs'
 * histories for the replay test (test/fixtures/histories; files named *.v1.json are from code version 1).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { BankEvent, BankEventKind } from '../../src/contracts/bank';
import { addDays, saoPauloDate, saoPauloInstant } from '../../src/domain';
import type { Bs2Simulator } from '../../src/simulators/bs2/server';
import { boletoLifecycle } from '../../src/workflows/boleto-lifecycle';
import {
  bankEventSignal,
  cancelUpdate,
  changeDueDateUpdate,
  getBoletoQuery,
  getDeliveriesQuery,
  getEventsQuery,
  resendDeliveryUpdate,
  type StartBoletoInput,
} from '../../src/contracts/boleto';
import { eventually } from '../helpers/boleto-stack';
import { historyToFile } from '../helpers/histories';
import { type LifecycleBench, startBs2Lifecycle, until } from '../helpers/lifecycle';
import { uniqueId } from '../helpers/temporal';

const HISTORIES = join(__dirname, '../fixtures/histories');

describe('boleto lifecycle over weeks (time-skipping server + BS2 simulator)', () => {
  let bench: LifecycleBench<Bs2Simulator>;
  let env: TestWorkflowEnvironment;
  let sim: Bs2Simulator;
  const accountId = 'bs2-lifecycle';
  const taskQueue = uniqueId('tq');
  let today: string;

  beforeAll(async () => {
    // The bank's clock jumps weeks here: it keeps BS2 refresh tokens for a year, one in-process token source
    // (test/helpers/lifecycle.ts). A Worker runs once: each test gets its own (bench.newWorker, same bank).
    bench = await startBs2Lifecycle({ accountId, taskQueue });
    ({ env, sim } = bench);
    today = saoPauloDate(await env.currentTimeMs());
  }, 120_000);
  afterAll(async () => {
    await bench?.close();
  });

  /**
   * "Today" is the server's (earlier tests skip it forward, sometimes by years once their workflows are done).
   * The bank's clock is left alone: it never runs backwards, and a jump of years would expire its tokens;
   * due dates after the server's today are in the bank's future either way.
   */
  async function syncClocks(): Promise<void> {
    today = saoPauloDate(await env.currentTimeMs());
  }

  const input = (amountCents: number, dueDate: string): StartBoletoInput =>
    bench.input({ kind: 'BOLETO', amountCents, issueDate: today, dueDate, pollOverdueEveryDays: 7 });

  function record(name: string, h: WorkflowHandle) {
    if (process.env.RECORD_HISTORIES !== '1') return Promise.resolve();
    return h.fetchHistory().then((hist) => writeFileSync(join(HISTORIES, `${name}.json`), historyToFile(hist)));
  }

  it('webhook never sent (,05) › polling finds the payment and then the settlement › PAID, then SETTLED', async () => {
    await syncClocks();
    const due = addDays(today, 10);
    const wallStart = Date.now();
    const h = await env.client.workflow.start(boletoLifecycle, {
      taskQueue,
      workflowId: uniqueId('bol-poll'),
      args: [input(25_005, due)],
    });
    const worker = await bench.newWorker();
    await worker.runUntil(async () => {
      await until(h, 'REGISTERED');
      const b = sim.bank.boletos.values().find((x) => x.valorCents === 25_005)!;
      // At the bank: paid on the due date (the ,05 scenario sends no webhook), settled two business days later.
      sim.clock.set(saoPauloInstant(due, 11));
      await sim.tick();
      expect(b.paidAt).toBeDefined();
      await env.sleep('14 days');
      expect(await h.query(getBoletoQuery)).toMatchObject({ status: 'PAID', paid: true, settled: false });
      sim.clock.set(b.settleDueAt! + 60_000);
      await sim.tick();
      await env.sleep('5 days');
      const v = await h.query(getBoletoQuery);
      expect(v).toMatchObject({ status: 'SETTLED', paid: true, settled: true, settlement: { settledCents: 25_005 } });
      const events = await h.query(getEventsQuery);
      expect(events.map((e) => [e.kind, e.source])).toEqual([
        ['REGISTERED', 'bank-response'],
        ['PAID', 'bank-poll'],
        ['SETTLED', 'bank-poll'],
      ]);
      expect((await h.result()).status).toBe('SETTLED');
    });
    expect(Date.now() - wallStart).toBeLessThan(30_000);
    await record('bs2-paid-by-polling', h);
  });

  it('duplicate and late webhooks › change nothing and keep the wake-up timer: one timer per status, none restarted', async () => {
    await syncClocks();
    const due = addDays(today, 12);
    const h = await env.client.workflow.start(boletoLifecycle, {
      taskQueue,
      workflowId: uniqueId('bol-dups'),
      args: [input(40_000, due)],
    });
    const worker = await bench.newWorker();
    await worker.runUntil(async () => {
      await until(h, 'REGISTERED');
      const at = new Date(saoPauloInstant(today, 10)).toISOString();
      const fact = (kind: BankEventKind, n: number, extra: Partial<BankEvent> = {}): BankEvent => ({
        bank: 'BS2',
        kind,
        eventId: `bs2:n-${n}:${kind}`,
        occurredAt: at,
        source: 'webhook',
        ...extra,
      });
      const registered = fact('REGISTERED', 0);
      const paid = fact('PAID', 1, { paidCents: 40_000 });
      const settled = fact('SETTLED', 2, { settledCents: 39_800 });
      const send = (events: BankEvent[]) => h.signal(bankEventSignal, { events, verified: true, receivedAt: at });
      await send([registered]); // a late "registered": ignored
      await send([paid]);
      await until(h, 'PAID');
      await send([paid]); // duplicate
      await send([registered, paid]); // late and duplicate
      await send([settled]);
      await until(h, 'SETTLED');
      await send([paid, settled]); // after the end: still nothing
      const events = await h.query(getEventsQuery);
      expect(events.map((e) => e.kind)).toEqual(['REGISTERED', 'PAID', 'SETTLED']);
      expect((await h.result()).status).toBe('SETTLED'); // deliveries done, nothing left running for the next test
    });
    const history = await h.fetchHistory();
    const timers = (history.events ?? []).filter((e) => e.timerStartedEventAttributes).length;
    const cancels = (history.events ?? []).filter((e) => e.timerCanceledEventAttributes).length;
    const signals = (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes).length;
    expect(signals).toBe(6);
    // Registered: the overdue check; paid: the settlement poll; settled: the close-out wait. Nothing else.
    expect(timers).toBe(3);
    expect(cancels).toBe(2);
    await record('bs2-duplicate-webhooks', h);
  });

  it('never paid › due date + 60 days › baixa sent to the bank and confirmed: EXPIRED with the reason', async () => {
    await syncClocks();
    const due = addDays(today, 5);
    const h = await env.client.workflow.start(boletoLifecycle, {
      taskQueue,
      workflowId: uniqueId('bol-expire'),
      args: [input(30_000, due)],
    });
    const worker = await bench.newWorker();
    const view = await worker.runUntil(h.result());
    expect(view.rejection ?? view.status).toBe('EXPIRED');
    expect(view.cancellation?.reason).toContain('written off after the payment window');
    // The statuses it went through, from the search-attribute upserts recorded in history (the test server
    // answers no queries once a workflow is closed).
    const history = await h.fetchHistory();
    const statuses = (history.events ?? []).flatMap((e) => {
      const f = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.BoletoStatus;
      return f ? [defaultPayloadConverter.fromPayload<string>(f)] : [];
    });
    expect(statuses).toEqual(['REGISTERED', 'OVERDUE', 'EXPIRED']);
    const calls = (history.events ?? []).flatMap((e) =>
      e.activityTaskScheduledEventAttributes?.activityType?.name
        ? [e.activityTaskScheduledEventAttributes.activityType.name]
        : [],
    );
    expect(calls.filter((c) => c === 'bankCancelBoleto')).toHaveLength(1);
    // Registration runs as a local activity (a marker, not a scheduled task): check the bank instead.
    expect(sim.bank.boletos.values().filter((x) => x.valorCents === 30_000)).toHaveLength(1);
    const atBank = sim.bank.boletos.values().find((x) => x.valorCents === 30_000)!;
    expect(atBank.cancelledAt).toBeDefined();
    // Written off on the day after due + 60 (São Paulo), not before.
    const described = await h.describe();
    expect(saoPauloDate(described.closeTime!.getTime())).toBe(addDays(addDays(due, 61), 7));
    await record('bs2-expired-d60', h);
  });

  it('updates › a refused and an accepted due-date change, a resend, a cancel › each answered, and the run ends CANCELLED', async () => {
    await syncClocks();
    const due = addDays(today, 10);
    const h = await env.client.workflow.start(boletoLifecycle, {
      taskQueue,
      workflowId: uniqueId('bol-updates'),
      args: [input(35_000, due)],
    });
    const worker = await bench.newWorker();
    const view = await worker.runUntil(async () => {
      await until(h, 'REGISTERED');
      // Refused by its validator (not in history): the type says why, whatever the words.
      const refused = await h
        .executeUpdate(changeDueDateUpdate, { args: [{ dueDate: today, requestedAt: new Date().toISOString() }] })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(((refused as WorkflowUpdateFailedError).cause as { type?: string }).type).toBe('InvalidUpdate');
      const moved = await h.executeUpdate(changeDueDateUpdate, {
        args: [{ dueDate: addDays(due, 5), requestedAt: new Date().toISOString() }],
      });
      expect(moved.dueDate).toBe(addDays(due, 5));
      await eventually(
        () => h.query(getDeliveriesQuery),
        (ds) => ds.length > 0 && ds.every((d) => d.status !== 'PENDING'),
      );
      const [first] = await h.query(getDeliveriesQuery);
      expect(
        (await h.executeUpdate(resendDeliveryUpdate, { args: [{ deliveryId: first!.deliveryId }] })).deliveryId,
      ).toBe(first!.deliveryId);
      await eventually(
        () => h.query(getDeliveriesQuery),
        (ds) => ds.length > 0 && ds.every((d) => d.status !== 'PENDING'),
      );
      const cancelled = await h.executeUpdate(cancelUpdate, {
        args: [{ reason: 'pedido cancelado', requestedAt: new Date().toISOString() }],
      });
      expect(['CANCELLING', 'CANCELLED']).toContain(cancelled.status);
      return h.result();
    });
    expect(view.status).toBe('CANCELLED');
    expect(view.dueDate).toBe(addDays(due, 5));
    const atBank = sim.bank.boletos.values().find((x) => x.valorCents === 35_000)!;
    expect(atBank.cancelledAt).toBeDefined();
    await record('bs2-updates-due-date-resend-cancel', h);
  });
});
