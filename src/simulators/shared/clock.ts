/**
 * The simulators' own clock: real time plus a settable offset, optionally frozen (tests), so that a test can
 * move a bank days ahead ("advance 3 days") without sleeping. Every rule of time in a simulator (token TTLs,
 * due dates, settlement mornings, D+60 expiry, webhook retries) reads this clock, never Date.now().
 *
 * Brazilian banks live in America/Sao_Paulo: local calendar dates follow the domain's one rule (src/domain/dates.ts).
 */
import {
  type IsoDate,
  SAO_PAULO_UTC_OFFSET,
  SAO_PAULO_UTC_OFFSET_MS,
  saoPauloDate,
  saoPauloInstant,
} from '../../domain';

export interface SimClockOptions {
  /** Start instant (ISO or epoch ms). Default: now. */
  start?: string | number;
  /** Frozen clocks move only when told to (tests); running clocks follow real time plus the offset. */
  frozen?: boolean;
}

export class SimClock {
  private offsetMs = 0;
  private frozenAt: number | undefined;

  constructor(opts: SimClockOptions = {}) {
    const start =
      opts.start === undefined ? Date.now() : typeof opts.start === 'number' ? opts.start : Date.parse(opts.start);
    if (Number.isNaN(start)) throw new Error(`bad clock start ${String(opts.start)}`);
    if (opts.frozen) this.frozenAt = start;
    else this.offsetMs = start - Date.now();
  }

  get frozen(): boolean {
    return this.frozenAt !== undefined;
  }

  now(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs;
  }

  /** Sets the current instant (never backwards unless `allowBackwards`: jobs are not undone). */
  set(at: number, allowBackwards = false): void {
    if (!allowBackwards && at < this.now()) throw new Error('the simulator clock does not go backwards');
    if (this.frozenAt !== undefined) this.frozenAt = at;
    else this.offsetMs = at - Date.now();
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error('advance by a non-negative amount');
    this.set(this.now() + ms);
  }

  /** Today's calendar date in Brazil (UTC−03:00). */
  today(): IsoDate {
    return brtDate(this.now());
  }

  snapshot(): { offsetMs: number; frozenAt?: number } {
    return { offsetMs: this.offsetMs, ...(this.frozenAt !== undefined ? { frozenAt: this.frozenAt } : {}) };
  }

  restore(s: { offsetMs: number; frozenAt?: number }): void {
    this.offsetMs = s.offsetMs;
    this.frozenAt = s.frozenAt;
  }
}

/** The Brazilian calendar date of an instant. */
export const brtDate = saoPauloDate;

/** The instant of `date` at `hour`:`minute` Brazil time. */
export const brtInstant = saoPauloInstant;

/** An instant as ISO-8601 with the −03:00 offset, as BS2 writes them ("2019-07-12T15:14:17.172-03:00"). */
export function brtIso(ms: number): string {
  return new Date(ms + SAO_PAULO_UTC_OFFSET_MS).toISOString().replace('Z', SAO_PAULO_UTC_OFFSET);
}

export const DAY_MS = 24 * 3600 * 1000;
