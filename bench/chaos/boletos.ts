/**
 * The client side of the chaos suite and its one verification. Clients issue boletos through the API exactly as
 * the README tells integrators to (Idempotency-Key, retry the same key after a network error or a 5xx), and the
 * verdict is taken from the outside: the API (each boleto's status and events), Temporal visibility (how many
 * boleto workflows exist), the BS2 simulator (how many boletos the bank holds per seuNumero) and the receiver
 * standing in for the client's system (which notifications arrived).
 */
import { randomUUID } from 'node:crypto';
import { type Dispatcher, request } from 'undici';
import { boletoIdFor, deriveSeuNumero } from '../../src/boletos/ids';
import { addDays } from '../../src/domain';
import type { BoletoEvent, BoletoStatus, BoletoView } from '../../src/workflows/boleto-messages';
import { brtDate } from '../../src/workflows/boleto-schedule';
import { bs2KeeperStatus, bs2KeeperWorkflowId, setBs2RefreshToken } from '../../src/workflows/bs2-token-keeper';
import { sleep } from '../common';
import { ACCOUNT, type ChaosStack, TENANT, WEBHOOK_AUTHORIZATION } from './stack';

/** The BS2 simulator's scenario is chosen by the cents of the amount (README, "Banco BS2"). */
export const CENTS = { MANUAL: 0, REJECTED: 4, LOST_RESPONSE: 7, UNAVAILABLE_FIRST_N: 8 } as const;

export const PAYER = { name: 'Maria da Silva', document: '52998224725', address: { street: 'Rua das Flores', number: '100', district: 'Centro', city: 'São Paulo', state: 'SP', zipCode: '01001000' } };

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
  return { key, seuNumero, id: boletoIdFor(ACCOUNT, seuNumero), amountCents: 10_000 + cents, expected: cents === CENTS.REJECTED ? 'REJECTED' : 'REGISTERED', attempts: 0, retried: 0, retriedOn: {}, replayed: 0, idsSeen: new Set(), ms: 0 };
}

export const dueDate = (): string => addDays(brtDate(Date.now()), 20);

/**
 * POST /v1/boletos until a definitive answer, retrying the same Idempotency-Key after network errors, 5xx and
 * 429 (as an integrator must); gives up after `deadlineMs` (recorded as an error, and then checked like the rest).
 */
export async function issue(stack: ChaosStack, b: Issue, opts: { deadlineMs?: number; onAttempt?: () => void } = {}): Promise<Issue> {
  const started = performance.now();
  const deadline = Date.now() + (opts.deadlineMs ?? 600_000);
  const body = { accountId: ACCOUNT, amountCents: b.amountCents, dueDate: dueDate(), payer: PAYER, reference: b.key.slice(0, 60) };
  for (let n = 0; ; n++) {
    b.attempts++;
    opts.onAttempt?.();
    try {
      const r = await stack.call<{ id?: string; nossoNumero?: string; boleto?: { id?: string } }>('POST', '/v1/boletos', { body, headers: { 'idempotency-key': b.key }, timeoutMs: 30_000 });
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
export async function pool<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<unknown>): Promise<void> {
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

export const simBoletos = async (stack: ChaosStack): Promise<SimBoleto[]> => (await stack.sim<{ items: SimBoleto[] }>('GET', '/boletos')).items;

/** One boleto as the API shows it, with its events. */
export async function boletoOf(stack: ChaosStack, id: string): Promise<{ view: BoletoView; events: BoletoEvent[] } | undefined> {
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
  /** The first problems found, for the report. */
  problems: string[];
}

/** What the stack held before a scenario (scenarios can share one stack, as the smoke test does). */
export interface Baseline {
  workflows: number;
  bankIds: Set<string>;
}

export const workflowCount = async (stack: ChaosStack, where = ''): Promise<number> =>
  (await stack.client.workflow.count(`WorkflowType = 'boletoLifecycle'${where ? ` AND ${where}` : ''}`)).count;

export async function baseline(stack: ChaosStack): Promise<Baseline> {
  return { workflows: await workflowCount(stack), bankIds: new Set((await simBoletos(stack)).map((b) => b.id)) };
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
  const v: Verdict = { requests: issued.length, inExpectedState: 0, atBank: 0, orphansAtBank: 0, workflows: 0, events: 0, notified: 0, redelivered: 0, lost: 0, duplicated: 0, problems };

  for (const b of issued) {
    const others = [...b.idsSeen].filter((id) => id !== b.id);
    if (others.length) {
      duplicated++;
      problem(`${b.key}: answers named other boletos ${others.join(', ')}`);
    }
  }

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
    problem(`${b.id}: ${got ? `${got.view.status}, expected ${expected(b)}` : 'unknown to the API'}${b.error ? ` (client: ${b.error})` : ''}`);
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
      problem(`${missing.length} notifications never reached the client's system, e.g. ${missing.slice(0, 3).join(', ')}`);
    }
  }
  v.lost = lost;
  v.duplicated = duplicated;
  return v;
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
export function bs2Notification(b: { nossoNumero: string; seuNumero: string; amountCents: number }, statuses: { status: 1 | 2 | 3 | 4; at: string }[]): Record<string, unknown> {
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
export async function postBs2Webhook(stack: ChaosStack, body: unknown, opts: { timeoutMs?: number; dispatcher?: Dispatcher } = {}): Promise<number> {
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
