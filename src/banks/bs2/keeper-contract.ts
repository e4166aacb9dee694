/**
 * The BS2 token keeper's messages (src/banks/bs2/keeper-workflow.ts): its input, state and status, the update,
 * signal and query definitions and its workflow id. Pure, so the keeper, its client (./keeper-client.ts), the API
 * and tests import them without the workflow. Names are part of history: never rename them.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

export interface Bs2IssuedTokens {
  generation: number;
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
  /** Epoch ms when the bank answered. */
  issuedAt: number;
}

export interface Bs2KeeperState {
  /** Undefined until the first refresh: the activity then uses the account's onboarding refresh token. */
  refreshToken?: string;
  access?: { token: string; expiresAt: number };
  /** Incremented on every rotation; a refresh result applies only to the generation it was issued for. */
  generation: number;
  lastRefreshAt?: number;
  recentRefreshes: number[];
  refreshCount: number;
  /** Set when BS2 refused the refresh token; cleared by setBs2RefreshToken. */
  locked?: string;
  /** Epoch ms when it locked. */
  lockedAt?: number;
  /** Who last handed over a refresh token (e.g. `api-key:<keyId>`, `cli:<user>@<host>`, never the token) and when. */
  tokenSetBy?: string;
  tokenSetAt?: number;
  /** SHA-256 (hex) of the last refresh token handed over, when the caller sent it: a repeat is recognised. */
  handedSha256?: string;
}

export interface Bs2KeeperInput {
  accountId: string;
  state?: Bs2KeeperState;
  options?: {
    maxRefreshesPerMinute?: number;
    idleRefreshHours?: number;
    earlyRefreshSeconds?: number;
    continueAsNewAfter?: number;
  };
}

export interface Bs2KeeperStatus {
  accountId: string;
  hasAccessToken: boolean;
  accessExpiresAt?: string;
  generation: number;
  refreshCount: number;
  lastRefreshAt?: string;
  locked?: string;
  lockedAt?: string;
  refreshTokenSetBy?: string;
  refreshTokenSetAt?: string;
  refreshing: boolean;
}

export const getBs2AccessToken = defineUpdate<{ accessToken: string; expiresAt: string }, [{ stale?: string }]>(
  'getBs2AccessToken',
);
/**
 * `by` names who hands the token over, for the audit trail; `tokenSha256` lets the keeper recognise a repeat of the
 * last hand-over (both absent in onboarding's and older calls). `applied: false`: a repeat, nothing changed.
 */
export const setBs2RefreshToken = defineUpdate<
  { applied: boolean },
  [{ refreshToken: string; by?: string; tokenSha256?: string }]
>('setBs2RefreshToken');
export const bs2TokensIssued = defineSignal<[Bs2IssuedTokens]>('bs2TokensIssued');
export const bs2KeeperStatus = defineQuery<Bs2KeeperStatus>('bs2KeeperStatus');

export const bs2KeeperWorkflowId = (accountId: string): string => `bs2-token-keeper:${accountId}`;
export const BS2_KEEPER_WORKFLOW_TYPE = 'bs2TokenKeeper';
