/**
 * Figures read straight from the records store (src/records) with a `pg` client, for `npm run bench` and
 * bench/records.ts: what the store holds per boleto (rows, bytes), and how long a state change took to reach it.
 * Each is one query or a handful at the end of a phase: nothing polls the store while the stack is measured.
 */
import type pg from 'pg';
import { pct } from './common';

/** The four tables of a boleto's record (record_purges is the purge log, not per boleto). */
export const RECORD_TABLES = ['boletos', 'boleto_events', 'boleto_deliveries', 'idempotency_keys'] as const;
export type RecordTable = (typeof RECORD_TABLES)[number];

export interface StoreFootprint {
  boletos: number;
  rows: Record<RecordTable, number>;
  rowsPerBoleto: Record<RecordTable, number>;
  /** pg_table_size (heap + TOAST + free-space and visibility maps), pg_indexes_size, their sum (pg_total_relation_size). */
  bytes: Record<RecordTable, { table: number; indexes: number; total: number }>;
  totalBytes: number;
  bytesPerBoleto: number;
  /** Of which indexes. */
  indexBytesPerBoleto: number;
  /** Dead row versions left by updates (pg_stat_user_tables: approximate, and only what autovacuum has not yet reclaimed). */
  deadTuples: Record<RecordTable, number>;
}

export async function storeFootprint(db: pg.ClientBase): Promise<StoreFootprint> {
  const rows = {} as Record<RecordTable, number>;
  const bytes = {} as StoreFootprint['bytes'];
  for (const t of RECORD_TABLES) {
    rows[t] = Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${t}`)).rows[0]!.n);
    const s = (
      await db.query<{ t: string; i: string; all: string }>(
        `SELECT pg_table_size($1::regclass) AS t, pg_indexes_size($1::regclass) AS i, pg_total_relation_size($1::regclass) AS all`,
        [t],
      )
    ).rows[0]!;
    bytes[t] = { table: Number(s.t), indexes: Number(s.i), total: Number(s.all) };
  }
  const dead = Object.fromEntries(RECORD_TABLES.map((t) => [t, NaN])) as Record<RecordTable, number>;
  for (const r of (
    await db.query<{ relname: RecordTable; d: string }>(
      `SELECT relname, n_dead_tup AS d FROM pg_stat_user_tables WHERE relname = ANY($1)`,
      [RECORD_TABLES],
    )
  ).rows)
    dead[r.relname] = Number(r.d);
  const boletos = rows.boletos;
  const per = (n: number) => (boletos ? +(n / boletos).toFixed(2) : NaN);
  const totalBytes = RECORD_TABLES.reduce((a, t) => a + bytes[t].total, 0);
  return {
    boletos,
    rows,
    rowsPerBoleto: Object.fromEntries(RECORD_TABLES.map((t) => [t, per(rows[t])])) as Record<RecordTable, number>,
    bytes,
    totalBytes,
    bytesPerBoleto: boletos ? Math.round(totalBytes / boletos) : NaN,
    indexBytesPerBoleto: boletos ? Math.round(RECORD_TABLES.reduce((a, t) => a + bytes[t].indexes, 0) / boletos) : NaN,
    deadTuples: dead,
  };
}

export const formatFootprint = (f: StoreFootprint): { rows: string; bytes: string } => ({
  rows: `${RECORD_TABLES.map((t) => `${t} ${f.rowsPerBoleto[t]}`).join(', ')} (${f.boletos} boletos)`,
  bytes: `${(f.bytesPerBoleto / 1024).toFixed(1)} KiB/boleto, of which indexes ${(f.indexBytesPerBoleto / 1024).toFixed(1)} KiB (${(f.totalBytes / 2 ** 20).toFixed(1)} MiB: ${RECORD_TABLES.map((t) => `${t} ${(f.bytes[t].total / 2 ** 20).toFixed(1)}`).join(', ')})`,
});

export interface LagFigure {
  samples: number;
  p50ms: number;
  p99ms: number;
  maxMs: number;
}

const lagOf = (ms: number[]): LagFigure => ({
  samples: ms.length,
  p50ms: Math.round(pct(ms, 50)),
  p99ms: Math.round(pct(ms, 99)),
  maxMs: Math.round(ms.reduce((a, b) => Math.max(a, b), -Infinity)),
});

/**
 * Webhook → in the store: for each sample, the PAID event's recorded_at (the store's now() in the delivery activity's
 * transaction, which writes the boleto's row and the event together) minus the moment the bench sent the webhook
 * (same machine, same clock). One query after the phase; `missing` counts samples without a PAID event.
 */
export async function webhookToStore(
  db: pg.ClientBase,
  samples: { id: string; sentAt: number }[],
): Promise<LagFigure & { missing: number }> {
  const { rows } = await db.query<{ boleto_id: string; recorded_at: Date }>(
    `SELECT boleto_id, recorded_at FROM boleto_events WHERE kind = 'PAID' AND boleto_id = ANY($1)`,
    [samples.map((s) => s.id)],
  );
  const at = new Map(rows.map((r) => [r.boleto_id, r.recorded_at.getTime()]));
  const ms = samples.flatMap((s) => (at.has(s.id) ? [at.get(s.id)! - s.sentAt] : []));
  return { ...lagOf(ms), missing: samples.length - ms.length };
}

/**
 * State change → in the store, for every row the workflow's activity wrote last (view_seq > 0): record_updated_at
 * (the store's now() at that write's transaction) minus view_updated_at (the workflow's clock when the view changed,
 * its task's time). One sample per boleto: its last write (REGISTERED for most, SETTLED for the webhook samples).
 * `after`: only the rows whose last change came at or after this instant (epoch ms), e.g. the fixed-rate phases
 * rather than the closed loop's saturation. Rows whose last write was the API's own (view_seq 0: still
 * registering, or the API's copy of the verdict landed first and the worker's identical one changed nothing) are
 * counted apart.
 */
export async function stateChangeToStore(
  db: pg.ClientBase,
  after = 0,
): Promise<LagFigure & { after: string; apiWritten: number; byStatus: Record<string, LagFigure> }> {
  const { rows } = await db.query<{ status: string; ms: number }>(
    `SELECT status, (extract(epoch FROM record_updated_at - view_updated_at) * 1000)::float8 AS ms FROM boletos WHERE view_seq > 0 AND view_updated_at >= $1`,
    [new Date(after)],
  );
  const api = Number(
    (
      await db.query<{ n: string }>(`SELECT count(*) AS n FROM boletos WHERE view_seq = 0 AND view_updated_at >= $1`, [
        new Date(after),
      ])
    ).rows[0]!.n,
  );
  const byStatus: Record<string, number[]> = {};
  for (const r of rows) (byStatus[r.status] ??= []).push(r.ms);
  return {
    after: new Date(after).toISOString(),
    ...lagOf(rows.map((r) => r.ms)),
    apiWritten: api,
    byStatus: Object.fromEntries(Object.entries(byStatus).map(([s, ms]) => [s, lagOf(ms)])),
  };
}
