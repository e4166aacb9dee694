/**
 * The records store on both of its servers, a real PostgreSQL 15 and the embedded PGlite (as `npm start` runs it):
 * idempotent writes in any order, Idempotency-Keys forever, personal data never in clear at rest (key rotation
 * included), filters, keyset cursors, sync, totals, purge.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BoletoRecords, openRecords } from '../../src/records';
import { createLogger } from '../../src/logging';
import { startEmbeddedRecordsServer } from '../../src/records/embedded-server';
import { newPayloadKey } from '../../src/temporal/codec';
import type { BoletoEvent, BoletoView } from '../../src/contracts/boleto';
import { testDatabase } from '../helpers/postgres';

const key1 = newPayloadKey('k1');
const key2 = newPayloadKey('k2');
const payer = {
  name: 'Maria Aparecida Souza',
  document: '52998224725',
  email: 'maria@example.com',
  address: {
    street: 'Rua das Flores',
    number: '12',
    district: 'Jardim Paulistano',
    city: 'São Paulo',
    state: 'SP',
    zipCode: '01452000',
  },
};

let n = 0;
function view(over: Partial<BoletoView> = {}): BoletoView {
  n++;
  const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let seu = '';
  for (let x = n + 32 ** 3 * process.pid; seu.length < 10; x = Math.floor(x / 32)) seu = B32[x % 32] + seu;
  return {
    id: `bol-acc1-${seu}`,
    tenantId: 't1',
    accountId: 'acc1',
    bank: 'BS2',
    status: 'REGISTERING',
    paid: false,
    settled: false,
    kind: 'BOLETO',
    amountCents: 10_000,
    issueDate: '2026-12-01',
    dueDate: '2026-12-20',
    seuNumero: seu,
    createdAt: new Date(Date.UTC(2026, 11, 1, 12, 0, n)).toISOString(),
    updatedAt: new Date(Date.UTC(2026, 11, 1, 12, 0, n)).toISOString(),
    ...over,
  };
}
const event = (seq: number, kind: BoletoEvent['kind'], at: string): BoletoEvent => ({
  seq,
  kind,
  at,
  source: 'bank-webhook',
  eventId: `${kind}:${seq}`,
});
const later = (iso: string, s: number) => new Date(Date.parse(iso) + s * 1000).toISOString();

async function registered(r: BoletoRecords, over: Partial<BoletoView> = {}, key = `key-${n + 1}`): Promise<BoletoView> {
  const v = view(over);
  expect(
    await r.claimKey({
      tenantId: v.tenantId,
      key,
      fingerprint: `fp-${key}`,
      registering: v,
      payer,
      messages: ['Não receber após o vencimento'],
    }),
  ).toEqual({ outcome: 'new' });
  const reg = {
    ...v,
    status: 'REGISTERED' as const,
    nossoNumero: `9${String(n).padStart(7, '0')}`,
    updatedAt: later(v.createdAt, 1),
    ...over,
  };
  await r.recordEvent({ view: reg, event: event(1, 'REGISTERED', reg.updatedAt), deliveryId: `${v.id}:1` });
  return reg;
}

/** Each server: its database's URL, and how to let it go. */
const SERVERS: [string, () => Promise<{ url: string; stop: () => Promise<void> }>][] = [
  ['PostgreSQL 15', async () => ({ url: await testDatabase('store'), stop: () => Promise.resolve() })],
  [
    'embedded PGlite',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'boletoflow-store-'));
      const server = await startEmbeddedRecordsServer({ dataDir, port: 0, logger: createLogger({ level: 'silent' }) });
      return {
        url: server.url,
        stop: async () => (await server.close(), rmSync(dataDir, { recursive: true, force: true })),
      };
    },
  ],
];

describe.each(SERVERS)('records store on %s', (_name, serve) => {
  let url: string;
  let stop: () => Promise<void>;
  let r: BoletoRecords;
  let raw: pg.Client;
  beforeAll(async () => {
    ({ url, stop } = await serve());
    r = await openRecords(url, [key1]);
    raw = new pg.Client(url);
    await raw.connect();
  }, 120_000);
  afterAll(async () => {
    await raw?.end();
    await r?.close();
    await stop?.();
  });

  it('migrates idempotently from several processes at once', async () => {
    const again = await Promise.all([openRecords(url, [key1]), openRecords(url, [key1])]);
    await Promise.all(again.map((x) => x.close()));
    const { rows } = await raw.query('SELECT name FROM records_migrations ORDER BY name');
    expect(rows.map((x: { name: string }) => x.name)).toEqual(['0001-boleto-records']);
  });

  it("the API's first answer and the workflow's REGISTERED event for the same boleto at the same moment › neither fails (no deadlock), one first answer", async () => {
    // On PostgreSQL these two used to lock the key's row and the boleto's in opposite orders (40P01 after 1 s).
    const boletos = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const v = view();
        const key = `race-${v.id}-${i}`;
        expect(
          await r.claimKey({ tenantId: 't1', key, fingerprint: 'fp', registering: v, payer, messages: [] }),
        ).toEqual({ outcome: 'new' });
        return {
          v,
          key,
          reg: {
            ...v,
            status: 'REGISTERED' as const,
            nossoNumero: String(70_000 + i),
            updatedAt: later(v.createdAt, 1),
          },
        };
      }),
    );
    const outcomes = await Promise.allSettled(
      boletos.flatMap(({ key, reg }) => [
        r.answerKey('t1', key, reg),
        r.recordEvent({ view: reg, event: event(1, 'REGISTERED', reg.updatedAt), deliveryId: `${reg.id}:1` }),
      ]),
    );
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String(o.reason))).toEqual([]);
    for (const { key, reg } of boletos)
      expect(
        await r.claimKey({
          tenantId: 't1',
          key,
          fingerprint: 'fp',
          registering: { ...reg, status: 'REGISTERING' },
          payer,
          messages: [],
        }),
      ).toEqual({ outcome: 'replay', view: reg });
  });

  it('claims an Idempotency-Key forever: same body replays, another body conflicts, a verdict is the first answer', async () => {
    const v = view();
    const claim = (fingerprint: string) =>
      r.claimKey({ tenantId: 't1', key: 'order-1', fingerprint, registering: v, payer, messages: [] });
    expect(await claim('fp-a')).toEqual({ outcome: 'new' });
    expect(await claim('fp-a')).toEqual({ outcome: 'pending' }); // no verdict yet: join the workflow
    expect(await claim('fp-b')).toEqual({ outcome: 'conflict' });
    const reg = { ...v, status: 'REGISTERED' as const, nossoNumero: '123', updatedAt: later(v.createdAt, 1) };
    await r.answerKey('t1', 'order-1', reg);
    await r.answerKey('t1', 'order-1', { ...reg, status: 'PAID' }); // the first answer stays the first
    expect(await claim('fp-a')).toEqual({ outcome: 'replay', view: reg });
    // another tenant's key of the same name is another key
    expect(
      await r.claimKey({
        tenantId: 't2',
        key: 'order-1',
        fingerprint: 'fp-b',
        registering: { ...v, tenantId: 't2', id: v.id.replace('bol-acc1-', 'bol-acc9-') },
        payer,
        messages: [],
      }),
    ).toEqual({ outcome: 'new' });
  });

  it('a boleto imported from Temporal (no key row): the same request replays it, another request is refused and claims nothing', async () => {
    const v = { ...view(), status: 'REGISTERED' as const };
    await r.importBoleto({
      view: v,
      events: [event(1, 'REGISTERED', v.updatedAt)],
      deliveries: [],
      payer,
      messages: [],
      requestFingerprint: 'fp-old',
    });
    const claim = (fingerprint: string) =>
      r.claimKey({
        tenantId: 't1',
        key: 'from-before',
        fingerprint,
        registering: { ...v, status: 'REGISTERING' },
        payer,
        messages: [],
      });
    expect(await claim('fp-other')).toEqual({ outcome: 'conflict' });
    const { rows } = await raw.query(
      `SELECT count(*)::int AS n FROM idempotency_keys WHERE idempotency_key = 'from-before'`,
    );
    expect(rows[0].n).toBe(0);
    expect(await claim('fp-old')).toEqual({ outcome: 'replay', view: v });
    expect(await claim('fp-old')).toEqual({ outcome: 'replay', view: v });
  });

  it('concurrent claims of one key: one is new, the others join it', async () => {
    const v = view();
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () =>
        r.claimKey({ tenantId: 't1', key: 'race-1', fingerprint: 'fp', registering: v, payer, messages: [] }),
      ),
    );
    expect(outcomes.filter((o) => o.outcome === 'new')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'pending')).toHaveLength(5);
    const { rows } = await raw.query('SELECT count(*)::int AS n FROM boletos WHERE id = $1', [v.id]);
    expect(rows[0].n).toBe(1);
  });

  it('a registration verdict recorded by the workflow becomes the key’s first answer (the API had answered 202)', async () => {
    const v = view();
    await r.claimKey({ tenantId: 't1', key: 'slow-bank', fingerprint: 'fp', registering: v, payer, messages: [] });
    const reg = { ...v, status: 'REGISTERED' as const, updatedAt: later(v.createdAt, 30) };
    await r.recordEvent({ view: reg, event: event(1, 'REGISTERED', reg.updatedAt), deliveryId: `${v.id}:1` });
    expect(
      await r.claimKey({ tenantId: 't1', key: 'slow-bank', fingerprint: 'fp', registering: v, payer, messages: [] }),
    ).toEqual({ outcome: 'replay', view: reg });
  });

  it('views are versioned: late and duplicated writes never move a boleto back', async () => {
    const reg = await registered(r);
    const paid = {
      ...reg,
      status: 'PAID' as const,
      paid: true,
      payment: { paidCents: 10_000, paidAt: later(reg.updatedAt, 60) },
      updatedAt: later(reg.updatedAt, 60),
    };
    const settled = {
      ...paid,
      status: 'SETTLED' as const,
      settled: true,
      settlement: { settledCents: 10_000, settledAt: later(paid.updatedAt, 60) },
      updatedAt: later(paid.updatedAt, 60),
    };
    // Delivered out of order, each twice, plus the API's own write of an older answer.
    await r.recordEvent({ view: settled, event: event(3, 'SETTLED', settled.updatedAt), deliveryId: `${reg.id}:3` });
    await r.recordEvent({ view: paid, event: event(2, 'PAID', paid.updatedAt), deliveryId: `${reg.id}:2` });
    await r.recordEvent({ view: settled, event: event(3, 'SETTLED', settled.updatedAt), deliveryId: `${reg.id}:3` });
    await r.recordEvent({ view: paid, event: event(2, 'PAID', paid.updatedAt), deliveryId: `${reg.id}:2` });
    await r.recordView(reg, 0);
    expect(await r.get('t1', reg.id)).toEqual(settled);
    expect((await r.events('t1', reg.id))!.map((e) => e.kind)).toEqual(['REGISTERED', 'PAID', 'SETTLED']);
    expect((await r.deliveries('t1', reg.id))!.map((d) => d.deliveryId)).toEqual([
      `${reg.id}:1`,
      `${reg.id}:2`,
      `${reg.id}:3`,
    ]);
    // Same instant, more events: the later snapshot wins (an overdue poll and the OVERDUE event in one task).
    const a = { ...settled, updatedAt: later(settled.updatedAt, 1), dueDate: '2026-12-21' };
    const b = { ...a, dueDate: '2026-12-22' };
    await r.recordView(b, 5);
    await r.recordView(a, 4);
    expect((await r.get('t1', reg.id))!.dueDate).toBe('2026-12-22');
    // A write that changes nothing does not count as a change (sync does not see it again).
    const before = await raw.query('SELECT change_seq FROM boletos WHERE id = $1', [reg.id]);
    await r.recordView(b, 5);
    const after = await raw.query('SELECT change_seq FROM boletos WHERE id = $1', [reg.id]);
    expect(after.rows[0].change_seq).toBe(before.rows[0].change_seq);
  });

  it('an event of a boleto the store has never seen (a workflow from before the store) creates its row, payer unknown', async () => {
    const v = { ...view(), status: 'PAID' as const, paid: true };
    await r.recordEvent({ view: v, event: event(2, 'PAID', v.updatedAt), deliveryId: `${v.id}:2` });
    expect(await r.get('t1', v.id)).toEqual(v);
    expect((await r.events('t1', v.id))!.map((e) => e.seq)).toEqual([2]);
    expect(await r.printable('t1', v.id)).toEqual({ boleto: v, messages: [] });
    expect((await r.indexOf([v.id])).get(v.id)).toMatchObject({ payerKnown: false }); // the drift repair fills it
  });

  it('counts delivery attempts and keeps the outcome; a resend starts a new attempt', async () => {
    const reg = await registered(r);
    const id = `${reg.id}:1`;
    await r.recordDeliveryAttempt(id, {
      status: 'PENDING',
      at: new Date().toISOString(),
      attempts: 1,
      error: 'HTTP 503',
    });
    await r.recordDeliveryAttempt(id, { status: 'DELIVERED', at: '2026-12-01T13:00:00.000Z', attempts: 1 });
    expect((await r.deliveries('t1', reg.id))![0]).toEqual({
      deliveryId: id,
      eventSeq: 1,
      status: 'DELIVERED',
      attempts: 2,
      lastAttemptAt: '2026-12-01T13:00:00.000Z',
      deliveredAt: '2026-12-01T13:00:00.000Z',
    });
    await r.recordEvent({ view: reg, event: event(1, 'REGISTERED', reg.updatedAt), deliveryId: id }); // resend
    expect((await r.deliveries('t1', reg.id))![0]).toMatchObject({ status: 'PENDING', attempts: 2 });
  });

  it('records a delivery to a tenant without an endpoint as SKIPPED in the same write, and a later endpoint re-pends it', async () => {
    const reg = await registered(r);
    const paid = { ...reg, status: 'PAID' as const, paid: true, updatedAt: '2026-12-05T12:00:00.000Z' };
    const id = `${reg.id}:2`;
    await r.recordEvent({ view: paid, event: event(2, 'PAID', paid.updatedAt), deliveryId: id, delivery: 'SKIPPED' });
    await r.recordEvent({ view: paid, event: event(2, 'PAID', paid.updatedAt), deliveryId: id, delivery: 'SKIPPED' }); // retried activity
    expect((await r.deliveries('t1', reg.id))!.find((d) => d.deliveryId === id)).toEqual({
      deliveryId: id,
      eventSeq: 2,
      status: 'SKIPPED',
      attempts: 0,
    });
    expect((await r.events('t1', reg.id))!.map((e) => e.seq)).toEqual([1, 2]);
    await r.recordEvent({ view: paid, event: event(2, 'PAID', paid.updatedAt), deliveryId: id }); // resend once the tenant has an endpoint
    expect((await r.deliveries('t1', reg.id))!.find((d) => d.deliveryId === id)).toMatchObject({
      status: 'PENDING',
      attempts: 0,
    });
  });

  it('keeps personal data encrypted at rest and finds the payer by document, across a key rotation', async () => {
    const reg = await registered(r, { reference: 'NF-2026-000123' });
    const dump = JSON.stringify((await raw.query('SELECT * FROM boletos WHERE id = $1', [reg.id])).rows);
    for (const secret of [
      payer.name,
      payer.document,
      '529.982.247-25',
      payer.email,
      payer.address.street,
      'Jardim Paulistano',
      'Não receber',
    ])
      expect(dump).not.toContain(secret);
    const tables = ['boletos', 'boleto_events', 'boleto_deliveries', 'idempotency_keys'];
    const everything = (
      await raw.query(
        `SELECT ${tables.map((t) => `coalesce((SELECT json_agg(x)::text FROM ${t} x), '')`).join(' || ')} AS all`,
      )
    ).rows[0].all as string;
    expect(everything).toContain(reg.id);
    for (const secret of [payer.name, payer.document, payer.email]) expect(everything).not.toContain(secret);
    expect((await r.printable('t1', reg.id))!.payer).toEqual(payer);
    expect((await r.list('t1', { payerDocument: payer.document }, 100)).items.map((x) => x.id)).toContain(reg.id);

    // Rotation: a new key first; rows sealed with the old key still open and are still found.
    const rotated = await openRecords(url, [key2, key1]);
    try {
      expect((await rotated.printable('t1', reg.id))!.payer).toEqual(payer);
      const fresh = await registered(rotated);
      const both = (await rotated.list('t1', { payerDocument: payer.document }, 100)).items.map((x) => x.id);
      expect(both).toEqual(expect.arrayContaining([reg.id, fresh.id]));
      const sealed = await raw.query('SELECT payer_enc, payer_doc_hmac FROM boletos WHERE id = $1', [fresh.id]);
      expect(sealed.rows[0].payer_enc).toMatch(/^v1\.k2\./);
      expect(sealed.rows[0].payer_doc_hmac).toMatch(/^k2:[0-9a-f]{64}$/);
      // Without the old key, the old row cannot be read (and says which key it needs).
      const onlyNew = await openRecords(url, [key2]);
      await expect(onlyNew.printable('t1', reg.id)).rejects.toThrow(/unknown key "k1"/);
      await onlyNew.close();
    } finally {
      await rotated.close();
    }
    // A sealed value moved to another row does not open there.
    const other = await registered(r);
    await raw.query('UPDATE boletos SET payer_enc = (SELECT payer_enc FROM boletos WHERE id = $1) WHERE id = $2', [
      reg.id,
      other.id,
    ]);
    await expect(r.printable('t1', other.id)).rejects.toThrow();
  });

  it('lists with filters (inclusive day bounds), a stable keyset cursor, tenant isolation, and incremental sync', async () => {
    const tenant = 'tlist';
    const made: BoletoView[] = [];
    for (let i = 0; i < 7; i++)
      made.push(
        await registered(
          r,
          { tenantId: tenant, dueDate: `2027-03-1${i}`, reference: i % 2 ? 'odd' : 'even' },
          `list-${i}`,
        ),
      );
    const ids = async (f: Parameters<BoletoRecords['list']>[1]) =>
      (await r.list(tenant, f, 100)).items.map((x) => x.id);
    expect(await ids({ dueFrom: '2027-03-13', dueTo: '2027-03-13' })).toEqual([made[3]!.id]);
    expect(await ids({ dueFrom: '2027-03-12', dueTo: '2027-03-14' })).toHaveLength(3);
    expect(await ids({ reference: 'odd' })).toHaveLength(3);
    expect(await ids({ status: ['PAID'] })).toEqual([]);
    expect(await ids({ seuNumero: made[2]!.seuNumero })).toEqual([made[2]!.id]);
    expect(await ids({ nossoNumero: made[4]!.nossoNumero! })).toEqual([made[4]!.id]);
    expect(await r.list('t1', { reference: 'odd' }, 100)).toEqual({ items: [] });

    // Pages of 3, newest first, no duplicates or gaps, even when a boleto changes mid-way.
    const seen: string[] = [];
    let cursor: Parameters<BoletoRecords['list']>[3];
    for (let page = 0; page < 5; page++) {
      const p = await r.list(tenant, {}, 3, cursor);
      seen.push(...p.items.map((x) => x.id));
      if (page === 0) await r.recordView({ ...made[0]!, status: 'PAID', updatedAt: later(made[0]!.updatedAt, 99) }, 9);
      if (!p.next) break;
      cursor = p.next;
    }
    expect(seen).toEqual([...made].reverse().map((x) => x.id));

    // Sync: oldest change first; a boleto that changes again comes back after the cursor.
    const first = await r.list(tenant, { updatedSince: '2000-01-01T00:00:00Z' }, 100);
    expect(first.items).toHaveLength(7);
    expect(first.items[6]!.id).toBe(made[0]!.id); // changed last
    const tail = await r.list(tenant, { updatedSince: '2000-01-01T00:00:00Z' }, 6);
    await r.recordView({ ...made[3]!, status: 'CANCELLED', updatedAt: later(made[3]!.updatedAt, 500) }, 9);
    const rest = await r.list(tenant, { updatedSince: '2000-01-01T00:00:00Z' }, 100, tail.next);
    expect(rest.items.map((x) => x.id)).toEqual([made[0]!.id, made[3]!.id]);
    expect((await r.list(tenant, { updatedSince: new Date(Date.now() + 60_000).toISOString() }, 100)).items).toEqual(
      [],
    );
  });

  it('exports every row of the filters in batches, with the payer decrypted', async () => {
    const tenant = 'texport';
    for (let i = 0; i < 25; i++) await registered(r, { tenantId: tenant }, `exp-${i}`);
    const batches: number[] = [];
    const rows = [];
    for await (const b of r.export(tenant, {}, 10)) {
      batches.push(b.length);
      rows.push(...b);
    }
    expect(batches).toEqual([10, 10, 5]);
    expect(new Set(rows.map((x) => x.view.id)).size).toBe(25);
    expect(rows[0]!.payer?.name).toBe(payer.name);
  });

  it('adds up each day per account: issued, paid, settled, cancelled, expired', async () => {
    const t = 'treport';
    const a = await registered(r, { tenantId: t, issueDate: '2026-11-10', amountCents: 1000 }, 'rep-a');
    const b = await registered(r, { tenantId: t, issueDate: '2026-11-10', amountCents: 2000 }, 'rep-b');
    const c = await registered(
      r,
      { tenantId: t, issueDate: '2026-11-11', amountCents: 4000, accountId: 'acc2' },
      'rep-c',
    );
    // paid 23:30 in São Paulo on the 11th = 02:30Z on the 12th: counted on the 11th
    await r.recordView(
      {
        ...a,
        status: 'SETTLED',
        paid: true,
        settled: true,
        payment: { paidCents: 990, paidAt: '2026-11-12T02:30:00.000Z' },
        settlement: { settledCents: 990, settledAt: '2026-11-13T10:00:00.000Z' },
        updatedAt: later(a.updatedAt, 10),
      },
      5,
    );
    await r.recordView(
      {
        ...b,
        status: 'CANCELLED',
        cancellation: { cancelledAt: '2026-11-12T15:00:00.000Z' },
        updatedAt: later(b.updatedAt, 10),
      },
      5,
    );
    await r.recordView(
      {
        ...c,
        status: 'EXPIRED',
        cancellation: { cancelledAt: '2026-11-12T15:00:00.000Z' },
        updatedAt: later(c.updatedAt, 10),
      },
      5,
    );
    const totals = await r.dailyTotals(t, { from: '2026-11-01', to: '2026-11-30' });
    const z = { count: 0, amountCents: 0 };
    expect(totals).toEqual([
      {
        date: '2026-11-10',
        accountId: 'acc1',
        issued: { count: 2, amountCents: 3000 },
        paid: z,
        settled: z,
        cancelled: z,
        expired: z,
      },
      {
        date: '2026-11-11',
        accountId: 'acc1',
        issued: z,
        paid: { count: 1, amountCents: 990 },
        settled: z,
        cancelled: z,
        expired: z,
      },
      {
        date: '2026-11-11',
        accountId: 'acc2',
        issued: { count: 1, amountCents: 4000 },
        paid: z,
        settled: z,
        cancelled: z,
        expired: z,
      },
      {
        date: '2026-11-12',
        accountId: 'acc1',
        issued: z,
        paid: z,
        settled: z,
        cancelled: { count: 1, amountCents: 2000 },
        expired: z,
      },
      {
        date: '2026-11-12',
        accountId: 'acc2',
        issued: z,
        paid: z,
        settled: z,
        cancelled: z,
        expired: { count: 1, amountCents: 4000 },
      },
      {
        date: '2026-11-13',
        accountId: 'acc1',
        issued: z,
        paid: z,
        settled: { count: 1, amountCents: 990 },
        cancelled: z,
        expired: z,
      },
    ]);
    expect(await r.dailyTotals(t, { from: '2026-11-01', to: '2026-11-30', account: 'acc2' })).toHaveLength(2);
  });

  it('purges only final boletos older than the retention, records the purge, and keeps their keys', async () => {
    const t = 'tpurge';
    const old = await registered(r, { tenantId: t }, 'purge-old');
    await r.recordView(
      {
        ...old,
        status: 'SETTLED',
        settlement: { settledCents: 1, settledAt: '2019-05-02T12:00:00.000Z' },
        updatedAt: '2026-12-01T12:10:00.000Z',
      },
      5,
    );
    const open = await registered(r, { tenantId: t }, 'purge-open');
    const result = await r.purge({ years: 5, by: 'ops@example.com', today: '2026-12-02' });
    expect(result).toMatchObject({ cutoff: '2021-12-02', boletos: 1, events: 1, deliveries: 1 });
    expect(await r.get(t, old.id)).toBeUndefined();
    expect(await r.get(t, open.id)).toBeDefined();
    const purges = await raw.query('SELECT purged_by, retention_years, boletos FROM record_purges');
    expect(purges.rows).toContainEqual({ purged_by: 'ops@example.com', retention_years: 5, boletos: 1 });
    const key = await raw.query(
      `SELECT boleto_id FROM idempotency_keys WHERE tenant_id = $1 AND idempotency_key = 'purge-old'`,
      [t],
    );
    expect(key.rows).toEqual([{ boleto_id: old.id }]);
  });
});
