/**
 * API key format and hashing. A key is `bfk_<keyId>_<secret>`: the key id (12 base32 chars) finds the record,
 * the secret (32 random bytes, base64url) proves possession. Only SHA-256(secret) is stored: the secret has
 * 256 bits of entropy, so a slow password hash would add nothing but latency.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const KEY_PATTERN = /^bfk_([a-z2-7]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewApiKey {
  keyId: string;
  /** Shown once to whoever created it; never stored or logged. */
  token: string;
  secretHash: string;
}

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export function generateApiKey(): NewApiKey {
  const keyId = Array.from(randomBytes(12), (b) => BASE32[b % 32]).join('');
  const secret = randomBytes(32).toString('base64url');
  return { keyId, token: `bfk_${keyId}_${secret}`, secretHash: hashSecret(secret) };
}

export function parseApiKey(token: string): { keyId: string; secret: string } | undefined {
  const m = KEY_PATTERN.exec(token);
  return m ? { keyId: m[1]!, secret: m[2]! } : undefined;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
