import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED, redactSecrets } from '../src/logging';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) });
  return { logger: createLogger({ level: 'debug' }, sink), text: () => lines.join('') };
}

const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';

describe('logging', () => {
  it('redaction › secret-named keys at any depth › values masked, other fields kept', () => {
    const out = redactSecrets({
      account: { id: 'acc-1', bs2: { apiKey: 'ak', apiSecret: 's3cr3t', refresh_token: 'rt' } },
      itau: { client_secret: 'cs', certificatePem: PEM, password: 'pw' },
      headers: { authorization: 'Bearer abc', 'x-api-key': 'k' },
    });
    expect(out).toEqual({
      account: { id: 'acc-1', bs2: { apiKey: REDACTED, apiSecret: REDACTED, refresh_token: REDACTED } },
      itau: { client_secret: REDACTED, certificatePem: REDACTED, password: REDACTED },
      headers: { authorization: REDACTED, 'x-api-key': REDACTED },
    });
  });

  it('redaction › secrets inside free text › bearer tokens and PEM blocks masked', () => {
    expect(redactSecrets(`calling with Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig and ${PEM}`)).toBe(
      `calling with Bearer ${REDACTED} and ${REDACTED}`,
    );
  });

  it('logger › secrets in fields, nested errors and the message › none reach the output', () => {
    const { logger, text } = capture();
    const err = new Error('token endpoint said no to Basic bDczNDQ4ZDYzNGE3NDQ0NjU4ODI4ZWM1');
    logger.info(
      { creds: { clientSecret: 'abc-secret-1' }, err },
      'refreshing with Bearer 61d741ab-3f4b-4623-8887-ecc943d8ce71',
    );
    const out = text();
    expect(out).toContain('refreshing with Bearer [REDACTED]');
    for (const leaked of ['abc-secret-1', 'bDczNDQ4ZDYz', '61d741ab-3f4b']) expect(out).not.toContain(leaked);
  });

  it('logger › cyclic object › logs without throwing', () => {
    const { logger, text } = capture();
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    logger.info({ a }, 'cyclic');
    expect(text()).toContain('[Circular]');
  });

  it('logger › level from settings › debug lines dropped at info', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) });
    const logger = createLogger({ level: 'info' }, sink);
    logger.debug('hidden');
    logger.info('shown');
    expect(lines.join('')).not.toContain('hidden');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', msg: 'shown', service: 'boletoflow' });
  });
});
