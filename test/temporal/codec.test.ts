import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, newPayloadKey, parsePayloadKeys } from '../../src/temporal/codec';
import { holdSecret, secretSignal } from '../fixtures/workflows/echo';
import { codecClient, createDevEnv, testDataConverter, uniqueId } from '../helpers/temporal';

const payload = (v: unknown) => defaultPayloadConverter.toPayload(v);
const value = (p: unknown) =>
  defaultPayloadConverter.fromPayload(p as Parameters<typeof defaultPayloadConverter.fromPayload>[0]);

describe('AES-256-GCM payload codec', () => {
  it('round trip › encode then decode › the original payload, and the ciphertext does not contain the plaintext', async () => {
    const codec = new AesGcmPayloadCodec([newPayloadKey('k1')]);
    const [enc] = await codec.encode([payload({ client_secret: 'abc-123-secret' })]);
    expect(new TextDecoder().decode(enc!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(Buffer.from(enc!.data!).includes('abc-123-secret')).toBe(false);
    const [dec] = await codec.decode([enc!]);
    expect(value(dec)).toEqual({ client_secret: 'abc-123-secret' });
  });

  it('rotation › new key first, old key kept › old payloads still decrypt, new ones use the new key id', async () => {
    const old = newPayloadKey('2026-01');
    const [before] = await new AesGcmPayloadCodec([old]).encode([payload('x')]);
    const rotated = new AesGcmPayloadCodec([newPayloadKey('2026-11'), old]);
    expect(value((await rotated.decode([before!]))[0])).toBe('x');
    const [after] = await rotated.encode([payload('y')]);
    expect(new TextDecoder().decode(after!.metadata!['encryption-key-id'])).toBe('2026-11');
  });

  it('tampering › one ciphertext byte flipped › decode fails with a clear error', async () => {
    const codec = new AesGcmPayloadCodec([newPayloadKey('k1')]);
    const [enc] = await codec.encode([payload('secret')]);
    const data = Buffer.from(enc!.data!);
    data[20] = data[20]! ^ 0xff;
    await expect(codec.decode([{ ...enc!, data }])).rejects.toThrow(/failed authentication with key "k1"/);
  });

  it('unknown key › payload from a key no longer configured › says which key id is missing', async () => {
    const [enc] = await new AesGcmPayloadCodec([newPayloadKey('gone')]).encode([payload('s')]);
    await expect(new AesGcmPayloadCodec([newPayloadKey('k2')]).decode([enc!])).rejects.toThrow(
      /no payload key with id "gone"/,
    );
  });

  it('unencrypted payload › from before encryption was enabled › passes through', async () => {
    const codec = new AesGcmPayloadCodec([newPayloadKey('k1')]);
    expect(value((await codec.decode([payload('plain')]))[0])).toBe('plain');
  });

  it('key spec › malformed › explains the expected format', () => {
    expect(() => parsePayloadKeys('k1:c2hvcnQ=')).toThrow(/must decode to 32 bytes/);
    expect(() => parsePayloadKeys('nocolon')).toThrow(/"<id>:<base64 of 32 bytes>"/);
    expect(parsePayloadKeys(`a:${Buffer.alloc(32, 1).toString('base64')}`)[0]!.id).toBe('a');
  });
});

describe('workflow history on a real dev server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createDevEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('history › secret in input, signal and result › raw history holds only ciphertext; the codec client reads it back', async () => {
    const secret = `cs_${uniqueId('live')}_do-not-leak`;
    const taskQueue = uniqueId('tq');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: join(__dirname, '../fixtures/workflows/echo.ts'),
      dataConverter: testDataConverter,
    });
    const client = codecClient(env);
    const workflowId = uniqueId('secret');
    const result = await worker.runUntil(async () => {
      const h = await client.workflow.start(holdSecret, {
        taskQueue,
        workflowId,
        args: [{ accountId: 'acc-1', clientSecret: secret }],
      });
      await h.signal(secretSignal, `signal-${secret}`);
      return h.result();
    });
    expect(result).toEqual({ echoed: secret, signalled: `signal-${secret}` });

    // env.client has no codec: it sees what the server stores.
    const raw = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(raw).finish());
    expect(bytes.includes(secret)).toBe(false);
    expect(bytes.includes('acc-1')).toBe(false);
    const started = raw.events![0]!.workflowExecutionStartedEventAttributes!;
    expect(new TextDecoder().decode(started.input!.payloads![0]!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
  });
});
