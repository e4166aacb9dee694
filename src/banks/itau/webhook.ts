/**
 * Itaú boleto notifications (Boletos v3 subscriptions: BAIXA_OPERACIONAL = payment registered, BAIXA_EFETIVA =
 * settled) → our BankEvents. The payload schema is not in Itaú's OpenAPI [U]: parse defensively (camelCase as one
 * integration reports it, snake_case, with or without `data`, one boleto or a list) and treat each event as a
 * trigger: the lifecycle re-queries the consulta. eventId = `${nosso número}:${type}`, so a re-delivery dedupes.
 * Authentication is the receiver's job: Itaú first obtains a token from our OAuth URL and sends it as Bearer.
 */
import type { InboundWebhook } from '../bank-adapter';
import { BankError } from '../errors';
import type { BankEvent, BankEventKind } from '../model';
import { bankTime } from '../time';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);
const s = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined);

const pick = (o: Obj | undefined, keys: string[]): unknown => {
  if (!o) return undefined;
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) return o[k];
  return undefined;
};

const NN_KEYS = ['numeroNossoNumero', 'numero_nosso_numero', 'nossoNumero', 'nosso_numero'];
const TYPE_KEYS = ['tipoNotificacao', 'tipo_notificacao', 'tipoBaixa', 'tipo_baixa', 'tipo'];
const PAID_KEYS = ['valorPagoTotalCobranca', 'valor_pago_total_cobranca', 'valorPago', 'valor_pago'];
const AT_KEYS = ['dataNotificacao', 'data_notificacao', 'dataHoraNotificacao', 'data_hora_notificacao', 'dataPagamento', 'data_pagamento'];

const KIND: Record<string, BankEventKind> = { BAIXA_OPERACIONAL: 'PAID', BAIXA_EFETIVA: 'SETTLED' };

function kindOf(v: unknown): { type: string; kind: BankEventKind } | undefined {
  const t = s(v)?.toUpperCase().replace(/[\s-]+/g, '_');
  if (!t) return undefined;
  const kind = KIND[t];
  return kind ? { type: t, kind } : undefined;
}

function paidCents(v: unknown): number | undefined {
  const t = s(v);
  if (!t) return undefined;
  if (/^\d{17}$/.test(t)) return Number(t);
  const n = Number(t.replace(',', '.'));
  return Number.isFinite(n) && n > 0 ? Math.round(n * 100) : undefined;
}

export function translateItauWebhook(webhook: InboundWebhook): BankEvent[] {
  const root = obj(webhook.body);
  const top = obj(root?.data) ?? root;
  const list = pick(top, ['boletos', 'titulos', 'items']) ?? (Array.isArray(root?.data) ? root?.data : undefined) ?? (Array.isArray(webhook.body) ? webhook.body : undefined);
  const items = (Array.isArray(list) ? (list as unknown[]) : top && pick(top, NN_KEYS) !== undefined ? [top] : []).map(obj).filter((x): x is Obj => !!x);
  const topType = kindOf(pick(top, TYPE_KEYS));
  const events: BankEvent[] = [];
  for (const it of items) {
    const nn = s(pick(it, NN_KEYS));
    const k = kindOf(pick(it, TYPE_KEYS)) ?? topType;
    if (!nn || !k) continue;
    const cents = paidCents(pick(it, PAID_KEYS));
    const t = bankTime(s(pick(it, AT_KEYS)) ?? s(pick(top, AT_KEYS)), webhook.receivedAt);
    events.push({
      bank: 'ITAU',
      eventId: `${nn}:${k.type}`,
      kind: k.kind,
      occurredAt: t.at,
      ...(t.bankTime ? { bankTime: t.bankTime } : {}),
      nossoNumero: nn,
      ...(cents !== undefined ? (k.kind === 'PAID' ? { paidCents: cents } : { settledCents: cents }) : {}),
      source: 'webhook',
    });
  }
  if (events.length === 0) {
    throw new BankError('VALIDATION', 'not an Itaú boleto notification (no nosso número with BAIXA_OPERACIONAL / BAIXA_EFETIVA)', {
      operation: 'webhook',
      fields: [{ field: 'body', message: 'expected boletos[] with a nosso número and a notification type' }],
    });
  }
  return events;
}
