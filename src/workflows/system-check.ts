/**
 * systemCheck: the smallest end-to-end proof that this deployment works: the API (or an operator) starts a
 * workflow, a worker picks it up and runs an activity, and the result comes back. Used by `GET /readyz?deep=1`.
 * Costs 2 actions per run (start + local activity marker is free; the workflow task is not billed), so it is
 * only run on demand, never by a probe loop.
 */
import { log, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { createSystemActivities } from '../activities/system';

const { describeWorker } = proxyLocalActivities<ReturnType<typeof createSystemActivities>>({
  startToCloseTimeout: '5s',
  retry: { maximumAttempts: 3 },
});

export interface SystemCheckResult {
  workflowId: string;
  taskQueue: string;
  worker: { identity: string; version: string; uptimeSeconds: number };
}

export async function systemCheck(): Promise<SystemCheckResult> {
  const info = workflowInfo();
  const worker = await describeWorker();
  log.info('system check passed', { worker: worker.identity });
  return { workflowId: info.workflowId, taskQueue: info.taskQueue, worker };
}
