/**
 * A locked BS2 account's way out, all real: Temporal dev server, the worker, the API over HTTP, the BS2 simulator.
 * "Gerar novo token" at the bank kills the keeper's refresh token, the keeper locks; /readyz and the worker's
 * metrics show it; an operator hands the keeper the new token through the API route and through the CLI
 * (spawned as an operator runs it), and boletos register again. The token never reaches a log, a response or a
 * metric, and history holds it only encrypted.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiKey } from '../../../src/access/api-keys';
import { addDays, saoPauloDate } from '../../../src/domain';
import { formatPayloadKeys } from '../../../src/temporal/codec';
import { bs2KeeperWorkflowId } from '../../../src/banks/bs2/keeper-contract';
import { type BoletoStack, eventually, startBoletoStack } from '../../helpers/boleto-stack';
import { OpenApiValidator } from '../../helpers/openapi';
import { testPayloadKeys } from '../../helpers/temporal';

const ROOT = join(__dirname, '../../..');

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

type Problem = {
  type: string;
  status: number;
  title: string;
  detail?: string;
  errors?: { field: string; reason: string }[];
};
type TokenStatus = {
  accountId: string;
  locked: boolean;
  lockedReason?: string;
  verified?: boolean;
  applied?: boolean;
  refreshTokenSetBy?: string;
  refreshTokenSetAt?: string;
};
type Readiness = {
  status: string;
  checks: Record<string, { ok: boolean; detail?: string; accountId?: string; affectsReadiness?: boolean }>;
};

describe('a locked BS2 account: readyz, metrics, unlock through the API and the CLI (dev server, worker, simulator)', () => {
  let s: BoletoStack;
  let spec: OpenApiValidator;
  let metricsPort: number;
  const logs: string[] = [];
  const due = addDays(saoPauloDate(Date.now()), 10);

  beforeAll(async () => {
    // The worker's Prometheus endpoint, as in production (src/worker.ts); must be installed before any connection.
    metricsPort = await freePort();
    Runtime.install({
      logger: new DefaultLogger('WARN'),
      telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${metricsPort}` } } },
    });
    s = await startBoletoStack({ registerWaitMs: 1_500, logs });
    spec = new OpenApiValidator((await (await fetch(`${s.base}/openapi.json`)).json()) as never);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  const key = (t: 't1' | 't2', role: 'integrator' | 'operator' | 'cs') => ({
    Authorization: `Bearer ${s.keys[t][role]}`,
  });
  const operatorKeyId = () => parseApiKey(s.keys.t1.operator)!.keyId;
  const tokenPath = () => `/v1/bank-tokens/bs2/${s.accountId}`;
  async function putToken(body: unknown, headers = key('t1', 'operator')) {
    const r = await fetch(s.base + tokenPath(), {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await r.json()) as TokenStatus & Problem;
    spec.expectValid('put', '/v1/bank-tokens/bs2/{accountId}', r.status, r.headers.get('content-type') ?? '', json);
    return { status: r.status, json };
  }
  async function issue(idempotencyKey: string) {
    const r = await fetch(`${s.base}/v1/boletos`, {
      method: 'POST',
      headers: { ...key('t1', 'integrator'), 'content-type': 'application/json', 'Idempotency-Key': idempotencyKey },
      body: JSON.stringify({
        accountId: s.accountId,
        amountCents: 15_000,
        dueDate: due,
        payer: {
          name: 'Maria da Silva',
          document: '52998224725',
          address: {
            street: 'Rua das Flores',
            number: '100',
            district: 'Centro',
            city: 'Sao Paulo',
            state: 'SP',
            zipCode: '01001000',
          },
        },
      }),
    });
    return { status: r.status, json: (await r.json()) as { id: string; status: string } };
  }
  const boletoStatus = async (id: string) =>
    (
      (await (await fetch(`${s.base}/v1/boletos/${id}`, { headers: key('t1', 'integrator') })).json()) as {
        status: string;
      }
    ).status;
  const readyz = async () => {
    const r = await fetch(`${s.base}/readyz`, { headers: key('t1', 'operator') });
    return { status: r.status, json: (await r.json()) as Readiness };
  };
  const lockCheck = (r: Readiness) => r.checks[`bs2Keeper:${s.accountId}`];
  const lockedGauge = async () => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith('boletoflow_bs2_keeper_locked{') && l.includes(`account_id="${s.accountId}"`));
    return line === undefined ? undefined : Number(line.split(' ').pop());
  };
  /** The keeper locks: BS2 Empresas' "Gerar novo token" kills every token, the next bank call gets invalid_grant. */
  async function lockByRegenerating(idempotencyKey: string): Promise<{ fresh: string; pendingBoleto: string }> {
    const fresh = s.sim.tokens.regenerate();
    const b = await issue(idempotencyKey);
    expect(b.status).toBe(202); // the bank cannot be reached with a dead token: accepted, registration retries
    await eventually(readyz, (r) => lockCheck(r.json)?.ok === false);
    return { fresh, pendingBoleto: b.json.id };
  }
  /** Every payload byte of the keeper's history, as the server stores it. */
  const rawKeeperHistory = async () =>
    Buffer.from(
      temporal.api.history.v1.History.encode(
        await s.client.workflow.getHandle(bs2KeeperWorkflowId(s.accountId)).fetchHistory(),
      ).finish(),
    ).toString('latin1');

  it('locked › readyz names the account (no secret, still 200), the worker gauge is 1; PUT with an operator key › unlocked, audited, the waiting boleto registers', async () => {
    const first = await issue('unlock-api-0');
    expect(first.status).toBe(201);
    const { fresh, pendingBoleto } = await lockByRegenerating('unlock-api-1');

    const ready = await readyz();
    const check = lockCheck(ready.json)!;
    expect(check).toMatchObject({ ok: false, accountId: s.accountId, affectsReadiness: false });
    expect(check.detail).toContain('invalid_grant');
    expect(check.detail).toContain(tokenPath());
    // A locked account cannot be fixed by taking the API out of rotation: the other accounts keep working.
    expect(ready.status).toBe(200);
    expect(JSON.stringify(ready.json)).not.toContain(fresh);
    // Without an operator key (a load balancer's probe): how many are locked, not which, nor the bank's words.
    const anonymous = (await (await fetch(`${s.base}/readyz`)).json()) as Readiness;
    expect(anonymous.checks.bs2Keepers).toMatchObject({ ok: false, affectsReadiness: false, locked: 1 });
    expect(JSON.stringify(anonymous)).not.toContain(s.accountId);
    expect(JSON.stringify(anonymous)).not.toContain('invalid_grant');
    expect(await eventually(lockedGauge, (v) => v === 1)).toBe(1);

    const status = await fetch(s.base + tokenPath(), { headers: key('t1', 'operator') });
    const statusJson = (await status.json()) as TokenStatus;
    spec.expectValid(
      'get',
      '/v1/bank-tokens/bs2/{accountId}',
      status.status,
      status.headers.get('content-type') ?? '',
      statusJson,
    );
    expect(statusJson).toMatchObject({ accountId: s.accountId, locked: true });
    expect(statusJson.lockedReason).toContain('invalid_grant');

    // Only operators of the account's tenant; bad input names the field and never echoes the token.
    expect((await putToken({ refreshToken: fresh }, key('t1', 'integrator'))).status).toBe(403);
    expect((await putToken({ refreshToken: fresh }, key('t1', 'cs'))).status).toBe(403);
    expect((await putToken({ refreshToken: fresh }, key('t2', 'operator'))).status).toBe(404);
    const bad = await putToken({ refreshToken: 'has spaces in it' });
    expect(bad.status).toBe(400);
    expect(bad.json.errors?.map((e) => e.field)).toEqual(['body.refreshToken']);
    expect(JSON.stringify(bad.json)).not.toContain('has spaces');
    expect((await putToken({ refreshToken: fresh, extra: 1 })).json.errors?.map((e) => e.field)).toEqual(['body']);
    expect((await putToken({})).json.errors?.map((e) => e.field)).toEqual(['body.refreshToken']);

    // A token BS2 does not know: handed over, verified at once, refused → 422 with the bank's words, still locked.
    const wrong = await putToken({ refreshToken: 'not-the-token-bs2-issued' });
    expect(wrong.status).toBe(422);
    expect(wrong.json.detail).toContain('invalid_grant');
    expect((await readyz()).json.checks[`bs2Keeper:${s.accountId}`]?.ok).toBe(false);

    const ok = await putToken({ refreshToken: fresh });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({
      accountId: s.accountId,
      locked: false,
      verified: true,
      refreshTokenSetBy: expect.stringContaining(operatorKeyId()) as unknown,
    });
    expect(JSON.stringify(ok.json)).not.toContain(fresh);
    expect(ok.json.applied).toBe(true);

    // A retried PUT (the client lost the answer) must not lock the account: the keeper has rotated that token since.
    const rejectedBefore = s.sim.tokens.state.stats.rejected;
    const again = await putToken({ refreshToken: fresh });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ locked: false, applied: false, verified: true });
    expect(s.sim.tokens.state.stats.rejected).toBe(rejectedBefore);

    // The boleto that arrived while locked registers now (its registration retries with backoff).
    await eventually(
      () => boletoStatus(pendingBoleto),
      (st) => st === 'REGISTERED',
      45_000,
    );
    expect((await issue('unlock-api-2')).status).toBe(201);
    expect(lockCheck((await readyz()).json)).toBeUndefined();
    expect(await eventually(lockedGauge, (v) => v === 0)).toBe(0);

    // Audited: who, when, which account; the token in no log line, and only encrypted in history.
    const audit = logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.audit === 'bs2.refresh-token.set');
    expect(audit.map((l) => l.outcome)).toEqual(['refused', 'unlocked', 'unchanged']);
    expect(audit[1]).toMatchObject({
      accountId: s.accountId,
      tenantId: s.tenants.t1,
      keyId: operatorKeyId(),
      outcome: 'unlocked',
      time: expect.any(String) as unknown,
    });
    for (const l of logs) expect(l).not.toContain(fresh);
    expect(await rawKeeperHistory()).not.toContain(fresh);
  }, 120_000);

  it('locked again › the CLI reads the new token from stdin and hands it over › unlocked, and a boleto registers', async () => {
    const { fresh, pendingBoleto } = await lockByRegenerating('unlock-cli-1');
    const cli = (args: string[], stdin: string) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(
          'npm',
          ['run', '--silent', 'bs2', '--', ...args],
          {
            cwd: ROOT,
            env: {
              ...process.env,
              npm_config_loglevel: 'silent',
              TEMPORAL_ADDRESS: (s.client.connection as Connection).options.address,
              TEMPORAL_NAMESPACE: 'default',
              TEMPORAL_TASK_QUEUE: s.taskQueue,
              PAYLOAD_ENCRYPTION_KEYS: formatPayloadKeys(testPayloadKeys),
              LOG_LEVEL: 'info',
            },
          },
          (err, stdout, stderr) =>
            resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
        );
        child.stdin!.end(stdin);
      });

    const unknown = await cli(['set-refresh-token', 'no-such-account'], fresh + '\n');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no-such-account');
    const argv = await cli(['set-refresh-token', s.accountId, fresh], '');
    expect(argv.code).toBe(1); // a token on the command line would sit in the shell history and `ps`
    expect(argv.stderr).toContain('stdin');
    expect(argv.stderr).not.toContain(fresh);

    const r = await cli(['set-refresh-token', s.accountId], fresh + '\n');
    expect(r.stderr).not.toContain(fresh);
    expect(r.stdout).not.toContain(fresh);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toMatchObject({
      accountId: s.accountId,
      locked: false,
      verified: true,
      refreshTokenSetBy: expect.stringMatching(/^cli:/) as unknown,
    });
    const status = await cli(['status', s.accountId], '');
    expect(JSON.parse(status.stdout.trim())).toMatchObject({ accountId: s.accountId, locked: false });

    await eventually(
      () => boletoStatus(pendingBoleto),
      (st) => st === 'REGISTERED',
      45_000,
    );
    expect((await issue('unlock-cli-2')).status).toBe(201);
    expect(lockCheck((await readyz()).json)).toBeUndefined();
    expect(await rawKeeperHistory()).not.toContain(fresh);
  }, 120_000);

  it('no worker running › GET and PUT answer 503 problem+json (the keeper cannot answer), never a 500', async () => {
    await s.stopWorker();
    const get = await fetch(s.base + tokenPath(), { headers: key('t1', 'operator') });
    expect(get.status).toBe(503);
    expect(get.headers.get('content-type')).toContain('application/problem+json');
    const put = await putToken({ refreshToken: 'any-token-at-all' });
    expect(put.status).toBe(503);
    expect(put.json.detail).toContain('check GET');
  }, 60_000);
});
