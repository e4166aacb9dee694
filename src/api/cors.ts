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
    if (req.get('access-control-request-private-network') === 'true') res.setHeader('Access-Control-Allow-Private-Network', 'true');
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
