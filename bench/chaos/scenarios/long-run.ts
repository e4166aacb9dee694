/**
 * Scenario 6: many open boleto workflows at once, each registered at the bank and then waiting on its timers (the
 * next poll is days away), on one worker process with its default workflow cache. Reports the worker's memory
 * while they pile up and shows the cache evicting: it holds fewer workflows than are open, evictions are counted,
 * and boletos touched afterwards (queried through the API) are rebuilt from their history with the right state.
 */
import { pct, sleep } from '../../common';
import { CENTS, type Issue, issue, plan, pool, verify } from '../boletos';
import { defineScenario, resultOf, shuffle } from '../scenario';
import type { ChaosStack } from '../stack';

const SIZES = {
  full: { workflows: 10_000, concurrency: 16, sample: 300, timerSample: 30, workerHeapMb: undefined },
  // A small V8 heap makes the SDK size the cache at its minimum (10), so a few dozen workflows show eviction.
  smoke: { workflows: 24, concurrency: 4, sample: undefined, timerSample: 3, workerHeapMb: 160 },
} as const;

/** The worker's sticky-cache figures from its Prometheus endpoint. */
export async function cacheMetrics(
  stack: ChaosStack,
): Promise<{ size: number; hits: number; misses: number; evictions: number }> {
  const worker = [...stack.workers][0];
  if (!worker) throw new Error('no worker');
  const text = await (await fetch(stack.workerMetricsUrl(worker))).text();
  const sum = (name: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  return {
    size: sum('temporal_sticky_cache_size'),
    hits: sum('temporal_sticky_cache_hit'),
    misses: sum('temporal_sticky_cache_miss'),
    evictions: sum('temporal_sticky_cache_total_forced_eviction'),
  };
}

/** True when the workflow's last timer was started and has neither fired nor been cancelled. */
async function waitingOnTimer(stack: ChaosStack, id: string): Promise<boolean> {
  const events = (await stack.client.workflow.getHandle(id).fetchHistory()).events ?? [];
  const started = events
    .filter((e) => e.timerStartedEventAttributes)
    .map((e) => e.timerStartedEventAttributes!.timerId);
  const closed = new Set(
    events
      .flatMap((e) => [e.timerFiredEventAttributes?.timerId, e.timerCanceledEventAttributes?.timerId])
      .filter(Boolean),
  );
  return started.length > 0 && !closed.has(started[started.length - 1]);
}

export const longRun = defineScenario({
  name: 'long-run',
  title: 'Open boleto workflows waiting on timers',
  proves:
    'thousands of open boletos waiting on their timers keep the worker’s memory bounded: the workflow cache evicts and evicted boletos come back from history intact',
  sizes: SIZES,
  stack: (p) => ({
    workers: 1,
    env: { BS2_TIMEOUT_MS: '5000' },
    ...(p.workerHeapMb ? { workerEnv: { NODE_OPTIONS: `--max-old-space-size=${p.workerHeapMb}` } } : {}),
  }),
  async body({ p, ctx, run, stack, log }) {
    const own = ctx.shared === undefined;
    const rss: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const r = stack.rss().workers[0];
        if (r !== undefined && !Number.isNaN(r)) rss.push(r);
        await sleep(5_000);
      }
    })();
    const issued: Issue[] = Array.from({ length: p.workflows }, () => plan(CENTS.MANUAL, 'lr'));
    const t0 = Date.now();
    let done = 0;
    await pool(issued, p.concurrency, async (b) => {
      await issue(stack, b);
      if (++done % 1000 === 0)
        log(
          `long-run: ${done}/${issued.length} registered (${((done * 1000) / (Date.now() - t0)).toFixed(1)}/s), worker RSS ${stack.rss().workers.join('/')} MB`,
        );
    });
    const registerSeconds = (Date.now() - t0) / 1000;
    await sleep(own ? 5_000 : 1_000);
    const afterRegistering = await cacheMetrics(stack);
    const rssAfterRegistering = stack.rss().workers[0] ?? NaN;

    // Touch the oldest boletos (long evicted if the cache works): queries replay them from history.
    const oldest = issued.slice(0, Math.min(issued.length, p.sample ?? issued.length, 300));
    const touched = await Promise.all(
      oldest.map((b) => stack.call<{ status: string }>('GET', `/v1/boletos/${b.id}`).then((r) => r.body.status)),
    );
    const afterTouch = await cacheMetrics(stack);
    const timerSample = shuffle(issued).slice(0, p.timerSample);
    let onTimer = 0;
    await pool(timerSample, 4, async (b) => {
      if (await waitingOnTimer(stack, b.id)) onTimer++;
    });
    sampling = false;
    await sampler;

    // One by one: the touched ones and a random sample (all of them at small sizes); every one through visibility and the bank.
    const only = p.sample ? [...new Set([...oldest, ...shuffle(issued).slice(0, p.sample)])] : undefined;
    const verdict = await verify(stack, issued, {
      baseline: run.base,
      log,
      settleMs: 600_000,
      ...(only ? { only } : {}),
    });
    const problems: string[] = [];
    const invalid: string[] = [];
    if (onTimer !== timerSample.length)
      invalid.push(
        `${timerSample.length - onTimer} of ${timerSample.length} sampled boletos are not waiting on a timer`,
      );
    // On a stack of its own the worker holds every workflow of this run: the cache must be smaller and evicting.
    const open = run.base.workflows + issued.length;
    if (
      own &&
      !(afterRegistering.size < open && afterRegistering.evictions > 0 && afterTouch.misses > afterRegistering.misses)
    ) {
      invalid.push(
        `the cache did not evict (size ${afterRegistering.size} for ${open} open workflows, evictions ${afterRegistering.evictions}, misses ${afterRegistering.misses} → ${afterTouch.misses})`,
      );
    }
    return resultOf(ctx, run, verdict, {
      in: { openWorkflows: issued.length, touchedAfterwards: oldest.length },
      out: {
        waitingOnTimer: onTimer,
        timerSample: timerSample.length,
        touchedRegistered: touched.filter((s) => s === 'REGISTERED').length,
      },
      figures: {
        registeredPerS: +(issued.length / registerSeconds).toFixed(1),
        registrationP99Ms: Math.round(
          pct(
            issued.map((b) => b.ms),
            99,
          ),
        ),
        workerRssMbPeak: Math.max(0, ...rss),
        workerRssMbEnd: rssAfterRegistering,
        ...(p.workerHeapMb ? { workerHeapMb: p.workerHeapMb } : {}),
        temporalRssMb: stack.rss().temporal,
        cacheSize: afterRegistering.size,
        cacheEvictions: afterRegistering.evictions,
        cacheMissesOnTouch: afterTouch.misses - afterRegistering.misses,
      },
      problems,
      invalid,
    });
  },
});
