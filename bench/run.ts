/**
 * `npm run bench`: measures the boleto path on the embedded stack (Temporal dev server with a SQLite file in WAL
 * mode, worker, API and the BS2 simulator, started by the real supervisor) and/or on the production-shaped cluster
 * (`npm run cluster`'s supervisor: Temporal server on PostgreSQL, N workers, API processes behind one port), and
 * prints a table. Writes JSON and Markdown under bench/results/. Figures from a 2-core machine are not production
 * capacity figures.
 *   BENCH_TARGET (default embedded): embedded | cluster | both. The ceiling runs once; the stack phases (warm-up,
 *   sustained, drain, fixed rate, webhook → visible, actions, memory, records store) run on each target, each on a
 *   fresh data folder; with a cluster target the results gain a comparison table, one column per target
 *   BENCH_CLUSTER_SHARDS (default 4), BENCH_CLUSTER_WORKERS (default 2): comma lists, one cluster per combination
 *   (e.g. BENCH_CLUSTER_SHARDS=1,4,16 BENCH_CLUSTER_WORKERS=1,2: six clusters); the cluster's other settings
 *   (CLUSTER_API_PROCESSES …) as `npm run cluster` reads them. BENCH_KEEP_DATA=1 keeps the clusters' data folders
 *   The fixed-rate phase (API → REGISTERED) runs at 40 % of the same target's sustained boletos/s, and says so
 *   BENCH_SECONDS (default 60): length of the sustained phase (the issue's target is 600)
 *   BENCH_CEILING_SECONDS (default BENCH_SECONDS): length of the ceiling phase
 *   BENCH_PROFILE=<dir>: V8 CPU profiles of the stack's processes, written there when they exit
 *   BENCH_NODE_FLAGS: node flags for every process of the stack (e.g. "--max-semi-space-size=32")
 *   BENCH_CONCURRENCY (default 24): in-flight requests in the sustained phase
 *   BENCH_POLL_MS (default 2): interval of the webhook phase's reads of the boleto (GET, a workflow query each)
 *   BENCH_STACK_LOG=<file>: the stack's standard output there (e.g. with BENCH_NODE_FLAGS="--trace-gc")
 *   DATABASE_URL: the records store on that PostgreSQL instead of the embedded PGlite (its four tables are counted
 *   and sized at the end, so give it a database of its own)
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { defaultPayloadConverter, type SearchAttributePair } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import pg from 'pg';
import { AccessRegistryClient } from '../src/access/registry-client';
import { appServiceEnv } from '../src/cluster/app';
import { readCompose } from '../src/cluster/compose';
import { temporalPorts } from '../src/cluster/temporal';
import { isPortFree } from '../src/supervisor/ports';
import { addDays, saoPauloDate, saoPauloInstant } from '../src/domain';
import { parsePayloadKeys } from '../src/temporal/codec';
import { encryptingDataConverter } from '../src/temporal/keys';
import { devServerArgs, waitForNamespace } from '../src/temporal/dev-server';
import {
  AccountId,
  AmountCents,
  Bank,
  BoletoStatus,
  DueDate,
  SeuNumero,
  TenantId,
} from '../src/contracts/search-attributes';
import {
  cpuSeconds,
  cpuSecondsTree,
  freePort,
  gitCommit,
  machine,
  pct,
  processTree,
  ROOT,
  rssMb,
  rssMbTree,
  sleep,
  writeResults,
} from './common';
import { formatStages, formatTimeline, stages, type Timeline, timeline } from './timeline';
import { awaitDone, ceiling } from './workflows/ceiling';
import { delta, formatDelta, snapshotAll } from './worker-metrics';
import { formatFootprint, stateChangeToStore, storeFootprint, webhookToStore } from './store-figures';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
/** The ceiling runs as long as the sustained phase by default: the database grows the same way in both. */
const CEILING_SECONDS = Number(process.env.BENCH_CEILING_SECONDS ?? SECONDS);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 24);
const WEBHOOK_AUTH = 'Bearer bench-webhook-secret';
/** The stages of a registration and of a webhook's way to the API, as the histories show them (bench/timeline.ts). */
const REGISTRATION_STAGES: [string, string][] = [
  ['sent', 'started'],
  ['started', 'wft-started'],
  ['wft-started', 'wft-completed'],
  ['update-completed', 'answered'],
];
const WEBHOOK_STAGES: [string, string][] = [
  ['sent', 'signal'],
  ['signal', 'wft-started'],
  ['wft-started', 'wft-completed'],
  ['wft-completed', 'answered'],
];
/** How often the webhook phase reads the boleto back through the API (each read is a workflow query). */
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 2);

/** The search attributes the API starts a boleto with, for the ceiling's workflows. */
const ceilingAttributes = (due: string): SearchAttributePair[] => [
  { key: BoletoStatus, value: 'REGISTERING' },
  { key: Bank, value: 'BS2' },
  { key: AccountId, value: 'bench-ceiling' },
  { key: TenantId, value: 'demo' },
  { key: DueDate, value: new Date(saoPauloInstant(due)) },
  { key: SeuNumero, value: randomUUID().slice(0, 10).toUpperCase() },
  { key: AmountCents, value: 10_000 },
];

/**
 * (1) The ceiling: a registration's shape (bench/workflows/ceiling.ts), no HTTP, an in-process worker, on a dev
 * server of its own started with the embedded stack's arguments on a fresh SQLite file. Its workflows stay open on
 * timers as boletos do, so the database grows alike; on its own server they do not weigh on the boleto phases.
 */
async function measureCeiling(seconds: number): Promise<{
  seconds: number;
  completed: number;
  perSecond: number;
  cores: { temporal: number; workerAndLoad: number };
}> {
  const dataDir = mkdtempSync(join(tmpdir(), 'boletoflow-bench-ceiling-'));
  const port = await freePort();
  const cli = join(ROOT, '.tools', 'bin', 'temporal');
  const server = spawn(
    cli,
    devServerArgs({ cliPath: cli, dataDir, ip: '127.0.0.1', port, uiPort: await freePort(), namespace: 'boletoflow' }),
    { stdio: 'ignore' },
  );
  try {
    await waitForNamespace(`127.0.0.1:${port}`, 'boletoflow', 60_000);
    const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    const client = new Client({ connection, namespace: 'boletoflow' });
    const worker = await Worker.create({
      connection: await NativeConnection.connect({ address: `127.0.0.1:${port}` }),
      namespace: 'boletoflow',
      taskQueue: 'bench-ceiling',
      workflowsPath: require.resolve('./workflows/ceiling'),
      activities: { noop: () => Promise.resolve('ok') },
    });
    const due = addDays(saoPauloDate(Date.now()), 20);
    const once = () =>
      client.workflow.executeUpdateWithStart(awaitDone, {
        startWorkflowOperation: new WithStartWorkflowOperation(ceiling, {
          workflowId: randomUUID(),
          taskQueue: 'bench-ceiling',
          workflowIdConflictPolicy: 'USE_EXISTING',
          typedSearchAttributes: ceilingAttributes(due),
        }),
      });
    let done = 0;
    const self = () => (process.cpuUsage().user + process.cpuUsage().system) / 1e6;
    let cpu = { temporal: 0, self: 0 };
    await worker.runUntil(async () => {
      for (let i = 0; i < 10; i++) await once(); // warm-up, as for the boletos
      cpu = { temporal: cpuSeconds(server.pid), self: self() };
      const end = Date.now() + seconds * 1000;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (Date.now() < end) {
            await once();
            done++;
          }
        }),
      );
    });
    const cores = {
      temporal: +((cpuSeconds(server.pid) - cpu.temporal) / seconds).toFixed(2),
      workerAndLoad: +((self() - cpu.self) / seconds).toFixed(2),
    };
    await connection.close();
    return { seconds, completed: done, perSecond: +(done / seconds).toFixed(1), cores };
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
}

/**
 * What the stack phases run against: the embedded stack (`npm start`'s supervisor, src/main.ts) or the
 * production-shaped cluster (`npm run cluster`'s, src/cluster/main.ts) with that many history shards and workers.
 */
type Target = { kind: 'embedded' } | { kind: 'cluster'; shards: number; workers: number };
const targetLabel = (t: Target): string =>
  t.kind === 'embedded'
    ? 'embedded'
    : `cluster ${t.shards} shard${t.shards === 1 ? '' : 's'}, ${t.workers} worker${t.workers === 1 ? '' : 's'}`;

/** BENCH_TARGET=embedded|cluster|both; BENCH_CLUSTER_SHARDS / BENCH_CLUSTER_WORKERS: comma lists, one cluster per combination. */
function targetsFromEnv(): Target[] {
  const which = (process.env.BENCH_TARGET ?? 'embedded').trim() || 'embedded';
  if (!['embedded', 'cluster', 'both'].includes(which))
    throw new Error(`BENCH_TARGET=${which}: embedded, cluster or both`);
  const list = (name: string, def: string): number[] => {
    const xs = (process.env[name]?.trim() || def)
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)
      .map(Number);
    if (!xs.length || xs.some((x) => !Number.isInteger(x) || x < 1))
      throw new Error(`${name}=${process.env[name]}: a comma list of positive integers`);
    return xs;
  };
  const out: Target[] = which === 'cluster' ? [] : [{ kind: 'embedded' }];
  if (which !== 'embedded') {
    for (const shards of list('BENCH_CLUSTER_SHARDS', '4'))
      for (const workers of list('BENCH_CLUSTER_WORKERS', '2')) out.push({ kind: 'cluster', shards, workers });
  }
  return out;
}

/** Share of the target's own sustained throughput the fixed-rate phase runs at. */
const FIXED_RATE_SHARE = 0.4;

/** The process kinds whose CPU and memory are reported, in table order, with their labels. */
const KIND_LABELS: Record<string, string> = {
  temporal: 'temporal server',
  worker: 'worker(s)',
  api: 'API (cluster: primary + processes)',
  simulators: 'simulators',
  records: 'records store (embedded PGlite)',
  postgres: 'PostgreSQL (cluster: Temporal + records store)',
  ui: 'Temporal Web UI (cluster: ui-server)',
};

/** A running stack, whichever supervisor started it. */
interface Stack {
  target: Target;
  dataDir: string;
  base: string;
  temporalAddress: string;
  metricsUrls: string[];
  recordsUrl: string;
  recordsStore: string;
  externalRecords: boolean;
  kinds: readonly string[];
  /** Cumulative CPU seconds of one process kind (NaN when it is not running). */
  cpu(kind: string): number;
  rss(kind: string): number;
  /** Stops the supervisor; the pids of its tree still alive half a second after it exited. */
  stop(): Promise<{ leftBehind: number[] }>;
}

const pidIn = (dataDir: string, n: string): number => {
  try {
    return (JSON.parse(readFileSync(join(dataDir, 'run', `${n}.pid`), 'utf8')) as { pid: number }).pid;
  } catch {
    return NaN;
  }
};

/** Node flags for every process of the stack (BENCH_PROFILE, BENCH_NODE_FLAGS). */
function nodeFlags(): string[] {
  // BENCH_PROFILE=<dir>: every process of the stack (they inherit the supervisor's node flags) writes a V8 CPU profile there on exit.
  // BENCH_NODE_FLAGS: more node flags for every process of the stack (e.g. GC settings to try).
  return [
    ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
    ...(process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
  ];
}

/** Spawns a supervisor and resolves when its banner says `marker`; fails with the end of its output if it exits first. */
async function startSupervisor(
  script: string,
  env: NodeJS.ProcessEnv,
  marker: string,
  timeoutMs: number,
  stdio: 'inherit' | 'pipe',
): Promise<{ sup: ChildProcess; stopSup: () => Promise<{ leftBehind: number[] }> }> {
  const sup: ChildProcess = spawn(process.execPath, [...nodeFlags(), '--import', 'tsx', join(ROOT, script)], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', stdio],
  });
  supervisors.add(sup);
  let up = false;
  let tail = '';
  // One file for the whole run: every target's stack writes to it in turn.
  stackLog ??= process.env.BENCH_STACK_LOG ? createWriteStream(process.env.BENCH_STACK_LOG) : undefined;
  const keep = (d: Buffer) => {
    if (!up) {
      tail = (tail + d.toString()).slice(-8000);
      up = tail.includes(marker);
    }
    stackLog?.write(d);
  };
  sup.stdout!.on('data', keep);
  sup.stderr?.on('data', keep);
  const t0 = Date.now();
  while (!up) {
    if (sup.exitCode !== null)
      throw new Error(`${script} exited (${sup.exitCode}) before it was up:\n${tail.slice(-3000)}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`${script} was not up in ${timeoutMs} ms:\n${tail.slice(-3000)}`);
    await sleep(300);
  }
  const stopSup = async () => {
    const tree = processTree(sup.pid).slice(1);
    if (sup.exitCode === null) {
      sup.kill('SIGTERM');
      await new Promise((r) => sup.once('exit', r));
    }
    supervisors.delete(sup);
    await sleep(500);
    return { leftBehind: tree.filter(isRunning) };
  };
  return { sup, stopSup };
}

/** Alive and not a zombie (from /proc). */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}

/** BENCH_STACK_LOG's file. */
let stackLog: ReturnType<typeof createWriteStream> | undefined;

/** Supervisors started and not yet stopped: stopped if the bench fails half-way. */
const supervisors = new Set<ChildProcess>();

/** (embedded) `npm start`'s supervisor, src/main.ts, on a fresh data folder and free ports. */
async function startEmbedded(): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'boletoflow-bench-'));
  const ports = {
    API_PORT: await freePort(),
    TEMPORAL_PORT: await freePort(),
    TEMPORAL_UI_PORT: await freePort(),
    WORKER_METRICS_PORT: await freePort(),
    SIM_BS2_PORT: await freePort(),
    SIM_ITAU_PORT: await freePort(),
    SIM_ITAU_PUBLIC_PORT: await freePort(),
    RECORDS_PORT: await freePort(),
  };
  const env = {
    ...process.env,
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'error',
    BS2_WEBHOOK_AUTHORIZATION: WEBHOOK_AUTH,
    API_RATE_LIMIT_PER_MINUTE: '1000000',
  };
  // The records store the stack uses: the embedded PGlite on RECORDS_PORT, or DATABASE_URL when set (as src/config/records.ts).
  const externalRecords = !!process.env.DATABASE_URL?.trim();
  const recordsUrl = externalRecords
    ? process.env.DATABASE_URL!.trim()
    : `postgres://postgres@127.0.0.1:${ports.RECORDS_PORT}/postgres`;
  process.stdout.write(`starting the embedded stack in ${dataDir} …\n`);
  const { stopSup } = await startSupervisor('src/main.ts', env, 'is up', 180_000, 'inherit');
  // 'records': the embedded PGlite server (absent with DATABASE_URL: its figures are NaN then).
  return {
    target: { kind: 'embedded' },
    dataDir,
    base: `http://127.0.0.1:${ports.API_PORT}`,
    temporalAddress: `127.0.0.1:${ports.TEMPORAL_PORT}`,
    metricsUrls: [`http://127.0.0.1:${ports.WORKER_METRICS_PORT}/metrics`],
    recordsUrl,
    recordsStore: externalRecords ? 'DATABASE_URL' : 'embedded PGlite',
    externalRecords,
    kinds: ['temporal', 'worker', 'api', 'simulators', 'records'],
    cpu: (k) => cpuSeconds(pidIn(dataDir, k)),
    rss: (k) => rssMb(pidIn(dataDir, k)),
    stop: stopSup,
  };
}

/** A frontend port whose whole block of Temporal service ports (src/cluster/temporal.ts) is free and below 32768. */
async function temporalBase(taken: Set<number>): Promise<number> {
  for (;;) {
    const base = 12_000 + Math.floor(Math.random() * 18_000);
    const ports = Object.values(temporalPorts(base));
    if (
      ports.every((p) => p > 1024 && p < 32_768 && !taken.has(p)) &&
      (await Promise.all(ports.map((p) => isPortFree(p, '127.0.0.1')))).every(Boolean)
    ) {
      for (const p of ports) taken.add(p);
      return base;
    }
  }
}

/** (cluster) `npm run cluster`'s supervisor, src/cluster/main.ts, on a fresh data folder (shards are fixed at creation) and free ports. */
async function startCluster(t: Extract<Target, { kind: 'cluster' }>, tools: string): Promise<Stack> {
  const dataDir = mkdtempSync('/tmp/boletoflow-bench-cluster-');
  chmodSync(dataDir, 0o755); // PostgreSQL runs as the postgres user when we are root, and must reach DATA_DIR/cluster
  const taken = new Set<number>();
  const distinct = async (): Promise<number> => {
    for (;;) {
      const p = await freePort();
      if (!taken.has(p)) return (taken.add(p), p);
    }
  };
  const ports = {
    API_PORT: await distinct(),
    TEMPORAL_UI_PORT: await distinct(),
    CLUSTER_POSTGRES_PORT: await distinct(),
    SIM_BS2_PORT: await distinct(),
    SIM_ITAU_PORT: await distinct(),
    SIM_ITAU_PUBLIC_PORT: await distinct(),
  };
  const temporalPort = await temporalBase(taken);
  // One metrics port per worker, consecutive from WORKER_METRICS_PORT (src/cluster/main.ts).
  let metricsBase = 0;
  for (;;) {
    metricsBase = await distinct();
    const block = Array.from({ length: t.workers }, (_, i) => metricsBase + i);
    if (
      block.every((p) => p < 65_536 && (p === metricsBase || !taken.has(p))) &&
      (await Promise.all(block.map((p) => isPortFree(p, '0.0.0.0')))).every(Boolean)
    ) {
      for (const p of block) taken.add(p);
      break;
    }
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    TEMPORAL_PORT: String(temporalPort),
    WORKER_METRICS_PORT: String(metricsBase),
    CLUSTER_TEMPORAL_TOOLS: tools,
    CLUSTER_HISTORY_SHARDS: String(t.shards),
    CLUSTER_WORKERS: String(t.workers),
    DATA_DIR: dataDir,
    // The cluster's own Temporal, PostgreSQL, payload key and simulators, whatever this shell has set.
    TEMPORAL_ADDRESS: '',
    DATABASE_URL: '',
    PAYLOAD_ENCRYPTION_KEYS: '',
    BS2_BASE_URL: '',
    ITAU_CLIENT_ID: '',
    API_HOST: '127.0.0.1',
    // The supervisor's own log; its workers and API processes log at compose's level (info), as in production.
    LOG_LEVEL: 'error',
    BS2_WEBHOOK_AUTHORIZATION: WEBHOOK_AUTH,
    API_RATE_LIMIT_PER_MINUTE: '1000000',
  };
  process.stdout.write(`starting the ${targetLabel(t)} in ${dataDir} …\n`);
  const { stopSup } = await startSupervisor('src/cluster/main.ts', env, 'is up as a cluster', 300_000, 'pipe');
  // The records store's URL as the cluster gives it to its workers (docker-compose.yml's, host and port replaced).
  const compose = readCompose({ ...process.env, PAYLOAD_ENCRYPTION_KEYS: 'bench:unused' });
  const recordsUrl = appServiceEnv(compose, 'boletoflow-worker', {
    temporalPort,
    pgPort: ports.CLUSTER_POSTGRES_PORT,
    apiPort: ports.API_PORT,
    uiPort: ports.TEMPORAL_UI_PORT,
  }).DATABASE_URL!;
  const workers = Array.from({ length: t.workers }, (_, i) => `worker-${i + 1}`);
  const names: Record<string, string[]> = {
    temporal: ['temporal-server'],
    worker: workers,
    api: ['api'],
    simulators: ['simulators'],
    postgres: ['postgres'],
    ui: ['temporal-ui'],
  };
  const sum = (k: string, f: (pid: number) => number) => (names[k] ?? []).reduce((a, n) => a + f(pidIn(dataDir, n)), 0);
  return {
    target: t,
    dataDir,
    base: `http://127.0.0.1:${ports.API_PORT}`,
    temporalAddress: `127.0.0.1:${temporalPort}`,
    metricsUrls: workers.map((_, i) => `http://127.0.0.1:${metricsBase + i}/metrics`),
    recordsUrl,
    recordsStore: "the cluster's PostgreSQL",
    externalRecords: true,
    kinds: ['temporal', 'worker', 'api', 'simulators', 'postgres', 'ui'],
    cpu: (k) => sum(k, cpuSecondsTree),
    rss: (k) => sum(k, rssMbTree),
    stop: async () => {
      const r = await stopSup();
      if (!process.env.BENCH_KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });
      return r;
    },
  };
}

type Ceiling = Awaited<ReturnType<typeof measureCeiling>>;

/** The phases on one stack: (2) sustained, drain, (3) fixed rate, (4) webhook → visible, (5) actions, (6) memory, (7) the records store. */
async function runPhases(stack: Stack): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  const { base, recordsUrl } = stack;
  const PROCESSES = stack.kinds;
  const cpuNow = () =>
    Object.fromEntries([
      ...PROCESSES.map((n) => [n, stack.cpu(n)]),
      ['bench', process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6],
    ]) as Record<string, number>;
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const client = new Client({
      connection,
      namespace: 'boletoflow',
      dataConverter: encryptingDataConverter(
        parsePayloadKeys(readFileSync(join(stack.dataDir, 'payload-keys'), 'utf8').trim()),
      ),
    });
    const registry = new AccessRegistryClient(client, 'boletoflow');
    await registry.createTenant('demo', 'Bench');
    const key = (await registry.createApiKey('demo', 'integrator')).token;
    const auth = { Authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const due = addDays(saoPauloDate(Date.now()), 20);
    const payer = {
      name: 'Maria da Silva',
      document: '52998224725',
      address: {
        street: 'Rua A',
        number: '1',
        district: 'Centro',
        city: 'Sao Paulo',
        state: 'SP',
        zipCode: '01001000',
      },
    };

    /**
     * Where the time went, from every sample's history (bench/timeline.ts): percentiles per stage, and the slowest
     * samples' timelines; printed and kept in the results.
     */
    async function explain(
      samples: { id: string; sentAt: number; ms: number }[],
      steps: [string, string][],
    ): Promise<{ stages: ReturnType<typeof stages>; slowest: Timeline[] }> {
      const all: Timeline[] = [];
      for (let i = 0; i < samples.length; i += 20)
        all.push(...(await Promise.all(samples.slice(i, i + 20).map((s) => timeline(client, s.id, s.sentAt, s.ms)))));
      const result = {
        stages: stages(all, steps),
        slowest: [...all].sort((a, b) => b.totalMs - a.totalMs).slice(0, 5),
      };
      for (const l of formatStages(result.stages)) process.stdout.write(`    ${l}\n`);
      for (const l of result.slowest) process.stdout.write(`    ${formatTimeline(l)}\n`);
      return result;
    }

    async function register(): Promise<{ ms: number; status: number; id?: string; seu?: string; nn?: string }> {
      const t = performance.now();
      const r = await fetch(`${base}/v1/boletos`, {
        method: 'POST',
        headers: { ...auth, 'Idempotency-Key': randomUUID() },
        body: JSON.stringify({ accountId: 'bs2-default', amountCents: 10_000, dueDate: due, payer }),
      });
      const j = (await r.json()) as { id?: string; seuNumero?: string; nossoNumero?: string };
      return {
        ms: performance.now() - t,
        status: r.status,
        ...(j.id ? { id: j.id, seu: j.seuNumero, nn: j.nossoNumero } : {}),
      };
    }

    // Warm-up: bundles, token keeper, connections.
    for (let i = 0; i < 10; i++) await register();

    // (2) Sustained end-to-end registration through the API, closed loop.
    const registered: { id: string; seu: string }[] = [];
    let sustainedPerSecond = 0;
    {
      const lat: number[] = [];
      let ok = 0;
      let other = 0;
      const end = Date.now() + SECONDS * 1000;
      // Every 30 s: boletos/s in the window and each process's share of a core (where the time goes as the database grows).
      const windows: { atS: number; perSecond: number; cpu: Record<string, number> }[] = [];
      let last = { t: Date.now(), ok: 0, cpu: cpuNow() };
      const sampler = setInterval(() => {
        const now = { t: Date.now(), ok, cpu: cpuNow() };
        const dt = (now.t - last.t) / 1000;
        const cpu = Object.fromEntries(
          Object.keys(now.cpu).map((k) => [k, +((now.cpu[k]! - last.cpu[k]!) / dt).toFixed(2)]),
        );
        windows.push({
          atS: Math.round((now.t - end) / 1000 + SECONDS),
          perSecond: +((now.ok - last.ok) / dt).toFixed(1),
          cpu,
        });
        process.stdout.write(
          `  ${windows.at(-1)!.atS} s: ${windows.at(-1)!.perSecond}/s, cores ${JSON.stringify(cpu)}\n`,
        );
        last = now;
      }, 30_000);
      const startCpu = cpuNow();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (Date.now() < end) {
            const r = await register();
            if (r.status === 201) {
              ok++;
              lat.push(r.ms);
              if (registered.length < 300) registered.push({ id: r.id!, seu: r.seu! });
            } else other++;
          }
        }),
      );
      clearInterval(sampler);
      const endCpu = cpuNow();
      const cores = Object.fromEntries(
        Object.keys(endCpu).map((k) => [k, +((endCpu[k]! - startCpu[k]!) / SECONDS).toFixed(2)]),
      );
      sustainedPerSecond = ok / SECONDS;
      results.sustained = {
        seconds: SECONDS,
        concurrency: CONCURRENCY,
        registered: ok,
        notRegistered: other,
        perSecond: +(ok / SECONDS).toFixed(1),
        p50ms: Math.round(pct(lat, 50)),
        p99ms: Math.round(pct(lat, 99)),
        cores,
        windows,
      };
      process.stdout.write(
        `sustained: ${(ok / SECONDS).toFixed(1)} boletos/s (${other} not 201); cores used ${JSON.stringify(cores)}\n`,
      );
    }

    // The server drains what the closed loop left queued (visibility updates, task deletions) before the fixed-rate
    // phases: they measure latency at a fixed rate on the grown database, not the recovery from overload. How long
    // that took is reported.
    {
      const started = Date.now();
      let drained = false;
      while (!drained && Date.now() - started < 180_000) {
        const before = stack.cpu('temporal');
        await sleep(5_000);
        drained = (stack.cpu('temporal') - before) / 5 < 0.2;
      }
      results.drain = { seconds: Math.round((Date.now() - started) / 1000), drained };
      process.stdout.write(
        `server drained its backlog in ${Math.round((Date.now() - started) / 1000)} s${drained ? '' : ' (not quite: still busy)'}\n`,
      );
    }

    // (3) Fixed rate, 40 % of this stack's own sustained throughput (so that the latency is measured at the same
    // load relative to capacity on every machine and target): API → REGISTERED latency. The requests are sent on a
    // schedule (the i-th at i / rate s), not after a sleep each, so the rate holds whatever a send costs.
    const fixedRateFrom = Date.now();
    {
      const rate = Math.max(1, +(FIXED_RATE_SHARE * sustainedPerSecond).toFixed(1));
      const samples: { id: string; sentAt: number; ms: number }[] = [];
      const metricsBefore = await snapshotAll(stack.metricsUrls);
      const n = Math.min(300, Math.max(2, Math.round(SECONDS * rate)));
      const pending: Promise<void>[] = [];
      const t0 = Date.now();
      let lastSent = t0;
      for (let i = 0; i < n; i++) {
        const wait = t0 + (i * 1000) / rate - Date.now();
        if (wait > 0) await sleep(wait);
        const sentAt = (lastSent = Date.now());
        pending.push(register().then((r) => void (r.status === 201 && samples.push({ id: r.id!, sentAt, ms: r.ms }))));
      }
      await Promise.all(pending);
      const worker = delta(metricsBefore, await snapshotAll(stack.metricsUrls));
      const lat = samples.map((s) => s.ms);
      const achieved = +((n - 1) / Math.max(0.001, (lastSent - t0) / 1000)).toFixed(1);
      results.fixedRate = {
        ratePerSecond: rate,
        shareOfSustained: FIXED_RATE_SHARE,
        achievedPerSecond: achieved,
        requests: n,
        registered: samples.length,
        p50ms: Math.round(pct(lat, 50)),
        p95ms: Math.round(pct(lat, 95)),
        p99ms: Math.round(pct(lat, 99)),
        ...(await explain(samples, REGISTRATION_STAGES)),
        worker,
      };
      for (const l of formatDelta(worker)) process.stdout.write(`    ${l}\n`);
      process.stdout.write(
        `${rate}/s (${FIXED_RATE_SHARE * 100} % of sustained; sent at ${achieved}/s): p50 ${pct(lat, 50).toFixed(0)} ms, p99 ${pct(lat, 99).toFixed(0)} ms\n`,
      );
    }

    // (4) Webhook → state visible (one webhook at a time, each read back until PAID: not rate-driven), and (5)
    // actions per boleto (register → paid → settled) from histories.
    {
      const samples: { id: string; sentAt: number; ms: number }[] = [];
      const metricsBefore = await snapshotAll(stack.metricsUrls);
      const sample = registered.slice(0, 300);
      let n = 0;
      const hook = (seu: string, statuses: number[]) =>
        fetch(`${base}/webhooks/bs2/bs2-default`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', Authorization: WEBHOOK_AUTH },
          body: JSON.stringify({
            Id: randomUUID(),
            NossoNumeroBoleto: 1,
            SeuNumeroBoleto: seu,
            StatusBoleto: statuses.map((s) => ({ Status: s, DataStatus: new Date().toISOString() })),
            ValorLiquidado: 100,
          }),
        });
      for (const b of sample) {
        const sentAt = Date.now();
        const t = performance.now();
        await hook(b.seu, [1, 2]);
        for (;;) {
          const v = (await (await fetch(`${base}/v1/boletos/${b.id}`, { headers: auth })).json()) as { status: string };
          if (v.status === 'PAID') break;
          await sleep(POLL_MS);
        }
        samples.push({ id: b.id, sentAt, ms: performance.now() - t });
        await hook(b.seu, [1, 2, 3]);
        n++;
      }
      const worker = delta(metricsBefore, await snapshotAll(stack.metricsUrls));
      const lat = samples.map((s) => s.ms);
      results.webhookToVisible = {
        samples: n,
        p50ms: Math.round(pct(lat, 50)),
        p99ms: Math.round(pct(lat, 99)),
        ...(await explain(samples, WEBHOOK_STAGES)),
        worker,
      };
      for (const l of formatDelta(worker)) process.stdout.write(`    ${l}\n`);
      process.stdout.write(`webhook → visible: p50 ${pct(lat, 50).toFixed(0)} ms, p99 ${pct(lat, 99).toFixed(0)} ms\n`);
      // The same samples, webhook → PAID in the records store, read from the store once, after the phase (no polling).
      results.webhookToStore = await withRecordsDb(recordsUrl, (db) => webhookToStore(db, samples));
      const ws = results.webhookToStore as { p50ms: number; p99ms: number; missing: number };
      process.stdout.write(
        `webhook → PAID in the records store: p50 ${ws.p50ms} ms, p99 ${ws.p99ms} ms${ws.missing ? ` (${ws.missing} samples without a PAID event)` : ''}\n`,
      );

      const target = sample[0]!;
      for (let i = 0; i < 200; i++) {
        const v = (await (await fetch(`${base}/v1/boletos/${target.id}`, { headers: auth })).json()) as {
          status: string;
        };
        if (v.status === 'SETTLED') break;
        await sleep(20);
      }
      await sleep(1500); // deliveries of the last event
      const history = await client.workflow.getHandle(target.id).fetchHistory();
      const count = (pred: (e: NonNullable<typeof history.events>[number]) => unknown) =>
        (history.events ?? []).filter(pred).length;
      const actions = {
        workflowStarted: 1,
        activities: count((e) => e.activityTaskScheduledEventAttributes),
        // Only local-activity markers are billed; patch markers (patched()) are not.
        localActivities: count((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity'),
        timers: count((e) => e.timerStartedEventAttributes),
        signals: count((e) => e.workflowExecutionSignaledEventAttributes),
        updates: count((e) => e.workflowExecutionUpdateAcceptedEventAttributes),
        searchAttributeUpserts: count((e) => e.upsertWorkflowSearchAttributesEventAttributes),
      };
      const total = Object.values(actions).reduce((a, b) => a + b, 0);
      const statuses = (history.events ?? []).flatMap((e) => {
        const f = e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields?.BoletoStatus;
        return f ? [defaultPayloadConverter.fromPayload<string>(f)] : [];
      });
      results.actionsPerBoleto = { total, ...actions, statuses, transitions: statuses.length };
      process.stdout.write(`actions per boleto (register → paid → settled): ${total}\n`);
    }

    // (6) Memory.
    {
      results.rssMb = Object.fromEntries(PROCESSES.map((n) => [n, stack.rss(n)]));
    }

    // (7) The records store at the end of the run: state change → store for every row the worker wrote last, and
    // rows and bytes per boleto.
    {
      await withRecordsDb(recordsUrl, async (db) => {
        // The fixed-rate phases (registrations at a fixed rate, the webhook samples' settlements): comparable with
        // their own latencies. Every row, the closed loop's included, for what the store lags under saturation.
        results.stateChangeToStore = await stateChangeToStore(db, fixedRateFrom);
        results.stateChangeToStoreAllRows = await stateChangeToStore(db);
        results.recordsFootprint = { store: stack.recordsStore, ...(await storeFootprint(db)) };
      });
      const f = formatFootprint(results.recordsFootprint as Awaited<ReturnType<typeof storeFootprint>>);
      process.stdout.write(`records store: ${f.rows}; ${f.bytes}\n`);
    }
  } finally {
    await connection.close();
  }
  return results;
}

/** The figures of one target's phases, as the table reads them. */
interface Phases {
  sustained: {
    perSecond: number;
    seconds: number;
    concurrency: number;
    p50ms: number;
    p99ms: number;
    notRegistered: number;
    cores: Record<string, number>;
    windows: { perSecond: number }[];
  };
  drain: { seconds: number; drained: boolean };
  fixedRate: { ratePerSecond: number; achievedPerSecond: number; p50ms: number; p95ms: number; p99ms: number };
  webhookToVisible: { p50ms: number; p99ms: number };
  webhookToStore: { p50ms: number; p99ms: number; samples: number; missing: number };
  stateChangeToStore: { p50ms: number; p99ms: number; samples: number; apiWritten: number };
  stateChangeToStoreAllRows: { p50ms: number; p99ms: number; samples: number; apiWritten: number };
  recordsFootprint: Awaited<ReturnType<typeof storeFootprint>> & { store: string };
  actionsPerBoleto: { total: number; transitions: number };
  rssMb: Record<string, number>;
}

const fixedRateLabel = (f: Phases['fixedRate']) =>
  `API → REGISTERED at ${f.ratePerSecond}/s (${FIXED_RATE_SHARE * 100} % of the boletos/s above)`;

/** One target's table: the embedded stack's rows are today's (only the fixed-rate row says its rate). */
function detailRows(
  ceil: Ceiling,
  r: Phases,
  target: Target,
  kinds: readonly string[],
  externalRecords: boolean,
): string[][] {
  const ratio = r.sustained.perSecond / ceil.perSecond;
  const embedded = target.kind === 'embedded';
  const clusterKinds = kinds.filter((k) => k !== 'postgres');
  const coresRow = embedded
    ? [
        'cores used in the sustained phase (temporal / worker / api / simulators / load generator)',
        `${r.sustained.cores.temporal} / ${r.sustained.cores.worker} / ${r.sustained.cores.api} / ${r.sustained.cores.simulators} / ${r.sustained.cores.bench}`,
        '',
      ]
    : [
        `cores used in the sustained phase (${[...clusterKinds, 'load generator'].join(' / ')}; each summed over its processes)`,
        [...clusterKinds.map((k) => r.sustained.cores[k]), r.sustained.cores.bench].join(' / '),
        '',
      ];
  const rssRow = embedded
    ? [
        'RSS MB (temporal / worker / api / simulators)',
        `${r.rssMb.temporal} / ${r.rssMb.worker} / ${r.rssMb.api} / ${r.rssMb.simulators}`,
        '',
      ]
    : [
        `memory MB (${clusterKinds.join(' / ')}; PSS summed over each kind's processes)`,
        clusterKinds.map((k) => r.rssMb[k]).join(' / '),
        '',
      ];
  const storeRow = embedded
    ? [
        'records store process: cores in the sustained phase / RSS MB',
        externalRecords ? 'n/a (DATABASE_URL)' : `${r.sustained.cores.records} / ${r.rssMb.records}`,
        '',
      ]
    : [
        "PostgreSQL (postmaster and every backend; Temporal's persistence and visibility, and the records store): cores in the sustained phase / PSS MB",
        `${r.sustained.cores.postgres} / ${r.rssMb.postgres}`,
        '',
      ];
  return [
    [`ceiling (a registration's shape, no-op activities, ${ceil.seconds}s)`, `${ceil.perSecond} workflows/s`, ''],
    [
      'cores used in the ceiling phase (temporal / worker and load generator)',
      `${ceil.cores.temporal} / ${ceil.cores.workerAndLoad}`,
      '',
    ],
    [
      `boletos registered end to end (${r.sustained.seconds}s, ${r.sustained.concurrency} in flight)`,
      `${r.sustained.perSecond} boletos/s`,
      '≥ 25/s for 600 s',
    ],
    ['ratio to the ceiling', ratio.toFixed(2), '≥ 0.8'],
    ['boletos/s per 30 s window (first → last)', r.sustained.windows.map((w) => w.perSecond).join(', '), ''],
    coresRow,
    [
      'server busy after the sustained phase (until under 0.2 cores)',
      `${r.drain.seconds} s${r.drain.drained ? '' : ' (still busy at 180 s)'}`,
      '',
    ],
    [
      fixedRateLabel(r.fixedRate),
      `p50 ${r.fixedRate.p50ms} ms, p95 ${r.fixedRate.p95ms} ms, p99 ${r.fixedRate.p99ms} ms`,
      'p99 ≤ 200 ms',
    ],
    [
      'webhook → state visible',
      `p50 ${r.webhookToVisible.p50ms} ms, p99 ${r.webhookToVisible.p99ms} ms`,
      'p99 ≤ 100 ms',
    ],
    ['Temporal Cloud actions per boleto (register → paid → settled)', String(r.actionsPerBoleto.total), '≤ 15'],
    ['status transitions per boleto', String(r.actionsPerBoleto.transitions), ''],
    rssRow,
    [
      "webhook → PAID in the records store (the event row's recorded_at − webhook sent; same samples)",
      `p50 ${r.webhookToStore.p50ms} ms, p99 ${r.webhookToStore.p99ms} ms${r.webhookToStore.missing ? ` (${r.webhookToStore.missing} missing)` : ''}`,
      '',
    ],
    [
      `state change → records store in the fixed-rate phases (record_updated_at − view_updated_at of the ${r.stateChangeToStore.samples} rows the worker wrote last)`,
      `p50 ${r.stateChangeToStore.p50ms} ms, p99 ${r.stateChangeToStore.p99ms} ms`,
      '',
    ],
    [
      `state change → records store, every row (${r.stateChangeToStoreAllRows.samples} the worker wrote last, the closed loop's included; ${r.stateChangeToStoreAllRows.apiWritten} last written by the API)`,
      `p50 ${r.stateChangeToStoreAllRows.p50ms} ms, p99 ${r.stateChangeToStoreAllRows.p99ms} ms`,
      '',
    ],
    [`records store rows per boleto (${r.recordsFootprint.store})`, formatFootprint(r.recordsFootprint).rows, ''],
    [
      'records store bytes per boleto (pg_total_relation_size of the four tables / boletos)',
      formatFootprint(r.recordsFootprint).bytes,
      '',
    ],
    storeRow,
  ];
}

const table = (header: string[], rows: string[][]): string =>
  [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((x) => `| ${x.join(' | ')} |`),
  ].join('\n');

interface TargetOutcome {
  target: Target;
  label: string;
  kinds: readonly string[];
  phases?: Phases;
  error?: string;
  leftBehind?: number[];
}

/** One column per target: the figures the issue compares. */
function comparison(ceil: Ceiling, outcomes: TargetOutcome[]): { header: string[]; rows: string[][] } {
  const kinds = Object.keys(KIND_LABELS).filter((k) => outcomes.some((o) => o.kinds.includes(k)));
  const col = (f: (p: Phases, o: TargetOutcome) => string) =>
    outcomes.map((o) => (o.phases ? f(o.phases, o) : `failed: ${o.error?.split('\n')[0]?.slice(0, 120) ?? '?'}`));
  const n = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '—' : String(x));
  const total = (xs: Record<string, number>, o: TargetOutcome) =>
    +o.kinds.reduce((a, k) => a + (Number.isNaN(xs[k]!) ? 0 : (xs[k] ?? 0)), 0).toFixed(2);
  const rows: string[][] = [
    [
      `ceiling (workflows/s; one per bench run, ${ceil.seconds} s on its own dev server)`,
      ...col(() => String(ceil.perSecond)),
    ],
    [`boletos/s end to end (${SECONDS} s, ${CONCURRENCY} in flight)`, ...col((p) => String(p.sustained.perSecond))],
    ['ratio to the ceiling', ...col((p) => (p.sustained.perSecond / ceil.perSecond).toFixed(2))],
    ['boletos not registered (not 201) in the sustained phase', ...col((p) => String(p.sustained.notRegistered))],
    [
      `p99 API → REGISTERED (at ${FIXED_RATE_SHARE * 100} % of the column's boletos/s)`,
      ...col((p) => `${p.fixedRate.p99ms} ms at ${p.fixedRate.ratePerSecond}/s`),
    ],
    ['webhook → state visible p99 (one at a time)', ...col((p) => `${p.webhookToVisible.p99ms} ms`)],
    ['Temporal Cloud actions per boleto', ...col((p) => String(p.actionsPerBoleto.total))],
    ...kinds.map((k) => [
      `cores in the sustained phase: ${KIND_LABELS[k]}`,
      ...col((p, o) => (o.kinds.includes(k) ? n(p.sustained.cores[k]) : '—')),
    ]),
    ['cores in the sustained phase: load generator (this process)', ...col((p) => n(p.sustained.cores.bench))],
    ['cores in the sustained phase: the stack, all kinds', ...col((p, o) => String(total(p.sustained.cores, o)))],
    ...kinds.map((k) => [
      `memory MB at the end: ${KIND_LABELS[k]} (embedded: RSS; cluster: PSS summed over the kind's processes)`,
      ...col((p, o) => (o.kinds.includes(k) ? n(p.rssMb[k]) : '—')),
    ]),
    ['memory MB at the end: the stack, all kinds', ...col((p, o) => String(Math.round(total(p.rssMb, o))))],
  ];
  return { header: ['measure', ...outcomes.map((o) => o.label)], rows };
}

async function main(): Promise<void> {
  const targets = targetsFromEnv();
  const onlyEmbedded = targets.length === 1 && targets[0]!.kind === 'embedded';
  const results: Record<string, unknown> = {
    commit: gitCommit(),
    machine: machine(),
    settings: {
      seconds: SECONDS,
      ceilingSeconds: CEILING_SECONDS,
      concurrency: CONCURRENCY,
      pollMs: POLL_MS,
      nodeFlags: process.env.BENCH_NODE_FLAGS ?? '',
      ...(onlyEmbedded ? {} : { targets: targets.map(targetLabel), fixedRateShare: FIXED_RATE_SHARE }),
    },
  };
  // The cluster's Temporal server and UI binaries (built once, cached under .tools/) before the ceiling, so a build does not overlap it.
  const tools = targets.some((t) => t.kind === 'cluster')
    ? execFileSync('bash', [join(ROOT, 'scripts', 'temporal-server-bin.sh')], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }).trim()
    : '';
  if (tools)
    execFileSync('bash', [join(ROOT, 'scripts', 'postgres-bin.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  process.stdout.write(`ceiling (${CEILING_SECONDS} s on its own dev server) …\n`);
  const ceil = await measureCeiling(CEILING_SECONDS);
  results.ceiling = ceil;
  process.stdout.write(`ceiling: ${ceil.perSecond} workflows/s\n`);

  const outcomes: TargetOutcome[] = [];
  for (const target of targets) {
    const outcome: TargetOutcome = { target, label: targetLabel(target), kinds: [] };
    outcomes.push(outcome);
    let stack: Stack | undefined;
    try {
      stack = target.kind === 'embedded' ? await startEmbedded() : await startCluster(target, tools);
      outcome.kinds = stack.kinds;
      const phases = await runPhases(stack);
      outcome.phases = phases as unknown as Phases;
    } catch (e) {
      if (onlyEmbedded) throw e;
      outcome.error = (e as Error).stack ?? String(e);
      process.stderr.write(`${outcome.label} failed: ${outcome.error}\n`);
    } finally {
      if (stack) {
        outcome.leftBehind = (await stack.stop()).leftBehind;
        if (outcome.leftBehind.length)
          process.stderr.write(
            `${outcome.label}: processes left behind after its supervisor stopped: ${outcome.leftBehind.join(', ')}\n`,
          );
      }
    }
    if (outcome.phases && !onlyEmbedded)
      process.stdout.write(
        `\n${outcome.label}:\n${table(['measure', 'result', 'target'], detailRows(ceil, outcome.phases, target, outcome.kinds, stack?.externalRecords ?? false))}\n\n`,
      );
  }

  if (onlyEmbedded) {
    const o = outcomes[0]!;
    Object.assign(results, o.phases);
    const md = table(
      ['measure', 'result', 'target'],
      detailRows(ceil, o.phases!, o.target, o.kinds, !!process.env.DATABASE_URL?.trim()),
    );
    process.stdout.write(`\n${md}\n`);
    writeResults('bench', results, md, 'boletoflow bench');
    return;
  }
  const cmp = comparison(ceil, outcomes);
  results.targets = outcomes.map((o) => ({
    label: o.label,
    target: o.target,
    ...(o.phases ?? {}),
    ...(o.error ? { error: o.error } : {}),
    leftBehind: o.leftBehind ?? [],
  }));
  results.comparison = { header: cmp.header, rows: cmp.rows };
  const sections = outcomes.map(
    (o) =>
      `## ${o.label}\n\n${o.phases ? table(['measure', 'result', 'target'], detailRows(ceil, o.phases, o.target, o.kinds, o.target.kind === 'embedded' && !!process.env.DATABASE_URL?.trim())) : `failed:\n\n\`\`\`\n${o.error}\n\`\`\``}${o.leftBehind?.length ? `\n\nprocesses left behind after the supervisor stopped: ${o.leftBehind.join(', ')}` : ''}`,
  );
  const md = [
    `## comparison\n\nOne ceiling per run; every other figure measured on the column's own stack, on a fresh data folder. The fixed-rate phase runs at ${FIXED_RATE_SHARE * 100} % of the column's own boletos/s. Cluster CPU and memory per process kind are summed over its processes (api = the primary and its children; PostgreSQL = the postmaster and every backend, serving Temporal and the records store).`,
    table(cmp.header, cmp.rows),
    ...sections,
  ].join('\n\n');
  process.stdout.write(`\n${table(cmp.header, cmp.rows)}\n`);
  const paths = writeResults('bench', results, md, 'boletoflow bench');
  process.stdout.write(`results: ${paths.md}\n`);
}

/** A short-lived `pg` connection to the records store, for the figures read from it after a phase. */
async function withRecordsDb<T>(url: string, fn: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: url, application_name: 'boletoflow-bench' });
  db.on('error', () => undefined);
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end().catch(() => undefined);
  }
}

main().catch(async (e: unknown) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
  for (const sup of supervisors) {
    if (sup.exitCode === null) {
      sup.kill('SIGTERM');
      await new Promise((r) => sup.once('exit', r));
    }
  }
  process.exit(1);
});
