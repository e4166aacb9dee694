/**
 * The Temporal Schedule that runs the records drift scan (workflow recordsReconcile) every few minutes. Created by
 * the API process at start if missing, updated if its period changed; overlapping runs are skipped, and a run missed
 * while the cluster was down is not made up (the next one covers it).
 */
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { recordsReconcile } from '../workflows/records-reconcile';

export const RECORDS_RECONCILE_SCHEDULE_ID = 'boletoflow-records-reconcile';

export async function ensureReconcileSchedule(
  client: Client,
  opts: { taskQueue: string; everyMinutes: number },
): Promise<'created' | 'updated' | 'unchanged'> {
  const args: Parameters<typeof recordsReconcile> = [{ closedWithinMinutes: opts.everyMinutes * 2 }];
  const spec = { intervals: [{ every: `${opts.everyMinutes}m` as const }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'recordsReconcile',
    args,
    taskQueue: opts.taskQueue,
    workflowId: `${RECORDS_RECONCILE_SCHEDULE_ID}-run`,
  };
  try {
    await client.schedule.create({
      scheduleId: RECORDS_RECONCILE_SCHEDULE_ID,
      spec,
      action,
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1m' },
      memo: { purpose: 'compares the boleto records store with the boleto workflows and repairs what differs' },
    });
    return 'created';
  } catch (e) {
    if (!(e instanceof ScheduleAlreadyRunning)) throw e;
  }
  const handle = client.schedule.getHandle(RECORDS_RECONCILE_SCHEDULE_ID);
  const current = await handle.describe();
  const every = current.spec.intervals?.[0]?.every;
  const same =
    every !== undefined &&
    Number(every) === opts.everyMinutes * 60_000 &&
    current.action.type === 'startWorkflow' &&
    current.action.taskQueue === opts.taskQueue;
  if (same) return 'unchanged';
  await handle.update((prev) => ({ ...prev, spec, action }));
  return 'updated';
}
