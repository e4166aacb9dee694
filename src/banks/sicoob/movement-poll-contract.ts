/**
 * The Sicoob movement poll's messages (./movement-poll-workflow.ts): its workflow type and id, input, the options
 * signal and the state query. Pure, so the workflow, its activities and the API import them without the workflow.
 * Names are part of history: never rename them.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** The tipos the poll asks for [C S1 `Movimentacao.tipoMovimento`: 5 Liquidação, 6 Baixa]. */
export const SICOOB_MOVEMENT_TIPOS = { LIQUI: 5, BAIX: 6 } as const;

export const SICOOB_MOVEMENT_POLL_WORKFLOW_TYPE = 'sicoobMovementPoll';

export const sicoobMovementPollWorkflowId = (accountId: string): string => `sicoob-movements-${accountId}`;

export interface SicoobMovementPollOptions {
  /** Seconds between rounds; 0 = off (the workflow ends). */
  intervalSeconds: number;
  /** A window's `dataFinal − dataInicial`, in days (Sicoob: "período máximo de 2 dias"). */
  maxSpanDays: number;
  /** How long a round waits for one request's files before it gives the window up (retried next round). */
  waitSeconds: number;
  /** On the first start: how many days before today the scan begins. */
  lookbackDays: number;
  /** Rounds per run before continue-as-new (history stays bounded). */
  roundsPerRun?: number;
}

export interface SicoobMovementPollState {
  /** The first São Paulo day not yet known complete: each round scans from it to today. */
  cursor: string;
  /** Rounds since the poll first started. */
  rounds: number;
  /** The last round's end (RFC 3339); the window the current or last round gave up on, if any. */
  lastRoundAt?: string;
  lastGaveUp?: { from: string; to: string; tipo: number; why: string };
}

export interface SicoobMovementPollInput {
  accountId: string;
  options: SicoobMovementPollOptions;
  /** Carried by continue-as-new. */
  state?: SicoobMovementPollState;
}

/** New options (the API at start, `sicoobEnsureMovementPoll`): applied from the next round; also wakes the poll. */
export const sicoobMovementPollOptions = defineSignal<[SicoobMovementPollOptions]>('sicoobMovementPollOptions');

export const sicoobMovementPollStateQuery = defineQuery<SicoobMovementPollState>('sicoobMovementPollState');

/** What the settings say (./settings.ts: SICOOB_MOVEMENT_*). */
export interface SicoobMovementSettings {
  SICOOB_MOVEMENT_POLL_MINUTES: number;
  SICOOB_MOVEMENT_MAX_DAYS: number;
  SICOOB_MOVEMENT_WAIT_MINUTES: number;
  SICOOB_MOVEMENT_LOOKBACK_DAYS: number;
}

export const sicoobMovementPollOptionsFrom = (s: SicoobMovementSettings): SicoobMovementPollOptions => ({
  intervalSeconds: s.SICOOB_MOVEMENT_POLL_MINUTES * 60,
  maxSpanDays: s.SICOOB_MOVEMENT_MAX_DAYS,
  waitSeconds: s.SICOOB_MOVEMENT_WAIT_MINUTES * 60,
  lookbackDays: s.SICOOB_MOVEMENT_LOOKBACK_DAYS,
});
