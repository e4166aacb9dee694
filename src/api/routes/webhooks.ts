/**
 * Inbound bank webhooks: verify → translate (the bank's adapter) → signal the boleto's workflow. A webhook for a
 * known boleto gets a 2xx once safely signalled (the signal is durable in Temporal); an unknown boleto or an
 * unverifiable call gets a 4xx and a log line; nothing here can crash the API.
 * BS2 does not sign webhooks: with an agreed Authorization value configured they are trusted, otherwise the
 * workflow treats them as a hint and asks the bank (src/workflows/boleto-lifecycle.ts).
 */
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import { BankError } from '../../banks/errors';
import type { BankEvent } from '../../banks/model';
import { translateBs2Webhook } from '../../banks/bs2/webhook';
import type { AccountDirectory, AccountInfo } from '../../boletos/directory';
import { boletoIdFor } from '../../boletos/ids';
import { bankEventSignal } from '../../workflows/boleto-messages';
import type { ApiMetrics } from '../metrics';
import { sendProblem } from '../problem';
import { type ApiRoute, defineRoute } from '../route';

export interface WebhookDeps {
  client: Client;
  directory: AccountDirectory;
  metrics: ApiMetrics;
}

const Received = z.object({ received: z.number().int(), boletoId: z.string().optional() }).meta({ id: 'WebhookReceived' });

export function webhookRoutes(deps: WebhookDeps): ApiRoute[] {
  /** The boleto a BS2 notification is about: by our seuNumero (the workflow id embeds it), else by search. */
  async function boletoIdOf(account: AccountInfo | undefined, events: BankEvent[]): Promise<string | undefined> {
    const e = events[0]!;
    if (account && e.seuNumero && /^[A-Z2-7]{10}$/.test(e.seuNumero)) return boletoIdFor(account.accountId, e.seuNumero);
    const by = e.seuNumero && /^[A-Za-z0-9]{1,20}$/.test(e.seuNumero) ? `SeuNumero = '${e.seuNumero}'` : e.nossoNumero && /^\d{1,20}$/.test(e.nossoNumero) ? `NossoNumero = '${e.nossoNumero}'` : undefined;
    if (!by) return undefined;
    const scope = account ? ` AND AccountId = '${account.accountId}'` : '';
    for await (const w of deps.client.workflow.list({ query: `WorkflowType = 'boletoLifecycle' AND Bank = '${e.bank}' AND ${by}${scope}`, pageSize: 2 })) return w.workflowId;
    return undefined;
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
        200: { description: 'Signalled to the boleto’s workflow', schema: Received },
        401: { description: 'Authorization header missing or wrong' },
        404: { description: 'Unknown account or boleto' },
      },
      handler: async ({ params, req, res, log }) => {
        const account = deps.directory.get(params.accountId);
        if (!account || account.bank !== 'BS2') return sendProblem(res, { type: 'not-found', title: 'Unknown account', status: 404 });
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
        const boletoId = await boletoIdOf(account, events);
        if (!boletoId) {
          log.warn({ bank: 'BS2', nossoNumero: events[0]!.nossoNumero }, 'webhook for an unknown boleto');
          return sendProblem(res, { type: 'not-found', title: 'Unknown boleto', status: 404 });
        }
        try {
          await deps.client.workflow.getHandle(boletoId).signal(bankEventSignal, { events, verified: account.webhookAuthorization !== undefined, receivedAt });
        } catch (e) {
          if (!(e instanceof WorkflowNotFoundError)) throw e;
          log.warn({ bank: 'BS2', boletoId }, 'webhook for an unknown or finished boleto');
          return sendProblem(res, { type: 'not-found', title: 'Unknown boleto', status: 404 });
        }
        deps.metrics.observeWebhookLag('BS2', events, Date.parse(receivedAt));
        res.json({ received: events.length, boletoId });
      },
    }),
  ];
}
