/**
 * Thousands of malformed and hostile requests against every endpoint in the OpenAPI document: wrong
 * methods, path injections, huge and odd strings, bad JSON, wrong types, missing and bogus headers and keys.
 * Asserts: never a 5xx, the server stays up, every error is problem+json, and nothing changed state (the
 * access registry's version is the same before and after).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../helpers/api';

const HOSTILE = [
  "' OR 1=1 --",
  '"; DROP TABLE boletos; --',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '%00%0d%0aSet-Cookie: x=1',
  '${jndi:ldap://x}',
  '{{7*7}}',
  '\u0000\u0001\u202e',
  'ção ñ 😀',
  '-1',
  '1e309',
  'NaN',
  'null',
  '[]',
  '{}',
  '__proto__',
  'constructor',
];

describe('fuzz: hostile requests to every endpoint', () => {
  let h: ApiHarness;
  let operations: { method: string; path: string }[];

  beforeAll(async () => {
    h = await startApiHarness({ bodyLimit: '64kb' });
    const doc = (await (await fetch(`${h.base}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => ({ method, path })),
    );
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('3,000 generated requests › every endpoint › no 5xx, problem+json errors, no state change, server alive', async () => {
    expect(operations.length).toBeGreaterThanOrEqual(6);
    const before = (await h.registry.snapshot()).version;
    // Read-only keys only (integrator/cs and another tenant's operator): a valid operator key could
    // legitimately create keys, which is not what this test is about.
    const keys = [
      '',
      'garbage',
      'Bearer',
      h.keys.t1.integrator.token,
      h.keys.t1.cs.token,
      'bfk_aaaaaaaaaaaa_' + 'A'.repeat(43),
    ];
    const text = fc.oneof(
      fc.constantFrom(...HOSTILE),
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.constant('x'.repeat(70_000)),
    );
    const json = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.dictionary(
        fc.constantFrom('role', 'label', 'amountCents', 'isAdmin', '__proto__', 'constructor'),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    );
    const requestArb = fc.record({
      op: fc.constantFrom(...operations),
      method: fc.oneof(fc.constant(undefined), fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS')),
      pathParam: text,
      query: fc.array(fc.tuple(fc.constantFrom('deep', 'status', 'cursor', 'x'), text), { maxLength: 3 }),
      key: fc.constantFrom(...keys),
      keyHeader: fc.constantFrom('authorization', 'x-api-key'),
      contentType: fc.constantFrom(
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
        '',
      ),
      body: fc.oneof(
        json.map((v) => JSON.stringify(v)),
        text,
        fc.constant('{"role":'),
        fc.constant(''),
      ),
      requestId: fc.oneof(fc.constant(undefined), text),
    });

    const failures: string[] = [];
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const show = (s: string) => (s.length > 120 ? `${s.slice(0, 120)}…(${s.length} chars)` : s);
        const path = r.op.path.replace(/\{[^}]+\}/g, encodeURIComponent(r.pathParam));
        const qs = new URLSearchParams(r.query).toString();
        const method = r.method ?? r.op.method.toUpperCase();
        const headers: Record<string, string> = {};
        if (r.key) headers[r.keyHeader] = r.keyHeader === 'authorization' ? `Bearer ${r.key}` : r.key;
        if (r.contentType) headers['content-type'] = r.contentType;
        // fetch itself refuses control and non-Latin-1 characters in header values; keep the rest hostile.
        if (r.requestId !== undefined)
          headers['x-request-id'] = [...r.requestId].filter((c) => c >= ' ' && c <= '~').join('');
        const withBody = !['GET', 'HEAD'].includes(method);
        const res = await fetch(`${h.base}${path}${qs ? '?' + qs : ''}`, {
          method,
          headers,
          ...(withBody ? { body: r.body } : {}),
        });
        const body = await res.text();
        sent++;
        if (res.status >= 500 && !(r.op.path === '/readyz' && res.status === 503))
          failures.push(`${method} ${show(path)} → ${res.status} ${body.slice(0, 200)}`);
        if (
          res.status >= 400 &&
          res.status !== 503 &&
          method !== 'OPTIONS' &&
          !res.headers.get('content-type')?.includes('application/problem+json')
        ) {
          failures.push(`${method} ${show(path)} → ${res.status} not problem+json: ${res.headers.get('content-type')}`);
        }
      }),
      { numRuns: 3000, seed: 20261122 },
    );
    expect(sent).toBe(3000);
    expect(failures.slice(0, 20), `${failures.length} failures`).toEqual([]);
    expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
    expect((await h.registry.snapshot()).version).toBe(before);
  }, 180_000);
});
