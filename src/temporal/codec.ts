/**
 * AES-256-GCM payload codec: every payload the client or worker sends to Temporal (workflow inputs and
 * results, activity arguments and results, signals, updates, queries, memos) is encrypted before it leaves
 * the process, so secrets (bank client secrets, refresh tokens, certificates) are never readable in history.
 *
 * Wire format of an encrypted payload: metadata { encoding: "binary/encrypted", "encryption-key-id": <kid> },
 * data = 12-byte IV ‖ ciphertext ‖ 16-byte GCM tag, where the plaintext is the original Payload protobuf.
 * Keys rotate by adding a new key first in the list: new payloads use it, old ones still decrypt with theirs.
 * Search attributes are NOT encoded by codecs: never put secrets or personal data in them.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const ProtoPayload = temporal.api.common.v1.Payload;
const utf8 = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : undefined);

export interface PayloadKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly active: PayloadKey;

  /** `keys[0]` encrypts; every key decrypts. */
  constructor(keys: PayloadKey[]) {
    if (keys.length === 0) throw new Error('at least one payload encryption key is required');
    for (const k of keys)
      if (k.key.length !== 32) throw new Error(`payload key ${k.id} must be 32 bytes, got ${k.key.length}`);
    this.active = keys[0]!;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  // async so that failures reject the promise rather than throw synchronously.
  // eslint-disable-next-line @typescript-eslint/require-await
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.active.key, iv);
      const plaintext = ProtoPayload.encode(p).finish();
      const data = Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(this.active.id) },
        data,
      };
    });
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      if (text(p.metadata?.encoding) !== ENCRYPTED_ENCODING) return p;
      const kid = text(p.metadata?.[KEY_ID_METADATA]) ?? '';
      const key = this.byId.get(kid);
      if (!key)
        throw new PayloadDecryptionError(`no payload key with id "${kid}" is configured (PAYLOAD_ENCRYPTION_KEYS)`);
      const data = Buffer.from(p.data ?? new Uint8Array());
      if (data.length < 28) throw new PayloadDecryptionError('encrypted payload is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(data.length - 16));
      let plaintext: Buffer;
      try {
        plaintext = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
      } catch {
        throw new PayloadDecryptionError(
          `payload failed authentication with key "${kid}" (tampered, or the wrong key)`,
        );
      }
      return ProtoPayload.decode(plaintext);
    });
  }
}

/** Parses `kid:base64,kid2:base64` (first encrypts). */
export function parsePayloadKeys(spec: string): PayloadKey[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const i = entry.indexOf(':');
      const id = i > 0 ? entry.slice(0, i) : '';
      if (!/^[A-Za-z0-9._-]{1,64}$/.test(id))
        throw new Error('each key must be "<id>:<base64 of 32 bytes>" with an id of letters, digits, . _ -');
      const key = Buffer.from(entry.slice(i + 1), 'base64');
      if (key.length !== 32)
        throw new Error(
          `key "${id}" must decode to 32 bytes (got ${key.length}); make one with: openssl rand -base64 32`,
        );
      return { id, key };
    });
}

export const newPayloadKey = (id: string): PayloadKey => ({ id, key: randomBytes(32) });
export const formatPayloadKeys = (keys: PayloadKey[]): string =>
  keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
