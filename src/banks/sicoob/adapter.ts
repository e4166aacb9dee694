/**
 * The Sicoob adapter (src/banks/bank-adapter.ts) over Cobrança Bancária v3 (docs/banks/sicoob.md). One boleto per
 * registration, with our nosso número (so a lost answer is found again by it, never registered twice); the consulta
 * by nosso número; the list by payer as the only search; the segunda via's PDF; one alteration object per PATCH;
 * the baixa. Classification: 400 (business) and 406 (data) `MensagensErro` → VALIDATION, unless a look-up shows the
 * real reason (the nosso número already taken → ALREADY_REGISTERED; the boleto no longer open → CONFLICT); 401/403
 * after one fresh token → AUTH; 429/5xx and dropped connections → UNAVAILABLE, the outcome unknown for writes.
 */
import type {
  BankBoleto,
  BoletoRef,
  RegisterBoletoRequest,
  SearchBoletosFilter,
  SearchBoletosResult,
} from '../../contracts/bank';
import { z } from 'zod';
import type { BankAdapter, InboundWebhook } from '../bank-adapter';
import { BankError, parseRetryAfter } from '../errors';
import { SICOOB_CAPABILITIES } from './capabilities';
import type { SicoobHttp, SicoobResponse } from './client';
import {
  fromSicoobBoleto,
  mensagens,
  resultado,
  type SicoobFaixa,
  SicoobFaixaSchema,
  sicoobNossoNumero,
  toSicoobBoleto,
} from './mapping';
import type { SicoobTokenCache } from './tokens';
import { translateSicoobWebhook } from './webhook';
import { SicoobWebhooks } from './webhook-admin';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export class SicoobAdapter implements BankAdapter {
  readonly bank = 'SICOOB' as const;
  readonly capabilities = SICOOB_CAPABILITIES;

  /** The account's webhook registrations (./webhook-admin.ts). */
  readonly webhooks: SicoobWebhooks = new SicoobWebhooks(this);

  constructor(private readonly deps: { http: SicoobHttp; tokens: SicoobTokenCache }) {}

  private get config() {
    return this.deps.http.config;
  }

  private get contract() {
    return { numeroCliente: this.config.numeroCliente, codigoModalidade: this.config.codigoModalidade };
  }

  async authenticate(): Promise<{ ok: true; expiresAt?: string }> {
    const t = await this.deps.tokens.accessToken();
    return { ok: true, expiresAt: t.expiresAt };
  }

  /**
   * One API call with the account's token; a 401 drops the token and is retried once with a fresh one. Also used by
   * the webhook registrations (./webhook-admin.ts).
   */
  async call(
    operation: string,
    method: Method,
    path: string,
    opts: { query?: Record<string, string | number | undefined>; body?: unknown; write?: boolean } = {},
  ): Promise<SicoobResponse> {
    const { http, tokens } = this.deps;
    let token = (await tokens.accessToken()).accessToken;
    let res = await http.api(token, operation, method, path, opts);
    if (res.status === 401) {
      token = (await tokens.accessToken({ stale: token })).accessToken;
      res = await http.api(token, operation, method, path, opts);
    }
    if (res.status === 401 || res.status === 403)
      throw new BankError(
        'AUTH',
        `Sicoob ${operation}: HTTP ${res.status} from the gateway; check the app's scopes and the client_id`,
        { httpStatus: res.status, operation },
      );
    if (res.status === 429 || res.status >= 500) {
      const retryAfterMs = parseRetryAfter(String(res.headers['retry-after'] ?? '') || undefined);
      const why = mensagens(res.text)
        .map((m) => m.message)
        .join('; ');
      throw new BankError('UNAVAILABLE', `Sicoob ${operation}: HTTP ${res.status}${why ? ` (${why})` : ''}`, {
        httpStatus: res.status,
        operation,
        outcomeUnknown: opts.write === true,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
    }
    return res;
  }

  /** A refusal (400 business, 406 data, anything unexpected): VALIDATION with Sicoob's messages. */
  refused(operation: string, res: SicoobResponse): BankError {
    const fields = mensagens(res.text);
    if (res.status === 400 || res.status === 406)
      return new BankError(
        'VALIDATION',
        `Sicoob ${operation}: ${fields.map((f) => f.message).join('; ') || `HTTP ${res.status}`}`,
        { httpStatus: res.status, operation, ...(fields.length ? { fields } : {}) },
      );
    return new BankError('UNAVAILABLE', `Sicoob ${operation}: unexpected HTTP ${res.status}`, {
      httpStatus: res.status,
      operation,
    });
  }

  private nossoNumeroOf(ref: BoletoRef): number {
    const v = ref.nossoNumero ?? ref.bankId;
    if (!v || !/^\d{1,10}$/.test(v))
      throw new BankError('VALIDATION', 'a Sicoob boleto is referred to by its nosso número (digits)', {
        operation: 'ref',
        fields: [{ field: 'nossoNumero', message: 'must be digits' }],
      });
    return Number(v);
  }

  async register(req: RegisterBoletoRequest): Promise<BankBoleto> {
    if (req.nossoNumero === undefined)
      throw new BankError('VALIDATION', 'Sicoob: we choose the nosso número; the request has none', {
        operation: 'register',
        fields: [{ field: 'nossoNumero', message: 'required for Sicoob' }],
      });
    const nn = sicoobNossoNumero(this.config, req.nossoNumero);
    const res = await this.call('register', 'POST', '/boletos', {
      body: toSicoobBoleto(this.config, req, nn),
      write: true,
    });
    if (res.status === 200) {
      const b = fromSicoobBoleto(resultado(res.text));
      return { ...b, seuNumero: b.seuNumero ?? req.seuNumero };
    }
    // A business refusal of a nosso número already taken reads like any other: the consulta tells.
    if (res.status === 400 && (await this.lookup(nn)))
      throw new BankError('ALREADY_REGISTERED', `Sicoob already holds a boleto with nosso número ${nn}`, {
        httpStatus: 400,
        operation: 'register',
      });
    throw this.refused('register', res);
  }

  private async lookup(nossoNumero: number): Promise<BankBoleto | null> {
    const res = await this.call('get', 'GET', '/boletos', { query: { ...this.contract, nossoNumero } });
    if (res.status === 204 || (res.status === 400 && this.config.unknownBoleto === 400)) return null;
    if (res.status !== 200) throw this.refused('get', res);
    return fromSicoobBoleto(resultado(res.text));
  }

  get(ref: BoletoRef): Promise<BankBoleto | null> {
    return this.lookup(this.nossoNumeroOf(ref));
  }

  /** After a lost answer: the boleto at the nosso número this request sends, when it is this request's (seu número). */
  async findRegistered(
    req: Pick<RegisterBoletoRequest, 'seuNumero' | 'nossoNumero' | 'dueDate'>,
  ): Promise<BankBoleto | null> {
    if (req.nossoNumero === undefined) return null;
    const b = await this.lookup(sicoobNossoNumero(this.config, req.nossoNumero));
    return b && (b.seuNumero === undefined || b.seuNumero === req.seuNumero) ? b : null;
  }

  /** Sicoob lists boletos by payer only (`GET /pagadores/{cpfCnpj}/boletos`); any other filter is refused. */
  async search(filter: SearchBoletosFilter): Promise<SearchBoletosResult> {
    const unsupported = (['seuNumero', 'issuedFrom', 'issuedTo', 'cursor'] as const).filter(
      (k) => filter[k] !== undefined,
    );
    if (!filter.payerDocument || unsupported.length)
      throw new BankError('VALIDATION', 'Sicoob lists boletos by the payer’s document only', {
        operation: 'search',
        fields: (unsupported.length ? unsupported : ['payerDocument']).map((field) => ({
          field,
          message: 'Sicoob searches by payerDocument (with an optional due-date window and status) only',
        })),
      });
    const situacao = { OPEN: 1, CANCELLED: 2, SETTLED: 3 } as Record<string, number | undefined>;
    const window = filter.dueFrom && filter.dueTo ? { dataInicio: filter.dueFrom, dataFim: filter.dueTo } : {};
    const res = await this.call('search', 'GET', `/pagadores/${encodeURIComponent(filter.payerDocument)}/boletos`, {
      query: {
        numeroCliente: this.config.numeroCliente,
        ...(filter.status ? { codigoSituacao: situacao[filter.status] } : {}),
        ...window,
      },
    });
    if (res.status === 204) return { items: [] };
    if (res.status !== 200) throw this.refused('search', res);
    const list = resultado(res.text);
    const items = (Array.isArray(list) ? list : []).map(fromSicoobBoleto);
    return { items: filter.limit ? items.slice(0, filter.limit) : items };
  }

  async pdf(ref: BoletoRef): Promise<Uint8Array> {
    const res = await this.call('pdf', 'GET', '/boletos/segunda-via', {
      query: { ...this.contract, nossoNumero: this.nossoNumeroOf(ref), gerarPdf: 'true' },
    });
    if (res.status === 204) throw new BankError('NOT_FOUND', 'Sicoob does not know this boleto', { operation: 'pdf' });
    if (res.status !== 200) throw this.refused('pdf', res);
    const pdf = (resultado(res.text) as { pdfBoleto?: unknown } | undefined)?.pdfBoleto;
    if (typeof pdf !== 'string' || pdf === '')
      throw new BankError('UNAVAILABLE', 'Sicoob segunda via answered without pdfBoleto', { operation: 'pdf' });
    return new Uint8Array(Buffer.from(pdf, 'base64'));
  }

  /**
   * A refused change or baixa: the boleto's state says why (gone → NOT_FOUND; paid or written off → CONFLICT;
   * already as asked → accepted), else Sicoob's messages as VALIDATION.
   */
  private async afterRefusal(
    operation: string,
    nn: number,
    res: SicoobResponse,
    done: (b: BankBoleto) => boolean,
  ): Promise<{ accepted: true }> {
    if (res.status === 400) {
      const b = await this.lookup(nn);
      if (!b) throw new BankError('NOT_FOUND', `Sicoob does not know nosso número ${nn}`, { operation });
      if (done(b)) return { accepted: true };
      if (b.status !== 'OPEN' && b.status !== 'OVERDUE')
        throw new BankError('CONFLICT', `Sicoob ${operation}: the boleto is ${b.bankStatus}`, {
          httpStatus: 400,
          operation,
        });
    }
    throw this.refused(operation, res);
  }

  /** PATCH with one alteration object, `prorrogacaoVencimento` (204: done). */
  async changeDueDate(ref: BoletoRef, dueDate: string): Promise<{ accepted: true }> {
    const nn = this.nossoNumeroOf(ref);
    const res = await this.call('change-due-date', 'PATCH', `/boletos/${nn}`, {
      body: { ...this.contract, prorrogacaoVencimento: { dataVencimento: dueDate } },
      write: true,
    });
    if (res.status === 204) return { accepted: true };
    return this.afterRefusal('change-due-date', nn, res, (b) => b.dueDate === dueDate && b.status === 'OPEN');
  }

  /** The baixa (`POST /boletos/{nossoNumero}/baixar`, 204); a boleto already written off is accepted again. */
  async cancel(ref: BoletoRef): Promise<{ accepted: true }> {
    const nn = this.nossoNumeroOf(ref);
    const res = await this.call('cancel', 'POST', `/boletos/${nn}/baixar`, { body: this.contract, write: true });
    if (res.status === 204) return { accepted: true };
    return this.afterRefusal('cancel', nn, res, (b) => b.status === 'CANCELLED');
  }

  /** The contract's nosso-número ranges (`GET /boletos/faixas-nosso-numero`): the connectivity check's call. */
  async nossoNumeroRanges(): Promise<number> {
    return (await this.nossoNumeroFaixas(1)).length;
  }

  /** The contract's free runs holding at least `quantidade` numbers (204: none), as S1's `FaixaNossoNumero`. */
  async nossoNumeroFaixas(quantidade: number): Promise<SicoobFaixa[]> {
    const res = await this.call('faixas-nosso-numero', 'GET', '/boletos/faixas-nosso-numero', {
      query: { ...this.contract, quantidade },
    });
    if (res.status === 204) return [];
    if (res.status !== 200) throw this.refused('faixas-nosso-numero', res);
    const r = z.array(SicoobFaixaSchema).safeParse(resultado(res.text));
    if (!r.success)
      throw new BankError('UNAVAILABLE', 'Sicoob faixas-nosso-numero: unexpected answer', {
        operation: 'faixas-nosso-numero',
      });
    return r.data;
  }

  translateWebhook(webhook: InboundWebhook) {
    return translateSicoobWebhook(webhook);
  }
}
