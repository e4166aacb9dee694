/**
 * The worker's BS2 token source: asks the account's token keeper workflow (update-with-start, so the first call
 * starts it). Works from any worker process: the keeper is the single point that refreshes.
 * Also the operators' side of the keeper (the API route and the `bs2` CLI share it): its status, the locked
 * keepers for /readyz, and handing it a new refresh token, which unlocks it.
 */
import { createHash } from 'node:crypto';
import {
  type Client,
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import {
  BS2_KEEPER_WORKFLOW_TYPE,
  bs2KeeperStatus,
  type Bs2KeeperStatus,
  bs2KeeperWorkflowId,
  getBs2AccessToken,
  type Bs2KeeperInput,
  setBs2RefreshToken,
} from './keeper-contract';
import { ApplicationFailure } from '@temporalio/common';
import { BankError, isBankError } from '../errors';
import type { ActivityTokenContext } from '../module';
import type { AccessToken, Bs2TokenSource } from './tokens';
import { withinDeadline, WorkersUnavailable } from '../../temporal/bounded';

export class KeeperTokenSource implements Bs2TokenSource {
  constructor(
    private readonly client: Client,
    private readonly opts: { accountId: string; taskQueue: string; keeperOptions?: Bs2KeeperInput['options'] },
  ) {}

  async accessToken(o: { stale?: string } = {}): Promise<AccessToken> {
    const start = new WithStartWorkflowOperation(BS2_KEEPER_WORKFLOW_TYPE, {
      workflowId: bs2KeeperWorkflowId(this.opts.accountId),
      taskQueue: this.opts.taskQueue,
      args: [
        { accountId: this.opts.accountId, ...(this.opts.keeperOptions ? { options: this.opts.keeperOptions } : {}) },
      ],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    try {
      return await this.client.workflow.executeUpdateWithStart(getBs2AccessToken, {
        args: [o.stale ? { stale: o.stale } : {}],
        startWorkflowOperation: start,
      });
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
    if (
      left <= CachedTokenSource.REFRESH_AHEAD_MS &&
      !this.inflight &&
      this.now() - this.lastAheadAt >= CachedTokenSource.AHEAD_RETRY_MS
    ) {
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
    const giveUp = new Promise<undefined>(
      (resolve) => (timer = setTimeout(() => resolve(undefined), Math.max(0, left))),
    );
    try {
      return await Promise.race([pending, giveUp]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The keeper's status (no secrets); undefined when the account's keeper never started (no bank call yet).
 * Bs2KeeperUnresponsive after `timeoutMs` (a query needs a worker).
 */
export async function bs2KeeperStatusOf(
  client: Client,
  accountId: string,
  timeoutMs = 10_000,
): Promise<Bs2KeeperStatus | undefined> {
  try {
    return await within(client, timeoutMs, () =>
      client.workflow.getHandle(bs2KeeperWorkflowId(accountId)).query(bs2KeeperStatus),
    );
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) return undefined;
    throw e;
  }
}

/** The running keepers that are locked (visibility lists them, each answers a query), within `deadline` (epoch ms). */
export async function lockedBs2Keepers(client: Client, deadline: number): Promise<Bs2KeeperStatus[]> {
  return client.withDeadline(deadline, async () => {
    const ids: string[] = [];
    for await (const w of client.workflow.list({
      query: `WorkflowType = '${BS2_KEEPER_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`,
    }))
      ids.push(w.workflowId);
    const all = await Promise.all(ids.map((id) => client.workflow.getHandle(id).query(bs2KeeperStatus)));
    return all.filter((s) => s.locked !== undefined);
  });
}

/** The keeper did not answer in time (no worker polling?): the hand-over may still be applied later. */
export class Bs2KeeperUnresponsive extends Error {
  override name = 'Bs2KeeperUnresponsive';
}

/** There is no keeper for this account: nothing ever asked for its token (a wrong id?). */
export class Bs2KeeperNotFound extends Error {
  override name = 'Bs2KeeperNotFound';
}

export interface Bs2HandOverResult {
  /**
   * unlocked: BS2 issued tokens for the new refresh token; refused: BS2 refused it too (locked again, status.locked
   * says why); unverified: handed over, but BS2 could not be reached to prove it (the keeper goes on);
   * unchanged: a repeat of the last hand-over (a retried request), which the keeper ignored.
   */
  outcome: 'unlocked' | 'refused' | 'unverified' | 'unchanged';
  /** The keeper took the token (false: a repeat). */
  applied: boolean;
  /** The keeper handed out an access token afterwards. */
  verified: boolean;
  /** Whether the keeper was locked before. */
  wasLocked: boolean;
  status: Bs2KeeperStatus;
  /** unverified: why. */
  detail?: string;
}

/**
 * Hands the account's keeper a refresh token a human generated in BS2 Empresas, which clears a lock, then proves
 * it at once: one refresh through the keeper (the only party that may refresh). `by` goes into the keeper's state
 * for the audit trail; the token only into the Update's arguments, which the payload codec encrypts.
 * `startIfMissing`: start the keeper if the account has none yet (the API, for an account it knows); otherwise a
 * missing keeper is Bs2KeeperNotFound (the CLI, which cannot tell a new account from a typo).
 */
export async function handBs2RefreshToken(
  client: Client,
  o: {
    accountId: string;
    taskQueue: string;
    refreshToken: string;
    by: string;
    startIfMissing: boolean;
    timeoutMs?: number;
    verifyTimeoutMs?: number;
  },
): Promise<Bs2HandOverResult> {
  const workflowId = bs2KeeperWorkflowId(o.accountId);
  // The hash lets the keeper recognise a retried hand-over (it has rotated that token since: taking it again would lock).
  const tokenSha256 = createHash('sha256').update(o.refreshToken).digest('hex');
  const args: [{ refreshToken: string; by: string; tokenSha256: string }] = [
    { refreshToken: o.refreshToken, by: o.by, tokenSha256 },
  ];
  const before = await bs2KeeperStatusOf(client, o.accountId, o.timeoutMs);
  if (!before && !o.startIfMissing)
    throw new Bs2KeeperNotFound(`no BS2 token keeper for account ${o.accountId} (${workflowId}): check the account id`);
  const set: { applied: boolean } | undefined = await within(client, o.timeoutMs ?? 10_000, () =>
    before
      ? client.workflow.getHandle(workflowId).executeUpdate(setBs2RefreshToken, { args })
      : client.workflow.executeUpdateWithStart(setBs2RefreshToken, {
          args,
          startWorkflowOperation: new WithStartWorkflowOperation(BS2_KEEPER_WORKFLOW_TYPE, {
            workflowId,
            taskQueue: o.taskQueue,
            args: [{ accountId: o.accountId }],
            workflowIdConflictPolicy: 'USE_EXISTING',
          }),
        }),
  );
  let detail: string | undefined;
  try {
    await client.withDeadline(Date.now() + (o.verifyTimeoutMs ?? 20_000), () =>
      new KeeperTokenSource(client, { accountId: o.accountId, taskQueue: o.taskQueue }).accessToken(),
    );
  } catch (e) {
    // The status below tells a refusal (locked again) from the bank being unreachable.
    detail = isBankError(e) ? e.message : `no answer from BS2 in time (${(e as Error).message.split('\n')[0]})`;
  }
  const status = await within(client, o.timeoutMs ?? 10_000, () =>
    client.workflow.getHandle(workflowId).query(bs2KeeperStatus),
  );
  const applied = set?.applied ?? true; // a worker still on the previous release answers nothing: it applied it
  const verified = detail === undefined;
  const outcome = status.locked ? 'refused' : !applied ? 'unchanged' : verified ? 'unlocked' : 'unverified';
  return {
    outcome,
    applied,
    verified,
    wasLocked: before?.locked !== undefined,
    status,
    ...(detail !== undefined && !status.locked ? { detail } : {}),
  };
}

/** `fn` under the API's one rule for calls that need a worker (src/temporal/bounded.ts), said in the keeper's words. */
async function within<T>(client: Client, ms: number, fn: () => Promise<T>): Promise<T> {
  try {
    return await withinDeadline(client, ms, 'the BS2 token keeper', fn);
  } catch (e) {
    if (e instanceof WorkersUnavailable)
      throw new Bs2KeeperUnresponsive(`the BS2 token keeper did not answer in ${ms / 1000} s (is a worker running?)`);
    throw e;
  }
}

/**
 * How long a local activity (registration and its lost-response look-up) waits for a BS2 token. A local activity holds
 * its workflow task, and with it a workflow-task slot, while it runs; the token keeper answers in a workflow task of
 * its own. A new worker process (no token cached) given more registrations at once than it has slots filled every slot
 * with tasks waiting on the keeper, whose task then could not start: registrations stalled for minutes (found by the
 * chaos suite). Past this wait the local activity fails at once, without retries inside the task; the workflow tries
 * again after a timer (its slot free meanwhile), by which time the token, still being fetched, is cached.
 */
export const LOCAL_ACTIVITY_TOKEN_WAIT_MS = 2_000;

function boundedForLocalActivity(tokens: CachedTokenSource): Bs2TokenSource {
  return {
    async accessToken(o) {
      const t = await tokens.accessTokenWithin(LOCAL_ACTIVITY_TOKEN_WAIT_MS, o);
      if (t) return t;
      throw ApplicationFailure.create({
        type: 'BankUnavailable',
        message: `BS2 token: the token keeper has not answered in ${LOCAL_ACTIVITY_TOKEN_WAIT_MS} ms; nothing was sent to the bank`,
        nonRetryable: true,
        details: [{ fields: [], outcomeUnknown: false, retryAfterMs: 1_000 }],
      });
    },
  };
}

/**
 * The worker's token sources (one set per process): per account a cached source in front of the account's keeper
 * workflow, bounded for local activities; `uncached` asks the keeper every time.
 */
export function keeperTokenSources(): (accountId: string, ctx: ActivityTokenContext) => Bs2TokenSource {
  const cached = new Map<string, CachedTokenSource>();
  return (accountId, ctx) => {
    const keeper = () => new KeeperTokenSource(ctx.client, { accountId, taskQueue: ctx.taskQueue });
    if (ctx.uncached) return keeper();
    let tokens = cached.get(accountId);
    if (!tokens) cached.set(accountId, (tokens = new CachedTokenSource(keeper())));
    return ctx.isLocal ? boundedForLocalActivity(tokens) : tokens;
  };
}
