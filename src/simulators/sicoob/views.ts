/**
 * The simulator's answers, one builder per response schema of Sicoob's OpenAPI (`cobranca-v3.openapi.yaml`
 * components.schemas, named in each comment): only that schema's properties, every `required` one present.
 */
import { centsToReaisNumber, formatSicoobNossoNumero, type IsoDate } from '../../domain';
import { renderBoletoPdf } from '../../domain/pdf';
import { brtDate } from '../shared/clock';
import type { Delivery } from '../shared/webhooks';
import {
  type SicoobBank,
  type SimSicoobBoleto,
  type SimSolicitacao,
  type SimWebhook,
  WEBHOOK_PERIODOS,
  WEBHOOK_SITUACOES,
  WEBHOOK_TIPOS,
} from './bank';
import type { SicoobSimConfig } from './config';

const reais = (cents: number): number => centsToReaisNumber(cents);
const iso = (ms: number): string => new Date(ms).toISOString();

function pick<T extends Record<string, unknown>>(o: T, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));
}

/** Every field the bank knows of a boleto; each view picks its schema's properties. */
function full(b: SimSicoobBoleto, config: SicoobSimConfig): Record<string, unknown> {
  const r = b.request;
  return {
    ...r,
    numeroCliente: config.beneficiary.numeroCliente,
    numeroContaCorrente: r.numeroContaCorrente || config.beneficiary.numeroContaCorrente,
    nossoNumero: b.nossoNumero,
    identificacaoBoletoEmpresa: r.identificacaoBoletoEmpresa ?? '',
    codigoBarras: b.codigoBarras,
    linhaDigitavel: b.linhaDigitavel,
    dataVencimento: b.dataVencimento,
    dataLimitePagamento: b.dataLimitePagamento,
    valor: reais(b.valorCents),
    valorAbatimento: r.valorAbatimento ?? 0,
    valorMulta: r.valorMulta ?? 0,
    valorJurosMora: r.valorJurosMora ?? 0,
    // Answered even when not sent (required by the answer schemas) [U: the value the bank fills in].
    dataMulta: r.dataMulta ?? b.dataVencimento,
    dataJurosMora: r.dataJurosMora ?? b.dataVencimento,
    codigoNegativacao: r.codigoNegativacao ?? 3,
    codigoProtesto: r.codigoProtesto ?? 3,
    aceite: r.aceite ?? false,
    quantidadeDiasFloat: 0,
    situacaoBoleto: b.situacao,
    listaHistorico: b.history,
    qrCode: b.qrCode,
    pagador: r.pagador,
  };
}

const COMMON = [
  'numeroCliente',
  'codigoModalidade',
  'numeroContaCorrente',
  'codigoEspecieDocumento',
  'dataEmissao',
  'nossoNumero',
  'seuNumero',
  'identificacaoBoletoEmpresa',
  'codigoBarras',
  'linhaDigitavel',
  'valor',
  'dataVencimento',
  'valorAbatimento',
  'dataPrimeiroDesconto',
  'valorPrimeiroDesconto',
  'dataSegundoDesconto',
  'valorSegundoDesconto',
  'dataTerceiroDesconto',
  'valorTerceiroDesconto',
  'tipoMulta',
  'dataMulta',
  'valorMulta',
  'tipoJurosMora',
  'dataJurosMora',
  'valorJurosMora',
  'numeroParcela',
  'aceite',
  'quantidadeDiasFloat',
  'mensagensInstrucao',
  'qrCode',
  'numeroContratoCobranca',
  'tipoDesconto',
] as const;

/** `_boletos_post_200_response_resultado` (POST /boletos). */
export async function registeredView(b: SimSicoobBoleto, config: SicoobSimConfig): Promise<Record<string, unknown>> {
  const f = full(b, config);
  const keys = [
    ...COMMON,
    'identificacaoEmissaoBoleto',
    'identificacaoDistribuicaoBoleto',
    'dataLimitePagamento',
    'codigoNegativacao',
    'numeroDiasNegativacao',
    'codigoProtesto',
    'numeroDiasProtesto',
    'pagador',
    'beneficiarioFinal',
    'rateioCreditos',
  ];
  const view = pick(f, keys);
  if (b.request.gerarPdf) view.pdfBoleto = await pdfBase64(b, config);
  if (b.request.codigoCadastrarPIX === 1 && !b.qrCode)
    view.descricaoRejeicaoPix = 'Modalidade não permitida para geração de QR Code.';
  return view;
}

/** `_boletos_get_200_response_resultado` (GET /boletos). */
export function consultaView(b: SimSicoobBoleto, config: SicoobSimConfig): Record<string, unknown> {
  return pick(full(b, config), [
    ...COMMON,
    'identificacaoEmissaoBoleto',
    'identificacaoDistribuicaoBoleto',
    'dataLimitePagamento',
    'numeroDiasNegativacao',
    'numeroDiasProtesto',
    'pagador',
    'beneficiarioFinal',
    'listaHistorico',
    'situacaoBoleto',
    'rateioCreditos',
  ]);
}

/** `_pagadores__numeroCpfCnpj__boletos_get_200_response_resultado_inner` (GET /pagadores/{cpf}/boletos). */
export function payerListView(b: SimSicoobBoleto, config: SicoobSimConfig): Record<string, unknown> {
  const f = full(b, config);
  const view = pick(f, [...COMMON, 'codigoNegativacao', 'codigoProtesto', 'situacaoBoleto']);
  view.pagador = { numeroCpfCnpj: b.request.pagador.numeroCpfCnpj, nome: b.request.pagador.nome };
  if (b.request.beneficiarioFinal?.nome) view.beneficiarioFinal = { nome: b.request.beneficiarioFinal.nome };
  return view;
}

/** `_boletos_segunda_via_get_200_response_resultado` (GET /boletos/segunda-via). */
export async function segundaViaView(
  b: SimSicoobBoleto,
  config: SicoobSimConfig,
  gerarPdf: boolean,
): Promise<Record<string, unknown>> {
  const view = pick(full(b, config), [
    'numeroCliente',
    'codigoModalidade',
    'codigoEspecieDocumento',
    'dataEmissao',
    'nossoNumero',
    'seuNumero',
    'codigoBarras',
    'linhaDigitavel',
    'valor',
    'dataVencimento',
    'valorAbatimento',
    'numeroParcela',
    'aceite',
    'tipoMulta',
    'valorMulta',
    'tipoJurosMora',
    'valorJurosMora',
    'pagador',
    'beneficiarioFinal',
    'mensagensInstrucao',
    'qrCode',
    'numeroContratoCobranca',
    'tipoDesconto',
  ]);
  if (gerarPdf) view.pdfBoleto = await pdfBase64(b, config);
  return view;
}

/** The boleto's PDF (rendered by the project's own renderer) in base64, as `pdfBoleto` carries it. */
async function pdfBase64(b: SimSicoobBoleto, config: SicoobSimConfig): Promise<string> {
  const ben = config.beneficiary;
  const p = b.request.pagador;
  const pdf = await renderBoletoPdf(
    {
      bank: { code: '756', name: 'Sicoob' },
      beneficiary: { name: ben.nome, document: ben.document, agencyAccount: `${ben.cooperativa}/${ben.codigoCliente}` },
      payer: {
        name: p.nome,
        document: p.numeroCpfCnpj,
        address: [p.endereco, `${p.bairro} - ${p.cidade}/${p.uf} - CEP ${p.cep}`],
      },
      nossoNumero: formatSicoobNossoNumero({
        cooperativa: ben.cooperativa,
        codigoCliente: ben.codigoCliente,
        nossoNumero: Math.floor(b.nossoNumero / 10),
      }),
      documentNumber: b.seuNumero,
      issueDate: b.request.dataEmissao,
      dueDate: b.dataVencimento,
      amountCents: b.valorCents,
      carteira: '1',
      especieDoc: b.request.codigoEspecieDocumento,
      instructions: (b.request.mensagensInstrucao ?? []).slice(0, 8),
      barcode: b.codigoBarras,
      ...(b.qrCode ? { pixEmv: b.qrCode } : {}),
    },
    { creationDate: new Date(b.registeredAt) },
  );
  return pdf.toString('base64');
}

/** `Webhook` (GET /webhooks). */
export function webhookView(w: SimWebhook): Record<string, unknown> {
  return {
    idWebhook: w.idWebhook,
    url: w.url,
    ...(w.email ? { email: w.email } : {}),
    codigoTipoMovimento: w.codigoTipoMovimento,
    descricaoTipoMovimento: WEBHOOK_TIPOS[w.codigoTipoMovimento] ?? '',
    codigoPeriodoMovimento: w.codigoPeriodoMovimento,
    descricaoPeriodoMovimento: WEBHOOK_PERIODOS[w.codigoPeriodoMovimento] ?? '',
    codigoSituacao: w.codigoSituacao,
    descricaoSituacao: WEBHOOK_SITUACOES[w.codigoSituacao],
    dataHoraCadastro: iso(w.dataHoraCadastro),
    ...(w.dataHoraUltimaAlteracao !== undefined ? { dataHoraUltimaAlteracao: iso(w.dataHoraUltimaAlteracao) } : {}),
    ...(w.dataHoraInativacao !== undefined ? { dataHoraInativacao: iso(w.dataHoraInativacao) } : {}),
    ...(w.descricaoMotivoInativacao ? { descricaoMotivoInativacao: w.descricaoMotivoInativacao } : {}),
  };
}

const SOLICITACAO_SITUACOES: Record<Delivery['state'], [number, string]> = {
  PENDING: [2, 'Aguardando envio'],
  DELIVERED: [3, 'Enviado com sucesso'],
  GAVE_UP: [6, 'Erro no envio'],
};

/** `WebhookSolicitacoes` (GET /webhooks/{idWebhook}/solicitacoes): the delivery log of one day, paginated. */
export function solicitacoesView(
  bank: SicoobBank,
  deliveries: ReadonlyMap<string, Delivery>,
  w: SimWebhook,
  q: {
    dataSolicitacao: IsoDate;
    pagina: number;
    codigoSolicitacaoSituacao?: number;
    nossoNumero?: number;
    codigoBarras?: string;
  },
): Record<string, unknown> {
  const rows = bank.solicitacoes
    .filter((s: SimSolicitacao) => s.idWebhook === w.idWebhook && brtDate(s.createdAt) === q.dataSolicitacao)
    .filter((s) => q.nossoNumero === undefined || s.nossoNumero === q.nossoNumero)
    .filter((s) => q.codigoBarras === undefined || s.codigoBarras === q.codigoBarras)
    .map((s) => ({ s, d: deliveries.get(s.deliveryId) }))
    .filter(
      ({ d }) =>
        q.codigoSolicitacaoSituacao === undefined ||
        (d && SOLICITACAO_SITUACOES[d.state][0] === q.codigoSolicitacaoSituacao),
    );
  const size = bank.config.solicitacoesPageSize;
  const totalPaginas = Math.max(1, Math.ceil(rows.length / size));
  const page = rows.slice((q.pagina - 1) * size, q.pagina * size);
  return {
    paginaAtual: q.pagina,
    totalPaginas,
    totalRegistros: rows.length,
    webhookSolicitacoes: page.map(({ s, d }) => {
      const [codigo, descricao] = SOLICITACAO_SITUACOES[d?.state ?? 'PENDING'];
      return {
        codigoWebhookSituacao: w.codigoSituacao,
        descricaoWebhookSituacao: WEBHOOK_SITUACOES[w.codigoSituacao],
        codigoSolicitacaoSituacao: codigo,
        descricaoSolicitacaoSituacao: descricao,
        codigoTipoMovimento: w.codigoTipoMovimento,
        descricaoTipoMovimento: WEBHOOK_TIPOS[w.codigoTipoMovimento] ?? '',
        codigoPeriodoMovimento: w.codigoPeriodoMovimento,
        descricaoPeriodoMovimento: WEBHOOK_PERIODOS[w.codigoPeriodoMovimento] ?? '',
        ...(d?.state === 'GAVE_UP' ? { descricaoErroProcessamento: 'Erro ao enviar notificação' } : {}),
        dataHoraCadastro: iso(s.createdAt),
        validacaoWebhook: s.validacaoWebhook,
        ...(s.nossoNumero !== undefined ? { nossoNumero: s.nossoNumero } : {}),
        ...(s.codigoBarras ? { codigoBarras: s.codigoBarras } : {}),
        // One entry for the latest attempt: the shared queue keeps the last status, not every attempt [U].
        webhookNotificacoes:
          d && d.attempts > 0
            ? [
                {
                  url: s.url,
                  dataHoraInicio: iso(d.deliveredAt ?? d.dueAt),
                  dataHoraFim: iso(d.deliveredAt ?? d.dueAt),
                  tempoComunicao: 0,
                  ...(d.lastStatus !== undefined ? { codigoStatusRequisicao: d.lastStatus } : {}),
                  descricaoCodigoStatusRequisicao: d.state === 'DELIVERED' ? 'OK' : (d.lastError ?? ''),
                },
              ]
            : [],
      };
    }),
  };
}
