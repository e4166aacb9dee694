/**
 * Inbound bank webhooks: verify → translate (the bank's adapter) → signal the boleto's workflow. A webhook for a
 * known boleto gets a 2xx once safely signalled (the signal is durable in Temporal); an unknown boleto or an
 * unverifiable call gets a 4xx and a log line; nothing here can crash the API.
 * BS2 does not sign webhooks: with an agreed Authorization value configured they are trusted, otherwise the
 * workflow treats them as a hint and asks the bank (src/workflows/boleto-lifecycle.ts). Such unauthenticated hints
 * are rate-limited per source, merged per boleto (src/api/webhook-guard.ts), and answered alike whether the boleto
 * exists or not: the answer reveals nothing to someone probing ids. Itaú's Pix webhook (`.../pix`, mTLS at a layer
 * this API does not see) is the same kind of hint, through the same guard (docs/banks/itau.md).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Response } from 'express';
import { z } from 'zod';
import { BankError } from '../../banks/errors';
import type { BankEvent } from '../../contracts/bank';
import { translateBs2Webhook } from '../../banks/bs2/webhook';
import { type ItauPixNotice, translateItauPixWebhook, translateItauWebhook } from '../../banks/itau/webhook';
import type { AccountDirectory, AccountInfo } from '../../boletos/directory';
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
  /** Unauthenticated hints (BS2 without Authorization, Itaú Pix): calls per source address per minute, and per boleto one signal per window. */
  unsignedHints?: { perSourcePerMinute: number; windowMs: number };
  /** One guard shared by every route taking unauthenticated hints (so a source's budget is counted once); else one per route set. */
  hintGuard?: HintGuard;
}

export const DEFAULT_UNSIGNED_HINTS = { perSourcePerMinute: 300, windowMs: 10_000 };

/** What keeps unauthenticated hints cheap (src/api/webhook-guard.ts): per source a rate limit, per boleto one signal per window. */
export interface HintGuard {
  perSource: WindowLimiter;
  perBoleto: HintCoalescer;
}

export function createHintGuard(hints: { perSourcePerMinute: number; windowMs: number } = DEFAULT_UNSIGNED_HINTS, logger?: Logger): HintGuard {
  return {
    perSource: new WindowLimiter(hints.perSourcePerMinute, 60_000),
    perBoleto: new HintCoalescer(hints.windowMs, (boletoId, err) => {
      if (!(err instanceof WorkflowNotFoundError)) logger?.warn({ err, boletoId }, 'merged webhook hint not signalled');
    }),
  };
}

const Received = z.object({ received: z.number().int(), boletoId: z.string().optional() }).meta({ id: 'WebhookReceived' });

export function webhookRoutes(deps: WebhookDeps): ApiRoute[] {
  const { perSource, perBoleto } = deps.hintGuard ?? createHintGuard(deps.unsignedHints, deps.logger);

  /** The boleto a BS2 notification is about: by our seuNumero (the workflow id embeds it), else by search. */
  async function boletoIdOf(account: AccountInfo | undefined, events: BankEvent[]): Promise<string | undefined> {
    const e = events[0]!;
    if (account && e.seuNumero && /^[A-Z2-7]{10}$/.test(e.seuNumero)) return boletoIdFor(account.accountId, e.seuNumero);
    const by = e.seuNumero && /^[A-Za-z0-9]{1,20}$/.test(e.seuNumero) ? `SeuNumero = '${e.seuNumero}'` : e.nossoNumero && /^\d{1,20}$/.test(e.nossoNumero) ? `NossoNumero = '${e.nossoNumero}'` : undefined;
    if (!by) return undefined;
    const scope = account ? ` AND AccountId = '${account.accountId}'` : '';
    return boundedList(deps.client, API_BOUNDS, async () => {
      for await (const w of deps.client.workflow.list({ query: `WorkflowType = 'boletoLifecycle' AND Bank = '${e.bank}' AND ${by}${scope}`, pageSize: 2 })) return w.workflowId;
      return undefined;
    });
  }

  return [
    defineRoute({
      method: 'post',
      path: '/webhooks/bs2/:accountId',
      operationId: 'receiveBs2Webhook',
      summary: 'Banco BS2 boleto notifications (configure this URL with BS2 for the account)',
      tags: ['webhooks'],
      access: 'public',
      foreignBody: true,
      request: {
        params: z.object({ accountId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be an account id') }),
        body: z.object({}).catchall(z.unknown()).meta({ description: 'BS2 PascalCase notification (Id, NossoNumeroBoleto, SeuNumeroBoleto, StatusBoleto[] …)' }),
      },
      responses: {
        200: {
          description:
            'Signalled to the boleto’s workflow. Without an agreed Authorization (unauthenticated hints): the same answer, without boletoId, whether the boleto exists or not; repeated hints for one boleto are merged',
          schema: Received,
        },
        401: { description: 'Authorization header missing or wrong' },
        404: { description: 'Unknown account, or (authenticated webhooks only) unknown boleto' },
        429: { description: 'Unauthenticated hints: too many from this source address; see Retry-After' },
      },
      handler: async ({ params, req, res, log }) => {
        const account = await deps.directory.resolve(params.accountId);
        if (!account || account.bank !== 'BS2') return sendProblem(res, { type: 'not-found', title: 'Unknown account', status: 404 });
        const signed = account.webhookAuthorization !== undefined;
        if (!signed) {
          const retryAfter = perSource.take(req.socket.remoteAddress ?? 'unknown');
          if (retryAfter !== undefined) {
            res.setHeader('Retry-After', String(retryAfter));
            return sendProblem(res, { type: 'rate-limited', title: 'Too many requests', status: 429, detail: 'Too many unauthenticated webhooks from this address.' });
          }
        }
        const receivedAt = new Date().toISOString();
        let events: BankEvent[];
        try {
          const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
          events = translateBs2Webhook({ headers, body: req.body, receivedAt }, account.webhookAuthorization);
        } catch (e) {
          if (!(e instanceof BankError)) throw e;
          log.warn({ bank: 'BS2', accountId: account.accountId, reason: e.message }, 'webhook refused');
          if (e.kind === 'AUTH') return sendProblem(res, { type: 'unauthenticated', title: e.message, status: 401 });
          return sendProblem(res, {
            type: 'validation',
            title: e.message,
            status: 400,
            errors: (e.details.fields ?? []).map((f) => ({ field: `body.${f.field}`, reason: f.message })),
          });
        }
        if (events.length === 0) return void res.json({ received: 0 });
        const relevant = eventsForWorkflow(events);
        if (relevant.length === 0) {
          deps.metrics.observeWebhookLag('BS2', events, Date.parse(receivedAt));
          log.debug({ bank: 'BS2', seuNumero: events[0]!.seuNumero }, 'registration notice: nothing for the workflow');
          return void res.json({ received: events.length });
        }
        const boletoId = await boletoIdOf(account, relevant);
        if (!boletoId) {
          log.warn({ bank: 'BS2', nossoNumero: events[0]!.nossoNumero }, 'webhook for an unknown boleto');
          if (!signed) return void res.json({ received: events.length });
          return sendProblem(res, { type: 'not-found', title: 'Unknown boleto', status: 404 });
        }
        const signal = () => deps.client.workflow.getHandle(boletoId).signal(bankEventSignal, { events: relevant, verified: signed, receivedAt });
        try {
          if (signed) await signal();
          // A hint makes the workflow ask the bank: many hints for one boleto within the window cost one look-up.
          else if ((await perBoleto.offer(boletoId, signal)) === 'merged') log.debug({ bank: 'BS2', boletoId }, 'unauthenticated hint merged');
        } catch (e) {
          if (!(e instanceof WorkflowNotFoundError)) throw e;
          log.warn({ bank: 'BS2', boletoId }, 'webhook for an unknown or finished boleto');
          if (!signed) return void res.json({ received: events.length });
          return sendProblem(res, { type: 'not-found', title: 'Unknown boleto', status: 404 });
        }
        deps.metrics.observeWebhookLag('BS2', events, Date.parse(receivedAt));
        res.json(signed ? { received: events.length, boletoId } : { received: events.length });
      },
    }),
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Itaú: first POST .../oauth/token (client_credentials, Basic auth with the pair we registered), then the
// notification with that Bearer token. Tokens are stateless (HMAC over account + expiry with the client
// secret), so any API process verifies a token another one issued.

const ITAU_TOKEN_TTL_S = 300;

export function issueItauWebhookToken(accountId: string, secret: string, nowMs = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ a: accountId, e: Math.floor(nowMs / 1000) + ITAU_TOKEN_TTL_S })).toString('base64url');
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
}

export function verifyItauWebhookToken(token: string, accountId: string, secret: string, nowMs = Date.now()): boolean {
  const [payload, mac] = token.split('.');
  if (!payload || !mac) return false;
  const expected = createHmac('sha256', secret).update(payload).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  try {
    const { a, e } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { a?: string; e?: number };
    return a === accountId && typeof e === 'number' && e * 1000 > nowMs;
  } catch {
    return false;
  }
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header || !/^Basic\s+/i.test(header)) return undefined;
  const decoded = Buffer.from(header.replace(/^Basic\s+/i, ''), 'base64').toString();
  const i = decoded.indexOf(':');
  return i > 0 ? { id: decoded.slice(0, i), secret: decoded.slice(i + 1) } : undefined;
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const AccountParams = z.object({ accountId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be an account id') });

/** Distinct bolecodes looked up per Pix webhook delivery (the rest is ignored, counted: the next poll finds them). */
const PIX_LOOKUPS_PER_DELIVERY = 50;

export function itauWebhookRoutes(deps: WebhookDeps): ApiRoute[] {
  const { perSource, perBoleto } = deps.hintGuard ?? createHintGuard(deps.unsignedHints, deps.logger);
  const itauAccount = async (id: string) => {
    const a = await deps.directory.resolve(id);
    return a && a.bank === 'ITAU' && a.webhookClient ? { ...a, webhookClient: a.webhookClient } : undefined;
  };
  const oauthError = (res: Response, status: number, error: string, description: string) =>
    sendProblem(res, { type: status === 401 ? 'unauthenticated' : 'bad-request', title: description, status, error, error_description: description });

  return [
    defineRoute({
      method: 'post',
      path: '/webhooks/itau/:accountId/oauth/token',
      operationId: 'itauWebhookToken',
      summary: 'OAuth token endpoint Itaú calls before each notification (client_credentials, Basic auth)',
      tags: ['webhooks'],
      access: 'public',
      request: { params: AccountParams },
      responses: {
        200: { description: 'Token', schema: z.object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number().int() }) },
        400: { description: 'unsupported_grant_type (RFC 6749 error members included)' },
        401: { description: 'invalid_client' },
        404: { description: 'Unknown account' },
      },
      handler: async ({ params, req, res }) => {
        const account = await itauAccount(params.accountId);
        if (!account) return sendProblem(res, { type: 'not-found', title: 'Unknown account', status: 404 });
        const form = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
        const creds = basicCredentials(req.get('authorization')) ?? (typeof form.client_id === 'string' && typeof form.client_secret === 'string' ? { id: form.client_id, secret: form.client_secret } : undefined);
        if (!creds || !same(creds.id, account.webhookClient.clientId) || !same(creds.secret, account.webhookClient.clientSecret)) {
          res.setHeader('WWW-Authenticate', 'Basic');
          return oauthError(res, 401, 'invalid_client', 'Client authentication failed.');
        }
        if (form.grant_type !== 'client_credentials') return oauthError(res, 400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
        res.setHeader('Cache-Control', 'no-store');
        res.json({ access_token: issueItauWebhookToken(account.accountId, account.webhookClient.clientSecret), token_type: 'Bearer', expires_in: ITAU_TOKEN_TTL_S });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/webhooks/itau/:accountId',
      operationId: 'receiveItauWebhook',
      summary: 'Itaú boleto notifications (Boletos v3 subscriptions): each boleto listed makes its workflow re-query the consulta',
      tags: ['webhooks'],
      access: 'public',
      foreignBody: true,
      request: { params: AccountParams, body: z.object({}).catchall(z.unknown()).meta({ description: 'Itaú notification: {"boletos":[{numeroNossoNumero, tipoLiquidacao, valorPagoTotalCobranca, dataNotificacao, …}]} (no notification-type field)' }) },
      responses: {
        200: { description: 'Signalled to the boleto’s workflow (an empty `boletos` list: received 0)', schema: Received },
        400: { description: 'Not an Itaú notification: the field named is missing or wrong (e.g. body.boletos, body.boletos[0].numeroNossoNumero)' },
        401: { description: 'Missing or invalid Bearer token (get one from .../oauth/token)' },
        404: { description: 'Unknown account or boleto' },
      },
      handler: async ({ params, req, res, log }) => {
        const account = await itauAccount(params.accountId);
        if (!account) return sendProblem(res, { type: 'not-found', title: 'Unknown account', status: 404 });
        const token = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1]?.trim();
        if (!token || !verifyItauWebhookToken(token, account.accountId, account.webhookClient.clientSecret)) {
          res.setHeader('WWW-Authenticate', 'Bearer');
          return sendProblem(res, { type: 'unauthenticated', title: 'Missing or invalid Bearer token', status: 401 });
        }
        const receivedAt = new Date().toISOString();
        let events: BankEvent[];
        try {
          events = translateItauWebhook({ headers: {}, body: req.body, receivedAt });
        } catch (e) {
          if (!(e instanceof BankError)) throw e;
          log.warn({ bank: 'ITAU', accountId: account.accountId, reason: e.message }, 'webhook refused');
          return sendProblem(res, { type: 'validation', title: e.message, status: 400, errors: (e.details.fields ?? []).map((f) => ({ field: `body.${f.field}`, reason: f.message })) });
        }
        if (events.length === 0) return void res.json({ received: 0 });
        let signalled = 0;
        // One delivery may carry several boletos: each goes to its own workflow. Each item is a trigger, not a fact
        // to apply (`verified: false`): Itaú's body says neither which subscription fired nor, in a documented code,
        // what happened (`tipoLiquidacao` is [U]), so the workflow re-queries the consulta, which decides PAID vs
        // SETTLED; a duplicate re-query changes nothing (src/banks/itau/webhook.ts).
        const byBoleto = new Map<string, BankEvent[]>();
        for (const e of events) byBoleto.set(e.nossoNumero ?? '', [...(byBoleto.get(e.nossoNumero ?? '') ?? []), e]);
        for (const group of byBoleto.values()) {
          const boletoId = await findBoleto(deps.client, account.accountId, group);
          if (!boletoId) {
            log.warn({ bank: 'ITAU', nossoNumero: group[0]!.nossoNumero }, 'webhook for an unknown boleto');
            continue;
          }
          try {
            await deps.client.workflow.getHandle(boletoId).signal(bankEventSignal, { events: group, verified: false, receivedAt });
            signalled += group.length;
            deps.metrics.observeWebhookLag('ITAU', group, Date.parse(receivedAt));
          } catch (e) {
            if (!(e instanceof WorkflowNotFoundError)) throw e;
          }
        }
        if (signalled === 0 && events.length > 0) return sendProblem(res, { type: 'not-found', title: 'Unknown boleto', status: 404 });
        res.json({ received: signalled });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/webhooks/itau/:accountId/pix',
      operationId: 'receiveItauPixWebhook',
      summary:
        'Itaú Pix webhook (BCB Pix API callback: Itaú POSTs to the registered webhookUrl + /pix): each Pix of a bolecode makes its workflow re-read the bank (consulta and Pix charge)',
      description:
        'Register `<this API>/webhooks/itau/<account>` as webhookUrl with `PUT /webhook/{chave}` at Itaú’s Pix API: the Pix standard appends `/pix`. Itaú authenticates it with mutual TLS, which this API does not terminate, so every item is an unauthenticated hint: rate-limited per source address, merged per boleto, and answered alike whether the txid is known or not. A Pix without a txid, or whose txid is not a bolecode of this account, is ignored (counted).',
      tags: ['webhooks'],
      access: 'public',
      foreignBody: true,
      request: {
        params: AccountParams,
        body: z.object({}).catchall(z.unknown()).meta({ description: 'BCB Pix webhook: {"pix":[{endToEndId, txid, valor, horario, infoPagador?, devolucoes?}]}' }),
      },
      responses: {
        200: { description: 'Received (the same answer, without boletoId, whether the txid is known or not); repeated hints for one boleto are merged', schema: Received },
        400: { description: 'Not a Pix webhook: the field named is missing or wrong (e.g. body.pix, body.pix[0].endToEndId)' },
        404: { description: 'Unknown account' },
        429: { description: 'Too many from this source address; see Retry-After' },
      },
      handler: async ({ params, req, res, log }) => {
        const account = await deps.directory.resolve(params.accountId);
        if (!account || account.bank !== 'ITAU') return sendProblem(res, { type: 'not-found', title: 'Unknown account', status: 404 });
        const retryAfter = perSource.take(req.socket.remoteAddress ?? 'unknown');
        if (retryAfter !== undefined) {
          res.setHeader('Retry-After', String(retryAfter));
          return sendProblem(res, { type: 'rate-limited', title: 'Too many requests', status: 429, detail: 'Too many unauthenticated webhooks from this address.' });
        }
        const receivedAt = new Date().toISOString();
        let notices: ItauPixNotice[];
        try {
          notices = translateItauPixWebhook({ headers: {}, body: req.body, receivedAt });
        } catch (e) {
          if (!(e instanceof BankError)) throw e;
          log.warn({ bank: 'ITAU', accountId: account.accountId, reason: e.message }, 'Pix webhook refused');
          return sendProblem(res, { type: 'validation', title: e.message, status: 400, errors: (e.details.fields ?? []).map((f) => ({ field: `body.${f.field}`, reason: f.message })) });
        }
        // One look-up per bolecode, at most PIX_LOOKUPS_PER_DELIVERY of them: anyone can post this body.
        const byNossoNumero = new Map<string, BankEvent[]>();
        let ignored = 0;
        for (const n of notices) {
          if (!n.event || !n.nossoNumero || (!byNossoNumero.has(n.nossoNumero) && byNossoNumero.size >= PIX_LOOKUPS_PER_DELIVERY)) ignored++;
          else byNossoNumero.set(n.nossoNumero, [...(byNossoNumero.get(n.nossoNumero) ?? []), n.event]);
        }
        for (const group of byNossoNumero.values()) {
          const boletoId = await findBoleto(deps.client, account.accountId, group);
          if (!boletoId) {
            ignored += group.length;
            continue;
          }
          // A hint: the workflow re-reads the consulta and the Pix charge; several for one boleto within the window cost one.
          const signal = () => deps.client.workflow.getHandle(boletoId).signal(bankEventSignal, { events: group, verified: false, receivedAt });
          try {
            const sent = await perBoleto.offer(boletoId, signal);
            deps.metrics.countWebhookHints('ITAU_PIX', sent === 'sent' ? 'signalled' : 'merged', group.length);
            deps.metrics.observeWebhookLag('ITAU', group, Date.parse(receivedAt));
          } catch (e) {
            if (!(e instanceof WorkflowNotFoundError)) throw e;
            ignored += group.length;
          }
        }
        if (ignored) {
          deps.metrics.countWebhookHints('ITAU_PIX', 'ignored', ignored);
          log.info({ bank: 'ITAU', accountId: account.accountId, ignored, txids: notices.filter((n) => !n.event).map((n) => n.txid ?? null).slice(0, 5) }, 'Pix webhook items for no known bolecode ignored');
        }
        res.json({ received: notices.length });
      },
    }),
  ];
}

/** The workflow of a boleto known to the bank by its nosso número (indexed once registered). */
async function findBoleto(client: Client, accountId: string, events: BankEvent[]): Promise<string | undefined> {
  const nn = events[0]?.nossoNumero;
  if (!nn || !/^\d{1,20}$/.test(nn)) return undefined;
  return boundedList(client, API_BOUNDS, async () => {
    for await (const w of client.workflow.list({ query: `WorkflowType = 'boletoLifecycle' AND AccountId = '${accountId}' AND NossoNumero = '${nn}'`, pageSize: 1 })) return w.workflowId;
    return undefined;
  });
}
