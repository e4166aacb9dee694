/**
 * The per-account BS2 token keeper on a real Temporal dev server, with real workers and the real simulator:
 * single-flight refresh under concurrency and across workers, crashes between refresh and use, lock-out and
 * recovery, and the bank activities (typed failures, the lost-response rule) through Temporal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { join } from 'node:path';
import { createBankActivities } from '../../../src/activities/bank';
import { type Bs2IssuedTokens, createBs2TokenActivities } from '../../../src/banks/bs2/token-activities';
import type { Bs2Account } from '../../../src/banks/bs2/account';
import { bs2Http } from '../../../src/banks/bs2/connection';
import { Bs2Adapter } from '../../../src/banks/bs2/adapter';
import { bs2AdapterConfig } from '../../../src/banks/bs2/config';
import { CachedTokenSource, KeeperTokenSource } from '../../../src/banks/bs2/keeper-client';
import { BankError } from '../../../src/banks/errors';
import { BankRegistry } from '../../../src/banks/registry';
import { bs2KeeperStatus, bs2KeeperWorkflowId, setBs2RefreshToken } from '../../../src/banks/bs2/keeper-contract';
import type { Bs2Simulator } from '../../../src/simulators/bs2/server';
import { registerBoleto } from '../../fixtures/workflows/bank-flows';
import { createDevEnv, uniqueId } from '../../helpers/temporal';
import { boletoRequest, credsOf, startSim } from './helpers';

describe('BS2 token keeper and bank activities on real Temporal', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;
  const registry = new BankRegistry([]);
  /** Test hook: when set, the refresh activity hangs after signalling (a worker dying there). */
  let hangAfterSignal: Promise<void> | undefined;
  const sims: Bs2Simulator[] = [];

  const activities = () => ({
    ...createBs2TokenActivities({ registry, afterSignal: async (_t: Bs2IssuedTokens) => hangAfterSignal }),
    ...createBankActivities({ registry }),
  });
  const worker = (taskQueue: string, identity: string, connection?: NativeConnection) =>
    Worker.create({
      connection: connection ?? env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      identity,
      workflowBundle: bundle,
      activities: activities(),
      shutdownGraceTime: '1s',
    });

  /** A fresh simulator + account (BS2 credentials are per account; rotation makes them unshareable). */
  async function account(opts: { timeoutMs?: number } = {}): Promise<{ sim: Bs2Simulator; accountId: string }> {
    const sim = await startSim({ lostResponseHoldMs: 3_000 });
    sims.push(sim);
    const accountId = uniqueId('acct');
    const a: Bs2Account = {
      accountId,
      bank: 'BS2',
      simulated: true,
      credentials: credsOf(sim),
      adapter: bs2AdapterConfig({ baseUrl: sim.url, timeoutMs: opts.timeoutMs ?? 5_000 }),
    };
    registry.put(a);
    return { sim, accountId };
  }
  const adapterVia = (accountId: string, taskQueue: string) =>
    new Bs2Adapter({
      http: bs2Http(registry, accountId),
      tokens: new KeeperTokenSource(env.client, { accountId, taskQueue }),
    });

  beforeAll(async () => {
    [env, bundle] = await Promise.all([
      createDevEnv(),
      bundleWorkflowCode({
        workflowsPath: join(__dirname, '../../fixtures/workflows/bank-flows.ts'),
        logger: {
          info: () => undefined,
          warn: () => undefined,
          error: () => undefined,
          debug: () => undefined,
          trace: () => undefined,
          log: () => undefined,
        },
      }),
    ]);
  });
  afterAll(async () => {
    await registry.close();
    await Promise.all(sims.map((s) => s.close()));
    await env?.teardown();
  });

  it('keeper › 20 concurrent calls on a fresh account, served by two workers › exactly one refresh at the bank, all 20 succeed', async () => {
    const { sim, accountId } = await account();
    const tq = uniqueId('tq');
    // A second worker process = a second connection.
    const second = await NativeConnection.connect({ address: env.address });
    const [w1, w2] = await Promise.all([worker(tq, 'w1'), worker(tq, 'w2', second)]);
    await w1.runUntil(
      w2.runUntil(async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, () => adapterVia(accountId, tq).search({ limit: 1 })),
        );
        expect(results).toHaveLength(20);
      }),
    );
    await second.close();
    expect(sim.tokens.state.stats).toEqual({ issued: 1, rejected: 0, rateLimited: 0 });
  });

  it('keeper › the bank expires the token (its clock passes 300 s) › 20 concurrent 401s cause exactly one more refresh', async () => {
    const { sim, accountId } = await account();
    const tq = uniqueId('tq');
    const w = await worker(tq, 'w1');
    await w.runUntil(async () => {
      await adapterVia(accountId, tq).authenticate();
      sim.clock.advance(301_000);
      await Promise.all(Array.from({ length: 20 }, () => adapterVia(accountId, tq).search({ limit: 1 })));
    });
    expect(sim.tokens.state.stats).toEqual({ issued: 2, rejected: 0, rateLimited: 0 });
  });

  it("crash between refresh and use › the worker that refreshed is gone, a new worker replays › same token still usable, and the persisted refresh token is the bank's current one", async () => {
    const { sim, accountId } = await account();
    const tq = uniqueId('tq');
    const a = await worker(tq, 'dies');
    const token = await a.runUntil(new KeeperTokenSource(env.client, { accountId, taskQueue: tq }).accessToken());
    // Worker "a" is gone (its cache with it); the token was never used.
    const b = await worker(tq, 'new-process');
    await b.runUntil(async () => {
      const again = await new KeeperTokenSource(env.client, { accountId, taskQueue: tq }).accessToken();
      expect(again.accessToken).toBe(token.accessToken);
      expect((await adapterVia(accountId, tq).search({ limit: 1 })).items).toEqual([]);
      expect(sim.tokens.state.stats.issued).toBe(1);
      sim.clock.advance(301_000);
      await adapterVia(accountId, tq).search({ limit: 1 }); // refresh with the refresh token the keeper persisted
    });
    expect(sim.tokens.state.stats).toEqual({ issued: 2, rejected: 0, rateLimited: 0 });
  });

  it('crash after the bank rotated the token but before the refresh activity completed › the signalled tokens are used, no retry with the dead refresh token', async () => {
    const { sim, accountId } = await account();
    const tq = uniqueId('tq');
    let release!: () => void;
    hangAfterSignal = new Promise<void>((r) => (release = r));
    const w = await worker(tq, 'w1');
    try {
      await w.runUntil(async () => {
        const r = await adapterVia(accountId, tq).search({ limit: 1 });
        expect(r.items).toEqual([]);
        const status = await env.client.workflow.getHandle(bs2KeeperWorkflowId(accountId)).query(bs2KeeperStatus);
        expect(status).toMatchObject({ generation: 1, refreshCount: 1, hasAccessToken: true });
        expect(JSON.stringify(status)).not.toContain(sim.tokens.state.refreshToken);
        hangAfterSignal = undefined;
        release();
      });
    } finally {
      hangAfterSignal = undefined;
      release();
    }
    expect(sim.tokens.state.stats).toEqual({ issued: 1, rejected: 0, rateLimited: 0 });
  });

  it('keeper › BS2 refuses the refresh token (regenerated by a human) › locked: AUTH for callers, status says so; setBs2RefreshToken › works again', async () => {
    const { sim, accountId } = await account();
    const tq = uniqueId('tq');
    const w = await worker(tq, 'w1');
    await w.runUntil(async () => {
      await adapterVia(accountId, tq).authenticate();
      const fresh = sim.tokens.regenerate(); // "Gerar novo token" in BS2 Empresas: every old token dies
      const e = await adapterVia(accountId, tq)
        .search({ limit: 1 })
        .catch((x: unknown) => x);
      expect(e).toBeInstanceOf(BankError);
      expect((e as BankError).kind).toBe('AUTH');
      const handle = env.client.workflow.getHandle(bs2KeeperWorkflowId(accountId));
      expect((await handle.query(bs2KeeperStatus)).locked).toContain('invalid_grant');
      await handle.executeUpdate(setBs2RefreshToken, { args: [{ refreshToken: fresh }] });
      expect((await adapterVia(accountId, tq).search({ limit: 1 })).items).toEqual([]);
    });
  });

  it('per-process cache › 30 token requests in one worker process › one Update reaches the keeper; a stale token costs exactly one more', async () => {
    const { sim, accountId } = await account();
    const tq = uniqueId('tq');
    const w = await worker(tq, 'w1');
    await w.runUntil(async () => {
      const cached = new CachedTokenSource(new KeeperTokenSource(env.client, { accountId, taskQueue: tq }));
      const first = await Promise.all(Array.from({ length: 20 }, () => cached.accessToken()));
      for (let i = 0; i < 10; i++) await cached.accessToken();
      expect(new Set(first.map((t) => t.accessToken)).size).toBe(1);
      const renewed = await cached.accessToken({ stale: first[0]!.accessToken });
      expect(renewed.accessToken).not.toBe(first[0]!.accessToken);
    });
    const history = await env.client.workflow.getHandle(bs2KeeperWorkflowId(accountId)).fetchHistory();
    const updates = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    expect(updates).toHaveLength(2);
    expect(sim.tokens.state.stats.issued).toBe(2);
  });

  it('bank activities › lost registration response (,07) › the workflow looks it up instead of registering again; one boleto at the bank', async () => {
    const { sim, accountId } = await account({ timeoutMs: 500 });
    const tq = uniqueId('tq');
    const w = await worker(tq, 'w1');
    const req = boletoRequest({ amountCents: 70_007 });
    const out = await w.runUntil(
      env.client.workflow.execute(registerBoleto, {
        taskQueue: tq,
        workflowId: uniqueId('reg'),
        args: [accountId, req],
      }),
    );
    expect(out.via).toBe('findRegistered');
    expect(out.failures).toEqual(['BankUnavailable']);
    expect(out.boleto).toMatchObject({ seuNumero: req.seuNumero, amountCents: 70_007 });
    expect(sim.bank.boletos.filter((b) => b.seuNumero === req.seuNumero)).toHaveLength(1);
  });

  it("bank activities › bank validation error › non-retryable BankValidationError carrying BS2's field and message", async () => {
    const { accountId } = await account();
    const tq = uniqueId('tq');
    const w = await worker(tq, 'w1');
    const err = await w
      .runUntil(
        env.client.workflow.execute(registerBoleto, {
          taskQueue: tq,
          workflowId: uniqueId('reg'),
          args: [accountId, boletoRequest({ amountCents: 100 })],
        }),
      )
      .catch(
        (e: unknown) => e as { cause?: { cause?: { type?: string; nonRetryable?: boolean; details?: unknown[] } } },
      );
    const failure = (err as { cause?: { cause?: { type?: string; nonRetryable?: boolean; details?: unknown[] } } })
      .cause?.cause;
    expect(failure?.type).toBe('BankValidationError');
    expect(failure?.nonRetryable).toBe(true);
    expect(failure?.details?.[0]).toMatchObject({
      fields: [{ field: 'ValorBoleto', message: 'Boleto com valor inferior a R$ 5,00' }],
      httpStatus: 400,
    });
  });
});
