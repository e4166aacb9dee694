/**
 * BS2 wire format ↔ the bank-neutral model, and BS2 responses → BankError (the one classification of BS2 errors).
 * Bodies are parsed defensively: BS2 has been seen returning its error array with HTTP 200 [3P].
 */
import { addDays, reaisNumberToCents, centsToReaisNumber } from '../../domain';
import { BankError, type BankFieldError, parseRetryAfter } from '../errors';
import type { BankBoleto, BankBoletoStatus, RegisterBoletoRequest, SearchBoletosFilter } from '../../contracts/bank';
import type { Bs2Response } from './client';
import { BS2_DEFAULT_FINAL_BENEFICIARY_KEYS, type Bs2AdapterConfig } from './config';
import { bankTime } from '../time';

export interface Bs2WireError {
  descricao?: string;
  tag?: string;
}

type Obj = Record<string, unknown>;
const s = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const obj = (v: unknown): Obj | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
const date = (v: unknown): string | undefined =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : undefined;
const cents = (v: unknown): number | undefined => (typeof v === 'number' && v > 0 ? reaisNumberToCents(v) : undefined);

export function parseJson(res: Bs2Response): unknown {
  if (res.body.length === 0) return undefined;
  try {
    return JSON.parse(res.body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function wireErrors(body: unknown): BankFieldError[] | undefined {
  if (!Array.isArray(body) || body.length === 0) return undefined;
  const items = body.map(obj);
  if (!items.every((i) => i && (typeof i.descricao === 'string' || typeof i.tag === 'string'))) return undefined;
  return items.map((i) => ({ field: s(i?.tag), message: s(i?.descricao) }));
}

/** Every non-success BS2 answer → BankError; returns the parsed body when the call succeeded. */
export function checkResponse(
  res: Bs2Response,
  op: string,
  write: boolean,
  config: Pick<Bs2AdapterConfig, 'duplicateTags' | 'conflictTags'>,
): unknown {
  const body = parseJson(res);
  const fields = wireErrors(body);
  const base = { httpStatus: res.status, operation: op };
  const retryAfterMs = parseRetryAfter(String(res.headers['retry-after'] ?? '') || undefined);
  if (res.status >= 200 && res.status < 300 && !fields) return body;
  const text = fields?.map((f) => `${f.field}: ${f.message}`).join('; ');
  if (res.status === 429)
    throw new BankError('UNAVAILABLE', `BS2 ${op}: rate limited (429)`, {
      ...base,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  if (res.status >= 500) {
    throw new BankError('UNAVAILABLE', `BS2 ${op}: HTTP ${res.status}`, {
      ...base,
      outcomeUnknown: write,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  if (res.status === 401 || res.status === 403)
    throw new BankError('AUTH', `BS2 ${op}: credentials refused (HTTP ${res.status})`, base);
  if (res.status === 404)
    throw new BankError('NOT_FOUND', `BS2 ${op}: not found`, { ...base, ...(fields ? { fields } : {}) });
  if (res.status === 409 || res.status === 422)
    throw new BankError('CONFLICT', `BS2 ${op}: ${text ?? `HTTP ${res.status}`}`, {
      ...base,
      ...(fields ? { fields } : {}),
    });
  if (fields && op === 'register' && fields.some((f) => config.duplicateTags.includes(f.field))) {
    throw new BankError('ALREADY_REGISTERED', `BS2 ${op}: ${text}`, { ...base, fields });
  }
  if (fields && op !== 'register' && fields.some((f) => config.conflictTags.includes(f.field))) {
    throw new BankError('CONFLICT', `BS2 ${op}: ${text}`, { ...base, fields });
  }
  throw new BankError('VALIDATION', `BS2 ${op}: ${text ?? `HTTP ${res.status}`}`, { ...base, fields: fields ?? [] });
}

/** BS2 status (1 Aberto, 2 Vencido, 3 Cancelado, 4 Pago [U]) + valorLiquidado → our status. */
export function bs2Status(status: unknown, valorLiquidado: unknown): BankBoletoStatus {
  switch (status) {
    case 1:
      return 'OPEN';
    case 2:
      return 'OVERDUE';
    case 3:
      return 'CANCELLED';
    case 4:
      return typeof valorLiquidado === 'number' && valorLiquidado > 0 ? 'SETTLED' : 'PAID';
    default:
      return 'UNKNOWN';
  }
}

export function toBs2Status(s: BankBoletoStatus): number | undefined {
  switch (s) {
    case 'OPEN':
      return 1;
    case 'OVERDUE':
      return 2;
    case 'CANCELLED':
      return 3;
    case 'PAID':
    case 'SETTLED':
      return 4;
    default:
      return undefined;
  }
}

const personType = (document: string) => (document.length === 11 ? 'fisica' : 'juridica');
const bs2Address = (a: RegisterBoletoRequest['payer']['address']) => ({
  cep: a.zipCode,
  estado: a.state,
  cidade: a.city,
  bairro: a.district,
  logradouro: a.street,
  numero: a.number,
  complemento: a.complement ?? '',
});

/**
 * Our registration request → BS2's `simplificado` body. `sacadorAvalista` has `cliente`'s shape [3P: a public PHP
 * client and BS2's echo, docs/banks/bs2.md]; `beneficiarioFinal` exists only on the v2 route [C seed 004 l. 37–38]
 * and its keys are [U] (`finalBeneficiaryKeys`).
 */
export function toBs2Register(
  req: RegisterBoletoRequest,
  config: Pick<Bs2AdapterConfig, 'registerApi' | 'finalBeneficiaryKeys'> = {
    registerApi: 'v2',
    finalBeneficiaryKeys: BS2_DEFAULT_FINAL_BENEFICIARY_KEYS,
  },
): Obj {
  if (req.kind !== 'BOLETO')
    throw new BankError('VALIDATION', 'BS2 Cobrança does not issue bolecodes (boleto + Pix)', {
      fields: [{ field: 'kind', message: 'BS2 supports BOLETO only' }],
    });
  if (req.interest?.type === 'FIXED_DAILY') {
    throw new BankError('VALIDATION', 'BS2 takes interest as a monthly percentage only', {
      fields: [{ field: 'interest', message: 'use PERCENT_MONTHLY with BS2' }],
    });
  }
  if (req.finalBeneficiary && config.registerApi === 'v1') {
    // Sending it to v1 would drop a field the intermediary must register: refuse instead.
    throw new BankError('VALIDATION', 'BS2 takes beneficiarioFinal on the v2 route only', {
      fields: [
        {
          field: 'finalBeneficiary',
          message: 'this BS2 account registers through v1 (BS2_REGISTER_API), which has no beneficiarioFinal',
        },
      ],
    });
  }
  const p = req.payer;
  const body: Obj = {
    seuNumero: req.seuNumero,
    cliente: {
      tipo: personType(p.document),
      documento: p.document,
      nome: p.name,
      ...(p.email ? { email: p.email } : {}),
      ...(p.phone ? { telefone: p.phone } : {}),
      endereco: bs2Address(p.address),
    },
    vencimento: req.dueDate,
    valor: centsToReaisNumber(req.amountCents),
    aceite: false,
  };
  if (req.paymentDeadline) body.dataLimitePagamento = req.paymentDeadline;
  if (req.guarantor) {
    const g = req.guarantor;
    body.sacadorAvalista = {
      tipo: personType(g.document),
      documento: g.document,
      nome: g.name,
      endereco: bs2Address(g.address),
    };
  }
  if (req.finalBeneficiary) {
    const f = req.finalBeneficiary;
    const k = config.finalBeneficiaryKeys;
    body.beneficiarioFinal = {
      [k.type]: personType(f.document),
      [k.document]: f.document,
      [k.name]: f.name,
      ...(f.tradeName ? { [k.tradeName]: f.tradeName } : {}),
    };
  }
  if (req.fine || req.interest) {
    // multa { valor: amount in reais, data: from when, juros: % a month } — units [U]; BS2 has no percent fine.
    const fineCents = !req.fine
      ? 0
      : req.fine.type === 'FIXED'
        ? req.fine.cents
        : Math.round((req.amountCents * req.fine.basisPoints) / 10_000);
    body.multa = {
      valor: centsToReaisNumber(fineCents),
      data: addDays(req.dueDate, 1),
      juros: req.interest?.type === 'PERCENT_MONTHLY' ? req.interest.basisPoints / 100 : 0,
    };
  }
  if (req.discount) {
    body.desconto = {
      percentual: req.discount.type === 'PERCENT' ? req.discount.basisPoints / 100 : 0,
      valorFixo: req.discount.type === 'FIXED' ? centsToReaisNumber(req.discount.cents) : 0,
      valorDiario: 0,
      limite: req.discount.until,
    };
  }
  if (req.messages?.length) {
    const [linha1, linha2, linha3, linha4] = req.messages;
    body.mensagem = { linha1: linha1 ?? null, linha2: linha2 ?? null, linha3: linha3 ?? null, linha4: linha4 ?? null };
  }
  return body;
}

/**
 * A BS2 boleto (the registration response with `codigoDeBarra`, or a GET/search item with `codigoBarras`) → ours.
 * `seenAt` stands in for the settlement time, which BS2's query does not report.
 */
export function fromBs2Boleto(raw: unknown, seenAt: string): BankBoleto {
  const b = obj(raw);
  if (!b || (typeof b.id !== 'string' && typeof b.nossoNumero !== 'number' && typeof b.nossoNumero !== 'string')) {
    throw new BankError('UNAVAILABLE', 'BS2 answered with a body that is not a boleto', { operation: 'parse' });
  }
  const status = bs2Status(b.status, b.valorLiquidado);
  const dueDate = date(b.vencimento) ?? '';
  const out: BankBoleto = {
    bankId: s(b.id),
    nossoNumero: s(b.nossoNumero),
    ...(typeof b.seuNumero === 'string' ? { seuNumero: b.seuNumero } : {}),
    status,
    bankStatus: s(b.status),
    amountCents: typeof b.valor === 'number' ? reaisNumberToCents(b.valor) : 0,
    dueDate,
    barcode: s(b.codigoBarras ?? b.codigoDeBarra),
    linhaDigitavel: s(b.linhaDigitavel),
  };
  const deadline = date(b.dataLimitePagamento);
  if (deadline) out.paymentDeadline = deadline;
  const paid = cents(b.valorPago);
  if (paid !== undefined) {
    // São Paulo local times (BS2 sends no offset) → UTC; the bank's text is kept for the event details.
    const t = bankTime(b.pagamento ?? b.notificacaoPagamento, seenAt);
    out.payment = {
      paidCents: paid,
      paidAt: t.at,
      ...(t.bankTime ? { bankTime: t.bankTime } : {}),
      ...(typeof b.canalPagamento === 'string' ? { channel: b.canalPagamento } : {}),
    };
  }
  const settled = cents(b.valorLiquidado);
  if (settled !== undefined) out.settlement = { settledCents: settled, settledAt: seenAt };
  const c = b.cancelamento;
  if (status === 'CANCELLED' || c) {
    const co = obj(c);
    const t = bankTime(typeof c === 'string' ? c : co?.data, seenAt);
    out.cancellation = {
      cancelledAt: t.at,
      ...(t.bankTime ? { bankTime: t.bankTime } : {}),
      ...(typeof co?.justificativa === 'string' ? { reason: co.justificativa } : {}),
    };
  }
  return out;
}

/** Our search filter → BS2 query parameters ([U]: names from the seed). */
export function toBs2SearchQuery(
  f: SearchBoletosFilter,
  firstPage: number,
): { query: Record<string, string>; page: number; limit: number } {
  const limit = Math.min(Math.max(f.limit ?? 100, 1), 100);
  const page = f.cursor !== undefined && /^\d+$/.test(f.cursor) ? Number(f.cursor) : firstPage;
  const q: Record<string, string> = { inicio: String(page), limite: String(limit) };
  if (f.dueFrom) q.vencimentoInicial = f.dueFrom;
  if (f.dueTo) q.vencimentoFinal = f.dueTo;
  if (f.issuedFrom) q.emissaoInicial = f.issuedFrom;
  if (f.issuedTo) q.emissaoFinal = f.issuedTo;
  const s = f.status ? toBs2Status(f.status) : undefined;
  if (s !== undefined) q.status = String(s);
  if (f.seuNumero) q.seuNumero = f.seuNumero;
  if (f.payerDocument) q.documentoSacado = f.payerDocument;
  return { query: q, page, limit };
}

/** The list envelope is [U]: accept a bare array or { items | itens | data: [...] }. */
export function searchItems(body: unknown): unknown[] {
  if (Array.isArray(body)) return body as unknown[];
  const o = obj(body);
  const list = o?.items ?? o?.itens ?? o?.data;
  return Array.isArray(list) ? (list as unknown[]) : [];
}
