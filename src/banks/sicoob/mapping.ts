/**
 * Our model ↔ Sicoob's Cobrança v3 bodies (cobranca-v3.openapi.yaml, docs/banks/sicoob.md): amounts as JSON numbers
 * in reais, dates `yyyy-MM-dd`, the nosso número an int32 we choose from the contract's range (with its DV).
 * `MensagensErro` refusals become field errors under `mensagens` (Sicoob names no field; its codes are [U] and
 * never matched).
 */
import type {
  BankBoleto,
  BankBoletoStatus,
  Discount,
  Fine,
  Interest,
  RegisterBoletoRequest,
} from '../../contracts/bank';
import { addDays, centsToReaisNumber, reaisNumberToCents, sicoobNossoNumeroFromFaixa } from '../../domain';
import { z } from 'zod';
import { BankError, type BankFieldError } from '../errors';
import { bankInstant } from '../time';
import type { SicoobAdapterConfig } from './account';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : undefined;

/**
 * The nosso número sent for a request: ours when it already is a valid number of the account's range (with its DV
 * when the range asks for it), else the request's number folded into the range, deterministically (a retry, and
 * findRegistered after a lost answer, send the same one).
 */
export function sicoobNossoNumero(c: SicoobAdapterConfig, requested: string): number {
  const { first, last, dv } = c.nossoNumero;
  const n = Number(requested);
  if (!/^\d{1,10}$/.test(requested) || !Number.isSafeInteger(n))
    throw new BankError('VALIDATION', `nosso número ${requested} is not a number`, {
      operation: 'register',
      fields: [{ field: 'nossoNumero', message: 'must be digits' }],
    });
  const beneficiario = { cooperativa: c.cooperativa, codigoCliente: c.codigoCliente };
  const base = dv ? Math.floor(n / 10) : n;
  const inRange = base >= first && base <= last;
  if (inRange && sicoobNossoNumeroFromFaixa(base, dv, beneficiario) === n) return n;
  return sicoobNossoNumeroFromFaixa(first + (base % (last - first + 1)), dv, beneficiario);
}

/** S1 `FaixaNossoNumero` (the parts we read): a free run of the contract's nosso números and its DV flag. */
export const SicoobFaixaSchema = z.object({
  numeroInicial: z.number().int(),
  numeroFinal: z.number().int(),
  validaDigitoVerificadorNossoNumero: z.boolean(),
  quantidade: z.number().int().optional(),
});
export type SicoobFaixa = z.infer<typeof SicoobFaixaSchema>;

/** The largest free run of the answer, as an account's range (undefined: none usable). */
export function largestSicoobFaixa(faixas: SicoobFaixa[]): SicoobAdapterConfig['nossoNumero'] | undefined {
  const best = faixas
    .filter((f) => f.numeroFinal >= f.numeroInicial && f.numeroInicial >= 0)
    .sort(
      (a, b) =>
        b.numeroFinal - b.numeroInicial - (a.numeroFinal - a.numeroInicial) || a.numeroInicial - b.numeroInicial,
    )[0];
  return best
    ? { first: best.numeroInicial, last: best.numeroFinal, dv: best.validaDigitoVerificadorNossoNumero }
    : undefined;
}

const percent = (basisPoints: number) => basisPoints / 100;

/** The discount fields (of `Boleto` and `BoletoAlteracao.desconto`): tipo 1 fixed / 2 percent until a date, 0 none. */
export function sicoobDesconto(discount: Discount | undefined | null): Obj {
  if (!discount) return { tipoDesconto: 0 };
  return {
    tipoDesconto: discount.type === 'FIXED' ? 1 : 2,
    dataPrimeiroDesconto: discount.until,
    valorPrimeiroDesconto:
      discount.type === 'FIXED' ? centsToReaisNumber(discount.cents) : percent(discount.basisPoints),
  };
}

/** The fine fields (of `Boleto` and `BoletoAlteracao.multa`): tipo 1 fixed / 2 percent from `from`, 0 isento. */
export function sicoobMulta(fine: Fine | undefined | null, from: string | undefined): Obj {
  if (!fine) return { tipoMulta: 0 };
  return {
    tipoMulta: fine.type === 'FIXED' ? 1 : 2,
    ...(from ? { dataMulta: from } : {}),
    valorMulta: fine.type === 'FIXED' ? centsToReaisNumber(fine.cents) : percent(fine.basisPoints),
  };
}

/** The interest fields (of `Boleto` and `BoletoAlteracao.jurosMora`): 1 per day / 2 monthly rate from `from`, 3 isento. */
export function sicoobJurosMora(interest: Interest | undefined | null, from: string | undefined): Obj {
  if (!interest) return { tipoJurosMora: 3 };
  return {
    tipoJurosMora: interest.type === 'FIXED_DAILY' ? 1 : 2,
    ...(from ? { dataJurosMora: from } : {}),
    valorJurosMora:
      interest.type === 'FIXED_DAILY' ? centsToReaisNumber(interest.cents) : percent(interest.basisPoints),
  };
}

/** `Boleto` (POST /boletos): one boleto per request; a bolecode asks for its Pix with `codigoCadastrarPIX` 1. */
export function toSicoobBoleto(c: SicoobAdapterConfig, req: RegisterBoletoRequest, nossoNumero: number): Obj {
  const p = req.payer;
  const a = p.address;
  const dayAfterDue = addDays(req.dueDate, 1);
  return {
    numeroCliente: c.numeroCliente,
    codigoModalidade: c.codigoModalidade,
    numeroContaCorrente: c.numeroContaCorrente,
    codigoEspecieDocumento: 'DM',
    dataEmissao: req.issueDate,
    nossoNumero,
    seuNumero: req.seuNumero,
    identificacaoBoletoEmpresa: req.seuNumero,
    identificacaoEmissaoBoleto: 2,
    identificacaoDistribuicaoBoleto: 2,
    valor: centsToReaisNumber(req.amountCents),
    dataVencimento: req.dueDate,
    ...(req.paymentDeadline ? { dataLimitePagamento: req.paymentDeadline } : {}),
    ...sicoobDesconto(req.discount),
    ...sicoobMulta(req.fine, dayAfterDue),
    ...sicoobJurosMora(req.interest, dayAfterDue),
    numeroParcela: 1,
    pagador: {
      numeroCpfCnpj: p.document,
      nome: p.name.slice(0, 50),
      endereco: [`${a.street}, ${a.number}`, a.complement].filter(Boolean).join(' '),
      bairro: a.district,
      cidade: a.city,
      cep: a.zipCode,
      uf: a.state,
      ...(p.email ? { email: p.email } : {}),
    },
    ...(req.messages?.length ? { mensagensInstrucao: req.messages.slice(0, 5) } : {}),
    gerarPdf: false,
    codigoCadastrarPIX: req.kind === 'BOLECODE' ? 1 : 2,
  };
}

/**
 * One `BoletoAlteracao` object [C S1] ("somente um objeto do boleto por requisição"), named as Sicoob names it, with
 * our values: amounts in cents and rates in basis points (sent as reais / percent numbers), dates `yyyy-MM-dd`; null
 * takes the discount, fine or interest off (tipo 0 / 0 / 3). Not offered: `rateioCredito` (no split in our model) and
 * the second and third discounts or the per-day discount tipos 3–6.
 */
export type SicoobAlteration =
  | { kind: 'prorrogacaoVencimento'; dueDate: string }
  | { kind: 'prorrogacaoLimitePagamento'; paymentDeadline: string }
  | { kind: 'desconto'; discount: Discount | null }
  | { kind: 'abatimento'; cents: number }
  /** `from`: the day the fine applies (S1: after the due date, up to the payment deadline); omitted: the bank's. */
  | { kind: 'multa'; fine: Fine | null; from?: string }
  | { kind: 'jurosMora'; interest: Interest | null; from?: string }
  | { kind: 'valorNominal'; cents: number }
  | { kind: 'seuNumero'; seuNumero: string }
  | { kind: 'especieDocumento'; codigoEspecieDocumento: string }
  | { kind: 'pix'; utilizarPix: boolean };

/** The alteration object of a PATCH body (the contract's numbers are the caller's). */
export function toSicoobAlteracao(a: SicoobAlteration): Obj {
  switch (a.kind) {
    case 'prorrogacaoVencimento':
      return { prorrogacaoVencimento: { dataVencimento: a.dueDate } };
    case 'prorrogacaoLimitePagamento':
      return { prorrogacaoLimitePagamento: { dataLimitePagamento: a.paymentDeadline } };
    case 'desconto':
      return { desconto: sicoobDesconto(a.discount) };
    case 'abatimento':
      return { abatimento: { valorAbatimento: centsToReaisNumber(a.cents) } };
    case 'multa':
      return { multa: sicoobMulta(a.fine, a.from) };
    case 'jurosMora':
      return { jurosMora: sicoobJurosMora(a.interest, a.from) };
    case 'valorNominal':
      return { valorNominal: { valor: centsToReaisNumber(a.cents) } };
    case 'seuNumero':
      return { seuNumero: { seuNumero: a.seuNumero, identificacaoBoletoEmpresa: a.seuNumero } };
    case 'especieDocumento':
      return { especieDocumento: { codigoEspecieDocumento: a.codigoEspecieDocumento } };
    case 'pix':
      return { pix: { utilizarPix: a.utilizarPix } };
  }
}

/** Whether an open boleto's consulta shows an alteration already made (a refused PATCH asked for what is so). */
export function sicoobAlterationShown(a: SicoobAlteration, b: BankBoleto): boolean {
  if (b.status !== 'OPEN') return false;
  switch (a.kind) {
    case 'prorrogacaoVencimento':
      return b.dueDate === a.dueDate;
    case 'prorrogacaoLimitePagamento':
      return b.paymentDeadline === a.paymentDeadline;
    case 'valorNominal':
      return b.amountCents === a.cents;
    case 'seuNumero':
      return b.seuNumero === a.seuNumero;
    case 'pix':
      return (b.pix !== undefined) === a.utilizarPix;
    default:
      // The consulta's discount, fine and interest fields are not read into our model: never taken as done.
      return false;
  }
}

const STATUS: Record<string, BankBoletoStatus> = {
  'em aberto': 'OPEN',
  liquidado: 'SETTLED',
  baixado: 'CANCELLED',
};

/**
 * When a consulta fact happened: its history entry has a São Paulo date only [C S1 `dataHistorico`, yyyy-MM-dd]. The
 * instant is the latest the date allows that has already passed (now when the date is today, else the day's last
 * second), never the day's midnight, which would put a same-day payment before its own registration; the date itself
 * travels as the bank's text (`bankTime`), so nobody reads the time as Sicoob's.
 */
const dayFactTime = (day: string, now: number): string => {
  const end = bankInstant(`${day}T23:59:59-03:00`)!;
  return Date.parse(end) < now ? end : new Date(now).toISOString();
};

/**
 * A boleto as Sicoob answers it (POST /boletos, GET /boletos, the list by payer). The consulta says `Em Aberto`,
 * `Liquidado` or `Baixado` and carries no paid amount or time: a liquidated boleto is taken as paid in full on the
 * day of its liquidação history entry [U] (the movimentações' LIQUI record has the amount).
 */
export function fromSicoobBoleto(raw: unknown, now: number = Date.now()): BankBoleto {
  const r = obj(raw);
  const nn = str(r?.nossoNumero);
  const valor = r?.valor;
  if (!r || !nn || typeof valor !== 'number' || !str(r.codigoBarras) || !str(r.dataVencimento))
    throw new BankError('UNAVAILABLE', 'Sicoob answered a boleto without nossoNumero, valor or codigoBarras', {
      operation: 'map',
    });
  const situacao = str(r.situacaoBoleto) ?? 'Em Aberto';
  const status = STATUS[situacao.toLowerCase()] ?? 'UNKNOWN';
  const amountCents = reaisNumberToCents(valor);
  const history = Array.isArray(r.listaHistorico) ? r.listaHistorico.map(obj) : [];
  /** The date of the last history entry of a tipo (5 liquidação, 6 baixa), when it is one. */
  const dayOf = (tipo: string): string | undefined => {
    const day = str(history.filter((h) => str(h?.tipoHistorico) === tipo).at(-1)?.dataHistorico);
    return day && /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : undefined;
  };
  const factOf = (tipo: string) => {
    const day = dayOf(tipo);
    return day ? { at: dayFactTime(day, now), bankTime: day } : { at: new Date(now).toISOString() };
  };
  const out: BankBoleto = {
    bankId: nn,
    nossoNumero: nn,
    status,
    bankStatus: situacao,
    amountCents,
    dueDate: str(r.dataVencimento)!,
    barcode: str(r.codigoBarras)!,
    linhaDigitavel: str(r.linhaDigitavel) ?? '',
    ...(str(r.seuNumero) ? { seuNumero: str(r.seuNumero)! } : {}),
    ...(str(r.dataLimitePagamento) ? { paymentDeadline: str(r.dataLimitePagamento)! } : {}),
    ...(str(r.qrCode) ? { pix: { emv: str(r.qrCode)! } } : {}),
  };
  if (status === 'SETTLED') {
    const { at, bankTime } = factOf('5');
    out.payment = { paidCents: amountCents, paidAt: at, ...(bankTime ? { bankTime } : {}) };
    out.settlement = { settledCents: amountCents, settledAt: at };
  }
  if (status === 'CANCELLED') {
    const { at, bankTime } = factOf('6');
    out.cancellation = { cancelledAt: at, ...(bankTime ? { bankTime } : {}) };
  }
  return out;
}

/** `MensagensErro` → field errors (all under `mensagens`: Sicoob names no field). */
export function mensagens(text: string): BankFieldError[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [];
  }
  const list = obj(body)?.mensagens;
  return Array.isArray(list)
    ? list.map(obj).flatMap((m) => {
        const mensagem = str(m?.mensagem);
        return mensagem
          ? [{ field: 'mensagens', message: mensagem, ...(str(m?.codigo) ? { value: str(m?.codigo)! } : {}) }]
          : [];
      })
    : [];
}

/** The `resultado` of a JSON answer. */
export function resultado(text: string): unknown {
  try {
    return obj(JSON.parse(text))?.resultado;
  } catch {
    return undefined;
  }
}
