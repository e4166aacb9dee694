/**
 * BS2's HTTP endpoints, one function each, over undici (keep-alive pool per account, per-request timeouts).
 * Returns raw status/headers/body; the adapter classifies. Transport failures become BankError UNAVAILABLE here,
 * with `outcomeUnknown` when a write may have reached the bank. Tokens never appear in errors.
 */
import { Agent, request } from 'undici';
import { BankError } from '../errors';
import type { Bs2AdapterConfig, Bs2Credentials } from './config';

export interface Bs2Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export const BS2_PATHS = {
  token: '/auth/oauth/v2/token',
  register: (v: 'v1' | 'v2') => `/pj/forintegration/cobranca/${v}/boletos/simplificado`,
  boletos: '/pj/forintegration/cobranca/v1/boletos',
  boleto: (id: string) => `/pj/forintegration/cobranca/v1/boletos/${encodeURIComponent(id)}`,
  pdf: (id: string) => `/pj/forintegration/cobranca/v1/boletos/${encodeURIComponent(id)}/imprimivel`,
  cancel: (id: string) => `/pj/forintegration/cobranca/v1/boletos/${encodeURIComponent(id)}/solicitacoes/cancelamentos`,
};

const CONNECT_FAILURES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export class Bs2Http {
  private readonly agent: Agent;

  constructor(readonly config: Bs2AdapterConfig) {
    this.agent = new Agent({
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      connections: 16,
      connect: { timeout: config.connectTimeoutMs },
    });
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private async send(
    operation: string,
    method: 'GET' | 'POST',
    path: string,
    opts: { headers: Record<string, string>; body?: string; write: boolean },
  ): Promise<Bs2Response> {
    try {
      const res = await request(this.config.baseUrl + path, {
        method,
        dispatcher: this.agent,
        headers: { 'user-agent': this.config.userAgent, ...opts.headers },
        ...(opts.body !== undefined ? { body: opts.body } : {}),
        headersTimeout: this.config.timeoutMs,
        bodyTimeout: this.config.timeoutMs,
      });
      const body = Buffer.from(await res.body.arrayBuffer());
      return { status: res.statusCode, headers: res.headers, body };
    } catch (e) {
      const code = (e as { code?: string }).code ?? (e as Error).name;
      const notSent =
        CONNECT_FAILURES.has(code) || CONNECT_FAILURES.has((e as { cause?: { code?: string } }).cause?.code ?? '');
      throw new BankError(
        'UNAVAILABLE',
        `BS2 ${operation}: ${notSent ? 'could not connect' : 'no response'} (${code})`,
        {
          operation,
          outcomeUnknown: opts.write && !notSent,
        },
      );
    }
  }

  /** POST /auth/oauth/v2/token, grant_type=refresh_token; Basic auth AND client_id/secret in the body [C]. */
  token(creds: Bs2Credentials, refreshToken: string): Promise<Bs2Response> {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      scope: creds.scope,
      refresh_token: refreshToken,
      client_id: creds.apiKey,
      client_secret: creds.apiSecret,
    });
    return this.send('token', 'POST', BS2_PATHS.token, {
      write: true,
      body: form.toString(),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        authorization: `Basic ${Buffer.from(`${creds.apiKey}:${creds.apiSecret}`).toString('base64')}`,
      },
    });
  }

  private json(accessToken: string): Record<string, string> {
    return { authorization: `Bearer ${accessToken}`, accept: 'application/json', 'content-type': 'application/json' };
  }

  createBoleto(accessToken: string, version: 'v1' | 'v2', body: unknown): Promise<Bs2Response> {
    return this.send('register', 'POST', BS2_PATHS.register(version), {
      write: true,
      headers: this.json(accessToken),
      body: JSON.stringify(body),
    });
  }

  getBoleto(accessToken: string, idOrNossoNumero: string): Promise<Bs2Response> {
    return this.send('get', 'GET', BS2_PATHS.boleto(idOrNossoNumero), {
      write: false,
      headers: this.json(accessToken),
    });
  }

  searchBoletos(accessToken: string, query: Record<string, string>): Promise<Bs2Response> {
    const qs = new URLSearchParams(query).toString();
    return this.send('search', 'GET', `${BS2_PATHS.boletos}${qs ? `?${qs}` : ''}`, {
      write: false,
      headers: this.json(accessToken),
    });
  }

  getPdf(accessToken: string, idOrNossoNumero: string): Promise<Bs2Response> {
    return this.send('pdf', 'GET', BS2_PATHS.pdf(idOrNossoNumero), {
      write: false,
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/pdf' },
    });
  }

  requestCancel(accessToken: string, idOrNossoNumero: string, justificativa: string): Promise<Bs2Response> {
    return this.send('cancel', 'POST', BS2_PATHS.cancel(idOrNossoNumero), {
      write: true,
      headers: this.json(accessToken),
      body: JSON.stringify({ justificativa }),
    });
  }

  requestDueDate(accessToken: string, idOrNossoNumero: string, vencimento: string): Promise<Bs2Response> {
    const path = this.config.dueDateChangePath.replace('{id}', encodeURIComponent(idOrNossoNumero));
    return this.send('changeDueDate', 'POST', path, {
      write: true,
      headers: this.json(accessToken),
      body: JSON.stringify({ vencimento }),
    });
  }
}
