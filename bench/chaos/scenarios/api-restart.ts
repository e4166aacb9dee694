/**
 * Scenario 4: the API process killed (alternately SIGKILL and SIGTERM) and started again while clients issue
 * boletos and retry with their Idempotency-Keys after every connection error or 5xx; some clients also send a
 * request again after its answer (as if they had lost it). A third of the boletos meet a lost response at the
 * bank, so requests are often waiting on the bank when the API dies. No key may make a second boleto, a second
 * workflow, or an answer naming another boleto.
 */
import { pct, sleep } from '../../common';
import { CENTS, type Issue, issue, plan, verify } from '../boletos';
import { answers, defineScenario, rand, resultOf, retryCauses } from '../scenario';

const SIZES = {
  full: { keys: 300, restarts: 10, clients: 12, gapMs: [2_000, 6_000], resendShare: 0.25 },
  smoke: { keys: 6, restarts: 2, clients: 3, gapMs: [300, 800], resendShare: 0.5 },
} as const;

export const apiRestart = defineScenario({
  name: 'api-restart',
  title: 'API restarted while clients retry',
  proves: 'an API process dying mid-request never turns a client’s retry (same Idempotency-Key) into a second boleto',
  sizes: SIZES,
  stack: () => ({ workers: 2, env: { BS2_TIMEOUT_MS: '3000' } }),
  async body({ p, ctx, run, stack, log }) {
    const issued: Issue[] = [];
    let done = false;
    let resent = 0;
    const restarts: { signal: string; downMs: number; stopMs: number; inFlight: number }[] = [];
    // Clients go on until there were `keys` boletos and every restart happened while they were issuing.
    const clients = (async () => {
      await Promise.all(
        Array.from({ length: p.clients }, async () => {
          while (issued.length < p.keys || restarts.length < p.restarts) {
            const b = plan(issued.length % 3 === 0 ? CENTS.LOST_RESPONSE : CENTS.MANUAL, 'ar');
            issued.push(b);
            await issue(stack, b);
            if (Math.random() < p.resendShare) {
              // The client never saw the answer: it sends the same request again.
              resent++;
              const first = b.ms;
              await issue(stack, b);
              b.ms = first;
            }
          }
        }),
      );
      done = true;
    })();

    while (!done && restarts.length < p.restarts) {
      await sleep(rand(p.gapMs[0], p.gapMs[1]));
      if (done) break;
      const signal = restarts.length % 2 === 0 ? 'SIGKILL' : 'SIGTERM';
      const inFlight = issued.filter((b) => b.attempts > 0 && b.answer === undefined).length;
      const t = Date.now();
      await stack.stopApi(signal);
      const stopMs = Date.now() - t;
      await stack.startApi();
      restarts.push({ signal, downMs: Date.now() - t, stopMs, inFlight });
    }
    await clients;
    log(`api-restart: ${restarts.length} restarts, ${issued.length} keys answered; verifying …`);
    const verdict = await verify(stack, issued, { baseline: run.base, log });
    // A graceful stop finishes what is under way, then exits (it used to hang on kept-alive connections for 30 s).
    const slowStops = restarts.filter((r) => r.signal === 'SIGTERM' && r.stopMs > 15_000);
    const ms = issued.map((b) => b.ms);
    return resultOf(ctx, run, verdict, {
      in: {
        keys: issued.length,
        requests: issued.reduce((n, b) => n + b.attempts, 0),
        resentAfterAnswer: resent,
        restarts: restarts.length,
      },
      out: { ...answers(issued), idempotentReplays: issued.reduce((n, b) => n + b.replayed, 0) },
      figures: {
        restartMsP50: Math.round(
          pct(
            restarts.map((r) => r.downMs),
            50,
          ),
        ),
        sigtermStopMsMax: Math.max(0, ...restarts.filter((r) => r.signal === 'SIGTERM').map((r) => r.stopMs)),
        requestsInFlightAtKill: restarts.map((r) => r.inFlight).join('/'),
        clientRetries: issued.reduce((n, b) => n + b.retried, 0),
        retriedOn: retryCauses(issued),
        answerP99Ms: Math.round(pct(ms, 99)),
      },
      problems: slowStops.map((r) => `the API took ${r.stopMs} ms to stop on SIGTERM`),
    });
  },
});
