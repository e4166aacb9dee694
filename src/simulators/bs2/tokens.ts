/**
 * BS2's OAuth2 token authority as documented: the refresh_token grant [C], and the legacy password grant (username +
 * password of the app's user: manual S2, and still sent by public clients, docs/banks/bs2.md) when configured; Basic (apiKey:apiSecret) and/or
 * client_id/client_secret in the body; every issuance returns a new access token AND a new refresh token and
 * invalidates the previous ones at once; at most N token calls a minute (429 beyond); TTLs on the sim clock.
 */
import { randomUUID } from 'node:crypto';
import type { SimClock } from '../shared/clock';
import type { Bs2SimConfig } from './config';

export interface TokenState {
  refreshToken: string;
  refreshExpiresAt: number;
  accessToken?: string;
  accessExpiresAt?: number;
  calls: number[];
  stats: { issued: number; rejected: number; rateLimited: number };
}

export type TokenResult =
  | {
      status: 200;
      body: { access_token: string; token_type: 'Bearer'; expires_in: number; refresh_token: string; scope: string };
    }
  | { status: 400 | 401 | 429; body: { error: string; error_description: string }; retryAfterSeconds?: number };

export class Bs2TokenAuthority {
  state: TokenState;

  constructor(
    private readonly config: Bs2SimConfig,
    private readonly clock: SimClock,
  ) {
    this.state = {
      refreshToken: config.app.refreshToken,
      refreshExpiresAt: clock.now() + config.refreshTokenTtlHours * 3600_000,
      calls: [],
      stats: { issued: 0, rejected: 0, rateLimited: 0 },
    };
  }

  issue(input: { basic?: { user: string; pass: string }; form: Record<string, string | undefined> }): TokenResult {
    const now = this.clock.now();
    const s = this.state;
    s.calls = s.calls.filter((t) => now - t < 60_000);
    if (s.calls.length >= this.config.tokenRateLimitPerMinute) {
      s.stats.rateLimited++;
      const retryAfterSeconds = Math.max(1, Math.ceil(((s.calls[0] ?? now) + 60_000 - now) / 1000));
      return {
        status: 429,
        body: { error: 'too_many_requests', error_description: 'Limite de requisições de token excedido.' },
        retryAfterSeconds,
      };
    }
    s.calls.push(now);
    const app = this.config.app;
    const user = input.basic?.user ?? input.form.client_id;
    const pass = input.basic?.pass ?? input.form.client_secret;
    const bodyClientOk =
      input.form.client_id === undefined ||
      (input.form.client_id === app.apiKey && input.form.client_secret === app.apiSecret);
    if (user !== app.apiKey || pass !== app.apiSecret || !bodyClientOk) {
      s.stats.rejected++;
      return { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed.' } };
    }
    const grant = input.form.grant_type;
    if ((grant !== 'refresh_token' && grant !== 'password') || !this.config.grantTypes.includes(grant)) {
      s.stats.rejected++;
      return {
        status: 400,
        body: {
          error: 'unsupported_grant_type',
          error_description: `Supported grant types: ${this.config.grantTypes.join(', ')}.`,
        },
      };
    }
    if (input.form.scope !== app.scope) {
      s.stats.rejected++;
      return {
        status: 400,
        body: { error: 'invalid_scope', error_description: "The scope is not the application's scope." },
      };
    }
    if (grant === 'password') {
      // The user's own credentials: a new pair of tokens, and (as every issuance [C]) the previous ones die.
      if (!app.username || input.form.username !== app.username || input.form.password !== app.password) {
        s.stats.rejected++;
        return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid username or password.' } };
      }
    } else if (!input.form.refresh_token || input.form.refresh_token !== s.refreshToken || now >= s.refreshExpiresAt) {
      s.stats.rejected++;
      return { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid or expired refresh token.' } };
    }
    s.accessToken = randomUUID();
    s.accessExpiresAt = now + this.config.accessTokenTtlSeconds * 1000;
    s.refreshToken = randomUUID();
    s.refreshExpiresAt = now + this.config.refreshTokenTtlHours * 3600_000;
    s.stats.issued++;
    return {
      status: 200,
      body: {
        access_token: s.accessToken,
        token_type: 'Bearer',
        expires_in: this.config.accessTokenTtlSeconds,
        refresh_token: s.refreshToken,
        scope: app.scope,
      },
    };
  }

  /** True when `token` is the current, unexpired access token. */
  validAccess(token: string | undefined): boolean {
    const s = this.state;
    return (
      token !== undefined &&
      token === s.accessToken &&
      s.accessExpiresAt !== undefined &&
      this.clock.now() < s.accessExpiresAt
    );
  }

  /** "Gerar novo token" in BS2 Empresas: a human regenerates the refresh token; every older token dies. */
  regenerate(): string {
    this.state.refreshToken = randomUUID();
    this.state.refreshExpiresAt = this.clock.now() + this.config.refreshTokenTtlHours * 3600_000;
    this.state.accessToken = undefined;
    this.state.accessExpiresAt = undefined;
    return this.state.refreshToken;
  }
}
