/**
 * Liveness and readiness for orchestrators and operators.
 * - GET /healthz: the process is up (no dependencies checked).
 * - GET /readyz: Temporal is reachable (namespace described) and at least one worker is polling our task
 *   queue (seen by the server within the last minute). `?deep=1` also runs the systemCheck workflow end to
 *   end through a worker (costs a workflow execution; for humans, not for probes).
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { type Client, WorkflowFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { systemCheck } from '../../workflows';
import { VERSION } from '../../version';

const POLLER_FRESH_MS = 70_000;
const CHECK_TIMEOUT_MS = 3_000;

export interface HealthDeps {
  client: Client;
  namespace: string;
  taskQueue: string;
  startedAt: number;
}

interface Check {
  ok: boolean;
  detail?: string;
  [k: string]: unknown;
}

const reason = (e: unknown) => (e instanceof Error ? e.message.split('\n')[0]! : String(e));

export function healthRouter(deps: HealthDeps): Router {
  const r = Router();

  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version: VERSION, uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000) });
  });

  r.get('/readyz', async (req, res) => {
    const svc = deps.client.workflowService;
    const deadline = () => Date.now() + CHECK_TIMEOUT_MS;
    const checks: Record<string, Check> = {};

    try {
      await deps.client.withDeadline(deadline(), () => svc.describeNamespace({ namespace: deps.namespace }));
      checks.temporal = { ok: true, namespace: deps.namespace };
    } catch (e) {
      checks.temporal = { ok: false, namespace: deps.namespace, detail: `Temporal not reachable: ${reason(e)}` };
    }

    if (checks.temporal.ok) {
      try {
        const tq = await deps.client.withDeadline(deadline(), () =>
          svc.describeTaskQueue({
            namespace: deps.namespace,
            taskQueue: { name: deps.taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
            taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
          }),
        );
        const now = Date.now();
        const fresh = (tq.pollers ?? []).filter((p) => {
          const t = p.lastAccessTime;
          const ms = t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
          return now - ms < POLLER_FRESH_MS;
        });
        checks.worker = fresh.length
          ? { ok: true, taskQueue: deps.taskQueue, pollers: fresh.length }
          : { ok: false, taskQueue: deps.taskQueue, pollers: 0, detail: 'no worker is polling the task queue' };
      } catch (e) {
        checks.worker = { ok: false, taskQueue: deps.taskQueue, detail: reason(e) };
      }
    }

    if (req.query.deep === '1' || req.query.deep === 'true') {
      if (checks.worker?.ok) {
        const started = Date.now();
        try {
          const result = await deps.client.workflow.execute<typeof systemCheck>('systemCheck', {
            taskQueue: deps.taskQueue,
            workflowId: `system-check-${randomUUID()}`,
            workflowExecutionTimeout: '10s',
          });
          checks.workflow = { ok: true, roundTripMs: Date.now() - started, worker: result.worker.identity };
        } catch (e) {
          const d = e instanceof WorkflowFailedError ? reason(e.cause ?? e) : reason(e);
          checks.workflow = { ok: false, detail: `systemCheck workflow failed: ${d}` };
        }
      } else {
        checks.workflow = { ok: false, detail: 'skipped: no worker polling' };
      }
    }

    const ready = Object.values(checks).every((c) => c.ok) && checks.worker !== undefined;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });

  return r;
}
