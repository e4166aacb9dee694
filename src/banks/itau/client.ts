/**
 * Itaú's HTTP endpoints over undici with mutual TLS: one keep-alive `Agent` per account carrying the account's
 * client certificate + key and the CA. Returns raw status/headers/body; the adapter classifies. Transport failures
 * become BankError here: TLS refusals (certificate not accepted, unknown CA) → AUTH; connection failures →
 * UNAVAILABLE, with `outcomeUnknown` when a write may have reached the bank. Tokens and secrets never appear in
 * errors.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import { BankError } from '../errors';
import { ITAU_PRODUCTION_URLS, type ItauAdapterConfig, type ItauBolecodeApi, type ItauCredentials } from './config';

export interface ItauResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const CONNECT_FAILURES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TLS_FAILURE = /SSL|CERT|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|HOSTNAME_MISMATCH|ERR_TLS/i;

export interface SendOptions {
  headers?: Record<string, string>;
  body?: string;
  write: boolean;
  /** Another TLS identity for this call (certificate request without a client certificate; renewal with a new one). */
  agent?: Agent;
}

/** An undici Agent for Itaú: mTLS when cert + key are given, server-authenticated TLS otherwise. */
export function itauAgent(tls: { certPem?: string; keyPem?: string; caPem?: string }, connectTimeoutMs = 5_000): Agent {
  return new Agent({
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    connections: 16,
    connect: {
      timeout: connectTimeoutMs,
      ...(tls.certPem && tls.keyPem ? { cert: tls.certPem, key: tls.keyPem } : {}),
      ...(tls.caPem ? { ca: tls.caPem } : {}),
    },
  });
}

export async function itauSend(
  agent: Agent,
  operation: string,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  opts: SendOptions & { timeoutMs: number },
): Promise<ItauResponse> {
  try {
    const res = await request(url, {
      method,
      dispatcher: opts.agent ?? agent,
      headers: { 'user-agent': 'boletoflow', ...opts.headers },
      ...(opts.body !== undefined ? { body: opts.body } : {}),
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
    });
    const body = Buffer.from(await res.body.arrayBuffer());
    return { status: res.statusCode, headers: res.headers, body };
  } catch (e) {
    const err = e as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
    const code = err.code ?? err.cause?.code ?? err.name ?? 'ERROR';
    const text = `${code} ${err.message ?? ''} ${err.cause?.message ?? ''}`;
    if (TLS_FAILURE.test(text)) {
      throw new BankError(
        'AUTH',
        `Itaú ${operation}: TLS refused (${code}); check the client certificate, its key and the CA`,
        { operation },
      );
    }
    const notSent = CONNECT_FAILURES.has(code) || CONNECT_FAILURES.has(err.cause?.code ?? '');
    throw new BankError(
      'UNAVAILABLE',
      `Itaú ${operation}: ${notSent ? 'could not connect' : 'no response'} (${code})`,
      { operation, outcomeUnknown: opts.write && !notSent },
    );
  }
}

/** The account's endpoints, one function each. */
export class ItauHttp {
  readonly agent: Agent;

  constructor(
    readonly config: ItauAdapterConfig,
    readonly credentials: ItauCredentials,
  ) {
    this.agent = itauAgent(credentials, config.connectTimeoutMs);
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  send(
    operation: string,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    opts: SendOptions,
  ): Promise<ItauResponse> {
    return itauSend(this.agent, operation, method, url, { ...opts, timeoutMs: this.config.timeoutMs });
  }

  /** Headers of every API call: Bearer, x-itau-apikey (= client_id), a fresh x-itau-correlationID. */
  apiHeaders(accessToken: string, json = true): Record<string, string> {
    return {
      authorization: `Bearer ${accessToken}`,
      'x-itau-apikey': this.credentials.clientId,
      'x-itau-correlationID': randomUUID(),
      'x-itau-flowID': 'boletoflow',
      accept: 'application/json',
      ...(json ? { 'content-type': 'application/json' } : {}),
    };
  }

  /** POST {token} form client_credentials over mTLS. */
  token(): Promise<ItauResponse> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.credentials.clientId,
      client_secret: this.credentials.clientSecret,
    });
    return this.send('token', 'POST', this.config.urls.token, {
      write: false,
      body: form.toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'x-itau-correlationID': randomUUID(),
        'x-itau-flowID': 'boletoflow',
      },
    });
  }

  /** POST a registration to one of the three endpoints (the body already in that endpoint's shape). */
  register(
    accessToken: string,
    body: unknown,
    endpoint: ItauBolecodeApi = 'cash_management',
    operation = 'register',
  ): Promise<ItauResponse> {
    return this.send(operation, 'POST', this.registerUrl(endpoint), {
      write: operation === 'register',
      headers: this.apiHeaders(accessToken),
      body: JSON.stringify(body),
    });
  }

  registerUrl(endpoint: ItauBolecodeApi): string {
    const u = this.config.urls;
    if (endpoint === 'recebimentos_pix') return `${u.bolecode}/boletos-pix`;
    if (endpoint === 'pix_recebimentos_conciliacoes')
      return `${u.bolecodeConciliacoes ?? ITAU_PRODUCTION_URLS.bolecodeConciliacoes}/boletos_pix`;
    return `${u.cashManagement}/boletos`;
  }

  consulta(accessToken: string, idBeneficiario: string, carteira: string, nossoNumero: string): Promise<ItauResponse> {
    const qs = new URLSearchParams({
      id_beneficiario: idBeneficiario,
      codigo_carteira: carteira,
      nosso_numero: nossoNumero,
      view: 'specific',
    });
    return this.send('get', 'GET', `${this.config.urls.consulta}/boletos?${qs.toString()}`, {
      write: false,
      headers: this.apiHeaders(accessToken, false),
    });
  }

  /** The Pix charge (cob) of a bolecode by its txid: `GET {pix}/cob/{txid}` (BCB Pix API; RFC 7807 errors). */
  pixCharge(accessToken: string, txid: string): Promise<ItauResponse> {
    return this.send('pix-cob', 'GET', `${this.config.urls.pix ?? ''}/cob/${encodeURIComponent(txid)}`, {
      write: false,
      headers: this.apiHeaders(accessToken, false),
    });
  }

  /** PATCH an instruction; the body flat (Itaú's OpenAPI examples) or in `{data}`, per `instructionBody` [U]. */
  instruction(
    accessToken: string,
    idBoleto: string,
    instrucao: string,
    data: Record<string, unknown>,
  ): Promise<ItauResponse> {
    const body = this.config.instructionBody === 'data' ? { data } : data;
    return this.send(
      instrucao,
      'PATCH',
      `${this.config.urls.cashManagement}/boletos/${encodeURIComponent(idBoleto)}/${instrucao}`,
      { write: true, headers: this.apiHeaders(accessToken), body: JSON.stringify(body) },
    );
  }

  subscribe(accessToken: string, data: Record<string, unknown>): Promise<ItauResponse> {
    return this.send('subscribe', 'POST', `${this.config.urls.boletosV3}/notificacoes_boletos`, {
      write: true,
      headers: this.apiHeaders(accessToken),
      body: JSON.stringify({ data }),
    });
  }

  subscriptions(accessToken: string, idBeneficiario: string): Promise<ItauResponse> {
    return this.send(
      'subscriptions',
      'GET',
      `${this.config.urls.boletosV3}/notificacoes_boletos?id_beneficiario=${idBeneficiario}`,
      { write: false, headers: this.apiHeaders(accessToken, false) },
    );
  }

  /** PATCH /notificacoes_boletos/{id_notificacao_boleto} (Boletos v3 [C S13]), body `{data}` as the POST's. */
  updateSubscription(accessToken: string, id: string, data: Record<string, unknown>): Promise<ItauResponse> {
    return this.send(
      'subscription-update',
      'PATCH',
      `${this.config.urls.boletosV3}/notificacoes_boletos/${encodeURIComponent(id)}`,
      { write: true, headers: this.apiHeaders(accessToken), body: JSON.stringify({ data }) },
    );
  }

  /** DELETE /notificacoes_boletos/{id_notificacao_boleto} (Boletos v3 [C S13]). */
  deleteSubscription(accessToken: string, id: string): Promise<ItauResponse> {
    return this.send(
      'subscription-delete',
      'DELETE',
      `${this.config.urls.boletosV3}/notificacoes_boletos/${encodeURIComponent(id)}`,
      { write: true, headers: this.apiHeaders(accessToken, false) },
    );
  }
}
