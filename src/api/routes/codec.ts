/**
 * The Temporal remote codec protocol, so the Web UI and `temporal --codec-endpoint` show workflow payloads in
 * clear: POST /codec/decode and /codec/encode take and answer `{"payloads":[{"metadata":{k: base64},
 * "data": base64}]}` (Payloads as proto3 JSON), for this API's namespace only (X-Namespace).
 *
 * Who may: operator keys only, and only of the tenants in CODEC_TENANTS. The codec decrypts every payload of the
 * namespace, whatever tenant it belongs to (bank credentials and certificates from onboarding, payers' personal
 * data), so it is for the people who run the service: integrator keys are machines, and cs works through the
 * onboarding API, which shows what it needs without decrypting history.
 *
 * How: an API key header (the CLI's `--codec-auth "Bearer <key>"`), or, for the Web UI, which can only send
 * cookies, a session made at GET/POST /codec/login (src/api/codec-session.ts) and ended at /codec/logout.
 * Payload contents are never logged.
 */
import type { Request, Response } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { PayloadDecryptionError } from '../../temporal/codec';
import type { Role } from '../../contracts/access';
import { type AccessCache, type Principal, recordForApiKey, type SessionAuth } from '../auth';
import { type CodecSessions, clearedSessionCookie, type Session, sessionCookie } from '../codec-session';
import { sameOriginPost, trustedOrigin } from '../cors';
import { type FieldProblem, type Problem, sendProblem } from '../problem';
import { type ApiRoute, defineRoute } from '../route';
import { instant } from '../schemas/time';

/** See the module comment for why cs and integrator keys may not decrypt history. */
export const CODEC_ROLES: readonly Role[] = ['operator'];

export interface CodecDeps {
  access: AccessCache;
  sessions: CodecSessions;
  namespace: string;
  /** The client's payload codecs, applied in order to encode and in reverse to decode (as the SDK does). */
  codecs: readonly PayloadCodec[];
  /** Tenants whose operator keys may use the codec; '*' = any. */
  tenants: readonly string[] | '*';
  /** Web UI origins (CORS); with this API's own origin, the only pages whose requests may use the session. */
  corsOrigins: readonly string[];
  publicBaseUrl?: string;
}

const LOGIN_HINT = 'From a browser (the Temporal Web UI), log in once at /codec/login.';

/** How the codec routes recognise a login session: a valid cookie, sent from a page we trust. */
export const codecSessionAuth = (deps: CodecDeps): SessionAuth => ({
  keyId: (req) =>
    trustedOrigin(req, deps.corsOrigins, deps.publicBaseUrl) ? deps.sessions.fromRequest(req)?.keyId : undefined,
  hint: LOGIN_HINT,
});

const Base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const JsonPayload = z
  .object({
    metadata: z
      .record(z.string(), Base64)
      .optional()
      .meta({ description: 'Each value base64 (proto3 JSON bytes), e.g. encoding' }),
    data: Base64.optional(),
  })
  .meta({ id: 'CodecPayload', description: 'A temporal.api.common.v1.Payload in proto3 JSON' });
const PayloadList = z.array(JsonPayload).max(10_000);
const JsonPayloads = z.strictObject({ payloads: PayloadList }).meta({ id: 'CodecPayloads' });
/** What clients send: proto3 JSON leaves out an empty repeated field, so the CLI sends `{}` for no payloads (e.g. a query without arguments). */
const JsonPayloadsRequest = z
  .strictObject({
    payloads: PayloadList.default([]).meta({ description: 'Absent (`{}`, proto3 JSON of no payloads) = none' }),
  })
  .meta({ id: 'CodecPayloadsRequest' });
/** The Web UI and the CLI send the namespace; the document says which one is served (another is a 400 naming the header). */
const codecHeaders = (namespace: string) =>
  z.object({
    'x-namespace': z
      .literal(namespace, { error: `this codec endpoint serves namespace ${namespace} only` })
      .optional()
      .meta({
        description: `Namespace of the payloads (the Web UI and the CLI send it); only ${namespace} is served here`,
      }),
  });
const SessionInfo = z
  .object({ keyId: z.string(), tenantId: z.string(), role: z.string(), expiresAt: instant })
  .meta({ id: 'CodecSession', description: 'The login session set as an HttpOnly cookie' });

type JsonPayloadT = z.output<typeof JsonPayload>;

const fromJson = (p: JsonPayloadT): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const toJson = (p: Payload): JsonPayloadT => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
  ),
  ...(p.data?.length ? { data: Buffer.from(p.data).toString('base64') } : {}),
});

const allowsTenant = (deps: CodecDeps, tenantId: string) => deps.tenants === '*' || deps.tenants.includes(tenantId);

/** Role and tenant rules of the codec, for a principal or a key about to get a session; undefined = allowed. */
function refusal(deps: CodecDeps, p: Principal): Problem | undefined {
  if (CODEC_ROLES.includes(p.role) && allowsTenant(deps, p.tenantId)) return undefined;
  return {
    type: 'forbidden',
    title: 'Not allowed for this API key',
    status: 403,
    detail: CODEC_ROLES.includes(p.role)
      ? `The codec endpoint decrypts every tenant's payloads: only operator keys of the tenants in CODEC_TENANTS may use it, not of ${p.tenantId}.`
      : `The codec endpoint needs one of the roles ${CODEC_ROLES.join(', ')}; the key has role ${p.role}.`,
  };
}

export function codecRoutes(deps: CodecDeps): ApiRoute[] {
  async function run(
    kind: 'encode' | 'decode',
    payloads: JsonPayloadT[],
  ): Promise<{ payloads: JsonPayloadT[] } | FieldProblem[]> {
    const codecs = kind === 'encode' ? deps.codecs : [...deps.codecs].reverse();
    const out: JsonPayloadT[] = [];
    const errors: FieldProblem[] = [];
    // One payload at a time, so an error names the payload it is about.
    for (const [i, json] of payloads.entries()) {
      try {
        let p = [fromJson(json)];
        for (const codec of codecs) p = await codec[kind](p);
        out.push(toJson(p[0]!));
      } catch (e) {
        errors.push({
          field: `body.payloads[${i}]`,
          reason: e instanceof PayloadDecryptionError ? e.message : `cannot be ${kind}d`,
        });
      }
    }
    return errors.length ? errors : { payloads: out };
  }

  const codecRoute = (kind: 'encode' | 'decode') =>
    defineRoute({
      method: 'post',
      path: `/codec/${kind}`,
      operationId: `codec${kind === 'decode' ? 'Decode' : 'Encode'}`,
      summary:
        kind === 'decode'
          ? 'Decrypt workflow payloads (Temporal remote codec protocol)'
          : 'Encrypt payloads as the service does (Temporal remote codec protocol)',
      description:
        'For the Temporal Web UI (session cookie from /codec/login, CORS for CODEC_CORS_ORIGINS) and `temporal --codec-endpoint <api>/codec ' +
        '--codec-auth "Bearer <key>"`. Operator keys of the tenants in CODEC_TENANTS only.',
      tags: ['codec'],
      access: CODEC_ROLES,
      browserSession: true,
      request: { headers: codecHeaders(deps.namespace), body: JsonPayloadsRequest },
      responses: {
        200: { description: `The payloads, ${kind}d, in the same order`, schema: JsonPayloads },
        400: {
          description:
            'Invalid body, another namespace, or a payload that cannot be decoded (e.g. its key id is not configured); errors names each payload',
        },
      },
      handler: async ({ body, principal, res }) => {
        const problem = refusal(deps, principal);
        if (problem) return sendProblem(res, problem);
        const result = await run(kind, body.payloads);
        if (Array.isArray(result)) {
          return sendProblem(res, {
            type: `payload-not-${kind}d`,
            title: `Some payloads cannot be ${kind}d`,
            status: 400,
            errors: result,
          });
        }
        res.setHeader('Cache-Control', 'no-store');
        res.json(result);
      },
    });

  const wantsHtml = (req: Request) => req.accepts(['application/json', 'text/html']) === 'text/html';
  const secure = (req: Request) => req.secure || deps.publicBaseUrl?.startsWith('https:') === true;
  const endpointFor = (req: Request) =>
    `${deps.publicBaseUrl?.replace(/\/+$/, '') ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`}/codec`;

  /** The session on this request whose key is still valid, with that key. */
  async function currentSession(req: Request): Promise<{ session: Session; principal: Principal } | undefined> {
    const session = deps.sessions.fromRequest(req);
    const record = session && (await deps.access.find(session.keyId).catch(() => undefined));
    return session && record && !record.revokedAt
      ? { session, principal: { keyId: record.keyId, tenantId: record.tenantId, role: record.role } }
      : undefined;
  }

  function refuse(req: Request, res: Response, problem: Problem): void {
    if (!wantsHtml(req)) return sendProblem(res, problem);
    htmlHeaders(res);
    res
      .status(problem.status)
      .type('html')
      .send(loginPage({ endpoint: endpointFor(req), error: problem.detail ?? problem.title }));
  }

  return [
    codecRoute('decode'),
    codecRoute('encode'),
    defineRoute({
      method: 'get',
      path: '/codec/login',
      operationId: 'codecLoginPage',
      summary: 'Page where an operator logs the browser in to the codec endpoint (for the Temporal Web UI)',
      tags: ['codec'],
      access: 'public',
      responses: {
        200: {
          description: 'HTML page: the session status, the login form and how to set up the Web UI',
          contentType: 'text/html',
          schema: z.string(),
        },
      },
      handler: async ({ req, res }) => {
        const current = await currentSession(req);
        htmlHeaders(res);
        res.type('html').send(loginPage({ endpoint: endpointFor(req), ...(current ? { current } : {}) }));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/codec/login',
      operationId: 'codecLogin',
      summary: 'Exchange an operator API key for a codec session cookie',
      description:
        'Form field (application/x-www-form-urlencoded) or JSON property `apiKey`. Sets an HttpOnly, SameSite=Strict cookie (Path=/codec) holding a ' +
        'signed, expiring session (never the key); the key is checked again on every request, so revoking it ends the session. ' +
        'A browser form gets a 303 back to the page; other clients get the session as JSON.',
      tags: ['codec'],
      access: 'public',
      responses: {
        200: { description: 'Logged in (Set-Cookie)', schema: SessionInfo },
        303: { description: 'Logged in (Set-Cookie); back to the login page' },
        401: { description: 'No apiKey given, or an unknown, malformed or revoked one' },
        403: { description: 'Not an operator key of a tenant in CODEC_TENANTS, or posted from another site' },
      },
      handler: async ({ req, res, log }) => {
        if (!sameOriginPost(req, deps.publicBaseUrl)) {
          return refuse(req, res, {
            type: 'forbidden',
            title: 'Cross-site login refused',
            status: 403,
            detail: 'Log in from this API’s own /codec/login page.',
          });
        }
        const given = (req.body as { apiKey?: unknown } | undefined)?.apiKey;
        const apiKey = typeof given === 'string' ? given.trim() : '';
        if (!apiKey)
          return refuse(req, res, {
            type: 'unauthorized',
            title: 'API key required',
            status: 401,
            detail: 'Paste an operator API key (bfk_…).',
          });
        let record;
        try {
          record = await recordForApiKey(deps.access, apiKey);
        } catch (err) {
          log.error({ err }, 'access registry unavailable');
          return refuse(req, res, {
            type: 'unavailable',
            title: 'Service temporarily unavailable',
            status: 503,
            detail: 'Could not verify the API key; retry shortly.',
          });
        }
        if (!record)
          return refuse(req, res, {
            type: 'invalid-api-key',
            title: 'API key not valid',
            status: 401,
            detail: 'The API key is unknown, malformed or revoked.',
          });
        const principal: Principal = { keyId: record.keyId, tenantId: record.tenantId, role: record.role };
        const problem = refusal(deps, principal);
        if (problem) return refuse(req, res, problem);
        const { value, session } = deps.sessions.issue(record.keyId);
        res.setHeader('Set-Cookie', sessionCookie(value, Math.floor(deps.sessions.ttlMs / 1000), secure(req)));
        res.setHeader('Cache-Control', 'no-store');
        log.info(
          { keyId: record.keyId, tenantId: record.tenantId, expiresAt: session.expiresAt.toISOString() },
          'codec session started',
        );
        if (wantsHtml(req)) return void res.redirect(303, 'login');
        res.json({ ...principal, expiresAt: session.expiresAt.toISOString() });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/codec/logout',
      operationId: 'codecLogout',
      summary: 'End the codec session of this browser (clears the cookie)',
      tags: ['codec'],
      access: 'public',
      responses: { 204: { description: 'Logged out' }, 303: { description: 'Logged out; back to the login page' } },
      handler: ({ req, res }) => {
        res.setHeader('Set-Cookie', clearedSessionCookie(secure(req)));
        if (wantsHtml(req)) return void res.redirect(303, 'login');
        res.status(204).end();
      },
    }),
  ];
}

function htmlHeaders(res: Response): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  res.setHeader('X-Frame-Options', 'DENY');
  // Not no-referrer: under it Chromium posts the login form with Origin: null. same-origin still sends nothing elsewhere.
  res.setHeader('Referrer-Policy', 'same-origin');
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(p: {
  endpoint: string;
  current?: { session: Session; principal: Principal };
  error?: string;
}): string {
  const status = p.current
    ? `<p class="ok">This browser is logged in with key <code>${escapeHtml(p.current.principal.keyId)}</code> (tenant ${escapeHtml(p.current.principal.tenantId)}, ` +
      `${escapeHtml(p.current.principal.role)}) until ${escapeHtml(p.current.session.expiresAt.toISOString())}.</p>` +
      '<form method="post" action="logout"><button>Log out</button></form>'
    : '<p>This browser is not logged in.</p>';
  const endpoint = escapeHtml(p.endpoint);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>boletoflow · codec login</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#1f2933}
input{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}button{font:inherit;padding:.3rem 1rem;margin-top:.5rem}
code{background:#eef2f6;padding:0 .25rem}.ok{color:#0b6e4f}.err{color:#b00020}</style></head>
<body><h1>Decrypt payloads in the Temporal Web UI</h1>
${p.error ? `<p class="err">${escapeHtml(p.error)}</p>` : ''}${status}
<form method="post" action="login"><label for="apiKey">Operator API key</label>
<input id="apiKey" name="apiKey" type="password" autocomplete="off" required placeholder="bfk_…"><button>Log in</button></form>
<p>The key is not kept in the browser: it gets an HttpOnly cookie holding a signed session that ends when it expires, when you log
out, or when the key is revoked.</p>
<h2>In the Web UI</h2>
<p>Open the Web UI from the same host name as this page (e.g. both <code>localhost</code>). In its <b>Codec Server</b> settings
(the data encoder button in the header):</p>
<ol><li>choose <i>Use my browser setting and ignore cluster-level setting</i>;</li>
<li>endpoint <code>${endpoint}</code>;</li>
<li>tick <i>Include cross-origin credentials</i>, then <b>Apply</b>.</li></ol>
<p>A Web UI whose server sets <code>TEMPORAL_CODEC_ENDPOINT=${endpoint}</code> and <code>TEMPORAL_CODEC_INCLUDE_CREDENTIALS=true</code> needs none of this.
From the CLI: <code>temporal workflow show --codec-endpoint ${endpoint} --codec-auth "Bearer &lt;key&gt;" …</code></p>
</body></html>`;
}
