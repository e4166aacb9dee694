/**
 * Sicoob's two hosts over undici with mutual TLS (docs/banks/sicoob.md "Auth"): one keep-alive Agent per account
 * carrying the certificate registered for the app. Answers raw status/headers/text; the adapter classifies. A
 * transport failure is a BankError here: a TLS refusal → AUTH; no connection → UNAVAILABLE; a connection lost after
 * a write was sent → UNAVAILABLE with `outcomeUnknown`. Tokens never appear in errors.
 */
import { Agent, request } from 'undici';
import { BankError } from '../errors';
import type { SicoobAdapterConfig, SicoobCredentials } from './account';

export interface SicoobResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Codes that mean the request never left (nothing can have happened at the bank). */
const NEVER_SENT = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT_TIMEOUT)$/;
const TLS_REFUSED = /SSL|CERT|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|HOSTNAME_MISMATCH/i;

function transportError(e: unknown, operation: string, write: boolean): BankError {
  const err = e as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err.cause?.code ?? err.code ?? err.name ?? 'ERROR';
  if (TLS_REFUSED.test(`${code} ${err.message ?? ''} ${err.cause?.message ?? ''}`))
    return new BankError('AUTH', `Sicoob ${operation}: TLS refused (${code}); check the app's certificate and key`, {
      operation,
    });
  const neverSent = NEVER_SENT.test(code) || NEVER_SENT.test(err.code ?? '');
  return new BankError(
    'UNAVAILABLE',
    `Sicoob ${operation}: ${neverSent ? 'could not connect' : 'no answer'} (${code})`,
    {
      operation,
      outcomeUnknown: write && !neverSent,
    },
  );
}

export class SicoobHttp {
  readonly agent: Agent;

  constructor(
    readonly config: SicoobAdapterConfig,
    readonly credentials: SicoobCredentials,
  ) {
    const { certPem, keyPem, caPem } = credentials;
    this.agent = new Agent({
      keepAliveTimeout: 10_000,
      connections: 16,
      connect: {
        timeout: config.connectTimeoutMs,
        ...(certPem && keyPem ? { cert: certPem, key: keyPem } : {}),
        ...(caPem ? { ca: caPem } : {}),
      },
    });
  }

  close(): Promise<void> {
    return this.agent.close();
  }

  private async send(
    operation: string,
    method: Method,
    url: string,
    headers: Record<string, string>,
    body: string | undefined,
    write: boolean,
  ): Promise<SicoobResponse> {
    try {
      const res = await request(url, {
        method,
        dispatcher: this.agent,
        headers: { 'user-agent': 'boletoflow', accept: 'application/json', ...headers },
        ...(body !== undefined ? { body } : {}),
        headersTimeout: this.config.timeoutMs,
        bodyTimeout: this.config.timeoutMs,
      });
      return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
    } catch (e) {
      throw transportError(e, operation, write);
    }
  }

  /** The token: client_credentials form with client_id and scope, no secret (the certificate authenticates) [C S2]. */
  token(): Promise<SicoobResponse> {
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.credentials.clientId,
      scope: this.config.scope,
    });
    return this.send(
      'token',
      'POST',
      this.config.urls.token,
      { 'content-type': 'application/x-www-form-urlencoded' },
      form.toString(),
      false,
    );
  }

  /** A Cobrança v3 call: Bearer, the `client_id` header [3P], JSON in and out. */
  api(
    accessToken: string,
    operation: string,
    method: Method,
    path: string,
    opts: { query?: Record<string, string | number | undefined>; body?: unknown; write?: boolean } = {},
  ): Promise<SicoobResponse> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) qs.set(k, String(v));
    const url = `${this.config.urls.api}${path}${qs.size ? `?${qs.toString()}` : ''}`;
    return this.send(
      operation,
      method,
      url,
      {
        authorization: `Bearer ${accessToken}`,
        ...(this.config.sendClientIdHeader ? { client_id: this.credentials.clientId } : {}),
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      opts.write ?? false,
    );
  }
}
