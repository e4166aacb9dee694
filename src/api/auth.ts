/**
 * API-key authentication and role checks. Keys live in the accessRegistry workflow; the API keeps a cached
 * snapshot so a request costs no Temporal call. The snapshot is refreshed ahead, in the background, once it is
 * older than `refreshAheadMs` (requests keep using it meanwhile), and a request waits for a refresh only when the
 * snapshot is older than `ttlMs` (no traffic, or the registry slow to answer): a revoked key stops working within
 * the TTL, and a busy API never makes every request of the moment wait on the registry query (the bench showed
 * those waits as its latency tail). An unknown key id triggers a refresh at once, rate-limited.
 *
 * While the registry cannot answer (every worker restarting), the last good snapshot is kept for a bounded grace
 * (`graceMs`): a request waits at most `staleWaitMs` for the refresh, then goes on with it. So the revocation bound is
 * the TTL while the registry answers, and TTL + grace while it does not; past that, requests get 503.
 */
import type { Request, RequestHandler } from 'express';
import { parseApiKey, secretMatches } from '../access/api-keys';
import type { AccessRegistryClient } from '../access/registry-client';
import { WORKERS_RETRY_AFTER_S } from '../temporal/bounded';
import type { AccessSnapshot, ApiKeyRecord, Role } from '../contracts/access';
import { sendProblem } from './problem';

export interface Principal {
  keyId: string;
  tenantId: string;
  role: Role;
}

export interface AccessSource {
  snapshot(): Promise<AccessSnapshot>;
}

export interface AccessCacheOptions {
  /** A snapshot older than this is never used: requests wait for a fresh one. */
  ttlMs: number;
  /** From this age on (default: 60% of the TTL), a request starts a refresh in the background and goes on with the snapshot. */
  refreshAheadMs?: number;
  /** At most one refresh per this interval for unknown key ids, and between failed background refreshes. */
  minRefreshMs: number;
  /** How long past the TTL the last good snapshot stays usable while refreshes fail or hang (default 0: never). */
  graceMs?: number;
  /** Within the grace, how long a request waits for the refresh before using the last good snapshot (default 1 s). */
  staleWaitMs?: number;
  now?: () => number;
}

export class AccessCache {
  private current: { snapshot: AccessSnapshot; at: number } | undefined;
  private inflight: Promise<AccessSnapshot> | undefined;
  private inflightSince = 0;
  private lastAheadAttempt = -Infinity;
  private readonly now: () => number;
  private readonly refreshAheadMs: number;

  constructor(
    private readonly source: AccessSource | AccessRegistryClient,
    private readonly opts: AccessCacheOptions = { ttlMs: 5_000, minRefreshMs: 1_000 },
  ) {
    this.now = opts.now ?? Date.now;
    this.refreshAheadMs = opts.refreshAheadMs ?? 0.6 * opts.ttlMs;
  }

  private refresh(): Promise<AccessSnapshot> {
    if (!this.inflight) {
      const asked = this.now();
      this.inflightSince = asked;
      this.inflight = this.source
        .snapshot()
        .then((snapshot) => {
          // Aged from when it was asked for: the registry's answer is at least that old.
          this.current = { snapshot, at: asked };
          return snapshot;
        })
        .finally(() => (this.inflight = undefined));
    }
    return this.inflight;
  }

  /** A snapshot no older than the TTL, and whether this call waited for it to be fetched. */
  private async usable(): Promise<{ snapshot: AccessSnapshot; age: number; fetched: boolean }> {
    const age = this.current ? this.now() - this.current.at : Infinity;
    if (age > this.opts.ttlMs) {
      const last = this.current;
      if (!last || age > this.opts.ttlMs + (this.opts.graceMs ?? 0))
        return { snapshot: await this.refresh(), age: 0, fetched: true };
      // Within the grace: a refresh that answers quickly wins; one that fails or hangs leaves the last good snapshot.
      const waited = this.inflight ? this.now() - this.inflightSince : 0;
      const fresh = this.refresh();
      fresh.catch(() => undefined);
      const budget = Math.max(0, (this.opts.staleWaitMs ?? 1_000) - waited);
      const got = await Promise.race([
        fresh,
        new Promise<undefined>((r) => setTimeout(() => r(undefined), budget).unref()),
      ]).catch(() => undefined);
      return got ? { snapshot: got, age: 0, fetched: true } : { snapshot: last.snapshot, age, fetched: true };
    }
    if (age > this.refreshAheadMs && !this.inflight && this.now() - this.lastAheadAttempt >= this.opts.minRefreshMs) {
      this.lastAheadAttempt = this.now();
      // A failure here is not the request's: it goes on with the valid snapshot; the TTL bounds how long.
      this.refresh().catch(() => undefined);
    }
    return { snapshot: this.current!.snapshot, age, fetched: false };
  }

  async find(keyId: string): Promise<ApiKeyRecord | undefined> {
    const { snapshot, age, fetched } = await this.usable();
    let key = snapshot.keys.find((k) => k.keyId === keyId);
    if (!key && !fetched) {
      // Unknown id: maybe a key created a moment ago. Refresh, but at most once per minRefreshMs, so a flood of
      // made-up keys costs one registry query per interval.
      const asked = this.now();
      const wait = this.opts.minRefreshMs - age;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      // Another request may have refreshed meanwhile: reuse that instead of querying again.
      const snap = this.current && this.current.at >= asked ? this.current.snapshot : await this.refresh();
      key = snap.keys.find((k) => k.keyId === keyId);
    }
    return key;
  }

  /** Forget the snapshot (tests, and after this process changed the registry itself). */
  invalidate(): void {
    this.current = undefined;
  }
}

const bearer = (h: string | undefined) =>
  h && /^Bearer\s+/i.test(h) ? h.replace(/^Bearer\s+/i, '').trim() : undefined;

/** The API key a request presents ("Authorization: Bearer <key>" or "X-API-Key: <key>"), if any. */
export const presentedKey = (req: Request): string | undefined =>
  bearer(req.get('authorization')) ?? req.get('x-api-key')?.trim();

/** True when the request presents a valid operator key (public routes that do more for operators); never throws. */
export async function isOperatorRequest(cache: AccessCache, req: Request): Promise<boolean> {
  const token = presentedKey(req);
  const record = token ? await recordForApiKey(cache, token).catch(() => undefined) : undefined;
  return record?.role === 'operator';
}

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
    const token = presentedKey(req);
    // An API key header wins; the session is only looked at without one.
    const sessionKeyId = token ? undefined : session?.keyId(req);
    if (!token && !sessionKeyId) {
      sendProblem(res, {
        type: 'unauthenticated',
        title: 'API key required',
        status: 401,
        detail:
          'Send your API key as "Authorization: Bearer <key>" or "X-API-Key: <key>".' +
          (session ? ` ${session.hint}` : ''),
      });
      return;
    }
    let record: ApiKeyRecord | undefined;
    try {
      record = token ? await recordForApiKey(cache, token) : await cache.find(sessionKeyId!);
    } catch (e) {
      req.log?.error({ err: e }, 'access registry unavailable');
      res.setHeader('Retry-After', String(WORKERS_RETRY_AFTER_S));
      sendProblem(res, {
        type: 'temporarily-unavailable',
        title: 'Temporarily unavailable',
        status: 503,
        detail: 'Could not verify the API key; retry shortly.',
      });
      return;
    }
    if (!record || record.revokedAt) {
      // One answer for malformed, unknown, wrong and revoked keys: nothing to enumerate.
      res.setHeader('WWW-Authenticate', 'Bearer');
      sendProblem(res, {
        type: 'invalid-api-key',
        title: 'API key not valid',
        status: 401,
        detail: token
          ? 'The API key is unknown, malformed or revoked.'
          : `The API key of this session was revoked. ${session!.hint}`,
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
