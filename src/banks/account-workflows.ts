/**
 * The workflows bank modules keep running per account (BankModule.accountWorkflows): ensured by the API at start for
 * the environment's accounts, like the records reconcile schedule, and by a bank's own activity for onboarded ones.
 * Signal-with-start: absent → started; running → signalled (it takes e.g. new options). Bank-neutral.
 */
import type { Client } from '@temporalio/client';
import type { AccountWorkflow } from './module';

export async function ensureAccountWorkflow(client: Client, taskQueue: string, w: AccountWorkflow): Promise<void> {
  await client.workflow.signalWithStart(w.workflowType, {
    workflowId: w.workflowId,
    taskQueue,
    args: w.args,
    signal: w.signal.name,
    signalArgs: w.signal.args,
  });
}

/** Each of them; one failure does not stop the others (each is reported). */
export async function ensureAccountWorkflows(
  client: Client,
  taskQueue: string,
  workflows: AccountWorkflow[],
): Promise<{ ensured: string[]; failed: { workflowId: string; err: unknown }[] }> {
  const ensured: string[] = [];
  const failed: { workflowId: string; err: unknown }[] = [];
  for (const w of workflows) {
    try {
      await ensureAccountWorkflow(client, taskQueue, w);
      ensured.push(w.workflowId);
    } catch (err) {
      failed.push({ workflowId: w.workflowId, err });
    }
  }
  return { ensured, failed };
}
