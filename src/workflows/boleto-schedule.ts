/**
 * When the lifecycle wakes up next, and why: pure planning over the state, the policy and the clock.
 * Polls are the safety net for webhooks that never come, timed to the bank's rhythm: around the due date,
 * then every few days while overdue, each settlement morning while paid. Times are São Paulo local
 * (src/domain/dates.ts).
 */
import {
  addDays,
  businessDayOnOrAfter,
  lastPayableDateWithoutCharges,
  nextBusinessDay,
  saoPauloDate,
  saoPauloInstant,
} from '../domain';
import type { BoletoPolicy } from '../contracts/boleto';
import type { LifecycleState } from './boleto-state';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

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
  const expireAt = saoPauloInstant(state.expiryDate, 0) + jitterMs;
  switch (v.status) {
    case 'REGISTERED': {
      // The morning after the last payable day: poll, then mark OVERDUE if still unpaid.
      candidates.push({ at: saoPauloInstant(overdueFrom(v.dueDate), 8) + jitterMs, reason: 'overdue-check' });
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
      while (saoPauloInstant(day, 8) + jitterMs <= now) day = addDays(day, every);
      candidates.push({ at: saoPauloInstant(day, 8) + jitterMs, reason: 'poll' });
      candidates.push({ at: expireAt, reason: 'expire' });
      break;
    }
    case 'PAID': {
      // Settlement runs in the early morning of the business days after payment: look each morning.
      const paidDay = v.payment ? saoPauloDate(Date.parse(v.payment.paidAt)) : saoPauloDate(now);
      let day = nextBusinessDay(paidDay);
      while (saoPauloInstant(day, policy.poll.settlementHour) + jitterMs <= now)
        day = businessDayOnOrAfter(addDays(day, 1));
      candidates.push({ at: saoPauloInstant(day, policy.poll.settlementHour) + jitterMs, reason: 'settlement-poll' });
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
