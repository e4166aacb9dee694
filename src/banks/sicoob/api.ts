/**
 * Operators' read of a Sicoob account's webhooks at the bank: the registrations (URL, situation, why inactivated)
 * and a page of one day's delivery log (each request, its attempts and our receiver's answers), as Sicoob keeps
 * them. The worker reads them (one `sicoobWebhookReport` workflow per call, ./webhook-report-workflow.ts): the API
 * never holds an account's certificate. Read-only; the onboarding registers and watches the webhook.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import type { Response } from 'express';
import { z } from 'zod';
import type { Principal } from '../../api/auth';
import { sendProblem } from '../../api/problem';
import { type ApiRoute, defineRoute } from '../../api/route';
import { isoDate } from '../../api/schemas/boleto';
import { saoPauloDate } from '../../domain';
import { ownBankAccount } from '../tenant-account';
import type { BankApiDeps } from '../module';
import { SicoobWebhookReportSchema } from './webhook-report';
import type { sicoobWebhookReport } from './webhook-report-workflow';

const Params = z.object({ accountId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be an account id') });
const Query = z.strictObject({
  date: isoDate.optional().meta({ description: 'the day of the delivery log (São Paulo); default: today' }),
  page: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be between 1 and 1000')
    .max(1000, 'must be between 1 and 1000')
    .default(1)
    .meta({ description: "the log's page (Sicoob pages it)" }),
});

/** How long the API waits for the worker's answer. */
const REPORT_WAIT_MS = 20_000;

export function sicoobWebhookRoutes(deps: BankApiDeps): ApiRoute[] {
  const own = (p: Principal, accountId: string, res: Response) =>
    ownBankAccount(deps, { code: 'SICOOB', name: 'Sicoob' }, p, accountId, res);

  return [
    defineRoute({
      method: 'get',
      path: '/v1/bank-webhooks/sicoob/:accountId',
      operationId: 'getSicoobWebhooks',
      summary: "A Sicoob account's webhooks at the bank and a day's delivery log (read at Sicoob)",
      description:
        'The webhooks Sicoob holds for the account (the onboarding registers one of type 7, "Pagamento (Baixa ' +
        'operacional)", pointing at this API, and reactivates it when Sicoob inactivates it) with their situation, and ' +
        'for each a page of the delivery log of `date`: every request Sicoob made, its attempts and our answers.',
      tags: ['bank webhooks'],
      access: ['operator'],
      request: { params: Params, query: Query },
      responses: {
        200: { description: 'As Sicoob answered', schema: SicoobWebhookReportSchema },
        404: { description: 'No Sicoob account with this id in your tenant' },
        502: { description: 'Sicoob refused or did not answer; the detail has its words' },
        503: { description: 'No worker answered (none running?)' },
      },
      handler: async ({ principal, params, query, res }) => {
        if (!(await own(principal, params.accountId, res))) return;
        const run = deps.client.workflow.execute<typeof sicoobWebhookReport>('sicoobWebhookReport', {
          taskQueue: deps.taskQueue,
          workflowId: `sicoob-webhook-report:${params.accountId}:${randomUUID()}`,
          workflowExecutionTimeout: '60s',
          args: [{ accountId: params.accountId, date: query.date ?? saoPauloDate(Date.now()), page: query.page }],
        });
        run.catch(() => undefined); // answered 503 meanwhile
        const late = new Promise<'late'>((r) => setTimeout(() => r('late'), REPORT_WAIT_MS).unref());
        try {
          const r = await Promise.race([run, late]);
          if (r === 'late') {
            res.setHeader('Retry-After', '10');
            return sendProblem(res, {
              type: 'temporarily-unavailable',
              title: 'No worker answered',
              status: 503,
              detail: `The read at Sicoob did not finish in ${REPORT_WAIT_MS / 1000} s; try again.`,
            });
          }
          res.json(r);
        } catch (e) {
          if (!(e instanceof WorkflowFailedError)) throw e;
          const cause = (e.cause as { cause?: { message?: string }; message?: string } | undefined) ?? {};
          sendProblem(res, {
            type: 'bank-unavailable',
            title: 'Sicoob did not answer the read',
            status: 502,
            detail: cause.cause?.message ?? cause.message ?? e.message,
          });
        }
      },
    }),
  ];
}
