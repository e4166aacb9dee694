/**
 * The simulators' background work, on the simulator clock: each bank lists what is due (payments of scenario
 * boletos, settlements, write-offs); this runs them in time order and then delivers due webhooks, one tick at a
 * time (ticks from the admin API and from the auto-tick timer never overlap).
 */
import type { TickReport } from './admin';
import { brtIso, type SimClock } from './clock';
import type { WebhookQueue } from './webhooks';

export interface SimJob {
  at: number;
  what: string;
  run: () => void;
}

/** Runs due jobs oldest first; a job the bank refuses (throws) is reported as refused, as the real network would. */
export function runInOrder(jobs: SimJob[]): string[] {
  const done: string[] = [];
  for (const j of [...jobs].sort((a, b) => a.at - b.at)) {
    try {
      j.run();
      done.push(j.what);
    } catch {
      done.push(`refused: ${j.what}`);
    }
  }
  return done;
}

/**
 * `f(item)` remembered per item for as long as `inputs(item)` stays the same. The jobs scan runs every second over
 * every boleto the bank holds; date arithmetic per boleto per scan (a write-off day) was ~25–60 ms a scan at 15,000
 * boletos, blocking the bank's answers.
 */
export function memoPerItem<T extends object, V>(inputs: (t: T) => string, f: (t: T) => V): (t: T) => V {
  const memo = new WeakMap<T, { key: string; value: V }>();
  return (t) => {
    const key = inputs(t);
    const hit = memo.get(t);
    if (hit?.key === key) return hit.value;
    const value = f(t);
    memo.set(t, { key, value });
    return value;
  };
}

/**
 * `tick`: the bank's due jobs, then due webhook deliveries; concurrent callers share one tick.
 * `idle`: resolves once no tick is running (the simulator waits for it before closing).
 */
export function singleFlightTick(
  runJobs: () => string[],
  webhooks: WebhookQueue,
  clock: SimClock,
): { tick: () => Promise<TickReport>; idle: () => Promise<void> } {
  let ticking: Promise<TickReport> | undefined;
  const tick = () => {
    ticking ??= (async () => {
      const jobs = runJobs();
      const webhooksAttempted = await webhooks.deliverDue();
      return { now: brtIso(clock.now()), jobs, webhooksAttempted };
    })().finally(() => (ticking = undefined));
    return ticking;
  };
  return {
    tick,
    idle: () =>
      (ticking ?? Promise.resolve()).then(
        () => undefined,
        () => undefined,
      ),
  };
}
