/**
 * Where a slow request's time went, from the workflow's own history: each event's server time relative to the
 * moment the bench sent the request (same machine, same clock). Used by `npm run bench` for the slowest requests
 * of the fixed-rate phases, so a latency tail can be placed: before the workflow started (API, server), before a
 * workflow task was picked up (matching, a busy worker), inside a task (worker code, a local activity's HTTP call),
 * or after the last event (the answer's way back through the server and the API).
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { tsToMs } from '@temporalio/common/lib/time';
import { pct } from './common';

const SHORT: Record<string, string> = {
  WORKFLOW_EXECUTION_STARTED: 'started',
  WORKFLOW_TASK_SCHEDULED: 'wft-scheduled',
  WORKFLOW_TASK_STARTED: 'wft-started',
  WORKFLOW_TASK_COMPLETED: 'wft-completed',
  WORKFLOW_TASK_FAILED: 'wft-FAILED',
  WORKFLOW_TASK_TIMED_OUT: 'wft-TIMED-OUT',
  MARKER_RECORDED: 'local-activity',
  UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: 'upsert',
  WORKFLOW_EXECUTION_UPDATE_ACCEPTED: 'update-accepted',
  WORKFLOW_EXECUTION_UPDATE_COMPLETED: 'update-completed',
  WORKFLOW_EXECUTION_SIGNALED: 'signal',
  ACTIVITY_TASK_SCHEDULED: 'activity-scheduled',
  ACTIVITY_TASK_STARTED: 'activity-started',
  ACTIVITY_TASK_COMPLETED: 'activity-completed',
  TIMER_STARTED: 'timer',
  TIMER_CANCELED: 'timer-cancelled',
};

export interface Timeline {
  workflowId: string;
  sentAt: string;
  totalMs: number;
  /** [event, ms after the request was sent], in history order, up to the first event after `untilMs`. */
  events: [string, number][];
}

/** The events of `workflowId` from `sentAt` (epoch ms) up to `totalMs` later (and the first one after, if any). */
export async function timeline(client: Client, workflowId: string, sentAt: number, totalMs: number): Promise<Timeline> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events: [string, number][] = [];
  let hadTask = false;
  for (const e of history.events ?? []) {
    const at = Math.round(tsToMs(e.eventTime) - sentAt);
    // After the first workflow task, one on the task queue rather than the worker's sticky queue: the worker had lost the workflow.
    const unsticky =
      hadTask &&
      e.workflowTaskScheduledEventAttributes?.taskQueue?.kind ===
        temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL;
    hadTask ||= !!e.workflowTaskCompletedEventAttributes;
    if (at < -5) continue; // earlier events (the webhook samples' registration)
    const name = temporal.api.enums.v1.EventType[e.eventType ?? 0]?.replace(/^EVENT_TYPE_/, '') ?? String(e.eventType);
    events.push([(SHORT[name] ?? name.toLowerCase()) + (unsticky ? '(task-queue)' : ''), at]);
    if (at > totalMs) break;
  }
  return { workflowId, sentAt: new Date(sentAt).toISOString(), totalMs: Math.round(totalMs), events };
}

/** One line per timeline: "412 ms (sent 07:31:02.120): started +8, wft-started +15, local-activity +38, … | answered +412". */
export const formatTimeline = (t: Timeline): string =>
  `${t.totalMs} ms (sent ${t.sentAt.slice(11, 23)}): ${t.events.map(([n, at]) => `${n} +${at}`).join(', ')} | answered +${t.totalMs}`;

/**
 * Percentiles of the time between two points of every timeline, per stage: `sent` is 0, `answered` the request's
 * end, other names the first such event. Puts numbers on where all requests' time goes, not only the slowest's.
 */
export function stages(
  timelines: Timeline[],
  steps: [string, string][],
): Record<string, { p50: number; p95: number; p99: number; max: number }> {
  const at = (t: Timeline, name: string) =>
    name === 'sent' ? 0 : name === 'answered' ? t.totalMs : t.events.find(([n]) => n === name)?.[1];
  const out: Record<string, { p50: number; p95: number; p99: number; max: number }> = {};
  for (const [from, to] of steps) {
    const xs = timelines.flatMap((t) => {
      const a = at(t, from);
      const b = at(t, to);
      return a === undefined || b === undefined ? [] : [b - a];
    });
    out[`${from} → ${to}`] = { p50: pct(xs, 50), p95: pct(xs, 95), p99: pct(xs, 99), max: Math.max(...xs) };
  }
  return out;
}

export const formatStages = (s: ReturnType<typeof stages>): string[] =>
  Object.entries(s).map(([k, v]) => `${k}: p50 ${v.p50}, p95 ${v.p95}, p99 ${v.p99}, max ${v.max} ms`);
