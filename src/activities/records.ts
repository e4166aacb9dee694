/**
 * The records store's own activity: the drift scan (src/records/sync.ts) that the reconcile schedule runs, counting
 * what it repaired in the worker's metrics (boletoflow_records_repaired, by kind).
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { BoletoRecords } from '../records';
import { type ReconcileResult, reconcileRecords } from '../records/sync';

export interface RecordsActivityDeps {
  records?: BoletoRecords;
}

export const createRecordsActivities = (deps: RecordsActivityDeps) => ({
  async reconcileBoletoRecords(input: { closedWithinMinutes: number }): Promise<ReconcileResult> {
    const ctx = Context.current();
    if (!deps.records)
      throw ApplicationFailure.nonRetryable('this worker has no records store (DATABASE_URL)', 'RecordsNotConfigured');
    const result = await reconcileRecords(ctx.client, deps.records, {
      scope: 'recent',
      closedSince: new Date(Date.now() - input.closedWithinMinutes * 60_000),
      onProgress: (r) => ctx.heartbeat(r),
    });
    const repaired = ctx.metricMeter.createCounter(
      'boletoflow_records_repaired',
      'boletos',
      'boletos the drift scan imported or repaired in the records store',
    );
    if (result.imported) repaired.add(result.imported, { kind: 'imported' });
    if (result.repaired) repaired.add(result.repaired, { kind: 'repaired' });
    ctx.log.info('records reconciled', { ...result });
    return result;
  },
});
