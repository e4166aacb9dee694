/**
 * The worker's BS2 token source: asks the account's token keeper workflow (update-with-start, so the first call
 * starts it). Works from any worker process: the keeper is the single point that refreshes.
 */
import { type Client, WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { bs2KeeperWorkflowId, bs2TokenKeeper, getBs2AccessToken, type Bs2KeeperInput } from '../../workflows/bs2-token-keeper';
import { BankError } from '../errors';
import type { AccessToken, Bs2TokenSource } from './tokens';

export class KeeperTokenSource implements Bs2TokenSource {
  constructor(
    private readonly client: Client,
    private readonly opts: { accountId: string; taskQueue: string; keeperOptions?: Bs2KeeperInput['options'] },
  ) {}

  async accessToken(o: { stale?: string } = {}): Promise<AccessToken> {
    const start = new WithStartWorkflowOperation(bs2TokenKeeper, {
      workflowId: bs2KeeperWorkflowId(this.opts.accountId),
      taskQueue: this.opts.taskQueue,
      args: [{ accountId: this.opts.accountId, ...(this.opts.keeperOptions ? { options: this.opts.keeperOptions } : {}) }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    try {
      return await this.client.workflow.executeUpdateWithStart(getBs2AccessToken, { args: [o.stale ? { stale: o.stale } : {}], startWorkflowOperation: start });
    } catch (e) {
      if (e instanceof WorkflowUpdateFailedError) {
        const cause = e.cause as { type?: string; message?: string } | undefined;
        const kind = cause?.type === 'BankAuthError' || !cause?.type ? 'AUTH' : 'UNAVAILABLE';
        throw new BankError(kind, cause?.message ?? 'BS2 token keeper refused the request', { operation: 'token' });
      }
      throw e;
    }
  }
}

/**
 * Per-process cache in front of the keeper: a worker asks the keeper only when it has no token, the token is
 * within 15 s of expiry, or the bank just refused it (`stale`). Without it every bank call would cost an Update
 * (a billed action, ~a round trip, and the server allows only 10 in-flight Updates per workflow).
 * Refresh ahead: once the token is inside the keeper's early-refresh window (REFRESH_AHEAD_MS left) the cache asks
 * the keeper in the background and goes on handing out the current token, so bank calls do not queue behind the
 * refresh every token lifetime (under load they did: a local activity gives up after 2 s and its boleto retries).
 */
export class CachedTokenSource implements Bs2TokenSource {
  /** Below the keeper's early-refresh window (30 s), so the background ask makes the keeper refresh. */
  static readonly REFRESH_AHEAD_MS = 28_000;
  /** Under this much validity left a token is not handed out any more: callers wait for the new one. */
  static readonly MIN_VALIDITY_MS = 15_000;
  /** A background ask that failed is not repeated sooner than this. */
  static readonly AHEAD_RETRY_MS = 5_000;

  private current: AccessToken | undefined;
  private inflight: Promise<AccessToken> | undefined;
  private inflightSince = 0;
  private lastAheadAt = -Infinity;

  constructor(
    private readonly upstream: Bs2TokenSource,
    private readonly now: () => number = Date.now,
  ) {}

  async accessToken(o: { stale?: string } = {}): Promise<AccessToken> {
    return this.usable(o) ?? this.fetch(o);
  }

  /** The cached token when it may still be handed out; starts the refresh ahead (at most every 5 s) when due. */
  private usable(o: { stale?: string }): AccessToken | undefined {
    const c = this.current;
    const left = c ? Date.parse(c.expiresAt) - this.now() : 0;
    if (!c || c.accessToken === o.stale || left <= CachedTokenSource.MIN_VALIDITY_MS) return undefined;
    if (left <= CachedTokenSource.REFRESH_AHEAD_MS && !this.inflight && this.now() - this.lastAheadAt >= CachedTokenSource.AHEAD_RETRY_MS) {
      this.lastAheadAt = this.now();
      this.fetch({}).catch(() => undefined); // a failure here is retried by a later caller
    }
    return c;
  }

  /** One upstream call per process at a time; a caller holding a stale token passes it along. */
  private fetch(o: { stale?: string }): Promise<AccessToken> {
    if (!this.inflight) {
      this.inflightSince = this.now();
      this.inflight = this.upstream
        .accessToken(o.stale ? { stale: o.stale } : {})
        .then((t) => (this.current = t))
        .finally(() => (this.inflight = undefined));
    }
    return this.inflight;
  }

  /**
   * Like accessToken, but gives up once the upstream call has been pending `waitMs` (at once if it already has):
   * undefined then. The call goes on, and the token it brings is cached for the next caller.
   */
  async accessTokenWithin(waitMs: number, o: { stale?: string } = {}): Promise<AccessToken | undefined> {
    const cached = this.usable(o);
    if (cached) return cached;
    const pending = this.fetch(o);
    pending.catch(() => undefined); // a failure after we gave up is the next caller's to see
    let timer: NodeJS.Timeout | undefined;
    const left = waitMs - (this.now() - this.inflightSince);
    const giveUp = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), Math.max(0, left))));
    try {
      return await Promise.race([pending, giveUp]);
    } finally {
      clearTimeout(timer);
    }
  }
}
