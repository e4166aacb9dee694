/**
 * A bolecode paid by Pix and then "Baixada" at Itaú, through the whole lifecycle: the time-skipping test server (the
 * weekly safety-net poll comes in seconds), the real worker and the strict Itaú simulator over mTLS, scenario ,10
 * (PIX_PAID_NO_NOTIFICATION: paid by Pix an hour after registration, no boleto notification ever). The consulta
 * shows `Baixada` with the Pix payment from then on; the boleto must end SETTLED, not stay PAID forever.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { addDays, saoPauloDate } from '../../src/domain';
import type { ItauSimulator } from '../../src/simulators/itau/server';
import { boletoLifecycle } from '../../src/workflows/boleto-lifecycle';
import { getBoletoQuery, getEventsQuery } from '../../src/contracts/boleto';
import { admin } from '../banks/itau/helpers';
import { type LifecycleBench, startItauLifecycle, until } from '../helpers/lifecycle';
import { uniqueId } from '../helpers/temporal';

describe('Itaú bolecode paid by Pix, then "Baixada" (time-skipping server + strict Itaú simulator)', () => {
  let bench: LifecycleBench<ItauSimulator>;
  let env: TestWorkflowEnvironment;
  let sim: ItauSimulator;
  const accountId = 'itau-pix-baixada';
  const taskQueue = uniqueId('tq');

  beforeAll(async () => {
    bench = await startItauLifecycle({ accountId, taskQueue });
    ({ env, sim } = bench);
  }, 120_000);
  afterAll(async () => {
    await bench?.close();
  });

  it('cents ,10 › no notification, the consulta shows "Baixada" with the Pix payment › the weekly poll moves it to PAID and SETTLED', async () => {
    const today = saoPauloDate(await env.currentTimeMs());
    const input = bench.input({
      kind: 'BOLECODE',
      amountCents: 30_010,
      issueDate: sim.clock.today(),
      dueDate: addDays(today, 20),
    });
    const worker = await bench.newWorker();
    const h = await env.client.workflow.start(boletoLifecycle, {
      taskQueue,
      workflowId: uniqueId('bol-pix'),
      args: [input],
    });
    await worker.runUntil(async () => {
      await until(h, 'REGISTERED');
      const nn = (await h.query(getBoletoQuery)).nossoNumero ?? '';
      const atBank = sim.bank.byNossoNumero('109', nn);
      expect(atBank).toMatchObject({ scenario: 'PIX_PAID_NO_NOTIFICATION', endpoint: 'pix_recebimentos_conciliacoes' });
      // At the bank: paid by Pix an hour later; written off ("Baixada") with the payment; no notification queued.
      await admin(sim, '/clock/advance', { hours: 2, stepMinutes: 30 });
      expect(atBank?.payment?.meio).toBe('pix');
      expect(sim.bank.situacao(atBank!)).toBe('Baixada');
      expect(sim.webhooks.snapshot().filter((d) => d.subject.startsWith(nn))).toEqual([]);
      await env.sleep('8 days');
      const v = await h.query(getBoletoQuery);
      expect(v).toMatchObject({
        status: 'SETTLED',
        paid: true,
        settled: true,
        payment: { paidCents: 30_010 },
        settlement: { settledCents: 30_010 },
      });
      // The Pix credit is the payment itself: settled at the payment time, not at the poll's.
      expect(v.settlement?.settledAt).toBe(v.payment?.paidAt);
      const events = await h.query(getEventsQuery);
      expect(events.map((e) => [e.kind, e.source])).toEqual([
        ['REGISTERED', 'bank-response'],
        ['PAID', 'bank-poll'],
        ['SETTLED', 'bank-poll'],
      ]);
      expect((await h.result()).status).toBe('SETTLED');
    });
  });
});
