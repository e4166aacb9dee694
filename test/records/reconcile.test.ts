/**
 * Drift repair and backfill on real servers: boletos the store lacks (a deployment from before the store, or rows
 * lost) or holds wrongly are imported or repaired from their workflows — by the scan, by the Temporal Schedule's
 * workflow, by `npm run records -- backfill`, and on a read (read-through).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRecordsCli } from '../../src/cli/records';
import { addDays, saoPauloDate } from '../../src/domain';
import { ensureReconcileSchedule, RECORDS_RECONCILE_SCHEDULE_ID } from '../../src/records/reconcile-schedule';
import { reconcileRecords } from '../../src/records/sync';
import type { BoletoView } from '../../src/contracts/boleto';
import { type BoletoStack, eventually, startBoletoStack } from '../helpers/boleto-stack';

describe('records: drift repair, backfill, read-through', () => {
  let s: BoletoStack;
  const due = addDays(saoPauloDate(Date.now()), 9);

  beforeAll(async () => {
    s = await startBoletoStack();
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  const auth = { Authorization: '' };
  async function create(key: string): Promise<BoletoView> {
    auth.Authorization = `Bearer ${s.keys.t1.integrator}`;
    const r = await fetch(`${s.base}/v1/boletos`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({
        accountId: s.accountId,
        amountCents: 12_300,
        dueDate: due,
        payer: {
          name: 'João Pereira',
          document: '52998224725',
          address: {
            street: 'Rua B',
            number: '2',
            district: 'Centro',
            city: 'Campinas',
            state: 'SP',
            zipCode: '13010000',
          },
        },
        reference: 'DRIFT',
      }),
    });
    expect(r.status).toBe(201);
    const v = (await r.json()) as BoletoView;
    await eventually(
      () => s.records.events(s.tenants.t1, v.id).then((e) => e?.length ?? 0),
      (n) => n === 1,
    );
    return v;
  }
  /** What a deployment from before the store looks like for this boleto: no rows at all. */
  const forget = async (id: string) => {
    await s.records.db.deleteFrom('boletos').where('id', '=', id).execute();
    await s.records.db.deleteFrom('idempotency_keys').where('boleto_id', '=', id).execute();
  };
  const statusInStore = async (id: string) =>
    (await s.records.db.selectFrom('boletos').select('status').where('id', '=', id).executeTakeFirst())?.status;

  it('the scan imports what is missing and repairs what differs, and counts only what it changed', async () => {
    const missing = await create('drift-missing');
    const wrong = await create('drift-wrong');
    const fine = await create('drift-fine');
    await forget(missing.id);
    await s.records.db.updateTable('boletos').set({ status: 'CANCELLED' }).where('id', '=', wrong.id).execute();
    // Visibility is eventually consistent: wait until it lists all three.
    await eventually(
      () =>
        s.client.workflow
          .count(`WorkflowType = 'boletoLifecycle' AND BoletoStatus = 'REGISTERED'`)
          .then((c) => c.count),
      (n) => n >= 3,
    );

    const result = await reconcileRecords(s.client, s.records, { scope: 'recent' });
    expect(result).toMatchObject({ imported: 1, repaired: 1, failed: 0 });
    expect(await s.records.get(s.tenants.t1, missing.id)).toMatchObject({
      status: 'REGISTERED',
      nossoNumero: missing.nossoNumero,
    });
    expect((await s.records.printable(s.tenants.t1, missing.id))!.payer!.name).toBe('João Pereira');
    expect((await s.records.events(s.tenants.t1, missing.id))!.map((e) => e.kind)).toEqual(['REGISTERED']);
    expect(await statusInStore(wrong.id)).toBe('REGISTERED');
    expect(await statusInStore(fine.id)).toBe('REGISTERED');
    // A second run finds nothing to do.
    expect(await reconcileRecords(s.client, s.records, { scope: 'recent' })).toMatchObject({
      imported: 0,
      repaired: 0,
      failed: 0,
    });
  });

  it('the Temporal Schedule runs the same repair as a workflow', async () => {
    const lost = await create('drift-schedule');
    await forget(lost.id);
    expect(await ensureReconcileSchedule(s.client, { taskQueue: s.taskQueue, everyMinutes: 60 })).toBe('created');
    expect(await ensureReconcileSchedule(s.client, { taskQueue: s.taskQueue, everyMinutes: 60 })).toBe('unchanged');
    const handle = s.client.schedule.getHandle(RECORDS_RECONCILE_SCHEDULE_ID);
    await handle.trigger();
    const run = await eventually(
      () => handle.describe().then((d) => d.info.recentActions.at(-1)?.action.workflow.workflowId),
      (id) => id !== undefined,
    );
    const result = await s.client.workflow.getHandle(run!).result();
    expect(result).toMatchObject({ imported: 1, failed: 0 });
    expect(await statusInStore(lost.id)).toBe('REGISTERED');
    await handle.delete();
  });

  it('npm run records -- backfill imports closed workflows too; a read imports a missing boleto on the way', async () => {
    const closed = await create('backfill-closed');
    await forget(closed.id);
    await s.client.workflow
      .getHandle(closed.id)
      .terminate('test: a boleto workflow that is closed but within retention');
    const out: string[] = [];
    await runRecordsCli(['backfill'], {
      records: () =>
        Promise.resolve(
          Object.assign(Object.create(s.records) as typeof s.records, { close: () => Promise.resolve() }),
        ),
      temporal: () => Promise.resolve(s.client),
      out: (l) => out.push(l),
      err: () => undefined,
    });
    expect(JSON.parse(out.at(-1)!)).toMatchObject({ imported: 1, failed: 0 });
    expect(await statusInStore(closed.id)).toBe('REGISTERED');

    const read = await create('read-through');
    await forget(read.id);
    const r = await fetch(`${s.base}/v1/boletos/${read.id}`, {
      headers: { Authorization: `Bearer ${s.keys.t1.integrator}` },
    });
    expect(r.status).toBe(200);
    expect(((await r.json()) as BoletoView).id).toBe(read.id);
    expect(await statusInStore(read.id)).toBe('REGISTERED');
    // Another tenant asking for it gets a 404 and imports nothing of theirs.
    expect(
      (await fetch(`${s.base}/v1/boletos/${read.id}`, { headers: { Authorization: `Bearer ${s.keys.t2.integrator}` } }))
        .status,
    ).toBe(404);
  });

  it('purge refuses without a retention setting, counts without --yes, and records who purged', async () => {
    const deps = (retentionYears?: number) => {
      const out: string[] = [];
      return {
        out,
        deps: {
          retentionYears,
          records: () =>
            Promise.resolve(
              Object.assign(Object.create(s.records) as typeof s.records, { close: () => Promise.resolve() }),
            ),
          temporal: () => Promise.resolve(s.client),
          out: (l: string) => out.push(l),
          err: () => undefined,
        },
      };
    };
    await expect(runRecordsCli(['purge', '--by', 'ops'], deps().deps)).rejects.toThrow(
      /RECORDS_RETENTION_YEARS is not set/,
    );
    await expect(runRecordsCli(['purge'], deps(5).deps)).rejects.toThrow(/--by/);
    const dry = deps(5);
    await runRecordsCli(['purge', '--by', 'ops'], dry.deps);
    expect(JSON.parse(dry.out[0]!)).toMatchObject({ wouldPurge: 0, retentionYears: 5 });
    const real = deps(5);
    await runRecordsCli(['purge', '--by', 'ops@example.com', '--yes'], real.deps);
    expect(JSON.parse(real.out[0]!)).toMatchObject({ boletos: 0 });
    const purges = await s.records.db.selectFrom('record_purges').select(['purged_by', 'retention_years']).execute();
    expect(purges).toEqual([{ purged_by: 'ops@example.com', retention_years: 5 }]);
  });
});
