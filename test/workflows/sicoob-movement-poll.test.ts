/**
 * The Sicoob movement poll's windows, on a real Temporal server with the worker's activities against the strict
 * simulator over mutual TLS (every exchange checked against Sicoob's OpenAPI): the bank slow to prepare a request →
 * the round waits on durable timers, gives the window up and leaves the cursor; the bank ready → the next round
 * catches up from the cursor to today in windows of at most `maxSpanDays`, and the cursor stops at yesterday;
 * continue-as-new carries the state; the module's account workflow starts it with signal-with-start, idempotently.
 * RECORD_HISTORIES=1 saves the last test's run (not ready → given up, ready → a file delivered, new options, 0 → the
 * end) as test/fixtures/histories/sicoob-movement-poll.json for the replay test: that run's worker and client have no
 * codec (replay reads payloads without one), the others encrypt as production does.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ensureAccountWorkflow, ensureAccountWorkflows } from '../../src/banks/account-workflows';
import { BankRegistry } from '../../src/banks/registry';
import { SICOOB_MODULE } from '../../src/banks/sicoob';
import type { SicoobAccount } from '../../src/banks/sicoob/account';
import type { SicoobAdapter } from '../../src/banks/sicoob/adapter';
import { sicoobMovementPollWorkflow } from '../../src/banks/sicoob/movement-activities';
import {
  type SicoobMovementPollOptions,
  sicoobMovementPollOptions,
  sicoobMovementPollStateQuery,
  sicoobMovementPollWorkflowId,
} from '../../src/banks/sicoob/movement-poll-contract';
import { SICOOB_SETTINGS } from '../../src/banks/sicoob/settings';
import { addDays, saoPauloDate } from '../../src/domain';
import type { SicoobSimulator } from '../../src/simulators/sicoob/server';
import { createWorker } from '../../src/worker';
import {
  type CheckedSicoobSimulator,
  sicoobAccountOf,
  sicoobBoletoRequest,
  startSicoobSim,
} from '../banks/sicoob/helpers';
import { eventually } from '../helpers/boleto-stack';
import { historyToFile } from '../helpers/histories';
import { codecClient, createDevEnv, testDataConverter, uniqueId } from '../helpers/temporal';

describe('sicoobMovementPoll › windows, give-up and catch-up (real Temporal, the simulator over mTLS)', () => {
  let env: TestWorkflowEnvironment;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;
  let checked: CheckedSicoobSimulator;
  let sim: SicoobSimulator;
  let account: SicoobAccount;
  let registry: BankRegistry;
  const taskQueue = uniqueId('tq-sicoob-mov');
  const today = saoPauloDate(Date.now());

  beforeAll(async () => {
    // The bank takes two minutes to prepare a request; its clock is frozen until the test moves it.
    checked = await startSicoobSim({ movementProcessingSeconds: 120 });
    sim = checked.sim;
    account = sicoobAccountOf(sim, uniqueId('sicoob-poll'));
    registry = new BankRegistry([account]);
    env = await createDevEnv();
    client = codecClient(env);
    worker = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      dataConverter: testDataConverter,
      bankRegistry: registry,
    });
    running = worker.run();
  }, 120_000);
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await registry?.close();
    await sim?.close();
    await env?.teardown();
  });

  const start = (accountId: string, options: SicoobMovementPollOptions) =>
    ensureAccountWorkflow(client, taskQueue, sicoobMovementPollWorkflow(accountId, options));
  const state = (accountId: string) =>
    client.workflow.getHandle(sicoobMovementPollWorkflowId(accountId)).query(sicoobMovementPollStateQuery);

  it('bank not ready › waits (204), gives the window up, cursor unchanged; bank ready › catches up in ≤ 1-day spans to today, cursor at yesterday; continue-as-new carries it', async () => {
    const id = account.accountId;
    await start(id, { intervalSeconds: 2, maxSpanDays: 1, waitSeconds: 6, lookbackDays: 4, roundsPerRun: 2 });
    const first = await eventually(
      () => state(id),
      (s) => s.rounds >= 1,
      30_000,
    );
    expect(first).toMatchObject({
      cursor: addDays(today, -4),
      lastGaveUp: { from: addDays(today, -4), to: addDays(today, -3), tipo: 5 },
    });
    expect(first.lastGaveUp!.why).toContain('not ready');
    const firstRun = (await client.workflow.getHandle(sicoobMovementPollWorkflowId(id)).describe()).runId;

    // The bank catches up: what was asked is ready, and from now on each request is ready at once.
    sim.clock.advance(121_000);
    sim.config.movementProcessingSeconds = 0;
    const caught = await eventually(
      () => state(id),
      (s) => s.rounds >= 2 && s.cursor === addDays(today, -1),
      60_000,
    );
    expect(caught.lastRoundAt).toBeDefined();
    expect(caught.lastGaveUp).toBeUndefined();
    const windows = new Set(sim.bank.movementRequests.map((r) => `${r.tipoMovimento} ${r.dataInicial} ${r.dataFinal}`));
    for (const [from, to] of [
      [addDays(today, -4), addDays(today, -3)],
      [addDays(today, -2), addDays(today, -1)],
      [today, today],
    ])
      for (const tipo of [5, 6]) expect(windows).toContain(`${tipo} ${from} ${to}`);
    for (const r of sim.bank.movementRequests)
      expect(addDays(r.dataInicial, 1) >= r.dataFinal && r.dataFinal <= today).toBe(true);
    // roundsPerRun 2: a new run, same state.
    const later = await eventually(
      () => client.workflow.getHandle(sicoobMovementPollWorkflowId(id)).describe(),
      (d) => d.runId !== firstRun,
      30_000,
    );
    expect(later.status.name).toBe('RUNNING');
    expect((await state(id)).cursor).toBe(addDays(today, -1));
  }, 120_000);

  it('the module’s account workflow › started once (signal-with-start twice: one execution); 0 minutes › the poll ends', async () => {
    sim.config.movementProcessingSeconds = 0;
    const other: SicoobAccount = { ...account, accountId: uniqueId('sicoob-hook') };
    registry.put(other);
    const settings = {
      ...z.object(SICOOB_SETTINGS.shape).parse({ SICOOB_MOVEMENT_POLL_MINUTES: '60' }),
      DATA_DIR: '.data',
      SIM_HOST: '127.0.0.1',
    };
    const wfs = SICOOB_MODULE.accountWorkflows(other, settings);
    expect(wfs.map((w) => w.workflowId)).toEqual([`sicoob-movements-${other.accountId}`]);
    expect(await ensureAccountWorkflows(client, taskQueue, wfs)).toMatchObject({ failed: [] });
    const runId = (await client.workflow.getHandle(wfs[0]!.workflowId).describe()).runId;
    await ensureAccountWorkflows(client, taskQueue, wfs);
    expect((await client.workflow.getHandle(wfs[0]!.workflowId).describe()).runId).toBe(runId);
    // Turned off: the options signal ends it.
    const off = SICOOB_MODULE.accountWorkflows(other, { ...settings, SICOOB_MOVEMENT_POLL_MINUTES: 0 });
    await ensureAccountWorkflows(client, taskQueue, off);
    await client.workflow.getHandle(wfs[0]!.workflowId).result();
    expect((await client.workflow.getHandle(wfs[0]!.workflowId).describe()).status.name).toBe('COMPLETED');
  }, 60_000);

  it('a run for the replay test › not ready → window given up; ready → the settled boleto’s file delivered; new options by signal; 0 → COMPLETED', async () => {
    // Its own worker and client without a codec: the recorded history must be readable by the replay test.
    const plainQueue = uniqueId('tq-sicoob-mov-plain');
    const plain = await createWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: plainQueue,
      dataConverter: {},
      bankRegistry: registry,
    });
    const rec: SicoobAccount = { ...account, accountId: uniqueId('sicoob-rec') };
    registry.put(rec);
    sim.config.movementProcessingSeconds = 120;
    const options: SicoobMovementPollOptions = { intervalSeconds: 3, maxSpanDays: 1, waitSeconds: 6, lookbackDays: 1 };
    const wfId = sicoobMovementPollWorkflowId(rec.accountId);
    const h = env.client.workflow.getHandle(wfId);
    const recState = () => h.query(sicoobMovementPollStateQuery);
    await plain.runUntil(async () => {
      await ensureAccountWorkflow(env.client, plainQueue, sicoobMovementPollWorkflow(rec.accountId, options));
      const gaveUp = await eventually(recState, (s) => s.rounds >= 1, 30_000);
      expect(gaveUp).toMatchObject({ cursor: addDays(today, -1), lastGaveUp: { tipo: 5 } });
      expect(gaveUp.lastGaveUp!.why).toContain('not ready');

      // A boleto settled at the bank today: a LIQUI record in the window's tipo 5 file (not a boletoflow boleto).
      const b = await (registry.adapter(rec.accountId) as SicoobAdapter).register(sicoobBoletoRequest(sim));
      sim.bank.settle(sim.bank.boletos.get(b.nossoNumero)!, sim.clock.now());
      sim.clock.advance(121_000);
      sim.config.movementProcessingSeconds = 0;
      const delivered = await eventually(recState, (s) => s.rounds >= 2, 30_000);
      expect(delivered.lastGaveUp).toBeUndefined();
      expect(delivered.cursor).toBe(addDays(today, -1));

      // New options wake the poll for a round now; then 0 ends it.
      await h.signal(sicoobMovementPollOptions, { ...options, intervalSeconds: 3600 });
      await eventually(recState, (s) => s.rounds >= 3, 30_000);
      await h.signal(sicoobMovementPollOptions, { ...options, intervalSeconds: 0 });
      await h.result();
    });
    expect((await h.describe()).status.name).toBe('COMPLETED');
    const hist = await h.fetchHistory();
    const activities = hist
      .events!.filter((e) => e.activityTaskScheduledEventAttributes)
      .map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name);
    expect(activities).toContain('sicoobDeliverMovementFile');
    expect(hist.events!.some((e) => e.timerStartedEventAttributes)).toBe(true);
    if (process.env.RECORD_HISTORIES === '1')
      writeFileSync(join(__dirname, '../fixtures/histories/sicoob-movement-poll.json'), historyToFile(hist));
  }, 120_000);

  it('an account no longer known (onboarding cancelled, out of the environment) › the poll ends itself', async () => {
    const gone = uniqueId('sicoob-gone');
    await start(gone, { intervalSeconds: 2, maxSpanDays: 2, waitSeconds: 6, lookbackDays: 1 });
    const handle = client.workflow.getHandle(sicoobMovementPollWorkflowId(gone));
    await handle.result();
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  }, 60_000);

  it('every exchange with the simulator › valid for Sicoob’s OpenAPI', () => {
    expect(checked.problems).toEqual([]);
  });
});
