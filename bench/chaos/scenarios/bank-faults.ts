/**
 * Scenario 3: the bank misbehaves, one way per phase, each phase a batch of boletos issued concurrently:
 *   503 storm            the next N calls to the Cobrança API answer 503 + Retry-After (nothing is created)
 *   lost response        ,07: the bank stores the boleto, then the response never comes (the connection drops)
 *   503 first calls      ,08: the first registration calls with a seuNumero answer 503 and create nothing
 *   429 + Retry-After    the next N calls answer 429 with Retry-After: 2
 *   token outage         the bank's access token has expired (its clock moved) and the token endpoint answers
 *                        503 a few times; then 429 with Retry-After
 * then every boleto of every phase is paid and settled at the bank while its webhooks cannot be delivered; the
 * bank's clock moves hours ahead, and the notifications arrive hours late, each three times more in shuffled order
 * (plus the bank's own delivery). Every boleto must be REGISTERED exactly once at the bank and end SETTLED, with
 * the bank's payment and settlement times (not the order in which duplicates arrived).
 */
import { pct, sleep } from '../../common';
import { CENTS, type Issue, issue, nossoNumeroOf, plan, pool, postBs2Webhook, simBoletos, verify } from '../boletos';
import { defineScenario, resultOf, retryCauses, shuffle } from '../scenario';

const SIZES = {
  full: {
    perPhase: 40,
    concurrency: 10,
    copies: 3,
    hoursLate: [5, 3],
    retryAfterSeconds: 2,
    phases: ['storm503', 'lostResponse', 'first503', 'retryAfter429', 'tokenDown503', 'token429'],
  },
  // The smoke keeps one fault of each family (5xx, lost response, token endpoint); the full run has them all.
  smoke: {
    perPhase: 1,
    concurrency: 4,
    copies: 3,
    hoursLate: [5, 3],
    retryAfterSeconds: 1,
    phases: ['storm503', 'lostResponse', 'tokenDown503'],
  },
} as const;

interface Faults {
  api: { count: number };
  token: { count: number };
}

interface PendingDelivery {
  subject: string;
  state: string;
  body: { StatusBoleto: { Status: number }[] };
}

export const bankFaults = defineScenario({
  name: 'bank-faults',
  title: 'Bank faults: 503 storm, lost responses, 429, token outage, webhooks hours late ×3 shuffled',
  proves:
    'every way the bank fails (5xx, 429 with Retry-After, a response lost after the bank committed, token endpoint down, notifications late, repeated and out of order) ends with one boleto at the bank and the right state',
  sizes: SIZES,
  stack: () => ({ workers: 2, env: { BS2_TIMEOUT_MS: '3000' } }),
  async body({ p, ctx, run, stack, log }) {
    const issued: Issue[] = [];
    const figures: Record<string, number | string> = {};
    const injected: Record<string, number> = {};
    const invalid: string[] = [];

    const phase = async (name: (typeof p.phases)[number], cents: number, before?: () => Promise<unknown>) => {
      if (!(p.phases as readonly string[]).includes(name)) return;
      await before?.();
      const batch = Array.from({ length: p.perPhase }, () => plan(cents, `bf-${name}`));
      issued.push(...batch);
      await pool(batch, p.concurrency, (b) => issue(stack, b));
      const left = await stack.sim<Faults>('GET', '/faults');
      // The faults must really have been met (else the phase proves nothing).
      if (left.api.count || left.token.count)
        invalid.push(`${name}: ${left.api.count + left.token.count} injected faults were never met`);
      figures[`${name}P50Ms`] = Math.round(
        pct(
          batch.map((b) => b.ms),
          50,
        ),
      );
      const tokens = await stack.sim<{ issued: number; rejected: number; rateLimited: number }>('GET', '/tokens');
      log(
        `bank-faults: ${name} done (${batch.length} boletos, p50 ${figures[`${name}P50Ms`]} ms; tokens issued by the bank so far ${tokens.issued})`,
      );
    };
    const fault = (endpoint: 'api' | 'token', count: number, status: number, retryAfterSeconds: number) => {
      injected[`${endpoint}${status}`] = (injected[`${endpoint}${status}`] ?? 0) + count;
      return stack.sim('POST', '/faults', { endpoint, count, status, retryAfterSeconds });
    };
    const expireAccessToken = () => stack.sim('POST', '/clock/advance', { minutes: 6 });

    await phase('storm503', CENTS.MANUAL, () => fault('api', p.perPhase * 3, 503, 1));
    await phase('lostResponse', CENTS.LOST_RESPONSE);
    await phase('first503', CENTS.UNAVAILABLE_FIRST_N);
    await phase('retryAfter429', CENTS.MANUAL, () => fault('api', p.perPhase * 2, 429, p.retryAfterSeconds));
    // Faults first: whatever call meets the expired token first must meet them.
    await phase('tokenDown503', CENTS.MANUAL, async () => (await fault('token', 3, 503, 1), await expireAccessToken()));
    await phase(
      'token429',
      CENTS.MANUAL,
      async () => (await fault('token', 2, 429, p.retryAfterSeconds + 1), await expireAccessToken()),
    );

    // Notifications delayed by hours, then duplicated and shuffled.
    await stack.bankWebhooks(false);
    const nn = new Map<string, string>();
    await pool(issued, 8, async (b) => {
      const n = await nossoNumeroOf(stack, b);
      if (n) nn.set(b.id, n);
    });
    await pool(issued, 8, async (b) => nn.has(b.id) && stack.sim('POST', `/boletos/${nn.get(b.id)}/pay`, {}));
    await stack.sim('POST', '/clock/advance', { hours: p.hoursLate[0] });
    await pool(issued, 8, async (b) => nn.has(b.id) && stack.sim('POST', `/boletos/${nn.get(b.id)}/settle`, {}));
    await stack.sim('POST', '/clock/advance', { hours: p.hoursLate[1] });
    const bankIds = new Set(
      (await simBoletos(stack)).filter((s) => issued.some((b) => b.seuNumero === s.seuNumero)).map((s) => s.id),
    );
    const held = (await stack.sim<{ deliveries: PendingDelivery[] }>('GET', '/webhooks')).deliveries.filter(
      (d) => d.state === 'PENDING' && bankIds.has(d.subject) && d.body.StatusBoleto.some((s) => s.Status >= 2),
    );
    const copies = shuffle(held.flatMap((d) => Array.from({ length: p.copies }, () => d.body)));
    const statuses = new Map<number, number>();
    await pool(copies, 8, async (body) => {
      const s = await postBs2Webhook(stack, body).catch(() => 0);
      statuses.set(s, (statuses.get(s) ?? 0) + 1);
    });
    // And the bank's own deliveries, hours late, in its order.
    await stack.bankWebhooks(true);
    await stack.sim('POST', '/tick');
    log(
      `bank-faults: ${held.length} notifications held ${p.hoursLate[0] + p.hoursLate[1]} h, sent ${copies.length} shuffled copies (${[...statuses].map(([s, n]) => `${n}×${s}`).join(', ')}) + the bank's own`,
    );
    await sleep(500);

    const bankTimes = new Map((await simBoletos(stack)).map((s) => [s.seuNumero, s]));
    const verdict = await verify(stack, issued, {
      baseline: run.base,
      expected: () => 'SETTLED',
      log,
      // The facts are the bank's: payment and settlement times as the bank recorded them.
      check: (b, got) => {
        const s = bankTimes.get(b.seuNumero);
        const paidAt = s?.history.find((h) => h.status === 2)?.at;
        const settledAt = s?.history.find((h) => h.status === 3)?.at;
        if (!paidAt || Date.parse(got.view.payment?.paidAt ?? '') !== Date.parse(paidAt))
          return `paid at ${got.view.payment?.paidAt}, the bank says ${paidAt}`;
        if (!settledAt || Date.parse(got.view.settlement?.settledAt ?? '') !== Date.parse(settledAt))
          return `settled at ${got.view.settlement?.settledAt}, the bank says ${settledAt}`;
        return undefined;
      },
    });
    // A refused copy is not lost (the bank delivers again until a 2xx); the final states say whether anything was.
    const refused = copies.length - (statuses.get(200) ?? 0);
    return resultOf(ctx, run, verdict, {
      in: { requests: issued.length, ...injected, notificationsHeld: held.length, shuffledCopies: copies.length },
      out: { copiesAccepted: statuses.get(200) ?? 0, copiesRefused: refused },
      figures: {
        ...figures,
        hoursLate: p.hoursLate[0] + p.hoursLate[1],
        clientRetries: issued.reduce((n, b) => n + b.retried, 0),
        retriedOn: retryCauses(issued),
      },
      invalid,
    });
  },
});
