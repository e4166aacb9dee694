/**
 * Sicoob's inbound notifications in the API (src/banks/module.ts BankWebhooks). Sicoob documents no authentication
 * of its notifications [U]: with an agreed Authorization value configured (SICOOB_WEBHOOK_AUTHORIZATION) a
 * notification must carry it (else 401) and is a trigger; without one, each is an unauthenticated hint. Either way
 * the body is not trusted as a fact: the boleto's workflow re-queries the consulta.
 */
import { timingSafeEqual } from 'node:crypto';
import { BankError } from '../errors';
import type { BankWebhooks } from '../module';
import { translateSicoobWebhook } from './webhook';

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export const SICOOB_WEBHOOKS: BankWebhooks = {
  slug: 'sicoob',
  doc: {
    summary:
      'Sicoob payment notifications (webhook of movement type 7, registered at Sicoob for the account): each makes the boleto’s workflow re-query the consulta',
    body: 'Sicoob: undocumented body [U]; read: {nossoNumero, codigoTipoMovimento?, valorPagamento?, dataHoraPagamento?} (or a list of them); {validacaoWebhook: true} is answered without effect',
  },
  authenticate(account, headers) {
    if (account.webhookAuthorization === undefined) return 'hint';
    if (!same(headers.authorization ?? '', account.webhookAuthorization))
      throw new BankError('AUTH', 'Missing or wrong Authorization', { operation: 'webhook' });
    return 'trigger';
  },
  translate: (_account, webhook) => translateSicoobWebhook(webhook),
};
