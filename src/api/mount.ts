/**
 * Turns route declarations into express handlers: metrics label → (auth → role → rate limit) → JSON guard →
 * validation → handler. Handlers return nothing and write `res`; anything they throw becomes a problem+json
 * 500 with the request id (never internals).
 */
import type { Express, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Logger } from '../logging';
import { type AccessCache, authenticate, type Principal, requireRole, type SessionAuth } from './auth';
import { sendProblem } from './problem';
import type { ApiRoute } from './route';
import { zodFieldProblems } from './validation';

export interface MountOptions {
  access: AccessCache;
  rateLimitPerMinute: number;
  logger: Logger;
  /** How routes declared `browserSession` recognise a session (the codec login cookie). */
  session?: SessionAuth;
}

function perKeyRateLimit(perMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    // RateLimit-Limit / RateLimit-Remaining / RateLimit-Reset (+ Retry-After on 429)
    standardHeaders: 'draft-6',
    legacyHeaders: false,
    keyGenerator: (_req, res) => (res.locals.principal as Principal).keyId,
    handler: (_req, res) => {
      sendProblem(res, {
        type: 'rate-limited',
        title: 'Too many requests',
        status: 429,
        detail: `This API key may make ${perMinute} requests per minute; retry after the number of seconds in Retry-After.`,
      });
    },
  });
}

const jsonOnly: RequestHandler = (req, res, next) => {
  if (!req.is('application/json')) {
    sendProblem(res, {
      type: 'unsupported-media-type',
      title: 'Content-Type must be application/json',
      status: 415,
      detail: `Got ${req.get('content-type') ?? 'no Content-Type'}.`,
    });
    return;
  }
  next();
};

export function mountRoutes(app: Express, routes: readonly ApiRoute[], opts: MountOptions): void {
  const limiter = perKeyRateLimit(opts.rateLimitPerMinute);
  const auth = authenticate(opts.access);
  const browserAuth = opts.session ? authenticate(opts.access, opts.session) : auth;
  for (const route of routes) {
    const chain: RequestHandler[] = [
      (_req, res, next) => {
        res.locals.routeTemplate = route.path;
        next();
      },
    ];
    if (route.access !== 'public') {
      chain.push(route.browserSession ? browserAuth : auth, requireRole(route.access));
      if (route.rateLimited !== false) chain.push(limiter);
    }
    if (route.request?.body) chain.push(jsonOnly);
    chain.push(async (req, res) => {
      const input: Record<string, unknown> = {};
      const problems = [];
      for (const where of ['headers', 'params', 'query', 'body'] as const) {
        const schema = route.request?.[where];
        if (!schema) continue;
        const parsed = schema.safeParse(req[where] ?? (where === 'body' ? undefined : {}));
        if (parsed.success) input[where] = parsed.data;
        else problems.push(...zodFieldProblems(where, parsed.error));
      }
      if (problems.length) {
        sendProblem(res, {
          type: 'validation',
          title: 'The request has invalid fields',
          status: 400,
          errors: problems,
        });
        return;
      }
      await route.handler({
        headers: (input.headers ?? {}) as Record<string, string>,
        params: input.params,
        query: input.query,
        body: input.body,
        principal: res.locals.principal as Principal,
        req,
        res,
        log: req.log ?? opts.logger,
      } as never);
    });
    app[route.method](route.path, ...chain);
  }
  methodNotAllowed(app, routes);
}

/**
 * A path we serve, asked with a method it does not have: 405 with Allow (RFC 9110 §15.5.6), not 404. Mounted after
 * every route, in the routes' order, so a literal path (/v1/boletos/export.csv) still answers before a parameter
 * path (/v1/boletos/:id). OPTIONS goes on to express's own answer (CORS preflights are answered before the routes).
 */
function methodNotAllowed(app: Express, routes: readonly ApiRoute[]): void {
  const methods = new Map<string, Set<string>>();
  for (const r of routes) methods.set(r.path, (methods.get(r.path) ?? new Set()).add(r.method.toUpperCase()));
  for (const [path, allowed] of methods) {
    if (allowed.has('GET')) allowed.add('HEAD');
    const allow = [...allowed].join(', ');
    app.all(path, (req, res, next) => {
      if (req.method === 'OPTIONS' || allowed.has(req.method)) return next();
      res.locals.routeTemplate = path;
      res.setHeader('Allow', allow);
      sendProblem(res, {
        type: 'method-not-allowed',
        title: 'Method Not Allowed',
        status: 405,
        detail: `${req.method} is not allowed on ${path}; allowed: ${allow}.`,
      });
    });
  }
}
