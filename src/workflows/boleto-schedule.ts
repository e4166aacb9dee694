/**
 * When the lifecycle wakes up next, and why: pure planning over the state, the policy and the clock.
 * Polls are the safety net for webhooks that never come, timed to the bank's rhythm: around the due date,
 * then every few days while overdue, each settlement morning while paid. Times are São Paulo local
 * (UTC−03:00 all year since Brazil dropped daylight saving in 2019).
 */
import { addDays, businessDayOnOrAfter, lastPayableDateWithoutCharges, nextBusinessDay } from '../domain';
import type { BoletoPolicy } from '../contracts/boleto';
import type { LifecycleState } from './boleto-state';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BRT_OFFSET_HOURS = 3;

/** The instant of `hour`:00 São Paulo time on `date`. */
export function brtInstant(date: string, hour: number): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d, hour + BRT_OFFSET_HOURS);
}

/** The São Paulo calendar date of an instant. */
export const brtDate = (ms: number): string => new Date(ms - BRT_OFFSET_HOURS * HOUR).toISOString().slice(0, 10);

export type WakeReason = 'poll' | 'overdue-check' | 'settlement-poll' | 'expire' | 'confirm-cancel';

export interface Wake {
  at: number;
  reason: WakeReason;
}

/** The first day the boleto is overdue: after the last payable day (a due date on a holiday moves). */
export const overdueFrom = (dueDate: string): string => addDays(lastPayableDateWithoutCharges(dueDate), 1);

export function nextWake(state: LifecycleState, policy: BoletoPolicy, now: number, jitterMs: number): Wake | undefined {
  const v = state.view;
  const candidates: Wake[] = [];
  const expireAt = brtInstant(state.expiryDate, 0) + jitterMs;
  switch (v.status) {
    case 'REGISTERED': {
      // The morning after the last payable day: poll, then mark OVERDUE if still unpaid.
      candidates.push({ at: brtInstant(overdueFrom(v.dueDate), 8) + jitterMs, reason: 'overdue-check' });
      if (policy.poll.openEveryDays > 0) {
        const created = Date.parse(v.createdAt);
        const periods = Math.floor((now - created) / (policy.poll.openEveryDays * DAY)) + 1;
        candidates.push({ at: created + periods * policy.poll.openEveryDays * DAY + jitterMs, reason: 'poll' });
      }
      candidates.push({ at: expireAt, reason: 'expire' });
      break;
    }
    case 'OVERDUE': {
      const every = Math.max(1, policy.poll.overdueEveryDays);
      let day = overdueFrom(v.dueDate);
      while (brtInstant(day, 8) + jitterMs <= now) day = addDays(day, every);
      candidates.push({ at: brtInstant(day, 8) + jitterMs, reason: 'poll' });
      candidates.push({ at: expireAt, reason: 'expire' });
      break;
    }
    case 'PAID': {
      // Settlement runs in the early morning of the business days after payment: look each morning.
      const paidDay = v.payment ? brtDate(Date.parse(v.payment.paidAt)) : brtDate(now);
      let day = nextBusinessDay(paidDay);
      while (brtInstant(day, policy.poll.settlementHour) + jitterMs <= now) day = businessDayOnOrAfter(addDays(day, 1));
      candidates.push({ at: brtInstant(day, policy.poll.settlementHour) + jitterMs, reason: 'settlement-poll' });
      break;
    }
    case 'CANCELLING':
      candidates.push({ at: now + HOUR, reason: 'confirm-cancel' });
      break;
    default:
      return undefined;
  }
  return candidates.reduce((a, b) => (b.at < a.at ? b : a));
}
