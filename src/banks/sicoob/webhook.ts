/**
 * Sicoob payment notifications (webhooks of movement type 7, "Pagamento (Baixa operacional)") → our BankEvents.
 *
 * Sicoob's OpenAPI documents the registrations and the delivery log, not the body it POSTs (docs/banks/sicoob.md
 * "The notification itself" [U]); the log says it carries the boleto's `nossoNumero` and `codigoBarras`. So each
 * notification is only a trigger: it names the boleto (by `nossoNumero`), the workflow re-queries the consulta. The
 * kind is PAID (type 7 is the baixa operacional), amount and time read when present in the simulator's vocabulary
 * (`valorPagamento`, `dataHoraPagamento`). A URL-validation request (`validacaoWebhook` true) carries no event.
 * eventId = `${nossoNumero}:${codigoTipoMovimento}`, so a re-delivery dedupes.
 */
import type { BankEvent } from '../../contracts/bank';
import { reaisNumberToCents } from '../../domain';
import type { InboundWebhook } from '../bank-adapter';
import { BankError } from '../errors';
import { bankTime } from '../time';

type Obj = Record<string, unknown>;

function notValid(field: string, message: string): BankError {
  return new BankError('VALIDATION', `not a Sicoob boleto notification (${field})`, {
    operation: 'webhook',
    fields: [{ field, message }],
  });
}

function one(item: unknown, path: string, receivedAt: string): BankEvent | undefined {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) throw notValid(path, 'expected an object');
  const o = item as Obj;
  if (o.validacaoWebhook === true) return undefined;
  const raw = o.nossoNumero;
  const nn = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
  if (!/^\d{1,20}$/.test(nn))
    throw notValid(`${path ? `${path}.` : ''}nossoNumero`, 'expected the boleto’s nosso número (digits)');
  const tipo = typeof o.codigoTipoMovimento === 'number' ? o.codigoTipoMovimento : 7;
  let paidCents: number | undefined;
  try {
    paidCents = typeof o.valorPagamento === 'number' ? reaisNumberToCents(o.valorPagamento) : undefined;
  } catch {
    paidCents = undefined;
  }
  const t = bankTime(o.dataHoraPagamento, receivedAt);
  return {
    bank: 'SICOOB',
    eventId: `${nn}:${tipo}`,
    kind: 'PAID',
    occurredAt: t.at,
    ...(t.bankTime ? { bankTime: t.bankTime } : {}),
    nossoNumero: nn,
    ...(typeof o.seuNumero === 'string' && o.seuNumero ? { seuNumero: o.seuNumero } : {}),
    ...(paidCents !== undefined && paidCents > 0 ? { paidCents } : {}),
    source: 'webhook',
  };
}

/** One notification object, or a list of them [U: either shape is read]. */
export function translateSicoobWebhook(webhook: InboundWebhook): BankEvent[] {
  const body = webhook.body;
  const items = Array.isArray(body) ? body : [body];
  return items
    .map((item, i) => one(item, Array.isArray(body) ? `[${i}]` : '', webhook.receivedAt))
    .filter((e): e is BankEvent => e !== undefined);
}
