/**
 * BS2 boleto notifications (PascalCase contract [C S8]) → our BankEvents. One notification carries the boleto's
 * whole status history, so every StatusBoleto entry becomes one event with eventId `${Id}:${Status}`: a
 * re-delivered notification yields the same ids (deduped downstream), and the lifecycle is idempotent per kind.
 * BS2 does not sign notifications; when an Authorization value was agreed with BS2 it is checked here.
 */
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { reaisNumberToCents } from '../../domain';
import type { InboundWebhook } from '../bank-adapter';
import { BankError } from '../errors';
import type { BankEvent, BankEventKind } from '../../contracts/bank';
import { bankTime } from '../time';

const notification = z.object({
  Id: z.string().min(1),
  NossoNumeroBoleto: z.union([z.number(), z.string().regex(/^\d+$/)]),
  SeuNumeroBoleto: z.string().nullish(),
  Valor: z.number().nullish(),
  ValorLiquidado: z.number().nullish(),
  Situacao: z.number().nullish(),
  StatusBoleto: z.array(
    z.object({ Status: z.number(), Descricao: z.string().nullish(), DataStatus: z.string().min(1) }),
  ),
});

const KIND: Record<number, BankEventKind> = { 1: 'REGISTERED', 2: 'PAID', 3: 'SETTLED', 4: 'CANCELLED' };

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function translateBs2Webhook(webhook: InboundWebhook, expectedAuthorization?: string): BankEvent[] {
  if (expectedAuthorization !== undefined && !sameSecret(webhook.headers.authorization ?? '', expectedAuthorization)) {
    throw new BankError('AUTH', 'BS2 webhook: missing or wrong Authorization header', { operation: 'webhook' });
  }
  const parsed = notification.safeParse(webhook.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BankError('VALIDATION', 'not a BS2 boleto notification', {
      operation: 'webhook',
      fields: [{ field: issue?.path.join('.') || 'body', message: issue?.message ?? 'invalid' }],
    });
  }
  const n = parsed.data;
  const amount =
    typeof n.ValorLiquidado === 'number' && n.ValorLiquidado > 0 ? reaisNumberToCents(n.ValorLiquidado) : undefined;
  const events: BankEvent[] = [];
  for (const s of n.StatusBoleto) {
    const kind = KIND[s.Status];
    if (!kind) continue; // a status code we do not know yet: the poll will tell
    // São Paulo local time (BS2 may send no offset) → UTC; the bank's text is kept for the event details.
    const t = bankTime(s.DataStatus, webhook.receivedAt);
    events.push({
      bank: 'BS2',
      eventId: `${n.Id}:${s.Status}`,
      kind,
      occurredAt: t.at,
      ...(t.bankTime ? { bankTime: t.bankTime } : {}),
      nossoNumero: String(n.NossoNumeroBoleto),
      ...(n.SeuNumeroBoleto ? { seuNumero: n.SeuNumeroBoleto } : {}),
      ...(kind === 'PAID' && amount !== undefined ? { paidCents: amount } : {}),
      ...(kind === 'SETTLED' && amount !== undefined ? { settledCents: amount } : {}),
      source: 'webhook',
    });
  }
  return events;
}
