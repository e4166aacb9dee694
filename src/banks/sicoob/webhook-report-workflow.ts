/**
 * sicoobWebhookReport: one read of an account's Sicoob webhooks and a day's delivery log for the operators' route
 * (src/banks/sicoob/api.ts). A workflow because the worker, not the API, holds the account's certificate and talks
 * to the bank; a local activity, a few quick attempts, nothing kept.
 */
import { proxyLocalActivities } from '@temporalio/workflow';
import { Failure } from '../../contracts/failures';
import type { createSicoobReportActivities, SicoobWebhookReport, SicoobWebhookReportInput } from './webhook-report';

const { sicoobWebhookReport: report } = proxyLocalActivities<ReturnType<typeof createSicoobReportActivities>>({
  startToCloseTimeout: '30s',
  retry: {
    maximumAttempts: 2,
    nonRetryableErrorTypes: [
      Failure.BankValidationError,
      Failure.BankAuthError,
      Failure.BankNotFound,
      Failure.BankConflict,
    ],
  },
});

export async function sicoobWebhookReport(input: SicoobWebhookReportInput): Promise<SicoobWebhookReport> {
  return report(input);
}
