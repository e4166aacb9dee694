/**
 * The store's named prepared statements (src/records/prepared.ts) on a real PostgreSQL 15: writes are named once per
 * connection and reused, reads are not named, and a plan the server refuses after a schema change (another process
 * migrated) runs again unnamed instead of failing, outside a transaction; inside one the error stands.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_NAMED, PreparedStatementsClient } from '../../src/records/prepared';
import { testDatabase } from '../helpers/postgres';

describe('PreparedStatementsClient on PostgreSQL 15', () => {
  let url: string;
  const clients: pg.Client[] = [];
  const client = async (C: typeof pg.Client = PreparedStatementsClient) => {
    const c = new C({ connectionString: url });
    await c.connect();
    clients.push(c);
    return c;
  };
  const named = async (c: pg.Client) =>
    (
      await c.query<{ name: string }>("select name from pg_prepared_statements where name like 'bf%' order by name")
    ).rows.map((r) => r.name);

  beforeAll(async () => {
    url = await testDatabase('prepared');
    const admin = await client(pg.Client);
    await admin.query('create table probe (id int primary key, n int not null)');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  });

  it('a write is prepared once and reused; a read is not prepared', async () => {
    const c = await client();
    for (let i = 0; i < 10; i++)
      await c.query('insert into probe (id, n) values ($1, 1) on conflict (id) do update set n = probe.n + 1', [i % 3]);
    await c.query('update probe set n = n where id = $1', [0]);
    const sum = await c.query<{ n: number }>('select sum(n)::int as n from probe');
    expect(sum.rows[0]!.n).toBe(10);
    expect(await named(c)).toHaveLength(2);
  });

  it('at most MAX_NAMED names per connection; the rest run unnamed', async () => {
    const c = await client();
    for (let i = 0; i < MAX_NAMED + 5; i++)
      await c.query(`update probe set n = n + 0 where id = $1 and ${i} = ${i}`, [1]);
    expect(await named(c)).toHaveLength(MAX_NAMED);
  });

  it('after another connection changes the table, a write whose plan is stale runs again unnamed; in a transaction the error stands', async () => {
    const c = await client();
    const admin = await client(pg.Client);
    const write = () => c.query<Record<string, unknown>>('update probe set n = n + 1 where id = $1 returning *', [2]);
    const tx = 'insert into probe (id, n) values ($1, 0) on conflict (id) do update set n = probe.n returning *';
    await write();
    await c.query(tx, [2]);
    await admin.query('alter table probe add column note text');
    // Outside a transaction: the server refuses the cached plan (its result type changed); the client runs it unnamed.
    const after = await write();
    expect(Object.keys(after.rows[0]!)).toEqual(['id', 'n', 'note']);
    // Inside a transaction the refusal aborted it: the caller sees the error (and retries the whole transaction).
    await c.query('begin');
    await expect(c.query(tx, [2])).rejects.toMatchObject({ code: '0A000' });
    await c.query('rollback');
    // And the text runs unnamed from then on.
    expect((await c.query<Record<string, unknown>>(tx, [2])).rows[0]).toHaveProperty('note');
  });
});
