/**
 * Bank times → our one timestamp format, RFC 3339 in UTC (`2026-03-06T13:00:00.000Z`). Banks send instants with an
 * offset (`-03:00`, `Z`), São Paulo local date-times without one (BS2, Itaú: `2026-03-06T10:00:00`), or only a date
 * (Itaú's `data_inclusao_pagamento`). Each bank's mapping converts what it reads here, so nothing past the adapter
 * sees a bank's format; the bank's own text travels on as `bankTime` where it is worth keeping.
 */

import { SAO_PAULO_UTC_OFFSET } from '../domain';

const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The instant a bank's time stands for, as RFC 3339 UTC; undefined when it is not a time (the caller then uses the
 * time it saw the fact). A local time or a bare date is São Paulo's (a date: its midnight).
 */
export function bankInstant(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  let iso: string | undefined;
  if (WITH_OFFSET.test(v)) iso = v.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  else if (LOCAL.test(v)) iso = v.replace(' ', 'T') + SAO_PAULO_UTC_OFFSET;
  else if (DATE_ONLY.test(v)) iso = `${v}T00:00:00${SAO_PAULO_UTC_OFFSET}`;
  if (!iso) return undefined;
  // Fractions beyond milliseconds are dropped: Date keeps milliseconds.
  const ms = Date.parse(iso.replace(/(\.\d{3})\d+/, '$1'));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** The bank's time as our instant, and the bank's text when it differs (for event details); `fallback` when none. */
export function bankTime(value: unknown, fallback: string): { at: string; bankTime?: string } {
  const at = bankInstant(value);
  if (at === undefined) return { at: fallback };
  return at === value ? { at } : { at, bankTime: String(value) };
}
