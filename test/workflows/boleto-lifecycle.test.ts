/**
 * The lifecycle across days and weeks, on the time-skipping test server (months pass in seconds) with the real
 * BS2 simulator over HTTP: polling finds a payment whose webhook never comes, and an unpaid boleto is written
 * off at due date + 60 days, and webhooks that change nothing cost no timer. RECORD_HISTORIES=1 saves the runs'
 * histories for the replay test (test/fixtures/histories; files named *.v1.json are from code version 1).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Bs2Account } from '../../src/banks/accounts';
import type { BankEvent, BankEventKind } from '../../src/banks/model';
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
import { bankEventSignal, getBoletoQuery, getEventsQuery, type StartBoletoInput } from '../../src/workflows/boleto-messages';
import { BOLETO_CODE_VERSION } from '../../src/workflows/patches';
import { brtDate, brtInstant } from '../../src/workflows/boleto-schedule';
import { historyToFile } from '../helpers/histories';
import { createTimeSkippingEnv, uniqueId } from '../helpers/temporal';

const HISTORIES = join(__dirname, '../fixtures/histories');

describe('boleto lifecycle over weeks (time-skipping server + BS2 simulator)', () => {
  let env: TestWorkflowEnvironment;
  let sim: Bs2Simulator;
  let newWorker: () => Promise<Worker>;
  let registry: BankRegistry;
  const accountId = 'bs2-lifecycle';
  const taskQueue = uniqueId('tq');
  let today: string;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    today = brtDate(await env.currentTimeMs());
    // The bank's clock jumps weeks here; BS2 refresh tokens die after 48 h unused (the keeper refreshes every
    // 20 h in production), so this bank keeps them for a year.
    sim = await createBs2Simulator({
      port: 0,
      clock: new SimClock({ start: new Date(await env.currentTimeMs()).toISOString(), frozen: true }),
      config: { refreshTokenTtlHours: 24 * 365 },
    });
    const a = sim.config.app;
    const account: Bs2Account = {
      accountId,
      bank: 'BS2',
      simulated: true,
      credentials: { apiKey: a.apiKey, apiSecret: a.apiSecret, scope: a.scope, initialRefreshToken: a.refreshToken },
      adapter: bs2AdapterConfig({ baseUrl: sim.url, timeoutMs: 2_000 }),
    };
    registry = new BankRegistry([account]);
    // Months of workflow time would make the token keeper refresh every 20 h against a bank whose clock
    // stands still (rate limit); the keeper has its own tests, here one in-process token source is enough.
    const tokens = new InMemoryBs2TokenSource(new Bs2Http(account.adapter), account.credentials, () => sim.clock.now());
    // A Worker runs once: each test gets its own (same bundle options, same bank).
    newWorker = () => createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      dataConverter: {},
      bankRegistry: registry,
      activityDeps: { bs2TokenSource: () => tokens, notifications: { webhookFor: () => Promise.resolve(undefined) } },
    });
  }, 120_000);
  afterAll(async () => {
    await registry?.close();
    await sim?.close();
    await env?.teardown();
  });

  /**
   * "Today" is the server's (earlier tests skip it forward, sometimes by years once their workflows are done).
   * The bank's clock is left alone: it never runs backwards, and a jump of years would expire its tokens;
   * due dates after the server's today are in the bank's future either way.
   */
  async function syncClocks(): Promise<void> {
    today = brtDate(await env.currentTimeMs());
  }

  const input = (amountCents: number, dueDate: string): StartBoletoInput => ({
    boletoId: uniqueId('bol'),
    tenantId: 't1',
    accountId,
    bank: 'BS2',
    requestFingerprint: 'fp',
    chooseNossoNumero: false,
    createdAt: new Date().toISOString(),
    codeVersion: BOLETO_CODE_VERSION,
    policy: policyFor('BS2', { BOLETO_EXPIRE_AFTER_DAYS: 60, BOLETO_POLL_OPEN_EVERY_DAYS: 7, BOLETO_POLL_OVERDUE_EVERY_DAYS: 7, BOLETO_CLOSE_AFTER_DAYS: 7 } as never),
    request: {
      seuNumero: uniqueId('S').replace(/[^A-Z0-9]/gi, '').toUpperCase().slice(-10),
      kind: 'BOLETO',
      amountCents,
      issueDate: today,
      dueDate,
      payer: { name: 'Maria da Silva', document: '52998224725', address: { street: 'Rua A', number: '1', district: 'Centro', city: 'São Paulo', state: 'SP', zipCode: '01001000' } },
    },
  });

  async function until(h: WorkflowHandle, status: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if ((await h.query(getBoletoQuery)).status === status) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`never reached ${status}`);
  }

  function record(name: string, h: WorkflowHandle) {
    if (process.env.RECORD_HISTORIES !== '1') return Promise.resolve();
    return h.fetchHistory().then((hist) => writeFileSync(join(HISTORIES, `${name}.json`), historyToFile(hist)));
  }

  it('webhook never sent (,05) › polling finds the payment and then the settlement › PAID, then SETTLED', async () => {
    await syncClocks();
    const due = addDays(today, 10);
    const wallStart = Date.now();
    const h = await env.client.workflow.start(boletoLifecycle, { taskQueue, workflowId: uniqueId('bol-poll'), args: [input(25_005, due)] });
    const worker = await newWorker();
    await worker.runUntil(async () => {
      await until(h, 'REGISTERED');
      const b = sim.bank.boletos.values().find((x) => x.valorCents === 25_005)!;
      // At the bank: paid on the due date (the ,05 scenario sends no webhook), settled two business days later.
      sim.clock.set(brtInstant(due, 11));
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
    const h = await env.client.workflow.start(boletoLifecycle, { taskQueue, workflowId: uniqueId('bol-dups'), args: [input(40_000, due)] });
    const worker = await newWorker();
    await worker.runUntil(async () => {
      await until(h, 'REGISTERED');
      const at = new Date(brtInstant(today, 10)).toISOString();
      const fact = (kind: BankEventKind, n: number, extra: Partial<BankEvent> = {}): BankEvent => ({ bank: 'BS2', kind, eventId: `bs2:n-${n}:${kind}`, occurredAt: at, source: 'webhook', ...extra });
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
    const h = await env.client.workflow.start(boletoLifecycle, { taskQueue, workflowId: uniqueId('bol-expire'), args: [input(30_000, due)] });
    const worker = await newWorker();
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
    const calls = (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityType?.name ? [e.activityTaskScheduledEventAttributes.activityType.name] : []));
    expect(calls.filter((c) => c === 'bankCancelBoleto')).toHaveLength(1);
    // Registration runs as a local activity (a marker, not a scheduled task): check the bank instead.
    expect(sim.bank.boletos.values().filter((x) => x.valorCents === 30_000)).toHaveLength(1);
    const atBank = sim.bank.boletos.values().find((x) => x.valorCents === 30_000)!;
    expect(atBank.cancelledAt).toBeDefined();
    // Written off on the day after due + 60 (São Paulo), not before.
    const described = await h.describe();
    expect(brtDate(described.closeTime!.getTime())).toBe(addDays(addDays(due, 61), 7));
    await record('bs2-expired-d60', h);
  });
});
