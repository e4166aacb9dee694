/**
 * Banco BS2 behind the one BankAdapter interface. Auth: a token from the account's token source; a 401 means
 * the token died (expired, or rotated by a refresh elsewhere): ask for a fresh one once and retry once.
 */
import type { BankAdapter, BankCapability, InboundWebhook } from '../bank-adapter';
import { BankError } from '../errors';
import type {
  BankBoleto,
  BankEvent,
  BoletoRef,
  RegisterBoletoRequest,
  SearchBoletosFilter,
  SearchBoletosResult,
} from '../../contracts/bank';
import { BS2_CAPABILITIES } from './capabilities';
import type { Bs2Http, Bs2Response } from './client';
import { checkResponse, fromBs2Boleto, searchItems, toBs2Register, toBs2SearchQuery } from './mapping';
import type { Bs2TokenSource } from './tokens';
import { translateBs2Webhook } from './webhook';

export interface Bs2AdapterDeps {
  http: Bs2Http;
  tokens: Bs2TokenSource;
  now?: () => Date;
}

function refOf(ref: BoletoRef): string {
  const id = ref.bankId || ref.nossoNumero;
  if (!id)
    throw new BankError('VALIDATION', 'a boleto reference needs bankId or nossoNumero', {
      fields: [{ field: 'ref', message: 'bankId or nossoNumero required' }],
    });
  return id;
}

export class Bs2Adapter implements BankAdapter {
  readonly bank = 'BS2' as const;
  readonly capabilities: ReadonlySet<BankCapability> = BS2_CAPABILITIES;
  private readonly http: Bs2Http;
  private readonly tokens: Bs2TokenSource;
  private readonly now: () => Date;

  constructor(deps: Bs2AdapterDeps) {
    this.http = deps.http;
    this.tokens = deps.tokens;
    this.now = deps.now ?? (() => new Date());
  }

  private get config() {
    return this.http.config;
  }

  /** Calls with a token; on 401 gets a fresh token once and retries once. */
  private async authed(call: (token: string) => Promise<Bs2Response>): Promise<Bs2Response> {
    const first = await this.tokens.accessToken();
    const res = await call(first.accessToken);
    if (res.status !== 401) return res;
    const second = await this.tokens.accessToken({ stale: first.accessToken });
    return call(second.accessToken);
  }

  private check(res: Bs2Response, op: string, write: boolean): unknown {
    return checkResponse(res, op, write, this.config);
  }

  async authenticate(): Promise<{ ok: true; expiresAt?: string }> {
    const t = await this.tokens.accessToken();
    // Prove the token works on the Cobrança API itself (a one-item search creates nothing).
    const res = await this.authed((token) =>
      this.http.searchBoletos(token, { inicio: String(this.config.searchFirstPage), limite: '1' }),
    );
    this.check(res, 'authenticate', false);
    return { ok: true, expiresAt: t.expiresAt };
  }

  async register(req: RegisterBoletoRequest): Promise<BankBoleto> {
    const body = toBs2Register(req, this.config);
    const res = await this.authed((token) => this.http.createBoleto(token, this.config.registerApi, body));
    return fromBs2Boleto(this.check(res, 'register', true), this.now().toISOString());
  }

  async get(ref: BoletoRef): Promise<BankBoleto | null> {
    const res = await this.authed((token) => this.http.getBoleto(token, refOf(ref)));
    if (res.status === 404) return null;
    const body = this.check(res, 'get', false) as { item?: unknown } | undefined;
    return fromBs2Boleto(body?.item ?? body, this.now().toISOString());
  }

  async findRegistered(
    req: Pick<RegisterBoletoRequest, 'seuNumero' | 'nossoNumero' | 'dueDate'>,
  ): Promise<BankBoleto | null> {
    if (req.nossoNumero) return this.get({ nossoNumero: req.nossoNumero });
    const res = await this.authed((token) =>
      this.http.searchBoletos(token, {
        inicio: String(this.config.searchFirstPage),
        limite: '100',
        seuNumero: req.seuNumero,
      }),
    );
    const seenAt = this.now().toISOString();
    const found = searchItems(this.check(res, 'findRegistered', false))
      .map((i) => fromBs2Boleto(i, seenAt))
      .filter((b) => b.seuNumero === req.seuNumero);
    if (found.length === 0) return null;
    // Several with one seuNumero (BS2 may allow it [U]): prefer a live one, then the newest.
    found.sort(
      (a, b) =>
        Number(a.status === 'CANCELLED') - Number(b.status === 'CANCELLED') ||
        Number(b.nossoNumero) - Number(a.nossoNumero),
    );
    return found[0] ?? null;
  }

  async search(filter: SearchBoletosFilter): Promise<SearchBoletosResult> {
    const { query, page, limit } = toBs2SearchQuery(filter, this.config.searchFirstPage);
    const res = await this.authed((token) => this.http.searchBoletos(token, query));
    const seenAt = this.now().toISOString();
    const raw = searchItems(this.check(res, 'search', false));
    // BS2's status 4 covers both paid and settled: narrow here.
    const items = raw.map((i) => fromBs2Boleto(i, seenAt)).filter((b) => !filter.status || b.status === filter.status);
    return { items, ...(raw.length === limit ? { nextCursor: String(page + 1) } : {}) };
  }

  async pdf(ref: BoletoRef): Promise<Uint8Array> {
    const res = await this.authed((token) => this.http.getPdf(token, refOf(ref)));
    if (res.status >= 200 && res.status < 300 && res.body.subarray(0, 5).toString('latin1') === '%PDF-')
      return new Uint8Array(res.body);
    this.check(res, 'pdf', false);
    throw new BankError('UNAVAILABLE', 'BS2 pdf: the answer is not a PDF', {
      httpStatus: res.status,
      operation: 'pdf',
    });
  }

  async changeDueDate(ref: BoletoRef, dueDate: string): Promise<{ accepted: true; requestId?: string }> {
    const res = await this.authed((token) => this.http.requestDueDate(token, refOf(ref), dueDate));
    const body = this.check(res, 'changeDueDate', true) as { solicitacaoId?: unknown } | undefined;
    return { accepted: true, ...(typeof body?.solicitacaoId === 'string' ? { requestId: body.solicitacaoId } : {}) };
  }

  async cancel(ref: BoletoRef, reason: string): Promise<{ accepted: true; requestId?: string }> {
    const res = await this.authed((token) => this.http.requestCancel(token, refOf(ref), reason));
    try {
      const body = this.check(res, 'cancel', true) as { solicitacaoId?: unknown } | undefined;
      return { accepted: true, ...(typeof body?.solicitacaoId === 'string' ? { requestId: body.solicitacaoId } : {}) };
    } catch (e) {
      // A retried baixa whose first answer was lost finds the boleto already cancelled: that is success.
      if (e instanceof BankError && e.kind === 'CONFLICT' && (await this.get(ref))?.status === 'CANCELLED')
        return { accepted: true };
      throw e;
    }
  }

  translateWebhook(webhook: InboundWebhook): BankEvent[] {
    return translateBs2Webhook(webhook, this.config.webhookAuthorization);
  }
}
