/**
 * Scenario 1: workers SIGKILLed at random moments while boletos are being registered; a new worker process takes
 * over after each kill. Boletos of four bank behaviours (registered, refused, lost response after the bank
 * committed, 503 for the first calls) keep coming until every kill has happened. Every boleto must end in its
 * status and the bank must hold exactly one boleto per request (none for the refused ones). Each kill lands while
 * registrations, and so the delivery activity's writes of their events to the records store, are in flight ("kill -9
 * mid-recording"): the store must hold each boleto once, as its workflow, the bank and the API say (verifyStore).
 */
import { pct, sleep } from '../../common';
import { CENTS, type Issue, issue, keeperStatus, plan, verify } from '../boletos';
import { answers, defineScenario, pick, rand, resultOf, retryCauses } from '../scenario';

const SIZES = {
  full: { boletos: 500, kills: 100, gapMs: [1_000, 4_000] },
  smoke: { boletos: 6, kills: 2, gapMs: [300, 1_000] },
} as const;

/** 7 in 10 plain, then one each of refused, lost response, 503 first. */
export const mixedCents = (i: number): number =>
  [
    CENTS.MANUAL,
    CENTS.MANUAL,
    CENTS.MANUAL,
    CENTS.MANUAL,
    CENTS.MANUAL,
    CENTS.MANUAL,
    CENTS.MANUAL,
    CENTS.REJECTED,
    CENTS.LOST_RESPONSE,
    CENTS.UNAVAILABLE_FIRST_N,
  ][i % 10]!;

export const workerKill = defineScenario({
  name: 'worker-kill',
  title: 'Worker SIGKILLed during registration',
  proves:
    'a worker dying at any moment (mid bank call, mid workflow task) loses no boleto and makes no second boleto at the bank; another worker finishes the work',
  sizes: SIZES,
  stack: () => ({ workers: 2, env: { BS2_TIMEOUT_MS: '3000' } }),
  async body({ p, ctx, run, stack, log }) {
    const issued: Issue[] = [];
    let inflight = 0;
    let kills = 0;
    let killsMidRequest = 0;
    let replacements = 0;
    const boots: number[] = [];
    // Paced so that registration spans the whole kill schedule; it goes on until every kill has happened.
    const plannedMs = p.kills * ((p.gapMs[0] + p.gapMs[1]) / 2 + 1_500);
    const everyMs = plannedMs / p.boletos;
    const running: Promise<unknown>[] = [];
    // The first boleto before any kill: on a fresh stack it makes the BS2 token keeper's first token refresh. A kill
    // in the instant between BS2 rotating the refresh token and the keeper hearing of it locks the account until a
    // human gives it a new token (docs/banks/bs2.md, "residual window"); refreshes during the run stay exposed.
    const first = plan(CENTS.MANUAL, 'wk');
    issued.push(first);
    await issue(stack, first);
    const registering = (async () => {
      for (let i = 1; i < p.boletos || kills < p.kills; i++) {
        const b = plan(mixedCents(i), 'wk');
        issued.push(b);
        inflight++;
        running.push(issue(stack, b).finally(() => inflight--));
        await sleep(everyMs);
      }
      await Promise.all(running);
    })();

    while (kills < p.kills) {
      await sleep(rand(p.gapMs[0], p.gapMs[1]));
      const ready = [...stack.workers].filter((w) => w.ready && w.alive);
      if (!ready.length) continue;
      // A moment when registrations are under way (at most a second's wait).
      for (let w = 0; inflight === 0 && w < 50; w++) await sleep(20);
      if (inflight > 0) killsMidRequest++;
      await stack.killWorker(pick(ready), 'SIGKILL');
      kills++;
      const t = Date.now();
      void stack
        .startWorker()
        .then(() => (replacements++, boots.push(Date.now() - t)))
        .catch((e: unknown) => log(`replacement worker: ${(e as Error).message.split('\n')[0]}`));
      if (kills % 10 === 0)
        log(`worker-kill: ${kills}/${p.kills} kills, ${issued.length} boletos issued, ${inflight} in flight`);
    }
    await registering;
    log(`worker-kill: ${issued.length} boletos answered; verifying …`);
    // Boletos that met a locked account back off (up to 5 minutes) before trying again.
    const verdict = await verify(stack, issued, { log, settleMs: 600_000, baseline: run.base, store: true });
    const ms = issued.map((b) => b.ms);
    return resultOf(ctx, run, verdict, {
      in: { requests: issued.length, kills, killsWithRequestsInFlight: killsMidRequest },
      out: { ...answers(issued), replacementWorkers: replacements },
      figures: {
        answerP50Ms: Math.round(pct(ms, 50)),
        answerP99Ms: Math.round(pct(ms, 99)),
        answerMaxMs: Math.round(Math.max(...ms)),
        clientRetries: issued.reduce((n, b) => n + b.retried, 0),
        retriedOn: retryCauses(issued),
        workerBootP50Ms: Math.round(pct(boots, 50)),
        keeper: await keeperStatus(stack),
      },
    });
  },
});
