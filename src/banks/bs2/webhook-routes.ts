/**
 * BS2's inbound notifications in the API (src/banks/module.ts BankWebhooks). BS2 does not sign webhooks: with an
 * agreed Authorization value configured they are trusted (a wrong or missing one: 401), otherwise each is a hint the
 * workflow checks with the bank (src/workflows/boleto-lifecycle.ts).
 */
import type { BankWebhooks } from '../module';
import { translateBs2Webhook } from './webhook';

export const BS2_WEBHOOKS: BankWebhooks = {
  slug: 'bs2',
  doc: {
    summary:
      'Banco BS2 boleto notifications (configure this URL with BS2 for the account); without an agreed Authorization they are unauthenticated hints',
    body: 'BS2: PascalCase notification (Id, NossoNumeroBoleto, SeuNumeroBoleto, StatusBoleto[] …)',
  },
  authenticate: (account) => (account.webhookAuthorization !== undefined ? 'verified' : 'hint'),
  // The adapter's rule (Bs2Adapter.translateWebhook), with the account's agreed Authorization.
  translate: (account, webhook) => translateBs2Webhook(webhook, account.webhookAuthorization),
};
