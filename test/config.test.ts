import { describe, expect, it } from 'vitest';
import { ConfigError, isEmbedded, loadConfig, recordsUrl, temporalAddress } from '../src/config';

const KEYS = `k1:${Buffer.alloc(32, 7).toString('base64')}`;

const problemsOf = (env: NodeJS.ProcessEnv) => {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e;
  }
  throw new Error('expected a ConfigError');
};

describe('config', () => {
  it('defaults › empty environment › embedded dev server on 7233/8233, API on 3000, namespace boletoflow', () => {
    const c = loadConfig({});
    expect(isEmbedded(c)).toBe(true);
    expect(temporalAddress(c)).toBe('127.0.0.1:7233');
    expect(c).toMatchObject({
      API_PORT: 3000,
      TEMPORAL_UI_PORT: 8233,
      TEMPORAL_NAMESPACE: 'boletoflow',
      LOG_LEVEL: 'info',
    });
  });

  it('TEMPORAL_ADDRESS › set › external cluster, no embedded server', () => {
    const c = loadConfig({
      TEMPORAL_ADDRESS: 'my-ns.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'my-ns.a1b2c',
      TEMPORAL_API_KEY: 'k',
      PAYLOAD_ENCRYPTION_KEYS: KEYS,
    });
    expect(isEmbedded(c)).toBe(false);
    expect(temporalAddress(c)).toBe('my-ns.a1b2c.tmprl.cloud:7233');
  });

  it('bad values › several at once › one error naming each variable and the reason', () => {
    const e = problemsOf({ API_PORT: 'abc', LOG_LEVEL: 'loud', TEMPORAL_ADDRESS: 'nohostport', TEMPORAL_TLS: 'maybe' });
    const vars = e.problems.map((p) => p.variable).sort();
    expect(vars).toEqual(['API_PORT', 'LOG_LEVEL', 'TEMPORAL_ADDRESS', 'TEMPORAL_TLS']);
    expect(e.message).toContain('API_PORT: must be a port number (got "abc")');
    expect(e.message).toContain('TEMPORAL_ADDRESS: must be host:port');
  });

  it('records store › nothing set › embedded PGlite on 127.0.0.1:7235, reached as postgres@…/postgres', () => {
    const c = loadConfig({});
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c).toMatchObject({ RECORDS_HOST: '127.0.0.1', RECORDS_PORT: 7235 });
    expect(recordsUrl(c)).toBe('postgres://postgres@127.0.0.1:7235/postgres');
    expect(recordsUrl(loadConfig({ RECORDS_PORT: '17235', DATABASE_URL: '' }))).toBe(
      'postgres://postgres@127.0.0.1:17235/postgres',
    );
    // A wildcard bind is reached on loopback.
    expect(recordsUrl(loadConfig({ RECORDS_HOST: '0.0.0.0', RECORDS_PORT: '6000' }))).toBe(
      'postgres://postgres@127.0.0.1:6000/postgres',
    );
  });

  it('records store › DATABASE_URL set › used as is (postgres:// and postgresql://), RECORDS_PORT ignored', () => {
    for (const url of [
      'postgres://app:s3cret@db.example.com:5432/boletoflow',
      'postgresql://db.example.com/boletoflow?sslmode=require',
    ]) {
      expect(recordsUrl(loadConfig({ DATABASE_URL: url, RECORDS_PORT: '1' }))).toBe(url);
    }
  });

  it('records store › bad DATABASE_URL or RECORDS_PORT › named, and the URL (it may hold a password) not echoed', () => {
    for (const bad of ['mysql://app:s3cret@db/x', 'db.example.com:5432', 'postgres:///no-host']) {
      const e = problemsOf({ DATABASE_URL: bad });
      expect(e.problems).toEqual([
        expect.objectContaining({
          variable: 'DATABASE_URL',
          message: expect.stringContaining('must be a postgres:// or postgresql:// URL'),
        }),
      ]);
      expect(e.message).not.toContain('(got');
    }
    expect(problemsOf({ DATABASE_URL: 'mysql://app:s3cret@db/x' }).message).not.toContain('s3cret');
    expect(problemsOf({ RECORDS_PORT: '70000' }).message).toContain('RECORDS_PORT: must be between 1 and 65535');
  });

  it('port range › 70000 › rejected as out of range', () => {
    expect(problemsOf({ API_PORT: '70000' }).message).toContain('API_PORT: must be between 1 and 65535');
  });

  it('mTLS › certificate without key › names the missing variable', () => {
    const e = problemsOf({
      TEMPORAL_ADDRESS: 'h:7233',
      TEMPORAL_TLS_CERT_PATH: '/c.pem',
      PAYLOAD_ENCRYPTION_KEYS: KEYS,
    });
    expect(e.problems[0]).toMatchObject({ variable: 'TEMPORAL_TLS_KEY_PATH' });
  });

  it('cluster-only settings › API key without TEMPORAL_ADDRESS › rejected, and the key is not echoed', () => {
    const e = problemsOf({ TEMPORAL_API_KEY: 'super-secret-api-key' });
    expect(e.message).toContain('TEMPORAL_API_KEY: only applies to an external cluster');
    expect(e.message).not.toContain('super-secret-api-key');
  });

  it('payload keys › external cluster without PAYLOAD_ENCRYPTION_KEYS › refused: history must be encrypted', () => {
    const e = problemsOf({ TEMPORAL_ADDRESS: 'h:7233' });
    expect(e.problems).toEqual([
      expect.objectContaining({
        variable: 'PAYLOAD_ENCRYPTION_KEYS',
        message: expect.stringContaining('required with an external Temporal cluster'),
      }),
    ]);
  });

  it('payload keys › a key that is not 32 bytes › rejected with how to make one, key not echoed', () => {
    const e = problemsOf({ PAYLOAD_ENCRYPTION_KEYS: 'k1:c2hvcnRrZXk=' });
    expect(e.message).toContain('PAYLOAD_ENCRYPTION_KEYS: key "k1" must decode to 32 bytes');
    expect(e.message).not.toContain('c2hvcnRrZXk=');
  });
});
