/**
 * Inbound bank webhooks, one route for every bank: `POST /webhooks/<bank>/:accountId` → the bank module's
 * verification → its translation (the adapter's translateWebhook rule) → one shared path that signals the boletos'
 * workflows (src/banks/module.ts BankWebhooks; a bank's extra routes, such as an OAuth token endpoint or a Pix
 * callback, take the same shared path). A notification for a known boleto gets a 2xx once safely signalled (the
 * signal is durable in Temporal); an unknown boleto or an unverifiable call gets a 4xx and a log line; nothing here
 * can crash the API.
 * Trust (WebhookTrust): verified facts are applied; a trigger (authenticated, the body does not say what happened)
 * and a hint (unauthenticated) make the workflow ask the bank. Hints are rate-limited per source, merged per boleto
 * (src/api/webhook-guard.ts), and answered alike whether the boleto exists or not: the answer reveals nothing to
 * someone probing ids.
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { BANKS, bankModule } from '../../banks';
import { BankError } from '../../banks/errors';
import type { Delivery, WebhookAccount, WebhookRouteDeps, WebhookTrust } from '../../banks/module';
import type { BankCode, BankEvent } from '../../contracts/bank';
import type { AccountDirectory } from '../../boletos/directory';
import { boletoIdFor } from '../../boletos/ids';
import { bankEventSignal, eventsForWorkflow } from '../../contracts/boleto';
import { API_BOUNDS, boundedList } from '../../temporal/bounded';
import type { Logger } from '../../logging';
import type { ApiMetrics } from '../metrics';
import { HintCoalescer, WindowLimiter } from '../webhook-guard';
import { sendProblem } from '../problem';
import { type ApiRoute, defineRoute } from '../route';

export interface WebhookDeps {
  client: Client;
  directory: AccountDirectory;
  metrics: ApiMetrics;
  logger?: Logger;
  /** Unauthenticated hints: calls per source address per minute, and per boleto one signal per window. */
  unsignedHints?: { perSourcePerMinute: number; windowMs: number };
  /** One guard shared by every route taking unauthenticated hints (so a source's budget is counted once). */
  hintGuard?: HintGuard;
}

export const DEFAULT_UNSIGNED_HINTS = { perSourcePerMinute: 300, windowMs: 10_000 };

/** What keeps unauthenticated hints cheap (src/api/webhook-guard.ts): per source a rate limit, per boleto one signal per window. */
export interface HintGuard {
  perSource: WindowLimiter;
  perBoleto: HintCoalescer;
}

export function createHintGuard(
  hints: { perSourcePerMinute: number; windowMs: number } = DEFAULT_UNSIGNED_HINTS,
  logger?: Logger,
): HintGuard {
  return {
    perSource: new WindowLimiter(hints.perSourcePerMinute, 60_000),
    perBoleto: new HintCoalescer(hints.windowMs, (boletoId, err) => {
      if (!(err instanceof WorkflowNotFoundError)) logger?.warn({ err, boletoId }, 'merged webhook hint not signalled');
    }),
  };
}

const Received = z
  .object({ received: z.number().int(), boletoId: z.string().optional() })
  .meta({ id: 'WebhookReceived' });
const BANK_LIST = Object.keys(BANKS) as BankCode[];
const bySlug = new Map(BANK_LIST.map((bank) => [bankModule(bank).webhooks.slug, bank]));

/** The workflow of the boleto these events are about: by our seuNumero (the workflow id embeds it), else by search. */
async function boletoIdOf(client: Client, account: WebhookAccount, events: BankEvent[]): Promise<string | undefined> {
  const e = events[0];
  if (!e) return undefined;
  if (e.seuNumero && /^[A-Z2-7]{10}$/.test(e.seuNumero)) return boletoIdFor(account.accountId, e.seuNumero);
  const by =
    e.seuNumero && /^[A-Za-z0-9]{1,20}$/.test(e.seuNumero)
      ? `SeuNumero = '${e.seuNumero}'`
      : e.nossoNumero && /^\d{1,20}$/.test(e.nossoNumero)
        ? `NossoNumero = '${e.nossoNumero}'`
        : undefined;
  if (!by) return undefined;
  return boundedList(client, API_BOUNDS, async () => {
    for await (const w of client.workflow.list({
      query: `WorkflowType = 'boletoLifecycle' AND AccountId = '${account.accountId}' AND ${by}`,
      pageSize: 1,
    }))
      return w.workflowId;
    return undefined;
  });
}

/** One group per boleto (a notification may list several), in order of appearance. */
function groupByBoleto(events: BankEvent[]): BankEvent[][] {
  const groups = new Map<string, BankEvent[]>();
  for (const e of events) {
    const key = e.seuNumero ? `s:${e.seuNumero}` : `n:${e.nossoNumero ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return [...groups.values()];
}

const headersOf = (req: Request): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));

export function webhookRoutes(deps: WebhookDeps): ApiRoute[] {
  const { perSource, perBoleto } = deps.hintGuard ?? createHintGuard(deps.unsignedHints, deps.logger);

  const shared: WebhookRouteDeps = {
    resolve: (accountId) => deps.directory.resolve(accountId),
    metrics: deps.metrics,
    admitHint(req: Request, res: Response): boolean {
      const retryAfter = perSource.take(req.socket.remoteAddress ?? 'unknown');
      if (retryAfter === undefined) return true;
      res.setHeader('Retry-After', String(retryAfter));
      sendProblem(res, {
        type: 'rate-limited',
        title: 'Too many requests',
        status: 429,
        detail: 'Too many unauthenticated webhooks from this address.',
      });
      return false;
    },
    async deliver(
      account: WebhookAccount,
      groups: BankEvent[][],
      trust: WebhookTrust,
      receivedAt: string,
    ): Promise<Delivery[]> {
      const out: Delivery[] = [];
      for (const group of groups) {
        const boletoId = await boletoIdOf(deps.client, account, group);
        if (!boletoId) {
          deps.logger?.warn(
            { bank: account.bank, nossoNumero: group[0]?.nossoNumero },
            'webhook for an unknown boleto',
          );
          out.push({ outcome: 'unknown' });
          continue;
        }
        const signal = () =>
          deps.client.workflow
            .getHandle(boletoId)
            .signal(bankEventSignal, { events: group, verified: trust === 'verified', receivedAt });
        try {
          // A hint makes the workflow ask the bank: many hints for one boleto within the window cost one look-up.
          if (trust === 'hint')
            out.push({
              outcome: (await perBoleto.offer(boletoId, signal)) === 'merged' ? 'merged' : 'signalled',
              boletoId,
            });
          else out.push((await signal(), { outcome: 'signalled', boletoId }));
        } catch (e) {
          if (!(e instanceof WorkflowNotFoundError)) throw e;
          deps.logger?.warn({ bank: account.bank, boletoId }, 'webhook for an unknown or finished boleto');
          out.push({ outcome: 'unknown' });
          continue;
        }
        deps.metrics.observeWebhookLag(account.bank, group, Date.parse(receivedAt));
      }
      return out;
    },
    refuse(res: Response, log: Logger, account: WebhookAccount, e: unknown, what = 'webhook refused'): void {
      if (!(e instanceof BankError)) throw e;
      log.warn({ bank: account.bank, accountId: account.accountId, reason: e.message }, what);
      if (e.kind === 'AUTH') {
        const challenge = bankModule(account.bank).webhooks.challenge;
        if (challenge) res.setHeader('WWW-Authenticate', challenge);
        return sendProblem(res, { type: 'unauthenticated', title: e.message, status: 401 });
      }
      sendProblem(res, {
        type: 'validation',
        title: e.message,
        status: 400,
        errors: (e.details.fields ?? []).map((f) => ({ field: `body.${f.field}`, reason: f.message })),
      });
    },
  };

  const notifications = defineRoute({
    method: 'post',
    path: '/webhooks/:bank/:accountId',
    operationId: 'receiveBankWebhook',
    summary: 'A bank’s boleto notifications for one account (configure this URL with the bank)',
    description: BANK_LIST.map(
      (bank) => `\`${bankModule(bank).webhooks.slug}\`: ${bankModule(bank).webhooks.doc.summary}.`,
    ).join(' '),
    tags: ['webhooks'],
    access: 'public',
    foreignBody: true,
    request: {
      params: z.object({
        bank: z.string().meta({ description: `the bank: ${[...bySlug.keys()].join(', ')}` }),
        accountId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be an account id'),
      }),
      body: z
        .object({})
        .catchall(z.unknown())
        .meta({ description: BANK_LIST.map((bank) => bankModule(bank).webhooks.doc.body).join('; ') }),
    },
    responses: {
      200: {
        description:
          'Signalled to the boletos’ workflows (verified notifications name the boleto). Unauthenticated hints: the same answer, without boletoId, whether the boleto exists or not; repeated hints for one boleto are merged',
        schema: Received,
      },
      400: {
        description:
          'Not this bank’s notification: the field named is missing or wrong (e.g. body.boletos, body.StatusBoleto)',
      },
      401: {
        description: 'Authorization (agreed value, or Bearer token from the bank’s OAuth endpoint) missing or wrong',
      },
      404: { description: 'Unknown bank or account, or (authenticated notifications only) unknown boleto' },
      429: { description: 'Unauthenticated hints: too many from this source address; see Retry-After' },
    },
    handler: async ({ params, req, res, log }) => {
      const bank = bySlug.get(params.bank);
      const account = bank ? await deps.directory.resolve(params.accountId) : undefined;
      if (!bank || !account || account.bank !== bank)
        return sendProblem(res, { type: 'not-found', title: 'Unknown account', status: 404 });
      const hooks = bankModule(bank).webhooks;
      const headers = headersOf(req);
      let trust: WebhookTrust | 'unknown';
      try {
        trust = hooks.authenticate(account, headers);
      } catch (e) {
        return shared.refuse(res, log, account, e);
      }
      if (trust === 'unknown') return sendProblem(res, { type: 'not-found', title: 'Unknown account', status: 404 });
      if (trust === 'hint' && !shared.admitHint(req, res)) return;
      const receivedAt = new Date().toISOString();
      let events: BankEvent[];
      try {
        events = hooks.translate(account, { headers, body: req.body, receivedAt });
      } catch (e) {
        return shared.refuse(res, log, account, e);
      }
      if (events.length === 0) return void res.json({ received: 0 });
      const relevant = eventsForWorkflow(events);
      if (relevant.length === 0) {
        deps.metrics.observeWebhookLag(bank, events, Date.parse(receivedAt));
        log.debug({ bank, seuNumero: events[0]!.seuNumero }, 'registration notice: nothing for the workflow');
        return void res.json({ received: events.length });
      }
      const groups = groupByBoleto(relevant);
      const outcomes = await shared.deliver(account, groups, trust, receivedAt);
      if (trust === 'hint') return void res.json({ received: events.length });
      const signalled = groups.filter((_, i) => outcomes[i]?.outcome !== 'unknown');
      if (signalled.length === 0) return sendProblem(res, { type: 'not-found', title: 'Unknown boleto', status: 404 });
      if (trust === 'trigger') return void res.json({ received: signalled.flat().length });
      // Verified facts: the answer names the boleto (one per notification).
      const boletoId = outcomes.find((o) => o.boletoId)?.boletoId;
      res.json({ received: events.length, ...(boletoId ? { boletoId } : {}) });
    },
  });

  return [...BANK_LIST.flatMap((bank) => bankModule(bank).webhooks.extraRoutes?.(shared) ?? []), notifications];
}
