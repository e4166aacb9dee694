/**
 * Business keys that make retries harmless. From (tenant, account, Idempotency-Key) we derive, before anything
 * is sent anywhere:
 *   seuNumero  10 characters [A-Z2-7], our number at the bank (BS2 dedupes on it; printed on the boleto)
 *   boletoId   `bol-<accountId>-<seuNumero>` = the workflow id, so a bank webhook naming the seuNumero finds
 *              its workflow without a search
 * and a fingerprint of the request body, to refuse the same key with a different body.
 */
import { createHash } from 'node:crypto';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Buffer, length: number): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= length) break;
  }
  return out;
}

export function deriveSeuNumero(tenantId: string, accountId: string, idempotencyKey: string): string {
  return base32(createHash('sha256').update(`${tenantId}\n${accountId}\n${idempotencyKey}`).digest(), 10);
}

export const boletoIdFor = (accountId: string, seuNumero: string): string => `bol-${accountId}-${seuNumero}`;

const BOLETO_ID = /^bol-([A-Za-z0-9._-]{1,64})-([A-Z2-7]{10})$/;

export function parseBoletoId(id: string): { accountId: string; seuNumero: string } | undefined {
  const m = BOLETO_ID.exec(id);
  return m ? { accountId: m[1]!, seuNumero: m[2]! } : undefined;
}

/** Canonical JSON (sorted keys) hashed: key order and whitespace do not make two requests different. */
export function requestFingerprint(body: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('hex');
}
