/** What every chaos scenario reports, and the small helpers they share. */
import { sleep } from '../common';
import { baseline, type Baseline, type Issue, operatorUnlocksKeeper, type Verdict } from './boletos';
import { ChaosStack, type StackOptions } from './stack';

export type Scale = 'smoke' | 'full';

export interface ScenarioResult {
  name: string;
  title: string;
  scale: Scale;
  /** Counts in (requests, webhooks sent, faults injected, kills …). */
  in: Record<string, number>;
  /** Counts out (boletos in their status, at the bank, notifications received …). */
  out: Record<string, number>;
  lost: number;
  duplicated: number;
  /** The records store's part of lost and duplicated (included in them), when the scenario checks the store. */
  store?: { lost: number; duplicated: number };
  /** Latencies, rates, memory: what the scenario measures besides correctness. */
  figures: Record<string, number | string>;
  /** Worker/API processes that died by themselves (replaced by the harness, like the supervisor would). */
  unexpectedExits: { name: string; code: number | null; signal: string | null; output: string }[];
  problems: string[];
  /** Reasons the scenario did not test what it claims (e.g. an injected fault was never met): a failed run. */
  invalid: string[];
  /** What a human had to do for the run to complete (the BS2 account locked out, see operatorUnlocksKeeper). */
  interventions: string[];
  seconds: number;
}

export interface RunContext {
  scale: Scale;
  log: (line: string) => void;
  /** A stack several scenarios share (the smoke test); default: each scenario starts its own. */
  shared?: ChaosStack;
}

export interface Scenario {
  name: string;
  title: string;
  /** One sentence: what passing proves. */
  proves: string;
  run(ctx: RunContext): Promise<ScenarioResult>;
}

/** Where a scenario runs: the shared stack, or a fresh one it closes at the end. */
export interface Run {
  scenario: Pick<Scenario, 'name' | 'title'>;
  stack: ChaosStack;
  base: Baseline;
  started: number;
  exitsBefore: number;
  interventions: string[];
}

/**
 * Runs a scenario on the shared stack or a fresh one (closed at the end). Meanwhile an operator watches the BS2 token
 * keeper: a worker dying between BS2 rotating the refresh token and the keeper hearing of it locks the account, which
 * only a human can fix (a new token from BS2 Empresas). The operator does so, and the result says it was needed.
 */
async function onStack<T>(
  scenario: Run['scenario'],
  ctx: RunContext,
  opts: StackOptions,
  fn: (run: Run) => Promise<T>,
): Promise<T> {
  const started = Date.now();
  const stack = ctx.shared ?? (await ChaosStack.start({ ...opts, log: ctx.log }));
  const run: Run = {
    scenario,
    stack,
    base: await baseline(stack),
    started,
    exitsBefore: stack.unexpectedExits.length,
    interventions: [],
  };
  let watching = true;
  const operator = (async () => {
    while (watching) {
      for (let i = 0; i < 25 && watching; i++) await sleep(200);
      if (watching && (await operatorUnlocksKeeper(stack).catch(() => false))) {
        run.interventions.push(
          `${new Date().toISOString()}: the BS2 account was locked (keeper: invalid_grant); an operator gave the keeper a new refresh token`,
        );
        ctx.log(`operator: BS2 account locked out; new refresh token given to the keeper`);
      }
    }
  })();
  try {
    return await fn(run);
  } finally {
    watching = false;
    await operator;
    if (!ctx.shared) await stack.close();
  }
}

export const rand = (min: number, max: number): number => min + Math.random() * (max - min);
export const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
export const shuffle = <T>(xs: T[]): T[] => {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
};

/** A scenario: its sizes at each scale, the stack it wants when it has one of its own, and its body. */
export function defineScenario<Z extends Record<Scale, unknown>>(def: {
  name: string;
  title: string;
  proves: string;
  sizes: Z;
  stack: (p: Z[Scale]) => StackOptions;
  body: (x: {
    p: Z[Scale];
    ctx: RunContext;
    run: Run;
    stack: ChaosStack;
    log: (line: string) => void;
  }) => Promise<ScenarioResult>;
}): Scenario {
  const { name, title, proves } = def;
  return {
    name,
    title,
    proves,
    run: (ctx) => {
      const p = def.sizes[ctx.scale] as Z[Scale];
      return onStack({ name, title }, ctx, def.stack(p), (run) =>
        def.body({ p, ctx, run, stack: run.stack, log: ctx.log }),
      );
    },
  };
}

/** Counts of the answers clients got. */
export function answers(issued: Issue[]): Record<string, number> {
  const out: Record<string, number> = { answered201: 0, answered202: 0, answered422: 0, unanswered: 0 };
  for (const b of issued) {
    if (b.answer === undefined) out.unanswered!++;
    else out[`answered${b.answer}`] = (out[`answered${b.answer}`] ?? 0) + 1;
  }
  return out;
}

/** Why clients had to retry, summed over their requests, e.g. "12×500 3×ECONNREFUSED". */
export function retryCauses(issued: Issue[]): string {
  const sum: Record<string, number> = {};
  for (const b of issued) for (const [k, n] of Object.entries(b.retriedOn)) sum[k] = (sum[k] ?? 0) + n;
  return (
    Object.entries(sum)
      .map(([k, n]) => `${n}×${k}`)
      .join(' ') || 'none'
  );
}

/** The common part of a result: verdict counts, lost/duplicated, exits, problems. */
export function resultOf(
  ctx: RunContext,
  run: Run,
  verdict: Verdict,
  extra: {
    in: Record<string, number>;
    out?: Record<string, number>;
    figures?: Record<string, number | string>;
    lost?: number;
    duplicated?: number;
    problems?: string[];
    invalid?: string[];
  },
): ScenarioResult {
  return {
    name: run.scenario.name,
    title: run.scenario.title,
    scale: ctx.scale,
    in: extra.in,
    out: {
      inExpectedState: verdict.inExpectedState,
      atBank: verdict.atBank,
      workflows: verdict.workflows,
      events: verdict.events,
      notified: verdict.notified,
      redelivered: verdict.redelivered,
      ...(verdict.store
        ? {
            storeRows: verdict.store.rows,
            storeRejected: verdict.store.rejected,
            storeKeys: verdict.store.keys,
            workflowEvents: verdict.store.workflowEvents,
            storeEvents: verdict.store.events,
            storeDeliveries: verdict.store.deliveries,
            storeDelivered: verdict.store.delivered,
            storeDeliveryAttempts: verdict.store.attempts,
            storeOrphans: verdict.store.orphans,
          }
        : {}),
      ...extra.out,
    },
    lost: verdict.lost + (extra.lost ?? 0),
    duplicated: verdict.duplicated + (extra.duplicated ?? 0),
    ...(verdict.store ? { store: { lost: verdict.store.lost, duplicated: verdict.store.duplicated } } : {}),
    figures: extra.figures ?? {},
    unexpectedExits: run.stack.unexpectedExits
      .slice(run.exitsBefore)
      .map(({ name, code, signal, output }) => ({ name, code, signal, output })),
    problems: [...(extra.problems ?? []), ...verdict.problems].slice(0, 40),
    invalid: extra.invalid ?? [],
    interventions: run.interventions,
    seconds: Math.round((Date.now() - run.started) / 1000),
  };
}
