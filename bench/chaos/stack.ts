/**
 * The embedded stack for the chaos suite, every part a real process this harness owns so that it can kill and
 * restart any of them: the Temporal dev server on a SQLite file (the same command line as `npm start`,
 * src/temporal/dev-server.ts), the records store (the embedded PGlite server of `npm start`,
 * src/records/embedded-server.ts, data in <data dir>/records), the bank simulators (src/simulators/main.ts), worker
 * processes (src/worker.ts) and the API (src/api/server.ts), all with the environment the supervisor would give
 * them (worker and API reach the store through DATABASE_URL). It also plays the client's system (a receiver for our
 * signed notifications), holds an integrator API key, and reads the records store itself for the verdicts
 * (`records`, a small pool of its own).
 *
 * Like the supervisor, it replaces a worker or an API process that dies by itself (and counts it: that is a
 * finding); processes it kills on purpose are replaced by the scenario.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client, Connection } from '@temporalio/client';
import { AccessRegistryClient } from '../../src/access/registry-client';
import { type Config, loadConfig } from '../../src/config';
import { type BoletoRecords, openRecords } from '../../src/records';
import { RECORDS_RECONCILE_SCHEDULE_ID } from '../../src/records/reconcile-schedule';
import { devServerArgs, waitForNamespace } from '../../src/temporal/dev-server';
import { encryptingDataConverter, loadPayloadKeys } from '../../src/temporal/keys';
import { retryUntil } from '../../src/temporal/retry';
import { freePort, ROOT, rssMb, sleep } from '../common';
import { writeSimulatedAccounts } from '../../src/simulators/defaults';

export const TENANT = 'demo';
export const ACCOUNT = 'bs2-default';
export const WEBHOOK_AUTHORIZATION = 'Bearer chaos-bs2-webhook-secret';

type Signal = 'SIGKILL' | 'SIGTERM';

/** One child process: its output's last lines kept for diagnostics, its exit awaited. */
export class Child {
  readonly proc: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly startedAt = Date.now();
  /** Set when the harness stops it on purpose. */
  stopping = false;
  /** Set once it serves (a worker polls, the API answers). */
  ready = false;
  private readonly tail: string[] = [];
  private readonly watchers = new Set<(line: string) => void>();

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    ipc: boolean,
  ) {
    this.proc = spawn(command, args, {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])],
    });
    for (const stream of [this.proc.stdout, this.proc.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        this.tail.push(line);
        if (this.tail.length > 100) this.tail.shift();
        this.watchers.forEach((w) => w(line));
      });
    }
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, signal) => resolve({ code, signal })));
    this.proc.once('error', () => undefined);
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  output(): string {
    return this.tail.join('\n');
  }

  /** Resolves when a line of output matches (or throws with the output after `timeoutMs`, or when the process exits). */
  waitForLine(re: RegExp, timeoutMs: number): Promise<void> {
    if (this.tail.some((l) => re.test(l))) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        this.watchers.delete(watch);
        if (err) reject(err);
        else resolve();
      };
      const watch = (line: string) => re.test(line) && done();
      const timer = setTimeout(
        () => done(new Error(`${this.name}: no ${String(re)} within ${timeoutMs} ms:\n${this.output()}`)),
        timeoutMs,
      );
      this.watchers.add(watch);
      void this.exited.then(({ code, signal }) =>
        done(new Error(`${this.name} exited (${code ?? signal}) before ${String(re)}:\n${this.output()}`)),
      );
    });
  }

  /** Sends the signal and waits for the exit; SIGTERM escalates to SIGKILL after `graceMs`. */
  async stop(signal: Signal, graceMs = 30_000): Promise<void> {
    this.stopping = true;
    if (!this.alive) return;
    this.proc.kill(signal);
    const timer = setTimeout(() => this.alive && this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** What the client's system received from us: every notification by its Boletoflow-Event-Id. */
export class NotificationReceiver {
  readonly byEventId = new Map<string, number>();
  total = 0;
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const id = req.headers['boletoflow-event-id'];
        if (typeof id === 'string') this.byEventId.set(id, (this.byEventId.get(id) ?? 0) + 1);
        this.total++;
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/boletoflow`;
  }

  close(): Promise<void> {
    return new Promise((r) => {
      if (!this.server) return r();
      this.server.close(() => r());
      this.server.closeAllConnections();
    });
  }
}

export interface StackOptions {
  /** Workers started at the beginning (default 1). */
  workers?: number;
  /** Extra environment for every process (e.g. BS2_TIMEOUT_MS). */
  env?: Record<string, string>;
  /** Extra environment for worker processes only (e.g. NODE_OPTIONS). */
  workerEnv?: Record<string, string>;
  /** Register a receiver as the tenant's notification endpoint (default true). */
  notifications?: boolean;
  /**
   * Leave the records drift scan (the reconcile Schedule the API creates) running (default false: paused once the
   * API has created it). A verdict on the store must see what the workers themselves wrote: the scan copies missing
   * rows and events from the workflows every RECORDS_RECONCILE_MINUTES and would hide a lost write.
   */
  recordsReconcile?: boolean;
  log?: (line: string) => void;
}

export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export class ChaosStack {
  temporal: Child | undefined;
  /** The embedded records store (PGlite over the Postgres protocol). */
  recordsServer: Child | undefined;
  simulators: Child | undefined;
  api: Child | undefined;
  readonly workers = new Set<Child>();
  /** Worker and API processes that died without being told to (the harness replaced them). */
  readonly unexpectedExits: { name: string; code: number | null; signal: string | null; at: number; output: string }[] =
    [];
  readonly receiver = new NotificationReceiver();
  readonly config: Config;
  client!: Client;
  registry!: AccessRegistryClient;
  private recordsPool: BoletoRecords | undefined;
  apiKey = '';
  private connection: Connection | undefined;
  private workerSeq = 0;
  private closed = false;
  private readonly onExit = () => this.killAll();
  /** Ctrl-C on `npm run chaos`: nothing left running, no data folder left behind. */
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.killAll();
    if (!process.env.CHAOS_KEEP_DATA) rmSync(this.dataDir, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };

  private constructor(
    readonly dataDir: string,
    readonly env: NodeJS.ProcessEnv,
    private readonly opts: StackOptions,
  ) {
    this.config = loadConfig(env);
    process.once('exit', this.onExit);
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  get apiBase(): string {
    return `http://127.0.0.1:${this.config.API_PORT}`;
  }

  get simBase(): string {
    return `http://127.0.0.1:${this.config.SIM_BS2_PORT}`;
  }

  /** The harness's own connection to the records store (the verdicts read it), with the stack's payload keys. */
  get records(): BoletoRecords {
    if (!this.recordsPool) throw new Error('the records store is not open');
    return this.recordsPool;
  }

  /** The records store's URL: what worker and API get as DATABASE_URL (the embedded server on its own port). */
  get recordsUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.config.RECORDS_PORT}/postgres`;
  }

  /** The environment of worker and API processes: the stack's, with the records store (as the supervisor does). */
  private get serviceEnv(): NodeJS.ProcessEnv {
    return { ...this.env, DATABASE_URL: this.recordsUrl };
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }

  static async start(opts: StackOptions = {}): Promise<ChaosStack> {
    const dataDir = mkdtempSync(join(tmpdir(), 'boletoflow-chaos-'));
    const ports = {
      API_PORT: await freePort(),
      TEMPORAL_PORT: await freePort(),
      TEMPORAL_UI_PORT: await freePort(),
      SIM_BS2_PORT: await freePort(),
      SIM_ITAU_PORT: await freePort(),
      SIM_ITAU_PUBLIC_PORT: await freePort(),
      RECORDS_PORT: await freePort(),
    };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // The embedded default, whatever the caller's shell says.
      TEMPORAL_ADDRESS: '',
      BS2_BASE_URL: '',
      ITAU_CLIENT_ID: '',
      // No DATABASE_URL but for worker and API (serviceEnv): the records store is the stack's embedded one.
      DATABASE_URL: '',
      RECORDS_HOST: '127.0.0.1',
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      DATA_DIR: dataDir,
      API_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      API_RATE_LIMIT_PER_MINUTE: '1000000',
      BS2_WEBHOOK_AUTHORIZATION: WEBHOOK_AUTHORIZATION,
      // The receiver standing in for the client's system listens on loopback: allowed explicitly (refused by default).
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      WORKER_SHUTDOWN_GRACE_SECONDS: '5',
      ...opts.env,
    };
    const stack = new ChaosStack(dataDir, env, opts);
    try {
      // Like the supervisor: the payload key exists before any child reads it.
      const keys = loadPayloadKeys(stack.config);
      const t0 = Date.now();
      const took = <T>(what: string, p: Promise<T>) =>
        p.then((v) => (stack.log(`${what} up in ${Date.now() - t0} ms`), v));
      // Like the supervisor: Temporal and the records store side by side; everything after needs both.
      await Promise.all([took('temporal', stack.startTemporal()), took('records', stack.startRecords())]);
      stack.recordsPool = await openRecords(stack.recordsUrl, keys, {
        maxConnections: 2,
        applicationName: 'boletoflow-chaos',
      });
      stack.connection = await Connection.connect({ address: `127.0.0.1:${ports.TEMPORAL_PORT}` });
      stack.client = new Client({
        connection: stack.connection,
        namespace: stack.config.TEMPORAL_NAMESPACE,
        dataConverter: encryptingDataConverter(keys),
      });
      stack.registry = new AccessRegistryClient(stack.client, stack.config.TEMPORAL_TASK_QUEUE);
      await Promise.all([
        took('simulator', stack.startSimulators()),
        took('api', stack.startApi()),
        ...Array.from({ length: opts.workers ?? 1 }, () => took('worker', stack.startWorker())),
      ]);
      if (!opts.recordsReconcile) await stack.pauseRecordsReconcile();
      await stack.registry.createTenant(TENANT, 'Chaos Ltda');
      stack.apiKey = (await stack.registry.createApiKey(TENANT, 'integrator', 'chaos')).token;
      if (opts.notifications !== false) {
        await stack.receiver.start();
        await stack.registry.setTenantWebhook(TENANT, stack.receiver.url, 'whsec_' + 'c'.repeat(40));
      }
      return stack;
    } catch (e) {
      await stack.close();
      throw e;
    }
  }

  // ---- Temporal dev server (same SQLite file across restarts) ----

  async startTemporal(): Promise<void> {
    const cli = this.config.TEMPORAL_CLI_PATH ?? join(ROOT, '.tools', 'bin', 'temporal');
    const c = this.config;
    this.temporal = new Child(
      'temporal',
      cli,
      devServerArgs({
        cliPath: cli,
        dataDir: this.dataDir,
        ip: '127.0.0.1',
        port: c.TEMPORAL_PORT,
        uiPort: c.TEMPORAL_UI_PORT,
        namespace: c.TEMPORAL_NAMESPACE,
      }),
      this.env,
      false,
    );
    await waitForNamespace(`127.0.0.1:${c.TEMPORAL_PORT}`, c.TEMPORAL_NAMESPACE, 60_000);
  }

  async stopTemporal(signal: Signal): Promise<void> {
    await this.temporal?.stop(signal);
  }

  // ---- records store (embedded PGlite server, data in <data dir>/records) ----

  /** Starts the embedded records server; resolves once it listens (the first start runs initdb: seconds). */
  async startRecords(): Promise<void> {
    // LOG_LEVEL info: its "listening" line is how we know it is up.
    const r = this.node('records', 'src/records/embedded-server.ts', { ...this.env, LOG_LEVEL: 'info' });
    this.recordsServer = r;
    void r.exited.then(({ code, signal }) => {
      if (r.stopping || this.closed) return;
      // Nothing in a scenario stops it: its dying is a finding. Started again on the same data, as the supervisor would.
      this.unexpectedExits.push({ name: 'records', code, signal, at: Date.now(), output: r.output().slice(-3000) });
      this.log(`records store exited by itself (${code ?? signal}); starting it again`);
      void sleep(500).then(async () => {
        if (!this.closed)
          await this.startRecords().catch((e: unknown) => this.log(`records store restart failed: ${String(e)}`));
      });
    });
    await r.waitForLine(/"msg":"records store \(embedded PGlite\) listening"/, 120_000);
    r.ready = true;
  }

  /** Pauses the reconcile Schedule (see StackOptions.recordsReconcile) once the API has created it. */
  async pauseRecordsReconcile(): Promise<void> {
    const schedule = this.client.schedule.getHandle(RECORDS_RECONCILE_SCHEDULE_ID);
    await retryUntil(() => schedule.describe(), { timeoutMs: 60_000, intervalMs: 200 });
    await schedule.pause('chaos suite: the verdicts read what the workers wrote to the records store, unrepaired');
  }

  // ---- simulators ----

  async startSimulators(): Promise<void> {
    // Only BS2 (`npm run sim:bs2`, the same settings as under `npm start`): the scenarios use the BS2 account. Like the
    // supervisor, the stack injects the simulated default accounts before any worker or API process reads them.
    writeSimulatedAccounts(this.dataDir);
    this.simulators = this.node('simulators', 'src/simulators/bs2/main.ts', this.env);
    await retryUntil(
      async () => {
        if (!this.simulators?.alive) throw new Error(`simulators exited:\n${this.simulators?.output() ?? ''}`);
        const r = await fetch(`${this.simBase}/`);
        if (!r.ok) throw new Error(`BS2 simulator ${r.status}`);
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  }

  // ---- workers ----

  /** Starts one more worker process; resolves once it polls. */
  async startWorker(): Promise<Child> {
    const name = `worker-${++this.workerSeq}`;
    const port = await freePort();
    const w = this.node(name, 'src/worker.ts', {
      ...this.serviceEnv,
      LOG_LEVEL: 'info',
      WORKER_METRICS_PORT: String(port),
      ...this.opts.workerEnv,
    });
    Object.assign(w, { metricsPort: port });
    this.workers.add(w);
    void w.exited.then(({ code, signal }) => {
      this.workers.delete(w);
      if (w.stopping || this.closed) return;
      this.unexpectedExits.push({ name, code, signal, at: Date.now(), output: w.output().slice(-3000) });
      this.log(`${name} exited by itself (${code ?? signal}); starting a replacement`);
      void sleep(500).then(async () => {
        if (!this.closed)
          await this.startWorker().catch((e: unknown) => this.log(`replacement worker failed: ${String(e)}`));
      });
    });
    await w.waitForLine(/"msg":"worker polling"/, 120_000);
    w.ready = true;
    return w;
  }

  /** The worker's Prometheus endpoint. */
  workerMetricsUrl(w: Child): string {
    return `http://127.0.0.1:${(w as Child & { metricsPort: number }).metricsPort}/metrics`;
  }

  async killWorker(w: Child, signal: Signal = 'SIGKILL'): Promise<void> {
    await w.stop(signal);
  }

  // ---- API ----

  async startApi(): Promise<void> {
    const api = this.node('api', 'src/api/server.ts', this.serviceEnv);
    this.api = api;
    void api.exited.then(({ code, signal }) => {
      if (api.stopping || this.closed) return;
      this.unexpectedExits.push({ name: 'api', code, signal, at: Date.now(), output: api.output().slice(-3000) });
      this.log(`api exited by itself (${code ?? signal}); restarting it`);
      void sleep(500).then(async () => {
        if (!this.closed) await this.startApi().catch((e: unknown) => this.log(`api restart failed: ${String(e)}`));
      });
    });
    await retryUntil(
      async () => {
        if (!api.alive) throw new Error(`api exited:\n${api.output()}`);
        const r = await fetch(`${this.apiBase}/healthz`);
        if (!r.ok) throw new Error(`healthz ${r.status}`);
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    api.ready = true;
  }

  async stopApi(signal: Signal): Promise<void> {
    await this.api?.stop(signal);
  }

  // ---- HTTP helpers ----

  /** A call to our API with the integrator key. Network errors throw. */
  async call<T = unknown>(
    method: string,
    path: string,
    opts: { body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
  ): Promise<HttpAnswer<T>> {
    const r = await fetch(`${this.apiBase}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.apiKey}`,
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...opts.headers,
      },
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
    });
    const text = await r.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: r.status, body: body as T, headers: r.headers };
  }

  /** The BS2 simulator's admin API (`/__sim/...`). */
  async sim<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await fetch(`${this.simBase}/__sim${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(120_000),
    });
    if (!r.ok) throw new Error(`sim ${method} ${path}: HTTP ${r.status} ${await r.text()}`);
    return (r.status === 204 ? undefined : await r.json()) as T;
  }

  /** Stops (false) or restores (true) the bank's webhook deliveries to this API; stopped ones wait in its queue. */
  async bankWebhooks(on: boolean): Promise<void> {
    if (!on) return void (await this.sim('DELETE', '/webhook'));
    await this.sim('PUT', '/webhook', {
      url: `${this.apiBase}/webhooks/bs2/${ACCOUNT}`,
      auth: { type: 'bearer', token: WEBHOOK_AUTHORIZATION.replace(/^Bearer /, '') },
    });
  }

  /** RSS in MB of each part (workers summed and listed). */
  rss(): { temporal: number; records: number; simulators: number; api: number; workers: number[] } {
    return {
      temporal: rssMb(this.temporal?.pid),
      records: rssMb(this.recordsServer?.pid),
      simulators: rssMb(this.simulators?.pid),
      api: rssMb(this.api?.pid),
      workers: [...this.workers].map((w) => rssMb(w.pid)),
    };
  }

  // ---- teardown ----

  private node(name: string, entry: string, env: NodeJS.ProcessEnv): Child {
    // An IPC channel, as the supervisor gives its children: they shut down if this harness dies.
    return new Child(name, process.execPath, ['--import', 'tsx', join(ROOT, entry)], env, true);
  }

  private killAll(): void {
    for (const c of [this.api, ...this.workers, this.simulators, this.recordsServer, this.temporal])
      if (c?.alive) c.proc.kill('SIGKILL');
  }

  /**
   * Stops everything in the supervisor's order (API, workers, simulators, the records store, Temporal) and removes
   * the data folder.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.api?.stop('SIGTERM', 10_000);
    await Promise.all([...this.workers].map((w) => w.stop('SIGTERM', 15_000)));
    await this.simulators?.stop('SIGTERM', 10_000);
    // Its own pool first, then the server (SIGTERM: rolls back what is open, closes PGlite cleanly).
    await this.recordsPool?.close().catch(() => undefined);
    await this.recordsServer?.stop('SIGTERM', 30_000);
    await this.connection?.close().catch(() => undefined);
    await this.temporal?.stop('SIGTERM', 20_000);
    await this.receiver.close();
    process.removeListener('exit', this.onExit);
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
    if (!process.env.CHAOS_KEEP_DATA) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
