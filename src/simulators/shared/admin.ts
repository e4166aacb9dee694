/**
 * The `/__sim/...` admin API every simulator shares (clock, tick, webhook target and deliveries), plus the small
 * HTTP plumbing (listen on a port, close with every connection, JSON errors). Bank-specific admin routes
 * (pay, settle, cancel, list boletos) are added by each simulator on the same router.
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https';
import express, { type Express, type Request, type Response, type Router } from 'express';
import { brtIso, DAY_MS, type SimClock } from './clock';
import type { WebhookQueue, WebhookTarget } from './webhooks';

export interface TickReport {
  now: string;
  /** Jobs that ran (e.g. "paid 3", "settled 3"), for humans and tests. */
  jobs: string[];
  webhooksAttempted: number;
}

export interface SimulatorCore {
  clock: SimClock;
  webhooks: WebhookQueue;
  getWebhookTarget(): WebhookTarget | undefined;
  setWebhookTarget(t: WebhookTarget | undefined): void;
  /** Runs every background job that is due at the clock's now, then delivers due webhooks. */
  tick(): Promise<TickReport>;
}

/** Wraps an async route so a thrown error becomes a JSON 500 instead of an unhandled rejection. */
export const route =
  (fn: (req: Request, res: Response) => unknown) =>
  (req: Request, res: Response): void => {
    Promise.resolve()
      .then(() => fn(req, res))
      .catch((e: unknown) => {
        if (!res.headersSent) res.status(500).json({ error: (e as Error).message });
      });
  };

const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : 0);

/**
 * Clock, tick and webhook admin routes, mounted under /__sim:
 *   GET  /__sim/clock                          → { now, today, frozen }
 *   POST /__sim/clock { now }                  set the clock (forward only), then tick
 *   POST /__sim/clock/advance { days, hours, minutes, seconds, stepDays? }  move forward, ticking each day on the way
 *   POST /__sim/tick                           run due jobs and deliver due webhooks now
 *   GET  /__sim/webhooks                       deliveries (state, attempts, body)
 *   PUT  /__sim/webhook { url, auth?, oauth? } where notifications go (DELETE to stop); oauth = token first
 */
export function sharedAdminRouter(core: SimulatorCore): Router {
  const r = express.Router();
  const clockView = () => ({
    now: brtIso(core.clock.now()),
    epochMs: core.clock.now(),
    today: core.clock.today(),
    frozen: core.clock.frozen,
  });
  r.get('/clock', (_req, res) => void res.json(clockView()));
  r.post(
    '/clock',
    route(async (req, res) => {
      const at = Date.parse(String((req.body as { now?: string }).now));
      if (Number.isNaN(at)) return res.status(400).json({ error: 'now must be an ISO instant' });
      core.clock.set(at);
      const report = await core.tick();
      res.json({ ...clockView(), tick: report });
    }),
  );
  r.post(
    '/clock/advance',
    route(async (req, res) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const total = num(b.days) * DAY_MS + num(b.hours) * 3600_000 + num(b.minutes) * 60_000 + num(b.seconds) * 1000;
      if (!(total >= 0)) return res.status(400).json({ error: 'advance by a non-negative amount' });
      // Walk in steps (default 1 hour) so that every job runs at (about) its own time, in order.
      const step = Math.max(60_000, num(b.stepMinutes) * 60_000 || 3600_000);
      const reports: TickReport[] = [];
      let left = total;
      while (left > 0) {
        const d = Math.min(step, left);
        core.clock.advance(d);
        left -= d;
        const t = await core.tick();
        if (t.jobs.length || t.webhooksAttempted) reports.push(t);
      }
      if (total === 0) reports.push(await core.tick());
      res.json({ ...clockView(), ticks: reports });
    }),
  );
  r.post(
    '/tick',
    route(async (_req, res) => res.json(await core.tick())),
  );
  // Subscriber OAuth secrets are not shown back.
  const shownTarget = (t: WebhookTarget | undefined) =>
    t && { url: t.url, ...(t.oauth ? { oauthTokenUrl: t.oauth.tokenUrl } : {}) };
  r.get(
    '/webhooks',
    (_req, res) =>
      void res.json({
        target: core.getWebhookTarget()?.url ?? null,
        deliveries: core.webhooks
          .list()
          .map(({ target, ...d }) => ({ ...d, ...(target ? { target: shownTarget(target) } : {}) })),
      }),
  );
  r.put('/webhook', (req, res) => {
    const b = req.body as Partial<WebhookTarget>;
    if (typeof b.url !== 'string' || !/^https?:\/\//.test(b.url))
      return void res.status(400).json({ error: 'url must be http(s)' });
    if (
      b.oauth !== undefined &&
      (typeof b.oauth?.tokenUrl !== 'string' ||
        typeof b.oauth.clientId !== 'string' ||
        typeof b.oauth.clientSecret !== 'string')
    ) {
      return void res.status(400).json({ error: 'oauth needs tokenUrl, clientId and clientSecret' });
    }
    core.setWebhookTarget({ url: b.url, ...(b.auth ? { auth: b.auth } : {}), ...(b.oauth ? { oauth: b.oauth } : {}) });
    res.json({ url: b.url });
  });
  r.delete('/webhook', (_req, res) => {
    core.setWebhookTarget(undefined);
    res.status(204).end();
  });
  return r;
}

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/**
 * Listens (port 0 = any free port) and returns the URL; close() also drops kept-alive and held connections.
 * With `tls`, an HTTPS server (mutual TLS when `requestCert` + `rejectUnauthorized`).
 */
export function listen(
  app: Express,
  port: number,
  host = '127.0.0.1',
  tls?: HttpsServerOptions,
): Promise<RunningServer> {
  const server: Server = tls ? createHttpsServer(tls, app) : createServer(app);
  const scheme = tls ? 'https' : 'http';
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address() as AddressInfo;
      const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host;
      resolve({
        url: `${scheme}://${shownHost}:${actual}`,
        port: actual,
        server,
        close: () =>
          new Promise<void>((res) => {
            server.close(() => res());
            server.closeAllConnections();
          }),
      });
    });
  });
}

export interface MtlsSimulatorServers {
  /** The API listener: mutual TLS, a client certificate from the test CA or the handshake fails. */
  server: RunningServer;
  /** The TLS-only listener (admin, certificate requests). */
  publicServer: RunningServer;
  /** Stops the auto-tick, waits for a running tick, flushes the state, closes both listeners. */
  close: () => Promise<void>;
}

/**
 * The two HTTPS listeners of a bank simulator behind mutual TLS (Itaú, Sicoob) with the simulator's test CA, and the
 * auto-tick timer: what each such simulator does the same way once its routes are built.
 */
export async function startMtlsServers(p: {
  app: Express;
  pub: Express;
  pki: { serverKeyPem: string; serverCertPem: string; caCertPem: string };
  port?: number;
  publicPort?: number;
  host?: string;
  tlsMaxVersion: 'TLSv1.2' | 'TLSv1.3';
  autoTickMs?: number;
  tick: () => Promise<unknown>;
  idle: () => Promise<void>;
  flush?: () => void;
}): Promise<MtlsSimulatorServers> {
  const tlsBase = { key: p.pki.serverKeyPem, cert: p.pki.serverCertPem, ca: p.pki.caCertPem };
  let server: RunningServer;
  let publicServer: RunningServer;
  try {
    server = await listen(p.app, p.port ?? 0, p.host, {
      ...tlsBase,
      requestCert: true,
      rejectUnauthorized: true,
      maxVersion: p.tlsMaxVersion,
    });
    publicServer = await listen(p.pub, p.publicPort ?? 0, p.host, { ...tlsBase, requestCert: false });
  } catch (e) {
    p.flush?.();
    throw e;
  }
  const timer = p.autoTickMs ? setInterval(() => void p.tick().catch(() => undefined), p.autoTickMs) : undefined;
  timer?.unref();
  return {
    server,
    publicServer,
    close: async () => {
      if (timer) clearInterval(timer);
      await p.idle();
      p.flush?.();
      await Promise.all([server.close(), publicServer.close()]);
    },
  };
}
