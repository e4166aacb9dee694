/**
 * Found by the chaos suite (worker-kill): registration runs as a local activity, which holds its workflow task (and
 * a workflow-task slot) while it waits for a BS2 token, and the token keeper answers in a workflow task of its own.
 * A worker with no token cached (a new process) that receives more registrations at once than it has workflow-task
 * slots used to fill every slot with tasks waiting on the keeper, whose task then never started: registrations
 * stalled for minutes. Here a worker with two slots gets eight registrations at once, before it has any token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, saoPauloDate } from '../../src/domain';
import { type BoletoStack, eventually, startBoletoStack } from '../helpers/boleto-stack';
import { TEST_PAYER } from '../helpers/payer';

describe('registration burst on a worker without a BS2 token', () => {
  let s: BoletoStack;

  beforeAll(async () => {
    s = await startBoletoStack({ registerWaitMs: 1_000, workerOverrides: { maxConcurrentWorkflowTaskExecutions: 2 } });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it('burst › more registrations than workflow-task slots, no token yet › the keeper still runs and all register within seconds', async () => {
    const started = Date.now();
    const body = {
      accountId: s.accountId,
      amountCents: 15_000,
      dueDate: addDays(saoPauloDate(Date.now()), 10),
      payer: TEST_PAYER,
    };
    const answers = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const r = await fetch(`${s.base}/v1/boletos`, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${s.keys.t1.integrator}`,
            'content-type': 'application/json',
            'Idempotency-Key': `burst-${i}`,
          },
          body: JSON.stringify(body),
        });
        return (await r.json()) as { id: string };
      }),
    );
    const statuses = await eventually(
      () =>
        Promise.all(
          answers.map(
            async (a) =>
              (
                (await (
                  await fetch(`${s.base}/v1/boletos/${a.id}`, {
                    headers: { Authorization: `Bearer ${s.keys.t1.integrator}` },
                  })
                ).json()) as { status: string }
              ).status,
          ),
        ),
      (xs) => xs.every((x) => x === 'REGISTERED'),
      40_000,
    );
    expect(statuses).toEqual(Array(8).fill('REGISTERED'));
    expect(Date.now() - started).toBeLessThan(40_000);
    expect(s.sim.bank.boletos.size).toBe(8);
  }, 60_000);
});
