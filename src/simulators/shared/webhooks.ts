/**
 * Outbound webhook delivery for simulators, as banks do it: POST JSON to the configured URL, optional Basic or
 * Bearer auth, "retried until a 2xx" with a backoff schedule, then given up. Retries are scheduled on the
 * simulator clock and delivered by `deliverDue()` (called by the simulator's tick), so tests control time.
 * Deliveries are sent one at a time, in queue order (a scenario can enqueue them shuffled on purpose).
 *
 * Some banks (Itaú) first obtain a token from the subscriber's OAuth URL (client_credentials, Basic client
 * auth) and POST with that Bearer token: a target with `oauth` does that, caching the token until it expires.
 * A delivery may carry its own target (one subscription per notification type); otherwise the queue's default.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'undici';
import type { SimClock } from './clock';

export type WebhookAuth = { type: 'basic'; username: string; password: string } | { type: 'bearer'; token: string };

/** OAuth2 client_credentials at the subscriber, done before each POST (token cached until `expires_in`). */
export interface WebhookOAuth {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
}

export interface WebhookTarget {
  url: string;
  auth?: WebhookAuth;
  oauth?: WebhookOAuth;
}

export interface WebhookPolicy {
  /** Delay before retry n (n = 1, 2, …); the last entry repeats. */
  backoffMs: number[];
  /** After this many failed attempts the notification is given up. */
  maxAttempts: number;
  /** Per-attempt HTTP timeout (real time). */
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_POLICY: WebhookPolicy = {
  backoffMs: [60_000, 5 * 60_000, 15 * 60_000, 3600_000, 3 * 3600_000, 6 * 3600_000, 12 * 3600_000],
  maxAttempts: 12,
  timeoutMs: 5_000,
};

export interface Delivery {
  deliveryId: string;
  /** What the notification is about (e.g. the boleto id), for the admin listing. */
  subject: string;
  body: unknown;
  /** This delivery's own target (else the queue's default). */
  target?: WebhookTarget;
  createdAt: number;
  dueAt: number;
  attempts: number;
  state: 'PENDING' | 'DELIVERED' | 'GAVE_UP';
  lastError?: string;
  lastStatus?: number;
  deliveredAt?: number;
}

export function authHeader(auth: WebhookAuth | undefined): string | undefined {
  if (!auth) return undefined;
  return auth.type === 'basic'
    ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
    : `Bearer ${auth.token}`;
}

export class WebhookQueue {
  private deliveries: Delivery[] = [];
  /** The deliveries still PENDING, in order: what a pump looks at (the full list only grows). */
  private waiting = new Set<Delivery>();
  private pumping: Promise<number> | undefined;
  /** Subscriber OAuth tokens by token URL + client id (sim-clock expiry). */
  private readonly oauthTokens = new Map<string, { token: string; expiresAt: number }>();
  /** OAuth token requests made (for tests and the admin listing). */
  oauthRequests = 0;

  constructor(
    private readonly clock: SimClock,
    private readonly target: () => WebhookTarget | undefined,
    private readonly policy: WebhookPolicy = DEFAULT_WEBHOOK_POLICY,
    private readonly onChange: () => void = () => undefined,
  ) {}

  enqueue(subject: string, body: unknown, delayMs = 0, target?: WebhookTarget): Delivery {
    const now = this.clock.now();
    const d: Delivery = {
      deliveryId: randomUUID(),
      subject,
      body,
      ...(target ? { target } : {}),
      createdAt: now,
      dueAt: now + delayMs,
      attempts: 0,
      state: 'PENDING',
    };
    this.deliveries.push(d);
    this.waiting.add(d);
    this.onChange();
    return d;
  }

  list(): readonly Delivery[] {
    return this.deliveries;
  }

  pending(): number {
    return this.waiting.size;
  }

  /** Sends every pending delivery whose time has come; one pump at a time. Returns how many were attempted. */
  deliverDue(): Promise<number> {
    this.pumping ??= this.pump().finally(() => (this.pumping = undefined));
    return this.pumping;
  }

  /** client_credentials at the subscriber's OAuth URL, Basic client auth (as Itaú does); cached until expiry. */
  private async oauthToken(o: WebhookOAuth): Promise<string> {
    const key = `${o.tokenUrl} ${o.clientId}`;
    const cached = this.oauthTokens.get(key);
    if (cached && cached.expiresAt - this.clock.now() > 10_000) return cached.token;
    this.oauthRequests++;
    const form = new URLSearchParams({ grant_type: 'client_credentials', ...(o.scope ? { scope: o.scope } : {}) });
    const res = await request(o.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: authHeader({ type: 'basic', username: o.clientId, password: o.clientSecret }) ?? '',
        'user-agent': 'boletoflow-simulator',
      },
      body: form.toString(),
      headersTimeout: this.policy.timeoutMs,
      bodyTimeout: this.policy.timeoutMs,
    });
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode >= 300) throw new Error(`OAuth token: HTTP ${res.statusCode}`);
    let parsed: { access_token?: unknown; expires_in?: unknown } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      throw new Error('OAuth token: the answer is not JSON');
    }
    if (typeof parsed.access_token !== 'string' || parsed.access_token === '')
      throw new Error('OAuth token: no access_token in the answer');
    const ttl = Number(parsed.expires_in);
    this.oauthTokens.set(key, {
      token: parsed.access_token,
      expiresAt: this.clock.now() + (Number.isFinite(ttl) && ttl > 0 ? ttl : 300) * 1000,
    });
    return parsed.access_token;
  }

  private async pump(): Promise<number> {
    let attempted = 0;
    for (const d of this.waiting) {
      if (d.dueAt > this.clock.now()) continue;
      const target = d.target ?? this.target();
      if (!target) continue;
      attempted++;
      d.attempts++;
      try {
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          'user-agent': 'boletoflow-simulator',
        };
        const auth = target.oauth ? `Bearer ${await this.oauthToken(target.oauth)}` : authHeader(target.auth);
        if (auth) headers.authorization = auth;
        const res = await request(target.url, {
          method: 'POST',
          headers,
          body: JSON.stringify(d.body),
          headersTimeout: this.policy.timeoutMs,
          bodyTimeout: this.policy.timeoutMs,
        });
        await res.body.dump();
        d.lastStatus = res.statusCode;
        // A refused token is forgotten, so the next attempt asks the subscriber for a new one.
        if ((res.statusCode === 401 || res.statusCode === 403) && target.oauth)
          this.oauthTokens.delete(`${target.oauth.tokenUrl} ${target.oauth.clientId}`);
        if (res.statusCode >= 200 && res.statusCode < 300) {
          d.state = 'DELIVERED';
          d.deliveredAt = this.clock.now();
          this.waiting.delete(d);
          continue;
        }
        d.lastError = `HTTP ${res.statusCode}`;
      } catch (e) {
        d.lastError = (e as Error).message;
      }
      if (d.attempts >= this.policy.maxAttempts) {
        d.state = 'GAVE_UP';
        this.waiting.delete(d);
      } else {
        const b = this.policy.backoffMs;
        d.dueAt = this.clock.now() + (b[Math.min(d.attempts - 1, b.length - 1)] ?? 60_000);
      }
    }
    if (attempted) this.onChange();
    return attempted;
  }

  snapshot(): Delivery[] {
    return this.deliveries;
  }

  restore(ds: Delivery[]): void {
    this.deliveries = ds;
    this.waiting = new Set(ds.filter((d) => d.state === 'PENDING'));
  }
}
