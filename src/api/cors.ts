/**
 * CORS for the codec endpoint. The Temporal Web UI is another origin than this API and calls /codec/decode with
 * `Content-Type: application/json` and `X-Namespace` (so the browser sends a preflight first) and, with "include
 * credentials", the session cookie (so the answer must name the origin, never `*`, with Allow-Credentials).
 * Only the configured Web UI origins are granted; any other origin gets no CORS header and a refused preflight.
 */
import type { Request, RequestHandler } from 'express';
import { sendProblem } from './problem';

const ALLOWED_HEADERS = 'Content-Type, X-Namespace, Authorization';
const EXPOSED_HEADERS = 'X-Request-Id, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset';

export function codecCors(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    // Answers differ by Origin: caches must not hand one origin's grant to another.
    res.vary('Origin');
    const origin = req.get('origin');
    const granted = origin !== undefined && allowed.has(origin);
    if (granted) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    }
    if (req.method !== 'OPTIONS' || !req.get('access-control-request-method')) return next();
    if (!granted) {
      sendProblem(res, {
        type: 'forbidden',
        title: 'Origin not allowed',
        status: 403,
        detail: `${origin ?? 'A request without an Origin'} may not call the codec endpoint from a browser; add the Web UI's origin to CODEC_CORS_ORIGINS.`,
      });
      return;
    }
    res.setHeader('Access-Control-Allow-Methods', 'POST');
    res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
    res.setHeader('Access-Control-Max-Age', '600');
    // Chrome's Private Network Access: a UI on a public address calling an API on a private one asks first.
    if (req.get('access-control-request-private-network') === 'true')
      res.setHeader('Access-Control-Allow-Private-Network', 'true');
    res.status(204).end();
  };
}

/**
 * Whether a browser request comes from a page we trust with the session cookie: no Origin (a top-level navigation
 * or a non-browser client), this API's own origin, or a configured Web UI origin.
 */
export function trustedOrigin(req: Request, origins: readonly string[], publicBaseUrl?: string): boolean {
  const origin = req.get('origin');
  if (origin === undefined || origins.includes(origin)) return true;
  if (publicBaseUrl && new URL(publicBaseUrl).origin === origin) return true;
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false;
  }
}

/**
 * Whether a form post (the codec login) comes from this API's own page, so another site cannot log a browser in
 * to a session of its choosing. Browsers say where a request comes from in Sec-Fetch-Site: only `same-origin` is
 * ours (`same-site` is a sibling host, `cross-site` anyone). They may post a form with `Origin: null` (Chromium
 * does under a no-referrer policy), so that counts only with Sec-Fetch-Site: same-origin; a real Origin must be
 * ours. Without either header (curl, scripts) it is not a browser: nothing to protect, allowed.
 */
export function sameOriginPost(req: Request, publicBaseUrl?: string): boolean {
  const site = req.get('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin') return false;
  if (req.get('origin') === 'null') return site === 'same-origin';
  return trustedOrigin(req, [], publicBaseUrl);
}
