/**
 * Where a BS2 adapter gets its access token. BS2 rotates the refresh token on every use and kills the previous
 * one at once, so exactly one party may refresh per account: in the worker that is the per-account token keeper
 * workflow (./keeper-workflow.ts, reached through ./keeper-client.ts). `refreshBs2Token` is the one
 * call to the token endpoint; `InMemoryBs2TokenSource` is single-flight within one process (CLI, tests).
 */
import { BankError } from '../errors';
import type { Bs2Http } from './client';
import type { Bs2Credentials } from './config';
import { parseJson } from './mapping';

export interface AccessToken {
  accessToken: string;
  /** ISO instant (our clock) after which it should not be used. */
  expiresAt: string;
}

export interface Bs2TokenSource {
  /** A valid access token; with `stale`, one different from that token (the bank refused it: refresh). */
  accessToken(opts?: { stale?: string }): Promise<AccessToken>;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
}

/** Thrown when BS2 refuses the refresh token or the app credentials: only a human can fix it (new token in BS2 Empresas). */
export class Bs2CredentialsRejected extends BankError {
  constructor(message: string, httpStatus: number) {
    super('AUTH', message, { httpStatus, operation: 'token' });
  }
}

export async function refreshBs2Token(
  http: Bs2Http,
  creds: Bs2Credentials,
  refreshToken: string,
): Promise<IssuedTokens> {
  const res = await http.token(creds, refreshToken);
  const body = parseJson(res) as
    { access_token?: unknown; refresh_token?: unknown; expires_in?: unknown; error?: unknown } | undefined;
  if (res.status === 200 && typeof body?.access_token === 'string' && typeof body.refresh_token === 'string') {
    const ttl = Number(body.expires_in);
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresInSeconds: Number.isFinite(ttl) && ttl > 0 ? ttl : 300,
    };
  }
  const retryAfter = res.headers['retry-after'];
  if (res.status === 429 || res.status >= 500) {
    const secs = Number(retryAfter);
    throw new BankError('UNAVAILABLE', `BS2 token: HTTP ${res.status}`, {
      httpStatus: res.status,
      operation: 'token',
      ...(Number.isFinite(secs) && secs >= 0 ? { retryAfterMs: secs * 1000 } : {}),
    });
  }
  const code = typeof body?.error === 'string' ? body.error : `HTTP ${res.status}`;
  throw new Bs2CredentialsRejected(
    `BS2 token: refused (${code}); generate a new refresh token in BS2 Empresas`,
    res.status,
  );
}

/** Single-flight refresh within one process; holds the rotated refresh token in memory only. */
export class InMemoryBs2TokenSource implements Bs2TokenSource {
  private refreshToken: string;
  private current: { token: string; expiresAt: number } | undefined;
  private inflight: Promise<void> | undefined;
  refreshes = 0;

  constructor(
    private readonly http: Bs2Http,
    private readonly creds: Bs2Credentials,
    private readonly now: () => number = Date.now,
  ) {
    this.refreshToken = creds.initialRefreshToken;
  }

  async accessToken(opts: { stale?: string } = {}): Promise<AccessToken> {
    for (;;) {
      const c = this.current;
      if (c && c.token !== opts.stale && c.expiresAt - this.now() > 15_000)
        return { accessToken: c.token, expiresAt: new Date(c.expiresAt).toISOString() };
      this.inflight ??= this.refresh().finally(() => (this.inflight = undefined));
      await this.inflight;
    }
  }

  private async refresh(): Promise<void> {
    const t = await refreshBs2Token(this.http, this.creds, this.refreshToken);
    this.refreshes++;
    this.refreshToken = t.refreshToken;
    this.current = { token: t.accessToken, expiresAt: this.now() + t.expiresInSeconds * 1000 };
  }
}
