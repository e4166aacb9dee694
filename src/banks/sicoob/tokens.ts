/**
 * Sicoob access tokens: client_credentials over mTLS [C S2], not rotating anything, so each process keeps one cache
 * per account: single flight, refreshed `tokenRefreshMarginMs` before expiry, dropped when the API refuses it
 * (`stale`: S3 re-authenticates on a 401). Lifetime from `expires_in` (its value is [U]: 300 s when absent).
 */
import { BankError, parseRetryAfter } from '../errors';
import type { SicoobHttp } from './client';

export class SicoobTokenCache {
  private current: { token: string; expiresAt: number } | undefined;
  private inflight: Promise<void> | undefined;
  /** Token requests made (tests). */
  fetches = 0;

  constructor(
    private readonly http: SicoobHttp,
    private readonly now: () => number = Date.now,
  ) {}

  async accessToken(opts: { stale?: string } = {}): Promise<{ accessToken: string; expiresAt: string }> {
    for (let round = 0; round < 3; round++) {
      const c = this.current;
      const margin = round === 0 ? this.http.config.tokenRefreshMarginMs : 0;
      if (c && c.token !== opts.stale && c.expiresAt - this.now() > margin)
        return { accessToken: c.token, expiresAt: new Date(c.expiresAt).toISOString() };
      if (c?.token === opts.stale) this.current = undefined;
      this.inflight ??= this.fetch().finally(() => (this.inflight = undefined));
      await this.inflight;
    }
    throw new BankError('AUTH', 'Sicoob token: no usable token after refreshing', { operation: 'token' });
  }

  private async fetch(): Promise<void> {
    const res = await this.http.token();
    let body: { access_token?: unknown; expires_in?: unknown; error?: unknown; error_description?: unknown } = {};
    try {
      body = JSON.parse(res.text) as typeof body;
    } catch {
      // Not JSON: classified by status below.
    }
    if (res.status === 200 && typeof body.access_token === 'string' && body.access_token !== '') {
      const ttl = Number(body.expires_in);
      this.fetches++;
      this.current = {
        token: body.access_token,
        expiresAt: this.now() + (Number.isFinite(ttl) && ttl > 0 ? ttl : 300) * 1000,
      };
      return;
    }
    if (res.status === 429 || res.status >= 500) {
      const retryAfterMs = parseRetryAfter(String(res.headers['retry-after'] ?? '') || undefined);
      throw new BankError('UNAVAILABLE', `Sicoob token: HTTP ${res.status}`, {
        httpStatus: res.status,
        operation: 'token',
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      });
    }
    const why = [body.error, body.error_description].filter((v) => typeof v === 'string').join(': ');
    throw new BankError(
      'AUTH',
      `Sicoob token: refused (${why || `HTTP ${res.status}`}); check the client_id, its scopes and that the certificate is the one registered for it`,
      { httpStatus: res.status, operation: 'token' },
    );
  }
}
