/**
 * What the simulated Sicoob holds and does: boletos (Cobrança Bancária v3), their alterations and write-offs, the
 * movements behind `movimentacoes` (ENTR, PROR, LIQUI, BAIX records; AVENC/VENC computed at request time), the
 * movement requests (request → processing → files), webhooks (registration, validation, situations) and the jobs
 * that pay, settle and write off boletos by scenario. Request bodies are checked against the shapes of Sicoob's
 * OpenAPI (`cobranca-v3.openapi.yaml`, test/fixtures/sicoob): a body of the wrong shape is a 406 ("erros de
 * inconsistência nos dados passados"), a business refusal a 400 ("erros de negócio"), both `MensagensErro`.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  addBusinessDays,
  addDays,
  barcodeToLinha,
  reaisNumberToCents,
  buildBarcode,
  buildDynamicPix,
  centsToReaisNumber,
  daysBetween,
  isIsoDate,
  isValidCnpj,
  isValidCpf,
  SICOOB_BANK_CODE,
  sicoobCampoLivre,
  sicoobNossoNumeroDv,
  type IsoDate,
} from '../../domain';
import { brtDate, brtInstant, type SimClock } from '../shared/clock';
import { memoPerItem, runInOrder, type SimJob } from '../shared/jobs';
import { MemoryStore } from '../shared/store';
import type { WebhookQueue } from '../shared/webhooks';
import { SICOOB_SIM_DEFAULT_CLIENT_ID, type SicoobSimConfig } from './config';
import { SICOOB_SCENARIOS, type SicoobScenario } from './scenarios';

export interface SicoobMensagem {
  codigo: string;
  mensagem: string;
}

/** A refusal answered with `MensagensErro` (400 business, 406 data, 500 internal). Codes are the simulator's own [U]. */
export class SicoobError extends Error {
  constructor(
    readonly status: 400 | 406 | 500,
    readonly mensagens: SicoobMensagem[],
  ) {
    super(mensagens.map((m) => m.mensagem).join('; '));
  }
  body(): { mensagens: SicoobMensagem[] } {
    return { mensagens: this.mensagens };
  }
}

const negocio = (codigo: string, mensagem: string) => new SicoobError(400, [{ codigo, mensagem }]);

// ---- request shapes (cobranca-v3.openapi.yaml components.schemas) ----

const int32 = z.number().int().min(-2_147_483_648).max(2_147_483_647);
const int64 = z.number().int();
const date = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && isIsoDate(s), 'data no formato yyyy-MM-dd');
const money = z.number().finite();

/** Field groups the registration and the alteration objects share. */
const descontoFields = {
  tipoDesconto: int64,
  dataPrimeiroDesconto: date.optional(),
  valorPrimeiroDesconto: money.optional(),
  dataSegundoDesconto: date.optional(),
  valorSegundoDesconto: money.optional(),
  dataTerceiroDesconto: date.optional(),
  valorTerceiroDesconto: money.optional(),
};
const multaFields = { tipoMulta: z.number().int(), dataMulta: date.optional(), valorMulta: money.optional() };
const jurosFields = {
  tipoJurosMora: z.number().int(),
  dataJurosMora: date.optional(),
  valorJurosMora: money.optional(),
};

const rateio = z.object({
  numeroBanco: int32,
  numeroAgencia: int32,
  numeroContaCorrente: z.string(),
  contaPrincipal: z.boolean(),
  codigoTipoValorRateio: int32,
  valorRateio: z.string(),
  codigoTipoCalculoRateio: int32.optional(),
  numeroCpfCnpjTitular: z.string().optional(),
  nomeTitular: z.string(),
  codigoFinalidadeTed: z.string().optional(),
  codigoTipoContaDestinoTed: z.string().optional(),
  quantidadeDiasFloat: int32.optional(),
  dataFloatCredito: date.optional(),
});

const pagador = z.object({
  numeroCpfCnpj: z.string(),
  nome: z.string(),
  endereco: z.string(),
  bairro: z.string(),
  cidade: z.string(),
  cep: z.string(),
  uf: z.string(),
  email: z.string().optional(),
});

/** `Boleto` (POST /boletos). */
export const boletoSchema = z.object({
  numeroCliente: int32,
  codigoModalidade: int32,
  numeroContaCorrente: int32,
  codigoEspecieDocumento: z.string(),
  dataEmissao: date,
  nossoNumero: int32.optional(),
  seuNumero: z.string(),
  identificacaoBoletoEmpresa: z.string().optional(),
  identificacaoEmissaoBoleto: z.number().int(),
  identificacaoDistribuicaoBoleto: z.number().int(),
  valor: money,
  dataVencimento: date,
  dataLimitePagamento: date.optional(),
  valorAbatimento: money.optional(),
  ...descontoFields,
  ...multaFields,
  ...jurosFields,
  numeroParcela: int64,
  aceite: z.boolean().optional(),
  codigoNegativacao: z.number().int().optional(),
  numeroDiasNegativacao: z.number().int().optional(),
  codigoProtesto: z.number().int().optional(),
  numeroDiasProtesto: z.number().int().optional(),
  pagador,
  beneficiarioFinal: z.object({ numeroCpfCnpj: z.string().optional(), nome: z.string().optional() }).optional(),
  mensagensInstrucao: z.array(z.string()).optional(),
  gerarPdf: z.boolean().optional(),
  rateioCreditos: z.array(rateio).optional(),
  codigoCadastrarPIX: z.number().int().optional(),
  numeroContratoCobranca: int64.optional(),
});
export type SicoobBoletoRequest = z.infer<typeof boletoSchema>;

const ALTERATION_OBJECTS = {
  especieDocumento: z.object({ codigoEspecieDocumento: z.string() }),
  seuNumero: z.object({ seuNumero: z.string(), identificacaoBoletoEmpresa: z.string().optional() }),
  desconto: z.object(descontoFields),
  abatimento: z.object({ valorAbatimento: money }),
  multa: z.object(multaFields),
  jurosMora: z.object(jurosFields),
  rateioCredito: z.object({ tipoOperacao: int32, rateioCreditos: z.array(rateio) }),
  pix: z.object({ utilizarPix: z.boolean() }),
  prorrogacaoVencimento: z.object({ dataVencimento: date }),
  prorrogacaoLimitePagamento: z.object({ dataLimitePagamento: date }),
  valorNominal: z.object({ valor: money }),
} as const;
export type SicoobAlteration = keyof typeof ALTERATION_OBJECTS;

/** `BoletoAlteracao` (PATCH /boletos/{nossoNumero}). */
export const alteracaoSchema = z.object({
  numeroCliente: int64,
  codigoModalidade: int32,
  numeroContratoCobranca: int64.optional(),
  ...Object.fromEntries(Object.entries(ALTERATION_OBJECTS).map(([k, v]) => [k, v.optional()])),
}) as z.ZodType<
  { numeroCliente: number; codigoModalidade: number; numeroContratoCobranca?: number } & {
    [K in SicoobAlteration]?: z.infer<(typeof ALTERATION_OBJECTS)[K]>;
  }
>;

export const baixaSchema = z.object({ numeroCliente: int32, codigoModalidade: int32 });
/** `Negativacao` and `Protesto` (the same shape; `codigoModalidade` is a `number` there). */
export const apontamentoSchema = z.object({
  numeroCliente: int32,
  codigoModalidade: z.number(),
  numeroContratoCobranca: int64.optional(),
});
export const pagadorSchema = pagador.extend({ numeroCliente: int32 });
export const movimentacaoSchema = z.object({
  numeroCliente: int32,
  tipoMovimento: int32,
  dataInicial: date,
  dataFinal: date,
});
export const webhookCadastroSchema = z.object({
  url: z.string(),
  codigoTipoMovimento: int32,
  codigoPeriodoMovimento: int32,
  email: z.string().optional(),
});
export const webhookAlteracaoSchema = z.object({ url: z.string(), email: z.string().optional() });

/** Parses a body or throws the 406 naming each field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  throw new SicoobError(
    406,
    r.error.issues.map((i) => ({
      codigo: '406',
      mensagem: `${i.path.length ? i.path.join('.') : 'body'}: ${i.message}`,
    })),
  );
}

// ---- state ----

export type SituacaoBoleto = 'Em Aberto' | 'Baixado' | 'Liquidado';

export interface SimSicoobBoleto {
  /** String(nossoNumero). */
  id: string;
  /** The app that registered it: its notifications go to that app's webhooks [U]. */
  clientId?: string;
  nossoNumero: number;
  request: SicoobBoletoRequest;
  valorCents: number;
  dataVencimento: IsoDate;
  dataLimitePagamento?: IsoDate;
  seuNumero: string;
  codigoBarras: string;
  linhaDigitavel: string;
  qrCode?: string;
  situacao: SituacaoBoleto;
  scenario: SicoobScenario;
  registeredAt: number;
  history: { dataHistorico: IsoDate; tipoHistorico: string; descricaoHistorico: string }[];
  payment?: { at: number; cents: number; channel: 'boleto' | 'pix' };
  settlement?: { at: number };
  baixa?: { at: number; idTipoOpFinanceira: number; tipoOpFinanceira: string };
  apontamentos: string[];
}

/** One movement of the carteira, as the movement files list it (OpenAPI `arquivo` description). */
export interface SimMovement {
  sigla: 'ENTR' | 'PROR' | 'LIQUI' | 'BAIX';
  at: number;
  nossoNumero: number;
  fields: Record<string, unknown>;
}

export interface SimMovementRequest {
  codigoSolicitacao: number;
  numeroCliente: number;
  tipoMovimento: number;
  dataInicial: IsoDate;
  dataFinal: IsoDate;
  requestedAt: number;
  readyAt: number;
  /** Records frozen when the request is processed (ready). */
  records?: Record<string, unknown>[];
}

export interface SimWebhook {
  idWebhook: number;
  /**
   * The app that registered it (the token's client_id): S1's registration names no contract, so the authenticated app
   * owns it [U]; one webhook per tipo per app, and an app sees and changes its own only.
   */
  clientId: string;
  url: string;
  email?: string;
  codigoTipoMovimento: number;
  codigoPeriodoMovimento: number;
  codigoSituacao: 1 | 2 | 3;
  dataHoraCadastro: number;
  dataHoraUltimaAlteracao?: number;
  dataHoraInativacao?: number;
  descricaoMotivoInativacao?: string;
  /** The delivery that validates the current URL. */
  validationDeliveryId?: string;
  /** Last registration, URL change or reactivation: deliveries given up before it do not count. */
  activeSince?: number;
}

/** One notification request of a webhook (the delivery log of `GET /webhooks/{id}/solicitacoes`). */
export interface SimSolicitacao {
  idWebhook: number;
  deliveryId: string;
  createdAt: number;
  validacaoWebhook: boolean;
  nossoNumero?: number;
  codigoBarras?: string;
  url: string;
}

export const TIPOS_MOVIMENTO: Record<number, { sigla: string; descricao: string }> = {
  1: { sigla: 'ENTR', descricao: 'Entrada' },
  2: { sigla: 'PROR', descricao: 'Prorrogação' },
  3: { sigla: 'AVENC', descricao: 'A Vencer' },
  4: { sigla: 'VENC', descricao: 'Vencido' },
  5: { sigla: 'LIQUI', descricao: 'Liquidação' },
  6: { sigla: 'BAIX', descricao: 'Baixa' },
  7: { sigla: 'OCRED', descricao: 'Vinculado Operações Crédito' },
};

export const WEBHOOK_TIPOS: Record<number, string> = { 7: 'Pagamento (Baixa operacional)' };
export const WEBHOOK_PERIODOS: Record<number, string> = { 1: 'Movimento atual (D0)' };
export const WEBHOOK_SITUACOES: Record<1 | 2 | 3, string> = {
  1: 'Aguardando validação',
  2: 'Validado com sucesso',
  3: 'Inativo',
};

/** "yyyy-MM-ddTHH:mm:ss-03:00", the movement files' format. */
export function brtSeconds(ms: number): string {
  return new Date(ms - 3 * 3600_000).toISOString().slice(0, 19) + '-03:00';
}

const reais = (cents: number): number => centsToReaisNumber(cents);

export class SicoobBank {
  readonly boletos = new MemoryStore<SimSicoobBoleto, 'linha' | 'barcode' | 'payer' | 'seuNumero'>({
    linha: (b) => b.linhaDigitavel,
    barcode: (b) => b.codigoBarras,
    payer: (b) => b.request.pagador.numeroCpfCnpj,
    seuNumero: (b) => b.seuNumero,
  });
  movements: SimMovement[] = [];
  movementRequests: SimMovementRequest[] = [];
  webhooksRegistered: SimWebhook[] = [];
  solicitacoes: SimSolicitacao[] = [];
  /** Registration attempts per seuNumero (scenario UNAVAILABLE_FIRST_N). */
  attempts = new Map<string, number>();
  private nextNossoNumero: number;
  private nextIds = { solicitacao: 1, webhook: 1 };

  constructor(
    readonly config: SicoobSimConfig,
    private readonly clock: SimClock,
    private readonly webhooks: WebhookQueue,
    private readonly changed: () => void = () => undefined,
  ) {
    this.nextNossoNumero = config.faixa.numeroInicial;
  }

  // ---- registration ----

  private nossoNumeroFor(n: number): number {
    const b = this.config.beneficiary;
    return this.config.faixa.validaDigitoVerificadorNossoNumero
      ? n * 10 + sicoobNossoNumeroDv({ cooperativa: b.cooperativa, codigoCliente: b.codigoCliente, nossoNumero: n })
      : n;
  }

  /** The nosso número sent by the client: inside the range and, with the DV flag, ending in its DV. */
  private checkNossoNumero(nn: number): void {
    const { faixa } = this.config;
    const base = faixa.validaDigitoVerificadorNossoNumero ? Math.floor(nn / 10) : nn;
    if (base < faixa.numeroInicial || base > faixa.numeroFinal)
      throw negocio('4101', `Nosso número ${nn} fora da faixa disponível para o beneficiário.`);
    if (faixa.validaDigitoVerificadorNossoNumero && this.nossoNumeroFor(base) !== nn)
      throw negocio('4102', `Dígito verificador do nosso número ${nn} inválido.`);
    if (this.boletos.get(String(nn))) throw negocio('4103', `Nosso número ${nn} já cadastrado para o beneficiário.`);
  }

  private assignNossoNumero(): number {
    for (;;) {
      const base = this.nextNossoNumero++;
      if (base > this.config.faixa.numeroFinal)
        throw negocio('4104', 'Não há nosso número disponível na faixa do beneficiário.');
      const nn = this.nossoNumeroFor(base);
      if (!this.boletos.get(String(nn))) return nn;
    }
  }

  checkContract(numeroCliente: number, codigoModalidade: number): void {
    if (numeroCliente !== this.config.beneficiary.numeroCliente)
      throw negocio('4001', `Número do cliente ${numeroCliente} não pertence ao beneficiário autenticado.`);
    if (!this.config.modalidades.includes(codigoModalidade))
      throw negocio('4002', `Modalidade ${codigoModalidade} não permitida para o contrato.`);
  }

  private numbers(
    nossoNumero: number,
    dataVencimento: IsoDate,
    valorCents: number,
    parcela: number,
  ): { codigoBarras: string; linhaDigitavel: string } {
    const b = this.config.beneficiary;
    const base = this.config.faixa.validaDigitoVerificadorNossoNumero ? Math.floor(nossoNumero / 10) : nossoNumero;
    const campoLivre = sicoobCampoLivre({
      cooperativa: b.cooperativa,
      codigoCliente: b.codigoCliente,
      nossoNumero: base,
      parcela,
    });
    const codigoBarras = buildBarcode({
      bankCode: SICOOB_BANK_CODE,
      dueDate: dataVencimento,
      amountCents: valorCents,
      campoLivre,
    });
    return { codigoBarras, linhaDigitavel: barcodeToLinha(codigoBarras) };
  }

  private qrCodeFor(): string {
    const b = this.config.beneficiary;
    return buildDynamicPix({
      locationUrl: `${this.config.pixLocationHost}/${randomUUID()}`,
      merchantName: b.nome,
      merchantCity: b.city,
    });
  }

  /** POST /boletos. Returns the boleto, or throws SicoobError; `lost` tells the server to drop the connection. */
  register(
    req: SicoobBoletoRequest,
    clientId: string = SICOOB_SIM_DEFAULT_CLIENT_ID,
  ): { boleto: SimSicoobBoleto; lost: boolean } {
    let valorCents: number;
    try {
      valorCents = reaisNumberToCents(req.valor, 'valor');
    } catch {
      throw new SicoobError(406, [{ codigo: '406', mensagem: 'valor: deve ter no máximo 2 casas decimais' }]);
    }
    const scenario = SICOOB_SCENARIOS.forAmount(valorCents);
    if (scenario === 'UNAVAILABLE_FIRST_N') {
      const n = (this.attempts.get(req.seuNumero) ?? 0) + 1;
      this.attempts.set(req.seuNumero, n);
      this.changed();
      if (n <= this.config.unavailableFirstN)
        throw new SicoobError(500, [{ codigo: '5000', mensagem: 'Erro interno. Tente novamente mais tarde.' }]);
    }
    this.checkContract(req.numeroCliente, req.codigoModalidade);
    if (req.numeroContaCorrente !== 0 && req.numeroContaCorrente !== this.config.beneficiary.numeroContaCorrente) {
      throw negocio('4003', `Conta corrente ${req.numeroContaCorrente} não vinculada ao contrato de cobrança.`);
    }
    if (scenario === 'REJECTED') throw negocio('4005', 'Pagador com restrição para emissão de boletos.');
    if (valorCents <= 0) throw negocio('4006', 'Valor do boleto deve ser maior que zero.');
    if (req.seuNumero.length > 18) throw negocio('4007', 'Seu número deve ter no máximo 18 caracteres.');
    if (!isValidCpf(req.pagador.numeroCpfCnpj) && !isValidCnpj(req.pagador.numeroCpfCnpj))
      throw negocio('4012', 'CPF/CNPJ do pagador inválido.');
    if (req.pagador.nome.length > 50) throw negocio('4008', 'Nome do pagador deve ter no máximo 50 caracteres.');
    if (req.numeroParcela < 1 || req.numeroParcela > 99)
      throw negocio('4009', 'Número da parcela deve estar entre 1 e 99.');
    const today = this.clock.today();
    if (req.dataVencimento < today) throw negocio('4010', 'Data de vencimento não pode ser anterior à data atual.');
    if (req.dataLimitePagamento !== undefined && req.dataLimitePagamento < req.dataVencimento)
      throw negocio('4011', 'Data limite de pagamento não pode ser anterior à data de vencimento.');
    if (req.nossoNumero !== undefined) this.checkNossoNumero(req.nossoNumero);
    const nossoNumero = req.nossoNumero ?? this.assignNossoNumero();
    const now = this.clock.now();
    const boleto: SimSicoobBoleto = {
      id: String(nossoNumero),
      clientId,
      nossoNumero,
      request: { ...req, nossoNumero },
      valorCents,
      dataVencimento: req.dataVencimento,
      ...(req.dataLimitePagamento ? { dataLimitePagamento: req.dataLimitePagamento } : {}),
      seuNumero: req.seuNumero,
      ...this.numbers(nossoNumero, req.dataVencimento, valorCents, req.numeroParcela),
      ...(req.codigoCadastrarPIX === 1 ? { qrCode: this.qrCodeFor() } : {}),
      situacao: 'Em Aberto',
      scenario,
      registeredAt: now,
      history: [{ dataHistorico: today, tipoHistorico: '1', descricaoHistorico: 'ENTRADA DE TÍTULO' }],
      apontamentos: [],
    };
    this.boletos.insert(boleto);
    this.movements.push({ sigla: 'ENTR', at: now, nossoNumero, fields: { dataMovimentoEntrada: brtSeconds(now) } });
    this.changed();
    return { boleto, lost: scenario === 'LOST_RESPONSE' };
  }

  // ---- look-ups ----

  find(q: { nossoNumero?: number; linhaDigitavel?: string; codigoBarras?: string }): SimSicoobBoleto | undefined {
    if (q.codigoBarras) return this.boletos.by('barcode', q.codigoBarras)[0];
    if (q.linhaDigitavel) return this.boletos.by('linha', q.linhaDigitavel)[0];
    return q.nossoNumero === undefined ? undefined : this.boletos.get(String(q.nossoNumero));
  }

  byPayer(
    cpfCnpj: string,
    filter: { codigoSituacao?: number; dataInicio?: IsoDate; dataFim?: IsoDate },
  ): SimSicoobBoleto[] {
    const situacao: Record<number, SituacaoBoleto> = { 1: 'Em Aberto', 2: 'Baixado', 3: 'Liquidado' };
    return this.boletos
      .by('payer', cpfCnpj)
      .filter((b) => filter.codigoSituacao === undefined || b.situacao === situacao[filter.codigoSituacao])
      .filter(
        (b) =>
          (filter.dataInicio === undefined || b.dataVencimento >= filter.dataInicio) &&
          (filter.dataFim === undefined || b.dataVencimento <= filter.dataFim),
      );
  }

  private open(nossoNumero: number): SimSicoobBoleto {
    const b = this.boletos.get(String(nossoNumero));
    if (!b) throw negocio('4201', `Boleto com nosso número ${nossoNumero} não encontrado.`);
    if (b.situacao !== 'Em Aberto')
      throw negocio('4202', `Boleto ${nossoNumero} não está em aberto (situação: ${b.situacao}).`);
    return b;
  }

  // ---- alterations, baixa, apontamentos ----

  /** PATCH /boletos/{nossoNumero}: exactly one alteration object per request (the operation's description). */
  alter(nossoNumero: number, body: z.infer<typeof alteracaoSchema>): void {
    this.checkContract(body.numeroCliente, body.codigoModalidade);
    const present = (Object.keys(ALTERATION_OBJECTS) as SicoobAlteration[]).filter((k) => body[k] !== undefined);
    if (present.length !== 1) {
      throw negocio(
        '4301',
        `Deve ser feita a alteração de somente um objeto do boleto por requisição (informados: ${present.length ? present.join(', ') : 'nenhum'}).`,
      );
    }
    const b = this.open(nossoNumero);
    const today = this.clock.today();
    const r = b.request;
    switch (present[0]!) {
      case 'prorrogacaoVencimento': {
        const { dataVencimento } = body.prorrogacaoVencimento!;
        if (dataVencimento < today)
          throw negocio('4302', 'Nova data de vencimento não pode ser anterior à data atual.');
        const anterior = b.dataVencimento;
        b.dataVencimento = dataVencimento;
        r.dataVencimento = dataVencimento;
        if (b.dataLimitePagamento !== undefined && b.dataLimitePagamento < dataVencimento)
          b.dataLimitePagamento = r.dataLimitePagamento = dataVencimento;
        Object.assign(b, this.numbers(b.nossoNumero, dataVencimento, b.valorCents, r.numeroParcela));
        this.movements.push({
          sigla: 'PROR',
          at: this.clock.now(),
          nossoNumero: b.nossoNumero,
          fields: {
            dataMovimentoProrrogacao: brtSeconds(this.clock.now()),
            dataVencimentoAnterior: `${anterior}T00:00:00-03:00`,
          },
        });
        b.history.push({
          dataHistorico: today,
          tipoHistorico: '2',
          descricaoHistorico: `PRORROGAÇÃO DE VENCIMENTO PARA ${dataVencimento}`,
        });
        break;
      }
      case 'prorrogacaoLimitePagamento': {
        const { dataLimitePagamento } = body.prorrogacaoLimitePagamento!;
        if (dataLimitePagamento < b.dataVencimento)
          throw negocio('4303', 'Data limite de pagamento não pode ser anterior à data de vencimento.');
        b.dataLimitePagamento = r.dataLimitePagamento = dataLimitePagamento;
        break;
      }
      case 'valorNominal': {
        const cents = reaisNumberToCents(body.valorNominal!.valor, 'valor');
        if (cents <= 0) throw negocio('4304', 'Valor nominal deve ser maior que zero.');
        b.valorCents = cents;
        r.valor = body.valorNominal!.valor;
        Object.assign(b, this.numbers(b.nossoNumero, b.dataVencimento, cents, r.numeroParcela));
        break;
      }
      case 'pix':
        if (body.pix!.utilizarPix) b.qrCode ??= this.qrCodeFor();
        else delete b.qrCode;
        r.codigoCadastrarPIX = body.pix!.utilizarPix ? 1 : 2;
        break;
      case 'seuNumero':
        r.seuNumero = body.seuNumero!.seuNumero;
        if (body.seuNumero!.identificacaoBoletoEmpresa !== undefined)
          r.identificacaoBoletoEmpresa = body.seuNumero!.identificacaoBoletoEmpresa;
        break;
      case 'especieDocumento':
        r.codigoEspecieDocumento = body.especieDocumento!.codigoEspecieDocumento;
        break;
      case 'rateioCredito':
        r.rateioCreditos = body.rateioCredito!.rateioCreditos;
        break;
      default:
        Object.assign(r, body[present[0]!]);
    }
    this.changed();
  }

  /** POST /boletos/{nossoNumero}/baixar. */
  baixar(nossoNumero: number, body: z.infer<typeof baixaSchema>): void {
    this.checkContract(body.numeroCliente, body.codigoModalidade);
    this.writeOff(this.open(nossoNumero), this.clock.now(), 82, '02 - A Pedido do Cedente');
  }

  /** Negativação / protesto commands: recorded, no further effect here. */
  apontar(nossoNumero: number, body: z.infer<typeof apontamentoSchema>, what: string): void {
    this.checkContract(body.numeroCliente, body.codigoModalidade);
    const b = this.boletos.get(String(nossoNumero));
    if (!b) throw negocio('4201', `Boleto com nosso número ${nossoNumero} não encontrado.`);
    if (what.startsWith('POST') && (b.situacao !== 'Em Aberto' || b.dataVencimento >= this.clock.today()))
      throw negocio('4401', 'Somente boletos vencidos e não pagos podem ser protestados ou negativados.');
    b.apontamentos.push(`${what} ${brtSeconds(this.clock.now())}`);
    this.changed();
  }

  /** PUT /pagadores: the payer's data on every boleto of that payer. */
  updatePayer(body: z.infer<typeof pagadorSchema>): void {
    if (body.numeroCliente !== this.config.beneficiary.numeroCliente)
      throw negocio('4001', `Número do cliente ${body.numeroCliente} não pertence ao beneficiário autenticado.`);
    const list = this.boletos.by('payer', body.numeroCpfCnpj);
    if (list.length === 0) throw negocio('4501', 'Pagador não encontrado para o beneficiário.');
    const { numeroCliente: _n, ...p } = body;
    for (const b of list) b.request.pagador = { ...b.request.pagador, ...p };
    this.changed();
  }

  // ---- events ----

  /** Baixa operacional: the payment is known (type 7 notifications unless NO_NOTIFICATION). */
  pay(b: SimSicoobBoleto, at: number, channel: 'boleto' | 'pix' = 'boleto', cents = b.valorCents): void {
    if (b.payment) return;
    if (b.situacao !== 'Em Aberto') throw new Error(`boleto ${b.id} is ${b.situacao}`);
    b.payment = { at, cents, channel };
    if (b.scenario !== 'NO_NOTIFICATION') this.notify(b);
    if (channel === 'pix') this.settle(b, at);
    this.changed();
  }

  /** Liquidação: `Liquidado`, a LIQUI record. */
  settle(b: SimSicoobBoleto, at: number): void {
    if (!b.payment) this.pay(b, at);
    if (b.settlement) return;
    b.settlement = { at };
    b.situacao = 'Liquidado';
    const pix = b.payment!.channel === 'pix';
    b.history.push({
      dataHistorico: brtDate(at),
      tipoHistorico: '5',
      descricaoHistorico: pix ? 'LIQUIDAÇÃO VIA PIX' : 'LIQUIDAÇÃO VIA COMPENSAÇÃO',
    });
    this.movements.push({
      sigla: 'LIQUI',
      at,
      nossoNumero: b.nossoNumero,
      fields: {
        dataMovimentoLiquidacao: brtSeconds(at),
        dataLiquidacao: brtSeconds(b.payment!.at),
        dataPrevisaoCredito: `${brtDate(at)}T00:00:00-03:00`,
        numeroBancoRecebedor: pix ? 756 : 341,
        numeroAgenciaRecebedora: pix ? Number(this.config.beneficiary.cooperativa) : 1500,
        numeroContaCorrente: this.config.beneficiary.numeroContaCorrente,
        idTipoOpFinanceira: pix ? 212 : 58,
        tipoOpFinanceira: pix ? '07 - Via Pix' : '04 - Via Compensação',
        valorAbatimento: reais(0),
        valorDesconto: reais(0),
        valorMora: reais(Math.max(0, b.payment!.cents - b.valorCents)),
        valorLiquido: reais(b.payment!.cents),
        valorTarifaMovimento: reais(0),
        tipoCarteiraOpCredito: 'COBRANÇA',
      },
    });
    this.changed();
  }

  writeOff(
    b: SimSicoobBoleto,
    at: number,
    idTipoOpFinanceira = 11,
    tipoOpFinanceira = '01 - Por Decurso de Prazo',
  ): void {
    if (b.situacao !== 'Em Aberto') throw new Error(`boleto ${b.id} is ${b.situacao}`);
    b.situacao = 'Baixado';
    b.baixa = { at, idTipoOpFinanceira, tipoOpFinanceira };
    b.history.push({
      dataHistorico: brtDate(at),
      tipoHistorico: '6',
      descricaoHistorico: `BAIXA - ${tipoOpFinanceira.slice(5).toUpperCase()}`,
    });
    this.movements.push({
      sigla: 'BAIX',
      at,
      nossoNumero: b.nossoNumero,
      fields: {
        dataMovimentoLiquidacao: brtSeconds(at),
        dataLiquidacao: brtSeconds(at),
        idTipoOpFinanceira,
        tipoOpFinanceira,
        valorTarifaMovimento: reais(0),
      },
    });
    this.changed();
  }

  /** The boleto's notification body [U: no public source shows it; docs/banks/sicoob.md]. */
  notificationBody(b: SimSicoobBoleto): Record<string, unknown> {
    return {
      codigoTipoMovimento: 7,
      descricaoTipoMovimento: WEBHOOK_TIPOS[7],
      numeroCliente: this.config.beneficiary.numeroCliente,
      codigoModalidade: b.request.codigoModalidade,
      nossoNumero: b.nossoNumero,
      seuNumero: b.seuNumero,
      codigoBarras: b.codigoBarras,
      linhaDigitavel: b.linhaDigitavel,
      valorTitulo: reais(b.valorCents),
      valorPagamento: reais(b.payment!.cents),
      dataHoraPagamento: brtSeconds(b.payment!.at),
      tipoPagamento: b.payment!.channel === 'pix' ? 'PIX' : 'BOLETO',
    };
  }

  private notify(b: SimSicoobBoleto): void {
    this.syncWebhooks(); // a URL validated (or a webhook inactivated) since the last look counts now
    for (const w of this.webhooksRegistered) {
      if (w.clientId !== (b.clientId ?? SICOOB_SIM_DEFAULT_CLIENT_ID)) continue;
      if (w.codigoTipoMovimento !== 7 || w.codigoSituacao === 3) continue;
      if (this.config.webhookValidation && w.codigoSituacao !== 2) continue;
      const d = this.webhooks.enqueue(`${b.nossoNumero}:7`, this.notificationBody(b), 0, { url: w.url });
      this.solicitacoes.push({
        idWebhook: w.idWebhook,
        deliveryId: d.deliveryId,
        createdAt: this.clock.now(),
        validacaoWebhook: false,
        nossoNumero: b.nossoNumero,
        codigoBarras: b.codigoBarras,
        url: w.url,
      });
    }
  }

  // ---- webhooks ----

  private validate(w: SimWebhook): void {
    w.activeSince = this.clock.now();
    if (!this.config.webhookValidation) {
      w.codigoSituacao = 2;
      return;
    }
    w.codigoSituacao = 1;
    const d = this.webhooks.enqueue(
      `webhook:${w.idWebhook}:validacao`,
      { validacaoWebhook: true, idWebhook: w.idWebhook, codigoTipoMovimento: w.codigoTipoMovimento },
      0,
      { url: w.url },
    );
    w.validationDeliveryId = d.deliveryId;
    this.solicitacoes.push({
      idWebhook: w.idWebhook,
      deliveryId: d.deliveryId,
      createdAt: this.clock.now(),
      validacaoWebhook: true,
      url: w.url,
    });
  }

  createWebhook(
    body: z.infer<typeof webhookCadastroSchema>,
    clientId: string = SICOOB_SIM_DEFAULT_CLIENT_ID,
  ): SimWebhook {
    if (!WEBHOOK_TIPOS[body.codigoTipoMovimento])
      throw negocio('4601', `Tipo de movimento ${body.codigoTipoMovimento} não permitido para webhook.`);
    if (!WEBHOOK_PERIODOS[body.codigoPeriodoMovimento])
      throw negocio('4602', `Período de movimento ${body.codigoPeriodoMovimento} não permitido para webhook.`);
    if (!/^https?:\/\/\S+$/.test(body.url)) throw negocio('4603', 'URL do webhook inválida.');
    if (this.webhooksOf(clientId).some((w) => w.codigoTipoMovimento === body.codigoTipoMovimento))
      throw negocio('4604', `Já existe webhook cadastrado para o tipo de movimento ${body.codigoTipoMovimento}.`);
    const w: SimWebhook = {
      idWebhook: this.nextIds.webhook++,
      clientId,
      url: body.url,
      ...(body.email ? { email: body.email } : {}),
      codigoTipoMovimento: body.codigoTipoMovimento,
      codigoPeriodoMovimento: body.codigoPeriodoMovimento,
      codigoSituacao: 1,
      dataHoraCadastro: this.clock.now(),
    };
    this.webhooksRegistered.push(w);
    this.validate(w);
    this.changed();
    return w;
  }

  /** The webhooks an app registered. */
  webhooksOf(clientId: string): SimWebhook[] {
    return this.webhooksRegistered.filter((w) => w.clientId === clientId);
  }

  /** A webhook by id, among the app's own when `clientId` is given (another app's is "não encontrado"). */
  webhook(id: number, clientId?: string): SimWebhook {
    const w = this.webhooksRegistered.find(
      (x) => x.idWebhook === id && (clientId === undefined || x.clientId === clientId),
    );
    if (!w) throw negocio('4605', `Webhook ${id} não encontrado.`);
    return w;
  }

  updateWebhook(id: number, body: z.infer<typeof webhookAlteracaoSchema>, clientId?: string): void {
    const w = this.webhook(id, clientId);
    if (!/^https?:\/\/\S+$/.test(body.url)) throw negocio('4603', 'URL do webhook inválida.');
    const urlChanged = body.url !== w.url;
    w.url = body.url;
    if (body.email !== undefined) w.email = body.email;
    w.dataHoraUltimaAlteracao = this.clock.now();
    // "Ao modificar a URL, a situação do webhook será automaticamente alterada para '1 - Aguardando validação'".
    if (urlChanged) this.validate(w);
    this.changed();
  }

  deleteWebhook(id: number, clientId?: string): void {
    this.webhook(id, clientId);
    this.webhooksRegistered = this.webhooksRegistered.filter((w) => w.idWebhook !== id);
    this.changed();
  }

  reactivateWebhook(id: number, clientId?: string): void {
    const w = this.webhook(id, clientId);
    if (w.codigoSituacao !== 3) throw negocio('4606', `Webhook ${id} não está inativo.`);
    delete w.dataHoraInativacao;
    delete w.descricaoMotivoInativacao;
    w.dataHoraUltimaAlteracao = this.clock.now();
    this.validate(w);
    this.changed();
  }

  /** Webhook situations follow their deliveries: a validated URL → 2; a notification given up → 3 (Inativo). */
  syncWebhooks(): void {
    const byId = new Map(this.webhooks.list().map((d) => [d.deliveryId, d]));
    for (const w of this.webhooksRegistered) {
      if (w.codigoSituacao === 1 && w.validationDeliveryId && byId.get(w.validationDeliveryId)?.state === 'DELIVERED') {
        w.codigoSituacao = 2;
        this.changed();
      }
      if (w.codigoSituacao === 3) continue;
      const failed = this.solicitacoes.find(
        (s) =>
          s.idWebhook === w.idWebhook &&
          s.createdAt >= (w.activeSince ?? 0) &&
          byId.get(s.deliveryId)?.state === 'GAVE_UP',
      );
      if (failed) {
        w.codigoSituacao = 3;
        w.dataHoraInativacao = this.clock.now();
        w.descricaoMotivoInativacao = 'Erro ao enviar notificação';
        this.changed();
      }
    }
  }

  // ---- movimentações ----

  requestMovements(body: z.infer<typeof movimentacaoSchema>): SimMovementRequest {
    if (body.numeroCliente !== this.config.beneficiary.numeroCliente)
      throw negocio('4001', `Número do cliente ${body.numeroCliente} não pertence ao beneficiário autenticado.`);
    if (!TIPOS_MOVIMENTO[body.tipoMovimento])
      throw negocio('4701', `Tipo de movimento ${body.tipoMovimento} inválido.`);
    const span = daysBetween(body.dataInicial, body.dataFinal);
    if (span < 0) throw negocio('4702', 'Data final deve ser maior ou igual à data inicial.');
    if (span > this.config.movementMaxDays)
      throw negocio(
        '4703',
        `As consultas estão limitadas em um período máximo de ${this.config.movementMaxDays} dias.`,
      );
    if (body.dataFinal > this.clock.today()) throw negocio('4704', 'Data final não pode ser posterior à data atual.');
    const now = this.clock.now();
    const r: SimMovementRequest = {
      codigoSolicitacao: this.nextIds.solicitacao++,
      ...body,
      requestedAt: now,
      readyAt: now + this.config.movementProcessingSeconds * 1000,
    };
    this.movementRequests.push(r);
    this.changed();
    return r;
  }

  movementRequest(numeroCliente: number, codigoSolicitacao: number): SimMovementRequest {
    const r = this.movementRequests.find(
      (x) => x.codigoSolicitacao === codigoSolicitacao && x.numeroCliente === numeroCliente,
    );
    if (!r) throw negocio('4705', `Solicitação ${codigoSolicitacao} não encontrada.`);
    if (r.records === undefined && this.clock.now() >= r.readyAt) {
      r.records = this.records(r);
      this.changed();
    }
    return r;
  }

  private records(r: SimMovementRequest): Record<string, unknown>[] {
    const tipo = TIPOS_MOVIMENTO[r.tipoMovimento]!;
    const b0 = this.config.beneficiary;
    const base = (b: SimSicoobBoleto): Record<string, unknown> => ({
      codigoTipoMovimento: r.tipoMovimento,
      siglaMovimento: tipo.sigla,
      dataInicioMovimento: `${r.dataInicial}T00:00:00-03:00`,
      dataFimMovimento: `${r.dataFinal}T23:59:59-03:00`,
      numeroCliente: b0.numeroCliente,
      numeroContrato: b0.numeroCliente,
      modalidade: b.request.codigoModalidade,
      numeroTitulo: b.nossoNumero,
      seuNumero: b.seuNumero,
      dataVencimentoTitulo: `${b.dataVencimento}T00:00:00-03:00`,
      valorTitulo: reais(b.valorCents),
      codigoBarras: b.codigoBarras,
    });
    const inWindow = (at: number) => brtDate(at) >= r.dataInicial && brtDate(at) <= r.dataFinal;
    if (tipo.sigla === 'AVENC' || tipo.sigla === 'VENC') {
      const today = brtDate(r.readyAt);
      return this.boletos
        .filter(
          (b) =>
            b.situacao === 'Em Aberto' &&
            (tipo.sigla === 'AVENC' ? b.dataVencimento >= today : b.dataVencimento < today),
        )
        .map((b) => ({
          ...base(b),
          ...(tipo.sigla === 'AVENC'
            ? {
                dataEmissaoDocumento: `${b.request.dataEmissao}T00:00:00-03:00`,
                numeroContaCorrente: b0.numeroContaCorrente,
              }
            : {
                qtdDiasVencido: daysBetween(b.dataVencimento, today),
                valorAbatimento: b.request.valorAbatimento ?? 0,
                valorTituloAtualizado: reais(b.valorCents),
              }),
        }));
    }
    return this.movements
      .filter((m) => m.sigla === tipo.sigla && inWindow(m.at))
      .flatMap((m) => {
        const b = this.boletos.get(String(m.nossoNumero));
        return b ? [{ ...base(b), ...m.fields }] : [];
      });
  }

  // ---- jobs ----

  private readonly dueJobsOf = memoPerItem(
    (b: SimSicoobBoleto) =>
      `${b.situacao}|${b.dataVencimento}|${b.dataLimitePagamento ?? ''}|${b.payment?.at ?? ''}|${b.settlement?.at ?? ''}`,
    (b: SimSicoobBoleto): { at: number; what: string; run: (b: SimSicoobBoleto) => void }[] => {
      if (b.situacao !== 'Em Aberto') return [];
      const c = this.config;
      switch (b.scenario) {
        case 'PAID_AND_SETTLED':
        case 'NO_NOTIFICATION':
        case 'PAID_NOT_SETTLED': {
          if (!b.payment)
            return [
              {
                at: brtInstant(b.dataVencimento, 10),
                what: `paid ${b.id}`,
                run: (x) => this.pay(x, brtInstant(x.dataVencimento, 10)),
              },
            ];
          if (b.scenario === 'PAID_NOT_SETTLED') return [];
          const day = addBusinessDays(brtDate(b.payment.at), c.settlementBusinessDays);
          return [
            {
              at: brtInstant(day, c.settlementHour),
              what: `settled ${b.id}`,
              run: (x) => this.settle(x, brtInstant(day, c.settlementHour)),
            },
          ];
        }
        case 'PIX_PAID': {
          if (!b.qrCode) return [];
          const at = b.registeredAt + c.pixPaymentAfterMinutes * 60_000;
          return [{ at, what: `paid by Pix ${b.id}`, run: (x) => this.pay(x, at, 'pix') }];
        }
        case 'NEVER_PAID': {
          const last = b.dataLimitePagamento ?? addDays(b.dataVencimento, c.defaultWriteOffDays);
          const at = brtInstant(addDays(last, 1), c.settlementHour);
          return [{ at, what: `written off ${b.id}`, run: (x) => this.writeOff(x, at) }];
        }
        default:
          return [];
      }
    },
  );

  runJobs(): string[] {
    const now = this.clock.now();
    const jobs: SimJob[] = [];
    for (const b of this.boletos.values())
      for (const j of this.dueJobsOf(b)) if (j.at <= now) jobs.push({ at: j.at, what: j.what, run: () => j.run(b) });
    const done = runInOrder(jobs);
    this.syncWebhooks();
    return done;
  }

  // ---- persistence ----

  snapshot(): {
    boletos: SimSicoobBoleto[];
    movements: SimMovement[];
    movementRequests: SimMovementRequest[];
    webhooksRegistered: SimWebhook[];
    solicitacoes: SimSolicitacao[];
    attempts: [string, number][];
    next: { nossoNumero: number; solicitacao: number; webhook: number };
  } {
    return {
      boletos: this.boletos.values(),
      movements: this.movements,
      movementRequests: this.movementRequests,
      webhooksRegistered: this.webhooksRegistered,
      solicitacoes: this.solicitacoes,
      attempts: [...this.attempts],
      next: { nossoNumero: this.nextNossoNumero, ...this.nextIds },
    };
  }

  restore(s: ReturnType<SicoobBank['snapshot']>): void {
    this.boletos.clear();
    for (const b of s.boletos) this.boletos.insert(b);
    this.movements = s.movements;
    this.movementRequests = s.movementRequests;
    // A state saved before webhooks had an owner: they were the default app's.
    this.webhooksRegistered = s.webhooksRegistered.map((w) => ({
      ...w,
      clientId: w.clientId ?? SICOOB_SIM_DEFAULT_CLIENT_ID,
    }));
    this.solicitacoes = s.solicitacoes;
    this.attempts = new Map(s.attempts);
    this.nextNossoNumero = s.next.nossoNumero;
    this.nextIds = { solicitacao: s.next.solicitacao, webhook: s.next.webhook };
  }
}
