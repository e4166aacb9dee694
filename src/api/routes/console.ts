/**
 * The CS console (issue #9): a static page (src/api/console/: index.html, app.js, app.css; no build step) that CS
 * staff open in a browser. It calls the same /v1 endpoints as any client, with the API key CS pastes once (kept
 * in the tab's sessionStorage, sent as a Bearer token), so it needs no server-side session and no extra rights.
 *
 * Public (the page holds no data; every call it makes is authenticated) and not rate limited. Served with a
 * strict Content-Security-Policy: only this origin's script and style, no inline script or style, no framing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Router, type Response } from 'express';

/** Where the assets are: src/api/console under tsx, dist/src/api/console after `npm run build` (it copies them). */
export const CONSOLE_DIR = join(__dirname, '..', 'console');

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const ASSETS = [
  { path: '/console', file: 'index.html', type: 'text/html; charset=utf-8' },
  { path: '/console/app.js', file: 'app.js', type: 'text/javascript; charset=utf-8' },
  { path: '/console/app.css', file: 'app.css', type: 'text/css; charset=utf-8' },
] as const;

function securityHeaders(res: Response): void {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  // Revalidated on every load (ETag), so a new version is picked up at once.
  res.setHeader('Cache-Control', 'no-cache');
}

/** GET /console (also /console/), /console/app.js, /console/app.css; read once, at start-up (a missing file fails loudly). */
export function consoleRouter(dir = CONSOLE_DIR): Router {
  const router = Router({ strict: false });
  for (const a of ASSETS) {
    let body: Buffer;
    try {
      body = readFileSync(join(dir, a.file));
    } catch (e) {
      throw new Error(
        `CS console asset ${join(dir, a.file)} is missing (npm run build copies src/api/console to dist): ${(e as Error).message}`,
        { cause: e },
      );
    }
    router.get(a.path, (_req, res) => {
      res.locals.routeTemplate = a.path;
      securityHeaders(res);
      res.type(a.type).send(body);
    });
  }
  return router;
}
