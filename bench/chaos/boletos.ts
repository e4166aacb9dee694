/**
 * The client side of the chaos suite and its one verification. Clients issue boletos through the API exactly as
 * docs/api.md tells integrators to (Idempotency-Key, retry the same key after a network error or a 5xx), and the
 * verdict is taken from the outside: the API (each boleto's status and events), Temporal visibility (how many
 * boleto workflows exist), the BS2 simulator (how many boletos the bank holds per seuNumero) and the receiver
 * standing in for the client's system (which notifications arrived); where a scenario asks for it, the records store
 * too (its tables, read with SQL, against the bank, each boleto's workflow and the API: verifyStore).
 */
import { randomUUID } from 'node:crypto';
import { type Dispatcher, request } from 'undici';
import { boletoIdFor, deriveSeuNumero } from '../../src/boletos/ids';
import { addDays, saoPauloDate } from '../../src/domain';
import {
  type BoletoEvent,
  type BoletoStatus,
  type BoletoView,
  getBoletoQuery,
  getEventsQuery,
} from '../../src/contracts/boleto';
import { bs2KeeperStatus, bs2KeeperWorkflowId, setBs2RefreshToken } from '../../src/banks/bs2/keeper-contract';
import { sleep } from '../common';
import { ACCOUNT, type ChaosStack, TENANT, WEBHOOK_AUTHORIZATION } from './stack';

/** The BS2 simulator's scenario is chosen by the cents of the amount (docs/banks/bs2.md, "Cents scenarios"). */
export const CENTS = { MANUAL: 0, REJECTED: 4, LOST_RESPONSE: 7, UNAVAILABLE_FIRST_N: 8 } as const;

export const PAYER = {
  name: 'Maria da Silva',
  document: '52998224725',
  address: {
    street: 'Rua das Flores',
    number: '100',
    district: 'Centro',
    city: 'São Paulo',
    state: 'SP',
    zipCode: '01001000',
  },
};

export interface Issue {
  key: string;
  id: string;
  seuNumero: string;
  amountCents: number;
  expected: BoletoStatus;
  /** HTTP attempts until a definitive answer (201, 202 or 422). */
  attempts: number;
  /** Network errors and 5xx seen on the way (retried with the same key). */
  retried: number;
  /** What the retried attempts got: HTTP status or the network error's name. */
  retriedOn: Record<string, number>;
  answer?: number;
  /** Answers flagged Idempotent-Replayed. */
  replayed: number;
  /** Boleto ids seen in the answers (must be exactly one: this key's). */
  idsSeen: Set<string>;
  /** The bank's number, once an answer carried it. */
  nossoNumero?: string;
  ms: number;
  error?: string;
}

/** A request for one boleto: key, derived ids and the status it must end in. */
export function plan(cents: number, prefix = 'chaos'): Issue {
  const key = `${prefix}-${randomUUID()}`;
  const seuNumero = deriveSeuNumero(TENANT, ACCOUNT, key);
  return {
    key,
    seuNumero,
    id: boletoIdFor(ACCOUNT, seuNumero),
    amountCents: 10_000 + cents,
    expected: cents === CENTS.REJECTED ? 'REJECTED' : 'REGISTERED',
    attempts: 0,
    retried: 0,
    retriedOn: {},
    replayed: 0,
    idsSeen: new Set(),
    ms: 0,
  };
}

export const dueDate = (): string => addDays(saoPauloDate(Date.now()), 20);

/**
 * POST /v1/boletos until a definitive answer, retrying the same Idempotency-Key after network errors, 5xx and
 * 429 (as an integrator must); gives up after `deadlineMs` (recorded as an error, and then checked like the rest).
 */
export async function issue(
  stack: ChaosStack,
  b: Issue,
  opts: { deadlineMs?: number; onAttempt?: () => void } = {},
): Promise<Issue> {
  const started = performance.now();
  const deadline = Date.now() + (opts.deadlineMs ?? 600_000);
  const body = {
    accountId: ACCOUNT,
    amountCents: b.amountCents,
    dueDate: dueDate(),
    payer: PAYER,
    reference: b.key.slice(0, 60),
  };
  for (let n = 0; ; n++) {
    b.attempts++;
    opts.onAttempt?.();
    try {
      const r = await stack.call<{ id?: string; nossoNumero?: string; boleto?: { id?: string } }>(
        'POST',
        '/v1/boletos',
        { body, headers: { 'idempotency-key': b.key }, timeoutMs: 30_000 },
      );
      const id = r.body?.id ?? r.body?.boleto?.id;
      if (id) b.idsSeen.add(id);
      if (r.body?.nossoNumero) b.nossoNumero = r.body.nossoNumero;
      if (r.headers.get('idempotent-replayed') === 'true') b.replayed++;
      if (r.status === 201 || r.status === 202 || r.status === 422) {
        b.answer = r.status;
        break;
      }
      if (r.status < 500 && r.status !== 429) {
        b.error = `HTTP ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`;
        break;
      }
      b.retriedOn[r.status] = (b.retriedOn[r.status] ?? 0) + 1;
    } catch (e) {
      const what = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
      b.retriedOn[what] = (b.retriedOn[what] ?? 0) + 1;
      if (Date.now() > deadline) b.error = `no answer: ${(e as Error).message}`;
    }
    b.retried++;
    if (Date.now() > deadline) {
      b.error ??= 'no definitive answer before the deadline';
      break;
    }
    await sleep(Math.min(2_000, 100 * 2 ** Math.min(n, 5)) * (0.5 + Math.random()));
  }
  b.ms = performance.now() - started;
  return b;
}

/** The boleto's nosso número, asking the API until it is registered (through outages); undefined after `timeoutMs`. */
export async function nossoNumeroOf(stack: ChaosStack, b: Issue, timeoutMs = 300_000): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (!b.nossoNumero && Date.now() < deadline) {
    try {
      const r = await stack.call<BoletoView>('GET', `/v1/boletos/${b.id}`, { timeoutMs: 10_000 });
      if (r.status === 200 && r.body.nossoNumero) b.nossoNumero = r.body.nossoNumero;
    } catch {
      /* the API or Temporal is down: ask again */
    }
    if (!b.nossoNumero) await sleep(500);
  }
  return b.nossoNumero;
}

/** Runs `work` over `items` with at most `concurrency` at once. */
export async function pool<T>(
  items: T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i]!, i);
      }
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Verification

export interface SimBoleto {
  id: string;
  nossoNumero: number;
  seuNumero: string;
  scenario: string;
  pagamento: string | null;
  history: { status: number; at: string }[];
}

export const simBoletos = async (stack: ChaosStack): Promise<SimBoleto[]> =>
  (await stack.sim<{ items: SimBoleto[] }>('GET', '/boletos')).items;

/** One boleto as the API shows it, with its events. */
export async function boletoOf(
  stack: ChaosStack,
  id: string,
): Promise<{ view: BoletoView; events: BoletoEvent[] } | undefined> {
  const v = await stack.call<BoletoView>('GET', `/v1/boletos/${id}`, { timeoutMs: 30_000 });
  if (v.status !== 200) return undefined;
  const e = await stack.call<{ items: BoletoEvent[] }>('GET', `/v1/boletos/${id}/events`, { timeoutMs: 30_000 });
  return { view: v.body, events: e.status === 200 ? e.body.items : [] };
}

export interface Verdict {
  /** Requests made (distinct Idempotency-Keys). */
  requests: number;
  /** Boletos in the status they must end in. */
  inExpectedState: number;
  /** Boletos the bank holds for these requests, and for nobody (no request of ours made them). */
  atBank: number;
  orphansAtBank: number;
  /** boletoLifecycle workflows in Temporal. */
  workflows: number;
  /** Events recorded, notifications of them received by the client's system (at least once), redeliveries. */
  events: number;
  notified: number;
  redelivered: number;
  lost: number;
  duplicated: number;
  /** The records store's own verdict (when asked for: VerifyOptions.store); its lost and duplicated are in the totals. */
  store?: StoreVerdict;
  /** The first problems found, for the report. */
  problems: string[];
}

/** What the stack held before a scenario (scenarios can share one stack, as the smoke test does). */
export interface Baseline {
  workflows: number;
  bankIds: Set<string>;
  /** Boleto ids in the records store. */
  storeIds: Set<string>;
}

export const workflowCount = async (stack: ChaosStack, where = ''): Promise<number> =>
  (await stack.client.workflow.count(`WorkflowType = 'boletoLifecycle'${where ? ` AND ${where}` : ''}`)).count;

export async function baseline(stack: ChaosStack): Promise<Baseline> {
  const stored = await stack.records.db.selectFrom('boletos').select('id').execute();
  return {
    workflows: await workflowCount(stack),
    bankIds: new Set((await simBoletos(stack)).map((b) => b.id)),
    storeIds: new Set(stored.map((r) => r.id)),
  };
}

export interface VerifyOptions {
  /** What was there before the scenario (default: nothing). */
  baseline?: Baseline;
  /** The status each boleto must end in (default: its plan's). */
  expected?: (b: Issue) => BoletoStatus;
  /** How many boletos the bank must hold for it (default: 0 when rejected, else 1). */
  expectedAtBank?: (b: Issue) => number;
  /** Extra check on each boleto (e.g. payment dates), returns a problem or undefined. */
  check?: (b: Issue, got: { view: BoletoView; events: BoletoEvent[] }, atBank: SimBoleto[]) => string | undefined;
  /** How long boletos may take to reach their status (ms). */
  settleMs?: number;
  /** Check only these boletos one by one (visibility counts and the bank are still checked for all). */
  only?: Issue[];
  /** Check the notifications to the client's system (default true). */
  notifications?: boolean;
  /** While waiting, nudge the system (e.g. move the bank's clock so its webhook retries run). */
  nudge?: () => Promise<void>;
  /** Check the records store too (verifyStore): store = bank = workflows = API. */
  store?: boolean | Pick<StoreOptions, 'kinds'>;
  log?: (line: string) => void;
}

/**
 * Nothing lost, nothing duplicated:
 *  - lost: a boleto not in its expected status in time; a request whose answer never came and left no boleto; a boleto
 *    the bank holds that no request made (untracked money); an event whose notification never reached the client.
 *  - duplicated: more than one boleto at the bank for one request; two events of one kind in a boleto; more
 *    boleto workflows than requests; answers for one key naming another boleto.
 */
export async function verify(stack: ChaosStack, issued: Issue[], opts: VerifyOptions = {}): Promise<Verdict> {
  const expected = opts.expected ?? ((b: Issue) => b.expected);
  const expectedAtBank = opts.expectedAtBank ?? ((b: Issue) => (expected(b) === 'REJECTED' ? 0 : 1));
  const problems: string[] = [];
  const problem = (p: string) => problems.length < 30 && problems.push(p);
  let lost = 0;
  let duplicated = 0;
  const v: Verdict = {
    requests: issued.length,
    inExpectedState: 0,
    atBank: 0,
    orphansAtBank: 0,
    workflows: 0,
    events: 0,
    notified: 0,
    redelivered: 0,
    lost: 0,
    duplicated: 0,
    problems,
  };

  for (const b of issued) {
    const others = [...b.idsSeen].filter((id) => id !== b.id);
    if (others.length) {
      duplicated++;
      problem(`${b.key}: answers named other boletos ${others.join(', ')}`);
    }
  }

  // The store's rows before anything below reads the API (whose read-through would import a missing row).
  const storeAtStart = opts.store
    ? new Set((await stack.records.db.selectFrom('boletos').select('id').execute()).map((r) => r.id))
    : undefined;

  // 1. Every boleto reaches its status (checked one by one, or on a sample plus visibility counts).
  const sampled = opts.only ?? issued;
  const final = new Map<string, { view: BoletoView; events: BoletoEvent[] }>();
  const deadline = Date.now() + (opts.settleMs ?? 180_000);
  let pending = sampled;
  for (;;) {
    const still: Issue[] = [];
    await pool(pending, 8, async (b) => {
      const got = await boletoOf(stack, b.id).catch(() => undefined);
      if (got) final.set(b.id, got);
      if (got?.view.status !== expected(b)) still.push(b);
    });
    pending = still;
    if (!pending.length || Date.now() > deadline) break;
    opts.log?.(`waiting for ${pending.length} boletos to reach their status …`);
    await opts.nudge?.();
    await sleep(2_000);
  }
  if (pending.length) problem(await keeperStatus(stack));
  for (const b of pending) {
    lost++;
    const got = final.get(b.id);
    problem(
      `${b.id}: ${got ? `${got.view.status}, expected ${expected(b)}` : 'unknown to the API'}${b.error ? ` (client: ${b.error})` : ''}`,
    );
  }
  v.inExpectedState = sampled.length - pending.length;

  // 2. Events: at most one of each kind.
  for (const [id, got] of final) {
    const kinds = got.events.map((e) => e.kind);
    const dup = kinds.filter((k, i) => kinds.indexOf(k) !== i);
    if (dup.length) {
      duplicated += dup.length;
      problem(`${id}: duplicated events ${dup.join(', ')}`);
    }
  }

  // 3. Visibility: exactly one workflow per request (it may lag a little behind).
  const before = opts.baseline?.workflows ?? 0;
  const count = async () => (await workflowCount(stack)) - before;
  const wantWorkflows = new Set(issued.map((b) => b.id)).size;
  for (let i = 0; i < 30 && (v.workflows = await count()) !== wantWorkflows; i++) await sleep(1_000);
  if (v.workflows > wantWorkflows) {
    duplicated += v.workflows - wantWorkflows;
    problem(`${v.workflows} boleto workflows for ${wantWorkflows} requests`);
  } else if (v.workflows < wantWorkflows) {
    lost += wantWorkflows - v.workflows;
    problem(`only ${v.workflows} boleto workflows for ${wantWorkflows} requests`);
  }
  if (opts.only !== undefined) {
    // Unsampled boletos: their indexed status must be the expected one (only on a stack of their own).
    if (before) throw new Error('sampled verification needs a stack of its own');
    const byStatus = new Map<BoletoStatus, number>();
    for (const b of issued) byStatus.set(expected(b), (byStatus.get(expected(b)) ?? 0) + 1);
    for (const [status, n] of byStatus) {
      const got = await workflowCount(stack, `BoletoStatus = '${status}'`);
      if (got !== n) {
        lost += Math.abs(n - got);
        problem(`visibility: ${got} boletos ${status}, expected ${n}`);
      }
    }
  }

  // 4. The bank: exactly the expected number of boletos per request, none for nobody.
  const bank = await simBoletos(stack);
  const bySeu = new Map<string, SimBoleto[]>();
  for (const s of bank) bySeu.set(s.seuNumero, [...(bySeu.get(s.seuNumero) ?? []), s]);
  const ours = new Set(issued.map((b) => b.seuNumero));
  for (const b of issued) {
    const held = bySeu.get(b.seuNumero) ?? [];
    v.atBank += held.length;
    const want = expectedAtBank(b);
    if (held.length > want) {
      duplicated += held.length - want;
      problem(`${b.seuNumero}: the bank holds ${held.length} boletos, expected ${want}`);
    } else if (held.length < want) {
      lost += want - held.length;
      problem(`${b.seuNumero}: the bank holds ${held.length} boletos, expected ${want}`);
    }
    const got = final.get(b.id);
    const extra = got && opts.check?.(b, got, held);
    if (extra) {
      lost++;
      problem(`${b.id}: ${extra}`);
    }
  }
  for (const [seu, all] of bySeu) {
    const held = all.filter((b) => !opts.baseline?.bankIds.has(b.id));
    if (ours.has(seu) || !held.length) continue;
    v.orphansAtBank += held.length;
    lost += held.length;
    problem(`the bank holds ${held.length} boleto(s) with seuNumero ${seu} that no request made`);
  }

  // 5. Notifications to the client's system: every event at least once (Boletoflow-Event-Id = <boleto>:<seq>).
  if (opts.notifications !== false) {
    const wanted = [...final.values()].flatMap((g) => g.events.map((e) => `${g.view.id}:${e.seq}`));
    v.events = wanted.length;
    const nDeadline = Date.now() + Math.min(opts.settleMs ?? 180_000, 180_000);
    let missing = wanted.filter((id) => !stack.receiver.byEventId.has(id));
    while (missing.length && Date.now() < nDeadline) {
      opts.log?.(`waiting for ${missing.length} notifications …`);
      await sleep(3_000);
      missing = missing.filter((id) => !stack.receiver.byEventId.has(id));
    }
    v.notified = wanted.length - missing.length;
    v.redelivered = wanted.reduce((n, id) => n + Math.max(0, (stack.receiver.byEventId.get(id) ?? 0) - 1), 0);
    if (missing.length) {
      lost += missing.length;
      problem(
        `${missing.length} notifications never reached the client's system, e.g. ${missing.slice(0, 3).join(', ')}`,
      );
    }
  }
  // 6. The records store, against the bank, the workflows and the API.
  if (opts.store) {
    const s = await verifyStore(stack, issued, {
      expected,
      expectedAtBank,
      bank: bySeu,
      ...(storeAtStart ? { rowsAtStart: storeAtStart } : {}),
      ...(opts.baseline ? { baseline: opts.baseline } : {}),
      ...(typeof opts.store === 'object' && opts.store.kinds ? { kinds: opts.store.kinds } : {}),
      ...(opts.log ? { log: opts.log } : {}),
    });
    v.store = s.verdict;
    lost += s.verdict.lost;
    duplicated += s.verdict.duplicated;
    for (const p of s.problems) problem(p);
  }
  v.lost = lost;
  v.duplicated = duplicated;
  return v;
}

// ---------------------------------------------------------------------------------------------------------
// The records store's verdict

/** The events a boleto must have recorded, in order, once in its final status (default: by that status). */
export const kindsFor = (status: BoletoStatus): BoletoEvent['kind'][] =>
  status === 'REJECTED'
    ? ['REJECTED']
    : status === 'SETTLED'
      ? ['REGISTERED', 'PAID', 'SETTLED']
      : status === 'PAID'
        ? ['REGISTERED', 'PAID']
        : ['REGISTERED'];

export interface StoreVerdict {
  /** Rows in `boletos` for these requests (one each, refused ones included: REJECTED), and those REJECTED. */
  rows: number;
  rejected: number;
  /** Idempotency-Keys claimed for these requests, with their first answer recorded. */
  keys: number;
  /** Events in `boleto_events`, and the events the boletos' workflows recorded. */
  events: number;
  workflowEvents: number;
  /** Rows in `boleto_deliveries`, those DELIVERED, and the attempts they count. */
  deliveries: number;
  delivered: number;
  attempts: number;
  /** Rows for boletos no request made. */
  orphans: number;
  lost: number;
  duplicated: number;
}

export interface StoreOptions {
  expected: (b: Issue) => BoletoStatus;
  expectedAtBank: (b: Issue) => number;
  /** The bank's boletos by seuNumero. */
  bank: Map<string, SimBoleto[]>;
  /** The store's row ids once every request was answered, before the API was asked about them (read-through). */
  rowsAtStart?: Set<string>;
  baseline?: Baseline;
  /** The event kinds each boleto must have, in seq order (default kindsFor(expected)). */
  kinds?: (b: Issue) => BoletoEvent['kind'][];
  /** How long the store may take to agree (a delivery's outcome is written just after the POST), ms. */
  settleMs?: number;
  log?: (line: string) => void;
}

interface StoreRow {
  id: string;
  seu_numero: string;
  status: BoletoStatus;
  nosso_numero: string | null;
  view: BoletoView;
}
interface StoreSnapshot {
  rowsBySeu: Map<string, StoreRow[]>;
  allIds: string[];
  events: Map<string, { seq: number; kind: string; eventId: string }[]>;
  deliveries: Map<string, { delivery_id: string; event_seq: number; status: string; attempts: number }[]>;
  keys: Map<string, { boleto_id: string; first_response: BoletoView | null }>;
}

const groupBy = <T, K>(xs: T[], key: (x: T) => K): Map<K, T[]> => {
  const m = new Map<K, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
};

/** The store's tables, read with SQL through the harness's own pool (the tenant's rows; small at chaos sizes). */
async function storeSnapshot(stack: ChaosStack): Promise<StoreSnapshot> {
  const db = stack.records.db;
  const rows = await db
    .selectFrom('boletos')
    .select(['id', 'seu_numero', 'status', 'nosso_numero', 'view'])
    .where('tenant_id', '=', TENANT)
    .execute();
  const events = await db
    .selectFrom('boleto_events')
    .select(['boleto_id', 'seq', 'kind', 'event'])
    .orderBy('boleto_id')
    .orderBy('seq')
    .execute();
  const deliveries = await db
    .selectFrom('boleto_deliveries')
    .select(['boleto_id', 'delivery_id', 'event_seq', 'status', 'attempts'])
    .execute();
  const keys = await db
    .selectFrom('idempotency_keys')
    .select(['idempotency_key', 'boleto_id', 'first_response'])
    .where('tenant_id', '=', TENANT)
    .execute();
  return {
    rowsBySeu: groupBy(rows, (r) => r.seu_numero),
    allIds: rows.map((r) => r.id),
    events: new Map(
      [...groupBy(events, (e) => e.boleto_id)].map(([id, es]) => [
        id,
        es.map((e) => ({ seq: e.seq, kind: e.kind, eventId: e.event.eventId })),
      ]),
    ),
    deliveries: groupBy(deliveries, (d) => d.boleto_id),
    keys: new Map(keys.map((k) => [k.idempotency_key, { boleto_id: k.boleto_id, first_response: k.first_response }])),
  };
}

interface StoreCheck {
  lost: number;
  duplicated: number;
  problems: string[];
  figures: Omit<StoreVerdict, 'orphans' | 'lost' | 'duplicated'>;
}

/** One boleto: its store row, events, deliveries and key against the bank, its workflow and the API. */
async function checkStoreOf(stack: ChaosStack, b: Issue, snap: StoreSnapshot, o: StoreOptions): Promise<StoreCheck> {
  const c: StoreCheck = {
    lost: 0,
    duplicated: 0,
    problems: [],
    figures: { rows: 0, rejected: 0, keys: 0, events: 0, workflowEvents: 0, deliveries: 0, delivered: 0, attempts: 0 },
  };
  const lost = (p: string, n = 1): void => {
    c.lost += n;
    c.problems.push(`store: ${b.id}: ${p}`);
  };
  const dup = (p: string, n = 1): void => {
    c.duplicated += n;
    c.problems.push(`store: ${b.id}: ${p}`);
  };
  const want = o.expected(b);
  const wantKinds = o.kinds?.(b) ?? kindsFor(want);

  // The key: claimed once, for this boleto, with its first verdict (REGISTERED or REJECTED) kept for replays.
  const key = snap.keys.get(b.key);
  if (!key) lost('no idempotency_keys row for its key');
  else {
    c.figures.keys++;
    if (key.boleto_id !== b.id) dup(`its key names another boleto, ${key.boleto_id}`);
    if (!key.first_response) lost('its key has no first answer recorded');
    else if (key.first_response.status !== b.expected)
      lost(`its key's first answer is ${key.first_response.status}, expected ${b.expected}`);
  }

  // The row: exactly one per request (a refused one too, REJECTED), none other for its seuNumero.
  const rows = snap.rowsBySeu.get(b.seuNumero) ?? [];
  const row = rows.find((r) => r.id === b.id);
  c.figures.rows += rows.length;
  if (rows.length > 1)
    dup(`${rows.length} rows for seuNumero ${b.seuNumero}: ${rows.map((r) => r.id).join(', ')}`, rows.length - 1);
  if (!row) {
    lost(
      rows.length
        ? `no row with its id (rows for its seuNumero: ${rows.map((r) => r.id).join(', ')})`
        : 'no row in boletos',
    );
    return c;
  }
  if (row.status === 'REJECTED') c.figures.rejected++;
  if (o.rowsAtStart && !o.rowsAtStart.has(b.id))
    lost(
      'no row when every request had been answered: it came later (the API imports a missing row from the workflow when asked)',
    );

  const [api, wf] = await Promise.all([
    boletoOf(stack, b.id).catch(() => undefined),
    (async () => {
      const h = stack.client.workflow.getHandle(b.id);
      const [view, events] = await Promise.all([h.query(getBoletoQuery), h.query(getEventsQuery)]);
      return { view, events };
    })().catch((e: unknown) => (e as Error).message),
  ]);
  if (typeof wf === 'string') {
    lost(`its workflow cannot be read: ${wf.split('\n')[0]}`);
    return c;
  }
  c.figures.workflowEvents += wf.events.length;

  // Status: the store's column, its view, the API's answer and the workflow agree, on the status it must end in.
  const statuses = {
    store: row.status,
    storeView: row.view.status,
    api: api?.view.status ?? 'unknown to the API',
    workflow: wf.view.status,
  };
  if (Object.values(statuses).some((s) => s !== want)) lost(`status ${JSON.stringify(statuses)}, expected ${want}`);

  // The bank: the store names the boleto the bank holds (its nosso número), none when the bank holds none.
  const held = o.bank.get(b.seuNumero) ?? [];
  const bankNn = held.length === 1 ? String(held[0]!.nossoNumero) : undefined;
  const same = (a: string | null | undefined, z: string | undefined) =>
    (a ? Number(a) : undefined) === (z ? Number(z) : undefined);
  if (
    held.length <= 1 &&
    o.expectedAtBank(b) === held.length &&
    (!same(row.nosso_numero, bankNn) || !same(wf.view.nossoNumero, bankNn))
  ) {
    lost(
      `nosso número: store ${row.nosso_numero ?? 'none'}, workflow ${wf.view.nossoNumero ?? 'none'}, bank ${bankNn ?? 'none'}`,
    );
  }

  // Events: seq 1..n, each the workflow's event of that seq, the kinds this boleto must have, no kind twice.
  const events = snap.events.get(b.id) ?? [];
  c.figures.events += events.length;
  const bySeq = new Map(events.map((e) => [e.seq, e]));
  const missing = wf.events.filter((e) => bySeq.get(e.seq)?.kind !== e.kind || bySeq.get(e.seq)?.eventId !== e.eventId);
  if (missing.length)
    lost(
      `events the workflow recorded missing or different in the store: ${missing.map((e) => `${e.seq} ${e.kind}${bySeq.has(e.seq) ? ` (store: ${bySeq.get(e.seq)!.kind})` : ''}`).join(', ')}`,
      missing.length,
    );
  const extra = events.filter((e) => !wf.events.some((w) => w.seq === e.seq));
  if (extra.length)
    dup(
      `events in the store that the workflow never recorded: ${extra.map((e) => `${e.seq} ${e.kind}`).join(', ')}`,
      extra.length,
    );
  const kinds = events.map((e) => e.kind);
  const twice = kinds.filter((k, i) => kinds.indexOf(k) !== i);
  if (twice.length)
    dup(
      `events recorded twice: ${twice.join(', ')} (seqs ${events.map((e) => `${e.seq} ${e.kind}`).join(', ')})`,
      twice.length,
    );
  if (events.some((e, i) => e.seq !== i + 1))
    c.problems.push(`store: ${b.id}: event seqs ${events.map((e) => e.seq).join(',')}, not 1..${events.length}`);
  const absent = wantKinds.filter((k) => !kinds.includes(k) && !missing.some((e) => e.kind === k));
  if (absent.length)
    lost(
      `no ${absent.join(', ')} event, neither in the store nor in the workflow (${kinds.join(', ') || 'no events'})`,
      absent.length,
    );
  if (kinds.filter((k, i) => kinds.indexOf(k) === i).join() !== wantKinds.join() && !absent.length && !twice.length) {
    c.problems.push(`store: ${b.id}: events ${kinds.join(', ')}, expected ${wantKinds.join(', ')}`);
  }
  const apiEvents = (api?.events ?? []).map((e) => `${e.seq} ${e.kind}`).join(', ');
  if (api && apiEvents !== events.map((e) => `${e.seq} ${e.kind}`).join(', '))
    c.problems.push(
      `store: ${b.id}: the API answers events ${apiEvents}, the store holds ${events.map((e) => `${e.seq} ${e.kind}`).join(', ')}`,
    );

  // Deliveries: one row per event (id <boleto>:<seq>, the Boletoflow-Event-Id), DELIVERED (the receiver answers 204).
  const deliveries = snap.deliveries.get(b.id) ?? [];
  c.figures.deliveries += deliveries.length;
  c.figures.delivered += deliveries.filter((d) => d.status === 'DELIVERED').length;
  c.figures.attempts += deliveries.reduce((n, d) => n + d.attempts, 0);
  for (const e of events) {
    const ds = deliveries.filter((d) => d.event_seq === e.seq);
    if (!ds.length) lost(`no delivery row for event ${e.seq} ${e.kind}`);
    if (ds.length > 1)
      dup(
        `${ds.length} delivery rows for event ${e.seq} ${e.kind}: ${ds.map((d) => d.delivery_id).join(', ')}`,
        ds.length - 1,
      );
    const d = ds[0];
    if (d && d.delivery_id !== `${b.id}:${e.seq}`)
      c.problems.push(`store: ${b.id}: delivery of event ${e.seq} is ${d.delivery_id}`);
    if (d && d.status !== 'DELIVERED')
      lost(
        `delivery ${d.delivery_id} (${e.kind}) is ${d.status} after ${d.attempts} attempts${stack.receiver.byEventId.has(d.delivery_id) ? ', although the client received it' : ''}`,
      );
  }
  const stray = deliveries.filter((d) => !bySeq.has(d.event_seq));
  if (stray.length) dup(`delivery rows for no event: ${stray.map((d) => d.delivery_id).join(', ')}`, stray.length);
  return c;
}

/**
 * The records store, for every boleto the scenario made: store = bank = workflows = API.
 *  - lost: a request without its row (or without it once its request was answered), key or first answer; a row whose status differs from the API's answer, the
 *    workflow's or the expected one; a nosso número other than the bank's; an event the workflow recorded that the
 *    store lacks (or holds with another kind), an expected kind missing everywhere; an event without its delivery
 *    row, a delivery not DELIVERED; a row for a boleto no request made.
 *  - duplicated: more than one row for a request (seuNumero); a key naming another boleto; an event the workflow
 *    never recorded, a kind twice; more than one delivery row for an event, a delivery row for no event.
 * Re-checked for a while (settleMs) where the store is still behind, e.g. a delivery's outcome written just after its POST.
 */
export async function verifyStore(
  stack: ChaosStack,
  issued: Issue[],
  o: StoreOptions,
): Promise<{ verdict: StoreVerdict; problems: string[] }> {
  const deadline = Date.now() + (o.settleMs ?? 60_000);
  const checks = new Map<string, StoreCheck>();
  let pending = issued;
  let snap: StoreSnapshot;
  for (;;) {
    const s = await storeSnapshot(stack);
    snap = s;
    await pool(pending, 8, async (b) => void checks.set(b.key, await checkStoreOf(stack, b, s, o)));
    pending = pending.filter((b) => checks.get(b.key)!.problems.length);
    if (!pending.length || Date.now() > deadline) break;
    o.log?.(`store: ${pending.length} boletos not yet as their workflows and the bank say; checking again …`);
    await sleep(3_000);
  }
  const all = [...checks.values()];
  const sum = (f: (c: StoreCheck) => number) => all.reduce((n, c) => n + f(c), 0);
  const verdict: StoreVerdict = {
    rows: sum((c) => c.figures.rows),
    rejected: sum((c) => c.figures.rejected),
    keys: sum((c) => c.figures.keys),
    events: sum((c) => c.figures.events),
    workflowEvents: sum((c) => c.figures.workflowEvents),
    deliveries: sum((c) => c.figures.deliveries),
    delivered: sum((c) => c.figures.delivered),
    attempts: sum((c) => c.figures.attempts),
    orphans: 0,
    lost: sum((c) => c.lost),
    duplicated: sum((c) => c.duplicated),
  };
  const problems = all.flatMap((c) => c.problems);
  // Rows no request of this scenario made (what was there before it excepted).
  const ours = new Set(issued.map((b) => b.id));
  const orphans = snap.allIds.filter((id) => !ours.has(id) && !o.baseline?.storeIds.has(id));
  if (orphans.length) {
    verdict.orphans = orphans.length;
    verdict.lost += orphans.length;
    problems.push(
      `store: ${orphans.length} row(s) for boletos no request made, e.g. ${orphans.slice(0, 3).join(', ')}`,
    );
  }
  return { verdict, problems };
}

/** The BS2 token keeper's state (is the account locked out?), for a report that explains stuck boletos. */
export async function keeperStatus(stack: ChaosStack): Promise<string> {
  try {
    const s = await stack.client.workflow.getHandle(bs2KeeperWorkflowId(ACCOUNT)).query(bs2KeeperStatus);
    return `token keeper: generation ${s.generation}, ${s.refreshCount} refreshes${s.locked ? `, LOCKED: ${s.locked}` : ''}${s.refreshing ? ', refreshing' : ''}`;
  } catch (e) {
    return `token keeper: ${(e as Error).message}`;
  }
}

/**
 * The runbook for a locked BS2 account (docs/banks/bs2.md, "residual window"): a human generates a new refresh token
 * in BS2 Empresas and gives it to the keeper (setBs2RefreshToken). Returns whether the keeper was locked.
 */
export async function operatorUnlocksKeeper(stack: ChaosStack): Promise<boolean> {
  const keeper = stack.client.workflow.getHandle(bs2KeeperWorkflowId(ACCOUNT));
  const status = await keeper.query(bs2KeeperStatus).catch(() => undefined);
  if (!status?.locked) return false;
  const { refreshToken } = await stack.sim<{ refreshToken: string }>('POST', '/tokens/regenerate');
  await keeper.executeUpdate(setBs2RefreshToken, { args: [{ refreshToken }] });
  return true;
}

/** A BS2 notification body (PascalCase contract) for a boleto, with the given status history. */
export function bs2Notification(
  b: { nossoNumero: string; seuNumero: string; amountCents: number },
  statuses: { status: 1 | 2 | 3 | 4; at: string }[],
): Record<string, unknown> {
  const reais = b.amountCents / 100;
  return {
    Id: randomUUID(),
    NossoNumeroBoleto: Number(b.nossoNumero),
    SeuNumeroBoleto: b.seuNumero,
    Valor: reais,
    ValorLiquidado: statuses.some((s) => s.status >= 2) ? reais : null,
    StatusBoleto: statuses.map((s) => ({ Status: s.status, DataStatus: s.at })),
  };
}

/** POSTs a BS2 notification to our webhook endpoint, as the bank does (with the agreed Authorization). */
export async function postBs2Webhook(
  stack: ChaosStack,
  body: unknown,
  opts: { timeoutMs?: number; dispatcher?: Dispatcher } = {},
): Promise<number> {
  const r = await request(`${stack.apiBase}/webhooks/bs2/${ACCOUNT}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: WEBHOOK_AUTHORIZATION },
    body: JSON.stringify(body),
    headersTimeout: opts.timeoutMs ?? 30_000,
    bodyTimeout: opts.timeoutMs ?? 30_000,
    ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
  });
  await r.body.dump();
  return r.statusCode;
}
