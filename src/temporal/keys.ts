/**
 * The payload encryption keys in force, and the data converter built from them (used identically by the
 * API's client and the worker, or history written by one could not be read by the other).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { type Config, isEmbedded } from '../config';
import { AesGcmPayloadCodec, formatPayloadKeys, newPayloadKey, parsePayloadKeys, type PayloadKey } from './codec';

export const payloadKeyFile = (dataDir: string): string => join(resolve(dataDir), 'payload-keys');

/**
 * PAYLOAD_ENCRYPTION_KEYS when set. Embedded default: a key generated once into DATA_DIR/payload-keys (mode 0600),
 * shared by every process of this installation; losing that file makes existing history unreadable.
 */
export function loadPayloadKeys(config: Config): PayloadKey[] {
  if (config.PAYLOAD_ENCRYPTION_KEYS) return parsePayloadKeys(config.PAYLOAD_ENCRYPTION_KEYS);
  if (!isEmbedded(config)) throw new Error('PAYLOAD_ENCRYPTION_KEYS is required with an external Temporal cluster');
  const file = payloadKeyFile(config.DATA_DIR);
  mkdirSync(resolve(config.DATA_DIR), { recursive: true });
  try {
    writeFileSync(file, formatPayloadKeys([newPayloadKey('local-1')]) + '\n', { flag: 'wx', mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return parsePayloadKeys(readFileSync(file, 'utf8').trim());
}

export function encryptingDataConverter(keys: PayloadKey[]): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(keys)] };
}
