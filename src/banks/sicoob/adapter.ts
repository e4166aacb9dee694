/**
 * The Sicoob adapter (src/banks/bank-adapter.ts) over Cobrança Bancária v3 (docs/banks/sicoob.md). One boleto per
 * registration, with our nosso número (so a lost answer is found again by it, never registered twice); the consulta
 * by nosso número, linha digitável or código de barras; the list by payer as the only search; the segunda via's PDF;
 * one alteration object per PATCH; the baixa. Classification: 400 (business) and 406 (data) `MensagensErro` → VALIDATION, unless a look-up shows the
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
import { isDomainValidationError, normalizeBoletoInput, toBarcode } from '../../domain';
import { z } from 'zod';
import type { BankAdapter, InboundWebhook } from '../bank-adapter';
import { BankError, parseRetryAfter } from '../errors';
import { SICOOB_CAPABILITIES } from './capabilities';
import type { SicoobHttp, SicoobResponse } from './client';
import {
  fromSicoobBoleto,
  mensagens,
  resultado,
  type SicoobAlteration,
  sicoobAlterationShown,
  type SicoobFaixa,
  SicoobFaixaSchema,
  sicoobNossoNumero,
  toSicoobAlteracao,
  toSicoobBoleto,
} from './mapping';
import { type SicoobMovementRecord, sicoobMovementRecords } from './movements';
import type { SicoobTokenCache } from './tokens';
import { translateSicoobWebhook } from './webhook';
import { SicoobWebhooks } from './webhook-admin';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * How the consulta and the segunda via find a boleto [C S1 `GET /boletos`, `GET /boletos/segunda-via`]: our
 * reference (the nosso número), or its linha digitável (47 digits) or código de barras (44), punctuation allowed.
 * Sicoob's own: the other banks' adapters take a BoletoRef only.
 */
export type SicoobBoletoRef = BoletoRef | { code: string };

/** The consulta's query key: one of S1's three. */
type LookupKey = { nossoNumero: number } | { linhaDigitavel: string } | { codigoBarras: string };

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

  /** The consulta's key for a reference; a linha or barcode is checked (length and check digits) before it is sent. */
  private keyOf(ref: SicoobBoletoRef): LookupKey {
    if (!('code' in ref)) return { nossoNumero: this.nossoNumeroOf(ref) };
    try {
      const { digits, form } = normalizeBoletoInput(ref.code, 'code');
      toBarcode(digits);
      return form === 'barcode' ? { codigoBarras: digits } : { linhaDigitavel: digits };
    } catch (e) {
      if (!isDomainValidationError(e)) throw e;
      throw new BankError('VALIDATION', `not a boleto's linha digitável or código de barras: ${e.message}`, {
        operation: 'ref',
        fields: [{ field: 'code', message: e.message }],
      });
    }
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
    if (res.status === 400 && (await this.lookup({ nossoNumero: nn })))
      throw new BankError('ALREADY_REGISTERED', `Sicoob already holds a boleto with nosso número ${nn}`, {
        httpStatus: 400,
        operation: 'register',
      });
    throw this.refused('register', res);
  }

  private async lookup(key: LookupKey): Promise<BankBoleto | null> {
    const res = await this.call('get', 'GET', '/boletos', { query: { ...this.contract, ...key } });
    if (res.status === 204 || (res.status === 400 && this.config.unknownBoleto === 400)) return null;
    if (res.status !== 200) throw this.refused('get', res);
    return fromSicoobBoleto(resultado(res.text));
  }

  /** The consulta by nosso número, or (Sicoob's own) by linha digitável or código de barras. */
  async get(ref: SicoobBoletoRef): Promise<BankBoleto | null> {
    return this.lookup(this.keyOf(ref));
  }

  /** After a lost answer: the boleto at the nosso número this request sends, when it is this request's (seu número). */
  async findRegistered(
    req: Pick<RegisterBoletoRequest, 'seuNumero' | 'nossoNumero' | 'dueDate'>,
  ): Promise<BankBoleto | null> {
    if (req.nossoNumero === undefined) return null;
    const b = await this.lookup({ nossoNumero: sicoobNossoNumero(this.config, req.nossoNumero) });
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

  /** The segunda via's PDF by nosso número, or (Sicoob's own) by linha digitável or código de barras. */
  async pdf(ref: SicoobBoletoRef): Promise<Uint8Array> {
    const res = await this.call('pdf', 'GET', '/boletos/segunda-via', {
      query: { ...this.contract, ...this.keyOf(ref), gerarPdf: 'true' },
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
      const b = await this.lookup({ nossoNumero: nn });
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

  /** The due-date extension: the alteration `prorrogacaoVencimento`. */
  changeDueDate(ref: BoletoRef, dueDate: string): Promise<{ accepted: true }> {
    return this.patch('change-due-date', ref, { kind: 'prorrogacaoVencimento', dueDate });
  }

  /**
   * One alteration of S1's `BoletoAlteracao` (one object per PATCH). Sicoob's own: our API offers the due-date change
   * only (changeDueDate); the other alterations are for code that holds a SicoobAdapter.
   */
  alter(ref: BoletoRef, alteration: SicoobAlteration): Promise<{ accepted: true }> {
    return this.patch(`alter-${alteration.kind}`, ref, alteration);
  }

  /** `PATCH /boletos/{nossoNumero}` with one alteration object (204: done); a 400 is checked with the consulta. */
  private async patch(operation: string, ref: BoletoRef, alteration: SicoobAlteration): Promise<{ accepted: true }> {
    const nn = this.nossoNumeroOf(ref);
    const res = await this.call(operation, 'PATCH', `/boletos/${nn}`, {
      body: { ...this.contract, ...toSicoobAlteracao(alteration) },
      write: true,
    });
    if (res.status === 204) return { accepted: true };
    return this.afterRefusal(operation, nn, res, (b) => sicoobAlterationShown(alteration, b));
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

  /**
   * Asks for a movement file (`POST /boletos/movimentacoes`): tipo, São Paulo dates (the bank limits the window, S1
   * "período máximo de 2 dias"). Answers the `codigoSolicitacao` to wait on.
   */
  async requestMovements(tipoMovimento: number, dataInicial: string, dataFinal: string): Promise<number> {
    const res = await this.call('movement-request', 'POST', '/boletos/movimentacoes', {
      body: { numeroCliente: this.config.numeroCliente, tipoMovimento, dataInicial, dataFinal },
    });
    if (res.status !== 200) throw this.refused('movement-request', res);
    const codigo = (resultado(res.text) as { codigoSolicitacao?: unknown } | undefined)?.codigoSolicitacao;
    if (typeof codigo !== 'number' || !Number.isSafeInteger(codigo))
      throw new BankError('UNAVAILABLE', 'Sicoob movement request answered without codigoSolicitacao', {
        operation: 'movement-request',
      });
    return codigo;
  }

  /** The request's state (`GET /boletos/movimentacoes`): 204 while the bank prepares it, then its files' ids. */
  async movementStatus(codigoSolicitacao: number): Promise<{ ready: false } | { ready: true; idArquivos: number[] }> {
    const res = await this.call('movement-status', 'GET', '/boletos/movimentacoes', {
      query: { numeroCliente: this.config.numeroCliente, codigoSolicitacao },
    });
    if (res.status === 204) return { ready: false };
    if (res.status !== 200) throw this.refused('movement-status', res);
    const ids = (resultado(res.text) as { idArquivos?: unknown } | undefined)?.idArquivos ?? [];
    if (!Array.isArray(ids) || !ids.every((i) => typeof i === 'number' && Number.isSafeInteger(i)))
      throw new BankError('UNAVAILABLE', 'Sicoob movement status: idArquivos is not a list of ids', {
        operation: 'movement-status',
      });
    return { ready: true, idArquivos: ids as number[] };
  }

  /** One file of a ready request (`GET /boletos/movimentacoes/download`), decoded and validated. */
  async downloadMovementFile(codigoSolicitacao: number, idArquivo: number): Promise<SicoobMovementRecord[]> {
    const res = await this.call('movement-download', 'GET', '/boletos/movimentacoes/download', {
      query: { numeroCliente: this.config.numeroCliente, codigoSolicitacao, idArquivo },
    });
    if (res.status !== 200) throw this.refused('movement-download', res);
    const arquivo = (resultado(res.text) as { arquivo?: unknown } | undefined)?.arquivo;
    if (typeof arquivo !== 'string')
      throw new BankError('UNAVAILABLE', 'Sicoob movement file answered without arquivo', {
        operation: 'movement-download',
        fields: [{ field: 'arquivo', message: 'missing' }],
      });
    return sicoobMovementRecords(arquivo);
  }

  translateWebhook(webhook: InboundWebhook) {
    return translateSicoobWebhook(webhook);
  }
}
