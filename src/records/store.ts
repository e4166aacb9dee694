/**
 * Boleto records: the system of record for boletos, kept for years, outside Temporal. Workflows are the engine and
 * write here through activities (every event before the tenant is told of it); the API reads here, so a boleto
 * answers with every worker down and long after its workflow is gone.
 *
 * Every write is idempotent, so a retried, replayed or duplicated activity changes nothing the second time:
 * - a view replaces the stored one only if it is not older: versions compare (the workflow's updatedAt, then the
 *   highest event seq it reflects; the API's own writes use seq 0, so the workflow's records win a tie);
 * - events are append-only, unique per (boleto, seq);
 * - a delivery is one row per delivery id; its attempts are counted per attempt.
 */
import {
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type OnConflictBuilder,
  type QueryCreator,
  type SqlBool,
  sql,
} from 'kysely';
import type { BoletoEvent, BoletoStatus, BoletoView, Delivery } from '../contracts/boleto';
import { saoPauloDate } from '../domain';
import type { Payer } from '../contracts/bank';
import type { RecordProtector } from './protect';
import type { RecordsDatabase } from './schema';

const TERMINAL: readonly BoletoStatus[] = ['REJECTED', 'SETTLED', 'CANCELLED', 'EXPIRED'];
const day = (iso: string | undefined): string | null => (iso ? saoPauloDate(Date.parse(iso)) : null);

/** A day-range filter with both bounds at most this far apart is searched through its own index (filtered()). */
const NARROW_RANGE_DAYS = 92;

function narrowRange(f: ListFilters): boolean {
  const pairs: [string | undefined, string | undefined][] = [
    [f.dueFrom, f.dueTo],
    [f.issuedFrom, f.issuedTo],
    [f.paidFrom, f.paidTo],
    [f.settledFrom, f.settledTo],
  ];
  return pairs.some(
    ([a, b]) => a !== undefined && b !== undefined && (Date.parse(b) - Date.parse(a)) / 86_400_000 <= NARROW_RANGE_DAYS,
  );
}

/** What a boleto's row says beyond its view: filters, reports and sync read these columns. */
export function columnsOf(v: BoletoView) {
  const terminal = TERMINAL.includes(v.status);
  const finalAt =
    v.status === 'SETTLED'
      ? v.settlement?.settledAt
      : v.status === 'CANCELLED' || v.status === 'EXPIRED'
        ? (v.cancellation?.cancelledAt ?? v.updatedAt)
        : v.updatedAt;
  return {
    tenant_id: v.tenantId,
    account_id: v.accountId,
    bank: v.bank,
    status: v.status,
    kind: v.kind,
    amount_cents: v.amountCents,
    issue_date: v.issueDate,
    due_date: v.dueDate,
    seu_numero: v.seuNumero,
    nosso_numero: v.nossoNumero ?? null,
    reference: v.reference ?? null,
    paid_cents: v.payment?.paidCents ?? null,
    paid_date: day(v.payment?.paidAt),
    settled_cents: v.settlement?.settledCents ?? null,
    settled_date: day(v.settlement?.settledAt),
    final_date: terminal ? day(finalAt) : null,
    created_at: v.createdAt,
    view: JSON.stringify(v),
    view_updated_at: v.updatedAt,
  };
}

/** A delivery as the workflow knows it, as its row. */
export const deliveryRow = (boletoId: string, d: Delivery) => ({
  delivery_id: d.deliveryId,
  boleto_id: boletoId,
  event_seq: d.eventSeq,
  status: d.status,
  attempts: d.attempts,
  last_error: d.lastError ?? null,
  last_attempt_at: d.lastAttemptAt ?? null,
  delivered_at: d.deliveredAt ?? null,
});

/** The columns a newer view rewrites (never the payer, the fingerprint or the creation facts). */
const VIEW_COLUMNS = [
  'status',
  'amount_cents',
  'due_date',
  'nosso_numero',
  'paid_cents',
  'paid_date',
  'settled_cents',
  'settled_date',
  'final_date',
  'view',
  'view_updated_at',
  'view_seq',
] as const;

/** Who the boleto is payable to, as printed on it (fixed at issue: a later change of the account's data does not reprint old boletos). */
export interface Beneficiary {
  name: string;
  document: string;
  agencyAccount: string;
}

/** What is sealed with a boleto's row: its personal data and what its PDF prints beyond the view. */
interface Sealed {
  payer: Payer;
  messages: string[];
  beneficiary?: Beneficiary;
}

export interface Printable {
  boleto: BoletoView;
  /** Undefined for a boleto imported without its payer (it is read from the workflow then, while it exists). */
  payer?: Payer;
  messages: string[];
  /** Recorded at issue; undefined for boletos imported from Temporal (the account directory says it then). */
  beneficiary?: Beneficiary;
}

export interface ListFilters {
  status?: BoletoStatus[];
  bank?: string;
  account?: string;
  /** Inclusive ranges of São Paulo calendar days. */
  dueFrom?: string;
  dueTo?: string;
  issuedFrom?: string;
  issuedTo?: string;
  paidFrom?: string;
  paidTo?: string;
  settledFrom?: string;
  settledTo?: string;
  payerDocument?: string;
  reference?: string;
  seuNumero?: string;
  nossoNumero?: string;
  /** Incremental sync: boletos whose record changed at or after this instant, oldest change first. */
  updatedSince?: string;
}

/** Where a page starts: after this row (newest-first order: createdAt + id; sync order: the change counter). */
export type ListCursor = { order: 'created'; createdAt: string; id: string } | { order: 'changed'; changeSeq: number };

export interface ListPage {
  items: BoletoView[];
  next?: ListCursor;
}

export interface DailyTotals {
  date: string;
  accountId: string;
  issued: { count: number; amountCents: number };
  paid: { count: number; amountCents: number };
  settled: { count: number; amountCents: number };
  cancelled: { count: number; amountCents: number };
  expired: { count: number; amountCents: number };
}

/** What the API does with a creation request, given its Idempotency-Key (BoletoRecords.claimKey). */
export type KeyClaim = { outcome: 'new' | 'pending' | 'conflict' } | { outcome: 'replay'; view: BoletoView };

export interface ExportRow {
  view: BoletoView;
  payer?: Payer;
}

const sealedOf = (x: Sealed): Sealed => ({
  payer: x.payer,
  messages: x.messages,
  ...(x.beneficiary ? { beneficiary: x.beneficiary } : {}),
});

/** Boletos final before this day may be purged: `years` before `today` (29 February → 1 March). */
const purgeCutoff = ({ years, today }: { years: number; today: string }): string => {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y - years, m - 1, d)).toISOString().slice(0, 10);
};

const MEASURES = ['issued', 'paid', 'settled', 'cancelled', 'expired'] as const;

export class BoletoRecords {
  constructor(
    readonly db: Kysely<RecordsDatabase>,
    private readonly protector: RecordProtector,
  ) {}

  // ---------------------------------------------------------------- creation (the API, before the workflow starts)

  /**
   * Claims an Idempotency-Key for a boleto, forever, before its workflow starts; the boleto's row (REGISTERING, payer
   * sealed) is written with it, so the boleto exists in the store before anywhere else. The outcome says what the
   * API does next:
   *   new / pending  start the workflow (or join the one already running: the same key makes the same workflow id);
   *   replay         answer this view again, and touch neither Temporal nor the bank;
   *   conflict       the key was used for another request (its fingerprint differs).
   * A boleto imported from Temporal (backfill) has no key row: its own fingerprint decides, and the key is claimed.
   */
  async claimKey(input: {
    tenantId: string;
    key: string;
    fingerprint: string;
    registering: BoletoView;
    payer: Payer;
    messages: string[];
    beneficiary?: Beneficiary;
  }): Promise<KeyClaim> {
    const v = input.registering;
    for (let round = 0; round < 2; round++) {
      // The common case in one statement: a new key, and with it (only then) the boleto's row.
      const fresh = await this.claimNew(input);
      if (fresh.key && fresh.row) return { outcome: 'new' };
      if (fresh.key) {
        // The key was free but the boleto's row exists: a boleto imported from Temporal. Its fingerprint decides.
        const imported = await this.creationOf(input.tenantId, v.id);
        if (!imported || (imported.fingerprint && imported.fingerprint !== input.fingerprint)) {
          await this.db
            .deleteFrom('idempotency_keys')
            .where('tenant_id', '=', input.tenantId)
            .where('idempotency_key', '=', input.key)
            .execute();
          return { outcome: 'conflict' };
        }
        return imported.view.status === 'REGISTERING'
          ? { outcome: 'pending' }
          : { outcome: 'replay', view: imported.view };
      }
      // The key was taken: by this request earlier (a retry), or by another one.
      const key = await this.db
        .selectFrom('idempotency_keys')
        .select(['boleto_id', 'request_fingerprint', 'first_response'])
        .where('tenant_id', '=', input.tenantId)
        .where('idempotency_key', '=', input.key)
        .executeTakeFirst();
      if (!key) continue; // removed meanwhile (a refused request for an imported boleto): claim again
      if (key.request_fingerprint !== input.fingerprint) return { outcome: 'conflict' };
      if (key.first_response) return { outcome: 'replay', view: key.first_response };
      const stored = await this.get(input.tenantId, key.boleto_id);
      // No verdict yet: join the workflow (the same key makes the same workflow id; it starts it if it never started).
      return stored && stored.status !== 'REGISTERING' ? { outcome: 'replay', view: stored } : { outcome: 'pending' };
    }
    throw new Error(`Idempotency-Key claim did not settle for boleto ${v.id}`);
  }

  /** INSERT the key; if (and only if) that claimed it, INSERT the boleto's row too. Says which of the two happened. */
  private async claimNew(
    input: { tenantId: string; key: string; fingerprint: string; registering: BoletoView } & Sealed,
  ): Promise<{ key: boolean; row: boolean }> {
    const v = input.registering;
    const c = columnsOf(v);
    const { rows } = await sql<{ key: number; row: number }>`
      WITH k AS (
        INSERT INTO idempotency_keys (tenant_id, idempotency_key, boleto_id, request_fingerprint)
        VALUES (${input.tenantId}, ${input.key}, ${v.id}, ${input.fingerprint})
        ON CONFLICT DO NOTHING RETURNING boleto_id
      ), b AS (
        INSERT INTO boletos (id, tenant_id, account_id, bank, status, kind, amount_cents, issue_date, due_date, seu_numero,
                             reference, created_at, view, view_updated_at, view_seq, request_fingerprint, payer_doc_hmac, payer_enc)
        SELECT ${v.id}::text, ${c.tenant_id}::text, ${c.account_id}::text, ${c.bank}::text, ${c.status}::text, ${c.kind}::text,
               ${c.amount_cents}::bigint, ${c.issue_date}::date, ${c.due_date}::date, ${c.seu_numero}::text, ${c.reference}::text,
               ${c.created_at}::timestamptz, ${c.view}::json, ${c.view_updated_at}::timestamptz, 0, ${input.fingerprint}::text,
               ${this.protector.documentHash(input.payer.document)}::text, ${this.protector.seal(sealedOf(input), v.id)}::text
        FROM k
        ON CONFLICT (id) DO NOTHING RETURNING id
      )
      SELECT (SELECT count(*) FROM k)::int AS key, (SELECT count(*) FROM b)::int AS row`.execute(this.db);
    return { key: rows[0]!.key > 0, row: rows[0]!.row > 0 };
  }

  /**
   * The first answer with a verdict, kept for every later replay of the key (first writer wins); and the view.
   * Two statements, one row lock each: in one statement the key's row and the boleto's were locked in the opposite
   * order to the workflow's recordEvent (which writes both too), and on PostgreSQL the two deadlocked whenever the API
   * answered while the delivery activity recorded the same verdict (found by the cluster bench: ~6 % of registrations
   * waited deadlock_timeout, 1 s). Holding one lock at a time, this side can no longer be part of a cycle.
   */
  async answerKey(tenantId: string, key: string, view: BoletoView): Promise<void> {
    if (view.status === 'REGISTERING') return;
    await this.upsertView(this.db, view, 0).execute();
    await this.db
      .updateTable('idempotency_keys')
      .set({ first_response: JSON.stringify(view), answered_at: new Date().toISOString() })
      .where('tenant_id', '=', tenantId)
      .where('idempotency_key', '=', key)
      .where('first_response', 'is', null)
      .execute();
  }

  // ---------------------------------------------------------------- the workflow's writes (activities)

  /** A view, if it is not older than the stored one. Inserts the row if the API never did (older deployments). */
  async recordView(view: BoletoView, viewSeq: number): Promise<void> {
    await this.upsertView(this.db, view, viewSeq).execute();
  }

  private upsertView(db: QueryCreator<RecordsDatabase>, view: BoletoView, viewSeq: number) {
    return db
      .insertInto('boletos')
      .values({ id: view.id, ...columnsOf(view), view_seq: viewSeq })
      .onConflict((oc) => this.newerView(oc));
  }

  /** The one rule of view versions, as an ON CONFLICT clause: a view replaces the stored one only if it is not older. */
  private newerView(oc: OnConflictBuilder<RecordsDatabase, 'boletos'>) {
    return oc
      .column('id')
      .doUpdateSet((eb) => ({
        ...Object.fromEntries(VIEW_COLUMNS.map((c) => [c, eb.ref(`excluded.${c}`)])),
        change_seq: sql<number>`nextval('boleto_change_seq')`,
        record_updated_at: sql<Date>`now()`,
      }))
      .where((eb) =>
        eb.and([
          eb(
            eb.refTuple('boletos.view_updated_at', 'boletos.view_seq'),
            '<=',
            eb.refTuple('excluded.view_updated_at', 'excluded.view_seq'),
          ),
          // Something to change: the view, or a column drifted from it (what the drift repair finds).
          sql<SqlBool>`(boletos.view::text IS DISTINCT FROM excluded.view::text OR (boletos.status, boletos.due_date, boletos.nosso_numero) IS DISTINCT FROM (excluded.status, excluded.due_date, excluded.nosso_numero))`,
        ]),
      );
  }

  /**
   * One boleto event, as the delivery activity records it before notifying the tenant: the view it belongs to, the
   * event (append-only) and its delivery (PENDING until the attempt's outcome, or SKIPPED at once when the tenant
   * has no endpoint: nothing will be attempted). A registration verdict is also the key's first answer if the API
   * could not write it (it answered 202, or it crashed).
   */
  async recordEvent(input: {
    view: BoletoView;
    event: BoletoEvent;
    deliveryId: string;
    delivery?: 'PENDING' | 'SKIPPED';
  }): Promise<void> {
    const { view, event } = input;
    const delivery = input.delivery ?? 'PENDING';
    const verdict = event.kind === 'REGISTERED' || event.kind === 'REJECTED';
    // One statement (atomic without a transaction, one round trip: the embedded store runs one batch at a time).
    await this.db
      .with('v', (db) => this.upsertView(db, view, event.seq).returning('id'))
      .with('e', (db) =>
        db
          .insertInto('boleto_events')
          .values({ boleto_id: view.id, seq: event.seq, kind: event.kind, at: event.at, event: JSON.stringify(event) })
          .onConflict((oc) => oc.columns(['boleto_id', 'seq']).doNothing())
          .returning('seq'),
      )
      .with('k', (db) =>
        db
          .updateTable('idempotency_keys')
          .set({ first_response: JSON.stringify(view), answered_at: new Date().toISOString() })
          .where('boleto_id', '=', view.id)
          .where('first_response', 'is', null)
          .where(sql<SqlBool>`${sql.lit(verdict)}`)
          .returning('boleto_id'),
      )
      .insertInto('boleto_deliveries')
      .values({
        delivery_id: input.deliveryId,
        boleto_id: view.id,
        event_seq: event.seq,
        status: delivery,
        attempts: 0,
      })
      .onConflict((oc) =>
        oc
          .column('delivery_id')
          .doUpdateSet({ status: delivery, updated_at: sql<Date>`now()` })
          .where('boleto_deliveries.status', '<>', delivery),
      )
      .execute();
  }

  /** The outcome of one delivery attempt. */
  async recordDeliveryAttempt(
    deliveryId: string,
    outcome: { status: Delivery['status']; at: string; attempts: number; error?: string },
  ): Promise<void> {
    await this.db
      .updateTable('boleto_deliveries')
      .set((eb) => ({
        status: outcome.status,
        attempts: eb('attempts', '+', outcome.attempts),
        last_error: outcome.error ?? null,
        ...(outcome.attempts ? { last_attempt_at: outcome.at } : {}),
        ...(outcome.status === 'DELIVERED' ? { delivered_at: outcome.at } : {}),
        updated_at: sql<Date>`now()`,
      }))
      .where('delivery_id', '=', deliveryId)
      .execute();
  }

  /** Repair and import: a whole boleto as its workflow knows it (drift repair, backfill, read-through). */
  async importBoleto(input: {
    view: BoletoView;
    events: BoletoEvent[];
    deliveries: Delivery[];
    payer?: Payer;
    messages?: string[];
    requestFingerprint?: string;
  }): Promise<{ inserted: boolean; changed: number }> {
    const { view } = input;
    return this.db.transaction().execute(async (tx) => {
      const existed = await tx.selectFrom('boletos').select(['payer_enc']).where('id', '=', view.id).executeTakeFirst();
      let changed = 0;
      const seq = input.events.reduce((m, e) => Math.max(m, e.seq), 0);
      changed += Number((await this.upsertView(tx, view, seq).executeTakeFirst()).numInsertedOrUpdatedRows ?? 0n);
      if (input.payer && !existed?.payer_enc) {
        const r = await tx
          .updateTable('boletos')
          .set({
            payer_doc_hmac: this.protector.documentHash(input.payer.document),
            payer_enc: this.protector.seal({ payer: input.payer, messages: input.messages ?? [] }, view.id),
            ...(input.requestFingerprint ? { request_fingerprint: input.requestFingerprint } : {}),
          })
          .where('id', '=', view.id)
          .where('payer_enc', 'is', null)
          .executeTakeFirst();
        changed += Number(r.numUpdatedRows);
      }
      if (input.events.length) {
        const r = await tx
          .insertInto('boleto_events')
          .values(
            input.events.map((e) => ({
              boleto_id: view.id,
              seq: e.seq,
              kind: e.kind,
              at: e.at,
              event: JSON.stringify(e),
            })),
          )
          .onConflict((oc) => oc.columns(['boleto_id', 'seq']).doNothing())
          .executeTakeFirst();
        changed += Number(r.numInsertedOrUpdatedRows ?? 0n);
      }
      for (const d of input.deliveries) {
        // The store's own attempts count wins once it has one: only deliveries it lacks, or settled since, are copied.
        const r = await tx
          .insertInto('boleto_deliveries')
          .values(deliveryRow(view.id, d))
          .onConflict((oc) =>
            oc
              .column('delivery_id')
              .doUpdateSet((eb) => ({
                status: eb.ref('excluded.status'),
                delivered_at: eb.ref('excluded.delivered_at'),
                last_error: eb.ref('excluded.last_error'),
                updated_at: sql<Date>`now()`,
              }))
              .where('boleto_deliveries.status', '=', 'PENDING')
              .where('excluded.status', '<>', 'PENDING'),
          )
          .executeTakeFirst();
        changed += Number(r.numInsertedOrUpdatedRows ?? 0n);
      }
      return { inserted: !existed, changed };
    });
  }

  // ---------------------------------------------------------------- reads (the API)

  async get(tenantId: string, id: string): Promise<BoletoView | undefined> {
    const r = await this.db
      .selectFrom('boletos')
      .select('view')
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return r?.view;
  }

  /** A boleto's creation facts (its view and the request's fingerprint): for a key the store has no row of (imported boletos). */
  async creationOf(tenantId: string, id: string): Promise<{ view: BoletoView; fingerprint?: string } | undefined> {
    const r = await this.db
      .selectFrom('boletos')
      .select(['view', 'request_fingerprint'])
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    return r ? { view: r.view, ...(r.request_fingerprint ? { fingerprint: r.request_fingerprint } : {}) } : undefined;
  }

  /** Events oldest first; undefined when the boleto is not the tenant's. */
  async events(tenantId: string, id: string): Promise<BoletoEvent[] | undefined> {
    if (!(await this.owns(tenantId, id))) return undefined;
    const rows = await this.db
      .selectFrom('boleto_events')
      .select('event')
      .where('boleto_id', '=', id)
      .orderBy('seq')
      .execute();
    return rows.map((r) => r.event);
  }

  async deliveries(tenantId: string, id: string): Promise<Delivery[] | undefined> {
    if (!(await this.owns(tenantId, id))) return undefined;
    const rows = await this.db
      .selectFrom('boleto_deliveries')
      .selectAll()
      .where('boleto_id', '=', id)
      .orderBy('event_seq')
      .orderBy('delivery_id')
      .execute();
    return rows.map((d) => ({
      deliveryId: d.delivery_id,
      eventSeq: d.event_seq,
      status: d.status,
      attempts: d.attempts,
      ...(d.last_error ? { lastError: d.last_error } : {}),
      ...(d.last_attempt_at ? { lastAttemptAt: d.last_attempt_at.toISOString() } : {}),
      ...(d.delivered_at ? { deliveredAt: d.delivered_at.toISOString() } : {}),
    }));
  }

  async printable(tenantId: string, id: string): Promise<Printable | undefined> {
    const r = await this.db
      .selectFrom('boletos')
      .select(['view', 'payer_enc'])
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    if (!r) return undefined;
    const sealed = r.payer_enc ? this.protector.open<Sealed>(r.payer_enc, id) : undefined;
    return {
      boleto: r.view,
      ...(sealed ? { payer: sealed.payer } : {}),
      messages: sealed?.messages ?? [],
      ...(sealed?.beneficiary ? { beneficiary: sealed.beneficiary } : {}),
    };
  }

  /** Whether any tenant's boleto has this id (a read of another tenant's boleto is a 404 without asking Temporal). */
  async exists(id: string): Promise<boolean> {
    return !!(await this.db.selectFrom('boletos').select('id').where('id', '=', id).executeTakeFirst());
  }

  private async owns(tenantId: string, id: string): Promise<boolean> {
    return !!(await this.db
      .selectFrom('boletos')
      .select('id')
      .where('id', '=', id)
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst());
  }

  /** A page of the tenant's boletos: newest first, or (updatedSince) oldest change first for incremental sync. */
  async list(tenantId: string, f: ListFilters, limit: number, cursor?: ListCursor): Promise<ListPage> {
    const rows = await this.filtered(tenantId, f, limit + 1, cursor);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const order = f.updatedSince !== undefined ? 'changed' : 'created';
    return {
      items: page.map((r) => r.view),
      ...(rows.length > limit && last
        ? {
            next:
              order === 'changed'
                ? { order, changeSeq: last.change_seq }
                : { order, createdAt: last.view.createdAt, id: last.view.id },
          }
        : {}),
    };
  }

  /** Every boleto the filters select, in pages, with the payer decrypted (the CSV export). */
  async *export(tenantId: string, f: ListFilters, batch = 1_000): AsyncGenerator<ExportRow[]> {
    let cursor: ListCursor | undefined;
    for (;;) {
      const rows = await this.filtered(tenantId, f, batch, cursor);
      if (!rows.length) return;
      yield rows.map((r) => {
        const sealed = r.payer_enc ? this.protector.open<{ payer: Payer }>(r.payer_enc, r.id) : undefined;
        return { view: r.view, ...(sealed ? { payer: sealed.payer } : {}) };
      });
      if (rows.length < batch) return;
      const last = rows[rows.length - 1]!;
      cursor =
        f.updatedSince !== undefined
          ? { order: 'changed', changeSeq: last.change_seq }
          : { order: 'created', createdAt: last.view.createdAt, id: last.id };
    }
  }

  private async filtered(
    tenantId: string,
    f: ListFilters,
    limit: number,
    cursor?: ListCursor,
  ): Promise<{ id: string; view: BoletoView; change_seq: number; payer_enc: string | null }[]> {
    const range =
      (col: 'due_date' | 'issue_date' | 'paid_date' | 'settled_date', from?: string, to?: string) =>
      (eb: ExpressionBuilder<RecordsDatabase, 'boletos'>) => {
        const parts: Expression<SqlBool>[] = [];
        if (from) parts.push(eb(col, '>=', from));
        if (to) parts.push(eb(col, '<=', to));
        return eb.and(parts);
      };
    let q = this.db.selectFrom('boletos').where('tenant_id', '=', tenantId);
    if (f.status?.length) q = q.where('status', 'in', f.status);
    if (f.bank) q = q.where('bank', '=', f.bank);
    if (f.account) q = q.where('account_id', '=', f.account);
    if (f.dueFrom || f.dueTo) q = q.where(range('due_date', f.dueFrom, f.dueTo));
    if (f.issuedFrom || f.issuedTo) q = q.where(range('issue_date', f.issuedFrom, f.issuedTo));
    if (f.paidFrom || f.paidTo) q = q.where(range('paid_date', f.paidFrom, f.paidTo));
    if (f.settledFrom || f.settledTo) q = q.where(range('settled_date', f.settledFrom, f.settledTo));
    if (f.payerDocument) q = q.where('payer_doc_hmac', 'in', this.protector.documentHashes(f.payerDocument));
    if (f.reference) q = q.where('reference', '=', f.reference);
    if (f.seuNumero) q = q.where('seu_numero', '=', f.seuNumero);
    if (f.nossoNumero) q = q.where('nosso_numero', '=', f.nossoNumero);
    const columns = ['boletos.id', 'boletos.view', 'boletos.change_seq', 'boletos.payer_enc'] as const;
    if (f.updatedSince !== undefined) {
      q = q.where('record_updated_at', '>=', new Date(f.updatedSince));
      if (cursor?.order === 'changed') q = q.where('change_seq', '>', cursor.changeSeq);
      return q.select(columns).orderBy('change_seq', 'asc').limit(limit).execute();
    }
    if (cursor?.order === 'created')
      q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(new Date(cursor.createdAt), cursor.id)));
    if (!narrowRange(f))
      return q.select(columns).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    // A bounded day range of a few months: find its rows through the range's index, then order them. Left to itself
    // the planner walks the newest-first index and filters, assuming days and creation are unrelated, and an old
    // month sits at its far end (measured at 100,000 boletos: 125 ms for a month's first page). OFFSET 0 keeps the
    // subquery from being merged back; the page's ids are sorted and cut before the rows are fetched.
    const matching = q.select(['boletos.id', 'boletos.created_at']).offset(0).as('m0');
    const page = this.db
      .selectFrom(matching)
      .select(['m0.id', 'm0.created_at'])
      .orderBy('m0.created_at', 'desc')
      .orderBy('m0.id', 'desc')
      .limit(limit)
      .as('m');
    return this.db
      .selectFrom(page)
      .innerJoin('boletos', 'boletos.id', 'm.id')
      .select(columns)
      .orderBy('m.created_at', 'desc')
      .orderBy('m.id', 'desc')
      .execute();
  }

  /** Per São Paulo day and account: counts and sums of boletos issued, paid, settled, cancelled and expired. */
  async dailyTotals(tenantId: string, range: { from: string; to: string; account?: string }): Promise<DailyTotals[]> {
    const acct = range.account ? sql`AND account_id = ${range.account}` : sql``;
    const { rows } = await sql<{
      day: string;
      account_id: string;
      measure: (typeof MEASURES)[number];
      n: number;
      cents: number;
    }>`
      SELECT day, account_id, measure, count(*)::int AS n, coalesce(sum(cents), 0)::bigint AS cents FROM (
        SELECT issue_date AS day, account_id, 'issued' AS measure, amount_cents AS cents FROM boletos
          WHERE tenant_id = ${tenantId} ${acct} AND issue_date BETWEEN ${range.from} AND ${range.to} AND status NOT IN ('REGISTERING', 'REJECTED')
        UNION ALL
        SELECT paid_date, account_id, 'paid', paid_cents FROM boletos
          WHERE tenant_id = ${tenantId} ${acct} AND paid_date BETWEEN ${range.from} AND ${range.to}
        UNION ALL
        SELECT settled_date, account_id, 'settled', settled_cents FROM boletos
          WHERE tenant_id = ${tenantId} ${acct} AND settled_date BETWEEN ${range.from} AND ${range.to}
        UNION ALL
        SELECT final_date, account_id, lower(status), amount_cents FROM boletos
          WHERE tenant_id = ${tenantId} ${acct} AND status IN ('CANCELLED', 'EXPIRED') AND final_date BETWEEN ${range.from} AND ${range.to}
      ) x GROUP BY day, account_id, measure ORDER BY day, account_id`.execute(this.db);
    const out = new Map<string, DailyTotals>();
    for (const r of rows) {
      const k = `${r.day} ${r.account_id}`;
      let t = out.get(k);
      if (!t) {
        t = {
          date: r.day,
          accountId: r.account_id,
          ...(Object.fromEntries(MEASURES.map((m) => [m, { count: 0, amountCents: 0 }])) as Omit<
            DailyTotals,
            'date' | 'accountId'
          >),
        };
        out.set(k, t);
      }
      t[r.measure] = { count: r.n, amountCents: Number(r.cents) };
    }
    return [...out.values()];
  }

  // ---------------------------------------------------------------- drift repair, retention

  /** What the store holds of these boletos, for a cheap comparison with Temporal's visibility. */
  async indexOf(
    ids: string[],
  ): Promise<Map<string, { status: BoletoStatus; dueDate: string; nossoNumero?: string; payerKnown: boolean }>> {
    if (!ids.length) return new Map();
    const rows = await this.db
      .selectFrom('boletos')
      .select(['id', 'status', 'due_date', 'nosso_numero', 'payer_enc'])
      .where('id', 'in', ids)
      .execute();
    return new Map(
      rows.map((r) => [
        r.id,
        {
          status: r.status,
          dueDate: r.due_date,
          ...(r.nosso_numero ? { nossoNumero: r.nosso_numero } : {}),
          payerKnown: r.payer_enc !== null,
        },
      ]),
    );
  }

  /**
   * Removes boletos that reached a final status more than `years` before `today`, and records the purge (who, when,
   * how many). Idempotency keys stay: a key is never free again, even after its boleto is purged.
   */
  async purge(input: {
    years: number;
    by: string;
    today: string;
  }): Promise<{ cutoff: string; boletos: number; events: number; deliveries: number }> {
    const cutoff = purgeCutoff(input);
    return this.db.transaction().execute(async (tx) => {
      const doomed = tx
        .selectFrom('boletos')
        .select('id')
        .where('final_date', '<', cutoff)
        .where('status', 'in', TERMINAL);
      const events = Number(
        (
          await tx
            .selectFrom('boleto_events')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('boleto_id', 'in', doomed)
            .executeTakeFirstOrThrow()
        ).n,
      );
      const deliveries = Number(
        (
          await tx
            .selectFrom('boleto_deliveries')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('boleto_id', 'in', doomed)
            .executeTakeFirstOrThrow()
        ).n,
      );
      const boletos = Number(
        (
          await tx
            .deleteFrom('boletos')
            .where('final_date', '<', cutoff)
            .where('status', 'in', TERMINAL)
            .executeTakeFirst()
        ).numDeletedRows,
      );
      await tx
        .insertInto('record_purges')
        .values({ purged_by: input.by, retention_years: input.years, cutoff_date: cutoff, boletos, events, deliveries })
        .execute();
      return { cutoff, boletos, events, deliveries };
    });
  }

  /** How many boletos each status and bank has, every tenant together (the API's boletoflow_boletos gauge). */
  async countsByStatus(): Promise<{ status: string; bank: string; n: number }[]> {
    const rows = await this.db
      .selectFrom('boletos')
      .select(['status', 'bank', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy(['status', 'bank'])
      .execute();
    return rows.map((r) => ({ status: r.status, bank: r.bank, n: Number(r.n) }));
  }

  /** The store answers (readiness): a trivial query, or the error. */
  async ping(): Promise<void> {
    await sql`SELECT 1`.execute(this.db);
  }

  /** What a purge would remove now (counted, nothing removed). */
  async purgeable(input: { years: number; today: string }): Promise<{ cutoff: string; boletos: number }> {
    const cutoff = purgeCutoff(input);
    const r = await this.db
      .selectFrom('boletos')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('final_date', '<', cutoff)
      .where('status', 'in', TERMINAL)
      .executeTakeFirstOrThrow();
    return { cutoff, boletos: Number(r.n) };
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
