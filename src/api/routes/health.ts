/**
 * Liveness and readiness for orchestrators and operators.
 * - GET /healthz: the process is up (no dependencies checked).
 * - GET /readyz: Temporal is reachable (namespace described), at least one worker is polling our task
 *   queue (seen by the server within the last minute), and the records store answers. `?deep=1` also runs the systemCheck workflow end to
 *   end through a worker (costs a workflow execution; for humans, not for probes).
 */
import { randomUUID } from 'node:crypto';
import { type Client, WorkflowFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { z } from 'zod';
import type { systemCheck } from '../../workflows';
import { VERSION } from '../../version';
import type { BoletoRecords } from '../../records';
import { type ApiRoute, defineRoute } from '../route';

const POLLER_FRESH_MS = 70_000;
const CHECK_TIMEOUT_MS = 3_000;

export interface HealthDeps {
  client: Client;
  namespace: string;
  taskQueue: string;
  startedAt: number;
  /** The records store (checked when given). */
  records?: BoletoRecords;
}

const Check = z.object({ ok: z.boolean(), detail: z.string().optional() }).catchall(z.unknown());
const Readiness = z
  .object({ status: z.enum(['ready', 'not ready']), checks: z.record(z.string(), Check) })
  .meta({ id: 'Readiness' });
const Health = z.object({ status: z.literal('ok'), version: z.string(), uptimeSeconds: z.number() }).meta({ id: 'Health' });

type CheckResult = z.infer<typeof Check>;
const reason = (e: unknown) => (e instanceof Error ? e.message.split('\n')[0]! : String(e));

export function healthRoutes(deps: HealthDeps): ApiRoute[] {
  const svc = deps.client.workflowService;
  const deadline = () => Date.now() + CHECK_TIMEOUT_MS;

  async function checkTemporal(): Promise<CheckResult> {
    try {
      await deps.client.withDeadline(deadline(), () => svc.describeNamespace({ namespace: deps.namespace }));
      return { ok: true, namespace: deps.namespace };
    } catch (e) {
      return { ok: false, namespace: deps.namespace, detail: `Temporal not reachable: ${reason(e)}` };
    }
  }

  async function checkRecords(records: BoletoRecords): Promise<CheckResult> {
    try {
      await Promise.race([records.ping(), new Promise((_r, fail) => setTimeout(() => fail(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref())]);
      return { ok: true };
    } catch (e) {
      return { ok: false, detail: `records store not reachable: ${reason(e)}` };
    }
  }

  async function checkWorker(): Promise<CheckResult> {
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
      return fresh.length
        ? { ok: true, taskQueue: deps.taskQueue, pollers: fresh.length }
        : { ok: false, taskQueue: deps.taskQueue, pollers: 0, detail: 'no worker is polling the task queue' };
    } catch (e) {
      return { ok: false, taskQueue: deps.taskQueue, detail: reason(e) };
    }
  }

  async function checkWorkflow(): Promise<CheckResult> {
    const started = Date.now();
    try {
      const result = await deps.client.workflow.execute<typeof systemCheck>('systemCheck', {
        taskQueue: deps.taskQueue,
        workflowId: `system-check-${randomUUID()}`,
        workflowExecutionTimeout: '10s',
      });
      return { ok: true, roundTripMs: Date.now() - started, worker: result.worker.identity };
    } catch (e) {
      return { ok: false, detail: `systemCheck workflow failed: ${reason(e instanceof WorkflowFailedError ? (e.cause ?? e) : e)}` };
    }
  }

  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      operationId: 'healthz',
      summary: 'Liveness: the API process is up',
      tags: ['operations'],
      access: 'public',
      rateLimited: false,
      responses: { 200: { description: 'Up', schema: Health } },
      handler: ({ res }) => {
        res.json({ status: 'ok', version: VERSION, uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/readyz',
      operationId: 'readyz',
      summary: 'Readiness: Temporal reachable and a worker polling',
      description: 'With deep=1 also runs the systemCheck workflow end to end (costs a workflow execution).',
      tags: ['operations'],
      access: 'public',
      rateLimited: false,
      request: { query: z.object({ deep: z.enum(['0', '1', 'true', 'false']).optional() }) },
      responses: {
        200: { description: 'Ready', schema: Readiness },
        503: { description: 'Not ready; the failing checks say why', schema: Readiness },
      },
      handler: async ({ query, res }) => {
        const checks: Record<string, CheckResult> = { temporal: await checkTemporal() };
        if (deps.records) checks.records = await checkRecords(deps.records);
        if (checks.temporal!.ok) checks.worker = await checkWorker();
        if (query.deep === '1' || query.deep === 'true') {
          checks.workflow = checks.worker?.ok ? await checkWorkflow() : { ok: false, detail: 'skipped: no worker polling' };
        }
        const ready = checks.worker !== undefined && Object.values(checks).every((c) => c.ok);
        res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
      },
    }),
  ];
}
