/**
 * Itaú Cobrança (cash_management v2) and Bolecode behind the one BankAdapter interface. Auth: client_credentials
 * over mTLS from the account's in-process token cache; a 401 means the token died: drop it, get a fresh one,
 * retry once. The nosso número is ours (carteira 109, 8 digits) and is the dedupe key: findRegistered and the
 * 202 "operação em andamento" path query the consulta by it. bankId = Itaú's PATCH id_boleto (id_beneficiario +
 * carteira + nosso número).
 */
import { itauIdBeneficiario, itauIdBoleto } from '../../domain';
import type { BankAdapter, BankCapability, InboundWebhook } from '../bank-adapter';
import { BankError } from '../errors';
import type { BankBoleto, BankEvent, BoletoRef, RegisterBoletoRequest, SearchBoletosFilter, SearchBoletosResult } from '../model';
import { ITAU_CAPABILITIES } from './capabilities';
import type { ItauHttp, ItauResponse } from './client';
import { checkItauResponse, consultaItems, fromItauBoleto, parseJson, toItauRegister } from './mapping';
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
  types?: ('BAIXA_OPERACIONAL' | 'BAIXA_EFETIVA')[];
}

const brtToday = (d: Date) => new Date(d.getTime() - 3 * 3600_000).toISOString().slice(0, 10);

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
    throw new BankError('VALIDATION', 'an Itaú boleto reference needs the nosso número or the id_boleto', { fields: [{ field: 'ref', message: 'nossoNumero or bankId (id_boleto) required' }] });
  }

  private idBoletoOf(ref: BoletoRef): string {
    return itauIdBoleto({ agencia: this.config.agencia, conta: this.config.conta, carteira: this.config.carteira, nossoNumero: this.nossoNumeroOf(ref) });
  }

  /** A token, then a consulta of a nosso número that need not exist: proves certificate, secret, apikey and beneficiary. */
  async authenticate(): Promise<{ ok: true; expiresAt?: string }> {
    const t = await this.tokens.accessToken();
    const res = await this.authed((token) => this.http.consulta(token, this.idBeneficiario, this.config.carteira, '00000000'));
    if (res.status !== 404) this.check(res, 'authenticate', false);
    return { ok: true, expiresAt: t.expiresAt };
  }

  async register(req: RegisterBoletoRequest): Promise<BankBoleto> {
    const data = toItauRegister(req, this.config, 'efetivacao');
    const body = this.config.bolecodeApi === 'recebimentos_pix' && req.kind === 'BOLECODE' ? data : { data };
    const res = await this.authed((token) => this.http.register(token, body));
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
    throw new BankError('UNAVAILABLE', `Itaú register: 202 "operação em andamento" and the boleto is not in the consulta after ${this.config.pendingQueryAttempts} queries`, {
      httpStatus: 202,
      operation: 'register',
      outcomeUnknown: true,
    });
  }

  /** Validates a registration at the bank without creating anything (etapa validacao). */
  async validate(req: RegisterBoletoRequest): Promise<{ ok: true }> {
    const data = toItauRegister(req, this.config, 'validacao');
    const res = await this.authed((token) => this.http.register(token, { data }));
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
    return found.at(-1) ?? null;
  }

  async findRegistered(req: Pick<RegisterBoletoRequest, 'seuNumero' | 'nossoNumero' | 'dueDate'>): Promise<BankBoleto | null> {
    if (!req.nossoNumero) throw new BankError('VALIDATION', 'Itaú finds a registration by nosso número only', { fields: [{ field: 'nossoNumero', message: 'required' }] });
    const b = await this.get({ nossoNumero: req.nossoNumero });
    // A nosso número reused after quarantine belongs to another boleto: check it is ours.
    if (b && b.seuNumero !== undefined && req.seuNumero && b.seuNumero !== req.seuNumero) return null;
    return b;
  }

  search(_filter: SearchBoletosFilter): Promise<SearchBoletosResult> {
    return Promise.reject(new BankError('VALIDATION', 'Itaú has no boleto search in its API (the consulta needs the nosso número)', { fields: [{ field: 'filter', message: 'SEARCH is not a capability of ITAU' }] }));
  }

  pdf(_ref: BoletoRef): Promise<Uint8Array> {
    return Promise.reject(new BankError('VALIDATION', 'Itaú offers no boleto PDF in its API: render it with src/domain/pdf', { fields: [{ field: 'ref', message: 'BANK_PDF is not a capability of ITAU' }] }));
  }

  /** Any other documented instruction (valor_nominal, abatimento, data_limite_pagamento, seu_numero, …). */
  async instruction(ref: BoletoRef, instrucao: string, data: Record<string, unknown>): Promise<{ accepted: true; httpStatus: number; message?: string }> {
    const res = await this.authed((token) => this.http.instruction(token, this.idBoletoOf(ref), instrucao, data));
    const body = this.check(res, instrucao, true) as { data?: { mensagem?: unknown } } | undefined;
    const m = body?.data?.mensagem;
    return { accepted: true, httpStatus: res.status, ...(typeof m === 'string' ? { message: m } : {}) };
  }

  async changeDueDate(ref: BoletoRef, dueDate: string): Promise<{ accepted: true; requestId?: string }> {
    await this.instruction(ref, 'data_vencimento', { data_vencimento: dueDate });
    return { accepted: true };
  }

  async cancel(ref: BoletoRef, _reason: string): Promise<{ accepted: true; requestId?: string }> {
    try {
      await this.instruction(ref, 'baixa', {});
      return { accepted: true };
    } catch (e) {
      // A retried baixa whose first answer was lost finds the boleto already written off: that is success.
      if (e instanceof BankError && e.kind === 'CONFLICT' && (await this.get(ref))?.status === 'CANCELLED') return { accepted: true };
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

  translateWebhook(webhook: InboundWebhook): BankEvent[] {
    return translateItauWebhook(webhook);
  }
}
