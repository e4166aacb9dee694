/**
 * Scenario 5: a sustained storm of BS2 webhooks at a fixed rate (open loop: requests go out on schedule whatever
 * the API's latency) on a set of registered boletos, first "paid" notifications then "settled" ones, every one
 * with its own notification Id, while other clients keep registering new boletos. The bank's own webhooks are
 * switched off for the duration, so every signal a boleto workflow received came from the storm: the signals
 * counted in the workflows' histories must equal the webhooks the API accepted (a 2xx is promised only once the
 * signal is durable). Every target ends SETTLED with one PAID and one SETTLED event; every new boleto REGISTERED.
 */
import { Agent } from 'undici';
import { pct } from '../../common';
import {
  bs2Notification,
  CENTS,
  type Issue,
  issue,
  nossoNumeroOf,
  plan,
  pool,
  postBs2Webhook,
  verify,
} from '../boletos';
import { answers, defineScenario, resultOf } from '../scenario';
import type { ChaosStack } from '../stack';

const SIZES = {
  // The bank's sender keeps up to `connections` connections open (requests beyond wait for one, and their latency counts it).
  full: { targets: 300, rate: 500, seconds: 60, registerClients: 2, maxOutstanding: 10_000, connections: 256 },
  smoke: { targets: 3, rate: 30, seconds: 2, registerClients: 1, maxOutstanding: 200, connections: 16 },
} as const;

/** `bankEvent` signals in a workflow's history, following continue-as-new back to the first run. */
export async function bankSignals(stack: ChaosStack, workflowId: string): Promise<number> {
  let n = 0;
  let runId: string | undefined;
  for (let runs = 0; runs < 100; runs++) {
    const history = await stack.client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    n += events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'bankEvent').length;
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
    if (!runId) break;
  }
  return n;
}

export const webhookStorm = defineScenario({
  name: 'webhook-storm',
  title: 'Webhook storm while registering',
  proves:
    'under a sustained webhook storm every accepted webhook becomes exactly one signal, duplicates change nothing, and registration goes on',
  sizes: SIZES,
  stack: () => ({ workers: 1, env: { BS2_TIMEOUT_MS: '5000' } }),
  async body({ p, ctx, run, stack, log }) {
    await stack.bankWebhooks(false);
    const targets = Array.from({ length: p.targets }, () => plan(CENTS.MANUAL, 'ws'));
    await pool(targets, 8, (b) => issue(stack, b));
    await pool(targets, 8, (b) => nossoNumeroOf(stack, b));
    log(`webhook-storm: ${targets.length} targets registered; storm of ${p.rate}/s for ${p.seconds} s …`);

    const fresh: Issue[] = [];
    let storming = true;
    const registering = Promise.all(
      Array.from({ length: p.registerClients }, async () => {
        while (storming) {
          const b = plan(CENTS.MANUAL, 'ws-new');
          fresh.push(b);
          await issue(stack, b);
        }
      }),
    );

    const total = p.rate * p.seconds;
    const lat: number[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    let skipped = 0;
    const errors = new Map<string, number>();
    let outstanding = 0;
    const sender = new Agent({ connections: p.connections, keepAliveTimeout: 30_000, pipelining: 1 });
    const t0 = performance.now();
    const answered: Promise<void>[] = [];
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * p.rate));
        while (sent + skipped < due) {
          const j = sent + skipped;
          // A backlog this deep means the API is far behind: count what could not be sent rather than queue forever.
          if (outstanding >= p.maxOutstanding) {
            skipped++;
            continue;
          }
          const b = targets[j % targets.length]!;
          const at = new Date().toISOString();
          const history = j < total / 2 ? [1, 2] : [1, 2, 3];
          const body = bs2Notification(
            { nossoNumero: b.nossoNumero ?? '0', seuNumero: b.seuNumero, amountCents: b.amountCents },
            history.map((status) => ({ status: status as 1 | 2 | 3, at })),
          );
          sent++;
          outstanding++;
          const t = performance.now();
          answered.push(
            postBs2Webhook(stack, body, { timeoutMs: 120_000, dispatcher: sender })
              .then(
                (s) => void (statuses.set(s, (statuses.get(s) ?? 0) + 1), lat.push(performance.now() - t)),
                (e: unknown) => {
                  const code = (e as { code?: string }).code ?? (e as Error).name;
                  errors.set(code, (errors.get(code) ?? 0) + 1);
                },
              )
              .finally(() => outstanding--),
          );
        }
        if (sent + skipped >= total) {
          clearInterval(timer);
          resolve();
        }
      }, 10);
    });
    const sendSeconds = (performance.now() - t0) / 1000;
    await Promise.all(answered);
    const drainSeconds = (performance.now() - t0) / 1000;
    await sender.close();
    const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
    storming = false;
    await registering;
    const accepted = [...statuses].filter(([s]) => s >= 200 && s < 300).reduce((n, [, c]) => n + c, 0);
    log(
      `webhook-storm: sent ${sent} in ${sendSeconds.toFixed(1)} s, ${accepted} accepted, all answered after ${drainSeconds.toFixed(1)} s; counting signals …`,
    );

    let signalled = 0;
    await pool(targets, 8, async (b) => {
      const n = await bankSignals(stack, b.id);
      signalled += n;
    });
    await stack.bankWebhooks(true);
    const verdict = await verify(stack, [...targets, ...fresh], {
      baseline: run.base,
      log,
      expected: (b) => (targets.includes(b) ? 'SETTLED' : 'REGISTERED'),
    });
    const problems: string[] = [];
    if (signalled < accepted) problems.push(`${accepted - signalled} accepted webhooks never became a signal`);
    if (signalled > sent) problems.push(`${signalled - sent} more signals than webhooks sent`);
    const refused = [...statuses].filter(([s]) => s < 200 || s >= 300);
    return resultOf(ctx, run, verdict, {
      in: { webhooksSent: sent, notSentBacklog: skipped, targets: targets.length, registrations: fresh.length },
      out: {
        accepted,
        refused: refused.reduce((n, [, c]) => n + c, 0),
        errors: errorCount,
        signalled,
        signalledWithoutAnswer: Math.max(0, signalled - accepted),
        ...answers(fresh),
      },
      figures: {
        targetRatePerS: p.rate,
        sentRatePerS: Math.round(sent / sendSeconds),
        acceptedPerS: Math.round(accepted / drainSeconds),
        webhookP50Ms: Math.round(pct(lat, 50)),
        webhookP99Ms: Math.round(pct(lat, 99)),
        webhookMaxMs: Math.round(Math.max(0, ...lat)),
        ...(refused.length ? { refusedByStatus: refused.map(([s, c]) => `${c}×${s}`).join(' ') } : {}),
        ...(errorCount ? { errorsByKind: [...errors].map(([k, c]) => `${c}×${k}`).join(' ') } : {}),
        senderConnections: p.connections,
        registrationP99Ms: Math.round(
          pct(
            fresh.map((b) => b.ms),
            99,
          ),
        ),
      },
      lost: Math.max(0, accepted - signalled),
      duplicated: Math.max(0, signalled - sent),
      problems,
    });
  },
});
