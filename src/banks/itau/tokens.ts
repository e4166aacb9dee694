/**
 * Itaú access tokens: client_credentials over mTLS, 300 s, not rotating anything (unlike BS2), so each process
 * keeps its own cache per account: single-flight, refreshed `tokenRefreshMarginMs` before expiry, and dropped
 * when the bank refuses it (`stale`). No keeper workflow is needed; tokens never leave the process.
 */
import { BankError, parseRetryAfter } from '../errors';
import type { ItauHttp } from './client';
import { parseJson } from './mapping';

export interface ItauAccessToken {
  accessToken: string;
  /** ISO instant (our clock). */
  expiresAt: string;
}

export async function fetchItauToken(http: ItauHttp): Promise<{ accessToken: string; expiresInSeconds: number }> {
  const res = await http.token();
  const body = parseJson(res.body) as
    { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown } | undefined;
  if (res.status === 200 && typeof body?.access_token === 'string' && body.access_token !== '') {
    const ttl = Number(body.expires_in);
    return { accessToken: body.access_token, expiresInSeconds: Number.isFinite(ttl) && ttl > 0 ? ttl : 300 };
  }
  if (res.status === 429 || res.status >= 500) {
    const retryAfterMs = parseRetryAfter(String(res.headers['retry-after'] ?? '') || undefined);
    throw new BankError('UNAVAILABLE', `Itaú token: HTTP ${res.status}`, {
      httpStatus: res.status,
      operation: 'token',
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  const why =
    typeof body?.error_description === 'string'
      ? body.error_description
      : typeof body?.error === 'string'
        ? body.error
        : `HTTP ${res.status}`;
  throw new BankError(
    'AUTH',
    `Itaú token: refused (${why}); check client_id, client_secret and that the certificate belongs to this client_id`,
    { httpStatus: res.status, operation: 'token' },
  );
}

export class ItauTokenCache {
  private current: { token: string; expiresAt: number } | undefined;
  private inflight: Promise<void> | undefined;
  /** Token requests made (tests). */
  fetches = 0;

  constructor(
    private readonly http: ItauHttp,
    private readonly now: () => number = Date.now,
  ) {}

  async accessToken(opts: { stale?: string } = {}): Promise<ItauAccessToken> {
    for (let i = 0; i < 3; i++) {
      const c = this.current;
      if (c && c.token !== opts.stale && c.expiresAt - this.now() > this.http.config.tokenRefreshMarginMs) {
        return { accessToken: c.token, expiresAt: new Date(c.expiresAt).toISOString() };
      }
      this.inflight ??= this.refresh().finally(() => (this.inflight = undefined));
      await this.inflight;
      // A token shorter-lived than the margin is still used once rather than refreshed forever.
      const n = this.current;
      if (n && n.token !== opts.stale && n.expiresAt > this.now())
        return { accessToken: n.token, expiresAt: new Date(n.expiresAt).toISOString() };
    }
    throw new BankError('AUTH', 'Itaú token: no usable token after refreshing', { operation: 'token' });
  }

  private async refresh(): Promise<void> {
    const t = await fetchItauToken(this.http);
    this.fetches++;
    this.current = { token: t.accessToken, expiresAt: this.now() + t.expiresInSeconds * 1000 };
  }
}
