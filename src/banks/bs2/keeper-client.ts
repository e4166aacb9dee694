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
 */
export class CachedTokenSource implements Bs2TokenSource {
  private current: AccessToken | undefined;
  private inflight: Promise<AccessToken> | undefined;
  private inflightSince = 0;

  constructor(
    private readonly upstream: Bs2TokenSource,
    private readonly now: () => number = Date.now,
  ) {}

  async accessToken(o: { stale?: string } = {}): Promise<AccessToken> {
    const c = this.current;
    if (c && c.accessToken !== o.stale && Date.parse(c.expiresAt) - this.now() > 15_000) return c;
    // One upstream call per process at a time; a caller holding a stale token passes it along.
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
    const pending = this.accessToken(o);
    if (!this.inflight) return pending; // cached
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
