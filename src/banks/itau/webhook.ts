/**
 * Itaú boleto notifications (Boletos v3 `notificacoes_boletos` subscriptions) → our BankEvents.
 *
 * The body is not in Itaú's OpenAPI; what real receivers parse, and Itaú's own example as they reproduce it
 * (golden fixtures: test/fixtures/itau/, sources in its SOURCES.md), is camelCase
 * `{"boletos":[{dataNotificacao, tipoLiquidacao, idBoleto, numeroNossoNumero, valorTitulo, valorPagoTotalCobranca,
 * valorCreditado, dataCredito, …}]}` with **no notification-type field** (which subscription, BAIXA_OPERACIONAL or
 * BAIXA_EFETIVA, fired is not in the body). snake_case, a `data` envelope and `tipoNotificacao` had no evidence and
 * are not read any more.
 *
 * Each item is a **trigger**: the API signals the boleto's workflow to re-query the consulta, which decides PAID vs
 * SETTLED (src/api/routes/webhooks.ts). The kind on the event is only our reading of `tipoLiquidacao` through a
 * code table that no Itaú document confirms [U] (`ItauAdapterConfig.liquidacaoCodes`); an unknown or missing code
 * is still a notification (kind PAID, or SETTLED when an amount was credited). eventId =
 * `${nosso número}:${tipoLiquidacao}`, so a re-delivery dedupes.
 * Authentication is the receiver's job: Itaú first obtains a token from our OAuth URL and sends it as Bearer.
 */
import type { InboundWebhook } from '../bank-adapter';
import { BankError } from '../errors';
import type { BankEvent, BankEventKind } from '../../contracts/bank';
import { bankTime } from '../time';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
const s = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined;

/**
 * `tipoLiquidacao` → what it most likely reports [U]. Evidence (docs/banks/itau.md): `"95"` in Itaú's example with
 * `valorCreditado: null` (baixa operacional: payment identified, not credited), `"06"`/`"17"` liquidação codes and
 * the words `LIQUIDADO`/`PIX` in public receivers. Keys are upper case, without accents or spaces.
 */
export const DEFAULT_LIQUIDACAO_CODES: Readonly<Record<string, BankEventKind>> = {
  '95': 'PAID',
  PIX: 'PAID',
  BAIXA_OPERACIONAL: 'PAID',
  '06': 'SETTLED',
  '17': 'SETTLED',
  LIQUIDADO: 'SETTLED',
  LIQUIDACAO: 'SETTLED',
  BAIXA_EFETIVA: 'SETTLED',
};

const codeKey = (v: string) =>
  v
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[\s-]+/g, '_');

/** Amounts: `"300.00"` in Itaú's example; digits only (15–17, implied cents) as one receiver reports. */
function cents(v: unknown): number | undefined {
  const t = s(v);
  if (!t) return undefined;
  if (/^\d{15,17}$/.test(t)) return Number(t);
  if (!/^\d+([.,]\d{1,2})?$/.test(t)) return undefined;
  const n = Number(t.replace(',', '.'));
  return Number.isFinite(n) && n > 0 ? Math.round(n * 100) : undefined;
}

export interface ItauNotificationOptions {
  /** `tipoLiquidacao` code table (merged over the defaults) [U]. */
  liquidacaoCodes?: Record<string, BankEventKind>;
}

export function translateItauWebhook(webhook: InboundWebhook, opts: ItauNotificationOptions = {}): BankEvent[] {
  const root = obj(webhook.body);
  const list = root?.boletos;
  if (!Array.isArray(list)) {
    throw new BankError('VALIDATION', 'not an Itaú boleto notification (no boletos list)', {
      operation: 'webhook',
      fields: [{ field: 'boletos', message: 'expected a list of notified boletos' }],
    });
  }
  const table: Record<string, BankEventKind> = { ...DEFAULT_LIQUIDACAO_CODES };
  for (const [k, v] of Object.entries(opts.liquidacaoCodes ?? {})) table[codeKey(k)] = v;
  const events: BankEvent[] = [];
  const bad: { field: string; message: string }[] = [];
  list.forEach((raw, i) => {
    const it = obj(raw);
    const nn = s(it?.numeroNossoNumero);
    if (!it || !nn || !/^\d{1,20}$/.test(nn)) {
      bad.push({ field: `boletos[${i}].numeroNossoNumero`, message: 'expected the nosso número (digits)' });
      return;
    }
    const code = s(it.tipoLiquidacao);
    const paid = cents(it.valorPagoTotalCobranca);
    const credited = cents(it.valorCreditado);
    const kind: BankEventKind =
      (code ? table[codeKey(code)] : undefined) ?? (credited !== undefined ? 'SETTLED' : 'PAID');
    // Itaú's example has a date only ("2022-07-27"): no instant in it, so the time we received it (the date kept as
    // bankTime); a local or offset date-time is read as such.
    const day = s(it.dataNotificacao);
    const t =
      day && /^\d{4}-\d{2}-\d{2}$/.test(day)
        ? { at: webhook.receivedAt, bankTime: day }
        : bankTime(day, webhook.receivedAt);
    events.push({
      bank: 'ITAU',
      eventId: `${nn}:${code ? codeKey(code) : 'NOTIFICACAO'}`,
      kind,
      occurredAt: t.at,
      ...(t.bankTime ? { bankTime: t.bankTime } : {}),
      nossoNumero: nn,
      ...(paid !== undefined ? { paidCents: paid } : {}),
      ...(kind === 'SETTLED' && (credited ?? paid) !== undefined ? { settledCents: (credited ?? paid)! } : {}),
      source: 'webhook',
    });
  });
  if (bad.length && events.length === 0) {
    throw new BankError('VALIDATION', 'not an Itaú boleto notification (no boleto with a nosso número)', {
      operation: 'webhook',
      fields: bad,
    });
  }
  return events;
}

// ---------------------------------------------------------------------------------------------------------
// The Pix side: the BCB Pix API webhook (`PUT /webhook/{chave}` registers `webhookUrl`; the PSP POSTs
// `{"pix":[{endToEndId, txid, valor, horario, infoPagador?, devolucoes?}]}` to `{webhookUrl}/pix`, the callback
// `listaPix` of bacen/pix-api openapi.yaml). Only Pix with a txid are notified; a bolecode's txid is
// "BL" + agência(4) + conta(7) + carteira(3) + nosso número zero-padded (src/domain/banks/itau.ts §2.5).

/** One Pix of a Pix webhook, as read: a hint about the bolecode with that txid (the workflow asks the bank). */
export interface ItauPixNotice {
  endToEndId: string;
  /** Absent: a Pix without txid (not a bolecode's). */
  txid?: string;
  /** The bolecode's carteira and nosso número (8 digits) read from the txid, when it is a bolecode txid. */
  carteira?: string;
  nossoNumero?: string;
  event?: BankEvent;
}

/**
 * The nosso número inside a bolecode txid, whatever the [U] width of its nosso-número part (15 or 17): the last
 * digits after the 16-character prefix, which must fit Itaú's 8-digit nosso número.
 */
export function itauNossoNumeroOfTxid(txid: string): { carteira: string; nossoNumero: string } | undefined {
  const m = /^BL\d{4}\d{7}(\d{3})(\d{8,20})$/.exec(txid);
  if (!m) return undefined;
  const digits = m[2]!;
  if (!/^0*$/.test(digits.slice(0, -8))) return undefined;
  return { carteira: m[1]!, nossoNumero: digits.slice(-8) };
}

export function translateItauPixWebhook(webhook: InboundWebhook): ItauPixNotice[] {
  const list = obj(webhook.body)?.pix;
  if (!Array.isArray(list)) {
    throw new BankError('VALIDATION', 'not a Pix webhook (no pix list)', {
      operation: 'webhook',
      fields: [
        { field: 'pix', message: 'expected the list of Pix received ({"pix":[{endToEndId, txid, valor, horario}]})' },
      ],
    });
  }
  const out: ItauPixNotice[] = [];
  const bad: { field: string; message: string }[] = [];
  list.forEach((raw, i) => {
    const it = obj(raw);
    const e2e = typeof it?.endToEndId === 'string' ? it.endToEndId.trim() : undefined;
    if (!it || !e2e || !/^[A-Za-z0-9]{1,35}$/.test(e2e))
      return void bad.push({
        field: `pix[${i}].endToEndId`,
        message: 'expected the Pix endToEndId (letters and digits)',
      });
    if (
      it.txid !== undefined &&
      it.txid !== null &&
      (typeof it.txid !== 'string' || !/^[A-Za-z0-9]{1,35}$/.test(it.txid.trim()))
    )
      return void bad.push({ field: `pix[${i}].txid`, message: 'expected the txid (1–35 letters and digits)' });
    if (it.valor !== undefined && !(typeof it.valor === 'string' && /^\d{1,10}\.\d{2}$/.test(it.valor.trim())))
      return void bad.push({ field: `pix[${i}].valor`, message: 'expected an amount such as "123.45"' });
    const at = it.horario === undefined ? undefined : bankTime(it.horario, '');
    if (at && !at.at) return void bad.push({ field: `pix[${i}].horario`, message: 'expected a date-time (RFC 3339)' });
    const txid = typeof it.txid === 'string' ? it.txid.trim() : undefined;
    const ref = txid ? itauNossoNumeroOfTxid(txid) : undefined;
    const paid = cents(it.valor);
    const t = at?.at ? at : { at: webhook.receivedAt };
    out.push({
      endToEndId: e2e,
      ...(txid ? { txid } : {}),
      ...(ref ?? {}),
      ...(ref
        ? {
            event: {
              bank: 'ITAU',
              // Pix rules: the endToEndId identifies the payment, so a re-delivery dedupes.
              eventId: `pix:${e2e}`,
              kind: 'PAID',
              occurredAt: t.at,
              ...(t.bankTime ? { bankTime: t.bankTime } : {}),
              nossoNumero: ref.nossoNumero,
              ...(paid !== undefined ? { paidCents: paid } : {}),
              source: 'webhook',
            } satisfies BankEvent,
          }
        : {}),
    });
  });
  if (bad.length && out.length === 0)
    throw new BankError('VALIDATION', 'not a Pix webhook (no Pix with an endToEndId)', {
      operation: 'webhook',
      fields: bad,
    });
  return out;
}
