/**
 * The boleto lifecycle workflow on the time-skipping test server (days and weeks pass in seconds) against a real bank
 * simulator over HTTP: the server, the simulator, a bank registry with its one account, a worker per test (a Worker
 * runs once) and the workflow's input. No records store and no tenant notifications.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { BankCode } from '../../src/contracts/bank';
import { Bs2Http } from '../../src/banks/bs2/client';
import { InMemoryBs2TokenSource } from '../../src/banks/bs2/tokens';
import { BankRegistry } from '../../src/banks/registry';
import { policyFor } from '../../src/boletos/directory';
import type { IsoDate } from '../../src/domain';
import { createBs2Simulator, type Bs2Simulator } from '../../src/simulators/bs2/server';
import type { ItauSimulator } from '../../src/simulators/itau/server';
import { SimClock } from '../../src/simulators/shared/clock';
import { createWorker, type CreateWorkerOptions } from '../../src/worker';
import { getBoletoQuery, type StartBoletoInput } from '../../src/contracts/boleto';
import { BOLETO_CODE_VERSION } from '../../src/workflows/patches';
import { accountOf as bs2AccountOf } from '../banks/bs2/helpers';
import { accountOf as itauAccountOf, startSim as startItauSim } from '../banks/itau/helpers';
import { createTimeSkippingEnv, uniqueId } from './temporal';
import { TEST_PAYER } from './payer';

export interface LifecycleBench<S> {
  env: TestWorkflowEnvironment;
  sim: S;
  registry: BankRegistry;
  /** A new worker on the bench's task queue, bank and activities (call it once per test). */
  newWorker(): Promise<Worker>;
  /** The lifecycle's start input for a boleto of the bench's account, paid by Maria da Silva. */
  input(o: {
    kind: 'BOLETO' | 'BOLECODE';
    amountCents: number;
    issueDate: IsoDate;
    dueDate: IsoDate;
    /** default 1 */ pollOverdueEveryDays?: number;
  }): StartBoletoInput;
  close(): Promise<void>;
}

type ActivityDeps = NonNullable<CreateWorkerOptions['activityDeps']>;

function bench<S extends { close(): Promise<void> }>(
  env: TestWorkflowEnvironment,
  sim: S,
  registry: BankRegistry,
  o: { accountId: string; bank: BankCode; taskQueue: string; activityDeps: ActivityDeps },
): LifecycleBench<S> {
  return {
    env,
    sim,
    registry,
    newWorker: () =>
      createWorker({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue: o.taskQueue,
        dataConverter: {},
        bankRegistry: registry,
        activityDeps: { ...o.activityDeps, notifications: { webhookFor: () => Promise.resolve(undefined) } },
      }),
    input: (i) => ({
      boletoId: uniqueId('bol'),
      tenantId: 't1',
      accountId: o.accountId,
      bank: o.bank,
      requestFingerprint: 'fp',
      chooseNossoNumero: o.bank === 'ITAU',
      createdAt: new Date().toISOString(),
      codeVersion: BOLETO_CODE_VERSION,
      policy: policyFor(o.bank, {
        BOLETO_EXPIRE_AFTER_DAYS: 60,
        BOLETO_POLL_OPEN_EVERY_DAYS: 7,
        BOLETO_POLL_OVERDUE_EVERY_DAYS: i.pollOverdueEveryDays ?? 1,
        BOLETO_CLOSE_AFTER_DAYS: 7,
      } as never),
      request: {
        seuNumero: uniqueId('S')
          .replace(/[^A-Z0-9]/gi, '')
          .toUpperCase()
          .slice(-10),
        kind: i.kind,
        amountCents: i.amountCents,
        issueDate: i.issueDate,
        dueDate: i.dueDate,
        payer: TEST_PAYER,
      },
    }),
    async close() {
      await registry.close();
      await sim.close();
      await env.teardown();
    },
  };
}

/**
 * On the BS2 simulator (clock frozen at the server's start). The bank's clock jumps weeks here; BS2 refresh tokens
 * die after 48 h unused (the keeper refreshes every 20 h in production), so this bank keeps them for a year. Months
 * of workflow time would make the token keeper refresh every 20 h against a bank whose clock stands still (rate
 * limit); the keeper has its own tests, here one in-process token source is enough.
 */
export async function startBs2Lifecycle(o: {
  accountId: string;
  taskQueue: string;
}): Promise<LifecycleBench<Bs2Simulator>> {
  const env = await createTimeSkippingEnv();
  const sim = await createBs2Simulator({
    port: 0,
    clock: new SimClock({ start: new Date(await env.currentTimeMs()).toISOString(), frozen: true }),
    config: { refreshTokenTtlHours: 24 * 365 },
  });
  const account = bs2AccountOf(sim, o.accountId, 2_000);
  const tokens = new InMemoryBs2TokenSource(new Bs2Http(account.adapter), account.credentials, () => sim.clock.now());
  return bench(env, sim, new BankRegistry([account]), {
    ...o,
    bank: 'BS2',
    activityDeps: { tokenSource: () => tokens },
  });
}

/** On the strict Itaú simulator over mTLS (test/banks/itau/helpers.ts startSim). */
export async function startItauLifecycle(o: {
  accountId: string;
  taskQueue: string;
}): Promise<LifecycleBench<ItauSimulator>> {
  const env = await createTimeSkippingEnv();
  const sim = await startItauSim();
  return bench(env, sim, new BankRegistry([itauAccountOf(sim, o.accountId)]), { ...o, bank: 'ITAU', activityDeps: {} });
}

/** Waits (real time, up to ~10 s) for the workflow's view to show `status`. */
export async function until(h: WorkflowHandle, status: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await h.query(getBoletoQuery)).status === status) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never reached ${status}`);
}
