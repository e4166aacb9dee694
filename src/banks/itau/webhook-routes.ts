/**
 * Itaú's inbound side in the API (src/banks/module.ts BankWebhooks). Boleto notifications: Itaú first POSTs
 * `.../oauth/token` (client_credentials, Basic auth with the pair we registered), then the notification with that
 * Bearer token. Tokens are stateless (HMAC over account + expiry with the client secret), so any API process verifies
 * a token another one issued. Each boleto listed is a trigger: the body says neither which subscription fired nor, in
 * a documented code, what happened, so the workflow re-queries the consulta. The Pix webhook (`.../pix`, mTLS at a
 * layer this API does not see) is an unauthenticated hint (docs/banks/itau.md).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Response } from 'express';
import { z } from 'zod';
import { sendProblem } from '../../api/problem';
import { type ApiRoute, defineRoute } from '../../api/route';
import type { BankEvent } from '../../contracts/bank';
import { BankError } from '../errors';
import type { BankWebhooks, WebhookAccount, WebhookRouteDeps } from '../module';
import { type ItauPixNotice, translateItauPixWebhook, translateItauWebhook } from './webhook';

const ITAU_TOKEN_TTL_S = 300;

export function issueItauWebhookToken(accountId: string, secret: string, nowMs = Date.now()): string {
  const payload = Buffer.from(
    JSON.stringify({ a: accountId, e: Math.floor(nowMs / 1000) + ITAU_TOKEN_TTL_S }),
  ).toString('base64url');
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

const withClient = (a: WebhookAccount | undefined) =>
  a && a.bank === 'ITAU' && a.webhookClient ? { ...a, webhookClient: a.webhookClient } : undefined;

function itauExtraRoutes(deps: WebhookRouteDeps): ApiRoute[] {
  const oauthError = (res: Response, status: number, error: string, description: string) =>
    sendProblem(res, {
      type: status === 401 ? 'unauthenticated' : 'bad-request',
      title: description,
      status,
      error,
      error_description: description,
    });

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
        200: {
          description: 'Token',
          schema: z.object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number().int() }),
        },
        400: { description: 'unsupported_grant_type (RFC 6749 error members included)' },
        401: { description: 'invalid_client' },
        404: { description: 'Unknown account' },
      },
      handler: async ({ params, req, res }) => {
        const account = withClient(await deps.resolve(params.accountId));
        if (!account) return sendProblem(res, { type: 'not-found', title: 'Unknown account', status: 404 });
        const form = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
        const creds =
          basicCredentials(req.get('authorization')) ??
          (typeof form.client_id === 'string' && typeof form.client_secret === 'string'
            ? { id: form.client_id, secret: form.client_secret }
            : undefined);
        if (
          !creds ||
          !same(creds.id, account.webhookClient.clientId) ||
          !same(creds.secret, account.webhookClient.clientSecret)
        ) {
          res.setHeader('WWW-Authenticate', 'Basic');
          return oauthError(res, 401, 'invalid_client', 'Client authentication failed.');
        }
        if (form.grant_type !== 'client_credentials')
          return oauthError(res, 400, 'unsupported_grant_type', 'Only grant_type=client_credentials is supported.');
        res.setHeader('Cache-Control', 'no-store');
        res.json({
          access_token: issueItauWebhookToken(account.accountId, account.webhookClient.clientSecret),
          token_type: 'Bearer',
          expires_in: ITAU_TOKEN_TTL_S,
        });
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
        body: z.object({}).catchall(z.unknown()).meta({
          description: 'BCB Pix webhook: {"pix":[{endToEndId, txid, valor, horario, infoPagador?, devolucoes?}]}',
        }),
      },
      responses: {
        200: {
          description:
            'Received (the same answer, without boletoId, whether the txid is known or not); repeated hints for one boleto are merged',
          schema: z.object({ received: z.number().int() }),
        },
        400: {
          description: 'Not a Pix webhook: the field named is missing or wrong (e.g. body.pix, body.pix[0].endToEndId)',
        },
        404: { description: 'Unknown account' },
        429: { description: 'Too many from this source address; see Retry-After' },
      },
      handler: async ({ params, req, res, log }) => {
        const account = await deps.resolve(params.accountId);
        if (!account || account.bank !== 'ITAU')
          return sendProblem(res, { type: 'not-found', title: 'Unknown account', status: 404 });
        if (!deps.admitHint(req, res)) return;
        const receivedAt = new Date().toISOString();
        let notices: ItauPixNotice[];
        try {
          notices = translateItauPixWebhook({ headers: {}, body: req.body, receivedAt });
        } catch (e) {
          return deps.refuse(res, log, account, e, 'Pix webhook refused');
        }
        // One look-up per bolecode, at most PIX_LOOKUPS_PER_DELIVERY of them: anyone can post this body.
        const byNossoNumero = new Map<string, BankEvent[]>();
        let ignored = 0;
        for (const n of notices) {
          if (
            !n.event ||
            !n.nossoNumero ||
            (!byNossoNumero.has(n.nossoNumero) && byNossoNumero.size >= PIX_LOOKUPS_PER_DELIVERY)
          )
            ignored++;
          else byNossoNumero.set(n.nossoNumero, [...(byNossoNumero.get(n.nossoNumero) ?? []), n.event]);
        }
        const groups = [...byNossoNumero.values()];
        const outcomes = await deps.deliver(account, groups, 'hint', receivedAt);
        groups.forEach((group, i) => {
          const outcome = outcomes[i]?.outcome ?? 'unknown';
          if (outcome === 'unknown') ignored += group.length;
          else deps.metrics.countWebhookHints('ITAU_PIX', outcome, group.length);
        });
        if (ignored) {
          deps.metrics.countWebhookHints('ITAU_PIX', 'ignored', ignored);
          log.info(
            {
              bank: 'ITAU',
              accountId: account.accountId,
              ignored,
              txids: notices
                .filter((n) => !n.event)
                .map((n) => n.txid ?? null)
                .slice(0, 5),
            },
            'Pix webhook items for no known bolecode ignored',
          );
        }
        res.json({ received: notices.length });
      },
    }),
  ];
}

export const ITAU_WEBHOOKS: BankWebhooks = {
  slug: 'itau',
  doc: {
    summary:
      'Itaú boleto notifications (Boletos v3 subscriptions): each boleto listed makes its workflow re-query the consulta; first a Bearer token from .../oauth/token',
    body: 'Itaú: {"boletos":[{numeroNossoNumero, tipoLiquidacao, valorPagoTotalCobranca, dataNotificacao, …}]} (no notification-type field)',
  },
  authenticate(account, headers) {
    const a = withClient(account);
    if (!a) return 'unknown';
    const token = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1]?.trim();
    if (!token || !verifyItauWebhookToken(token, a.accountId, a.webhookClient.clientSecret))
      throw new BankError('AUTH', 'Missing or invalid Bearer token', { operation: 'webhook' });
    return 'trigger';
  },
  challenge: 'Bearer',
  translate: (_account, webhook) => translateItauWebhook(webhook),
  extraRoutes: itauExtraRoutes,
};
