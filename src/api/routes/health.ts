/**
 * Liveness and readiness for orchestrators and operators.
 * - GET /healthz: the process is up (no dependencies checked).
 * - GET /readyz: Temporal is reachable (namespace described), at least one worker is polling our task
 *   queue (seen by the server within the last minute), and the records store answers. `?deep=1` also runs the systemCheck workflow end to
 *   end through a worker (costs a workflow execution; for humans, not for probes): only with an operator API key, one
 *   at a time and its result reused for 10 s, so anonymous callers cannot make it start workflows.
 *   Each bank may add entries that do not affect readiness (e.g. a locked account; src/banks/<bank>/, its module's api).
 */
import { randomUUID } from 'node:crypto';
import { type Client, WorkflowFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { z } from 'zod';
import type { systemCheck } from '../../workflows';
import { VERSION } from '../../version';
import type { BoletoRecords } from '../../records';
import { type AccessCache, isOperatorRequest } from '../auth';
import { type ApiRoute, defineRoute } from '../route';
import { BANKS, bankModule } from '../../banks';
import type { BankCode } from '../../contracts/bank';

const BANK_LIST = Object.keys(BANKS) as BankCode[];
const POLLER_FRESH_MS = 70_000;
const CHECK_TIMEOUT_MS = 3_000;
/** A deep check's result is shared by the calls of this long (and one in flight by all): probes cannot multiply workflows. */
const DEEP_CACHE_MS = 10_000;

export interface HealthDeps {
  client: Client;
  namespace: string;
  taskQueue: string;
  startedAt: number;
  /** The records store (checked when given). */
  records?: BoletoRecords;
  /** Who may run the deep check (an operator key); without it, deep=1 runs the cheap checks only. */
  access?: AccessCache;
  /** Environment accounts whose webhooks are unauthenticated (only hints), by bank: shown as the bank's check. */
  unverifiedWebhookAccounts?: Partial<Record<BankCode, readonly string[]>>;
}

const Check = z
  .object({
    ok: z.boolean(),
    detail: z.string().optional(),
    affectsReadiness: z.boolean().optional().meta({
      description:
        'false: a failing check shown for operators that does not make the API not ready (e.g. a locked bank account)',
    }),
  })
  .catchall(z.unknown());
const Readiness = z
  .object({ status: z.enum(['ready', 'not ready']), checks: z.record(z.string(), Check) })
  .meta({ id: 'Readiness' });
const Health = z
  .object({ status: z.literal('ok'), version: z.string(), uptimeSeconds: z.number() })
  .meta({ id: 'Health' });

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
      await Promise.race([
        records.ping(),
        new Promise((_r, fail) =>
          setTimeout(() => fail(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref(),
        ),
      ]);
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

  let deep: { at: number; result: Promise<CheckResult> } | undefined;
  /** One systemCheck at a time, its result reused for DEEP_CACHE_MS. */
  function checkWorkflowShared(): Promise<CheckResult> {
    if (!deep || Date.now() - deep.at > DEEP_CACHE_MS) deep = { at: Date.now(), result: checkWorkflow() };
    return deep.result;
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
      return {
        ok: false,
        detail: `systemCheck workflow failed: ${reason(e instanceof WorkflowFailedError ? (e.cause ?? e) : e)}`,
      };
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
      description:
        'With deep=1 and an operator API key also runs the systemCheck workflow end to end (one at a time, its result reused for 10 s); ' +
        'without one, deep=1 answers the cheap checks (workflow: skipped). ' +
        BANK_LIST.map((bank) => bankModule(bank).api.readinessDoc ?? '')
          .filter(Boolean)
          .join(' '),
      tags: ['operations'],
      access: 'public',
      rateLimited: false,
      request: { query: z.object({ deep: z.enum(['0', '1', 'true', 'false']).optional() }) },
      responses: {
        200: { description: 'Ready', schema: Readiness },
        503: { description: 'Not ready; the failing checks say why', schema: Readiness },
      },
      handler: async ({ query, req, res }) => {
        const checks: Record<string, CheckResult> = { temporal: await checkTemporal() };
        if (deps.records) checks.records = await checkRecords(deps.records);
        if (checks.temporal!.ok) checks.worker = await checkWorker();
        // Account ids (an onboarded one holds agency and account numbers) and the bank's words are for operators;
        // anyone else (a load balancer's probe) sees how many, and that readiness is not affected.
        const operator = deps.access ? await isOperatorRequest(deps.access, req) : false;
        // Each bank's own entries (e.g. locked accounts), which do not affect readiness.
        if (checks.worker?.ok)
          for (const bank of BANK_LIST)
            Object.assign(checks, (await bankModule(bank).api.readiness?.(deps.client, deadline(), operator)) ?? {});
        if (query.deep === '1' || query.deep === 'true') {
          // A workflow per call for anyone would be a cost amplifier: operators only, shared, cached.
          checks.workflow = !checks.worker?.ok
            ? { ok: false, detail: 'skipped: no worker polling' }
            : operator
              ? await checkWorkflowShared()
              : {
                  ok: true,
                  skipped: true,
                  affectsReadiness: false,
                  detail: 'not run: deep=1 needs an operator API key (Authorization: Bearer <key>)',
                };
        }
        for (const bank of BANK_LIST) {
          const unsigned = deps.unverifiedWebhookAccounts?.[bank] ?? [];
          const entry = bankModule(bank).api.unverifiedWebhooks;
          if (unsigned.length && entry) {
            checks[entry.check] = {
              ok: false,
              affectsReadiness: false,
              ...(operator ? { accounts: [...unsigned] } : { accounts: unsigned.length }),
              detail: entry.detail,
            };
          }
        }
        const ready =
          checks.worker !== undefined && Object.values(checks).every((c) => c.ok || c.affectsReadiness === false);
        res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
      },
    }),
  ];
}
