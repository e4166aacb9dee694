/**
 * Browser sessions for the codec endpoint. The Temporal Web UI can only authenticate to a codec server with
 * cookies ("include credentials") or an OIDC token, so an operator pastes an API key once at /codec/login and
 * gets a cookie holding a server-signed, expiring session: `v1.<keyId>.<expiry>.<HMAC-SHA256>`. The raw key is
 * never stored in the browser; each request re-checks the key in the access cache, so revoking it ends every
 * session made with it. The cookie is HttpOnly, SameSite=Strict, Path=/codec (no other route accepts it).
 */
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import type { PayloadKey } from '../temporal/codec';

export const SESSION_COOKIE = 'boletoflow_codec';
export const SESSION_PATH = '/codec';

/**
 * The signing secret, derived (HKDF) from the active payload key: every API process of an installation already
 * shares that key, so a session made on one is valid on all; rotating the key ends the sessions.
 */
export const sessionSecretFrom = (keys: readonly PayloadKey[]): Buffer =>
  Buffer.from(hkdfSync('sha256', keys[0]!.key, 'boletoflow', 'codec-session/v1', 32));

export interface Session {
  keyId: string;
  expiresAt: Date;
}

export class CodecSessions {
  constructor(
    private readonly secret: Buffer = randomBytes(32),
    readonly ttlMs = 8 * 3_600_000,
  ) {}

  private mac(body: string): Buffer {
    return createHmac('sha256', this.secret).update(body).digest();
  }

  /** A new session value for the cookie. */
  issue(keyId: string, now = Date.now()): { value: string; session: Session } {
    const exp = Math.floor((now + this.ttlMs) / 1000);
    const body = `v1.${keyId}.${exp}`;
    return {
      value: `${body}.${this.mac(body).toString('base64url')}`,
      session: { keyId, expiresAt: new Date(exp * 1000) },
    };
  }

  /** The session a cookie value stands for, if it is authentic and not expired. */
  verify(value: string | undefined, now = Date.now()): Session | undefined {
    const m = value?.match(/^(v1\.([a-z2-7]{12})\.(\d{1,12}))\.([A-Za-z0-9_-]{43})$/);
    if (!m) return undefined;
    const given = Buffer.from(m[4]!, 'base64url');
    if (!timingSafeEqual(given, this.mac(m[1]!))) return undefined;
    const expiresAt = new Date(Number(m[3]) * 1000);
    return expiresAt.getTime() > now ? { keyId: m[2]!, expiresAt } : undefined;
  }

  /** The session carried by the request's cookie, if valid. */
  fromRequest(req: Request): Session | undefined {
    return this.verify(readCookie(req.get('cookie'), SESSION_COOKIE));
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${value}`,
    `Path=${SESSION_PATH}`,
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export const clearedSessionCookie = (secure: boolean): string => sessionCookie('', 0, secure);
