/**
 * API-key authentication and role checks. Keys live in the accessRegistry workflow; the API keeps a cached
 * snapshot (refreshed every few seconds, and at once, rate-limited, when an unknown key id shows up) so a
 * request costs no Temporal call. A revoked key stops working within the cache TTL.
 */
import type { Request, RequestHandler } from 'express';
import { parseApiKey, secretMatches } from '../access/api-keys';
import type { AccessRegistryClient } from '../access/registry-client';
import type { AccessSnapshot, ApiKeyRecord, Role } from '../workflows/access-messages';
import { sendProblem } from './problem';

export interface Principal {
  keyId: string;
  tenantId: string;
  role: Role;
}

export interface AccessSource {
  snapshot(): Promise<AccessSnapshot>;
}

export class AccessCache {
  private current: { snapshot: AccessSnapshot; at: number } | undefined;
  private inflight: Promise<AccessSnapshot> | undefined;

  constructor(
    private readonly source: AccessSource | AccessRegistryClient,
    private readonly opts: { ttlMs: number; minRefreshMs: number } = { ttlMs: 5_000, minRefreshMs: 1_000 },
  ) {}

  private refresh(): Promise<AccessSnapshot> {
    this.inflight ??= this.source
      .snapshot()
      .then((snapshot) => {
        this.current = { snapshot, at: Date.now() };
        return snapshot;
      })
      .finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  async find(keyId: string): Promise<ApiKeyRecord | undefined> {
    const age = this.current ? Date.now() - this.current.at : Infinity;
    let snap = age > this.opts.ttlMs ? await this.refresh() : this.current!.snapshot;
    let key = snap.keys.find((k) => k.keyId === keyId);
    if (!key && age <= this.opts.ttlMs) {
      // Unknown id on a fresh-ish snapshot: maybe a key created a moment ago. Refresh, but at most once per
      // minRefreshMs, so a flood of made-up keys costs one registry query per interval.
      const asked = Date.now();
      const wait = this.opts.minRefreshMs - age;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      // Another request may have refreshed meanwhile: reuse that instead of querying again.
      snap = this.current && this.current.at >= asked ? this.current.snapshot : await this.refresh();
      key = snap.keys.find((k) => k.keyId === keyId);
    }
    return key;
  }

  /** Forget the snapshot (tests, and after this process changed the registry itself). */
  invalidate(): void {
    this.current = undefined;
  }
}

const bearer = (h: string | undefined) => (h && /^Bearer\s+/i.test(h) ? h.replace(/^Bearer\s+/i, '').trim() : undefined);

/**
 * The key record a presented API key stands for; undefined for a malformed, unknown, wrong or revoked key.
 * Throws when the access registry cannot be read.
 */
export async function recordForApiKey(cache: AccessCache, token: string): Promise<ApiKeyRecord | undefined> {
  const parsed = parseApiKey(token);
  const record = parsed && (await cache.find(parsed.keyId));
  return parsed && record && !record.revokedAt && secretMatches(parsed.secret, record.secretHash) ? record : undefined;
}

/** A second way in for routes a browser calls: a signed session (src/api/codec-session.ts) naming a key id. */
export interface SessionAuth {
  /** The key id of a valid session on this request, if any. */
  keyId(req: Request): string | undefined;
  /** Added to the 401 detail: how to get a session. */
  hint: string;
}

export function authenticate(cache: AccessCache, session?: SessionAuth): RequestHandler {
  return async (req, res, next) => {
    const token = bearer(req.get('authorization')) ?? req.get('x-api-key')?.trim();
    // An API key header wins; the session is only looked at without one.
    const sessionKeyId = token ? undefined : session?.keyId(req);
    if (!token && !sessionKeyId) {
      sendProblem(res, {
        type: 'unauthenticated',
        title: 'API key required',
        status: 401,
        detail: 'Send your API key as "Authorization: Bearer <key>" or "X-API-Key: <key>".' + (session ? ` ${session.hint}` : ''),
      });
      return;
    }
    let record: ApiKeyRecord | undefined;
    try {
      record = token ? await recordForApiKey(cache, token) : await cache.find(sessionKeyId!);
    } catch (e) {
      req.log?.error({ err: e }, 'access registry unavailable');
      sendProblem(res, { type: 'unavailable', title: 'Service temporarily unavailable', status: 503, detail: 'Could not verify the API key; retry shortly.' });
      return;
    }
    if (!record || record.revokedAt) {
      // One answer for malformed, unknown, wrong and revoked keys: nothing to enumerate.
      res.setHeader('WWW-Authenticate', 'Bearer');
      sendProblem(res, {
        type: 'invalid-api-key',
        title: 'API key not valid',
        status: 401,
        detail: token ? 'The API key is unknown, malformed or revoked.' : `The API key of this session was revoked. ${session!.hint}`,
      });
      return;
    }
    const principal: Principal = { keyId: record.keyId, tenantId: record.tenantId, role: record.role };
    res.locals.principal = principal;
    next();
  };
}

export function requireRole(roles: readonly Role[]): RequestHandler {
  return (_req, res, next) => {
    const p = res.locals.principal as Principal | undefined;
    if (!p || !roles.includes(p.role)) {
      sendProblem(res, {
        type: 'forbidden',
        title: 'Not allowed for this API key',
        status: 403,
        detail: `This operation needs one of the roles ${roles.join(', ')}; the key has role ${p?.role ?? 'none'}.`,
      });
      return;
    }
    next();
  };
}
