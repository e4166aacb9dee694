/**
 * Personal data at rest in the records store. The payer (name, document, address, e-mail, phone) and the printed
 * messages are encrypted with AES-256-GCM under a key derived (HKDF) from the payload codec's key ring, so the same
 * rotation applies: the first key encrypts, every key decrypts, and each value names the key it was written with.
 * The payer document is found through an HMAC under another derived key, one per ring key, so a search matches rows
 * written before and after a rotation. The boleto id is bound to each ciphertext (AAD): a value copied onto another
 * row does not decrypt.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { PayloadKey } from '../temporal/codec';

const derive = (key: Buffer, purpose: string): Buffer =>
  Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `boletoflow/records/${purpose}`, 32));

/** CPF/CNPJ as the bank sees it: no punctuation, letters upper-case (alphanumeric CNPJ). */
export const normaliseDocument = (doc: string): string => doc.replace(/[^0-9A-Za-z]/g, '').toUpperCase();

export class RecordProtector {
  private readonly keys: { id: string; enc: Buffer; mac: Buffer }[];
  private readonly byId: Map<string, { enc: Buffer; mac: Buffer }>;

  constructor(ring: PayloadKey[]) {
    if (!ring.length) throw new Error('the records store needs at least one key (the payload key ring)');
    this.keys = ring.map((k) => ({ id: k.id, enc: derive(k.key, 'pii-aes-gcm'), mac: derive(k.key, 'document-hmac') }));
    this.byId = new Map(this.keys.map((k) => [k.id, k]));
  }

  /** `v1.<key id>.<base64 iv ‖ ciphertext ‖ tag>` */
  seal(value: unknown, boundTo: string): string {
    const k = this.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', k.enc, iv);
    cipher.setAAD(Buffer.from(boundTo));
    const body = Buffer.concat([iv, cipher.update(JSON.stringify(value), 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `v1.${k.id}.${body.toString('base64')}`;
  }

  open<T>(sealed: string, boundTo: string): T {
    const [version, kid, b64] = sealed.split('.');
    const k = kid === undefined ? undefined : this.byId.get(kid);
    if (version !== 'v1' || !k || !b64)
      throw new Error(`record value sealed with an unknown key "${kid ?? ''}" (PAYLOAD_ENCRYPTION_KEYS)`);
    const body = Buffer.from(b64, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', k.enc, body.subarray(0, 12));
    decipher.setAAD(Buffer.from(boundTo));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return JSON.parse(
      Buffer.concat([decipher.update(body.subarray(12, body.length - 16)), decipher.final()]).toString('utf8'),
    ) as T;
  }

  /** The hash stored with a row: under the key that encrypts now. */
  documentHash(document: string): string {
    const k = this.keys[0]!;
    return `${k.id}:${createHmac('sha256', k.mac).update(normaliseDocument(document)).digest('hex')}`;
  }

  /** Every hash the document may have been stored under (one per key of the ring): what a search matches. */
  documentHashes(document: string): string[] {
    const d = normaliseDocument(document);
    return this.keys.map((k) => `${k.id}:${createHmac('sha256', k.mac).update(d).digest('hex')}`);
  }
}
