/**
 * Itaú Cobrança (cash_management v2) and Bolecode behind the one BankAdapter interface. Auth: client_credentials
 * over mTLS from the account's in-process token cache; a 401 means the token died: drop it, get a fresh one,
 * retry once. The nosso número is ours (carteira 109, 8 digits) and is the dedupe key: findRegistered and the
 * 202 "operação em andamento" path query the consulta by it. bankId = Itaú's PATCH id_boleto (id_beneficiario +
 * carteira + nosso número).
 */
import { itauIdBeneficiario, itauIdBoleto, saoPauloDate } from '../../domain';
import type { BankAdapter, BankCapability, InboundWebhook } from '../bank-adapter';
import { BankError } from '../errors';
import { bankInstant } from '../time';
import type {
  BankBoleto,
  BankEvent,
  BoletoRef,
  RegisterBoletoRequest,
  SearchBoletosFilter,
  SearchBoletosResult,
} from '../../contracts/bank';
import { ITAU_CAPABILITIES } from './capabilities';
import type { ItauHttp, ItauResponse } from './client';
import {
  checkItauResponse,
  consultaItems,
  fromItauBoleto,
  fromPixCob,
  itauRegisterEndpoint,
  itauUnwrapped,
  parseJson,
  toItauRegister,
} from './mapping';
import { ItauTokenCache } from './tokens';
import { translateItauWebhook } from './webhook';

export interface ItauAdapterDeps {
  http: ItauHttp;
  tokens?: ItauTokenCache;
  now?: () => Date;
  /** Waits between the 202 path's queries (tests pass a fast one). */
  sleep?: (ms: number) => Promise<void>;
}

export interface ItauSubscription {
  webhookUrl: string;
  oauthUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** Minimum paid amount notified, in cents (Itaú default R$ 0,10). */
  minimumCents?: number;
  types?: ItauNotificationType[];
}

const brtToday = (d: Date) => saoPauloDate(d.getTime());

export class ItauAdapter implements BankAdapter {
  readonly bank = 'ITAU' as const;
  readonly capabilities: ReadonlySet<BankCapability> = ITAU_CAPABILITIES;
  readonly http: ItauHttp;
  readonly tokens: ItauTokenCache;
  private readonly now: () => Date;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(deps: ItauAdapterDeps) {
    this.http = deps.http;
    this.now = deps.now ?? (() => new Date());
    this.tokens = deps.tokens ?? new ItauTokenCache(deps.http, () => this.now().getTime());
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  private get config() {
    return this.http.config;
  }

  private get idBeneficiario(): string {
    return itauIdBeneficiario(this.config);
  }

  private async authed(call: (token: string) => Promise<ItauResponse>): Promise<ItauResponse> {
    const first = await this.tokens.accessToken();
    const res = await call(first.accessToken);
    if (res.status !== 401) return res;
    const second = await this.tokens.accessToken({ stale: first.accessToken });
    return call(second.accessToken);
  }

  private check(res: ItauResponse, op: string, write: boolean): unknown {
    return checkItauResponse(res, op, write, this.config);
  }

  private parse(raw: unknown): BankBoleto {
    const now = this.now();
    return fromItauBoleto(raw, now.toISOString(), this.config, brtToday(now));
  }

  private nossoNumeroOf(ref: BoletoRef): string {
    if (ref.nossoNumero) return ref.nossoNumero.padStart(8, '0');
    // bankId = id_beneficiario(12) + carteira(3) + nosso número.
    if (ref.bankId && /^\d{23,31}$/.test(ref.bankId)) return ref.bankId.slice(15).padStart(8, '0').slice(-8);
    throw new BankError('VALIDATION', 'an Itaú boleto reference needs the nosso número or the id_boleto', {
      fields: [{ field: 'ref', message: 'nossoNumero or bankId (id_boleto) required' }],
    });
  }

  private idBoletoOf(ref: BoletoRef): string {
    return itauIdBoleto({
      agencia: this.config.agencia,
      conta: this.config.conta,
      carteira: this.config.carteira,
      nossoNumero: this.nossoNumeroOf(ref),
    });
  }

  /** A token, then a consulta of a nosso número that need not exist: proves certificate, secret, apikey and beneficiary. */
  async authenticate(): Promise<{ ok: true; expiresAt?: string }> {
    const t = await this.tokens.accessToken();
    const res = await this.authed((token) =>
      this.http.consulta(token, this.idBeneficiario, this.config.carteira, '00000000'),
    );
    if (res.status !== 404) this.check(res, 'authenticate', false);
    return { ok: true, expiresAt: t.expiresAt };
  }

  /**
   * Boletos go to cash_management (`{data}`); bolecodes to the account's bolecode endpoint
   * (`pix_recebimentos_conciliacoes` `/boletos_pix` by default, or recebimentos-pix `/boletos-pix`: unwrapped), each
   * with its own amount format (mapping.ts).
   */
  async register(req: RegisterBoletoRequest): Promise<BankBoleto> {
    const endpoint = itauRegisterEndpoint(req, this.config);
    const data = toItauRegister(req, this.config, 'efetivacao', endpoint);
    const body = itauUnwrapped(endpoint) ? data : { data };
    const res = await this.authed((token) => this.http.register(token, body, endpoint));
    if (res.status === 202) return this.resolvePending(req);
    const answer = this.check(res, 'register', true) as { data?: unknown } | undefined;
    return this.parse(answer?.data ?? answer);
  }

  /** 202 "operação em andamento": the outcome is unknown until the consulta shows the boleto. */
  private async resolvePending(req: RegisterBoletoRequest): Promise<BankBoleto> {
    for (let i = 0; i < this.config.pendingQueryAttempts; i++) {
      if (i > 0) await this.sleep(this.config.pendingQueryDelayMs);
      const found = await this.findRegistered(req);
      if (found) return found;
    }
    throw new BankError(
      'UNAVAILABLE',
      `Itaú register: 202 "operação em andamento" and the boleto is not in the consulta after ${this.config.pendingQueryAttempts} queries`,
      {
        httpStatus: 202,
        operation: 'register',
        outcomeUnknown: true,
      },
    );
  }

  /** Validates a registration at the bank without creating anything (cash_management: etapa validacao; the bolecode APIs: simulacao). */
  async validate(req: RegisterBoletoRequest): Promise<{ ok: true }> {
    const endpoint = itauRegisterEndpoint(req, this.config);
    const data = toItauRegister(req, this.config, endpoint === 'cash_management' ? 'validacao' : 'simulacao', endpoint);
    const res = await this.authed((token) =>
      this.http.register(token, itauUnwrapped(endpoint) ? data : { data }, endpoint, 'validate'),
    );
    this.check(res, 'validate', false);
    return { ok: true };
  }

  async get(ref: BoletoRef): Promise<BankBoleto | null> {
    const nn = this.nossoNumeroOf(ref);
    const res = await this.authed((token) => this.http.consulta(token, this.idBeneficiario, this.config.carteira, nn));
    if (res.status === 404 || res.status === 204) return null;
    const items = consultaItems(this.check(res, 'get', false));
    // The consulta may list an old boleto with the same nosso número (reuse after 45 days): take the one asked for.
    const found = items.map((i) => this.parse(i)).filter((b) => b.nossoNumero.padStart(8, '0') === nn);
    const b = found.at(-1);
    return b ? this.withPixSide(b) : null;
  }

  /**
   * The Pix side of a bolecode (`pixChargeLookup`): while the consulta still shows it open, its Pix charge may already
   * be paid. `GET /cob/{txid}` `CONCLUIDA` with a `pix[]` payment → that payment (channel Pix), SETTLED at the
   * payment's time (a Pix is credited when paid) unless `baixadaWithPayment` is `PAID`. When the Pix API cannot say
   * (404, no scope, unavailable) the consulta's answer stands and the next poll asks again.
   */
  private async withPixSide(b: BankBoleto): Promise<BankBoleto> {
    const txid = b.pix?.txid;
    if (
      !this.config.pixChargeLookup ||
      !this.config.urls.pix ||
      !txid ||
      b.payment ||
      (b.status !== 'OPEN' && b.status !== 'OVERDUE')
    )
      return b;
    let cob: ReturnType<typeof fromPixCob>;
    try {
      const res = await this.authed((token) => this.http.pixCharge(token, txid));
      if (res.status === 404) return b;
      cob = fromPixCob(this.check(res, 'pix-cob', false), this.now().toISOString());
    } catch (e) {
      if (e instanceof BankError) return b;
      throw e;
    }
    if (!cob.payment) return b;
    const { endToEndId: _e2e, ...paid } = cob.payment;
    const settled = this.config.baixadaWithPayment !== 'PAID';
    return {
      ...b,
      status: settled ? 'SETTLED' : 'PAID',
      bankStatus: `${b.bankStatus}; Pix ${cob.status}`,
      payment: { ...paid, channel: 'Pix' },
      ...(settled ? { settlement: { settledCents: paid.paidCents, settledAt: paid.paidAt } } : {}),
    };
  }

  async findRegistered(
    req: Pick<RegisterBoletoRequest, 'seuNumero' | 'nossoNumero' | 'dueDate'>,
  ): Promise<BankBoleto | null> {
    if (!req.nossoNumero)
      throw new BankError('VALIDATION', 'Itaú finds a registration by nosso número only', {
        fields: [{ field: 'nossoNumero', message: 'required' }],
      });
    const b = await this.get({ nossoNumero: req.nossoNumero });
    // A nosso número reused after quarantine belongs to another boleto: check it is ours.
    if (b && b.seuNumero !== undefined && req.seuNumero && b.seuNumero !== req.seuNumero) return null;
    return b;
  }

  search(_filter: SearchBoletosFilter): Promise<SearchBoletosResult> {
    return Promise.reject(
      new BankError('VALIDATION', 'Itaú has no boleto search in its API (the consulta needs the nosso número)', {
        fields: [{ field: 'filter', message: 'SEARCH is not a capability of ITAU' }],
      }),
    );
  }

  pdf(_ref: BoletoRef): Promise<Uint8Array> {
    return Promise.reject(
      new BankError('VALIDATION', 'Itaú offers no boleto PDF in its API: render it with src/domain/pdf', {
        fields: [{ field: 'ref', message: 'BANK_PDF is not a capability of ITAU' }],
      }),
    );
  }

  /**
   * Any other documented instruction (valor_nominal, abatimento, data_limite_pagamento, seu_numero, …). A 200 whose
   * message says it awaits the manager's approval ("Aguardando aprovação", `approvalPatterns`) is flagged
   * `awaitingApproval`: accepted, not applied.
   */
  async instruction(
    ref: BoletoRef,
    instrucao: string,
    data: Record<string, unknown>,
  ): Promise<{ accepted: true; httpStatus: number; message?: string; awaitingApproval?: true }> {
    const res = await this.authed((token) => this.http.instruction(token, this.idBoletoOf(ref), instrucao, data));
    const body = this.check(res, instrucao, true) as { data?: { mensagem?: unknown }; mensagem?: unknown } | undefined;
    const raw = body?.data?.mensagem ?? body?.mensagem;
    const m = typeof raw === 'string' ? raw.trim() : undefined;
    const awaiting =
      res.status === 200 && m !== undefined && this.config.approvalPatterns.some((p) => new RegExp(p, 'i').test(m));
    return {
      accepted: true,
      httpStatus: res.status,
      ...(m !== undefined ? { message: m } : {}),
      ...(awaiting ? { awaitingApproval: true as const } : {}),
    };
  }

  /** After an "Aguardando aprovação": the consulta, a few times, until it shows the change (true) or not (false). */
  private async appliedAtBank(ref: BoletoRef, applied: (b: BankBoleto) => boolean): Promise<boolean> {
    for (let i = 0; i < this.config.approvalQueryAttempts; i++) {
      if (i > 0) await this.sleep(this.config.approvalQueryDelayMs);
      const b = await this.get(ref);
      if (b && applied(b)) return true;
    }
    return false;
  }

  /** The new due date is reported only once the bank applied it: awaiting approval and still not in the consulta → CONFLICT. */
  async changeDueDate(ref: BoletoRef, dueDate: string): Promise<{ accepted: true; requestId?: string }> {
    const r = await this.instruction(ref, 'data_vencimento', { data_vencimento: dueDate });
    if (r.awaitingApproval && !(await this.appliedAtBank(ref, (b) => b.dueDate === dueDate))) {
      throw new BankError(
        'CONFLICT',
        `Itaú data_vencimento: "${r.message}" — the change awaits the manager's approval and the consulta does not show ${dueDate} yet`,
        {
          httpStatus: 200,
          operation: 'data_vencimento',
          fields: [{ field: 'data_vencimento', message: r.message ?? 'Aguardando aprovação', value: dueDate }],
        },
      );
    }
    return { accepted: true };
  }

  /**
   * Baixa. Accepted means requested, never done: the lifecycle moves to CANCELLING, queries the consulta right away
   * and then hourly (confirm-cancel), and reports CANCELLED only when the consulta shows `Baixada` — so a 200
   * "Aguardando aprovação" waits there for the manager.
   */
  async cancel(ref: BoletoRef, _reason: string): Promise<{ accepted: true; requestId?: string }> {
    try {
      await this.instruction(ref, 'baixa', {});
      return { accepted: true };
    } catch (e) {
      // A retried baixa whose first answer was lost finds the boleto already written off: that is success.
      if (e instanceof BankError && e.kind === 'CONFLICT' && (await this.get(ref))?.status === 'CANCELLED')
        return { accepted: true };
      throw e;
    }
  }

  /** Subscribes Itaú's boleto notifications (Boletos v3) to our receiver; Itaú calls `oauthUrl` first. */
  async subscribeNotifications(s: ItauSubscription): Promise<{ ids: string[] }> {
    const data = {
      id_beneficiario: this.idBeneficiario,
      webhook_url: s.webhookUrl,
      webhook_oauth_url: s.oauthUrl,
      webhook_client_id: s.clientId,
      webhook_client_secret: s.clientSecret,
      ...(s.scope ? { webhook_oauth_scope: s.scope } : {}),
      valor_minimo: ((s.minimumCents ?? 10) / 100).toFixed(2),
      tipos_notificacoes: s.types ?? ['BAIXA_OPERACIONAL', 'BAIXA_EFETIVA'],
    };
    const res = await this.authed((token) => this.http.subscribe(token, data));
    const body = this.check(res, 'subscribe', true) as { data?: { id_notificacao_boleto?: unknown }[] } | undefined;
    return { ids: (body?.data ?? []).map((d) => String(d.id_notificacao_boleto)) };
  }

  async listSubscriptions(): Promise<unknown[]> {
    const res = await this.authed((token) => this.http.subscriptions(token, this.idBeneficiario));
    const body = parseJson(res.body) as { data?: unknown[] } | undefined;
    this.check(res, 'subscriptions', false);
    return body?.data ?? [];
  }

  /** PATCH a subscription (new URL, OAuth URL, client pair or minimum). */
  async updateSubscription(id: string, s: Partial<ItauSubscription>): Promise<void> {
    const data = {
      ...(s.webhookUrl ? { webhook_url: s.webhookUrl } : {}),
      ...(s.oauthUrl ? { webhook_oauth_url: s.oauthUrl } : {}),
      ...(s.clientId ? { webhook_client_id: s.clientId } : {}),
      ...(s.clientSecret ? { webhook_client_secret: s.clientSecret } : {}),
      ...(s.scope ? { webhook_oauth_scope: s.scope } : {}),
      ...(s.minimumCents !== undefined ? { valor_minimo: (s.minimumCents / 100).toFixed(2) } : {}),
    };
    this.check(
      await this.authed((token) => this.http.updateSubscription(token, id, data)),
      'subscription-update',
      true,
    );
  }

  /** DELETE a subscription; one already gone counts as deleted. */
  async deleteSubscription(id: string): Promise<void> {
    const res = await this.authed((token) => this.http.deleteSubscription(token, id));
    if (res.status === 404) return;
    this.check(res, 'subscription-delete', true);
  }

  /**
   * Makes the account's subscriptions say what `s` says, idempotently: lists first, keeps a subscription of each type
   * already pointing at our receiver, PATCHes one pointing elsewhere, creates only the missing types. A retried call
   * (the first answer lost) finds what the first made and creates nothing. Itaú keys a subscription by beneficiary +
   * type (id = agência + conta + DAC + `01`/`02` [C S13]), so there is one per type.
   */
  async ensureNotificationSubscription(
    s: ItauSubscription,
  ): Promise<{ subscriptions: ItauSubscriptionInfo[]; created: string[]; updated: string[]; kept: string[] }> {
    const types = s.types ?? ['BAIXA_OPERACIONAL', 'BAIXA_EFETIVA'];
    const existing = (await this.listSubscriptions())
      .map(subscriptionInfo)
      .filter((x): x is ItauSubscriptionInfo => x !== undefined);
    const created: string[] = [];
    const updated: string[] = [];
    const kept: string[] = [];
    const missing: ItauNotificationType[] = [];
    for (const type of types) {
      const mine = existing.filter((e) => e.type === type);
      const same = mine.find(
        (e) => e.webhookUrl === s.webhookUrl && e.oauthUrl === s.oauthUrl && e.clientId === s.clientId,
      );
      if (same) kept.push(same.id);
      else if (mine[0]) {
        await this.updateSubscription(mine[0].id, s);
        updated.push(mine[0].id);
      } else missing.push(type);
    }
    if (missing.length) created.push(...(await this.subscribeNotifications({ ...s, types: missing })).ids);
    const after =
      created.length || updated.length
        ? (await this.listSubscriptions())
            .map(subscriptionInfo)
            .filter((x): x is ItauSubscriptionInfo => x !== undefined)
        : existing;
    return { subscriptions: after.filter((x) => types.includes(x.type)), created, updated, kept };
  }

  translateWebhook(webhook: InboundWebhook): BankEvent[] {
    return translateItauWebhook(
      webhook,
      this.config.liquidacaoCodes ? { liquidacaoCodes: this.config.liquidacaoCodes } : {},
    );
  }
}

export type ItauNotificationType = 'BAIXA_OPERACIONAL' | 'BAIXA_EFETIVA';

/** A subscription as Itaú lists it, without secrets (GET never returns the client secret). */
export interface ItauSubscriptionInfo {
  id: string;
  type: ItauNotificationType;
  webhookUrl: string;
  oauthUrl: string;
  clientId?: string;
  minimum?: string;
  createdAt?: string;
}

function subscriptionInfo(raw: unknown): ItauSubscriptionInfo | undefined {
  const o = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const str = (k: string): string | undefined => {
    const v = o[k];
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
  };
  const id = str('id_notificacao_boleto');
  const type = str('tipo_notificacao');
  if (!id || (type !== 'BAIXA_OPERACIONAL' && type !== 'BAIXA_EFETIVA')) return undefined;
  const clientId = str('webhook_client_id');
  const minimum = str('valor_minimo');
  // The bank's time (São Paulo, maybe without an offset) as an RFC 3339 UTC instant, like every time we answer.
  const createdAt = bankInstant(str('data_criacao'));
  return {
    id,
    type,
    webhookUrl: str('webhook_url') ?? '',
    oauthUrl: str('webhook_oauth_url') ?? '',
    ...(clientId ? { clientId } : {}),
    ...(minimum ? { minimum } : {}),
    ...(createdAt ? { createdAt } : {}),
  };
}
