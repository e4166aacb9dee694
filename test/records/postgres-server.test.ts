/**
 * The test infrastructure for the PostgreSQL store: databases from `testDatabase()` live on a real server
 * (the one test/global-setup.ts starts) and are isolated from each other; `startPostgres()` servers stop.
 */
import pg from 'pg';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { type PostgresServer, startPostgres, testDatabase } from '../helpers/postgres';

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const tableExists = (url: string, name: string) =>
  withClient(
    url,
    async (c) => (await c.query<{ t: string | null }>('select to_regclass($1)::text as t', [name])).rows[0]?.t ?? null,
  );

describe('testDatabase()', () => {
  it('uses the server the global setup provided', () => {
    expect(inject('postgresUrl')).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
  });

  it('gives two isolated databases on a real PostgreSQL >= 13', async () => {
    const a = await testDatabase();
    const b = await testDatabase();
    expect(a).not.toBe(b);
    expect(new URL(a).port).toBe(new URL(inject('postgresUrl')).port);

    const version = await withClient(a, async (c) => {
      const { rows } = await c.query<{ version: string; num: string }>(
        "select version() as version, current_setting('server_version_num') as num",
      );
      return rows[0]!;
    });
    expect(version.version).toMatch(/^PostgreSQL \d+/);
    expect(Number(version.num)).toBeGreaterThanOrEqual(130000);

    await withClient(a, (c) => c.query('create table boletos (id text primary key, amount_cents bigint not null)'));
    await withClient(a, (c) => c.query("insert into boletos values ('b1', 12345)"));
    expect(await tableExists(a, 'boletos')).toBe('boletos');
    expect(await tableExists(b, 'boletos')).toBeNull();
    await withClient(b, (c) => c.query('create table boletos (id text primary key)')); // same name, no clash
    expect(
      await withClient(
        b,
        async (c) => (await c.query<{ n: number }>('select count(*)::int as n from boletos')).rows[0],
      ),
    ).toEqual({ n: 0 });
  });

  it('runs with the fast, throwaway settings', async () => {
    const url = await testDatabase('settings');
    const settings = await withClient(url, async (c) => {
      const { rows } = await c.query<{ name: string; setting: string }>(
        "select name, setting from pg_settings where name in ('fsync', 'synchronous_commit', 'full_page_writes', 'max_connections', 'listen_addresses')",
      );
      return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
    });
    expect(settings).toEqual({
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: '200',
      listen_addresses: '127.0.0.1',
    });
  });
});

describe('startPostgres()', () => {
  let server: PostgresServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('starts a private server, and after stop() nothing accepts connections on it', async () => {
    server = await startPostgres();
    expect(server.url).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres`);
    const db = await server.createDatabase('own');
    expect(
      await withClient(db, async (c) => (await c.query<{ d: string }>('select current_database() as d')).rows[0]),
    ).toEqual({ d: new URL(db).pathname.slice(1) });

    await server.stop();
    await server.stop(); // idempotent
    await expect(withClient(server.url, (c) => c.query('select 1'))).rejects.toThrow(/ECONNREFUSED/);
  });
});
