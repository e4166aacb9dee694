/**
 * How long Temporal keeps a closed workflow's history (what the Web UI can still show): one setting,
 * TEMPORAL_RETENTION_DAYS, for the embedded dev server (applied at every `npm start`: the dev server itself registers
 * its namespace with 24 hours) and for an external cluster (`npm run temporal:setup`). Boleto records outlive it in
 * the records store (src/records), so this is how long operators can open a history, not how long a boleto exists.
 */
import type { Connection } from '@temporalio/client';
import { msToTs, tsToMs } from '@temporalio/common/lib/time';
import type { Logger } from '../logging';

const DAY_MS = 86_400_000;

/** Sets the namespace's retention to `days` if it has another; answers what it found and what it did. */
export async function ensureRetention(
  service: Connection['workflowService'],
  namespace: string,
  days: number,
  logger?: Logger,
): Promise<{ beforeDays: number; changed: boolean }> {
  const described = await service.describeNamespace({ namespace });
  const current = described.config?.workflowExecutionRetentionTtl;
  const beforeDays = current ? tsToMs(current) / DAY_MS : 0;
  if (beforeDays === days) return { beforeDays, changed: false };
  await service.updateNamespace({ namespace, config: { workflowExecutionRetentionTtl: msToTs(days * DAY_MS) } });
  logger?.info(
    { namespace, retentionDays: days, previousDays: beforeDays },
    'namespace retention set (TEMPORAL_RETENTION_DAYS)',
  );
  return { beforeDays, changed: true };
}
