/**
 * The embedded records store (PGlite behind the Postgres wire protocol) as worker and API meet it: ordinary
 * `pg` pools on several connections, concurrent writes, a transaction that holds the database while another
 * connection waits (and sees nothing uncommitted), and data that survives a close (even with a transaction
 * still open) and a new start on the same folder.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging';
import { StartupError } from '../../src/process';
import {
  type EmbeddedRecordsServer,
  recordsDataDir,
  startEmbeddedRecordsServer,
} from '../../src/records/embedded-server';
import { statementNames } from '../../src/records/pglite-queue';
import { PreparedStatementsClient } from '../../src/records/prepared';
import { freePort } from '../helpers/processes';

const logger = createLogger({ level: 'silent' });

/** Settles with 'pending' if `p` has not settled within `ms`. */
const within = <T>(p: Promise<T>, ms: number): Promise<T | 'pending'> =>
  Promise.race([p, new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms))]);

const countOf = async (pool: pg.Pool, src: string): Promise<number> =>
  (await pool.query<{ n: number }>('select count(*)::int as n from records_probe where src = $1', [src])).rows[0]!.n;

describe('embedded records server (PGlite over the Postgres protocol)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'boletoflow-records-'));
  const open: { server?: EmbeddedRecordsServer; pools: pg.Pool[] } = { pools: [] };

  afterAll(async () => {
    await Promise.all(open.pools.map((p) => p.end().catch(() => undefined)));
    await open.server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const pool = (url: string) => {
    const p = new pg.Pool({ connectionString: url, max: 4 });
    p.on('error', () => undefined); // connections cut by close() below
    open.pools.push(p);
    return p;
  };

  it('first start › two pools › concurrent inserts, a transaction that excludes the other connection, all of it after a restart', async () => {
    // What an interrupted first start leaves behind: removed, and initdb done again.
    mkdirSync(join(dataDir, 'records.initdb'), { recursive: true });
    writeFileSync(join(dataDir, 'records.initdb', 'PG_VERSION'), 'half-done');

    const port = await freePort();
    const server = await startEmbeddedRecordsServer({ dataDir, host: '127.0.0.1', port, logger });
    open.server = server;
    expect(server.url).toBe(`postgres://postgres@127.0.0.1:${port}/postgres`);
    expect(existsSync(join(recordsDataDir(dataDir), 'PG_VERSION'))).toBe(true);
    expect(existsSync(join(dataDir, 'records.initdb'))).toBe(false);

    const a = pool(server.url);
    const b = pool(server.url);
    await a.query('create table records_probe (id serial primary key, src text not null, n int not null, body text)');

    // Parameterised statements of different shapes from 8 connections at once: each gets its own answer.
    const inserts = Array.from({ length: 40 }, (_, i) => [
      a.query<{ n: number }>('insert into records_probe (src, n, body) values ($1, $2, $3) returning n', [
        'a',
        i,
        'x'.repeat(i * 50),
      ]),
      b.query<{ n: number }>('insert into records_probe (src, n) values ($1, $2) returning n', ['b', i]),
      b.query<{ doubled: number }>('select $1::int * 2 as doubled', [i]),
    ]);
    const results = await Promise.all(inserts.flat());
    inserts.forEach((_, i) => {
      expect(results[3 * i]!.rows[0]).toEqual({ n: i });
      expect(results[3 * i + 1]!.rows[0]).toEqual({ n: i });
      expect(results[3 * i + 2]!.rows[0]).toEqual({ doubled: 2 * i });
    });
    expect([await countOf(a, 'a'), await countOf(b, 'b')]).toEqual([40, 40]);

    // A transaction holds the single PGlite backend: the other pool's query waits for COMMIT (it does not see
    // the uncommitted row), the transaction's own statements keep running meanwhile, and nothing deadlocks.
    const tx = await a.connect();
    try {
      await tx.query('begin');
      await tx.query("insert into records_probe (src, n) values ('tx', 1)");
      const seenByB = b.query<{ n: number }>("select count(*)::int as n from records_probe where src = 'tx'");
      expect(await within(seenByB, 300)).toBe('pending');
      await tx.query("insert into records_probe (src, n) values ('tx', 2)");
      expect((await tx.query("select count(*)::int as n from records_probe where src = 'tx'")).rows[0]).toEqual({
        n: 2,
      });
      await tx.query('commit');
      const afterCommit = await within(seenByB, 5000);
      expect(afterCommit === 'pending' ? 'deadlocked' : afterCommit.rows[0]).toEqual({ n: 2 });

      // Rolled back: the waiting connection never sees the rows.
      await tx.query('begin');
      await tx.query("insert into records_probe (src, n) values ('rolled-back', 1)");
      const duringRollback = countOf(b, 'rolled-back');
      expect(await within(duringRollback, 300)).toBe('pending');
      await tx.query('rollback');
      expect(await within(duringRollback, 5000)).toBe(0);

      // Closing while a transaction is still open: it is rolled back, the files stay consistent.
      await tx.query('begin');
      await tx.query("insert into records_probe (src, n) values ('open-at-close', 1)");
      tx.on('error', () => undefined);
      await server.close();
      await server.close(); // idempotent
    } finally {
      tx.release(true);
    }
    await Promise.all([a.end(), b.end()]);
    open.pools.length = 0;

    const again = await startEmbeddedRecordsServer({ dataDir, port: await freePort(), logger });
    open.server = again;
    const c = pool(again.url);
    const { rows } = await c.query<{ src: string; n: number }>(
      'select src, count(*)::int as n from records_probe group by src order by src',
    );
    expect(rows).toEqual([
      { src: 'a', n: 40 },
      { src: 'b', n: 40 },
      { src: 'tx', n: 2 },
    ]);
    // And it still takes writes.
    await c.query("insert into records_probe (src, n) values ('after-restart', 1)");
    expect(await countOf(c, 'after-restart')).toBe(1);
  }, 90_000);

  it('a folder that is not a database › refused with a message naming it, nothing started', async () => {
    const other = mkdtempSync(join(tmpdir(), 'boletoflow-records-bad-'));
    try {
      mkdirSync(join(other, 'records'));
      writeFileSync(join(other, 'records', 'notes.txt'), 'not postgres');
      const started = startEmbeddedRecordsServer({ dataDir: other, port: await freePort(), logger });
      await expect(started).rejects.toBeInstanceOf(StartupError);
      await expect(started).rejects.toThrow(`${join(other, 'records')} is not empty but holds no database`);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
  it('named prepared statements (the store’s writes, prepared.ts) › shared by the one backend, deallocated when their connection goes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boletoflow-records-named-'));
    const server = await startEmbeddedRecordsServer({ dataDir: dir, host: '127.0.0.1', port: 0, logger });
    const watcher = new pg.Client({ connectionString: server.url });
    try {
      await watcher.connect();
      await watcher.query('create table named_probe (id int primary key, n int not null)');
      const prepared = async () =>
        (
          await watcher.query<{ name: string }>(
            "select name from pg_prepared_statements where name like 'bf%' order by name",
          )
        ).rows.map((r) => r.name);
      const writers: pg.Client[] = [
        new PreparedStatementsClient({ connectionString: server.url }),
        new PreparedStatementsClient({ connectionString: server.url }),
      ];
      await Promise.all(writers.map((w) => w.connect()));
      // The same write text from two connections, many times: one name each (no collision in the shared backend).
      for (let i = 0; i < 20; i++) {
        await writers[i % 2]!.query(
          'insert into named_probe (id, n) values ($1, $2) on conflict (id) do update set n = named_probe.n + excluded.n',
          [i % 5, 1],
        );
      }
      // A read is not named.
      expect((await writers[0]!.query<{ n: number }>('select sum(n)::int as n from named_probe')).rows[0]!.n).toBe(20);
      const names = await prepared();
      expect(names).toHaveLength(2);
      expect(new Set(names.map((n) => n.split('_')[0])).size).toBe(2);
      await writers[0]!.end();
      await expect.poll(prepared, { timeout: 5_000 }).toHaveLength(1);
      await writers[1]!.end();
      await expect.poll(prepared, { timeout: 5_000 }).toEqual([]);
    } finally {
      await watcher.end().catch(() => undefined);
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('statementNames › the names a batch prepares and closes, from the protocol bytes', () => {
    const close = (name: string) => msg('C', Buffer.concat([Buffer.from('S'), cstr(name)]));
    const batch = Buffer.concat([
      parse('select 1', 'one'),
      parse('select 2'),
      bind([]),
      execute(),
      close('one'),
      sync(),
    ]);
    expect(statementNames(new Uint8Array(batch))).toEqual([
      { name: 'one', parsed: true },
      { name: 'one', parsed: false },
    ]);
  });

  it('a parameterised batch split across TCP reads is not interleaved with another connection’s batch (pglite-queue.ts)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'boletoflow-records-split-'));
    const server = await startEmbeddedRecordsServer({ dataDir: dir, host: '127.0.0.1', port: 0, logger });
    try {
      const [a, b] = await Promise.all([wireClient(server.url), wireClient(server.url)]);
      // A: Parse of a two-parameter statement, and nothing else yet (the rest of its batch is still "in flight").
      a.send(parse('select $1::int + $2::int'));
      await new Promise((r) => setTimeout(r, 150));
      // B: a whole batch with a one-parameter statement on the same (unnamed) statement name.
      const bAnswer = b.untilReady();
      b.send(Buffer.concat([parse('select $1::int * 10'), bind(['7']), execute(), sync()]));
      await new Promise((r) => setTimeout(r, 150));
      const aAnswer = a.untilReady();
      a.send(Buffer.concat([bind(['2', '3']), execute(), sync()]));
      expect(await aAnswer).toEqual({ rows: ['5'], errors: [] });
      expect(await bAnswer).toEqual({ rows: ['70'], errors: [] });
      a.end();
      b.end();
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---- a minimal Postgres wire-protocol client, to control how a batch is cut into TCP writes ----

const msg = (type: string, body: Buffer) => {
  const head = Buffer.alloc(5);
  head.write(type, 0);
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
};
const cstr = (s: string) => Buffer.from(`${s}\0`);
const int16 = (n: number) => Buffer.from([(n >> 8) & 255, n & 255]);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const parse = (sql: string, name = '') => msg('P', Buffer.concat([cstr(name), cstr(sql), int16(0)]));
const bind = (params: string[]) =>
  msg(
    'B',
    Buffer.concat([
      cstr(''),
      cstr(''),
      int16(0),
      int16(params.length),
      ...params.flatMap((p) => [int32(Buffer.byteLength(p)), Buffer.from(p)]),
      int16(0),
    ]),
  );
const execute = () => msg('E', Buffer.concat([cstr(''), int32(0)]));
const sync = () => msg('S', Buffer.alloc(0));

async function wireClient(url: string) {
  const { hostname, port } = new URL(url);
  const socket = await new Promise<Socket>((ok, fail) => {
    const s = connect(Number(port), hostname, () => ok(s));
    s.once('error', fail);
  });
  let buf = Buffer.alloc(0);
  let waiter: (() => void) | undefined;
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    waiter?.();
  });
  /** Messages up to and including the next ReadyForQuery: DataRow values and error messages. */
  const untilReady = () =>
    new Promise<{ rows: string[]; errors: string[] }>((resolve) => {
      const rows: string[] = [];
      const errors: string[] = [];
      const scan = () => {
        while (buf.length >= 5 && buf.length >= 1 + buf.readInt32BE(1)) {
          const type = String.fromCharCode(buf[0]!);
          const body = buf.subarray(5, 1 + buf.readInt32BE(1));
          buf = buf.subarray(1 + buf.readInt32BE(1));
          if (type === 'D') rows.push(body.subarray(6, 6 + body.readInt32BE(2)).toString());
          if (type === 'E') errors.push(body.toString().replace(/\0/g, ' ').trim());
          if (type === 'Z') {
            waiter = undefined;
            return resolve({ rows, errors });
          }
        }
      };
      waiter = scan;
      scan();
    });
  const ready = untilReady();
  const startup = Buffer.concat([
    int32(196608),
    cstr('user'),
    cstr('postgres'),
    cstr('database'),
    cstr('postgres'),
    Buffer.from([0]),
  ]);
  socket.write(Buffer.concat([int32(startup.length + 4), startup]));
  await ready;
  return { send: (b: Buffer) => socket.write(b), untilReady, end: () => socket.end(msg('X', Buffer.alloc(0))) };
}
