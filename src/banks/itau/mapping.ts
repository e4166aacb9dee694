/**
 * Itaú wire format ↔ the bank-neutral model, and Itaú answers → BankError (the one classification of Itaú
 * errors). Bodies are parsed defensively: amounts come as 17-digit implied decimals or "123.45", situações in
 * several spellings ("Baixado", "Baixada", "Aguardando Credito"), envelopes with or without `data`.
 */
import {
  addDays,
  centsToDecimalString,
  centsToItauImplied,
  itauAmountToCents,
  itauIdBeneficiario,
  itauIdBoleto,
} from '../../domain';
import { BankError, type BankFieldError, parseRetryAfter } from '../errors';
import type { BankBoleto, BankBoletoStatus, RegisterBoletoRequest } from '../../contracts/bank';
import type { ItauResponse } from './client';
import type { ItauAdapterConfig, ItauBolecodeApi } from './config';
import { fitItauPayer } from './text';
import { bankTime } from '../time';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
const s = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
const date = (v: unknown): string | undefined =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? v.slice(0, 10) : undefined;

export function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function cents(v: unknown): number | undefined {
  const t = s(v);
  if (t === undefined || t === '') return undefined;
  try {
    return itauAmountToCents(t);
  } catch {
    const n = Number(t);
    return Number.isFinite(n) ? Math.round(n * 100) : undefined;
  }
}

/** `{codigo, mensagem, campos}`, `{data:{…}}` or Boletos v3 `{messages:[…]}` → message + fields. */
export function itauErrorOf(body: unknown): { mensagem?: string; fields: BankFieldError[] } {
  const b = obj(body);
  const inner = obj(b?.data) ?? (Array.isArray(b?.messages) ? obj((b.messages as unknown[])[0]) : undefined) ?? b;
  const campos = Array.isArray(inner?.campos) ? (inner.campos as unknown[]).map(obj) : [];
  const fields = campos
    .filter((c): c is Obj => !!c)
    .map((c) => ({
      field: s(c.campo) ?? '',
      message: s(c.mensagem) ?? '',
      ...(s(c.valor) ? { value: s(c.valor) } : {}),
    }));
  const mensagem = s(inner?.mensagem);
  return { ...(mensagem ? { mensagem } : {}), fields };
}

/** Every non-success Itaú answer → BankError; returns the parsed body when the call succeeded. */
export function checkItauResponse(
  res: ItauResponse,
  op: string,
  write: boolean,
  config: Pick<ItauAdapterConfig, 'duplicatePatterns'>,
): unknown {
  const body = parseJson(res.body);
  if (res.status >= 200 && res.status < 300) return body;
  const base = { httpStatus: res.status, operation: op };
  const { mensagem, fields } = itauErrorOf(body);
  const text =
    [mensagem, ...fields.map((f) => `${f.field}: ${f.message}`)].filter(Boolean).join('; ') || `HTTP ${res.status}`;
  const retryAfterMs = parseRetryAfter(String(res.headers['retry-after'] ?? '') || undefined);
  if (res.status === 429 || res.status >= 500) {
    throw new BankError('UNAVAILABLE', `Itaú ${op}: HTTP ${res.status}`, {
      ...base,
      outcomeUnknown: write && res.status !== 429,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  if (res.status === 401 || res.status === 403)
    throw new BankError(
      'AUTH',
      `Itaú ${op}: credentials refused (HTTP ${res.status}${mensagem ? `: ${mensagem}` : ''})`,
      base,
    );
  if (res.status === 404) throw new BankError('NOT_FOUND', `Itaú ${op}: not found`, { ...base, fields });
  const duplicate = config.duplicatePatterns.some((p) => new RegExp(p, 'i').test(text));
  if (op === 'register' && duplicate)
    throw new BankError('ALREADY_REGISTERED', `Itaú ${op}: ${text}`, { ...base, fields });
  if (res.status === 409 || (res.status === 422 && op !== 'register' && op !== 'validate'))
    throw new BankError('CONFLICT', `Itaú ${op}: ${text}`, { ...base, fields });
  throw new BankError('VALIDATION', `Itaú ${op}: ${text}`, { ...base, fields });
}

/**
 * `situacao_geral_boleto` → our status. The key is normalised (accents removed, lower case, spaces collapsed,
 * feminine → masculine: "Baixada" = "Baixado"). "Baixado" with a payment is not a cancelled one: PAID, or SETTLED
 * per `baixadaWithPayment` (a bolecode paid by Pix shows "Baixada" and the Pix was credited when paid). The default
 * here ('PAID') is for callers without an account config; the adapter passes its own (default 'SETTLED_IF_PIX').
 */
export function normaliseSituacao(
  raw: string | undefined,
  ctx: { hasPayment: boolean; overdue: boolean; pixPayment?: boolean },
  overrides: ItauAdapterConfig['situacaoOverrides'] = {},
  baixadaWithPayment: ItauAdapterConfig['baixadaWithPayment'] = 'PAID',
): BankBoletoStatus {
  if (raw === undefined) return ctx.hasPayment ? 'PAID' : ctx.overdue ? 'OVERDUE' : 'OPEN';
  const key = situacaoKey(raw);
  const open = (): BankBoletoStatus => (ctx.overdue ? 'OVERDUE' : 'OPEN');
  const o = overrides[key];
  if (o) return o === 'OPEN' ? open() : o;
  switch (key) {
    case 'em aberto':
    case 'aberto':
    case 'a vencer':
    case 'vencido':
    case 'pagamento rejeitado':
      return key === 'vencido' ? 'OVERDUE' : open();
    case 'pago':
    case 'aguardando credito':
      return 'PAID';
    case 'liquidado':
    case 'creditado':
      return 'SETTLED';
    case 'baixado':
      // Written off after a payment: a bolecode paid by Pix (credited at once) shows "Baixada", never "Creditado" [U].
      if (!ctx.hasPayment) return 'CANCELLED';
      if (baixadaWithPayment === 'SETTLED' || (baixadaWithPayment === 'SETTLED_IF_PIX' && ctx.pixPayment))
        return 'SETTLED';
      return 'PAID';
    default:
      return 'UNKNOWN';
  }
}

export function situacaoKey(raw: string): string {
  return raw
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\b(baixad|pag|liquidad|creditad)a\b/g, '$1o');
}

const amount = (c: number, f: ItauAdapterConfig['amountFormat']) =>
  f === 'implied' ? centsToItauImplied(c) : centsToDecimalString(c);
/** Percent with 5 decimals: 12 digits implied ("000000100000" = 1 %) or "1.00000". */
const percent = (basisPoints: number, f: ItauAdapterConfig['amountFormat']) =>
  f === 'implied' ? String(basisPoints * 1000).padStart(12, '0') : (basisPoints / 100).toFixed(5);

/** Where a registration goes: boletos to cash_management; bolecodes to the account's bolecode endpoint. */
export function itauRegisterEndpoint(
  req: Pick<RegisterBoletoRequest, 'kind'>,
  config: Pick<ItauAdapterConfig, 'bolecodeApi'>,
): ItauBolecodeApi {
  return req.kind === 'BOLECODE' ? config.bolecodeApi : 'cash_management';
}

/** Each endpoint's amount format: recebimentos-pix v1 `^\d+\.\d{2}$` [C]; the other two 17-digit implied by default (`amountFormat`). */
export function itauAmountFormatFor(
  endpoint: ItauBolecodeApi,
  config: Pick<ItauAdapterConfig, 'amountFormat'>,
): ItauAdapterConfig['amountFormat'] {
  return endpoint === 'recebimentos_pix' ? 'decimal' : config.amountFormat;
}

/** Whether the endpoint takes the body unwrapped (both bolecode APIs) or inside `{data}` (cash_management). */
export const itauUnwrapped = (endpoint: ItauBolecodeApi): boolean => endpoint !== 'cash_management';

/**
 * Our registration request → the registration object (`etapa`: efetivacao registers, validacao/simulacao only
 * check), in the endpoint's shape and amount format (cash_management: the `data` object). Payer text is fitted to
 * Itaú's limits here (src/banks/itau/text.ts); the request itself, and so our record, keeps the full text.
 */
export function toItauRegister(
  req: RegisterBoletoRequest,
  config: ItauAdapterConfig,
  etapa: 'efetivacao' | 'validacao' | 'simulacao' = 'efetivacao',
  endpoint: ItauBolecodeApi = itauRegisterEndpoint(req, config),
): Obj {
  const nn = req.nossoNumero;
  if (!nn || !/^\d{1,8}$/.test(nn)) {
    throw new BankError(
      'VALIDATION',
      'Itaú carteira 109 needs the nosso número (up to 8 digits) chosen before the first call',
      { fields: [{ field: 'nossoNumero', message: 'required: up to 8 digits' }] },
    );
  }
  const pixKey = req.pixKey ?? config.pixKey;
  if (req.kind === 'BOLECODE' && !pixKey) {
    throw new BankError('VALIDATION', 'an Itaú bolecode needs the beneficiary Pix key', {
      fields: [{ field: 'pixKey', message: 'required for BOLECODE (or set ITAU_PIX_KEY)' }],
    });
  }
  const f = itauAmountFormatFor(endpoint, config);
  const p = req.payer;
  const pj = p.document.length === 14;
  const fitted = fitItauPayer(p, config, req.kind === 'BOLECODE');
  // recebimentos-pix v1's schema has no pagamento_parcial / quantidade_maximo_parcial / desconto_expresso.
  const cashFields =
    endpoint === 'recebimentos_pix'
      ? {}
      : { pagamento_parcial: false, quantidade_maximo_parcial: 0, desconto_expresso: false };
  const dado: Obj = {
    descricao_instrumento_cobranca: req.kind === 'BOLECODE' ? 'boleto_pix' : 'boleto',
    tipo_boleto: 'a vista',
    codigo_carteira: config.carteira,
    codigo_especie: '01',
    valor_total_titulo: amount(req.amountCents, f),
    data_emissao: req.issueDate,
    forma_envio: 'impressao',
    ...cashFields,
    pagador: {
      pessoa: {
        nome_pessoa: fitted.name,
        tipo_pessoa: pj
          ? { codigo_tipo_pessoa: 'J', numero_cadastro_nacional_pessoa_juridica: p.document }
          : { codigo_tipo_pessoa: 'F', numero_cadastro_pessoa_fisica: p.document },
      },
      endereco: {
        nome_logradouro: fitted.street,
        nome_bairro: fitted.district,
        nome_cidade: fitted.city,
        sigla_UF: p.address.state,
        numero_CEP: p.address.zipCode,
      },
      ...(p.email ? { texto_endereco_email: p.email } : {}),
    },
    dados_individuais_boleto: [
      {
        numero_nosso_numero: nn.padStart(8, '0'),
        data_vencimento: req.dueDate,
        valor_titulo: amount(req.amountCents, f),
        texto_seu_numero: req.seuNumero,
        ...(req.paymentDeadline ? { data_limite_pagamento: req.paymentDeadline } : {}),
      },
    ],
  };
  if (req.interest) {
    dado.juros =
      req.interest.type === 'PERCENT_MONTHLY'
        ? {
            codigo_tipo_juros: '90',
            percentual_juros: percent(req.interest.basisPoints, f),
            data_juros: addDays(req.dueDate, 1),
          }
        : { codigo_tipo_juros: '93', valor_juros: amount(req.interest.cents, f), data_juros: addDays(req.dueDate, 1) };
  }
  if (req.fine) {
    dado.multa =
      req.fine.type === 'PERCENT'
        ? {
            codigo_tipo_multa: '02',
            percentual_multa: percent(req.fine.basisPoints, f),
            data_multa: addDays(req.dueDate, 1),
          }
        : { codigo_tipo_multa: '01', valor_multa: amount(req.fine.cents, f), data_multa: addDays(req.dueDate, 1) };
  }
  if (req.discount) {
    dado.desconto =
      req.discount.type === 'FIXED'
        ? {
            codigo_tipo_desconto: '01',
            descontos: [{ data_desconto: req.discount.until, valor_desconto: amount(req.discount.cents, f) }],
          }
        : {
            codigo_tipo_desconto: '02',
            descontos: [
              { data_desconto: req.discount.until, percentual_desconto: percent(req.discount.basisPoints, f) },
            ],
          };
  }
  if (req.messages?.length) dado.lista_mensagem_cobranca = req.messages.slice(0, 4).map((mensagem) => ({ mensagem }));
  const data: Obj = {
    etapa_processo_boleto: etapa,
    codigo_canal_operacao: 'API',
    beneficiario: { id_beneficiario: itauIdBeneficiario(config) },
    dado_boleto: dado,
  };
  if (req.kind === 'BOLECODE') data.dados_qrcode = { chave: pixKey, tipo_cobranca: 'cob' };
  return data;
}

/** A registration answer or a consulta item → our BankBoleto. `seenAt` stands in for times Itaú does not give. */
export function fromItauBoleto(
  raw: unknown,
  seenAt: string,
  config: Pick<ItauAdapterConfig, 'agencia' | 'conta' | 'carteira' | 'situacaoOverrides'> &
    Partial<Pick<ItauAdapterConfig, 'baixadaWithPayment' | 'pixPaymentPatterns'>>,
  today: string,
): BankBoleto {
  const b = obj(raw);
  const dado = obj(b?.dado_boleto);
  const items = Array.isArray(dado?.dados_individuais_boleto) ? (dado.dados_individuais_boleto as unknown[]) : [];
  const di = obj(items[0]);
  const nn = s(di?.numero_nosso_numero);
  if (!b || !dado || !di || !nn)
    throw new BankError('UNAVAILABLE', 'Itaú answered with a body that is not a boleto', { operation: 'parse' });
  const carteira = s(dado.codigo_carteira) ?? config.carteira;
  const pagamentos = Array.isArray(dado.pagamentos_cobranca)
    ? (dado.pagamentos_cobranca as unknown[]).map(obj).filter((x): x is Obj => !!x)
    : [];
  const pay = pagamentos[0];
  const dueDate = date(di.data_vencimento) ?? '';
  const statusVenc = s(di.status_vencimento);
  const overdue = statusVenc !== undefined ? situacaoKey(statusVenc) === 'vencido' : dueDate !== '' && dueDate < today;
  const situacao = s(di.situacao_geral_boleto);
  const pixPayment = !!pay && isPixPayment(pay, config.pixPaymentPatterns ?? []);
  const status = normaliseSituacao(
    situacao,
    { hasPayment: !!pay, overdue, pixPayment },
    config.situacaoOverrides,
    config.baixadaWithPayment,
  );
  const out: BankBoleto = {
    bankId: itauIdBoleto({ agencia: config.agencia, conta: config.conta, carteira, nossoNumero: nn }),
    nossoNumero: nn,
    ...(s(di.texto_seu_numero) ? { seuNumero: s(di.texto_seu_numero) } : {}),
    status,
    bankStatus: situacao ?? s(di.status_boleto) ?? s(b.etapa_processo_boleto) ?? '',
    amountCents: cents(di.valor_titulo) ?? cents(dado.valor_total_titulo) ?? 0,
    dueDate,
    barcode: s(di.codigo_barras) ?? '',
    linhaDigitavel: s(di.numero_linha_digitavel) ?? '',
  };
  const deadline = date(di.data_limite_pagamento);
  if (deadline) out.paymentDeadline = deadline;
  const qr = obj(b.dados_qrcode) ?? obj(dado.qrcode_pix);
  const emv = s(qr?.emv);
  if (emv) out.pix = { emv, ...(s(qr?.txid) ? { txid: s(qr?.txid) as string } : {}) };
  const paid = cents(pay?.valor_pago_total_cobranca);
  if (pay && paid !== undefined) {
    const channel = s(pay.descricao_meio_pagamento) ?? s(pay.descricao_canal_pagamento);
    // São Paulo local date-time (or only a date) → UTC; the bank's text is kept for the event details.
    const t = bankTime(s(pay.data_hora_inclusao_pagamento) ?? s(pay.data_inclusao_pagamento), seenAt);
    out.payment = {
      paidCents: paid,
      paidAt: t.at,
      ...(t.bankTime ? { bankTime: t.bankTime } : {}),
      ...(channel ? { channel } : {}),
    };
  }
  // A Pix payment is credited when it is made; any other settlement is seen now.
  if (status === 'SETTLED' && out.payment)
    out.settlement = {
      settledCents: out.payment.paidCents,
      settledAt: pixPayment && situacaoKey(situacao ?? '') === 'baixado' ? out.payment.paidAt : seenAt,
    };
  if (status === 'CANCELLED') {
    const baixa = obj(dado.baixa);
    const motivo = s(baixa?.motivo_baixa);
    const t = bankTime(s(baixa?.data_hora_inclusao_alteracao_baixa) ?? s(baixa?.data_inclusao_alteracao_baixa), seenAt);
    out.cancellation = {
      cancelledAt: t.at,
      ...(t.bankTime ? { bankTime: t.bankTime } : {}),
      ...(motivo ? { reason: motivo } : {}),
    };
  }
  return out;
}

/** `pagamentos_cobranca[i]` made by Pix: its meio/canal description matches a pattern. */
export function isPixPayment(pay: Obj, patterns: string[]): boolean {
  const text = [s(pay.descricao_meio_pagamento), s(pay.descricao_canal_pagamento)].filter(Boolean).join(' ');
  return patterns.some((p) => new RegExp(p, 'i').test(text));
}

/**
 * A bolecode's Pix charge (`GET /cob/{txid}`, BCB Pix API shape: `{status, txid, valor:{original}, pix?:[{endToEndId,
 * txid, valor, horario}]}`) → its status and, when `CONCLUIDA` with a payment, that payment.
 */
export function fromPixCob(
  raw: unknown,
  seenAt: string,
): { status: string; payment?: { paidCents: number; paidAt: string; bankTime?: string; endToEndId?: string } } {
  const b = obj(raw);
  const status = s(b?.status) ?? '';
  const pix = Array.isArray(b?.pix) ? (b.pix as unknown[]).map(obj).filter((x): x is Obj => !!x) : [];
  const first = pix[0];
  const paidCents = cents(first?.valor);
  if (status !== 'CONCLUIDA' || !first || paidCents === undefined) return { status };
  const t = bankTime(s(first.horario), seenAt);
  const e2e = s(first.endToEndId);
  return {
    status,
    payment: {
      paidCents,
      paidAt: t.at,
      ...(t.bankTime ? { bankTime: t.bankTime } : {}),
      ...(e2e ? { endToEndId: e2e } : {}),
    },
  };
}

/** The consulta's list envelope: `{data:[…]}` (or a bare array / single object). */
export function consultaItems(body: unknown): unknown[] {
  if (Array.isArray(body)) return body as unknown[];
  const o = obj(body);
  if (Array.isArray(o?.data)) return o.data as unknown[];
  if (obj(o?.data)) return [o?.data];
  return [];
}
