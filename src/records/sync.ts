/**
 * Keeping the records store and Temporal in step, from the Temporal side: import one boleto from its workflow
 * (read-through for boletos from before the store, backfill), and the drift scan that the reconcile schedule runs.
 * The scan is cheap where nothing differs: one visibility listing and one store look-up per page; only a boleto whose
 * row is missing or disagrees with its search attributes (status, due date, nosso número), or lacks its payer, is
 * read from its workflow (queries) and repaired.
 */
import { type Client, QueryNotRegisteredError, type WorkflowHandle, WorkflowNotFoundError } from '@temporalio/client';
import { saoPauloDate } from '../domain';
import {
  getBoletoQuery,
  getCreationQuery,
  getDeliveriesQuery,
  getEventsQuery,
  getPrintableQuery,
  getRecordQuery,
} from '../contracts/boleto';
import { BoletoStatus, DueDate, NossoNumero } from '../contracts/search-attributes';
import type { BoletoRecords } from './store';

export interface ImportResult {
  found: boolean;
  inserted: boolean;
  /** Rows written or changed (0: the store already agreed). */
  changed: number;
}

/**
 * What the store keeps of a boleto, asked of its workflow in one query (a closed workflow is replayed once per query);
 * a worker still on code without that query (a rolling deploy) is asked the five older queries instead.
 */
async function recordOf(h: WorkflowHandle): Promise<Parameters<BoletoRecords['importBoleto']>[0]> {
  try {
    return await h.query(getRecordQuery);
  } catch (e) {
    if (!(e instanceof QueryNotRegisteredError)) throw e;
  }
  const [view, events, deliveries, printable, creation] = await Promise.all([
    h.query(getBoletoQuery),
    h.query(getEventsQuery),
    h.query(getDeliveriesQuery),
    h.query(getPrintableQuery),
    h.query(getCreationQuery),
  ]);
  return {
    view,
    events,
    deliveries,
    payer: printable.payer,
    messages: printable.messages,
    requestFingerprint: creation.requestFingerprint,
  };
}

/** Copies what the boleto's workflow knows into the store (idempotent). `found: false` when there is no workflow. */
export async function importFromWorkflow(client: Client, records: BoletoRecords, id: string): Promise<ImportResult> {
  const h = client.workflow.getHandle(id);
  try {
    const r = await records.importBoleto(await recordOf(h));
    return { found: true, ...r };
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return { found: false, inserted: false, changed: 0 };
    throw e;
  }
}

export interface ReconcileResult {
  scanned: number;
  /** Boletos whose row was missing (imported) or differed (repaired). */
  imported: number;
  repaired: number;
  /** Boletos that could not be read from their workflow (no worker, a query timed out): tried again next run. */
  failed: number;
}

export interface ReconcileOptions {
  /** 'recent': open workflows and those closed since `closedSince`; 'all': every boleto workflow visibility holds. */
  scope: 'recent' | 'all';
  closedSince?: Date;
  /** Boletos per visibility page (and per store look-up). */
  pageSize?: number;
  /** Called after each page (activities heartbeat here). */
  onProgress?: (r: ReconcileResult) => void;
}

export async function reconcileRecords(
  client: Client,
  records: BoletoRecords,
  opts: ReconcileOptions,
): Promise<ReconcileResult> {
  const clauses = [`WorkflowType = 'boletoLifecycle'`];
  if (opts.scope === 'recent') {
    const since = (opts.closedSince ?? new Date(Date.now() - 86_400_000)).toISOString();
    clauses.push(`(ExecutionStatus = 'Running' OR CloseTime >= '${since}')`);
  }
  const result: ReconcileResult = { scanned: 0, imported: 0, repaired: 0, failed: 0 };
  const pageSize = opts.pageSize ?? 200;
  let page: { id: string; status?: string; dueDate?: string; nossoNumero?: string }[] = [];
  const flush = async () => {
    const known = await records.indexOf(page.map((p) => p.id));
    for (const p of page) {
      const row = known.get(p.id);
      const differs =
        !row ||
        !row.payerKnown ||
        (p.status !== undefined && p.status !== row.status) ||
        (p.dueDate !== undefined && p.dueDate !== row.dueDate) ||
        (p.nossoNumero !== undefined && p.nossoNumero !== row.nossoNumero);
      if (!differs) continue;
      try {
        const r = await importFromWorkflow(client, records, p.id);
        if (!r.found || !r.changed) continue;
        if (r.inserted) result.imported++;
        else result.repaired++;
      } catch {
        result.failed++;
      }
    }
    result.scanned += page.length;
    page = [];
    opts.onProgress?.({ ...result });
  };
  for await (const w of client.workflow.list({ query: clauses.join(' AND '), pageSize })) {
    const due = w.typedSearchAttributes.get(DueDate);
    const nosso = w.typedSearchAttributes.get(NossoNumero);
    const status = w.typedSearchAttributes.get(BoletoStatus);
    page.push({
      id: w.workflowId,
      ...(status ? { status } : {}),
      ...(due ? { dueDate: saoPauloDate(due.getTime()) } : {}),
      ...(nosso ? { nossoNumero: nosso } : {}),
    });
    if (page.length >= pageSize) await flush();
  }
  if (page.length) await flush();
  return result;
}
