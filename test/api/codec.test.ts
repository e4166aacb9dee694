/**
 * The codec endpoint for the Temporal Web UI and CLI (issue #9): the remote codec protocol over real HTTP
 * against a real dev server's history, API-key and cookie-session authentication, roles and tenants, CORS as
 * the Web UI needs it, namespace and size limits, errors for undecodable payloads, the real `temporal` CLI
 * reading a history through it, and the embedded Web UI pre-wired to it.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseApiKey } from '../../src/access/api-keys';
import { CodecSessions, SESSION_COOKIE } from '../../src/api/codec-session';
import { ACCESS_REGISTRY_WORKFLOW_ID } from '../../src/contracts/access';
import { codecCorsOrigins, codecEndpointUrl, codecTenants, loadConfig } from '../../src/config';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, newPayloadKey } from '../../src/temporal/codec';
import { devServerArgs } from '../../src/temporal/dev-server';
import { type ApiHarness, bearer, startApiHarness } from '../helpers/api';
import { OpenApiValidator } from '../helpers/openapi';
import { freePort } from '../helpers/processes';
import { temporalCliPath, testPayloadKeys, uniqueId } from '../helpers/temporal';

const UI_ORIGIN = 'http://localhost:8233';
const SECRET = 'client_secret=sk_live_9f8e7d6c5b4a3210-boleto';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}
const b64 = (u: Uint8Array | null | undefined) => Buffer.from(u ?? new Uint8Array()).toString('base64');
const toJson = (p: { metadata?: Record<string, Uint8Array | null> | null; data?: Uint8Array | null }): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
  data: b64(p.data),
});
const text = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');
const jsonPlain = (value: unknown): JsonPayload => ({
  metadata: { encoding: b64(Buffer.from('json/plain')) },
  data: b64(Buffer.from(JSON.stringify(value))),
});

describe('codec endpoint', () => {
  let h: ApiHarness;
  let spec: OpenApiValidator;
  const opsTenant = uniqueId('ops').toLowerCase();
  let ops: { token: string; keyId: string };
  let workflowId: string;
  let rawInput: JsonPayload[];

  beforeAll(async () => {
    h = await startApiHarness({ bodyLimit: '64kb', codec: { corsOrigins: [UI_ORIGIN], tenants: [opsTenant] } });
    spec = new OpenApiValidator((await (await fetch(`${h.base}/openapi.json`)).json()) as never);
    await h.registry.createTenant(opsTenant, 'Software house operations');
    ops = await h.registry.createApiKey(opsTenant, 'operator', 'ops');
    // A workflow nobody runs: its start event keeps the encrypted input, as every boletoflow history does.
    workflowId = uniqueId('codec-probe');
    await h.client.workflow.start('codecProbe', {
      taskQueue: uniqueId('nobody'),
      workflowId,
      args: [{ note: SECRET }],
    });
    const history = await h.env.connection.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId },
    });
    rawInput = history.history!.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!.map(toJson);
  });
  afterAll(async () => {
    await h?.client.workflow
      .getHandle(workflowId)
      .terminate()
      .catch(() => undefined);
    await h?.stop();
  });

  const codec = (path: 'decode' | 'encode', body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${h.base}/codec/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
      body: JSON.stringify(body),
    });
  const login = (apiKey: string, headers: Record<string, string> = {}) =>
    fetch(`${h.base}/codec/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', ...headers },
      body: new URLSearchParams({ apiKey }).toString(),
    });
  const cookieOf = (r: Response) => r.headers.get('set-cookie')!.split(';')[0]!;

  describe('protocol', () => {
    it('decode › raw payloads from the history, CLI-style Bearer key › the plaintext input back, documented shape', async () => {
      expect(rawInput).toHaveLength(1);
      expect(text(rawInput[0]!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
      expect(text(rawInput[0]!.data)).not.toContain('sk_live');
      const r = await codec('decode', { payloads: rawInput }, bearer(ops.token));
      expect(r.status).toBe(200);
      const body = (await r.json()) as { payloads: JsonPayload[] };
      spec.expectValid('post', '/codec/decode', 200, r.headers.get('content-type')!, body);
      expect(text(body.payloads[0]!.metadata!.encoding)).toBe('json/plain');
      expect(JSON.parse(text(body.payloads[0]!.data))).toEqual({ note: SECRET });
      expect(r.headers.get('cache-control')).toBe('no-store');
      expect(r.headers.get('ratelimit-limit')).toBeTruthy();
    });

    it('encode → decode › round trip › encrypted with the active key id, readable by the SDK codec, and back', async () => {
      const plain = [jsonPlain({ refresh_token: 'rt-123' }), jsonPlain('segundo')];
      const enc = (await (await codec('encode', { payloads: plain }, bearer(ops.token))).json()) as {
        payloads: JsonPayload[];
      };
      expect(enc.payloads.map((p) => text(p.metadata!.encoding))).toEqual([ENCRYPTED_ENCODING, ENCRYPTED_ENCODING]);
      expect(text(enc.payloads[0]!.metadata![KEY_ID_METADATA])).toBe(testPayloadKeys[0]!.id);
      const sdk = await new AesGcmPayloadCodec(testPayloadKeys).decode(
        enc.payloads.map((p) => ({
          metadata: Object.fromEntries(Object.entries(p.metadata!).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
          data: Buffer.from(p.data!, 'base64'),
        })),
      );
      expect(Buffer.from(sdk[0]!.data!).toString()).toBe('{"refresh_token":"rt-123"}');
      const dec = (await (await codec('decode', enc, bearer(ops.token))).json()) as { payloads: JsonPayload[] };
      expect(dec.payloads).toEqual(plain);
    });

    it('decode › payload not encrypted › passed through unchanged', async () => {
      const r = await codec('decode', { payloads: [jsonPlain('plain')] }, bearer(ops.token));
      expect(((await r.json()) as { payloads: JsonPayload[] }).payloads).toEqual([jsonPlain('plain')]);
    });

    it('decode › a payload under a key id not configured, or tampered › 400 naming the payload and the key, not a 500', async () => {
      const [foreign] = await new AesGcmPayloadCodec([newPayloadKey('retired-2019')]).encode([
        { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"x"') },
      ]);
      const tampered = {
        ...rawInput[0]!,
        data: b64(Buffer.from(rawInput[0]!.data!, 'base64').map((b, i) => (i === 20 ? b ^ 1 : b))),
      };
      const r = await codec('decode', { payloads: [rawInput[0], toJson(foreign!), tampered] }, bearer(ops.token));
      expect(r.status).toBe(400);
      const body = (await r.json()) as { type: string; errors: { field: string; reason: string }[] };
      spec.expectValid('post', '/codec/decode', 400, r.headers.get('content-type')!, body);
      expect(body.type).toContain('payload-not-decoded');
      expect(body.errors).toEqual([
        { field: 'body.payloads[1]', reason: expect.stringContaining('no payload key with id "retired-2019"') },
        { field: 'body.payloads[2]', reason: expect.stringContaining('failed authentication') },
      ]);
    });

    it('decode and encode › {} (proto3 JSON leaves out an empty payloads list) › 200 {"payloads":[]}, documented shape', async () => {
      for (const kind of ['decode', 'encode'] as const) {
        const r = await codec(kind, {}, bearer(ops.token));
        expect(r.status).toBe(200);
        const body = (await r.json()) as { payloads: JsonPayload[] };
        spec.expectValid('post', `/codec/${kind}`, 200, r.headers.get('content-type')!, body);
        expect(body).toEqual({ payloads: [] });
      }
    });

    it('X-Namespace › another namespace › 400 saying which one is served; absent › ours', async () => {
      const r = await codec('decode', { payloads: rawInput }, { ...bearer(ops.token), 'x-namespace': 'someone-else' });
      expect(r.status).toBe(400);
      expect(await r.json()).toMatchObject({
        errors: [{ field: 'headers.x-namespace', reason: expect.stringContaining('serves namespace default only') }],
      });
      const noHeader = await fetch(`${h.base}/codec/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(ops.token) },
        body: JSON.stringify({ payloads: rawInput }),
      });
      expect(noHeader.status).toBe(200);
      // An empty X-Namespace names none: a 400 naming the header, as the document says (minLength 1), not "not served".
      const empty = await codec('decode', { payloads: rawInput }, { ...bearer(ops.token), 'x-namespace': '' });
      expect(empty.status).toBe(400);
      expect(await empty.json()).toMatchObject({ errors: [{ field: 'headers.x-namespace' }] });
    });

    it('login › no apiKey at all › 401 (no credentials), not a 400', async () => {
      const r = await login('', { accept: 'application/json' });
      expect(r.status).toBe(401);
      expect(await r.json()).toMatchObject({ title: 'API key required' });
    });

    it('limits › body over API_BODY_LIMIT › 413; not a Payloads body › 400 validation; text/plain › 415', async () => {
      const big = await codec('decode', { payloads: [jsonPlain('x'.repeat(70_000))] }, bearer(ops.token));
      expect(big.status).toBe(413);
      const bad = await codec('decode', { payloads: [{ data: 'not base64!' }], extra: 1 }, bearer(ops.token));
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { errors: { field: string }[] }).errors.map((e) => e.field).sort()).toEqual([
        'body',
        'body.payloads.0.data',
      ]);
      const plainText = await fetch(`${h.base}/codec/decode`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', ...bearer(ops.token) },
        body: '{"payloads":[]}',
      });
      expect(plainText.status).toBe(415);
    });
  });

  describe('who may', () => {
    it('no credentials › 401 saying how (API key, or log in at /codec/login)', async () => {
      const r = await codec('decode', { payloads: rawInput });
      expect(r.status).toBe(401);
      expect(await r.json()).toMatchObject({
        type: expect.stringContaining('unauthenticated'),
        detail: expect.stringContaining('/codec/login'),
      });
    });

    it('integrator and cs keys › 403; an operator of a tenant not in CODEC_TENANTS › 403; their login refused too', async () => {
      for (const token of [h.keys.t1.integrator.token, h.keys.t1.cs.token]) {
        const r = await codec('decode', { payloads: rawInput }, bearer(token));
        expect(r.status).toBe(403);
        expect(await r.json()).toMatchObject({ detail: expect.stringContaining('roles operator') });
      }
      const other = await codec('decode', { payloads: rawInput }, bearer(h.keys.t1.operator.token));
      expect(other.status).toBe(403);
      expect(await other.json()).toMatchObject({ detail: expect.stringContaining('CODEC_TENANTS') });
      const refused = await login(h.keys.t1.cs.token, { accept: 'application/json' });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('set-cookie')).toBeNull();
    });

    it('login page › browser form › 303 and an HttpOnly SameSite=Strict /codec cookie holding a signed session, never the key', async () => {
      const page = await fetch(`${h.base}/codec/login`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(await page.text()).toContain('Include cross-origin credentials');
      const r = await login(ops.token);
      expect(r.status).toBe(303);
      expect(r.headers.get('location')).toBe('login');
      const setCookie = r.headers.get('set-cookie')!;
      expect(setCookie).toMatch(
        new RegExp(
          `^${SESSION_COOKIE}=v1\\.${ops.keyId}\\.\\d+\\.[A-Za-z0-9_-]{43}; Path=/codec; Max-Age=\\d+; HttpOnly; SameSite=Strict$`,
        ),
      );
      expect(setCookie).not.toContain(parseApiKey(ops.token)!.secret);
      const status = await (await fetch(`${h.base}/codec/login`, { headers: { cookie: cookieOf(r) } })).text();
      expect(status).toContain(`logged in with key <code>${ops.keyId}</code>`);
    });

    it('cookie session › from the Web UI origin › decodes; logout clears the cookie › refused', async () => {
      const cookie = cookieOf(await login(ops.token));
      const r = await codec('decode', { payloads: rawInput }, { cookie, origin: UI_ORIGIN });
      expect(r.status).toBe(200);
      expect(r.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
      expect(r.headers.get('access-control-allow-credentials')).toBe('true');
      expect(JSON.parse(text(((await r.json()) as { payloads: JsonPayload[] }).payloads[0]!.data))).toEqual({
        note: SECRET,
      });

      const out = await fetch(`${h.base}/codec/logout`, { method: 'POST', headers: { cookie } });
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toMatch(
        new RegExp(`^${SESSION_COOKIE}=; Path=/codec; Max-Age=0; HttpOnly; SameSite=Strict`),
      );
      // The browser now holds the emptied cookie.
      const after = await codec('decode', { payloads: rawInput }, { cookie: cookieOf(out), origin: UI_ORIGIN });
      expect(after.status).toBe(401);
    });

    it('cookie session › key revoked afterwards › refused within the cache TTL, page shows logged out', async () => {
      const k = await h.registry.createApiKey(opsTenant, 'operator', 'to revoke');
      const cookie = cookieOf(await login(k.token));
      expect((await codec('decode', { payloads: rawInput }, { cookie })).status).toBe(200);
      await h.registry.revokeApiKey(k.keyId);
      await new Promise((r) => setTimeout(r, 400));
      const r = await codec('decode', { payloads: rawInput }, { cookie });
      expect(r.status).toBe(401);
      expect(await r.json()).toMatchObject({ detail: expect.stringContaining('revoked') });
      expect(await (await fetch(`${h.base}/codec/login`, { headers: { cookie } })).text()).toContain('not logged in');
    });

    it('cookie session › forged, tampered or expired value › not a session', () => {
      const sessions = new CodecSessions(Buffer.alloc(32, 1), 60_000);
      const { value } = sessions.issue('abcdefghijkl', 1_000_000);
      expect(sessions.verify(value, 1_000_000)?.keyId).toBe('abcdefghijkl');
      expect(sessions.verify(value, 1_000_000 + 61_000)).toBeUndefined();
      expect(sessions.verify(value.replace('abcdefghijkl', 'abcdefghijkm'), 1_000_000)).toBeUndefined();
      expect(new CodecSessions(Buffer.alloc(32, 2), 60_000).verify(value, 1_000_000)).toBeUndefined();
      expect(sessions.verify('v1.abcdefghijkl.99999999999.' + 'A'.repeat(43), 1_000_000)).toBeUndefined();
    });

    it('same-origin form › what Chromium sends (Origin: null, Sec-Fetch-Site: same-origin) › logged in; the page keeps its Origin on same-origin posts', async () => {
      const r = await login(ops.token, {
        origin: 'null',
        'sec-fetch-site': 'same-origin',
        'sec-fetch-mode': 'navigate',
      });
      expect(r.status).toBe(303);
      expect(r.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=v1\\.${ops.keyId}\\.`));
      // With no-referrer a browser posts the form with Origin: null; same-origin keeps the real origin (and no referrer leaves the site).
      expect((await fetch(`${h.base}/codec/login`)).headers.get('referrer-policy')).toBe('same-origin');
      const fromPage = await login(ops.token, { origin: h.base, 'sec-fetch-site': 'same-origin' });
      expect(fromPage.status).toBe(303);
    });

    it('cross-site › Sec-Fetch-Site cross-site or same-site, or Origin: null with no fetch metadata › login refused (403), no cookie', async () => {
      for (const headers of [
        { 'sec-fetch-site': 'cross-site' } as Record<string, string>,
        { 'sec-fetch-site': 'same-site', origin: 'http://localhost:8233' },
        { 'sec-fetch-site': 'cross-site', origin: 'null' },
        { origin: 'null' },
        { 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' },
      ]) {
        const r = await login(ops.token, { ...headers, accept: 'application/json' });
        expect(r.status, JSON.stringify(headers)).toBe(403);
        expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(r.headers.get('set-cookie')).toBeNull();
      }
    });

    it('cross-site › login posted from another origin › 403; cookie sent from a disallowed origin › ignored (401)', async () => {
      const r = await login(ops.token, { origin: 'https://evil.example', accept: 'application/json' });
      expect(r.status).toBe(403);
      expect(r.headers.get('set-cookie')).toBeNull();
      const cookie = cookieOf(await login(ops.token));
      const evil = await codec('decode', { payloads: rawInput }, { cookie, origin: 'http://localhost:9999' });
      expect(evil.status).toBe(401);
      expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    });
  });

  describe('CORS', () => {
    const preflight = (origin: string) =>
      fetch(`${h.base}/codec/decode`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
        },
      });

    it('preflight › from the Web UI origin › 204 granting POST, the headers and credentials to that origin only', async () => {
      const r = await preflight(UI_ORIGIN);
      expect(r.status).toBe(204);
      expect(r.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
      expect(r.headers.get('access-control-allow-credentials')).toBe('true');
      expect(r.headers.get('access-control-allow-methods')).toContain('POST');
      expect(r.headers.get('access-control-allow-headers')!.toLowerCase().split(/,\s*/)).toEqual(
        expect.arrayContaining(['content-type', 'x-namespace']),
      );
      expect(r.headers.get('vary')).toContain('Origin');
    });

    it('preflight › from another origin › refused with no CORS grant', async () => {
      const r = await preflight('https://evil.example');
      expect(r.status).toBe(403);
      expect(r.headers.get('access-control-allow-origin')).toBeNull();
      expect(r.headers.get('access-control-allow-credentials')).toBeNull();
      expect(r.headers.get('vary')).toContain('Origin');
    });

    it('error answers › to the Web UI origin › carry the grant, so the UI can read the 401', async () => {
      const r = await codec('decode', { payloads: rawInput }, { origin: UI_ORIGIN });
      expect(r.status).toBe(401);
      expect(r.headers.get('access-control-allow-origin')).toBe(UI_ORIGIN);
    });
  });

  it('logs › after all of the above › no plaintext payload, API key secret or session cookie', async () => {
    const cookie = cookieOf(await login(ops.token));
    await codec('decode', { payloads: rawInput }, { cookie });
    const all = h.logs.join('');
    expect(all).toContain('/codec/decode');
    expect(all).not.toContain('sk_live');
    expect(all).not.toContain(parseApiKey(ops.token)!.secret);
    expect(all).not.toContain(cookie.split('=')[1]!);
  });

  it('temporal CLI › workflow show --codec-endpoint --codec-auth › prints the decrypted input', async () => {
    const run = promisify(execFile);
    const args = [
      'workflow',
      'show',
      '--address',
      h.env.address,
      '--namespace',
      'default',
      '--workflow-id',
      workflowId,
      '--output',
      'json',
    ];
    const input = (stdout: string) =>
      (
        JSON.parse(stdout) as {
          events: { workflowExecutionStartedEventAttributes?: { input: { payloads: JsonPayload[] } } }[];
        }
      ).events[0]!.workflowExecutionStartedEventAttributes!.input.payloads[0]!;
    const raw = input((await run(temporalCliPath(), args)).stdout);
    expect(text(raw.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    const shown = input(
      (
        await run(temporalCliPath(), [
          ...args,
          '--codec-endpoint',
          `${h.base}/codec`,
          '--codec-auth',
          `Bearer ${ops.token}`,
        ])
      ).stdout,
    );
    expect(text(shown.metadata!.encoding)).toBe('json/plain');
    expect(JSON.parse(text(shown.data))).toEqual({ note: SECRET });
  });

  it('temporal CLI › workflow query with no query arguments --codec-endpoint --codec-auth › the decoded answer', async () => {
    // No arguments: the CLI encodes an empty Payloads, which proto3 JSON writes as {}.
    const { stdout } = await promisify(execFile)(temporalCliPath(), [
      'workflow',
      'query',
      '--address',
      h.env.address,
      '--namespace',
      'default',
      '--workflow-id',
      ACCESS_REGISTRY_WORKFLOW_ID,
      '--name',
      'accessSnapshot',
      '--codec-endpoint',
      `${h.base}/codec`,
      '--codec-auth',
      `Bearer ${ops.token}`,
      '--output',
      'json',
    ]);
    const answer = JSON.parse(stdout) as { queryResult: { tenants: { id: string }[] }[] };
    expect(answer.queryResult[0]!.tenants.map((t) => t.id)).toContain(opsTenant);
  });
});

describe('codec configuration and the embedded Web UI', () => {
  it('config › defaults › the embedded UI origins, the accounts tenant, the API on localhost', () => {
    const c = loadConfig({ TEMPORAL_UI_PORT: '9233', API_PORT: '3100' });
    expect(codecCorsOrigins(c)).toEqual(['http://localhost:9233', 'http://127.0.0.1:9233']);
    expect(codecTenants(c)).toEqual(['demo']);
    expect(codecEndpointUrl(c)).toBe('http://localhost:3100/codec');
    expect(c.CODEC_SESSION_HOURS).toBe(8);
    const d = loadConfig({
      CODEC_CORS_ORIGINS: 'https://ui.example.com, http://localhost:8080',
      CODEC_TENANTS: '*',
      PUBLIC_BASE_URL: 'https://api.example.com',
    });
    expect(codecCorsOrigins(d)).toEqual(['https://ui.example.com', 'http://localhost:8080']);
    expect(codecTenants(d)).toBe('*');
    expect(codecEndpointUrl(d)).toBe('https://api.example.com/codec');
    expect(() => loadConfig({ CODEC_CORS_ORIGINS: 'https://ui.example.com/path' })).toThrow(
      /CODEC_CORS_ORIGINS: each entry must be an origin/,
    );
  });

  it('docker-compose.yml › temporal-ui › pointed at the API codec with credentials, and its origin granted by the API', () => {
    const compose = parse(readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8'), { merge: true }) as {
      services: Record<string, { environment: Record<string, string> }>;
    };
    const ui = compose.services['temporal-ui']!.environment;
    expect(ui).toMatchObject({
      TEMPORAL_CODEC_ENDPOINT: 'http://localhost:3000/codec',
      TEMPORAL_CODEC_INCLUDE_CREDENTIALS: 'true',
    });
    const api = loadConfig({
      ...compose.services['boletoflow-api']!.environment,
      PAYLOAD_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32).toString('base64')}`,
    });
    expect(codecCorsOrigins(api)).toContain('http://localhost:8080');
    expect(codecEndpointUrl(api)).toBe(ui.TEMPORAL_CODEC_ENDPOINT);
  });

  it('embedded dev server › started as npm start does › its Web UI is configured with the codec endpoint', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'codec-ui-'));
    const [port, uiPort] = [await freePort(), await freePort()];
    const endpoint = 'http://localhost:3999/codec';
    const args = devServerArgs({
      cliPath: temporalCliPath(),
      dataDir,
      ip: '127.0.0.1',
      port,
      uiPort,
      namespace: 'boletoflow',
      codecEndpoint: endpoint,
    });
    const child = spawn(temporalCliPath(), args, { stdio: 'ignore' });
    try {
      let settings: { Codec?: { Endpoint?: string } } | undefined;
      for (let i = 0; i < 100 && !settings; i++) {
        settings = await fetch(`http://127.0.0.1:${uiPort}/api/v1/settings`)
          .then((r) => (r.ok ? (r.json() as Promise<typeof settings>) : undefined))
          .catch(() => undefined);
        if (!settings) await new Promise((r) => setTimeout(r, 200));
      }
      expect(settings?.Codec?.Endpoint).toBe(endpoint);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
