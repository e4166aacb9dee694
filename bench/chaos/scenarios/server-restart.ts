/**
 * Scenario 2: the Temporal dev server stopped and started again on the same SQLite file (alternately SIGTERM and
 * SIGKILL) while boletos are being registered and the bank is paying and settling earlier ones, so its webhooks
 * keep arriving. Clients retry their Idempotency-Key; the bank retries its webhooks on its own schedule (its clock
 * is moved forward while we wait, so retries due minutes later run now). Every boleto must end SETTLED with one
 * REGISTERED, one PAID and one SETTLED event, and the bank must hold exactly one boleto per request; the records
 * store the same, each event once with its delivery (verifyStore).
 */
import { pct, sleep } from '../../common';
import { CENTS, type Issue, issue, nossoNumeroOf, plan, verify } from '../boletos';
import { answers, defineScenario, rand, resultOf, retryCauses } from '../scenario';
import type { ChaosStack } from '../stack';

const SIZES = {
  full: { boletos: 500, restarts: 4, seconds: 150, downMs: [2_000, 8_000], bankDelayMs: [200, 3_000] },
  smoke: { boletos: 5, restarts: 1, seconds: 3, downMs: [500, 1_000], bankDelayMs: [100, 600] },
} as const;

interface Delivery {
  attempts: number;
  state: string;
  lastStatus?: number;
}

/** The bank's webhook deliveries: how many, how many attempts, how many failed on the way. */
export async function bankDeliveries(
  stack: ChaosStack,
): Promise<{ deliveries: number; attempts: number; failedAttempts: number; pending: number }> {
  const ds = (await stack.sim<{ deliveries: Delivery[] }>('GET', '/webhooks')).deliveries;
  const attempts = ds.reduce((n, d) => n + d.attempts, 0);
  const delivered = ds.filter((d) => d.state === 'DELIVERED').length;
  return {
    deliveries: ds.length,
    attempts,
    failedAttempts: attempts - delivered,
    pending: ds.filter((d) => d.state === 'PENDING').length,
  };
}

export const serverRestart = defineScenario({
  name: 'server-restart',
  title: 'Temporal server restarted (same SQLite file)',
  proves:
    'boletos in flight and bank webhooks arriving while the Temporal server is down or restarting all complete, exactly once',
  sizes: SIZES,
  stack: () => ({ workers: 2, env: { BS2_TIMEOUT_MS: '3000' } }),
  async body({ p, ctx, run, stack, log }) {
    const issued: Issue[] = [];
    const harness: string[] = [];
    let paid = 0;
    let settled = 0;
    // The bank pays, then settles, each boleto a little after it is registered: its webhooks arrive all along.
    const lifecycle = async (b: Issue) => {
      await issue(stack, b);
      const nn = await nossoNumeroOf(stack, b);
      if (!nn) return void harness.push(`${b.id}: never got a nosso número`);
      try {
        await sleep(rand(p.bankDelayMs[0], p.bankDelayMs[1]));
        await stack.sim('POST', `/boletos/${nn}/pay`, {});
        paid++;
        await sleep(rand(p.bankDelayMs[0], p.bankDelayMs[1]));
        await stack.sim('POST', `/boletos/${nn}/settle`, {});
        settled++;
      } catch (e) {
        harness.push(`${b.id}: the bank could not pay/settle it: ${(e as Error).message}`);
      }
    };
    const running: Promise<void>[] = [];
    const registering = (async () => {
      for (let i = 0; i < p.boletos; i++) {
        const b = plan(CENTS.MANUAL, 'sr');
        issued.push(b);
        running.push(lifecycle(b));
        await sleep((p.seconds * 1000) / p.boletos);
      }
      await Promise.all(running);
    })();

    const restarts: { signal: string; downMs: number; inFlight: number }[] = [];
    const slot = (p.seconds * 1000) / p.restarts;
    for (let k = 0; k < p.restarts; k++) {
      await sleep(rand(0.3, 0.8) * slot);
      const signal = k % 2 === 0 ? 'SIGTERM' : 'SIGKILL';
      // A moment when requests are under way (at most two seconds' wait).
      for (let w = 0; w < 100 && !issued.some((b) => b.answer === undefined); w++) await sleep(20);
      const inFlight = issued.filter((b) => b.answer === undefined).length;
      const t = Date.now();
      await stack.stopTemporal(signal);
      await sleep(rand(p.downMs[0], p.downMs[1]));
      await stack.startTemporal();
      restarts.push({ signal, downMs: Date.now() - t, inFlight });
      log(`server-restart: ${signal} → back after ${Date.now() - t} ms (${inFlight} requests in flight)`);
    }
    await registering;
    log(`server-restart: ${issued.length} boletos answered, ${paid} paid, ${settled} settled at the bank; verifying …`);
    const verdict = await verify(stack, issued, {
      baseline: run.base,
      expected: () => 'SETTLED',
      settleMs: 300_000,
      store: true,
      log,
      // Webhooks refused while the server was down are retried by the bank minutes later (its clock).
      nudge: async () => void (await stack.sim('POST', '/clock/advance', { minutes: 2 })),
    });
    const hooks = await bankDeliveries(stack);
    const ms = issued.map((b) => b.ms);
    return resultOf(ctx, run, verdict, {
      in: {
        requests: issued.length,
        restarts: restarts.length,
        paidAtBank: paid,
        settledAtBank: settled,
        bankWebhooks: hooks.deliveries,
      },
      out: { ...answers(issued), webhookAttempts: hooks.attempts, webhookAttemptsRefused: hooks.failedAttempts },
      figures: {
        downtimeMs: restarts.map((r) => r.downMs).join('/'),
        signals: restarts.map((r) => r.signal).join('/'),
        requestsInFlightAtStop: restarts.map((r) => r.inFlight).join('/'),
        clientRetries: issued.reduce((n, b) => n + b.retried, 0),
        retriedOn: retryCauses(issued),
        answerP99Ms: Math.round(pct(ms, 99)),
      },
      problems: harness,
    });
  },
});
