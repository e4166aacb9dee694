/**
 * `npm start`'s supervisor as a user meets it: real processes (dev server binary, worker, API) on free
 * ports with a throw-away data folder. Checks the banner, /readyz, the Web UI, the embedded records store
 * (PGlite) and the DATABASE_URL worker and API get, persistence across a restart (Temporal and records), the
 * single-instance lock, and that SIGTERM leaves no process behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { descendants, freePort, isAlive } from '../helpers/processes';
import { temporalCliPath } from '../helpers/temporal';
import { encryptingDataConverter } from '../../src/temporal/keys';
import { parsePayloadKeys } from '../../src/temporal/codec';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { AccessRegistryClient } from '../../src/access/registry-client';
import { addDays, saoPauloDate } from '../../src/domain';
import { eventually } from '../helpers/boleto-stack';
import { TEST_PAYER } from '../helpers/payer';

const ROOT = join(__dirname, '..', '..');

interface Started {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startSupervisor(env: NodeJS.ProcessEnv): Started {
  const proc = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env, TEMPORAL_CLI_PATH: temporalCliPath(), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, output: () => out, exited };
}

/** The pid the supervisor recorded for a child (DataDirLock, DATA_DIR/run/<name>.pid). */
const childPid = (dataDir: string, name: string): number =>
  (JSON.parse(readFileSync(join(dataDir, 'run', `${name}.pid`), 'utf8')) as { pid: number }).pid;

async function records<T>(port: string | undefined, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function waitFor(pred: () => boolean, timeoutMs: number, what: string, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; output:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('npm start supervisor (embedded default)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'boletoflow-start-'));
  let env: NodeJS.ProcessEnv;
  let first: Started;
  let treeOfFirst: number[] = [];
  const workflowId = `system-check-persist-${Date.now()}`;

  beforeAll(async () => {
    env = {
      DATA_DIR: dataDir,
      API_PORT: String(await freePort()),
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      WORKER_METRICS_PORT: String(await freePort()),
      SIM_BS2_PORT: String(await freePort()),
      SIM_ITAU_PORT: String(await freePort()),
      SIM_ITAU_PUBLIC_PORT: String(await freePort()),
      SIM_SICOOB_PORT: String(await freePort()),
      SIM_SICOOB_PUBLIC_PORT: String(await freePort()),
      RECORDS_PORT: String(await freePort()),
      TEMPORAL_NAMESPACE: 'boletoflow',
      DATABASE_URL: '', // the embedded records store, whatever the environment running the tests says
    };
    first = startSupervisor(env);
    await waitFor(() => first.output().includes('is up'), 150_000, 'the banner', first.output);
  }, 180_000);

  afterAll(() => {
    // Also when the SIGTERM test did not run (-t): the supervisor's children, the records store among them.
    const alive = first?.proc.pid && isAlive(first.proc.pid) ? descendants(first.proc.pid) : [];
    for (const p of [first?.proc.pid, ...treeOfFirst, ...alive]) if (p && isAlive(p)) process.kill(p, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('banner › after start › names the Web UI, the API and the health URLs', () => {
    const out = first.output();
    expect(out).toContain(`http://localhost:${env.TEMPORAL_UI_PORT}/namespaces/boletoflow/workflows`);
    expect(out).toContain(`http://localhost:${env.API_PORT}/healthz`);
    expect(out).toContain(`Records store    embedded PGlite at ${join(dataDir, 'records')}`);
  });

  it('records store › embedded default › PGlite child answers on RECORDS_PORT, worker and API get its DATABASE_URL', async () => {
    const url = `postgres://postgres@127.0.0.1:${env.RECORDS_PORT}/postgres`;
    expect(
      await records(env.RECORDS_PORT, async (c) => (await c.query<{ one: number }>('select 1 as one')).rows),
    ).toEqual([{ one: 1 }]);
    expect(descendants(first.proc.pid!)).toContain(childPid(dataDir, 'records'));
    for (const name of ['worker', 'api']) {
      const environ = readFileSync(`/proc/${childPid(dataDir, name)}/environ`, 'utf8').split('\0');
      expect(environ).toContain(`DATABASE_URL=${url}`);
    }
  });

  it('retention › the embedded namespace keeps histories TEMPORAL_RETENTION_DAYS (default 30, as temporal:setup), not the dev server’s 24 h', async () => {
    const connection = await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_PORT}` });
    try {
      const ns = await connection.workflowService.describeNamespace({ namespace: 'boletoflow' });
      expect(Number(ns.config?.workflowExecutionRetentionTtl?.seconds)).toBe(30 * 86_400);
    } finally {
      await connection.close();
    }
  });

  it('readyz and Web UI › after start › answer 200 with Temporal connected and a worker polling', async () => {
    // deep=1 runs a workflow for operator keys only (tracker #18 item 7).
    const connection = await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_PORT}` });
    let operatorKey: string;
    try {
      const dataConverter = encryptingDataConverter(
        parsePayloadKeys(readFileSync(join(dataDir, 'payload-keys'), 'utf8').trim()),
      );
      const registry = new AccessRegistryClient(
        new Client({ connection, namespace: 'boletoflow', dataConverter }),
        'boletoflow',
      );
      await registry.createTenant('readyz-ops', 'Readyz Ops');
      operatorKey = (await registry.createApiKey('readyz-ops', 'operator')).token;
    } finally {
      await connection.close();
    }
    const r = await fetch(`http://127.0.0.1:${env.API_PORT}/readyz?deep=1`, {
      headers: { Authorization: `Bearer ${operatorKey}` },
    });
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({
      checks: { temporal: { ok: true }, worker: { ok: true }, workflow: { ok: true } },
    });
    const ui = await fetch(`http://127.0.0.1:${env.TEMPORAL_UI_PORT}/`);
    expect(ui.status).toBe(200);
    // The worker exports the Temporal runtime's metrics (it has just run the deep check's workflow).
    const workerMetrics = await (await fetch(`http://127.0.0.1:${env.WORKER_METRICS_PORT}/metrics`)).text();
    expect(workerMetrics).toMatch(/temporal_workflow_completed|temporal_request/);
  });

  it('embedded default › a boleto issued on the default BS2 account › registered at the simulator, bank calls in the worker metrics', async () => {
    const connection = await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_PORT}` });
    const dataConverter = encryptingDataConverter(
      parsePayloadKeys(readFileSync(join(dataDir, 'payload-keys'), 'utf8').trim()),
    );
    const registry = new AccessRegistryClient(
      new Client({ connection, namespace: 'boletoflow', dataConverter }),
      'boletoflow',
    );
    await registry.createTenant('demo', 'Demo');
    const { token } = await registry.createApiKey('demo', 'integrator');
    await connection.close();
    const r = await fetch(`http://127.0.0.1:${env.API_PORT}/v1/boletos`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json', 'Idempotency-Key': 'smoke-1' },
      body: JSON.stringify({
        accountId: 'bs2-default',
        amountCents: 4_200,
        dueDate: addDays(saoPauloDate(Date.now()), 5),
        payer: TEST_PAYER,
      }),
    });
    type View = { id: string; status: string; barcode?: string };
    const created = (await r.json()) as View;
    // 201 when registered within BOLETO_REGISTER_WAIT_MS; on a loaded machine 202 (still registering: the API's
    // documented answer), then the boleto is read until the registration is over. Either way it must be REGISTERED.
    expect([201, 202], JSON.stringify(created)).toContain(r.status);
    const body =
      r.status === 201
        ? created
        : await eventually(
            async () =>
              (await (
                await fetch(`http://127.0.0.1:${env.API_PORT}/v1/boletos/${created.id}`, {
                  headers: { Authorization: `Bearer ${token}` },
                })
              ).json()) as View,
            (b) => b.status !== 'REGISTERING',
            45_000,
          );
    expect(body.status, JSON.stringify(body)).toBe('REGISTERED');
    expect(body.barcode).toMatch(/^218/);
    const metrics = await (await fetch(`http://127.0.0.1:${env.WORKER_METRICS_PORT}/metrics`)).text();
    expect(metrics).toMatch(/boletoflow_bank_call_duration_ms\w*\{[^}]*operation="register"/);
  });

  it('a second start › same data folder while running › refuses with a clear message and exit 1', async () => {
    const second = startSupervisor(env);
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/cannot start: another boletoflow \(pid \d+\) is running/);
    expect(second.output()).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('SIGTERM › while running › every process stops, exit 0, and the data survives a restart', async () => {
    // Leave a completed workflow in the store to find again after the restart.
    const connection = await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_PORT}` });
    // The installation's generated key (DATA_DIR/payload-keys) encrypts history; use it like the API does.
    const dataConverter = encryptingDataConverter(
      parsePayloadKeys(readFileSync(join(dataDir, 'payload-keys'), 'utf8').trim()),
    );
    const client = new Client({ connection, namespace: 'boletoflow', dataConverter });
    await client.workflow.execute('systemCheck', { taskQueue: 'boletoflow', workflowId });
    await connection.close();
    // And a row in the records store.
    await records(env.RECORDS_PORT, (c) =>
      c.query("create table start_probe (v text); insert into start_probe values ('kept')"),
    );

    treeOfFirst = descendants(first.proc.pid!);
    expect(treeOfFirst.length).toBeGreaterThanOrEqual(4); // temporal, records, worker, api (+ esbuild helpers)
    expect(treeOfFirst).toContain(childPid(dataDir, 'records'));
    first.proc.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    await waitFor(() => treeOfFirst.every((p) => !isAlive(p)), 10_000, 'children to exit', first.output);
    expect(treeOfFirst.filter(isAlive)).toEqual([]);

    const again = startSupervisor(env);
    try {
      await waitFor(() => again.output().includes('is up'), 150_000, 'the banner after restart', again.output);
      const c2 = await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_PORT}` });
      const described = await new Client({ connection: c2, namespace: 'boletoflow' }).workflow
        .getHandle(workflowId)
        .describe();
      expect(described.status.name).toBe('COMPLETED');
      await c2.close();
      expect(
        await records(env.RECORDS_PORT, async (c) => (await c.query<{ v: string }>('select v from start_probe')).rows),
      ).toEqual([{ v: 'kept' }]);
    } finally {
      const tree = descendants(again.proc.pid!);
      again.proc.kill('SIGTERM');
      expect(await again.exited).toBe(0);
      await waitFor(() => tree.every((p) => !isAlive(p)), 10_000, 'children to exit', again.output);
    }
  }, 240_000);

  it('port in use › API port taken › refuses naming the port and the variable to change', async () => {
    // The supervisors above are stopped by now; hold the API port with a plain server.
    const holder = createServer().listen(Number(env.API_PORT), '0.0.0.0');
    await new Promise((r) => holder.once('listening', r));
    try {
      const s = startSupervisor({ ...env, DATA_DIR: join(dataDir, 'third') });
      expect(await s.exited).toBe(1);
      expect(s.output()).toContain(`port ${env.API_PORT} (HTTP API) is already in use`);
      expect(s.output()).toContain('set API_PORT');
    } finally {
      holder.close();
    }
  });
});
