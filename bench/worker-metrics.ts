/**
 * The worker's own latency histograms (the Temporal SDK core's Prometheus metrics, on WORKER_METRICS_PORT) over a
 * phase of the bench: a snapshot before, one after, and per histogram how many observations fell in the phase and
 * how many were slower than a few thresholds. Tells a slow local activity (the bank call) from a slow workflow task
 * (worker code, garbage collection) or a task that waited to be picked up (schedule-to-start).
 */

type Buckets = Map<string, Map<number, number>>; // histogram → upper bound (ms) → cumulative count

const HISTOGRAMS = [
  'temporal_workflow_task_schedule_to_start_latency',
  'temporal_workflow_task_execution_latency',
  'temporal_workflow_task_replay_latency',
  'temporal_workflow_activation_execution_latency',
  'temporal_local_activity_execution_latency',
  'temporal_activity_schedule_to_start_latency',
  'temporal_activity_execution_latency',
];
const THRESHOLDS_MS = [50, 100, 250, 500];

export async function snapshot(metricsUrl: string): Promise<Buckets> {
  const text = await (await fetch(metricsUrl)).text();
  const out: Buckets = new Map();
  for (const line of text.split('\n')) {
    const m = /^(\w+)_bucket\{(.*)\} (\d+(?:\.\d+)?)$/.exec(line);
    if (!m || !HISTOGRAMS.includes(m[1]!)) continue;
    const le = /le="([^"]+)"/.exec(m[2]!)?.[1];
    if (!le) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    const h = out.get(m[1]!) ?? new Map<number, number>();
    h.set(bound, (h.get(bound) ?? 0) + Number(m[3])); // summed over the other labels (task queue, workflow type …)
    out.set(m[1]!, h);
  }
  return out;
}

/** The histograms of several workers (the cluster's, one metrics port each), summed bucket by bucket. */
export async function snapshotAll(metricsUrls: string[]): Promise<Buckets> {
  const out: Buckets = new Map();
  for (const one of await Promise.all(metricsUrls.map((u) => snapshot(u)))) {
    for (const [name, h] of one) {
      const sum = out.get(name) ?? new Map<number, number>();
      for (const [bound, n] of h) sum.set(bound, (sum.get(bound) ?? 0) + n);
      out.set(name, sum);
    }
  }
  return out;
}

export interface HistogramDelta {
  count: number;
  /** Observations slower than each threshold (ms), from the nearest bucket bound at or below it. */
  slowerThan: Record<string, number>;
}

export function delta(before: Buckets, after: Buckets): Record<string, HistogramDelta> {
  const out: Record<string, HistogramDelta> = {};
  for (const [name, a] of after) {
    const b = before.get(name) ?? new Map<number, number>();
    const d = (bound: number) => (a.get(bound) ?? 0) - (b.get(bound) ?? 0);
    const count = d(Infinity);
    if (!count) continue;
    const bounds = [...a.keys()].sort((x, y) => x - y);
    const slowerThan: Record<string, number> = {};
    for (const t of THRESHOLDS_MS) {
      const bound = bounds.filter((x) => x <= t).at(-1);
      slowerThan[`${t}ms`] = bound === undefined ? count : count - d(bound);
    }
    out[name.replace(/^temporal_/, '')] = { count, slowerThan };
  }
  return out;
}

export const formatDelta = (d: Record<string, HistogramDelta>): string[] =>
  Object.entries(d).map(
    ([n, h]) =>
      `${n}: ${h.count}, slower than ${Object.entries(h.slowerThan)
        .map(([t, c]) => `${t}: ${c}`)
        .join(', ')}`,
  );
