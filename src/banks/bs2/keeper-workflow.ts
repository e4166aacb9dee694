/**
 * bs2TokenKeeper: one per BS2 account (workflow id `bs2-token-keeper:<accountId>`), the only party that ever
 * refreshes that account's tokens. BS2 rotates the refresh token on every use and invalidates the previous one
 * at once, so a second concurrent refresh, or a refresh whose result is forgotten, locks the account out until a
 * human generates a new token in BS2 Empresas.
 *
 * - Adapters ask for an access token with the `getBs2AccessToken` Update (validated; update-with-start), passing
 *   the token the bank just refused as `stale`. Handlers share one in-flight refresh: N concurrent callers, on any
 *   number of workers, cause exactly one refresh.
 * - The refresh is an activity. The new tokens become workflow state (recorded in history, encrypted by the
 *   payload codec) BEFORE any caller receives the access token. The activity also signals them to this workflow
 *   as soon as the bank answers, before returning: if the worker dies after the bank rotated the token but before
 *   the activity completion is recorded, the signal already holds the new refresh token and the hung attempt is
 *   cancelled instead of retried with the dead token.
 * - At most `maxRefreshesPerMinute` refreshes a minute (BS2 allows 10); proactive refresh when idle so the 48 h
 *   refresh token never lapses; continue-as-new when suggested, carrying the state.
 * - If BS2 refuses the refresh token (invalid_grant) the keeper says so (query, and the worker's
 *   `boletoflow_bs2_keeper_locked` gauge) and rejects token requests until `setBs2RefreshToken` provides a new one:
 *   onboarding, or an operator (PUT /v1/bank-tokens/bs2/:accountId, `npm run bs2 -- set-refresh-token`; both in
 *   ./keeper-client.ts). Who handed the token over, and when, is kept in state and shown by the query.
 * Secrets never go into search attributes, queries, metrics or failure messages.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  metricMeter,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { createBs2TokenActivities } from './token-activities';
import {
  type Bs2IssuedTokens,
  bs2KeeperStatus,
  type Bs2KeeperInput,
  type Bs2KeeperState,
  bs2TokensIssued,
  getBs2AccessToken,
  setBs2RefreshToken,
} from './keeper-contract';

const { bs2RefreshToken } = proxyActivities<ReturnType<typeof createBs2TokenActivities>>({
  startToCloseTimeout: '30s',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '30s',
    maximumAttempts: 5,
    nonRetryableErrorTypes: ['Bs2CredentialsRejected'],
  },
});

export async function bs2TokenKeeper(input: Bs2KeeperInput): Promise<void> {
  const opts = {
    maxRefreshesPerMinute: 10,
    idleRefreshHours: 20,
    earlyRefreshSeconds: 30,
    continueAsNewAfter: 500,
    ...input.options,
  };
  const state: Bs2KeeperState = input.state ?? { generation: 0, recentRefreshes: [], refreshCount: 0 };
  let refreshing: Promise<void> | undefined;
  let refreshesThisRun = 0;
  // Metrics are not history: the SDK emits them only when not replaying, so they change nothing on replay.
  const lockedGauge = metricMeter.createGauge(
    'boletoflow_bs2_keeper_locked',
    'int',
    'accounts',
    "1 while BS2 refuses the account's refresh token (a new one is needed), 0 once unlocked",
  );
  const locks = metricMeter.createCounter(
    'boletoflow_bs2_keeper_locks',
    'locks',
    "times BS2 refused an account's refresh token",
  );
  const showLock = () => lockedGauge.set(state.locked ? 1 : 0, { account_id: input.accountId });

  const apply = (t: Bs2IssuedTokens): void => {
    if (t.generation !== state.generation) return; // late duplicate of an already applied rotation
    state.refreshToken = t.refreshToken;
    state.access = { token: t.accessToken, expiresAt: t.issuedAt + t.expiresInSeconds * 1000 };
    state.generation++;
    state.lastRefreshAt = Date.now();
    state.refreshCount++;
    refreshesThisRun++;
  };

  const refresh = async (): Promise<void> => {
    const now = Date.now();
    state.recentRefreshes = state.recentRefreshes.filter((t) => now - t < 60_000);
    if (state.recentRefreshes.length >= opts.maxRefreshesPerMinute) {
      await sleep((state.recentRefreshes[0] ?? now) + 60_000 - now);
    }
    state.recentRefreshes.push(Date.now());
    const generation = state.generation;
    const scope = new CancellationScope();
    const call = scope.run(() =>
      bs2RefreshToken({
        accountId: input.accountId,
        generation,
        keeperWorkflowId: workflowInfo().workflowId,
        ...(state.refreshToken ? { refreshToken: state.refreshToken } : {}),
      }),
    );
    let failure: unknown;
    const done = call.then(apply, (e: unknown) => {
      failure = e;
    });
    // Whichever comes first: the activity's result, or its signal (the worker may die before completing).
    await Promise.race([done, condition(() => state.generation !== generation)]);
    if (state.generation !== generation) {
      scope.cancel();
      return;
    }
    const f = failure as { cause?: { type?: string; message?: string } } | undefined;
    if (f?.cause?.type === 'Bs2CredentialsRejected') {
      state.locked = f.cause.message ?? 'BS2 refused the refresh token';
      state.lockedAt = Date.now();
      locks.add(1, { account_id: input.accountId });
      showLock();
    }
    throw failure instanceof Error ? failure : new Error('refresh failed');
  };

  const refreshOnce = (): Promise<void> => {
    refreshing ??= refresh().finally(() => (refreshing = undefined));
    return refreshing;
  };

  const lockedFailure = () =>
    ApplicationFailure.create({
      type: 'BankAuthError',
      message: `BS2 account ${input.accountId}: ${state.locked ?? 'locked'}; an operator hands the keeper the new one (PUT /v1/bank-tokens/bs2/${input.accountId} or npm run bs2 -- set-refresh-token ${input.accountId})`,
    });

  setHandler(bs2TokensIssued, apply);

  setHandler(
    getBs2AccessToken,
    async ({ stale }) => {
      for (;;) {
        if (state.locked) throw lockedFailure();
        const a = state.access;
        if (a && a.token !== stale && a.expiresAt - Date.now() > opts.earlyRefreshSeconds * 1000) {
          return { accessToken: a.token, expiresAt: new Date(a.expiresAt).toISOString() };
        }
        try {
          await refreshOnce();
        } catch (e) {
          if (state.locked) throw lockedFailure();
          const cause = (e as { cause?: { type?: string; message?: string } }).cause;
          throw ApplicationFailure.create({
            type: cause?.type ?? 'BankUnavailable',
            message: `BS2 token refresh failed: ${cause?.message ?? 'unknown'}`,
          });
        }
      }
    },
    {
      validator: (arg: { stale?: unknown }) => {
        if (arg === null || typeof arg !== 'object') throw new Error('argument must be an object');
        if (arg.stale !== undefined && typeof arg.stale !== 'string') throw new Error('stale must be a string');
        if (state.locked) {
          // A worker that restarted has no gauge until the keeper runs code outside replay: every refused request re-asserts it.
          showLock();
          throw new Error(`BS2 account ${input.accountId} is locked: ${state.locked}`);
        }
      },
    },
  );

  setHandler(
    setBs2RefreshToken,
    async ({ refreshToken, by, tokenSha256 }) => {
      await condition(() => refreshing === undefined);
      // A retried hand-over while unlocked: the keeper has (or will) use that token, and BS2 rotates it on use, so
      // taking it again would hand BS2 a dead token and lock the account.
      if (tokenSha256 !== undefined && tokenSha256 === state.handedSha256 && !state.locked) return { applied: false };
      state.refreshToken = refreshToken;
      state.access = undefined;
      state.generation++;
      state.locked = undefined;
      state.lockedAt = undefined;
      state.tokenSetBy = by;
      state.tokenSetAt = Date.now();
      state.handedSha256 = tokenSha256;
      showLock();
      return { applied: true };
    },
    {
      validator: (arg: { refreshToken?: unknown; by?: unknown; tokenSha256?: unknown }) => {
        if (typeof arg?.refreshToken !== 'string' || arg.refreshToken.trim() === '')
          throw new Error('refreshToken must be a non-empty string');
        if (arg.by !== undefined && (typeof arg.by !== 'string' || arg.by.length > 200))
          throw new Error('by must be a string of at most 200 characters');
        if (
          arg.tokenSha256 !== undefined &&
          (typeof arg.tokenSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(arg.tokenSha256))
        )
          throw new Error('tokenSha256 must be 64 hex digits');
      },
    },
  );

  setHandler(bs2KeeperStatus, () => ({
    accountId: input.accountId,
    hasAccessToken: state.access !== undefined && state.access.expiresAt > Date.now(),
    ...(state.access ? { accessExpiresAt: new Date(state.access.expiresAt).toISOString() } : {}),
    generation: state.generation,
    refreshCount: state.refreshCount,
    ...(state.lastRefreshAt ? { lastRefreshAt: new Date(state.lastRefreshAt).toISOString() } : {}),
    ...(state.locked ? { locked: state.locked } : {}),
    ...(state.lockedAt ? { lockedAt: new Date(state.lockedAt).toISOString() } : {}),
    ...(state.tokenSetBy ? { refreshTokenSetBy: state.tokenSetBy } : {}),
    ...(state.tokenSetAt ? { refreshTokenSetAt: new Date(state.tokenSetAt).toISOString() } : {}),
    refreshing: refreshing !== undefined,
  }));

  if (state.locked) showLock(); // carried over by continue-as-new
  const idleMs = opts.idleRefreshHours * 3600_000;
  for (;;) {
    const wantsNewRun = () => workflowInfo().continueAsNewSuggested || refreshesThisRun >= opts.continueAsNewAfter;
    const woke = await condition(
      wantsNewRun,
      Math.max(60_000, (state.lastRefreshAt ?? Date.now()) + idleMs - Date.now()),
    );
    if (woke) break;
    // Idle: refresh so the (48 h) refresh token never lapses unused.
    if (!state.locked && state.refreshToken !== undefined && Date.now() - (state.lastRefreshAt ?? 0) >= idleMs) {
      await refreshOnce().catch(() => undefined);
    }
  }
  await condition(() => refreshing === undefined && allHandlersFinished());
  await continueAsNew<typeof bs2TokenKeeper>({ ...input, state });
}
