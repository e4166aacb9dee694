/**
 * An account's Sicoob webhook registrations and one day's delivery log, for operators (src/banks/sicoob/api.ts):
 * read at the bank by the activity `sicoobWebhookReport` (the worker holds the account's certificate), through the
 * one-shot workflow of ./webhook-report-workflow.ts. Sicoob's own words and codes are kept (situations, the
 * receiver's answers); nothing secret is in it.
 */
import { z } from 'zod';
import { withBankFailures } from '../../activities/to-failure';
import { instant } from '../../api/schemas/time';
import { BankError } from '../errors';
import type { BankRegistry } from '../registry';
import { bankInstant } from '../time';
import type { SicoobConnection } from './connection';
import type { SicoobSolicitacoes, SicoobWebhook } from './webhook-admin';

/** Sicoob's times (yyyy-MM-ddTHH:mm:ss.SSSZ) as the API's instants; one Sicoob wrote otherwise is left out. */
const bankTime = instant.optional();
const at = (v: string | undefined) => bankInstant(v);

const Attempt = z.object({
  url: z.string(),
  startedAt: bankTime,
  endedAt: bankTime,
  seconds: z.number().int().optional(),
  httpStatus: z.number().int().optional().meta({ description: "the receiver's HTTP status" }),
  answer: z.string().optional().meta({ description: "the receiver's answer (`descricaoCodigoStatusRequisicao`)" }),
});

const DeliveryRequest = z.object({
  requestedAt: bankTime,
  validation: z.boolean().meta({ description: 'a validation request of the URL (`validacaoWebhook`)' }),
  status: z.string().meta({ description: '2 Aguardando envio, 3 Enviado com sucesso, 6 Erro no envio' }),
  error: z.string().optional(),
  nossoNumero: z.string().optional(),
  barcode: z.string().optional(),
  attempts: z.array(Attempt),
});

const Registration = z.object({
  id: z.string().meta({ description: "Sicoob's idWebhook" }),
  url: z.string(),
  movementType: z.string().meta({ example: '7 - Pagamento (Baixa operacional)' }),
  situation: z.string().meta({ example: '2 - Validado com sucesso' }),
  registeredAt: bankTime,
  changedAt: bankTime,
  inactivatedAt: bankTime,
  inactivationReason: z.string().optional(),
  deliveries: z.object({
    page: z.number().int(),
    totalPages: z.number().int(),
    totalRecords: z.number().int(),
    items: z.array(DeliveryRequest),
  }),
});

export const SicoobWebhookReportSchema = z
  .object({
    accountId: z.string(),
    date: z.string().meta({ format: 'date' }),
    page: z.number().int(),
    registrations: z
      .array(Registration)
      .meta({ description: "the account's webhooks at Sicoob (usually one, type 7)" }),
  })
  .meta({
    id: 'SicoobWebhookReport',
    description: "A Sicoob account's webhook registrations and a day's delivery log",
  });
export type SicoobWebhookReport = z.infer<typeof SicoobWebhookReportSchema>;

export interface SicoobWebhookReportInput {
  accountId: string;
  /** yyyy-MM-dd (São Paulo). */
  date: string;
  page: number;
}

const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function registrationView(w: SicoobWebhook, log: SicoobSolicitacoes, page: number): z.infer<typeof Registration> {
  const items = log.webhookSolicitacoes ?? [];
  return defined({
    id: String(w.idWebhook),
    url: w.url,
    movementType: `${w.codigoTipoMovimento} - ${w.descricaoTipoMovimento}`,
    situation: `${w.codigoSituacao} - ${w.descricaoSituacao}`,
    registeredAt: at(w.dataHoraCadastro),
    changedAt: at(w.dataHoraUltimaAlteracao),
    inactivatedAt: at(w.dataHoraInativacao),
    inactivationReason: w.descricaoMotivoInativacao,
    deliveries: {
      page: log.paginaAtual ?? page,
      totalPages: log.totalPaginas ?? 1,
      totalRecords: log.totalRegistros ?? items.length,
      items: items.map((s) =>
        defined({
          requestedAt: at(s.dataHoraCadastro),
          validation: s.validacaoWebhook,
          status: `${s.codigoSolicitacaoSituacao} - ${s.descricaoSolicitacaoSituacao}`,
          error: s.descricaoErroProcessamento,
          nossoNumero: s.nossoNumero !== undefined ? String(s.nossoNumero) : undefined,
          barcode: s.codigoBarras,
          attempts: (s.webhookNotificacoes ?? []).map((n) =>
            defined({
              url: n.url,
              startedAt: at(n.dataHoraInicio),
              endedAt: at(n.dataHoraFim),
              seconds: n.tempoComunicao,
              httpStatus: n.codigoStatusRequisicao,
              answer: n.descricaoCodigoStatusRequisicao,
            }),
          ),
        }),
      ),
    },
  });
}

export const createSicoobReportActivities = (deps: { registry: BankRegistry }) => ({
  /** The account's webhooks at Sicoob and, for each, a page of the day's delivery log. */
  sicoobWebhookReport(input: SicoobWebhookReportInput): Promise<SicoobWebhookReport> {
    return withBankFailures(async () => {
      const account = await deps.registry.ensure(input.accountId);
      if (account.bank !== 'SICOOB')
        throw new BankError('NOT_FOUND', `${input.accountId} is not a Sicoob account`, { operation: 'webhook-report' });
      const hooks = (deps.registry.connection(input.accountId) as SicoobConnection).adapter().webhooks;
      const registrations = [];
      for (const w of await hooks.list()) {
        const log = await hooks.deliveries(w.idWebhook, { dataSolicitacao: input.date, pagina: input.page });
        registrations.push(registrationView(w, log, input.page));
      }
      return { accountId: input.accountId, date: input.date, page: input.page, registrations };
    });
  },
});
