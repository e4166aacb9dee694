/**
 * The API as integrators and operators meet it: API keys and roles, tenant isolation, problem+json errors,
 * body rules, rate limits, request ids, OpenAPI (real responses validated against the served document),
 * docs page and metrics. Real dev server, real worker, real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiKey } from '../../src/access/api-keys';
import { type ApiHarness, bearer, startApiHarness } from '../helpers/api';
import { OpenApiValidator } from '../helpers/openapi';

describe('API contract', () => {
  let h: ApiHarness;
  let spec: OpenApiValidator;
  let doc: { paths: Record<string, Record<string, unknown>> };

  beforeAll(async () => {
    h = await startApiHarness({ bodyLimit: '2kb' });
    doc = (await (await fetch(`${h.base}/openapi.json`)).json()) as typeof doc;
    spec = new OpenApiValidator(doc as never);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${h.base}${path}`, { headers });
  const send = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${h.base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  async function json(r: Response, method: string, template: string) {
    const body = (await r.json()) as Record<string, unknown>;
    spec.expectValid(method, template, r.status, r.headers.get('content-type') ?? '', body);
    return body;
  }

  describe('authentication', () => {
    it('no API key › any protected route › 401 problem saying how to send one', async () => {
      const r = await get('/v1/me');
      expect(r.status).toBe(401);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(await json(r, 'get', '/v1/me')).toMatchObject({
        type: expect.stringContaining('unauthenticated'),
        detail: expect.stringContaining('Authorization: Bearer'),
      });
    });

    it('malformed, unknown or wrong-secret key › 401 with one indistinguishable answer', async () => {
      const valid = h.keys.t1.integrator.token;
      const wrongSecret = valid.slice(0, -4) + (valid.endsWith('AAAA') ? 'BBBB' : 'AAAA');
      const unknownId = 'bfk_aaaaaaaaaaaa_' + parseApiKey(valid)!.secret;
      const bodies: Record<string, unknown>[] = [];
      for (const token of ['nonsense', wrongSecret, unknownId]) {
        const r = await get('/v1/me', bearer(token));
        expect(r.status).toBe(401);
        bodies.push((await r.json()) as Record<string, unknown>);
      }
      expect(new Set(bodies.map((b) => JSON.stringify({ ...b, requestId: undefined }))).size).toBe(1);
    });

    it('valid key › Bearer or X-API-Key › 200 with its tenant and role', async () => {
      const a = await get('/v1/me', bearer(h.keys.t1.integrator.token));
      expect(await json(a, 'get', '/v1/me')).toEqual({
        keyId: h.keys.t1.integrator.keyId,
        tenantId: h.tenants.t1,
        role: 'integrator',
      });
      const b = await get('/v1/me', { 'X-API-Key': h.keys.t2.cs.token });
      expect(await b.json()).toMatchObject({ tenantId: h.tenants.t2, role: 'cs' });
    });

    it('revoked key › after revocation › 401 within the cache TTL', async () => {
      const k = await h.registry.createApiKey(h.tenants.t1, 'integrator', 'short-lived');
      expect((await get('/v1/me', bearer(k.token))).status).toBe(200);
      await h.registry.revokeApiKey(k.keyId);
      await new Promise((r) => setTimeout(r, 400));
      expect((await get('/v1/me', bearer(k.token))).status).toBe(401);
    });

    it('log lines › requests carrying keys › never contain a key secret', () => {
      const all = h.logs.join('');
      for (const t of ['t1', 't2'] as const)
        for (const k of Object.values(h.keys[t])) expect(all).not.toContain(parseApiKey(k.token)!.secret);
      expect(all).toMatch(/"statusCode":401/);
    });
  });

  describe('roles and tenants', () => {
    it('integrator key › operator-only route › 403 naming the needed role', async () => {
      const r = await get('/v1/api-keys', bearer(h.keys.t1.integrator.token));
      expect(r.status).toBe(403);
      expect(await json(r, 'get', '/v1/api-keys')).toMatchObject({ detail: expect.stringContaining('operator') });
    });

    it("operator › lists keys › only its own tenant's, never a secret hash", async () => {
      const r = await get('/v1/api-keys', bearer(h.keys.t1.operator.token));
      const body = (await json(r, 'get', '/v1/api-keys')) as { items: { tenantId: string; secretHash?: string }[] };
      expect(body.items.length).toBeGreaterThanOrEqual(3);
      expect(body.items.every((k) => k.tenantId === h.tenants.t1 && k.secretHash === undefined)).toBe(true);
    });

    it("another tenant's key id › operator asks for it › 404, same as a key that does not exist", async () => {
      const other = await get(`/v1/api-keys/${h.keys.t2.integrator.keyId}`, bearer(h.keys.t1.operator.token));
      const missing = await get('/v1/api-keys/zzzzzzzzzzzz', bearer(h.keys.t1.operator.token));
      expect(other.status).toBe(404);
      expect(missing.status).toBe(404);
      const body = await json(other, 'get', '/v1/api-keys/{keyId}');
      expect(JSON.stringify(body)).not.toContain(h.tenants.t2);
      const own = await get(`/v1/api-keys/${h.keys.t1.integrator.keyId}`, bearer(h.keys.t1.operator.token));
      expect(await json(own, 'get', '/v1/api-keys/{keyId}')).toMatchObject({
        tenantId: h.tenants.t1,
        role: 'integrator',
      });
    });

    it("operator › revokes another tenant's key › 404 and the key keeps working", async () => {
      const r = await fetch(`${h.base}/v1/api-keys/${h.keys.t2.cs.keyId}`, {
        method: 'DELETE',
        headers: bearer(h.keys.t1.operator.token),
      });
      expect(r.status).toBe(404);
      expect((await get('/v1/me', bearer(h.keys.t2.cs.token))).status).toBe(200);
    });

    it('operator › creates then revokes a key in its tenant › token works once created, 401 after, 409 on a second revoke', async () => {
      const c = await send(
        'post',
        '/v1/api-keys',
        { role: 'integrator', label: 'erp sandbox' },
        bearer(h.keys.t1.operator.token),
      );
      expect(c.status).toBe(201);
      const created = (await json(c, 'post', '/v1/api-keys')) as { token: string; keyId: string };
      expect((await get('/v1/me', bearer(created.token))).status).toBe(200);
      const d = await fetch(`${h.base}/v1/api-keys/${created.keyId}`, {
        method: 'DELETE',
        headers: bearer(h.keys.t1.operator.token),
      });
      expect(await json(d, 'delete', '/v1/api-keys/{keyId}')).toMatchObject({
        keyId: created.keyId,
        revokedAt: expect.any(String),
      });
      expect((await get('/v1/me', bearer(created.token))).status).toBe(401);
      const again = await fetch(`${h.base}/v1/api-keys/${created.keyId}`, {
        method: 'DELETE',
        headers: bearer(h.keys.t1.operator.token),
      });
      expect(again.status).toBe(409);
    });
  });

  describe('notification endpoint', () => {
    it('operator › sets an https endpoint › gets a signing secret once; GET shows the URL only; plain http elsewhere refused', async () => {
      const op = bearer(h.keys.t1.operator.token);
      const put = await send('put', '/v1/webhook-endpoint', { url: 'https://erp.example.com/hooks/boletos' }, op);
      const set = (await json(put, 'put', '/v1/webhook-endpoint')) as { secret: string };
      expect(put.status).toBe(200);
      expect(set.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      const got = await get('/v1/webhook-endpoint', op);
      const body = await json(got, 'get', '/v1/webhook-endpoint');
      expect(body).toMatchObject({ url: 'https://erp.example.com/hooks/boletos' });
      expect(JSON.stringify(body)).not.toContain(set.secret);
      const insecure = await send('put', '/v1/webhook-endpoint', { url: 'http://erp.example.com/hooks' }, op);
      expect(insecure.status).toBe(400);
      expect(
        (
          await send(
            'put',
            '/v1/webhook-endpoint',
            { url: 'https://x.example.com' },
            bearer(h.keys.t1.integrator.token),
          )
        ).status,
      ).toBe(403);
      expect((await get('/v1/webhook-endpoint', bearer(h.keys.t2.operator.token))).status).toBe(404);
    });
  });

  describe('bad input', () => {
    const op = () => bearer(h.keys.t1.operator.token);

    it('unknown field in a write › 400 listing the field', async () => {
      const r = await send('post', '/v1/api-keys', { role: 'cs', isAdmin: true }, op());
      expect(r.status).toBe(400);
      expect(await json(r, 'post', '/v1/api-keys')).toMatchObject({
        errors: [{ field: 'body', reason: 'unknown field(s): isAdmin' }],
      });
    });

    it('wrong types and values › 400 with each field and reason', async () => {
      const r = await send('post', '/v1/api-keys', { role: 'root', label: 42 }, op());
      const body = (await json(r, 'post', '/v1/api-keys')) as { errors: { field: string }[] };
      expect(body.errors.map((e) => e.field).sort()).toEqual(['body.label', 'body.role']);
    });

    it('malformed JSON › 400 malformed-json, not a 500', async () => {
      const r = await send('post', '/v1/api-keys', '{"role": "cs",', op());
      expect(r.status).toBe(400);
      expect(await json(r, 'post', '/v1/api-keys')).toMatchObject({ type: expect.stringContaining('malformed-json') });
    });

    it('not JSON › text/plain body › 415', async () => {
      const r = await fetch(`${h.base}/v1/api-keys`, {
        method: 'POST',
        headers: { ...op(), 'content-type': 'text/plain' },
        body: 'role=cs',
      });
      expect(r.status).toBe(415);
      await json(r, 'post', '/v1/api-keys');
    });

    it('body over the limit › 413', async () => {
      const r = await send('post', '/v1/api-keys', { role: 'cs', label: 'x'.repeat(5000) }, op());
      expect(r.status).toBe(413);
      await json(r, 'post', '/v1/api-keys');
    });

    it('bad query value › 400 naming the query field', async () => {
      const r = await get('/readyz?deep=banana');
      expect(r.status).toBe(400);
      expect(await json(r, 'get', '/readyz')).toMatchObject({ errors: [{ field: 'query.deep' }] });
    });

    it('a method the path does not have › 405 problem with Allow (not 404); a literal path keeps its own methods', async () => {
      const r = await send('delete', '/v1/me', undefined, op());
      expect(r.status).toBe(405);
      expect(r.headers.get('allow')).toBe('GET, HEAD');
      expect(await r.json()).toMatchObject({ type: 'https://boletoflow.dev/problems/method-not-allowed', status: 405 });
      const csv = await send('post', '/v1/boletos/export.csv', {}, op());
      expect(csv.status).toBe(405);
      expect(csv.headers.get('allow')).toBe('GET, HEAD');
      const keys = await send('put', '/v1/api-keys', {}, op());
      expect(keys.status).toBe(405);
      expect(keys.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'POST']);
      expect((await send('get', '/v1/no-such-thing', undefined, op())).status).toBe(404);
    });

    it('bad path parameter › 400 naming it', async () => {
      const r = await get('/v1/api-keys/../../etc', op());
      expect([400, 404]).toContain(r.status);
      const r2 = await get('/v1/api-keys/NOT-A-KEY', op());
      expect(await json(r2, 'get', '/v1/api-keys/{keyId}')).toMatchObject({ errors: [{ field: 'params.keyId' }] });
    });
  });

  describe('request ids, OpenAPI, docs, metrics', () => {
    it('X-Request-Id › given › echoed on the response and in the problem body; absent › generated', async () => {
      const r = await get('/v1/me', { 'X-Request-Id': 'erp-7f3a' });
      expect(r.headers.get('x-request-id')).toBe('erp-7f3a');
      expect(await r.json()).toMatchObject({ requestId: 'erp-7f3a' });
      expect((await get('/healthz')).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const bad = await get('/healthz', { 'X-Request-Id': 'has spaces and <script>' });
      expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('OpenAPI › document › 3.1, every mounted route present with its security', () => {
      expect((doc as unknown as { openapi: string }).openapi).toBe('3.1.0');
      for (const route of h.built.routes) {
        const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
        expect(doc.paths[path]?.[route.method], `${route.method} ${path}`).toBeDefined();
      }
    });

    it('healthz and readyz › real responses › match the document', async () => {
      const r = await get('/healthz');
      await json(r, 'get', '/healthz');
      const ready = await get('/readyz');
      expect(ready.status).toBe(200);
      await json(ready, 'get', '/readyz');
    });

    it('docs page › served with its assets offline', async () => {
      const page = await get('/docs');
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('/openapi.json');
      expect((await get('/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
    });

    it('metrics › after requests › HTTP latency by route template and status', async () => {
      await get('/v1/me', bearer(h.keys.t1.cs.token));
      const text = await (await get('/metrics')).text();
      expect(text).toMatch(
        /boletoflow_http_request_duration_seconds_count\{method="GET",route="\/v1\/me",status="200"\} \d+/,
      );
      expect(text).toMatch(/route="\/v1\/api-keys\/:keyId",status="404"/);
      expect(text).toContain('boletoflow_api_process_resident_memory_bytes');
    });
  });
});

describe('rate limiting', () => {
  let h: ApiHarness;
  beforeAll(async () => {
    h = await startApiHarness({ rateLimitPerMinute: 5 });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('per API key › 6th request in a minute › 429 problem with Retry-After and RateLimit headers; other keys unaffected', async () => {
    const k = bearer(h.keys.t1.integrator.token);
    const statuses = [];
    let last: Response | undefined;
    for (let i = 0; i < 6; i++) {
      last = await fetch(`${h.base}/v1/me`, { headers: k });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(last!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(last!.headers.get('ratelimit-limit')).toBe('5');
    expect(last!.headers.get('ratelimit-remaining')).toBe('0');
    expect(await last!.json()).toMatchObject({ status: 429, type: expect.stringContaining('rate-limited') });
    expect((await fetch(`${h.base}/v1/me`, { headers: bearer(h.keys.t1.cs.token) })).status).toBe(200);
  });
});
