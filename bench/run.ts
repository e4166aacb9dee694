/**
 * `npm run bench`: measures the boleto path on the embedded stack (Temporal dev server with a SQLite file in WAL
 * mode, worker, API and the BS2 simulator, started by the real supervisor) and prints a table. Writes JSON and
 * Markdown under results/. Figures from a 2-core machine and a single-shard dev server are not production
 * capacity figures.
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
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { defaultPayloadConverter, type SearchAttributePair } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import pg from 'pg';
import { AccessRegistryClient } from '../src/access/registry-client';
import { addDays } from '../src/domain';
import { parsePayloadKeys } from '../src/temporal/codec';
import { encryptingDataConverter } from '../src/temporal/keys';
import { devServerArgs, waitForNamespace } from '../src/temporal/dev-server';
import { brtDate } from '../src/workflows/boleto-schedule';
import { AccountId, AmountCents, Bank, BoletoStatus, DueDate, SeuNumero, TenantId } from '../src/workflows/search-attributes';
import { cpuSeconds, freePort, gitCommit, machine, pct, ROOT, rssMb, sleep, writeResults } from './common';
import { formatStages, formatTimeline, stages, type Timeline, timeline } from './timeline';
import { awaitDone, ceiling } from './workflows/ceiling';
import { delta, formatDelta, snapshot } from './worker-metrics';
import { formatFootprint, stateChangeToStore, storeFootprint, webhookToStore } from './store-figures';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
/** The ceiling runs as long as the sustained phase by default: the database grows the same way in both. */
const CEILING_SECONDS = Number(process.env.BENCH_CEILING_SECONDS ?? SECONDS);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 24);
const WEBHOOK_AUTH = 'Bearer bench-webhook-secret';
/** The stages of a registration and of a webhook's way to the API, as the histories show them (bench/timeline.ts). */
const REGISTRATION_STAGES: [string, string][] = [['sent', 'started'], ['started', 'wft-started'], ['wft-started', 'wft-completed'], ['update-completed', 'answered']];
const WEBHOOK_STAGES: [string, string][] = [['sent', 'signal'], ['signal', 'wft-started'], ['wft-started', 'wft-completed'], ['wft-completed', 'answered']];
/** How often the webhook phase reads the boleto back through the API (each read is a workflow query). */
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 2);

/** The search attributes the API starts a boleto with, for the ceiling's workflows. */
const ceilingAttributes = (due: string): SearchAttributePair[] => [
  { key: BoletoStatus, value: 'REGISTERING' },
  { key: Bank, value: 'BS2' },
  { key: AccountId, value: 'bench-ceiling' },
  { key: TenantId, value: 'demo' },
  { key: DueDate, value: new Date(`${due}T00:00:00-03:00`) },
  { key: SeuNumero, value: randomUUID().slice(0, 10).toUpperCase() },
  { key: AmountCents, value: 10_000 },
];

/**
 * (1) The ceiling: a registration's shape (bench/workflows/ceiling.ts), no HTTP, an in-process worker, on a dev
 * server of its own started with the embedded stack's arguments on a fresh SQLite file. Its workflows stay open on
 * timers as boletos do, so the database grows alike; on its own server they do not weigh on the boleto phases.
 */
async function measureCeiling(seconds: number): Promise<{ seconds: number; completed: number; perSecond: number; cores: { temporal: number; workerAndLoad: number } }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'boletoflow-bench-ceiling-'));
  const port = await freePort();
  const cli = join(ROOT, '.tools', 'bin', 'temporal');
  const server = spawn(cli, devServerArgs({ cliPath: cli, dataDir, ip: '127.0.0.1', port, uiPort: await freePort(), namespace: 'boletoflow' }), { stdio: 'ignore' });
  try {
    await waitForNamespace(`127.0.0.1:${port}`, 'boletoflow', 60_000);
    const connection = await Connection.connect({ address: `127.0.0.1:${port}` });
    const client = new Client({ connection, namespace: 'boletoflow' });
    const worker = await Worker.create({ connection: await NativeConnection.connect({ address: `127.0.0.1:${port}` }), namespace: 'boletoflow', taskQueue: 'bench-ceiling', workflowsPath: require.resolve('./workflows/ceiling'), activities: { noop: () => Promise.resolve('ok') } });
    const due = addDays(brtDate(Date.now()), 20);
    const once = () => client.workflow.executeUpdateWithStart(awaitDone, { startWorkflowOperation: new WithStartWorkflowOperation(ceiling, { workflowId: randomUUID(), taskQueue: 'bench-ceiling', workflowIdConflictPolicy: 'USE_EXISTING', typedSearchAttributes: ceilingAttributes(due) }) });
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
    const cores = { temporal: +((cpuSeconds(server.pid) - cpu.temporal) / seconds).toFixed(2), workerAndLoad: +((self() - cpu.self) / seconds).toFixed(2) };
    await connection.close();
    return { seconds, completed: done, perSecond: +(done / seconds).toFixed(1), cores };
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
}

/** The supervisor of the embedded stack, stopped if the bench fails half-way. */
let stack: ChildProcess | undefined;

async function main(): Promise<void> {
  const results: Record<string, unknown> = { commit: gitCommit(), machine: machine(), settings: { seconds: SECONDS, ceilingSeconds: CEILING_SECONDS, concurrency: CONCURRENCY, pollMs: POLL_MS, nodeFlags: process.env.BENCH_NODE_FLAGS ?? '' } };
  process.stdout.write(`ceiling (${CEILING_SECONDS} s on its own dev server) …\n`);
  results.ceiling = await measureCeiling(CEILING_SECONDS);
  process.stdout.write(`ceiling: ${(results.ceiling as { perSecond: number }).perSecond} workflows/s\n`);

  const dataDir = mkdtempSync(join(tmpdir(), 'boletoflow-bench-'));
  const ports = { API_PORT: await freePort(), TEMPORAL_PORT: await freePort(), TEMPORAL_UI_PORT: await freePort(), WORKER_METRICS_PORT: await freePort(), SIM_BS2_PORT: await freePort(), SIM_ITAU_PORT: await freePort(), SIM_ITAU_PUBLIC_PORT: await freePort(), RECORDS_PORT: await freePort() };
  const env = { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), DATA_DIR: dataDir, LOG_LEVEL: 'error', BS2_WEBHOOK_AUTHORIZATION: WEBHOOK_AUTH, API_RATE_LIMIT_PER_MINUTE: '1000000' };
  const base = `http://127.0.0.1:${ports.API_PORT}`;
  const metricsUrl = `http://127.0.0.1:${ports.WORKER_METRICS_PORT}/metrics`;
  // The records store the stack uses: the embedded PGlite on RECORDS_PORT, or DATABASE_URL when set (as src/config.ts).
  const externalRecords = !!process.env.DATABASE_URL?.trim();
  const recordsUrl = externalRecords ? process.env.DATABASE_URL!.trim() : `postgres://postgres@127.0.0.1:${ports.RECORDS_PORT}/postgres`;
  process.stdout.write(`starting the embedded stack in ${dataDir} …\n`);
  // BENCH_PROFILE=<dir>: every process of the stack (they inherit the supervisor's node flags) writes a V8 CPU profile there on exit.
  // BENCH_NODE_FLAGS: more node flags for every process of the stack (e.g. GC settings to try).
  const profile = [...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []), ...(process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? [])];
  const sup: ChildProcess = (stack = spawn(process.execPath, [...profile, '--import', 'tsx', join(ROOT, 'src/main.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] }));
  let up = false;
  let tail = '';
  const stackLog = process.env.BENCH_STACK_LOG ? createWriteStream(process.env.BENCH_STACK_LOG) : undefined;
  sup.stdout!.on('data', (d: Buffer) => {
    if (!up) {
      tail += d.toString();
      up = tail.includes('is up');
      tail = tail.slice(-20);
    }
    stackLog?.write(d);
  });
  for (let i = 0; !up; i++) {
    if (i > 600) throw new Error('stack did not start');
    await sleep(300);
  }

  const pidOf = (n: string): number => {
    try {
      return (JSON.parse(readFileSync(join(dataDir, 'run', `${n}.pid`), 'utf8')) as { pid: number }).pid;
    } catch {
      return NaN;
    }
  };
  // 'records': the embedded PGlite server (absent with DATABASE_URL: its figures are NaN then).
  const PROCESSES = ['temporal', 'worker', 'api', 'simulators', 'records'] as const;
  const cpuNow = () => Object.fromEntries([...PROCESSES.map((n) => [n, cpuSeconds(pidOf(n))]), ['bench', process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6]]) as Record<string, number>;
  const connection = await Connection.connect({ address: `127.0.0.1:${ports.TEMPORAL_PORT}` });
  const client = new Client({ connection, namespace: 'boletoflow', dataConverter: encryptingDataConverter(parsePayloadKeys(readFileSync(join(dataDir, 'payload-keys'), 'utf8').trim())) });
  const registry = new AccessRegistryClient(client, 'boletoflow');
  await registry.createTenant('demo', 'Bench');
  const key = (await registry.createApiKey('demo', 'integrator')).token;
  const auth = { Authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const due = addDays(brtDate(Date.now()), 20);
  const payer = { name: 'Maria da Silva', document: '52998224725', address: { street: 'Rua A', number: '1', district: 'Centro', city: 'Sao Paulo', state: 'SP', zipCode: '01001000' } };

  /**
   * Where the time went, from every sample's history (bench/timeline.ts): percentiles per stage, and the slowest
   * samples' timelines; printed and kept in the results.
   */
  async function explain(samples: { id: string; sentAt: number; ms: number }[], steps: [string, string][]): Promise<{ stages: ReturnType<typeof stages>; slowest: Timeline[] }> {
    const all: Timeline[] = [];
    for (let i = 0; i < samples.length; i += 20) all.push(...(await Promise.all(samples.slice(i, i + 20).map((s) => timeline(client, s.id, s.sentAt, s.ms)))));
    const result = { stages: stages(all, steps), slowest: [...all].sort((a, b) => b.totalMs - a.totalMs).slice(0, 5) };
    for (const l of formatStages(result.stages)) process.stdout.write(`    ${l}\n`);
    for (const l of result.slowest) process.stdout.write(`    ${formatTimeline(l)}\n`);
    return result;
  }

  async function register(): Promise<{ ms: number; status: number; id?: string; seu?: string; nn?: string }> {
    const t = performance.now();
    const r = await fetch(`${base}/v1/boletos`, { method: 'POST', headers: { ...auth, 'Idempotency-Key': randomUUID() }, body: JSON.stringify({ accountId: 'bs2-default', amountCents: 10_000, dueDate: due, payer }) });
    const j = (await r.json()) as { id?: string; seuNumero?: string; nossoNumero?: string };
    return { ms: performance.now() - t, status: r.status, ...(j.id ? { id: j.id, seu: j.seuNumero, nn: j.nossoNumero } : {}) };
  }

  // Warm-up: bundles, token keeper, connections.
  for (let i = 0; i < 10; i++) await register();

  // (2) Sustained end-to-end registration through the API, closed loop.
  const registered: { id: string; seu: string }[] = [];
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
      const cpu = Object.fromEntries(Object.keys(now.cpu).map((k) => [k, +((now.cpu[k]! - last.cpu[k]!) / dt).toFixed(2)]));
      windows.push({ atS: Math.round((now.t - end) / 1000 + SECONDS), perSecond: +((now.ok - last.ok) / dt).toFixed(1), cpu });
      process.stdout.write(`  ${windows.at(-1)!.atS} s: ${windows.at(-1)!.perSecond}/s, cores ${JSON.stringify(cpu)}\n`);
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
    const cores = Object.fromEntries(Object.keys(endCpu).map((k) => [k, +((endCpu[k]! - startCpu[k]!) / SECONDS).toFixed(2)]));
    results.sustained = { seconds: SECONDS, concurrency: CONCURRENCY, registered: ok, notRegistered: other, perSecond: +(ok / SECONDS).toFixed(1), p50ms: Math.round(pct(lat, 50)), p99ms: Math.round(pct(lat, 99)), cores, windows };
    process.stdout.write(`sustained: ${(ok / SECONDS).toFixed(1)} boletos/s (${other} not 201); cores used ${JSON.stringify(cores)}\n`);
  }

  // The server drains what the closed loop left queued (visibility updates, task deletions) before the fixed-rate
  // phases: they measure latency at 10/s on the grown database, not the recovery from overload. How long that took
  // is reported.
  {
    const started = Date.now();
    let drained = false;
    while (!drained && Date.now() - started < 180_000) {
      const before = cpuSeconds(pidOf('temporal'));
      await sleep(5_000);
      drained = (cpuSeconds(pidOf('temporal')) - before) / 5 < 0.2;
    }
    results.drain = { seconds: Math.round((Date.now() - started) / 1000), drained };
    process.stdout.write(`server drained its backlog in ${Math.round((Date.now() - started) / 1000)} s${drained ? '' : ' (not quite: still busy)'}\n`);
  }

  // (3) Fixed rate 10/s: API → REGISTERED latency.
  const fixedRateFrom = Date.now();
  {
    const samples: { id: string; sentAt: number; ms: number }[] = [];
    const metricsBefore = await snapshot(metricsUrl);
    const n = Math.min(300, SECONDS * 10);
    const pending: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      const sentAt = Date.now();
      pending.push(register().then((r) => void (r.status === 201 && samples.push({ id: r.id!, sentAt, ms: r.ms }))));
      await sleep(100);
    }
    await Promise.all(pending);
    const worker = delta(metricsBefore, await snapshot(metricsUrl));
    const lat = samples.map((s) => s.ms);
    results.fixedRate = { ratePerSecond: 10, requests: n, p50ms: Math.round(pct(lat, 50)), p95ms: Math.round(pct(lat, 95)), p99ms: Math.round(pct(lat, 99)), ...(await explain(samples, REGISTRATION_STAGES)), worker };
    for (const l of formatDelta(worker)) process.stdout.write(`    ${l}\n`);
    process.stdout.write(`10/s: p50 ${pct(lat, 50).toFixed(0)} ms, p99 ${pct(lat, 99).toFixed(0)} ms\n`);
  }

  // (4) Webhook → state visible, and (5) actions per boleto (register → paid → settled) from histories.
  {
    const samples: { id: string; sentAt: number; ms: number }[] = [];
    const metricsBefore = await snapshot(metricsUrl);
    const sample = registered.slice(0, 300);
    let n = 0;
    const hook = (seu: string, statuses: number[]) =>
      fetch(`${base}/webhooks/bs2/bs2-default`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', Authorization: WEBHOOK_AUTH },
        body: JSON.stringify({ Id: randomUUID(), NossoNumeroBoleto: 1, SeuNumeroBoleto: seu, StatusBoleto: statuses.map((s) => ({ Status: s, DataStatus: new Date().toISOString() })), ValorLiquidado: 100 }),
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
    const worker = delta(metricsBefore, await snapshot(metricsUrl));
    const lat = samples.map((s) => s.ms);
    results.webhookToVisible = { samples: n, p50ms: Math.round(pct(lat, 50)), p99ms: Math.round(pct(lat, 99)), ...(await explain(samples, WEBHOOK_STAGES)), worker };
    for (const l of formatDelta(worker)) process.stdout.write(`    ${l}\n`);
    process.stdout.write(`webhook → visible: p50 ${pct(lat, 50).toFixed(0)} ms, p99 ${pct(lat, 99).toFixed(0)} ms\n`);
    // The same samples, webhook → PAID in the records store, read from the store once, after the phase (no polling).
    results.webhookToStore = await withRecordsDb(recordsUrl, (db) => webhookToStore(db, samples));
    const ws = results.webhookToStore as { p50ms: number; p99ms: number; missing: number };
    process.stdout.write(`webhook → PAID in the records store: p50 ${ws.p50ms} ms, p99 ${ws.p99ms} ms${ws.missing ? ` (${ws.missing} samples without a PAID event)` : ''}\n`);

    const target = sample[0]!;
    for (let i = 0; i < 200; i++) {
      const v = (await (await fetch(`${base}/v1/boletos/${target.id}`, { headers: auth })).json()) as { status: string };
      if (v.status === 'SETTLED') break;
      await sleep(20);
    }
    await sleep(1500); // deliveries of the last event
    const history = await client.workflow.getHandle(target.id).fetchHistory();
    const count = (pred: (e: NonNullable<typeof history.events>[number]) => unknown) => (history.events ?? []).filter(pred).length;
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
    results.rssMb = Object.fromEntries(PROCESSES.map((n) => [n, rssMb(pidOf(n))]));
  }

  // (7) The records store at the end of the run: state change → store for every row the worker wrote last, and
  // rows and bytes per boleto.
  {
    await withRecordsDb(recordsUrl, async (db) => {
      // The fixed-rate phases (registrations at 10/s, the webhook samples' settlements): comparable with their own
      // latencies. Every row, the closed loop's included, for what the store lags under saturation.
      results.stateChangeToStore = await stateChangeToStore(db, fixedRateFrom);
      results.stateChangeToStoreAllRows = await stateChangeToStore(db);
      results.recordsFootprint = { store: externalRecords ? 'DATABASE_URL' : 'embedded PGlite', ...(await storeFootprint(db)) };
    });
    const f = formatFootprint(results.recordsFootprint as Awaited<ReturnType<typeof storeFootprint>>);
    process.stdout.write(`records store: ${f.rows}; ${f.bytes}\n`);
  }

  sup.kill('SIGTERM');
  await new Promise((r) => sup.once('exit', r));
  await connection.close();

  const r = results as {
    ceiling: { perSecond: number; seconds: number; cores: { temporal: number; workerAndLoad: number } };
    sustained: { perSecond: number; seconds: number; concurrency: number; p50ms: number; p99ms: number; notRegistered: number; cores: Record<string, number>; windows: { perSecond: number }[] };
    drain: { seconds: number; drained: boolean };
    fixedRate: { p50ms: number; p95ms: number; p99ms: number };
    webhookToVisible: { p50ms: number; p99ms: number };
    webhookToStore: { p50ms: number; p99ms: number; samples: number; missing: number };
    stateChangeToStore: { p50ms: number; p99ms: number; samples: number; apiWritten: number };
    stateChangeToStoreAllRows: { p50ms: number; p99ms: number; samples: number; apiWritten: number };
    recordsFootprint: Awaited<ReturnType<typeof storeFootprint>> & { store: string };
    actionsPerBoleto: { total: number; transitions: number };
    rssMb: Record<string, number>;
  };
  const ratio = r.sustained.perSecond / r.ceiling.perSecond;
  const rows = [
    [`ceiling (a registration's shape, no-op activities, ${r.ceiling.seconds}s)`, `${r.ceiling.perSecond} workflows/s`, ''],
    ['cores used in the ceiling phase (temporal / worker and load generator)', `${r.ceiling.cores.temporal} / ${r.ceiling.cores.workerAndLoad}`, ''],
    [`boletos registered end to end (${r.sustained.seconds}s, ${r.sustained.concurrency} in flight)`, `${r.sustained.perSecond} boletos/s`, '≥ 25/s for 600 s'],
    ['ratio to the ceiling', ratio.toFixed(2), '≥ 0.8'],
    ['boletos/s per 30 s window (first → last)', r.sustained.windows.map((w) => w.perSecond).join(', '), ''],
    ['cores used in the sustained phase (temporal / worker / api / simulators / load generator)', `${r.sustained.cores.temporal} / ${r.sustained.cores.worker} / ${r.sustained.cores.api} / ${r.sustained.cores.simulators} / ${r.sustained.cores.bench}`, ''],
    ['server busy after the sustained phase (until under 0.2 cores)', `${r.drain.seconds} s${r.drain.drained ? '' : ' (still busy at 180 s)'}`, ''],
    ['API → REGISTERED at 10/s', `p50 ${r.fixedRate.p50ms} ms, p95 ${r.fixedRate.p95ms} ms, p99 ${r.fixedRate.p99ms} ms`, 'p99 ≤ 200 ms'],
    ['webhook → state visible', `p50 ${r.webhookToVisible.p50ms} ms, p99 ${r.webhookToVisible.p99ms} ms`, 'p99 ≤ 100 ms'],
    ['Temporal Cloud actions per boleto (register → paid → settled)', String(r.actionsPerBoleto.total), '≤ 15'],
    ['status transitions per boleto', String(r.actionsPerBoleto.transitions), ''],
    ['RSS MB (temporal / worker / api / simulators)', `${r.rssMb.temporal} / ${r.rssMb.worker} / ${r.rssMb.api} / ${r.rssMb.simulators}`, ''],
    ['webhook → PAID in the records store (the event row\'s recorded_at − webhook sent; same samples)', `p50 ${r.webhookToStore.p50ms} ms, p99 ${r.webhookToStore.p99ms} ms${r.webhookToStore.missing ? ` (${r.webhookToStore.missing} missing)` : ''}`, ''],
    [`state change → records store in the fixed-rate phases (record_updated_at − view_updated_at of the ${r.stateChangeToStore.samples} rows the worker wrote last)`, `p50 ${r.stateChangeToStore.p50ms} ms, p99 ${r.stateChangeToStore.p99ms} ms`, ''],
    [`state change → records store, every row (${r.stateChangeToStoreAllRows.samples} the worker wrote last, the closed loop's included; ${r.stateChangeToStoreAllRows.apiWritten} last written by the API)`, `p50 ${r.stateChangeToStoreAllRows.p50ms} ms, p99 ${r.stateChangeToStoreAllRows.p99ms} ms`, ''],
    [`records store rows per boleto (${r.recordsFootprint.store})`, formatFootprint(r.recordsFootprint).rows, ''],
    ['records store bytes per boleto (pg_total_relation_size of the four tables / boletos)', formatFootprint(r.recordsFootprint).bytes, ''],
    ['records store process: cores in the sustained phase / RSS MB', externalRecords ? 'n/a (DATABASE_URL)' : `${r.sustained.cores.records} / ${r.rssMb.records}`, ''],
  ];
  const md = ['| measure | result | target |', '|---|---|---|', ...rows.map((x) => `| ${x.join(' | ')} |`)].join('\n');
  process.stdout.write(`\n${md}\n`);
  writeResults('bench', results, md, 'boletoflow bench');
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

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
  if (stack?.exitCode === null) {
    stack.kill('SIGTERM');
    stack.once('exit', () => process.exit(1));
  } else process.exit(1);
});
