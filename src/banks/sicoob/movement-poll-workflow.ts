/**
 * sicoobMovementPoll: one per Sicoob account (workflow id `sicoob-movements-<accountId>`), the reconciliation poll
 * over Sicoob's movement files (docs/banks/sicoob.md "The movement poll"). With webhooks off (or lost), it is what
 * brings a boleto to PAID, SETTLED or CANCELLED.
 *
 * - State: a cursor, the first São Paulo day not yet known complete. Each round scans from the cursor to today in
 *   windows of at most `maxSpanDays` (`dataFinal − dataInicial`; Sicoob: "período máximo de 2 dias"), oldest first:
 *   after downtime, several windows (catch-up). Per window and tipo (5 LIQUI, 6 BAIX): request, wait on the status
 *   with durable timers (backoff, given up after `waitSeconds`: the window is scanned again next round), then each
 *   file is delivered by an activity that signals each boleto's workflow (verified facts, deduped by eventId there).
 * - The cursor passes a window once both tipos were delivered, but never beyond yesterday: today and yesterday are
 *   scanned every round (records posted late for a day are still found; rescans cost nothing: same eventIds).
 * - A bank or activity failure ends the round (logged), never the poll. Continue-as-new after `roundsPerRun` rounds
 *   or when suggested. `intervalSeconds` 0 ends it (off). New options arrive by signal and apply from the next round.
 * - An account no longer known (onboarding cancelled, out of the environment: the activities' AccountGone) ends it.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import { Failure } from '../../contracts/failures';
import { addDays, saoPauloDate } from '../../domain';
import type { createSicoobMovementActivities } from './movement-activities';
import {
  SICOOB_MOVEMENT_TIPOS,
  type SicoobMovementPollInput,
  type SicoobMovementPollOptions,
  type SicoobMovementPollState,
  sicoobMovementPollOptions,
  sicoobMovementPollStateQuery,
} from './movement-poll-contract';

const acts = proxyActivities<ReturnType<typeof createSicoobMovementActivities>>({
  startToCloseTimeout: '2m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 4 },
});

const FIRST_WAIT_MS = 5_000;
const MAX_WAIT_MS = 5 * 60_000;

const minDate = (a: string, b: string) => (a < b ? a : b);
const maxDate = (a: string, b: string) => (a > b ? a : b);
/** The account is not known any more (onboarding cancelled, out of the environment): the poll ends itself. */
class AccountGone extends Error {}
const accountGone = (e: unknown): boolean =>
  e instanceof ActivityFailure && e.cause instanceof ApplicationFailure && e.cause.type === Failure.AccountGone;

const why = (e: unknown): string =>
  (e as { cause?: { message?: string } }).cause?.message ?? (e as { message?: string }).message ?? 'unknown error';

export async function sicoobMovementPoll(input: SicoobMovementPollInput): Promise<void> {
  const { accountId } = input;
  let options: SicoobMovementPollOptions = input.options;
  let woken = false;
  const state: SicoobMovementPollState = input.state ?? {
    cursor: addDays(saoPauloDate(Date.now()), -options.lookbackDays),
    rounds: 0,
  };
  setHandler(sicoobMovementPollOptions, (o) => {
    options = o;
    woken = true;
  });
  setHandler(sicoobMovementPollStateQuery, () => state);

  /** One tipo over one window: true when every file was delivered. */
  const scan = async (tipoMovimento: number, dataInicial: string, dataFinal: string): Promise<boolean> => {
    const window = { from: dataInicial, to: dataFinal, tipo: tipoMovimento };
    try {
      const codigoSolicitacao = await acts.sicoobRequestMovements({
        accountId,
        tipoMovimento,
        dataInicial,
        dataFinal,
      });
      const deadline = Date.now() + options.waitSeconds * 1000;
      let wait = FIRST_WAIT_MS;
      for (;;) {
        const status = await acts.sicoobMovementStatus({ accountId, codigoSolicitacao });
        if (status.ready) {
          for (const idArquivo of status.idArquivos) {
            const r = await acts.sicoobDeliverMovementFile({ accountId, codigoSolicitacao, idArquivo });
            log.info('movement file delivered', { accountId, ...window, idArquivo, ...r });
          }
          return true;
        }
        if (Date.now() + wait > deadline) {
          state.lastGaveUp = { ...window, why: `files not ready after ${options.waitSeconds} s` };
          log.warn('movement request not ready in time: the window is scanned again next round', {
            accountId,
            ...window,
          });
          return false;
        }
        await sleep(wait);
        wait = Math.min(wait * 2, MAX_WAIT_MS);
      }
    } catch (e) {
      if (accountGone(e)) throw new AccountGone(why(e));
      state.lastGaveUp = { ...window, why: why(e) };
      log.warn('movement scan failed: the window is scanned again next round', { accountId, ...window, why: why(e) });
      return false;
    }
  };

  const round = async (): Promise<void> => {
    const today = saoPauloDate(Date.now());
    const yesterday = addDays(today, -1);
    delete state.lastGaveUp;
    for (let from = state.cursor; from <= today;) {
      const to = minDate(addDays(from, Math.max(0, options.maxSpanDays)), today);
      for (const tipo of [SICOOB_MOVEMENT_TIPOS.LIQUI, SICOOB_MOVEMENT_TIPOS.BAIX]) {
        if (!(await scan(tipo, from, to))) return;
      }
      state.cursor = maxDate(state.cursor, minDate(addDays(to, 1), yesterday));
      from = addDays(to, 1);
    }
  };

  for (let runRounds = 0; ;) {
    if (options.intervalSeconds <= 0) {
      log.info('movement poll off', { accountId });
      return;
    }
    woken = false;
    try {
      await round();
    } catch (e) {
      if (!(e instanceof AccountGone)) throw e;
      log.info('movement poll ended: the account is gone', { accountId, why: e.message });
      return;
    }
    state.rounds++;
    runRounds++;
    state.lastRoundAt = new Date().toISOString();
    if (runRounds >= (options.roundsPerRun ?? 100) || workflowInfo().continueAsNewSuggested)
      await continueAsNew<typeof sicoobMovementPoll>({ accountId, options, state });
    await condition(() => woken, options.intervalSeconds * 1000);
  }
}
