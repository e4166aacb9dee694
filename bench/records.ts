/**
 * The records store at scale: seeds a year of boletos (bench/records-seed.ts) into a fresh store, starts the API
 * over it (bench/records-api.ts: buildApp + listen, in a process of its own) and measures at the API, over HTTP,
 * one request at a time: the list (first page and a deep page by cursor, with and without filters), the search by
 * payer document, GET one boleto, the daily report over a month, and the full CSV export (seconds, bytes, and the
 * API process's RSS sampled during it). Then EXPLAIN ANALYZE of each query, as the store's own code builds it.
 * Writes bench/results/records-<target>-<stamp>.{json,md}.
 *
 *   node --import tsx bench/records.ts
 *   RECORDS_BENCH_ROWS (default 100000): boletos of the measured tenant (the export's rows)
 *   RECORDS_BENCH_OTHER_ROWS (default 20% of that): boletos of two other tenants, in the same tables
 *   RECORDS_BENCH_TARGET=embedded|postgres (default embedded): PGlite served over the Postgres protocol, as
 *     `npm start` runs it (src/records/embedded-server.ts, its own process), or a PostgreSQL server started for the
 *     run (test/helpers/postgres.ts: Debian's binaries, fsync/synchronous_commit/full_page_writes off)
 *   RECORDS_BENCH_ITERATIONS (default 200): measured requests per query, after RECORDS_BENCH_WARMUP (default 20)
 *   RECORDS_BENCH_ANALYZE=1|0: VACUUM ANALYZE after seeding. Default: on for postgres (its autovacuum would have
 *     done it minutes after such a load), off for embedded (PGlite is a single-user backend: no autovacuum runs)
 *   RECORDS_BENCH_EXPORTS (default 2): full CSV exports, one after the other
 *   RECORDS_BENCH_SEED (default 1): the data's random seed
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import { generateApiKey } from '../src/access/api-keys';
import { encodeCursor } from '../src/api/routes/boleto-records';
import { addDays, saoPauloDate } from '../src/domain';
import { BoletoRecords, type ListFilters } from '../src/records';
import { migrateRecords } from '../src/records/db';
import { RecordProtector } from '../src/records/protect';
import type { RecordsDatabase } from '../src/records/schema';
import { formatPayloadKeys, newPayloadKey } from '../src/temporal/codec';
import type { AccessSnapshot } from '../src/contracts/access';
import { startPostgres } from '../test/helpers/postgres';
import { cpuSeconds, freePort, gitCommit, machine, pct, ROOT, rssMb, sleep, writeResults } from './common';
import { MAIN_TENANT, Rng, type SeededIndex, seedDigest, seedRecords } from './records-seed';
import { formatFootprint, storeFootprint } from './store-figures';

const ROWS = Number(process.env.RECORDS_BENCH_ROWS ?? 100_000);
const OTHER_ROWS = Number(process.env.RECORDS_BENCH_OTHER_ROWS ?? Math.round(ROWS * 0.2));
const TARGET = process.env.RECORDS_BENCH_TARGET ?? 'embedded';
const ITERATIONS = Number(process.env.RECORDS_BENCH_ITERATIONS ?? 200);
const WARMUP = Number(process.env.RECORDS_BENCH_WARMUP ?? 20);
const ANALYZE =
  process.env.RECORDS_BENCH_ANALYZE === undefined ? TARGET === 'postgres' : process.env.RECORDS_BENCH_ANALYZE === '1';
const SEED = Number(process.env.RECORDS_BENCH_SEED ?? 1);
const LIMIT = 50;
const TARGETS = { list: 50, export100k: 10 };
const EXPORTS = Number(process.env.RECORDS_BENCH_EXPORTS ?? 2);

if (TARGET !== 'embedded' && TARGET !== 'postgres')
  throw new Error(`RECORDS_BENCH_TARGET must be embedded or postgres, got ${TARGET}`);

/** Things to stop at the end, or if the bench fails half-way (last started, first stopped). */
const cleanups: (() => Promise<unknown>)[] = [];
const cleanup = async () => {
  for (const c of cleanups.splice(0).reverse())
    await c().catch((e: unknown) => process.stderr.write(`cleanup: ${String(e)}\n`));
};

const exited = (p: ChildProcess) =>
  new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r(undefined) : p.once('exit', r)));

/** The store to measure: its URL, and the pid of the process that runs it (PGlite's; postgres' postmaster is not ours to sample). */
async function startStore(): Promise<{ url: string; pid?: number; describe: string }> {
  if (TARGET === 'postgres') {
    const server = await startPostgres();
    cleanups.push(() => server.stop());
    const url = await server.createDatabase('records_bench');
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const version = (await c.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0]!.v;
    await c.end();
    return {
      url,
      describe: `PostgreSQL ${version} (test/helpers/postgres.ts: fsync, synchronous_commit and full_page_writes off; other settings default)`,
    };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'boletoflow-records-bench-'));
  cleanups.push(() => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })));
  const port = await freePort();
  // As `npm start` runs it: its own node process, IPC so it closes PGlite if we die.
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/records/embedded-server.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      RECORDS_PORT: String(port),
      RECORDS_HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited(child);
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error('the embedded records server exited during start-up');
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    c.on('error', () => undefined);
    try {
      await c.connect();
      const version = (await c.query<{ v: string }>('SELECT version() AS v')).rows[0]!.v;
      await c.end();
      return {
        url,
        pid: child.pid!,
        describe: `embedded PGlite (${version.split(' on ')[0]}), src/records/embedded-server.ts in its own process`,
      };
    } catch {
      await c.end().catch(() => undefined);
      if (i > 240) throw new Error('the embedded records server did not accept connections within 120 s');
      await sleep(500);
    }
  }
}

interface Api {
  base: string;
  pid: number;
  /** The process's own process.memoryUsage() (after a full GC with `gc`), over IPC. */
  memory(gc?: boolean): Promise<NodeJS.MemoryUsage>;
}

/** The API over the store, in its own process. */
async function startApi(url: string, keys: string, access: AccessSnapshot): Promise<Api> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(ROOT, 'bench/records-api.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      RECORDS_BENCH_DATABASE_URL: url,
      RECORDS_BENCH_PAYLOAD_KEYS: keys,
      RECORDS_BENCH_ACCESS: JSON.stringify(access),
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited(child);
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`the API process exited (${code}) before listening`)));
  });
  const waiting = new Map<number, (u: NodeJS.MemoryUsage) => void>();
  child.on('message', (m: { mem?: number; usage?: NodeJS.MemoryUsage }) => {
    if (m.mem !== undefined && m.usage) waiting.get(m.mem)?.(m.usage);
    waiting.delete(m.mem ?? -1);
  });
  let n = 0;
  const memory = (gc = false) =>
    new Promise<NodeJS.MemoryUsage>((resolve) => {
      waiting.set(++n, resolve);
      child.send({ mem: n, gc });
    });
  return { base: `http://127.0.0.1:${port}`, pid: child.pid!, memory };
}

// ---------------------------------------------------------------- the queries

interface Case {
  name: string;
  /** What the store is asked (for EXPLAIN): a list, a GET, a report. */
  kind: 'list' | 'get' | 'report';
  /** Held to the issue's target (p99 ≤ 50 ms). */
  target?: number;
  /** A request for this iteration, and what it asks the store. */
  next(): {
    path: string;
    filters?: ListFilters;
    cursor?: { createdAt: string; id: string };
    id?: string;
    range?: { from: string; to: string; account?: string };
  };
}

interface CaseResult {
  name: string;
  requests: number;
  p50ms: number;
  p95ms: number;
  p99ms: number;
  maxMs: number;
  /** Mean items per answer (the list's page, the report's days), or bytes for GET. */
  meanItems: number;
  notOk: Record<string, number>;
  target?: number;
  plan?: { sql: string; planningMs?: number; executionMs?: number; text: string[] }[];
}

const qs = (q: Record<string, string | number | undefined>) =>
  Object.entries(q)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&');

function buildCases(main: SeededIndex[], rng: Rng): Case[] {
  const today = saoPauloDate(Date.now());
  const yearAgo = addDays(today, -365);
  const randomDay = (from: string, days: number) => addDays(from, rng.int(0, days));
  const memo = new Map<string, SeededIndex[]>();
  const subset = (key: string, pred: (b: SeededIndex) => boolean) => {
    let s = memo.get(key);
    if (!s) memo.set(key, (s = main.filter(pred)));
    return s;
  };
  /** A cursor at a random row in the back half of the filtered result (created_at desc order, as the list pages). */
  const deep = (rows: SeededIndex[]) => {
    const b =
      rows[rng.int(Math.floor(rows.length / 2), Math.max(Math.floor(rows.length / 2), rows.length - LIMIT - 1))]!;
    return { createdAt: b.createdAt, id: b.id };
  };
  const list = (filters: ListFilters & Record<string, unknown>, cursor?: { createdAt: string; id: string }) => ({
    path: `/v1/boletos?${qs({ limit: LIMIT, ...Object.fromEntries(Object.entries(filters).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v as string)])), ...(cursor ? { cursor: encodeCursor({ order: 'created', ...cursor }) } : {}) })}`,
    filters,
    ...(cursor ? { cursor } : {}),
  });
  const account = MAIN_TENANT.accounts[1]!.id; // the account with a quarter of the boletos
  const dueMonth = () => {
    const from = randomDay(yearAgo, 335);
    return { dueFrom: from, dueTo: addDays(from, 30) };
  };
  const inDue = (r: { dueFrom: string; dueTo: string }) => (b: SeededIndex) =>
    b.dueDate >= r.dueFrom && b.dueDate <= r.dueTo;
  const withRef = subset('ref', (b) => !!b.reference);
  const OPEN = ['REGISTERED', 'OVERDUE'] as const;
  return [
    { name: 'list, first page', kind: 'list', target: TARGETS.list, next: () => list({}) },
    {
      name: 'list, deep page (cursor in the back half)',
      kind: 'list',
      target: TARGETS.list,
      next: () => list({}, deep(main)),
    },
    {
      name: 'list status=SETTLED, first page',
      kind: 'list',
      target: TARGETS.list,
      next: () => list({ status: ['SETTLED'] }),
    },
    {
      name: 'list status=SETTLED, deep page',
      kind: 'list',
      target: TARGETS.list,
      next: () => list({ status: ['SETTLED'] }, deep(subset('settled', (b) => b.status === 'SETTLED'))),
    },
    {
      name: 'list status=REGISTERED,OVERDUE (open), first page',
      kind: 'list',
      target: TARGETS.list,
      next: () => list({ status: [...OPEN] }),
    },
    {
      name: 'list status=REGISTERED,OVERDUE, deep page',
      kind: 'list',
      target: TARGETS.list,
      next: () =>
        list({ status: [...OPEN] }, deep(subset('open', (b) => (OPEN as readonly string[]).includes(b.status)))),
    },
    { name: `list account=${account}, first page`, kind: 'list', target: TARGETS.list, next: () => list({ account }) },
    {
      name: `list account=${account}, deep page`,
      kind: 'list',
      target: TARGETS.list,
      next: () => list({ account }, deep(subset('account', (b) => b.accountId === account))),
    },
    {
      name: 'list due in a 31-day range, first page',
      kind: 'list',
      target: TARGETS.list,
      next: () => list(dueMonth()),
    },
    {
      name: 'list due in a 31-day range, deep page',
      kind: 'list',
      target: TARGETS.list,
      next: () => {
        const r = dueMonth();
        const rows = main.filter(inDue(r));
        return list(r, rows.length > 2 * LIMIT ? deep(rows) : undefined);
      },
    },
    {
      name: `list status=SETTLED + account + due range, first page`,
      kind: 'list',
      target: TARGETS.list,
      next: () => list({ status: ['SETTLED'], account, ...dueMonth() }),
    },
    {
      name: 'list reference=<one invoice>',
      kind: 'list',
      target: TARGETS.list,
      next: () => list({ reference: rng.pick(withRef).reference! }),
    },
    {
      name: 'search by payer document',
      kind: 'list',
      target: TARGETS.list,
      next: () => list({ payerDocument: rng.pick(main).document }),
    },
    {
      name: 'list updatedSince=24 h ago (ERP sync), first page',
      kind: 'list',
      next: () => list({ updatedSince: new Date(Date.now() - 86_400_000).toISOString() }),
    },
    {
      name: 'GET /v1/boletos/{id}',
      kind: 'get',
      next: () => {
        const id = rng.pick(main).id;
        return { path: `/v1/boletos/${id}`, id };
      },
    },
    {
      name: 'daily report, 31 days',
      kind: 'report',
      next: () => {
        const from = randomDay(yearAgo, 334);
        return {
          path: `/v1/reports/daily?${qs({ from, to: addDays(from, 30) })}`,
          range: { from, to: addDays(from, 30) },
        };
      },
    },
    {
      name: 'daily report, 31 days, one account',
      kind: 'report',
      next: () => {
        const from = randomDay(yearAgo, 334);
        return {
          path: `/v1/reports/daily?${qs({ from, to: addDays(from, 30), account })}`,
          range: { from, to: addDays(from, 30), account },
        };
      },
    },
  ];
}

async function measure(base: string, auth: Record<string, string>, c: Case): Promise<CaseResult> {
  const lat: number[] = [];
  let items = 0;
  const notOk: Record<string, number> = {};
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    const { path } = c.next();
    const t = performance.now();
    const r = await fetch(base + path, { headers: auth });
    const body = await r.text();
    const ms = performance.now() - t;
    if (i < WARMUP) continue;
    if (r.status !== 200) notOk[r.status] = (notOk[r.status] ?? 0) + 1;
    lat.push(ms);
    items += c.kind === 'get' ? body.length : ((JSON.parse(body) as { items?: unknown[] }).items?.length ?? 0);
  }
  return {
    name: c.name,
    requests: lat.length,
    p50ms: +pct(lat, 50).toFixed(1),
    p95ms: +pct(lat, 95).toFixed(1),
    p99ms: +pct(lat, 99).toFixed(1),
    maxMs: +Math.max(...lat).toFixed(1),
    meanItems: +(items / lat.length).toFixed(1),
    notOk,
    ...(c.target ? { target: c.target } : {}),
  };
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

/**
 * The full CSV export, streamed and counted. Every 100 ms meanwhile: the API's RSS (from /proc), its V8 heap in use
 * (asked over IPC: answered between the export's batches), and PGlite's RSS. After it, the API's memory after a full
 * GC: what the export left behind, as opposed to garbage not yet collected. `probeAtMs`: also a full GC that far
 * into the export, to tell what the export holds while it runs from garbage waiting for a major GC.
 */
async function exportCsv(base: string, auth: Record<string, string>, api: Api, storePid?: number, probeAtMs?: number) {
  const pids = { api: api.pid, store: storePid };
  const samples: { atMs: number; apiMb: number; storeMb?: number }[] = [];
  const heap: { atMs: number; heapUsedMb: number; externalMb: number }[] = [];
  const before = await api.memory(true);
  const t0 = performance.now();
  const sample = () => {
    samples.push({
      atMs: Math.round(performance.now() - t0),
      apiMb: rssMb(pids.api),
      ...(pids.store ? { storeMb: rssMb(pids.store) } : {}),
    });
    const at = Math.round(performance.now() - t0);
    void api.memory().then((u) => heap.push({ atMs: at, heapUsedMb: mb(u.heapUsed), externalMb: mb(u.external) }));
  };
  sample();
  const cpu0 = { api: cpuSeconds(pids.api), store: pids.store ? cpuSeconds(pids.store) : NaN };
  const timer = setInterval(sample, 100);
  let probe: { atMs: number; heapUsedMb: number; rssMb: number } | undefined;
  const probeTimer =
    probeAtMs === undefined
      ? undefined
      : setTimeout(() => {
          const at = Math.round(performance.now() - t0);
          void api.memory(true).then((u) => (probe = { atMs: at, heapUsedMb: mb(u.heapUsed), rssMb: mb(u.rss) }));
        }, probeAtMs);
  let bytes = 0;
  let newlines = 0;
  let firstByteMs = NaN;
  let status: number;
  try {
    const r = await fetch(`${base}/v1/boletos/export.csv`, { headers: auth });
    status = r.status;
    for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
      if (Number.isNaN(firstByteMs)) firstByteMs = performance.now() - t0;
      bytes += chunk.length;
      for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) newlines++;
    }
  } finally {
    clearInterval(timer);
    clearTimeout(probeTimer);
  }
  const seconds = (performance.now() - t0) / 1000;
  sample();
  const afterGc = await api.memory(true);
  const rss = samples.map((s) => s.apiMb);
  const used = heap.map((h) => h.heapUsedMb);
  const store = samples.flatMap((s) => (s.storeMb === undefined ? [] : [s.storeMb]));
  return {
    status,
    rows: newlines - 1,
    bytes,
    seconds: +seconds.toFixed(2),
    rowsPerSecond: Math.round((newlines - 1) / seconds),
    firstByteMs: Math.round(firstByteMs),
    apiRssMb: {
      before: rss[0]!,
      max: Math.max(...rss),
      after: rss[rss.length - 1]!,
      p50: pct(rss, 50),
      afterGc: mb(afterGc.rss),
    },
    apiHeapUsedMb: {
      beforeAfterGc: mb(before.heapUsed),
      max: Math.max(...used),
      p50: pct(used, 50),
      afterGc: mb(afterGc.heapUsed),
      ...(probe ? { midExportAfterGc: probe } : {}),
    },
    apiCores: +((cpuSeconds(pids.api) - cpu0.api) / seconds).toFixed(2),
    ...(store.length
      ? {
          storeRssMb: { before: store[0]!, max: Math.max(...store), after: store[store.length - 1]! },
          storeCores: +((cpuSeconds(pids.store) - cpu0.store) / seconds).toFixed(2),
        }
      : {}),
    rssSamples: samples,
    heapSamples: heap,
  };
}

/** EXPLAIN (ANALYZE, BUFFERS) of the statements the store's own code sends for one request of each case. */
async function explainCases(
  url: string,
  protector: RecordProtector,
  cases: Case[],
  results: CaseResult[],
): Promise<void> {
  const captured: CompiledQuery[] = [];
  const db = new Kysely<RecordsDatabase>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
    log: (e) => void (e.level === 'query' && captured.push(e.query)),
  });
  const store = new BoletoRecords(db, protector);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const [i, c] of cases.entries()) {
      const q = c.next();
      captured.length = 0;
      if (c.kind === 'list')
        await store.list(
          MAIN_TENANT.id,
          q.filters ?? {},
          LIMIT,
          q.cursor ? { order: 'created', ...q.cursor } : undefined,
        );
      else if (c.kind === 'get') await store.get(MAIN_TENANT.id, q.id!);
      else await store.dailyTotals(MAIN_TENANT.id, q.range!);
      const plans = [];
      for (const query of captured) {
        const { rows } = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN (ANALYZE, BUFFERS) ${query.sql}`,
          query.parameters as unknown[],
        );
        const text = rows.map((r) => r['QUERY PLAN']);
        const ms = (label: string) =>
          Number(/([\d.]+) ms/.exec(text.find((l) => l.startsWith(label)) ?? '')?.[1] ?? NaN);
        plans.push({ sql: query.sql, planningMs: ms('Planning Time'), executionMs: ms('Execution Time'), text });
      }
      results[i]!.plan = plans;
    }
  } finally {
    await client.end();
    await db.destroy();
  }
}

/** Flat memory: what the export holds (heap after a full GC, half-way and after) against the RSS it made the process grow by. */
function memoryVerdict(
  heap: { beforeAfterGc: number; afterGc: number; midExportAfterGc?: { heapUsedMb: number } },
  rss: { before: number; max: number },
): string {
  const held = Math.max(0, Math.max(heap.afterGc, heap.midExportAfterGc?.heapUsedMb ?? 0) - heap.beforeAfterGc);
  return `flat: ${held <= 10 ? `holds ${held} MB ✓` : `holds ${held} MB ✗`} (RSS +${rss.max - rss.before} MB)`;
}

/** A plan in one line: its nodes (index names), the rows its filters threw away, the execution time. */
function summarisePlan(text: string[], executionMs: number | undefined): string {
  const nodes = text.flatMap((l) => {
    const m = /^\s*(?:->\s*)?([A-Z][A-Za-z ]+?)(?: using (\S+))?(?: on \S+)?\s+\(cost/.exec(l);
    return m ? [m[2] ? `${m[1]} ${m[2]}` : m[1]!] : [];
  });
  const removed = text.reduce(
    (a, l) => a + Number(/Rows Removed by (?:Filter|Index Recheck): (\d+)/.exec(l)?.[1] ?? 0),
    0,
  );
  return `${nodes.join(' ← ')}${removed ? ` (${removed} rows filtered out)` : ''}; ${executionMs} ms`;
}

/** The export's batch query (1,000 rows after a cursor), planned at the start and in the middle of the table. */
async function explainExport(
  url: string,
  main: SeededIndex[],
): Promise<{ where: string; executionMs: number; text: string[] }[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const out = [];
  try {
    for (const [where, at] of [
      ['first batch', undefined],
      ['a batch in the middle', main[Math.floor(main.length / 2)]],
    ] as const) {
      const params: unknown[] = [MAIN_TENANT.id, ...(at ? [new Date(at.createdAt), at.id] : []), 1_000];
      const sql = `EXPLAIN (ANALYZE, BUFFERS) SELECT view, change_seq, payer_enc, id FROM boletos WHERE tenant_id = $1 ${at ? 'AND (created_at, id) < ($2, $3)' : ''} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`;
      const text = (await client.query<{ 'QUERY PLAN': string }>(sql, params)).rows.map((r) => r['QUERY PLAN']);
      out.push({
        where,
        executionMs: Number(/([\d.]+) ms/.exec(text.find((l) => l.startsWith('Execution Time')) ?? '')?.[1] ?? NaN),
        text,
      });
    }
  } finally {
    await client.end();
  }
  return out;
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = {
    commit: gitCommit(),
    machine: machine(),
    settings: {
      target: TARGET,
      rows: ROWS,
      otherRows: OTHER_ROWS,
      iterations: ITERATIONS,
      warmup: WARMUP,
      analyze: ANALYZE,
      seed: SEED,
      pageLimit: LIMIT,
    },
  };
  process.stdout.write(
    `records bench: ${TARGET}, ${ROWS} boletos of the measured tenant + ${OTHER_ROWS} of two others\n`,
  );
  const store = await startStore();
  results.store = store.describe;
  process.stdout.write(`store: ${store.describe}\n`);

  // Schema, then the seed.
  {
    const db = new Kysely<RecordsDatabase>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: store.url, max: 1 }) }),
    });
    await migrateRecords(db);
    await db.destroy();
  }
  const keys = [newPayloadKey('bench-1')];
  const protector = new RecordProtector(keys);
  const seeder = new pg.Client({ connectionString: store.url, application_name: 'records-bench-seed' });
  await seeder.connect();
  let lastReport = 0;
  const seeded = await seedRecords(seeder, {
    rows: ROWS,
    otherRows: OTHER_ROWS,
    seed: SEED,
    protector,
    onProgress: (done, total) => {
      if (performance.now() - lastReport < 10_000) return;
      lastReport = performance.now();
      process.stdout.write(`  seeded ${done} of ${total}\n`);
    },
  });
  let analyzeSeconds: number | undefined;
  if (ANALYZE) {
    const t = performance.now();
    await seeder.query('VACUUM (ANALYZE)');
    analyzeSeconds = +((performance.now() - t) / 1000).toFixed(1);
  }
  const footprint = await storeFootprint(seeder);
  await seeder.end();
  results.seed = {
    boletos: seeded.total,
    seconds: seeded.seconds,
    perSecond: Math.round(seeded.total / seeded.seconds),
    statusesOfMeasuredTenant: seeded.statuses,
    digest: seedDigest(seeded.main),
    ...(analyzeSeconds !== undefined ? { vacuumAnalyzeSeconds: analyzeSeconds } : {}),
  };
  results.footprint = footprint;
  const f = formatFootprint(footprint);
  process.stdout.write(
    `seeded ${seeded.total} boletos in ${seeded.seconds} s${analyzeSeconds !== undefined ? ` (+ VACUUM ANALYZE ${analyzeSeconds} s)` : ''}; ${f.rows}; ${f.bytes}\n`,
  );
  process.stdout.write(`  statuses: ${JSON.stringify(seeded.statuses)}\n`);

  // The API, and a key for the measured tenant.
  const key = generateApiKey();
  const now = new Date().toISOString();
  const access: AccessSnapshot = {
    tenants: [{ id: MAIN_TENANT.id, name: 'Bench', createdAt: now }],
    keys: [
      { keyId: key.keyId, tenantId: MAIN_TENANT.id, role: 'integrator', secretHash: key.secretHash, createdAt: now },
    ],
    version: 1,
  };
  const api = await startApi(store.url, formatPayloadKeys(keys), access);
  const auth = { Authorization: `Bearer ${key.token}` };
  results.apiRssMbAtStart = rssMb(api.pid);

  const cases = buildCases(seeded.main, new Rng(SEED + 1));
  const measured: CaseResult[] = [];
  for (const c of cases) {
    const r = await measure(api.base, auth, c);
    measured.push(r);
    process.stdout.write(
      `  ${c.name}: p50 ${r.p50ms} ms, p95 ${r.p95ms} ms, p99 ${r.p99ms} ms (${r.meanItems} ${c.kind === 'get' ? 'bytes' : 'items'} per answer)${Object.keys(r.notOk).length ? `; not 200: ${JSON.stringify(r.notOk)}` : ''}\n`,
    );
  }
  // More than once: the first untouched; from the second on, a full GC half-way (at half the first one's time) shows
  // what the export holds while it runs.
  const exports = [];
  for (let i = 1; i <= EXPORTS; i++) {
    process.stdout.write(`full CSV export (${i} of ${EXPORTS}) …\n`);
    const e = await exportCsv(api.base, auth, api, store.pid, i > 1 ? exports[0]!.seconds * 500 : undefined);
    exports.push(e);
    process.stdout.write(
      `  ${e.rows} rows, ${(e.bytes / 2 ** 20).toFixed(1)} MiB in ${e.seconds} s; API RSS ${e.apiRssMb.before} → max ${e.apiRssMb.max} MB (${e.apiRssMb.afterGc} after a GC), heap in use max ${e.apiHeapUsedMb.max} MB (${e.apiHeapUsedMb.afterGc} after a GC)\n`,
    );
  }

  // EXPLAIN after the measurements (same data, nothing else running). The rng continues: other parameters, same shapes.
  await explainCases(store.url, protector, cases, measured);
  const exportPlans = await explainExport(store.url, seeded.main);
  results.queries = measured;
  results.exports = exports;
  results.exportPlans = exportPlans;
  await cleanup();

  const planLine = (r: CaseResult) => (r.plan ?? []).map((p) => summarisePlan(p.text, p.executionMs)).join(' / ');
  const ok = (r: CaseResult) =>
    r.target === undefined ? '' : r.p99ms <= r.target ? `≤ ${r.target} ms ✓` : `≤ ${r.target} ms ✗`;
  const rows = [
    ['store', store.describe, '', ''],
    [
      'seeded',
      `${seeded.total} boletos (${ROWS} measured tenant + ${OTHER_ROWS} others) in ${seeded.seconds} s (${Math.round(seeded.total / seeded.seconds)}/s)${analyzeSeconds !== undefined ? `, VACUUM ANALYZE ${analyzeSeconds} s` : ', no ANALYZE'}`,
      '',
      '',
    ],
    ['rows per boleto', f.rows, '', ''],
    ['bytes per boleto (pg_total_relation_size of the four tables / boletos)', f.bytes, '', ''],
    ...measured.map((r) => [
      r.name,
      `p50 ${r.p50ms}, p95 ${r.p95ms}, p99 ${r.p99ms} ms${Object.keys(r.notOk).length ? ` (not 200: ${JSON.stringify(r.notOk)})` : ''}`,
      ok(r),
      planLine(r),
    ]),
    ...exports.flatMap((e, i) => [
      [
        `full CSV export (${e.rows} rows), run ${i + 1} of ${exports.length}`,
        `${e.seconds} s (${e.rowsPerSecond} rows/s), ${(e.bytes / 2 ** 20).toFixed(1)} MiB, first byte ${e.firstByteMs} ms, HTTP ${e.status}; API ${e.apiCores} cores${e.storeRssMb ? `, PGlite ${e.storeCores} cores` : ''}`,
        e.rows >= 100_000
          ? e.seconds <= TARGETS.export100k
            ? `≤ 10 s for 100,000 ✓`
            : `≤ 10 s for 100,000 ✗`
          : '(target is for 100,000 rows)',
        i === 0 ? exportPlans.map((p) => `${p.where}: ${summarisePlan(p.text, p.executionMs)}`).join(' / ') : '',
      ],
      [
        `API memory during export ${i + 1}, every 100 ms: RSS before → max → after (after a full GC); V8 heap in use before → max (after a full GC${i ? '; and after one half-way' : ''})`,
        `RSS ${e.apiRssMb.before} → ${e.apiRssMb.max} → ${e.apiRssMb.after} MB (${e.apiRssMb.afterGc}); heap ${e.apiHeapUsedMb.beforeAfterGc} → ${e.apiHeapUsedMb.max} MB (${e.apiHeapUsedMb.afterGc})${e.apiHeapUsedMb.midExportAfterGc ? `, ${e.apiHeapUsedMb.midExportAfterGc.heapUsedMb} MB after a full GC ${e.apiHeapUsedMb.midExportAfterGc.atMs} ms in` : ''}${e.storeRssMb ? `; PGlite RSS ${e.storeRssMb.before} → ${e.storeRssMb.max} MB` : ''}`,
        memoryVerdict(e.apiHeapUsedMb, e.apiRssMb),
        '',
      ],
    ]),
  ];
  const md = [
    `${ROWS} boletos of the measured tenant, ${TARGET}; ${ITERATIONS} requests per query after ${WARMUP} of warm-up, one at a time, page size ${LIMIT}.`,
    '',
    '| measure | result | target | plan (EXPLAIN ANALYZE of one request, after the run) |',
    '|---|---|---|---|',
    ...rows.map((x) => `| ${x.join(' | ')} |`),
  ].join('\n');
  process.stdout.write(`\n${md}\n`);
  const paths = writeResults(`records-${TARGET}`, results, md, `boletoflow records bench (${TARGET})`);
  process.stdout.write(`\n${paths.json}\n${paths.md}\n`);
}

main().catch(async (e: unknown) => {
  process.stderr.write(`records bench failed: ${(e as Error).stack ?? String(e)}\n`);
  await cleanup();
  process.exit(1);
});
