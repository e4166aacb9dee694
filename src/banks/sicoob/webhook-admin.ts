/**
 * Sicoob's webhook registrations by API (docs/banks/sicoob.md "Operations", S1 `/webhooks`): create (201), list by
 * `idWebhook` / `codigoTipoMovimento` (200, 204 = none), change the URL, delete, reactivate (204 each) and the
 * delivery log of one day (paginated). Answers are parsed with zod after S1's schemas (`Webhook`,
 * `WebhookSolicitacoes`); refusals are the adapter's (`MensagensErro` 400/406 → VALIDATION, 401/403 → AUTH, 5xx →
 * UNAVAILABLE). `ensureSicoobWebhook` is what onboarding runs at ACTIVE and on its watch: exactly one type-7
 * webhook pointing at our receiver.
 */
import { z } from 'zod';
import { BankError } from '../errors';
import type { SicoobAdapter } from './adapter';
import { resultado } from './mapping';

/** `codigoTipoMovimento` 7 "Pagamento (Baixa operacional)", the one type S1 lists [C S1 `WebhookCadastro`]. */
export const SICOOB_WEBHOOK_TIPO_PAGAMENTO = 7;
/** `codigoPeriodoMovimento` 1 "Movimento atual (D0)" [C S1]. */
export const SICOOB_WEBHOOK_PERIODO_D0 = 1;

/** `codigoSituacao` [C S1 `Webhook`]: 1 Aguardando validação, 2 Validado com sucesso, 3 Inativo. */
export const SICOOB_WEBHOOK_SITUACOES = { 1: 'Aguardando validação', 2: 'Validado com sucesso', 3: 'Inativo' } as const;

const int = z.number().int();

/** S1 `Webhook` (what `GET /webhooks` lists). */
export const SicoobWebhookSchema = z.object({
  idWebhook: int,
  url: z.string(),
  email: z.string().optional(),
  codigoTipoMovimento: int,
  descricaoTipoMovimento: z.string(),
  codigoPeriodoMovimento: int,
  descricaoPeriodoMovimento: z.string(),
  codigoSituacao: int,
  descricaoSituacao: z.string(),
  dataHoraCadastro: z.string(),
  dataHoraUltimaAlteracao: z.string().optional(),
  dataHoraInativacao: z.string().optional(),
  descricaoMotivoInativacao: z.string().optional(),
});
export type SicoobWebhook = z.infer<typeof SicoobWebhookSchema>;

/** S1 `WebhookSolicitacoes_webhookSolicitacoes_inner_webhookNotificacoes_inner`: one attempt. */
const NotificacaoSchema = z.object({
  url: z.string(),
  dataHoraInicio: z.string(),
  dataHoraFim: z.string().optional(),
  tempoComunicao: int.optional(),
  codigoStatusRequisicao: int.optional(),
  descricaoCodigoStatusRequisicao: z.string().optional(),
});

/** S1 `WebhookSolicitacoes_webhookSolicitacoes_inner`: one notification request. */
const SolicitacaoSchema = z.object({
  codigoWebhookSituacao: int,
  descricaoWebhookSituacao: z.string(),
  codigoSolicitacaoSituacao: int,
  descricaoSolicitacaoSituacao: z.string(),
  codigoTipoMovimento: int,
  descricaoTipoMovimento: z.string(),
  codigoPeriodoMovimento: int,
  descricaoPeriodoMovimento: z.string(),
  descricaoErroProcessamento: z.string().optional(),
  dataHoraCadastro: z.string(),
  validacaoWebhook: z.boolean(),
  nossoNumero: int.optional(),
  codigoBarras: z.string().optional(),
  webhookNotificacoes: z.array(NotificacaoSchema).optional(),
});

/** S1 `WebhookSolicitacoes`: one page of a day's delivery log. */
export const SicoobSolicitacoesSchema = z.object({
  paginaAtual: int.optional(),
  totalPaginas: int.optional(),
  totalRegistros: int.optional(),
  webhookSolicitacoes: z.array(SolicitacaoSchema).optional(),
});
export type SicoobSolicitacoes = z.infer<typeof SicoobSolicitacoesSchema>;

/** The filters of `GET /webhooks/{idWebhook}/solicitacoes` [C S1]; `dataSolicitacao` yyyy-MM-dd is required. */
export interface SicoobSolicitacoesQuery {
  dataSolicitacao: string;
  pagina?: number;
  codigoSolicitacaoSituacao?: number;
  nossoNumero?: number;
  codigoBarras?: string;
}

export class SicoobWebhooks {
  constructor(private readonly api: Pick<SicoobAdapter, 'call' | 'refused'>) {}

  private parse<T>(operation: string, schema: z.ZodType<T>, value: unknown): T {
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    const where = r.error.issues.map((i) => i.path.join('.') || 'resultado').join(', ');
    throw new BankError('UNAVAILABLE', `Sicoob ${operation}: unexpected answer (${where})`, { operation });
  }

  /** `POST /webhooks` (201 `{resultado: {idWebhook}}`). */
  async create(body: { url: string; email?: string; codigoTipoMovimento?: number }): Promise<number> {
    const res = await this.api.call('webhook-create', 'POST', '/webhooks', {
      body: {
        url: body.url,
        codigoTipoMovimento: body.codigoTipoMovimento ?? SICOOB_WEBHOOK_TIPO_PAGAMENTO,
        codigoPeriodoMovimento: SICOOB_WEBHOOK_PERIODO_D0,
        ...(body.email ? { email: body.email } : {}),
      },
      write: true,
    });
    if (res.status !== 201 && res.status !== 200) throw this.api.refused('webhook-create', res);
    return this.parse('webhook-create', z.object({ idWebhook: int }), resultado(res.text)).idWebhook;
  }

  /** `GET /webhooks`, optionally by id or type (204: none). */
  async list(filter: { idWebhook?: number; codigoTipoMovimento?: number } = {}): Promise<SicoobWebhook[]> {
    const res = await this.api.call('webhook-list', 'GET', '/webhooks', { query: filter });
    if (res.status === 204) return [];
    if (res.status !== 200) throw this.api.refused('webhook-list', res);
    return this.parse('webhook-list', z.array(SicoobWebhookSchema), resultado(res.text));
  }

  /** `PATCH /webhooks/{idWebhook}` with a new URL: the bank validates it again (situação 1) [C S1]. */
  async updateUrl(idWebhook: number, body: { url: string; email?: string }): Promise<void> {
    await this.noContent('webhook-update', 'PATCH', `/webhooks/${idWebhook}`, body);
  }

  /** `DELETE /webhooks/{idWebhook}`. */
  async remove(idWebhook: number): Promise<void> {
    await this.noContent('webhook-delete', 'DELETE', `/webhooks/${idWebhook}`);
  }

  /** `PATCH /webhooks/{idWebhook}/reativar` (no body): back to situação 1 until validated [C S1]. */
  async reactivate(idWebhook: number): Promise<void> {
    await this.noContent('webhook-reactivate', 'PATCH', `/webhooks/${idWebhook}/reativar`);
  }

  /** One page of the delivery log of a day (`GET /webhooks/{idWebhook}/solicitacoes`). */
  async deliveries(idWebhook: number, q: SicoobSolicitacoesQuery): Promise<SicoobSolicitacoes> {
    const res = await this.api.call('webhook-deliveries', 'GET', `/webhooks/${idWebhook}/solicitacoes`, {
      query: { ...q },
    });
    if (res.status === 204) return { webhookSolicitacoes: [] };
    if (res.status !== 200) throw this.api.refused('webhook-deliveries', res);
    return this.parse('webhook-deliveries', SicoobSolicitacoesSchema, resultado(res.text));
  }

  private async noContent(operation: string, method: 'PATCH' | 'DELETE', path: string, body?: unknown) {
    const res = await this.api.call(operation, method, path, { ...(body !== undefined ? { body } : {}), write: true });
    if (res.status !== 204 && res.status !== 200) throw this.api.refused(operation, res);
  }
}

/** What `ensureSicoobWebhook` found and did. */
export interface SicoobWebhookEnsured {
  /** Our webhook as the bank lists it after the changes. */
  webhook: SicoobWebhook;
  /** What was done, in order ("created 12", "re-pointed 12", "reactivated 12", "deleted 13"); empty: kept as it was. */
  actions: string[];
  /** The webhook was found Inativo (and reactivated): when and why, in the bank's words. */
  wasInactive?: { at?: string; reason?: string };
  /** Type-7 webhooks of someone else's (another URL): left alone. */
  foreign: string[];
}

const situacaoRank = (w: SicoobWebhook) => (w.codigoSituacao === 2 ? 0 : w.codigoSituacao === 1 ? 1 : 2);

/**
 * Exactly one type-7 webhook points at `url` (our receiver for this account): listed first, so a retry never makes
 * two. One at our URL is kept (the best situated; other copies deleted); else one of ours at another base URL (same
 * `/webhooks/sicoob/<accountId>` path) is re-pointed with PATCH; else one is created. An Inativo one is reactivated.
 * A type-7 webhook pointing anywhere else is someone else's: never changed (if the bank then refuses ours, its
 * message says why).
 */
export async function ensureSicoobWebhook(
  hooks: SicoobWebhooks,
  target: { url: string; accountPath: string },
): Promise<SicoobWebhookEnsured> {
  const tipo = SICOOB_WEBHOOK_TIPO_PAGAMENTO;
  const listed = await hooks.list({ codigoTipoMovimento: tipo });
  const type7 = listed.filter((w) => w.codigoTipoMovimento === tipo);
  const exact = type7.filter((w) => w.url === target.url).sort((a, b) => situacaoRank(a) - situacaoRank(b));
  const elsewhere = type7.filter((w) => w.url !== target.url && w.url.replace(/\/+$/, '').endsWith(target.accountPath));
  const foreign = type7.filter((w) => !exact.includes(w) && !elsewhere.includes(w)).map((w) => w.url);
  const actions: string[] = [];
  const chosen = exact[0] ?? elsewhere[0];
  for (const w of [...exact, ...elsewhere].filter((x) => x !== chosen)) {
    await hooks.remove(w.idWebhook);
    actions.push(`deleted ${w.idWebhook} (${w.url})`);
  }
  let id: number;
  if (!chosen) {
    id = await hooks.create({ url: target.url });
    actions.push(`created ${id}`);
  } else {
    id = chosen.idWebhook;
    if (chosen.url !== target.url) {
      await hooks.updateUrl(id, { url: target.url });
      actions.push(`re-pointed ${id} from ${chosen.url}`);
    }
  }
  const current = async (): Promise<SicoobWebhook> => {
    const w = (await hooks.list({ idWebhook: id })).find((x) => x.idWebhook === id);
    if (!w)
      throw new BankError('UNAVAILABLE', `Sicoob does not list webhook ${id} just registered`, {
        operation: 'webhook-list',
      });
    return w;
  };
  let webhook = await current();
  let wasInactive: SicoobWebhookEnsured['wasInactive'];
  if (webhook.codigoSituacao === 3) {
    wasInactive = {
      ...(webhook.dataHoraInativacao ? { at: webhook.dataHoraInativacao } : {}),
      ...(webhook.descricaoMotivoInativacao ? { reason: webhook.descricaoMotivoInativacao } : {}),
    };
    await hooks.reactivate(id);
    actions.push(`reactivated ${id}`);
    webhook = await current();
  }
  return { webhook, actions, ...(wasInactive ? { wasInactive } : {}), foreign };
}
