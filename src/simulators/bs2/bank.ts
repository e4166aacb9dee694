/**
 * What the simulated BS2 holds and the rules of time it applies: registration with BS2's validation messages,
 * payment (refused after the last payable day or once written off), settlement early in the morning 1–3 business
 * days after payment, write-off the day after the last payable day, due-date change and baixa requests, and the
 * webhook notifications (PascalCase contract, whole status history in each) with the cents scenarios applied.
 * A payment made at a bank that sends BS2 no "paid" pulse (seed 004 FAQ: Inter, Caixa, Banestes, Banco do Brasil) is
 * unknown to BS2 until it settles: no Status 2, and GET shows no payment until then.
 */
import { memoPerItem, runInOrder, type SimJob } from '../shared/jobs';
import { randomUUID } from 'node:crypto';
import {
  addBusinessDays,
  addDays,
  barcodeToLinha,
  bs2CampoLivre,
  reaisNumberToCents,
  buildBarcode,
  BS2_BANK_CODE,
  centsToReaisNumber,
  compareIsoDates,
  inspectCpfOrCnpj,
  isIsoDate,
  type IsoDate,
} from '../../domain';
import { brtDate, brtInstant, brtIso, type SimClock } from '../shared/clock';
import { MemoryStore } from '../shared/store';
import type { WebhookQueue } from '../shared/webhooks';
import type { Bs2SimConfig } from './config';
import { type Bs2Scenario, BS2_SCENARIOS } from './scenarios';

export interface Bs2WireError {
  descricao: string;
  tag: string;
}

/** StatusBoleto event codes (webhook) [C]. */
export type Bs2Event = 1 | 2 | 3 | 4;
const EVENT_TEXT: Record<Bs2Event, string> = {
  1: 'Boleto registrado no órgão responsável.',
  2: 'O boleto foi pago com sucesso.',
  3: 'Boleto liquidado/compensado - crédito feito na CC.',
  4: 'Boleto cancelado/baixado.',
};
/** Situação codes (webhook) [C]. */
const SITUACAO_TEXT: Record<number, string> = {
  1: 'Boleto em aberto - A vencer',
  2: 'Boleto em aberto - Vencido',
  3: 'Boleto Cancelado / Baixado',
  4: 'Boleto Liquidado / Compensado',
};

export interface SimBoleto {
  id: string;
  nossoNumero: number;
  seuNumero: string;
  clienteId: string;
  version: 'v1' | 'v2';
  valorCents: number;
  vencimento: IsoDate;
  emissao: number;
  dataLimitePagamento?: IsoDate;
  request: Record<string, unknown>;
  barcode: string;
  linhaDigitavel: string;
  scenario: Bs2Scenario;
  history: { status: Bs2Event; at: number }[];
  valorPagoCents?: number;
  paidAt?: number;
  valorLiquidadoCents?: number;
  settledAt?: number;
  settleDueAt?: number;
  cancelledAt?: number;
  cancelReason?: string;
  autoPayAt?: number;
  autoPayCents?: number;
  /** Paid (or to be paid) at a bank that sends BS2 no "paid" pulse: BS2 learns of the payment at settlement. */
  noPaidPulse?: boolean;
  /** Scenario WEBHOOKS_DUPLICATED_SHUFFLED: notifications held until settlement or write-off. */
  held: unknown[];
  requests: {
    solicitacaoId: string;
    kind: 'CANCELAMENTO' | 'VENCIMENTO';
    at: number;
    vencimento?: IsoDate;
    justificativa?: string;
  }[];
}

export class Bs2Rejection extends Error {
  constructor(
    readonly httpStatus: number,
    readonly errors: Bs2WireError[],
  ) {
    super(errors.map((e) => `${e.tag}: ${e.descricao}`).join('; '));
  }
}

const reject = (tag: string, descricao: string, status = 400): never => {
  throw new Bs2Rejection(status, [{ descricao, tag }]);
};

function wireDate(v: unknown): IsoDate | undefined {
  if (typeof v !== 'string') return undefined;
  const d = v.slice(0, 10);
  return isIsoDate(d) ? d : undefined;
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** BS2's date-times in GET bodies: São Paulo local time, no offset, 7 fractional digits ("2021-02-24T23:59:13.6729296" [3P S10]). */
export function bs2LocalTime(ms: number): string {
  return `${brtIso(ms).slice(0, 23)}0000`;
}

/** The webhook's date-times keep the offset, with 7 fractional digits ("2019-10-07T07:30:04.9036831-03:00", seed 004 l. 177). */
function bs2OffsetTime(ms: number): string {
  const iso = brtIso(ms);
  return `${iso.slice(0, 23)}0000${iso.slice(23)}`;
}

/** Empty party as BS2 echoes it: numeric tipo 0 and every field null [3P S10 register/GET fixtures]. */
const EMPTY_PARTY = {
  tipo: 0,
  documento: null,
  nome: null,
  endereco: { cep: null, estado: null, cidade: null, bairro: null, logradouro: null, numero: null, complemento: null },
};
/** Parts of a boleto not sent, as BS2 echoes them (strict): every field null [3P S10 register/GET fixtures]. */
const NULL_PARTS = {
  multa: () => ({ valor: null, data: null, juros: null }),
  desconto: () => ({ percentual: null, valorFixo: null, valorDiario: null, limite: null }),
  mensagem: () => ({ linha1: null, linha2: null, linha3: null, linha4: null }),
};
const ADDRESS_FIELDS = ['cep', 'estado', 'cidade', 'bairro', 'logradouro', 'numero'] as const;

export class Bs2Bank {
  readonly boletos = new MemoryStore<SimBoleto, 'seuNumero' | 'nossoNumero'>({
    seuNumero: (b) => b.seuNumero,
    nossoNumero: (b) => String(b.nossoNumero),
  });
  nextNossoNumero: number;
  /** Registration attempts per seuNumero (scenarios 07 and 08). */
  attempts = new Map<string, number>();

  constructor(
    private readonly config: Bs2SimConfig,
    private readonly clock: SimClock,
    private readonly webhooks: WebhookQueue,
    private readonly changed: () => void = () => undefined,
  ) {
    this.nextNossoNumero = config.firstNossoNumero;
  }

  byRef(ref: string): SimBoleto | undefined {
    if (/^\d+$/.test(ref)) {
      return this.boletos.by('nossoNumero', String(Number(ref)))[0];
    }
    return this.boletos.get(ref);
  }

  /** Bank status for GET/search: 1 Aberto, 2 Vencido, 3 Cancelado, 4 Pago [seed U]. */
  status(b: SimBoleto): 1 | 2 | 3 | 4 {
    if (b.cancelledAt !== undefined) return 3;
    if (this.paymentKnown(b)) return 4;
    return compareIsoDates(this.clock.today(), b.vencimento) > 0 ? 2 : 1;
  }

  scenarioOf(body: Record<string, unknown>): Bs2Scenario {
    return typeof body.valor === 'number' ? BS2_SCENARIOS.forAmount(Math.round(body.valor * 100)) : 'MANUAL';
  }

  /** Whether BS2 knows of the payment: at once, or (no paid pulse from the payer's bank) only once it settled. */
  paymentKnown(b: SimBoleto): boolean {
    return b.paidAt !== undefined && (!b.noPaidPulse || b.settledAt !== undefined);
  }

  /**
   * sacadorAvalista is optional, "mas uma vez que se informe o CPF/CNPJ do mesmo, é preciso que informe os demais
   * dados do Avalista" (seed 004 l. 326); shape as `cliente` [3P PHP client, S10 echo]. Tags and texts [U].
   */
  private checkGuarantor(v: unknown, errors: Bs2WireError[]): void {
    if (v === undefined || v === null) return;
    const g = obj(v);
    if (!g) return void errors.push({ descricao: 'Sacador/avalista inválido.', tag: 'SacadorAvalista' });
    const doc = str(g.documento);
    if (!doc) return; // no CPF/CNPJ: no guarantor
    if (!inspectCpfOrCnpj(doc).valid)
      errors.push({ descricao: 'CPF/CNPJ do sacador/avalista inválido.', tag: 'SacadorAvalista' });
    if (!str(g.nome))
      errors.push({ descricao: 'Nome do sacador/avalista não pode ser nulo ou vazio.', tag: 'SacadorAvalista' });
    if (g.tipo !== 'fisica' && g.tipo !== 'juridica')
      errors.push({ descricao: 'Tipo do sacador/avalista deve ser fisica ou juridica.', tag: 'SacadorAvalista' });
    const e = obj(g.endereco);
    const missing = ADDRESS_FIELDS.filter((k) => !str(e?.[k]));
    if (missing.length)
      errors.push({
        descricao: `Endereço do sacador/avalista incompleto: ${missing.join(', ')}.`,
        tag: 'SacadorAvalista',
      });
  }

  /** beneficiarioFinal (v2 only, seed 004 l. 37–38): "razão social, nome fantasia e CPF/CNPJ" [C S4]; keys and tags [U]. */
  private checkFinalBeneficiary(v: unknown, version: 'v1' | 'v2', errors: Bs2WireError[]): void {
    if (version === 'v1') {
      if (this.config.intermediary)
        errors.push({
          descricao: 'Intermediador de pagamento deve emitir pela rota v2 com beneficiarioFinal.',
          tag: 'BeneficiarioFinal',
        });
      return; // v1 has no such field: ignored
    }
    if (v === undefined || v === null) {
      if (this.config.intermediary) errors.push({ descricao: 'Não pode ser nulo ou vazio.', tag: 'BeneficiarioFinal' });
      return;
    }
    const k = this.config.finalBeneficiaryKeys;
    const f = obj(v);
    if (!f) return void errors.push({ descricao: 'Beneficiário final inválido.', tag: 'BeneficiarioFinal' });
    const doc = str(f[k.document]);
    if (!doc)
      errors.push({
        descricao: 'CPF/CNPJ do beneficiário final não pode ser nulo ou vazio.',
        tag: 'BeneficiarioFinal',
      });
    else if (!inspectCpfOrCnpj(doc).valid)
      errors.push({ descricao: 'CPF/CNPJ do beneficiário final inválido.', tag: 'BeneficiarioFinal' });
    if (!str(f[k.name]))
      errors.push({ descricao: 'Nome do beneficiário final não pode ser nulo ou vazio.', tag: 'BeneficiarioFinal' });
    const tipo = f[k.type];
    if (tipo !== undefined && tipo !== null && tipo !== 'fisica' && tipo !== 'juridica')
      errors.push({ descricao: 'Tipo do beneficiário final deve ser fisica ou juridica.', tag: 'BeneficiarioFinal' });
  }

  /** Counts a registration attempt with this seuNumero; returns the attempt number (1-based). */
  countAttempt(seuNumero: string | undefined): number {
    if (!seuNumero) return 1;
    const n = (this.attempts.get(seuNumero) ?? 0) + 1;
    this.attempts.set(seuNumero, n);
    return n;
  }

  /** Validates like BS2 (all problems at once, BS2's messages) and registers. */
  register(body: Record<string, unknown>, version: 'v1' | 'v2'): SimBoleto {
    const errors: Bs2WireError[] = [];
    const today = this.clock.today();
    let valorCents: number | undefined;
    if (typeof body.valor !== 'number') errors.push({ descricao: 'Não pode ser nulo ou vazio.', tag: 'Valor' });
    else {
      try {
        valorCents = reaisNumberToCents(body.valor);
        if (valorCents < 500) errors.push({ descricao: 'Boleto com valor inferior a R$ 5,00', tag: 'ValorBoleto' });
        if (valorCents > 50_000_000)
          errors.push({ descricao: 'Boleto com valor superior a R$ 500.000,00', tag: 'ValorBoleto' });
      } catch {
        errors.push({ descricao: 'Valor inválido.', tag: 'Valor' });
      }
    }
    const vencimento = wireDate(body.vencimento);
    if (body.vencimento === undefined || body.vencimento === null)
      errors.push({ descricao: 'Não pode ser nulo ou vazio.', tag: 'Vencimento' });
    else if (!vencimento) errors.push({ descricao: 'Data de vencimento inválida.', tag: 'Vencimento' });
    else if (compareIsoDates(vencimento, today) < 0)
      errors.push({ descricao: 'Data de vencimento deve ser maior ou igual a data de hoje.', tag: 'Vencimento' });
    const limite =
      body.dataLimitePagamento === undefined || body.dataLimitePagamento === null
        ? undefined
        : wireDate(body.dataLimitePagamento);
    if (body.dataLimitePagamento && !limite)
      errors.push({ descricao: 'Data limite de pagamento inválida.', tag: 'DataLimitePagamento' });
    if (limite && vencimento && compareIsoDates(limite, vencimento) < 0) {
      errors.push({
        descricao: 'Data limite de pagamento deve ser maior ou igual a data de vencimento.',
        tag: 'DataLimitePagamento',
      });
    }
    const cliente = obj(body.cliente);
    if (!cliente) errors.push({ descricao: 'Não pode ser nulo ou vazio.', tag: 'Cliente' });
    else if (!str(cliente.clienteId)) {
      const doc = str(cliente.documento);
      if (!doc) errors.push({ descricao: 'Não pode ser nulo ou vazio.', tag: 'Documento' });
      else if (!inspectCpfOrCnpj(doc).valid) errors.push({ descricao: 'CPF/CNPJ inválido.', tag: 'Documento' });
      if (!str(cliente.nome)) errors.push({ descricao: 'Não pode ser nulo ou vazio.', tag: 'Nome' });
      if (cliente.tipo !== 'fisica' && cliente.tipo !== 'juridica')
        errors.push({ descricao: 'Tipo deve ser fisica ou juridica.', tag: 'Tipo' });
      if (!obj(cliente.endereco)) errors.push({ descricao: 'Não pode ser nulo ou vazio.', tag: 'Endereco' });
    }
    const seu =
      body.seuNumero === undefined || body.seuNumero === null
        ? undefined
        : typeof body.seuNumero === 'string' || typeof body.seuNumero === 'number'
          ? String(body.seuNumero)
          : '!';
    if (seu !== undefined && !/^[A-Za-z0-9]{1,10}$/.test(seu))
      errors.push({ descricao: 'Aceita apenas números e letras, até 10 caracteres.', tag: 'SeuNumero' });
    this.checkGuarantor(body.sacadorAvalista, errors);
    this.checkFinalBeneficiary(body.beneficiarioFinal, version, errors);
    if (errors.length) throw new Bs2Rejection(400, errors);

    const scenario = this.scenarioOf(body);
    if (scenario === 'REJECTED') reject('Cliente', 'Sacado bloqueado para emissão de boletos.');
    if (seu && this.config.duplicateSeuNumero === 'reject' && this.boletos.by('seuNumero', seu).length > 0) {
      reject('SeuNumero', 'Já existe um boleto com o seuNumero informado.');
    }
    const nossoNumero = this.nextNossoNumero++;
    const due = vencimento as IsoDate;
    const cents = valorCents as number;
    const barcode = this.barcode(nossoNumero, due, cents);
    const b: SimBoleto = {
      id: randomUUID(),
      nossoNumero,
      seuNumero: seu ?? String(nossoNumero).slice(-10),
      clienteId: str(cliente?.clienteId) ?? randomUUID(),
      version,
      valorCents: cents,
      vencimento: due,
      emissao: this.clock.now(),
      ...(limite ? { dataLimitePagamento: limite } : {}),
      request: version === 'v1' ? { ...body, beneficiarioFinal: undefined } : body,
      barcode,
      linhaDigitavel: barcodeToLinha(barcode),
      scenario,
      history: [],
      held: [],
      requests: [],
    };
    if (
      scenario === 'PAID_ON_TIME' ||
      scenario === 'NO_WEBHOOK' ||
      scenario === 'WEBHOOKS_DUPLICATED_SHUFFLED' ||
      scenario === 'NO_PAID_PULSE'
    ) {
      b.autoPayAt = brtInstant(due, 10);
      b.autoPayCents = cents;
      if (scenario === 'NO_PAID_PULSE') b.noPaidPulse = true;
    } else if (scenario === 'PAID_LATE') {
      const days = this.config.lateScenarioDaysAfterDue;
      b.autoPayAt = brtInstant(addDays(due, days), 10);
      b.autoPayCents = cents + this.lateCharges(b, days);
    }
    this.boletos.insert(b);
    this.event(b, 1, this.clock.now());
    return b;
  }

  private barcode(nossoNumero: number, due: IsoDate, cents: number): string {
    const campoLivre = bs2CampoLivre({
      accountBlock: this.config.accountBlock,
      nossoNumero,
      trailing: this.config.trailingDigit,
    });
    return buildBarcode({ bankCode: BS2_BANK_CODE, dueDate: due, amountCents: cents, campoLivre });
  }

  /** Fine (multa.valor in reais, or the default %) + interest (multa.juros % a month, pro rata) for `days` late. */
  private lateCharges(b: SimBoleto, days: number): number {
    const multa = obj(b.request.multa);
    const fine =
      typeof multa?.valor === 'number' && multa.valor > 0
        ? Math.round(multa.valor * 100)
        : Math.round((b.valorCents * this.config.defaultLateFinePercent) / 100);
    const juros = typeof multa?.juros === 'number' ? multa.juros : 0;
    return fine + Math.round((b.valorCents * juros * days) / 100 / 30);
  }

  /** Last calendar day payment is accepted: dataLimitePagamento (+ grace) or due + 60 [C]. */
  lastPayableDay(b: SimBoleto): IsoDate {
    if (b.dataLimitePagamento) {
      const g = this.config.paymentDeadlineGraceBusinessDays;
      return g > 0 ? addBusinessDays(b.dataLimitePagamento, g) : b.dataLimitePagamento;
    }
    return addDays(b.vencimento, this.config.payableDaysAfterDue);
  }

  /**
   * A payment at the paying bank. Refused (Bs2Rejection 422) once written off, already paid, or too late. `pulse:
   * false` = paid at a bank that sends BS2 no "paid" pulse (as the ,09 scenario always is).
   */
  pay(b: SimBoleto, at: number, amountCents?: number, opts: { pulse?: boolean } = {}): SimBoleto {
    if (b.cancelledAt !== undefined) reject('Status', 'Boleto cancelado/baixado: pagamento recusado.', 422);
    if (b.paidAt !== undefined) reject('Status', 'Boleto já pago.', 422);
    if (compareIsoDates(brtDate(at), this.lastPayableDay(b)) > 0)
      reject('Vencimento', 'Boleto fora do prazo de pagamento: pagamento recusado.', 422);
    const late = compareIsoDates(brtDate(at), b.vencimento) > 0;
    const days = late ? Math.round((brtInstant(brtDate(at)) - brtInstant(b.vencimento)) / 86_400_000) : 0;
    b.valorPagoCents = amountCents ?? b.valorCents + (late ? this.lateCharges(b, days) : 0);
    b.paidAt = at;
    b.autoPayAt = undefined;
    const { min, max } = this.config.settlementBusinessDays;
    const n = min + (b.nossoNumero % (max - min + 1));
    b.settleDueAt = brtInstant(addBusinessDays(brtDate(at), n), this.config.settlementHour);
    if (opts.pulse === false) b.noPaidPulse = true;
    if (b.noPaidPulse)
      this.changed(); // BS2 hears nothing: no Status 2, no webhook
    else this.event(b, 2, at);
    return b;
  }

  settle(b: SimBoleto, at: number): SimBoleto {
    if (b.paidAt === undefined) reject('Status', 'Boleto sem pagamento identificado.', 422);
    if (b.settledAt !== undefined) reject('Status', 'Boleto já liquidado.', 422);
    b.valorLiquidadoCents = b.valorPagoCents;
    b.settledAt = at;
    b.settleDueAt = undefined;
    this.event(b, 3, at);
    return b;
  }

  /** Baixa: by the client's request (checked like BS2) or by the bank (write-off after the last payable day). */
  cancel(b: SimBoleto, at: number, reason: string, byClient: boolean): SimBoleto {
    if (b.cancelledAt !== undefined) reject('Status', 'Boleto já cancelado/baixado.');
    if (b.paidAt !== undefined) reject('Status', 'Boleto pago não pode ser baixado.');
    if (byClient && compareIsoDates(brtDate(at), addDays(b.vencimento, this.config.writeOffAllowedDaysAfterDue)) > 0) {
      reject('Vencimento', 'Prazo para solicitação de baixa expirado.');
    }
    b.cancelledAt = at;
    b.cancelReason = reason;
    b.autoPayAt = undefined;
    if (byClient) b.requests.push({ solicitacaoId: randomUUID(), kind: 'CANCELAMENTO', at, justificativa: reason });
    this.event(b, 4, at);
    return b;
  }

  changeDueDate(b: SimBoleto, vencimento: unknown): SimBoleto {
    const d = wireDate(vencimento);
    if (!d) reject('Vencimento', 'Não pode ser nulo ou vazio.');
    const due = d as IsoDate;
    if (compareIsoDates(due, this.clock.today()) <= 0)
      reject('Vencimento', 'Nova data de vencimento deve ser maior que a data de hoje.');
    if (due === b.vencimento) reject('Vencimento', 'Nova data de vencimento deve ser diferente da atual.');
    if (b.cancelledAt !== undefined || b.paidAt !== undefined)
      reject('Status', 'Boleto pago ou baixado não pode ter o vencimento alterado.');
    b.vencimento = due;
    b.barcode = this.barcode(b.nossoNumero, due, b.valorCents);
    b.linhaDigitavel = barcodeToLinha(b.barcode);
    if (b.autoPayAt !== undefined) {
      b.autoPayAt =
        b.scenario === 'PAID_LATE'
          ? brtInstant(addDays(due, this.config.lateScenarioDaysAfterDue), 10)
          : brtInstant(due, 10);
    }
    b.requests.push({ solicitacaoId: randomUUID(), kind: 'VENCIMENTO', at: this.clock.now(), vencimento: due });
    this.changed();
    return b;
  }

  /** 01:00 the day after the last payable day: when the bank writes an unpaid boleto off. */
  private readonly writeOffAt = memoPerItem<SimBoleto, number>(
    (b) => `${b.vencimento}|${b.dataLimitePagamento ?? ''}`,
    (b) => brtInstant(addDays(this.lastPayableDay(b), 1), 1),
  );

  /** Background jobs due at the clock's now, in time order. */
  runJobs(): string[] {
    const now = this.clock.now();
    const jobs: SimJob[] = [];
    for (const b of this.boletos.values()) {
      if (b.autoPayAt !== undefined && b.autoPayAt <= now) {
        const at = b.autoPayAt;
        const cents = b.autoPayCents;
        jobs.push({
          at,
          what: `paid ${b.nossoNumero}`,
          run: () => ((b.autoPayAt = undefined), this.pay(b, at, cents)),
        });
      }
      if (b.settleDueAt !== undefined && b.settleDueAt <= now) {
        const at = b.settleDueAt;
        jobs.push({ at, what: `settled ${b.nossoNumero}`, run: () => this.settle(b, at) });
      }
      if (b.cancelledAt === undefined && b.paidAt === undefined && b.autoPayAt === undefined) {
        const writeOffAt = this.writeOffAt(b);
        if (writeOffAt <= now)
          jobs.push({
            at: writeOffAt,
            what: `written off ${b.nossoNumero}`,
            run: () => this.cancel(b, writeOffAt, 'Baixa por decurso de prazo', false),
          });
      }
    }
    // e.g. an automatic payment after the deadline is refused, like the real network would.
    const done = runInOrder(jobs);
    if (done.length) this.changed();
    return done;
  }

  private event(b: SimBoleto, status: Bs2Event, at: number): void {
    b.history.push({ status, at });
    this.notify(b, status);
    this.changed();
  }

  /** One notification per event, carrying the whole status history [C]. */
  webhookBody(b: SimBoleto): Record<string, unknown> {
    const known = this.paymentKnown(b);
    const situacao =
      b.cancelledAt !== undefined ? 3 : known ? 4 : compareIsoDates(this.clock.today(), b.vencimento) > 0 ? 2 : 1;
    const time = this.config.strict ? bs2OffsetTime : brtIso;
    return {
      Id: randomUUID(),
      Conta: this.config.conta,
      DataNotificacao: time(this.clock.now()),
      NossoNumeroBoleto: b.nossoNumero,
      SeuNumeroBoleto: b.seuNumero,
      Valor: centsToReaisNumber(b.valorCents),
      ValorLiquidado:
        b.valorPagoCents === undefined || !known ? null : centsToReaisNumber(b.valorLiquidadoCents ?? b.valorPagoCents),
      SituacaoDescricao: SITUACAO_TEXT[situacao],
      Situacao: situacao,
      StatusBoleto: b.history.map((h) => ({
        Status: h.status,
        Descricao: EVENT_TEXT[h.status],
        DataStatus: time(h.at),
      })),
    };
  }

  private notify(b: SimBoleto, status: Bs2Event): void {
    if (b.scenario === 'NO_WEBHOOK') return;
    const body = this.webhookBody(b);
    if (b.scenario === 'WEBHOOKS_DUPLICATED_SHUFFLED') {
      b.held.push(body);
      if (status === 3 || status === 4) {
        const newestFirst = [...b.held].reverse();
        // Each twice, interleaved: n3, n2, n3, n1, n2, n1 …
        const order: unknown[] = [];
        newestFirst.forEach((n, i) => {
          order.push(n);
          if (i > 0) order.push(newestFirst[i - 1]);
        });
        order.push(newestFirst[newestFirst.length - 1]);
        for (const n of order) this.webhooks.enqueue(b.id, n);
        b.held = [];
      }
      return;
    }
    this.webhooks.enqueue(b.id, body);
  }

  /**
   * The documented registration response (note `codigoDeBarra`, singular, here). Strict: exactly the keys of BS2's
   * answer [3P S10 fixture, test/fixtures/bs2/register-response.json]: no dataLimitePagamento, the due date at 03:00,
   * empty parts as nulls.
   */
  registerResponse(b: SimBoleto): Record<string, unknown> {
    const r = b.request;
    const strict = this.config.strict;
    const midnight = strict ? 'T03:00:00' : 'T00:00:00';
    return {
      id: b.id,
      sacado: this.sacado(r.cliente),
      status: 1,
      nossoNumero: b.nossoNumero,
      codigoDeBarra: b.barcode,
      linhaDigitavel: b.linhaDigitavel,
      seuNumero: b.seuNumero,
      clienteId: b.clienteId,
      sacadorAvalista: this.sacado(r.sacadorAvalista),
      vencimento: `${b.vencimento}${midnight}`,
      valor: centsToReaisNumber(b.valorCents),
      canal: r.canal ?? 'API',
      multa: r.multa ?? (strict ? NULL_PARTS.multa() : { valor: 0, data: null, juros: 0 }),
      desconto:
        r.desconto ?? (strict ? NULL_PARTS.desconto() : { percentual: 0, valorFixo: 0, valorDiario: 0, limite: null }),
      mensagem: r.mensagem ?? NULL_PARTS.mensagem(),
      aceite: r.aceite ?? false,
      especie: 'Outro',
      ...(b.version === 'v2' && r.beneficiarioFinal ? { beneficiarioFinal: r.beneficiarioFinal } : {}),
      ...(!strict && b.dataLimitePagamento ? { dataLimitePagamento: `${b.dataLimitePagamento}T00:00:00` } : {}),
    };
  }

  private sacado(v: unknown): Record<string, unknown> {
    const c = obj(v);
    if (!c || (this.config.strict && !str(c.documento) && !str(c.clienteId)))
      return this.config.strict ? structuredClone(EMPTY_PARTY) : { tipo: 0, documento: null, nome: null };
    return { ...c, tipo: c.tipo === 'juridica' ? 2 : c.tipo === 'fisica' ? 1 : 0 };
  }

  /**
   * The detail view of GET /boletos/{id} (note `codigoBarras`, plural, here). Strict: exactly the keys and types of
   * BS2's answer [3P S10 fixture, test/fixtures/bs2/get-cancelled.json].
   */
  detail(b: SimBoleto): Record<string, unknown> {
    const r = b.request;
    const known = this.paymentKnown(b);
    const strict = this.config.strict;
    const time = strict ? bs2LocalTime : brtIso;
    const midnight = strict ? 'T03:00:00' : 'T00:00:00';
    const paidAt = known ? time(b.paidAt!) : null;
    return {
      id: b.id,
      nossoNumero: b.nossoNumero,
      seuNumero: b.seuNumero,
      valor: centsToReaisNumber(b.valorCents),
      valorPago: known && b.valorPagoCents !== undefined ? centsToReaisNumber(b.valorPagoCents) : null,
      valorLiquidado: b.valorLiquidadoCents === undefined ? null : centsToReaisNumber(b.valorLiquidadoCents),
      carteira: strict ? { descricao: null, codigo: 21 } : { descricao: 'Simples', codigo: '1' },
      movimento: strict ? null : (b.history.at(-1)?.status ?? 1),
      vencimento: `${b.vencimento}${midnight}`,
      emissao: time(b.emissao),
      notificacaoPagamento: paidAt,
      pagamento: paidAt,
      cancelamento:
        b.cancelledAt === undefined
          ? null
          : strict
            ? bs2LocalTime(b.cancelledAt)
            : { data: brtIso(b.cancelledAt), justificativa: b.cancelReason ?? null },
      canal: r.canal ?? 'API',
      sacado: this.sacado(r.cliente),
      sacadorAvalista: this.sacado(r.sacadorAvalista),
      codigoBarras: b.barcode,
      linhaDigitavel: b.linhaDigitavel,
      registrado: true,
      mensagem: r.mensagem ?? (strict ? NULL_PARTS.mensagem() : null),
      desconto: r.desconto ?? (strict ? NULL_PARTS.desconto() : null),
      multa: r.multa ?? (strict ? NULL_PARTS.multa() : null),
      status: this.status(b),
      naturezaDaOperacaoDePagamento: strict ? 99 : known ? 'Liquidação normal' : null,
      bancoPagamento: known ? '341' : null,
      agenciaPagamento: known ? '1500' : null,
      canalPagamento: known ? 'Internet Banking' : null,
      dataLimitePagamento: b.dataLimitePagamento ? `${b.dataLimitePagamento}${midnight}` : null,
    };
  }
}
