/**
 * What the simulated Itaú holds and the rules it applies: cash_management v2 registration (simulacao /
 * validacao / efetivacao, carteira 109, beneficiary-chosen 8-digit nosso número unique while active and for 45
 * days after baixa), bolecode (`boleto_pix` + `dados_qrcode.chave` → EMV built with the domain library, txid,
 * QR PNG), field validation in Itaú's `{codigo, mensagem, campos}` shape, the consulta detalhe view
 * (situação as traffic spells it, payments, history), PATCH instructions, payments and credits over time and
 * the BAIXA_OPERACIONAL / BAIXA_EFETIVA notifications, with the cents scenarios applied.
 */
import { memoPerItem, runInOrder, type SimJob } from '../shared/jobs';
import { randomUUID } from 'node:crypto';
import QRCode from 'qrcode';
import {
  addBusinessDays,
  addDays,
  barcodeToLinha,
  buildBarcode,
  buildStaticPix,
  centsToDecimalString,
  centsToItauImplied,
  compareIsoDates,
  inspectCpf,
  inspectCnpj,
  isIsoDate,
  itauAmountToCents,
  itauBolecodeTxid,
  itauCampoLivre,
  itauIdBeneficiario,
  itauNossoNumeroDac,
  ITAU_BANK_CODE,
  type IsoDate,
} from '../../domain';
import { brtDate, brtInstant, brtIso, DAY_MS, type SimClock } from '../shared/clock';
import { MemoryStore } from '../shared/store';
import type { WebhookQueue, WebhookTarget } from '../shared/webhooks';
import type { ItauSimConfig } from './config';
import { type ItauScenario, ITAU_SCENARIOS } from './scenarios';

export interface ItauCampo {
  campo: string;
  mensagem: string;
  valor?: string;
}

/** An Itaú error answer: `{codigo, mensagem, campos}` (400/422), or no body (403/5xx). */
export class ItauRejection extends Error {
  constructor(
    readonly httpStatus: number,
    readonly mensagem: string,
    readonly campos: ItauCampo[] = [],
  ) {
    super(
      `${httpStatus} ${mensagem}${campos.length ? `: ${campos.map((c) => `${c.campo} ${c.mensagem}`).join('; ')}` : ''}`,
    );
  }

  body(): Record<string, unknown> {
    return { codigo: String(this.httpStatus), mensagem: this.mensagem, campos: this.campos };
  }
}

export type NotificationType = 'BAIXA_OPERACIONAL' | 'BAIXA_EFETIVA';

/** The three registration endpoints (src/simulators/itau/server.ts). */
export type ItauRegisterEndpoint = keyof ItauSimConfig['registrationAmountFormats'];

/** Amounts/percentages of a registration body, by path, and whether each is money (2 decimals) or a percentage (5). */
const AMOUNT_FIELDS: [string, (d: Record<string, unknown>) => unknown, 'money' | 'percent'][] = [
  ['dado_boleto.valor_total_titulo', (d) => d.valor_total_titulo, 'money'],
  ['dado_boleto.valor_abatimento', (d) => d.valor_abatimento, 'money'],
  [
    'dado_boleto.dados_individuais_boleto[0].valor_titulo',
    (d) => obj((d.dados_individuais_boleto as unknown[] | undefined)?.[0])?.valor_titulo,
    'money',
  ],
  ['dado_boleto.juros.valor_juros', (d) => obj(d.juros)?.valor_juros, 'money'],
  ['dado_boleto.juros.percentual_juros', (d) => obj(d.juros)?.percentual_juros, 'percent'],
  ['dado_boleto.multa.valor_multa', (d) => obj(d.multa)?.valor_multa, 'money'],
  ['dado_boleto.multa.percentual_multa', (d) => obj(d.multa)?.percentual_multa, 'percent'],
  [
    'dado_boleto.desconto.descontos[0].valor_desconto',
    (d) => obj((obj(d.desconto)?.descontos as unknown[] | undefined)?.[0])?.valor_desconto,
    'money',
  ],
  [
    'dado_boleto.desconto.descontos[0].percentual_desconto',
    (d) => obj((obj(d.desconto)?.descontos as unknown[] | undefined)?.[0])?.percentual_desconto,
    'percent',
  ],
];
/**
 * implied: digits only, up to 17 (money: Itaú's cash_management example sends `"00000000000001000"` and
 * `"valor_abatimento":"000"`) / up to 12 (percent, 5 decimals); decimal: `^\d+\.\d{2}$` / `^\d+\.\d{5}$`
 * (recebimentos-pix OpenAPI patterns).
 */
export const ITAU_AMOUNT_PATTERNS = {
  implied: { money: /^\d{1,17}$/, percent: /^\d{1,12}$/ },
  decimal: { money: /^\d+\.\d{2}$/, percent: /^\d+\.\d{5}$/ },
} as const;

/** A Pix webhook as the BCB Pix API shows it (`GET /webhook/{chave}`). */
export interface PixWebhook {
  webhookUrl: string;
  chave: string;
  criacao: string;
}

export interface Subscription {
  id_notificacao_boleto: string;
  id_beneficiario: string;
  tipo_notificacao: NotificationType;
  webhook_url: string;
  webhook_oauth_url: string;
  webhook_oauth_scope?: string;
  webhook_client_id: string;
  webhook_client_secret: string;
  valor_minimo: number;
  data_criacao: string;
}

export interface SimPayment {
  valorCents: number;
  at: number;
  meio: 'boleto' | 'pix';
}

export interface SimItauBoleto {
  id: string;
  nossoNumero: string;
  carteira: string;
  dac: number;
  seuNumero?: string;
  instrumento: 'boleto' | 'boleto_pix';
  valorCents: number;
  abatimentoCents: number;
  vencimento: IsoDate;
  emissao: IsoDate;
  dataLimite: IsoDate;
  createdAt: number;
  data: Record<string, unknown>;
  barcode: string;
  linhaDigitavel: string;
  scenario: ItauScenario;
  pix?: { chave: string; emv: string; txid: string; base64: string; location: string; idLocation: string };
  payment?: SimPayment;
  creditedAt?: number;
  settleDueAt?: number;
  baixa?: { at: number; motivo: string; codigo: string; byClient: boolean };
  autoPay?: { at: number; cents: number; meio: 'boleto' | 'pix' };
  /** Scenario 202: consulta answers left before it shows. */
  hiddenQueries: number;
  /** Which registration endpoint created it (answers use that endpoint's amount format); absent = cash_management. */
  endpoint?: ItauRegisterEndpoint;
  /** Scenario AWAITING_APPROVAL: instructions answered "Aguardando aprovação", applied when the manager approves. */
  pendingApprovals?: { name: string; body: Record<string, unknown>; at: number; approveAt: number }[];
  historico: {
    data: string;
    operacao: string;
    comandado_por: string;
    motivo?: string;
    conteudo_anterior?: string;
    conteudo_atual?: string;
  }[];
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

/** §2.4: forbidden anywhere in a bolecode payload. */
const FORBIDDEN_CHARS = /[:<>&;'"`()#*/|ü\\[\]]/;
const FORBIDDEN_WORDS = /http|javascript|alert/i;
const NAME_PATTERN = /^[A-Za-zÀ-ÖØ-öø-ÿ ]+$/;

function walkStrings(v: unknown, path: string, out: { path: string; value: string }[]): void {
  if (typeof v === 'string') out.push({ path, value: v });
  else if (Array.isArray(v)) v.forEach((x, i) => walkStrings(x, `${path}[${i}]`, out));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) walkStrings(x, path ? `${path}.${k}` : k, out);
}

export class ItauBank {
  readonly boletos = new MemoryStore<SimItauBoleto>();
  subscriptions: Subscription[] = [];
  /** Pix webhooks by key (`PUT /webhook/{chave}`). */
  pixWebhooks: PixWebhook[] = [];
  /** Registration attempts per nosso número (scenario 08). */
  attempts = new Map<string, number>();

  constructor(
    private readonly config: ItauSimConfig,
    private readonly clock: SimClock,
    private readonly webhooks: WebhookQueue,
    private readonly changed: () => void = () => undefined,
  ) {}

  get idBeneficiario(): string {
    return itauIdBeneficiario(this.config.beneficiary);
  }

  scenarioOf(data: Record<string, unknown>): ItauScenario {
    const dado = obj(data.dado_boleto);
    const v =
      str(dado?.valor_total_titulo) ??
      str(obj((dado?.dados_individuais_boleto as unknown[] | undefined)?.[0])?.valor_titulo);
    try {
      return v === undefined ? 'MANUAL' : ITAU_SCENARIOS.forAmount(itauAmountToCents(v));
    } catch {
      return 'MANUAL';
    }
  }

  nossoNumeroOf(data: Record<string, unknown>): string | undefined {
    return str(
      obj((obj(data.dado_boleto)?.dados_individuais_boleto as unknown[] | undefined)?.[0])?.numero_nosso_numero,
    );
  }

  countAttempt(nn: string | undefined): number {
    if (!nn) return 1;
    const n = (this.attempts.get(nn) ?? 0) + 1;
    this.attempts.set(nn, n);
    return n;
  }

  /** The boleto holding this nosso número (active, or within the quarantine after baixa/credit). */
  holder(carteira: string, nn: string): SimItauBoleto | undefined {
    const now = this.clock.now();
    const q = this.config.nossoNumeroQuarantineDays * DAY_MS;
    return this.boletos.find((b) => {
      if (b.carteira !== carteira || b.nossoNumero !== nn) return false;
      const ended = b.baixa?.at ?? b.creditedAt;
      return ended === undefined || now - ended < q;
    });
  }

  /** Newest boleto with this nosso número (the consulta shows old ones too). */
  byNossoNumero(carteira: string, nn: string): SimItauBoleto | undefined {
    return this.boletos
      .filter((b) => b.carteira === carteira && b.nossoNumero === nn)
      .sort((a, b) => b.createdAt - a.createdAt)[0];
  }

  /** PATCH path id: id_beneficiario(12) + carteira(3) + nosso número. */
  byIdBoleto(id: string): SimItauBoleto | undefined {
    if (!/^\d{23,31}$/.test(id) || !id.startsWith(this.idBeneficiario)) return undefined;
    const carteira = id.slice(12, 15);
    const nn = id.slice(15).padStart(8, '0').slice(-8);
    return this.byNossoNumero(carteira, nn) ?? this.boletos.get(id);
  }

  /** Validates a registration body; throws ItauRejection (400 fields, 422 business rules). */
  validate(
    data: Record<string, unknown>,
    endpoint: ItauRegisterEndpoint = 'cash_management',
  ): {
    etapa: string;
    instrumento: 'boleto' | 'boleto_pix';
    carteira: string;
    nn: string;
    valorCents: number;
    vencimento: IsoDate;
    emissao: IsoDate;
    dataLimite: IsoDate;
    seu?: string;
    chave?: string;
  } {
    const campos: ItauCampo[] = [];
    const bad = (campo: string, mensagem: string, valor?: unknown) =>
      campos.push({
        campo,
        mensagem,
        ...(valor !== undefined ? { valor: typeof valor === 'string' ? valor : JSON.stringify(valor) } : {}),
      });
    const today = this.clock.today();
    const etapa = str(data.etapa_processo_boleto) ?? '';
    if (!['simulacao', 'validacao', 'efetivacao'].includes(etapa))
      bad('etapa_processo_boleto', 'Etapa do processo inválida', etapa);
    const idBen = str(obj(data.beneficiario)?.id_beneficiario);
    if (!idBen) bad('beneficiario.id_beneficiario', 'Campo obrigatório');
    const dado = obj(data.dado_boleto);
    if (!dado) {
      bad('dado_boleto', 'Campo obrigatório');
      throw new ItauRejection(400, 'Erro na validacao de campos', campos);
    }
    const instrumento = (str(dado.descricao_instrumento_cobranca) ?? '') as 'boleto' | 'boleto_pix';
    if (instrumento !== 'boleto' && instrumento !== 'boleto_pix')
      bad(
        'dado_boleto.descricao_instrumento_cobranca',
        'Instrumento de cobrança inválido',
        dado.descricao_instrumento_cobranca ?? '',
      );
    const tipo = str(dado.tipo_boleto);
    if (tipo !== 'a vista' && tipo !== 'proposta' && tipo !== 'parcelado')
      bad('dado_boleto.tipo_boleto', 'Tipo de boleto inválido', tipo ?? '');
    const carteira = str(dado.codigo_carteira) ?? '';
    if (!this.config.carteiras.includes(carteira)) bad('dado_boleto.codigo_carteira', 'Carteira inválida', carteira);
    let valorCents = 0;
    const valor = str(dado.valor_total_titulo);
    try {
      valorCents = valor === undefined ? 0 : itauAmountToCents(valor);
      if (valorCents <= 0)
        bad('dado_boleto.valor_total_titulo', 'Valor do título deve ser maior que zero', valor ?? '');
    } catch {
      bad('dado_boleto.valor_total_titulo', 'Valor do título inválido', valor ?? '');
    }
    // Not required by either OpenAPI (recebimentos-pix's own example has none): today when absent.
    const emissao = str(dado.data_emissao) ?? today;
    if (!isIsoDate(emissao)) bad('dado_boleto.data_emissao', 'Data de emissão inválida', emissao);
    else if (compareIsoDates(emissao, today) > 0)
      bad('dado_boleto.data_emissao', 'Data de emissão não pode ser futura', emissao);

    // pagador
    const pagador = obj(dado.pagador);
    const pessoa = obj(pagador?.pessoa);
    const nome = str(pessoa?.nome_pessoa) ?? '';
    const strictText = this.config.textRules === 'all' || instrumento === 'boleto_pix';
    if (!nome.trim()) bad('dado_boleto.pagador.pessoa.nome_pessoa', 'Campo obrigatório');
    else if (nome.length > 50) bad('dado_boleto.pagador.pessoa.nome_pessoa', 'Tamanho máximo de 50 caracteres', nome);
    else if (strictText && !NAME_PATTERN.test(nome))
      bad('dado_boleto.pagador.pessoa.nome_pessoa', 'Nome deve conter apenas letras e espaços', nome);
    const tp = obj(pessoa?.tipo_pessoa);
    const codTipo = str(tp?.codigo_tipo_pessoa);
    if (codTipo === 'F') {
      const cpf = str(tp?.numero_cadastro_pessoa_fisica) ?? '';
      if (!/^\d{11}$/.test(cpf) || !inspectCpf(cpf).valid)
        bad('dado_boleto.pagador.pessoa.tipo_pessoa.numero_cadastro_pessoa_fisica', 'CPF inválido', cpf);
    } else if (codTipo === 'J') {
      const cnpj = str(tp?.numero_cadastro_nacional_pessoa_juridica) ?? '';
      const shape = this.config.acceptAlphanumericCnpj ? /^[0-9A-Z]{12}\d{2}$/ : /^\d{14}$/;
      if (!shape.test(cnpj) || !inspectCnpj(cnpj).valid)
        bad('dado_boleto.pagador.pessoa.tipo_pessoa.numero_cadastro_nacional_pessoa_juridica', 'CNPJ inválido', cnpj);
    } else
      bad('dado_boleto.pagador.pessoa.tipo_pessoa.codigo_tipo_pessoa', 'Tipo de pessoa deve ser F ou J', codTipo ?? '');
    const end = obj(pagador?.endereco);
    const lim: [string, number][] = [
      ['nome_logradouro', 45],
      ['nome_bairro', 15],
      ['nome_cidade', 20],
    ];
    for (const [k, max] of lim) {
      const v = str(end?.[k]) ?? '';
      if (!v.trim()) bad(`dado_boleto.pagador.endereco.${k}`, 'Campo obrigatório');
      else if (v.length > max) bad(`dado_boleto.pagador.endereco.${k}`, `Tamanho máximo de ${max} caracteres`, v);
    }
    if (!/^[A-Z]{2}$/.test(str(end?.sigla_UF) ?? ''))
      bad('dado_boleto.pagador.endereco.sigla_UF', 'UF inválida', str(end?.sigla_UF) ?? '');
    if (!/^\d{8}$/.test(str(end?.numero_CEP) ?? ''))
      bad('dado_boleto.pagador.endereco.numero_CEP', 'CEP inválido', str(end?.numero_CEP) ?? '');
    // boletos-pix documents pagador.texto_endereco_email; cash_management's 200_boleto example has it in dado_boleto.
    if (str(dado.forma_envio) === 'email' && !str(pagador?.texto_endereco_email) && !str(dado.texto_endereco_email))
      bad('dado_boleto.pagador.texto_endereco_email', 'Obrigatório quando forma_envio é email');

    // dados individuais
    const items = Array.isArray(dado.dados_individuais_boleto) ? (dado.dados_individuais_boleto as unknown[]) : [];
    if (items.length !== 1)
      bad('dado_boleto.dados_individuais_boleto', 'Informe exatamente um título', String(items.length));
    const it = obj(items[0]) ?? {};
    const nn = str(it.numero_nosso_numero) ?? '';
    if (!/^\d{8}$/.test(nn))
      bad(
        'dado_boleto.dados_individuais_boleto[0].numero_nosso_numero',
        'Nosso número deve ter 8 dígitos para a carteira',
        nn,
      );
    const vencimento = str(it.data_vencimento) ?? '';
    if (!isIsoDate(vencimento))
      bad('dado_boleto.dados_individuais_boleto[0].data_vencimento', 'Data de vencimento inválida', vencimento);
    const itemValor = str(it.valor_titulo);
    if (itemValor !== undefined) {
      try {
        if (itauAmountToCents(itemValor) !== valorCents)
          bad(
            'dado_boleto.dados_individuais_boleto[0].valor_titulo',
            'Valor do título diverge do valor total',
            itemValor,
          );
      } catch {
        bad('dado_boleto.dados_individuais_boleto[0].valor_titulo', 'Valor do título inválido', itemValor);
      }
    }
    const seu = str(it.texto_seu_numero);
    if (seu !== undefined && (seu.length > 10 || !seu.trim()))
      bad('dado_boleto.dados_individuais_boleto[0].texto_seu_numero', 'Seu número deve ter até 10 caracteres', seu);
    const limite = str(it.data_limite_pagamento);
    if (limite !== undefined && !isIsoDate(limite))
      bad('dado_boleto.dados_individuais_boleto[0].data_limite_pagamento', 'Data limite de pagamento inválida', limite);

    // bolecode
    const qr = obj(data.dados_qrcode) ?? obj(dado.dados_qrcode);
    const chave = str(qr?.chave);
    if (instrumento === 'boleto_pix') {
      // recebimentos-pix v1 does not require dados_qrcode (its own example has none): the beneficiary's CNPJ key is used.
      if (!chave) {
        if (endpoint !== 'recebimentos_pix') bad('dados_qrcode.chave', 'Chave Pix obrigatória para boleto_pix');
      } else {
        try {
          buildStaticPix({ key: chave, merchantName: 'x', merchantCity: 'x' });
        } catch {
          bad('dados_qrcode.chave', 'Chave Pix inválida', chave);
        }
      }
      if (dado.pagamento_parcial === true)
        bad('dado_boleto.pagamento_parcial', 'Pagamento parcial não permitido para boleto_pix', 'true');
    }
    if (strictText) {
      const all: { path: string; value: string }[] = [];
      walkStrings(data, '', all);
      for (const s of all) {
        if (
          s.path === 'dados_qrcode.chave' ||
          s.path === 'dado_boleto.dados_qrcode.chave' ||
          s.path.endsWith('texto_endereco_email')
        )
          continue;
        if (FORBIDDEN_CHARS.test(s.value)) bad(s.path, 'Caracter não permitido', s.value);
        else if (FORBIDDEN_WORDS.test(s.value)) bad(s.path, 'Conteúdo não permitido', s.value);
      }
    }
    if (this.config.strict) {
      // Strict: each endpoint's own amount format (the other is refused, as Itaú's patterns do).
      const format = this.config.registrationAmountFormats[endpoint];
      for (const [path, get, kind] of AMOUNT_FIELDS) {
        const v = get(dado);
        if (v === undefined) continue;
        const pattern = ITAU_AMOUNT_PATTERNS[format][kind];
        if (typeof v !== 'string' || !pattern.test(v)) bad(path, `Formato inválido: esperado ${pattern.source}`, v);
      }
      if (!this.config.acceptAccents) {
        for (const [k, v] of [
          ['pessoa.nome_pessoa', nome],
          ...lim.map(([f]) => [`endereco.${f}`, str(end?.[f]) ?? '']),
        ] as [string, string][]) {
          if (/[\u0080-\uffff]/.test(v)) bad(`dado_boleto.pagador.${k}`, 'Caracter não permitido', v);
        }
      }
    }
    if (campos.length) throw new ItauRejection(400, 'Erro na validacao de campos', campos);

    // business rules (422)
    if (idBen !== this.idBeneficiario)
      throw new ItauRejection(422, 'Beneficiário não encontrado ou não autorizado', [
        {
          campo: 'beneficiario.id_beneficiario',
          mensagem: 'Beneficiário inválido para as credenciais',
          valor: idBen ?? '',
        },
      ]);
    if (compareIsoDates(vencimento, addDays(today, this.config.minDueDaysFromToday)) < 0) {
      throw new ItauRejection(422, 'Erro na validacao de regras', [
        {
          campo: 'data_vencimento',
          mensagem: `Vencimento menor que prazo mínimo para carteira - (${this.config.minDueDaysFromToday} dias)`,
          valor: vencimento,
        },
      ]);
    }
    if (compareIsoDates(emissao, vencimento) > 0)
      throw new ItauRejection(422, 'Erro na validacao de regras', [
        { campo: 'data_emissao', mensagem: 'Data de emissão maior que a data de vencimento', valor: emissao },
      ]);
    const maxLimite = addDays(vencimento, Math.round(this.config.maxPaymentDeadlineYears * 365.25));
    const dataLimite = limite ?? maxLimite;
    if (compareIsoDates(dataLimite, vencimento) < 0 || compareIsoDates(dataLimite, maxLimite) > 0) {
      throw new ItauRejection(422, 'Erro na validacao de regras', [
        {
          campo: 'data_limite_pagamento',
          mensagem: `Data limite de pagamento deve estar entre o vencimento e ${this.config.maxPaymentDeadlineYears} anos`,
          valor: dataLimite,
        },
      ]);
    }
    const pixKey =
      chave ??
      (instrumento === 'boleto_pix' && endpoint === 'recebimentos_pix' ? this.config.beneficiary.document : undefined);
    return {
      etapa,
      instrumento,
      carteira,
      nn,
      valorCents,
      vencimento,
      emissao,
      dataLimite,
      ...(seu ? { seu } : {}),
      ...(pixKey ? { chave: pixKey } : {}),
    };
  }

  /** Registers (efetivacao) or only validates (simulacao/validacao, nothing kept). */
  async register(
    data: Record<string, unknown>,
    endpoint: ItauRegisterEndpoint = 'cash_management',
  ): Promise<{ boleto: SimItauBoleto; stored: boolean }> {
    const v = this.validate(data, endpoint);
    const scenario = this.scenarioOf(data);
    if (scenario === 'REJECTED') {
      throw new ItauRejection(422, 'Erro na validacao de regras', [
        { campo: 'pagador', mensagem: 'Pagador bloqueado para emissão', valor: '' },
      ]);
    }
    const stored = v.etapa === 'efetivacao';
    if (stored && this.holder(v.carteira, v.nn)) {
      throw new ItauRejection(422, 'Erro na validacao de regras', [
        { campo: 'numero_nosso_numero', mensagem: 'Nosso número já utilizado para a carteira', valor: v.nn },
      ]);
    }
    const b = this.config.beneficiary;
    const titulo = { agencia: b.agencia, conta: b.conta, carteira: v.carteira, nossoNumero: v.nn };
    const barcode = buildBarcode({
      bankCode: ITAU_BANK_CODE,
      dueDate: v.vencimento,
      amountCents: v.valorCents,
      campoLivre: itauCampoLivre(titulo),
    });
    const boleto: SimItauBoleto = {
      id: randomUUID(),
      nossoNumero: v.nn,
      carteira: v.carteira,
      dac: itauNossoNumeroDac(titulo),
      ...(v.seu ? { seuNumero: v.seu } : {}),
      instrumento: v.instrumento,
      valorCents: v.valorCents,
      abatimentoCents: 0,
      vencimento: v.vencimento,
      emissao: v.emissao,
      dataLimite: v.dataLimite,
      createdAt: this.clock.now(),
      data,
      barcode,
      linhaDigitavel: barcodeToLinha(barcode),
      scenario,
      hiddenQueries: scenario === 'PENDING_202' ? this.config.pendingQueriesBeforeVisible : 0,
      ...(endpoint !== 'cash_management' ? { endpoint } : {}),
      historico: [{ data: brtIso(this.clock.now()), operacao: 'Emissão', comandado_por: 'API' }],
    };
    if (v.instrumento === 'boleto_pix' && v.chave) {
      const emv = buildStaticPix({
        key: v.chave,
        amountCents: v.valorCents,
        merchantName: b.nome,
        merchantCity: b.city,
      });
      const txid = itauBolecodeTxid(titulo, this.config.txidNossoNumeroWidth);
      const idLocation = String(Math.floor(this.clock.now() / 1000) % 1_000_000_000);
      const png = await QRCode.toDataURL(emv, { errorCorrectionLevel: 'M', margin: 1 });
      boleto.pix = {
        chave: v.chave,
        emv,
        txid,
        base64: png.replace(/^data:image\/png;base64,/, ''),
        location: `${this.config.pixLocationHost}/${randomUUID().replace(/-/g, '')}`,
        idLocation,
      };
    }
    if (!stored) return { boleto, stored };
    if (scenario === 'PAID_ON_TIME' || scenario === 'NO_NOTIFICATION')
      boleto.autoPay = { at: brtInstant(v.vencimento, 10), cents: v.valorCents, meio: 'boleto' };
    else if (scenario === 'PAID_LATE') {
      const days = this.config.lateScenarioDaysAfterDue;
      boleto.autoPay = {
        at: brtInstant(addDays(v.vencimento, days), 10),
        cents: v.valorCents + this.lateCharges(boleto, days),
        meio: 'boleto',
      };
    } else if (scenario === 'PIX_PAID_NO_NOTIFICATION') {
      boleto.autoPay = {
        at: this.clock.now() + this.config.pixPaymentAfterMinutes * 60_000,
        cents: v.valorCents,
        meio: boleto.pix ? 'pix' : 'boleto',
      };
    }
    this.boletos.insert(boleto);
    this.changed();
    return { boleto, stored };
  }

  private lateCharges(b: SimItauBoleto, days: number): number {
    const dado = obj(b.data.dado_boleto);
    const multa = obj(dado?.multa);
    const juros = obj(dado?.juros);
    const pct = (v: unknown) => {
      const s = str(v);
      if (!s) return undefined;
      return /^\d{12}$/.test(s) ? Number(s) / 100_000 : Number(s);
    };
    const money = (v: unknown) => {
      const s = str(v);
      try {
        return s ? itauAmountToCents(s) : undefined;
      } catch {
        return undefined;
      }
    };
    let fine = Math.round((b.valorCents * this.config.defaultLateFinePercent) / 100);
    if (str(multa?.codigo_tipo_multa) === '01') fine = money(multa?.valor_multa) ?? fine;
    else if (str(multa?.codigo_tipo_multa) === '02')
      fine = Math.round((b.valorCents * (pct(multa?.percentual_multa) ?? 0)) / 100);
    else if (str(multa?.codigo_tipo_multa) === '03') fine = 0;
    let interest = 0;
    const tj = str(juros?.codigo_tipo_juros);
    if (tj === '90') interest = Math.round((b.valorCents * (pct(juros?.percentual_juros) ?? 0) * days) / 100 / 30);
    else if (tj === '93') interest = (money(juros?.valor_juros) ?? 0) * days;
    return fine + interest;
  }

  /** Payment at the paying bank or by Pix: refused after the last payable day, after a baixa, or twice. */
  pay(b: SimItauBoleto, at: number, cents?: number, meio: 'boleto' | 'pix' = 'boleto'): void {
    if (b.baixa) throw new ItauRejection(422, 'Boleto baixado: pagamento recusado');
    if (b.payment) throw new ItauRejection(422, 'Boleto já pago');
    if (compareIsoDates(brtDate(at), b.dataLimite) > 0)
      throw new ItauRejection(422, 'Boleto fora do prazo de pagamento');
    const late = compareIsoDates(brtDate(at), b.vencimento) > 0;
    const days = late ? Math.round((brtInstant(brtDate(at)) - brtInstant(b.vencimento)) / DAY_MS) : 0;
    b.payment = {
      valorCents: cents ?? b.valorCents - b.abatimentoCents + (late ? this.lateCharges(b, days) : 0),
      at,
      meio,
    };
    b.autoPay = undefined;
    b.settleDueAt = brtInstant(
      addBusinessDays(brtDate(at), this.config.settlementBusinessDays),
      this.config.settlementHour,
    );
    b.historico.push({
      data: brtIso(at),
      operacao: meio === 'pix' ? 'Pagamento via Pix' : 'Pagamento',
      comandado_por: 'Banco',
    });
    this.notify(b, 'BAIXA_OPERACIONAL', at);
    if (meio === 'pix') this.notifyPix(b);
    this.changed();
  }

  settle(b: SimItauBoleto, at: number): void {
    if (!b.payment) throw new ItauRejection(422, 'Boleto sem pagamento');
    if (b.creditedAt !== undefined) throw new ItauRejection(422, 'Boleto já creditado');
    b.creditedAt = at;
    b.settleDueAt = undefined;
    b.historico.push({ data: brtIso(at), operacao: 'Crédito em conta', comandado_por: 'Banco' });
    this.notify(b, 'BAIXA_EFETIVA', at);
    this.changed();
  }

  /** Baixa by the beneficiary (PATCH) or by the bank (decurso de prazo). 422 once paid or already baixado. */
  writeOff(b: SimItauBoleto, at: number, byClient: boolean): void {
    if (b.payment)
      throw new ItauRejection(
        422,
        b.creditedAt !== undefined ? 'Boleto já liquidado' : 'Boleto pago não pode ser baixado',
        [{ campo: 'id_boleto', mensagem: 'Situação do boleto não permite baixa', valor: b.nossoNumero }],
      );
    if (b.baixa)
      throw new ItauRejection(422, 'Boleto já baixado', [
        { campo: 'id_boleto', mensagem: 'Situação do boleto não permite baixa', valor: b.nossoNumero },
      ]);
    b.baixa = byClient
      ? { at, motivo: 'Baixa solicitada pelo beneficiário', codigo: '10', byClient }
      : { at, motivo: 'Baixa por decurso de prazo', codigo: '09', byClient };
    b.autoPay = undefined;
    b.historico.push({
      data: brtIso(at),
      operacao: 'Baixa',
      comandado_por: byClient ? 'API' : 'Banco',
      motivo: b.baixa.motivo,
    });
    this.changed();
  }

  /**
   * PATCH /boletos/{id_boleto}/{instrucao}. The body as the bank reads it: flat or inside `{data}` — strict mode reads
   * only the configured `instructionBody` (the other style's fields are not found: 400 naming them), lenient mode
   * either. Then applied (returns the HTTP status Itaú answers with), or, in scenario AWAITING_APPROVAL, checked and
   * held for the manager: 'approval' (200 "Aguardando aprovação"), applied `instructionApprovalMinutes` later.
   */
  instruction(b: SimItauBoleto, name: string, body: Record<string, unknown>): 200 | 202 | 204 | 'approval' {
    const now = this.clock.now();
    const d = this.config.strict
      ? this.config.instructionBody === 'data'
        ? (obj(body.data) ?? {})
        : body
      : (obj(body.data) ?? body);
    if (b.scenario !== 'AWAITING_APPROVAL') return this.applyInstruction(b, name, d, now);
    this.applyInstruction(structuredClone(b), name, d, now); // the bank's checks, on a copy: refusals are answered now
    (b.pendingApprovals ??= []).push({
      name,
      body: d,
      at: now,
      approveAt: now + this.config.instructionApprovalMinutes * 60_000,
    });
    b.historico.push({ data: brtIso(now), operacao: `Instrução ${name} aguardando aprovação`, comandado_por: 'API' });
    this.changed();
    return 'approval';
  }

  /** The manager approves what waits (all, or what is due at `now`): applied in order; one the boleto no longer allows is recorded as not applied. */
  approvePending(b: SimItauBoleto, now = this.clock.now(), all = false): number {
    const due = (b.pendingApprovals ?? []).filter((p) => all || p.approveAt <= now);
    if (!due.length) return 0;
    b.pendingApprovals = (b.pendingApprovals ?? []).filter((p) => !due.includes(p));
    for (const p of due) {
      try {
        this.applyInstruction(b, p.name, p.body, all ? now : p.approveAt);
      } catch (e) {
        if (!(e instanceof ItauRejection)) throw e;
        b.historico.push({
          data: brtIso(now),
          operacao: `Instrução ${p.name} não efetuada`,
          comandado_por: 'Banco',
          motivo: e.mensagem,
        });
      }
    }
    this.changed();
    return due.length;
  }

  private applyInstruction(b: SimItauBoleto, name: string, d: Record<string, unknown>, now: number): 200 | 202 | 204 {
    const changedField = (operacao: string, anterior: string, atual: string) =>
      b.historico.push({
        data: brtIso(now),
        operacao,
        comandado_por: 'API',
        conteudo_anterior: anterior,
        conteudo_atual: atual,
      });
    const closed = () => {
      if (b.payment || b.baixa)
        throw new ItauRejection(422, 'Situação do boleto não permite a instrução', [
          { campo: 'id_boleto', mensagem: 'Boleto pago ou baixado', valor: b.nossoNumero },
        ]);
    };
    switch (name) {
      case 'baixa':
        this.writeOff(b, now, true);
        return 204;
      case 'data_vencimento': {
        closed();
        const v = str(d.data_vencimento) ?? '';
        if (!isIsoDate(v))
          throw new ItauRejection(400, 'Erro na validacao de campos', [
            { campo: 'data_vencimento', mensagem: 'Data de vencimento inválida', valor: v },
          ]);
        if (compareIsoDates(v, this.clock.today()) < 0)
          throw new ItauRejection(422, 'Erro na validacao de regras', [
            { campo: 'data_vencimento', mensagem: 'Nova data de vencimento menor que a data atual', valor: v },
          ]);
        changedField('Alteração de vencimento', b.vencimento, v);
        b.vencimento = v;
        if (compareIsoDates(b.dataLimite, v) < 0) b.dataLimite = v;
        this.rebuildBarcode(b);
        if (b.autoPay && b.autoPay.meio === 'boleto')
          b.autoPay.at = brtInstant(
            b.scenario === 'PAID_LATE' ? addDays(v, this.config.lateScenarioDaysAfterDue) : v,
            10,
          );
        this.changed();
        return 200;
      }
      case 'valor_nominal': {
        closed();
        const v = str(d.valor_titulo) ?? '';
        let cents: number;
        try {
          cents = itauAmountToCents(v);
        } catch {
          throw new ItauRejection(400, 'Erro na validacao de campos', [
            { campo: 'valor_titulo', mensagem: 'Valor inválido', valor: v },
          ]);
        }
        changedField('Alteração de valor nominal', centsToDecimalString(b.valorCents), centsToDecimalString(cents));
        b.valorCents = cents;
        this.rebuildBarcode(b);
        this.changed();
        return 200;
      }
      case 'abatimento': {
        closed();
        const v = str(d.valor_abatimento) ?? '';
        let cents: number;
        try {
          cents = itauAmountToCents(v);
        } catch {
          throw new ItauRejection(400, 'Erro na validacao de campos', [
            { campo: 'valor_abatimento', mensagem: 'Valor inválido', valor: v },
          ]);
        }
        if (cents >= b.valorCents)
          throw new ItauRejection(422, 'Erro na validacao de regras', [
            { campo: 'valor_abatimento', mensagem: 'Abatimento maior ou igual ao valor do título', valor: v },
          ]);
        changedField('Concessão de abatimento', centsToDecimalString(b.abatimentoCents), centsToDecimalString(cents));
        b.abatimentoCents = cents;
        this.changed();
        return 202;
      }
      case 'data_limite_pagamento': {
        closed();
        const v = str(d.data_limite_pagamento) ?? '';
        if (!isIsoDate(v) || compareIsoDates(v, b.vencimento) < 0)
          throw new ItauRejection(422, 'Erro na validacao de regras', [
            { campo: 'data_limite_pagamento', mensagem: 'Data limite deve ser maior ou igual ao vencimento', valor: v },
          ]);
        changedField('Alteração de data limite de pagamento', b.dataLimite, v);
        b.dataLimite = v;
        this.changed();
        return 204;
      }
      case 'seu_numero': {
        closed();
        const v = str(d.texto_seu_numero) ?? '';
        if (!v || v.length > 10)
          throw new ItauRejection(400, 'Erro na validacao de campos', [
            { campo: 'texto_seu_numero', mensagem: 'Seu número deve ter até 10 caracteres', valor: v },
          ]);
        changedField('Alteração de seu número', b.seuNumero ?? '', v);
        b.seuNumero = v;
        this.changed();
        return 204;
      }
      case 'juros':
      case 'multa':
      case 'desconto':
      case 'protesto':
      case 'negativacao':
      case 'pagador':
      case 'sacador_avalista':
      case 'recebimento_divergente':
        closed();
        changedField(`Instrução ${name}`, '', JSON.stringify(d));
        this.changed();
        return 200;
      default:
        throw new ItauRejection(404, 'Instrução não encontrada');
    }
  }

  private rebuildBarcode(b: SimItauBoleto): void {
    const ben = this.config.beneficiary;
    b.barcode = buildBarcode({
      bankCode: ITAU_BANK_CODE,
      dueDate: b.vencimento,
      amountCents: b.valorCents,
      campoLivre: itauCampoLivre({
        agencia: ben.agencia,
        conta: ben.conta,
        carteira: b.carteira,
        nossoNumero: b.nossoNumero,
      }),
    });
    b.linhaDigitavel = barcodeToLinha(b.barcode);
  }

  /** 01:00 the day after the payment deadline: when the bank writes an unpaid boleto off. */
  private readonly writeOffAt = memoPerItem<SimItauBoleto, number>(
    (b) => b.dataLimite,
    (b) => brtInstant(addDays(b.dataLimite, 1), 1),
  );

  /** Background jobs due at the clock's now, in time order. */
  runJobs(): string[] {
    const now = this.clock.now();
    const jobs: SimJob[] = [];
    for (const b of this.boletos.values()) {
      const auto = b.autoPay;
      if (auto && auto.at <= now)
        jobs.push({
          at: auto.at,
          what: `paid ${b.nossoNumero}${auto.meio === 'pix' ? ' (pix)' : ''}`,
          run: () => ((b.autoPay = undefined), this.pay(b, auto.at, auto.cents, auto.meio)),
        });
      if (b.settleDueAt !== undefined && b.settleDueAt <= now) {
        const at = b.settleDueAt;
        jobs.push({ at, what: `credited ${b.nossoNumero}`, run: () => this.settle(b, at) });
      }
      if (b.pendingApprovals?.some((p) => p.approveAt <= now)) {
        const at = Math.min(...b.pendingApprovals.map((p) => p.approveAt));
        jobs.push({ at, what: `instruction approved ${b.nossoNumero}`, run: () => this.approvePending(b, now) });
      }
      if (!b.baixa && !b.payment && !b.autoPay) {
        const writeOffAt = this.writeOffAt(b);
        if (writeOffAt <= now)
          jobs.push({
            at: writeOffAt,
            what: `written off ${b.nossoNumero}`,
            run: () => this.writeOff(b, writeOffAt, false),
          });
      }
    }
    return runInOrder(jobs);
  }

  // ---- notifications ----

  subscribe(data: Record<string, unknown>): Subscription[] {
    const campos: ItauCampo[] = [];
    const s = (k: string) => str(data[k]);
    const url = s('webhook_url') ?? '';
    const oauth = s('webhook_oauth_url') ?? '';
    const urlOk = (u: string) => {
      try {
        const p = new URL(u);
        if (this.config.enforceWebhookUrlRules) return p.protocol === 'https:' && !/^[\d.]+$|^\[/.test(p.hostname);
        return p.protocol === 'https:' || p.protocol === 'http:';
      } catch {
        return false;
      }
    };
    if (s('id_beneficiario') !== this.idBeneficiario)
      campos.push({ campo: 'id_beneficiario', mensagem: 'Beneficiário inválido', valor: s('id_beneficiario') ?? '' });
    if (!urlOk(url))
      campos.push({ campo: 'webhook_url', mensagem: 'URL deve ser HTTPS e não pode conter IP', valor: url });
    if (!urlOk(oauth))
      campos.push({ campo: 'webhook_oauth_url', mensagem: 'URL deve ser HTTPS e não pode conter IP', valor: oauth });
    if (!s('webhook_client_id')) campos.push({ campo: 'webhook_client_id', mensagem: 'Campo obrigatório' });
    if (!s('webhook_client_secret')) campos.push({ campo: 'webhook_client_secret', mensagem: 'Campo obrigatório' });
    const tipos = Array.isArray(data.tipos_notificacoes) ? (data.tipos_notificacoes as unknown[]) : [];
    if (!tipos.length || !tipos.every((t) => t === 'BAIXA_EFETIVA' || t === 'BAIXA_OPERACIONAL'))
      campos.push({
        campo: 'tipos_notificacoes',
        mensagem: 'Tipos de notificação inválidos',
        valor: JSON.stringify(tipos),
      });
    if (campos.length) throw new ItauRejection(400, 'Erro na validacao de campos', campos);
    const valorMinimo = data.valor_minimo === undefined ? 0.1 : Number(data.valor_minimo);
    const created: Subscription[] = [];
    for (const tipo of tipos as NotificationType[]) {
      const id = `${this.idBeneficiario}${tipo === 'BAIXA_EFETIVA' ? '01' : '02'}`;
      this.subscriptions = this.subscriptions.filter((x) => x.id_notificacao_boleto !== id);
      const sub: Subscription = {
        id_notificacao_boleto: id,
        id_beneficiario: this.idBeneficiario,
        tipo_notificacao: tipo,
        webhook_url: url,
        webhook_oauth_url: oauth,
        ...(s('webhook_oauth_scope') ? { webhook_oauth_scope: s('webhook_oauth_scope') } : {}),
        webhook_client_id: s('webhook_client_id') as string,
        webhook_client_secret: s('webhook_client_secret') as string,
        valor_minimo: Number.isFinite(valorMinimo) ? valorMinimo : 0.1,
        data_criacao: brtIso(this.clock.now()),
      };
      this.subscriptions.push(sub);
      created.push(sub);
    }
    this.changed();
    return created;
  }

  /** A subscription without its client secret (what GET shows). */
  static shown(this: void, s: Subscription): Omit<Subscription, 'webhook_client_secret'> {
    const { webhook_client_secret: _secret, ...rest } = s;
    return rest;
  }

  /**
   * The notification body, exactly as Itaú's example (test/fixtures/itau/notification-itau-example.json): no
   * notification-type field, amounts as "300.00", dates as YYYY-MM-DD, `valorCreditado` null until credited,
   * `dataCredito` the (expected) credit date.
   */
  notificationBody(b: SimItauBoleto, tipo: NotificationType, at: number): Record<string, unknown> {
    const paid = b.payment ? centsToDecimalString(b.payment.valorCents) : '0.00';
    const creditAt = b.creditedAt ?? b.settleDueAt;
    return {
      boletos: [
        {
          dataNotificacao: brtDate(at),
          tipoLiquidacao: this.config.notificationCodes[tipo],
          idBoleto: b.id,
          numeroNossoNumero: b.nossoNumero,
          valorTitulo: centsToDecimalString(b.valorCents),
          valorPagoTotalCobranca: paid,
          valorCreditado: tipo === 'BAIXA_EFETIVA' ? paid : null,
          dataCredito: creditAt !== undefined ? brtDate(creditAt) : null,
        },
      ],
    };
  }

  /**
   * The Pix webhook of the BCB Pix API (bacen/pix-api openapi.yaml, `PUT /webhook/{chave}` and its callback
   * `{webhookUrl}/pix`): one per Pix key. Real Itaú authenticates the POST with mutual TLS (its client
   * certificate); the simulator sends it without (what the receiver cannot see at the HTTP layer anyway).
   */
  putPixWebhook(chave: string, webhookUrl: string): PixWebhook {
    let ok: boolean;
    try {
      const u = new URL(webhookUrl);
      ok = this.config.enforceWebhookUrlRules
        ? u.protocol === 'https:'
        : u.protocol === 'https:' || u.protocol === 'http:';
    } catch {
      ok = false;
    }
    if (!ok)
      throw new ItauRejection(400, 'Requisição com formato inválido', [
        { campo: 'webhookUrl', mensagem: 'o campo webhookUrl não respeita o schema', valor: webhookUrl },
      ]);
    const w: PixWebhook = { webhookUrl, chave, criacao: brtIso(this.clock.now()) };
    this.pixWebhooks = [...this.pixWebhooks.filter((x) => x.chave !== chave), w];
    this.changed();
    return w;
  }

  /** `{"pix":[…]}` to `<webhookUrl>/pix` of the bolecode's key, on a channel of its own: no boleto scenario silences it. */
  private notifyPix(b: SimItauBoleto): void {
    const item = this.pixItem(b);
    const hook = b.pix && this.pixWebhooks.find((w) => w.chave === b.pix!.chave);
    if (!item || !hook) return;
    this.webhooks.enqueue(`pix:${item.endToEndId}`, { pix: [item] }, 0, {
      url: `${hook.webhookUrl.replace(/\/+$/, '')}/pix`,
    });
  }

  private notify(b: SimItauBoleto, tipo: NotificationType, at: number): void {
    if (b.scenario === 'NO_NOTIFICATION' || b.scenario === 'PIX_PAID_NO_NOTIFICATION') return;
    const body = this.notificationBody(b, tipo, at);
    const paidReais = (b.payment?.valorCents ?? 0) / 100;
    const subs = this.subscriptions.filter((s) => s.tipo_notificacao === tipo && paidReais >= s.valor_minimo);
    const targets: (WebhookTarget | undefined)[] = subs.length
      ? subs.map((s) => ({
          url: s.webhook_url,
          oauth: {
            tokenUrl: s.webhook_oauth_url,
            clientId: s.webhook_client_id,
            clientSecret: s.webhook_client_secret,
            ...(s.webhook_oauth_scope ? { scope: s.webhook_oauth_scope } : {}),
          },
        }))
      : [undefined]; // the admin default target (/__sim/webhook), if any
    for (const t of targets) this.webhooks.enqueue(`${b.nossoNumero}:${tipo}`, body, 0, t);
  }

  // ---- views ----

  situacao(b: SimItauBoleto): string {
    const traffic = this.config.situacaoSpelling === 'traffic';
    // A bolecode paid by Pix is written off ("Baixada") and stays so: the Pix was credited when paid [U: pixPaidSituacao].
    if (b.payment?.meio === 'pix' && this.config.pixPaidSituacao === 'baixada') return traffic ? 'Baixada' : 'Baixado';
    if (b.creditedAt !== undefined) return 'Creditado';
    if (b.payment)
      return b.payment.meio === 'pix' && traffic ? 'Baixada' : traffic ? 'Aguardando Credito' : 'Aguardando Crédito';
    if (b.baixa) return traffic ? 'Baixada' : 'Baixado';
    return 'Em Aberto';
  }

  /** The registration answer (cash_management v2): the request echoed plus ids, barcode, linha and (bolecode) dados_qrcode. */
  registerView(b: SimItauBoleto, stored: boolean): Record<string, unknown> {
    const dado = obj(b.data.dado_boleto) ?? {};
    const item = obj((dado.dados_individuais_boleto as unknown[] | undefined)?.[0]) ?? {};
    const out: Record<string, unknown> = {
      ...b.data,
      ...(stored ? { id_boleto: b.id } : {}),
      beneficiario: {
        id_beneficiario: this.idBeneficiario,
        nome_cobranca: this.config.beneficiary.nome,
        tipo_pessoa: {
          codigo_tipo_pessoa: 'J',
          numero_cadastro_nacional_pessoa_juridica: this.config.beneficiary.document,
        },
      },
      dado_boleto: {
        ...dado,
        dados_individuais_boleto: [
          {
            ...item,
            ...(stored ? { id_boleto_individual: b.id } : {}),
            numero_nosso_numero: b.nossoNumero,
            dac_titulo: String(b.dac),
            data_vencimento: b.vencimento,
            valor_titulo:
              this.config.registrationAmountFormats[b.endpoint ?? 'cash_management'] === 'decimal'
                ? centsToDecimalString(b.valorCents)
                : centsToItauImplied(b.valorCents),
            ...(b.seuNumero ? { texto_seu_numero: b.seuNumero } : {}),
            codigo_barras: b.barcode,
            numero_linha_digitavel: b.linhaDigitavel,
            data_limite_pagamento: b.dataLimite,
          },
        ],
      },
    };
    if (b.pix)
      out.dados_qrcode = {
        chave: b.pix.chave,
        emv: b.pix.emv,
        base64: b.pix.base64,
        txid: b.pix.txid,
        id_location: b.pix.idLocation,
        location: b.pix.location,
        tipo_cobranca: 'cob',
      };
    return out;
  }

  /** The boleto side of a bolecode paid by Pix lags the Pix side by `pixBoletoSideLagMinutes`: until then the consulta does not show the payment. */
  boletoSide(b: SimItauBoleto): SimItauBoleto {
    const lag = this.config.pixBoletoSideLagMinutes * 60_000;
    if (!b.payment || b.payment.meio !== 'pix' || this.clock.now() >= b.payment.at + lag) return b;
    const { payment: _payment, creditedAt: _credited, ...rest } = b;
    return rest;
  }

  /** The bolecode whose Pix charge has this txid. */
  byTxid(txid: string): SimItauBoleto | undefined {
    return this.boletos.find((b) => b.pix?.txid === txid);
  }

  /**
   * The Pix charge of a bolecode as the Pix API (BCB shape) shows it, `GET /cob/{txid}`: the keys of Itaú's
   * regulatório Pix example (test/fixtures/itau/pix-cob-ativa.json); `CONCLUIDA` with `pix[]` once paid by Pix (at
   * once, whatever the boleto side shows), `REMOVIDA_PELO_USUARIO_RECEBEDOR` after a baixa by the beneficiary (a baixa
   * removes the cob [3P S14]), `REMOVIDA_PELO_PSP` after any other end.
   */
  cobView(b: SimItauBoleto): Record<string, unknown> | undefined {
    if (!b.pix) return undefined;
    const status =
      b.payment?.meio === 'pix'
        ? 'CONCLUIDA'
        : b.baixa?.byClient
          ? 'REMOVIDA_PELO_USUARIO_RECEBEDOR'
          : b.baixa || b.payment
            ? 'REMOVIDA_PELO_PSP'
            : 'ATIVA';
    const end = brtInstant(addDays(b.dataLimite, 1), 0);
    const out: Record<string, unknown> = {
      status,
      calendario: { criacao: brtIso(b.createdAt), expiracao: Math.max(0, Math.round((end - b.createdAt) / 1000)) },
      location: b.pix.location,
      txid: b.pix.txid,
      revisao: 0,
      valor: { original: centsToDecimalString(b.valorCents) },
      chave: b.pix.chave,
    };
    const item = this.pixItem(b);
    if (item) out.pix = [item];
    return out;
  }

  /** The Pix that paid a bolecode, in the BCB Pix API shape (`cob.pix[]` and the webhook's `pix[]`). */
  pixItem(b: SimItauBoleto): { endToEndId: string; txid: string; valor: string; horario: string } | undefined {
    const pixPaid = b.payment?.meio === 'pix' ? b.payment : undefined;
    if (!b.pix || !pixPaid) return undefined;
    // E + Itaú's ISPB (60701190) + the payment's minute + 11 characters: the 32-character endToEndId of the Pix rules.
    const minute = brtIso(pixPaid.at).replace(/\D/g, '').slice(0, 12);
    return {
      endToEndId: `E60701190${minute}${b.id.replace(/-/g, '').slice(0, 11)}`,
      txid: b.pix.txid,
      valor: centsToDecimalString(pixPaid.valorCents),
      horario: brtIso(pixPaid.at),
    };
  }

  /** One item of the consulta detalhe (boletoscash v2). */
  detailView(stored: SimItauBoleto): Record<string, unknown> {
    const b = this.boletoSide(stored);
    const dado = obj(b.data.dado_boleto) ?? {};
    const vencido = !b.payment && !b.baixa && compareIsoDates(this.clock.today(), b.vencimento) > 0;
    const pagamentos = b.payment
      ? [
          {
            valor_pago_total_cobranca: centsToDecimalString(b.payment.valorCents),
            valor_pago_desconto_cobranca: '0.00',
            valor_pago_multa_cobranca: centsToDecimalString(
              Math.max(0, b.payment.valorCents - (b.valorCents - b.abatimentoCents)),
            ),
            valor_pago_juro_cobranca: '0.00',
            valor_pago_abatimento_cobranca: centsToDecimalString(b.abatimentoCents),
            data_inclusao_pagamento: brtDate(b.payment.at),
            data_hora_inclusao_pagamento: brtIso(b.payment.at),
            codigo_instituicao_financeira_pagamento: '341',
            numero_agencia_recebedora: '1500',
            codigo_canal_pagamento_boleto_cobranca: b.payment.meio === 'pix' ? '23' : '03',
            codigo_meio_pagamento_boleto_cobranca: b.payment.meio === 'pix' ? '10' : '01',
            descricao_meio_pagamento: b.payment.meio === 'pix' ? 'Pix' : 'Especie',
            descricao_canal_pagamento: b.payment.meio === 'pix' ? 'Pix' : 'Internet Banking',
          },
        ]
      : [];
    return {
      id_boleto: b.id,
      etapa_processo_boleto: 'efetivacao',
      beneficiario: { id_beneficiario: this.idBeneficiario, nome_cobranca: this.config.beneficiary.nome },
      acoes_permitidas: {
        emitir_segunda_via: !b.payment && !b.baixa,
        comandar_instrucao_alterar_dados_cobranca: !b.payment && !b.baixa,
      },
      dado_boleto: {
        descricao_instrumento_cobranca: b.instrumento,
        tipo_boleto: str(dado.tipo_boleto) ?? 'a vista',
        codigo_carteira: b.carteira,
        valor_total_titulo: centsToDecimalString(b.valorCents),
        codigo_especie: str(dado.codigo_especie) ?? '01',
        data_emissao: b.emissao,
        pagador: dado.pagador,
        quantidade_alteracao_vencimento: b.historico.filter((h) => h.operacao === 'Alteração de vencimento').length,
        indicador_bloqueio: false,
        data_hora_inclusao_boleto_cobranca: brtIso(b.createdAt),
        ...(b.baixa
          ? {
              baixa: {
                codigo_motivo_boleto_cobranca_baixado: b.baixa.codigo,
                motivo_baixa: b.baixa.motivo,
                data_inclusao_alteracao_baixa: brtDate(b.baixa.at),
                data_hora_inclusao_alteracao_baixa: brtIso(b.baixa.at),
              },
            }
          : {}),
        pagamentos_cobranca: pagamentos,
        historico: b.historico,
        ...(b.pix
          ? { qrcode_pix: { emv: b.pix.emv, imagem_base64: b.pix.base64, txid: b.pix.txid, location: b.pix.location } }
          : {}),
        dados_individuais_boleto: [
          {
            id_boleto_individual: b.id,
            status_boleto: 'Emissão efetivada',
            situacao_geral_boleto: this.situacao(b),
            status_vencimento: vencido ? 'vencido' : 'a vencer',
            mensagem_status_retorno: '',
            numero_nosso_numero: b.nossoNumero,
            dac_titulo: String(b.dac),
            data_vencimento: b.vencimento,
            valor_titulo: centsToDecimalString(b.valorCents),
            ...(b.seuNumero ? { texto_seu_numero: b.seuNumero } : {}),
            codigo_barras: b.barcode,
            numero_linha_digitavel: b.linhaDigitavel,
            data_limite_pagamento: b.dataLimite,
          },
        ],
      },
    };
  }

  adminView(b: SimItauBoleto): Record<string, unknown> {
    return {
      ...this.detailView(b),
      scenario: b.scenario,
      settleDueAt: b.settleDueAt === undefined ? null : brtIso(b.settleDueAt),
      autoPayAt: b.autoPay ? brtIso(b.autoPay.at) : null,
    };
  }
}
