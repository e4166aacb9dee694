/**
 * The records store's hot statements, one by one, against the embedded server as `npm start` runs it
 * (src/records/embedded-server.ts in its own process): per statement, the server's CPU, this client's CPU, the
 * wall time and the WAL written, per operation. These are the four statements a registration costs in `npm run
 * bench` (claim the key, answer it, record the event, record the delivery's outcome), plus `SELECT 1` as the floor
 * of one round trip. Prints a table; writes nothing.
 *
 *   node --import tsx bench/records-statements.ts
 *   STATEMENTS_N (default 600): operations per statement and round; STATEMENTS_CONCURRENCY (default 8)
 *   STATEMENTS_PROFILE=<dir>: the server process writes a V8 CPU profile there (open it in Chrome DevTools)
 *
 * Compare two versions of the server by running this on each, one after the other, on a quiet machine.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { cpuSeconds, freePort, ROOT, sleep } from './common';
import { openRecords, type BoletoRecords } from '../src/records';
import { newPayloadKey } from '../src/temporal/codec';
import type { BoletoEvent, BoletoView } from '../src/contracts/boleto';

const N = Number(process.env.STATEMENTS_N ?? 600);
const C = Number(process.env.STATEMENTS_CONCURRENCY ?? 8);
const payer = {
  name: 'Maria Aparecida Souza',
  document: '52998224725',
  email: 'maria@example.com',
  address: {
    street: 'Rua das Flores',
    number: '12',
    district: 'Jardim',
    city: 'São Paulo',
    state: 'SP',
    zipCode: '01452000',
  },
};

const view = (i: number): BoletoView => {
  const at = new Date(Date.UTC(2026, 11, 1, 12, 0, 0, i)).toISOString();
  return {
    id: `bol-acc1-${String(i).padStart(10, '0')}`,
    tenantId: 't1',
    accountId: 'acc1',
    bank: 'BS2',
    status: 'REGISTERING',
    paid: false,
    settled: false,
    kind: 'BOLETO',
    amountCents: 10000,
    issueDate: '2026-12-01',
    dueDate: '2026-12-20',
    seuNumero: `S${i}`,
    createdAt: at,
    updatedAt: at,
  };
};
const registered = (v: BoletoView): BoletoView => ({
  ...v,
  status: 'REGISTERED',
  nossoNumero: '123',
  updatedAt: new Date(Date.parse(v.updatedAt) + 1000).toISOString(),
});

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'boletoflow-statements-'));
  const port = await freePort();
  const profile = process.env.STATEMENTS_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.STATEMENTS_PROFILE}`]
    : [];
  const server = spawn(process.execPath, [...profile, '--import', 'tsx', 'src/records/embedded-server.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dir, RECORDS_PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: 'inherit',
  });
  let records: BoletoRecords | undefined;
  for (let tries = 0; !records; tries++) {
    try {
      records = await openRecords(`postgres://postgres@127.0.0.1:${port}/postgres`, [newPayloadKey('k1')], {
        maxConnections: C,
      });
    } catch (e) {
      if (tries > 200) throw e;
      await sleep(300);
    }
  }
  const r = records;
  const lsn = async () => (await sql<{ l: string }>`SELECT pg_current_wal_lsn()::text AS l`.execute(r.db)).rows[0]!.l;
  const walSince = async (from: string) =>
    Number(
      (await sql<{ d: string }>`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), ${from}::pg_lsn)::text AS d`.execute(r.db))
        .rows[0]!.d,
    );

  const phase = async (name: string, op: (v: BoletoView) => Promise<unknown>, offset: number) => {
    const l0 = await lsn();
    const s0 = cpuSeconds(server.pid);
    const u0 = process.cpuUsage();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: C }, async () => {
        while (next < N) await op(view(offset + next++));
      }),
    );
    const wallMs = (performance.now() - t0) / N;
    const u = process.cpuUsage(u0);
    const serverMs = ((cpuSeconds(server.pid) - s0) * 1000) / N;
    const clientMs = (u.user + u.system) / 1000 / N;
    const walKiB = (await walSince(l0)) / N / 1024;
    process.stdout.write(
      `| ${name} | ${serverMs.toFixed(2)} | ${clientMs.toFixed(2)} | ${wallMs.toFixed(2)} | ${walKiB.toFixed(1)} |\n`,
    );
  };

  const event = (v: BoletoView): BoletoEvent => ({
    seq: 1,
    kind: 'REGISTERED',
    at: v.updatedAt,
    source: 'bank-response',
    eventId: `${v.id}:registered`,
  });
  try {
    // Round 1 warms the JIT and the caches; round 2 is the figure to read.
    for (const round of [1, 2]) {
      const offset = (round - 1) * N;
      process.stdout.write(
        `\nround ${round} (${N} operations each, ${C} at a time)\n| statement | server ms/op | client ms/op | wall ms/op | WAL KiB/op |\n|---|---|---|---|---|\n`,
      );
      await phase(
        'claim key',
        (v) =>
          r.claimKey({ tenantId: 't1', key: `key-${v.id}`, fingerprint: 'fp', registering: v, payer, messages: ['x'] }),
        offset,
      );
      await phase('answer key', (v) => r.answerKey('t1', `key-${v.id}`, registered(v)), offset);
      await phase(
        'record event',
        (v) => r.recordEvent({ view: registered(v), event: event(v), deliveryId: `${v.id}:1` }),
        offset,
      );
      await phase(
        'delivery outcome',
        (v) => r.recordDeliveryAttempt(`${v.id}:1`, { status: 'DELIVERED', at: new Date().toISOString(), attempts: 1 }),
        offset,
      );
      await phase('SELECT 1', () => r.ping(), offset);
    }
  } finally {
    await r.close();
    server.kill('SIGTERM');
    await new Promise((done) => server.once('exit', done));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
