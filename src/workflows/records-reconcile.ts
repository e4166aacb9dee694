/**
 * recordsReconcile: compares the records store with the boleto workflows and repairs what differs. Run by a Temporal
 * Schedule (RECORDS_RECONCILE_SCHEDULE_ID, every RECORDS_RECONCILE_MINUTES; overlapping runs skipped), one short
 * workflow per run: the work is the activity's, which heartbeats per page.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { createRecordsActivities } from '../activities/records';
import type { ReconcileResult } from '../records/sync';

const { reconcileBoletoRecords } = proxyActivities<ReturnType<typeof createRecordsActivities>>({
  startToCloseTimeout: '30m',
  heartbeatTimeout: '2m',
  retry: { initialInterval: '30s', maximumAttempts: 3 },
});

export interface RecordsReconcileInput {
  /** Closed workflows are scanned too if they closed within this many minutes (a run's period, twice). */
  closedWithinMinutes: number;
}

export async function recordsReconcile(input: RecordsReconcileInput): Promise<ReconcileResult> {
  return reconcileBoletoRecords({ closedWithinMinutes: input.closedWithinMinutes });
}
