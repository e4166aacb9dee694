/**
 * The HTTP API as an express app, built from its dependencies so tests can run it on a random port against
 * a real Temporal server. Every error response is problem+json (RFC 9457) with the request id.
 */
import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { absolutePath as swaggerUiPath } from 'swagger-ui-dist';
import type { Client } from '@temporalio/client';
import { AccessRegistryClient } from '../access/registry-client';
import { requestScope } from '../temporal/request-id';
import { API_BOUNDS, WorkersUnavailable, WORKERS_RETRY_AFTER_S } from '../temporal/bounded';
import type { Logger } from '../logging';
import { AccessCache } from './auth';
import { CodecSessions } from './codec-session';
import { codecCors } from './cors';
import { ApiMetrics } from './metrics';
import { mountRoutes } from './mount';
import { buildOpenApiDocument, docsInit, docsPage } from './openapi';
import { sendProblem } from './problem';
import type { ApiRoute } from './route';
import { AccountDirectory } from '../boletos/directory';
import { type BoletoRecords, isStoreUnavailable, RecordsNotConfigured, unconfiguredRecords } from '../records';
import { apiKeyRoutes } from './routes/api-keys';
import { boletoRecordRoutes } from './routes/boleto-records';
import { boletoRoutes } from './routes/boletos';
import { webhookEndpointRoutes } from './routes/webhook-endpoint';
import { createHintGuard, webhookRoutes } from './routes/webhooks';
import { BANKS, bankModule } from '../banks';
import type { BankCode } from '../contracts/bank';
import { healthRoutes } from './routes/health';
import { meRoutes } from './routes/me';
import { DEFAULT_ONBOARDING_POLICY, onboardingRoutes } from './routes/onboardings';
import type { OnboardingPolicy } from '../contracts/onboarding';
import { codecRoutes, codecSessionAuth } from './routes/codec';
import { consoleRouter } from './routes/console';

export interface AppDeps {
  client: Client;
  namespace: string;
  taskQueue: string;
  logger: Logger;
  startedAt?: number;
  rateLimitPerMinute?: number;
  bodyLimit?: string;
  publicBaseUrl?: string;
  /** Override the access cache (tests shorten its TTL). */
  access?: AccessCache;
  /** How long the default access cache keeps its last good snapshot while the registry cannot answer (ms, default 0). */
  accessGraceMs?: number;
  /** WEBHOOK_ALLOWED_HOSTS: non-public tenant webhook targets that may be registered (default none). */
  webhookAllowedHosts?: readonly string[];
  /** Environment accounts, by bank, whose webhooks carry no agreed Authorization (shown on /readyz; the API process warns at start). */
  unverifiedWebhookAccounts?: Partial<Record<BankCode, readonly string[]>>;
  /** Limits on unauthenticated webhook hints, every bank's, one shared budget (default DEFAULT_UNSIGNED_HINTS in ./routes/webhooks.ts). */
  unsignedHints?: { perSourcePerMinute: number; windowMs: number };
  /** Bank accounts and who owns them (default: none; the API process builds it from the environment). */
  directory?: AccountDirectory;
  /** The records store (boleto reads, Idempotency-Keys). Without one, boleto routes answer 503. */
  records?: BoletoRecords;
  /** How long POST /v1/boletos waits for the bank before answering 202. */
  registerWaitMs?: number;
  /** Onboarding timing policy and the support address copied on manager e-mails. */
  onboarding?: { policy?: OnboardingPolicy; supportEmail?: string; webhookBaseUrl?: string };
  /** The codec endpoint (/codec) for the Temporal Web UI and CLI; it uses the client's payload codecs. */
  codec?: {
    /** Signs login sessions; every API process of an installation needs the same (default: random, this process only). */
    sessionSecret?: Buffer;
    sessionTtlMs?: number;
    /** Web UI origins granted CORS with credentials (default: none). */
    corsOrigins?: readonly string[];
    /** Tenants whose operator keys may use it; '*' = any (default). */
    tenants?: readonly string[] | '*';
  };
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Query parameters whose values are personal data (the payer's CPF/CNPJ): logged as [redacted]. */
const PERSONAL_QUERY = /([?&]payerDocument=)[^&#]*/gi;
export const redactUrl = (url: unknown): unknown =>
  typeof url === 'string' ? url.replace(PERSONAL_QUERY, '$1[redacted]') : url;

/** Accepts a well-formed X-Request-Id from the caller or makes one; echoed on the response. */
const requestId: RequestHandler = (req, res, next) => {
  const given = req.get('x-request-id');
  const id = given && REQUEST_ID.test(given) ? given : randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  // Everything this request does (incl. Temporal calls) runs in its scope: the id travels to workflow logs.
  requestScope.run({ requestId: id }, next);
};

export interface BuiltApp {
  app: Express;
  routes: readonly ApiRoute[];
  openapi: Record<string, unknown>;
  metrics: ApiMetrics;
  access: AccessCache;
}

export function buildApp(deps: AppDeps): BuiltApp {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('query parser', 'simple');
  const metrics = new ApiMetrics();
  const registry = new AccessRegistryClient(deps.client, deps.taskQueue, undefined, API_BOUNDS);
  const directory = deps.directory ?? new AccountDirectory([]);
  const access =
    deps.access ?? new AccessCache(registry, { ttlMs: 5_000, minRefreshMs: 1_000, graceMs: deps.accessGraceMs ?? 0 });
  const records = deps.records ?? unconfiguredRecords();
  // Unauthenticated webhook hints (every bank's) share one budget per source address.
  const hintGuard = createHintGuard(deps.unsignedHints, deps.logger);

  app.use(requestId);
  app.use(metrics.middleware());
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (_req, res) => res.getHeader('X-Request-Id') as string,
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      // Health probes and scrapes would drown the log.
      autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') },
      serializers: {
        // A payer's document may be a list filter: it never reaches the log.
        req: (req: { id: unknown; method: unknown; url: unknown }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
        }),
        // The wrapped response reports null until headers are flushed; the raw one knows the status.
        res: (res: { statusCode: unknown; raw?: { statusCode?: number } }) => ({
          statusCode: res.raw?.statusCode ?? res.statusCode,
        }),
      },
    }),
  );
  // A bank's webhook OAuth token request is a form (RFC 6749); nothing else accepts forms.
  app.use('/webhooks/:bank/:accountId/oauth/token', express.urlencoded({ extended: false, limit: '8kb' }));
  // The codec's login form; its CORS answers (preflights included) come before authentication.
  app.use('/codec/login', express.urlencoded({ extended: false, limit: '8kb' }));
  const codec = {
    access,
    sessions: new CodecSessions(deps.codec?.sessionSecret, deps.codec?.sessionTtlMs),
    namespace: deps.namespace,
    codecs: deps.client.options.loadedDataConverter.payloadCodecs,
    tenants: deps.codec?.tenants ?? '*',
    corsOrigins: deps.codec?.corsOrigins ?? [],
    ...(deps.publicBaseUrl ? { publicBaseUrl: deps.publicBaseUrl } : {}),
  };
  app.use('/codec', codecCors(codec.corsOrigins));
  app.use(
    express.json({ limit: deps.bodyLimit ?? '256kb', strict: true, type: ['application/json', 'application/*+json'] }),
  );

  const routes: ApiRoute[] = [
    ...healthRoutes({
      client: deps.client,
      namespace: deps.namespace,
      taskQueue: deps.taskQueue,
      startedAt: deps.startedAt ?? Date.now(),
      access,
      ...(deps.records ? { records: deps.records } : {}),
      ...(deps.unverifiedWebhookAccounts ? { unverifiedWebhookAccounts: deps.unverifiedWebhookAccounts } : {}),
    }),
    ...meRoutes(),
    ...apiKeyRoutes({ registry, access }),
    ...webhookEndpointRoutes({
      registry,
      ...(deps.webhookAllowedHosts ? { allowedHosts: deps.webhookAllowedHosts } : {}),
    }),
    // The store's collection routes first: /v1/boletos/export.csv is not a boleto id.
    ...boletoRecordRoutes({ records }),
    ...boletoRoutes({
      client: deps.client,
      taskQueue: deps.taskQueue,
      directory,
      registerWaitMs: deps.registerWaitMs ?? 10_000,
      records,
    }),
    ...onboardingRoutes({
      client: deps.client,
      taskQueue: deps.taskQueue,
      directory,
      policy: deps.onboarding?.policy ?? DEFAULT_ONBOARDING_POLICY,
      publicBaseUrl: deps.onboarding?.webhookBaseUrl ?? deps.publicBaseUrl ?? 'http://localhost:3000',
      ...(deps.onboarding?.supportEmail ? { supportEmail: deps.onboarding.supportEmail } : {}),
    }),
    // Each bank's own routes (e.g. a token keeper's, for operators).
    ...(Object.keys(BANKS) as BankCode[]).flatMap(
      (bank) => bankModule(bank).api.routes?.({ client: deps.client, taskQueue: deps.taskQueue, directory }) ?? [],
    ),
    ...webhookRoutes({ client: deps.client, directory, metrics, logger: deps.logger, hintGuard }),
    ...codecRoutes(codec),
  ];
  metrics.boletosGauge(() => records.countsByStatus());
  const openapi = buildOpenApiDocument(routes, deps.publicBaseUrl);

  app.get('/openapi.json', (_req, res) => void res.json(openapi));
  app.get('/docs', (_req, res) => void res.type('html').send(docsPage('/openapi.json')));
  app.get('/docs/init.js', (_req, res) => void res.type('application/javascript').send(docsInit));
  app.use('/docs/assets', express.static(swaggerUiPath(), { index: false, maxAge: '1h' }));
  // The CS console: a static page calling /v1 with the CS key (public, not rate limited, strict CSP).
  app.use(consoleRouter());
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  mountRoutes(app, routes, {
    access,
    rateLimitPerMinute: deps.rateLimitPerMinute ?? 600,
    logger: deps.logger,
    session: codecSessionAuth(codec),
  });

  app.use((req, res) => {
    sendProblem(res, {
      type: 'not-found',
      title: 'Not Found',
      status: 404,
      detail: `No route for ${req.method} ${req.path}`,
    });
  });

  const onError: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    const e = err as { status?: number; statusCode?: number; type?: string; expose?: boolean; message?: string };
    const status = e.status ?? e.statusCode ?? 500;
    if (res.headersSent) {
      req.log.error({ err }, 'error after the response started');
      return;
    }
    if (err instanceof RecordsNotConfigured) {
      sendProblem(res, {
        type: 'temporarily-unavailable',
        title: 'The records store is not configured',
        status: 503,
        detail: err.message,
      });
    } else if (err instanceof WorkersUnavailable) {
      // No worker polling (all restarting): a query or update could not be answered in time (src/temporal/bounded.ts).
      req.log.warn({ err: err.message }, 'no worker answered');
      res.setHeader('Retry-After', String(WORKERS_RETRY_AFTER_S));
      sendProblem(res, {
        type: 'temporarily-unavailable',
        title: 'Temporarily unavailable',
        status: 503,
        detail: err.mayStillApply
          ? 'No worker answered in time. The request may still be applied once the workers are back: read the resource before retrying.'
          : 'No worker answered in time; nothing was changed. Retry shortly.',
      });
    } else if (isStoreUnavailable(err)) {
      req.log.warn({ err }, 'records store unavailable');
      res.setHeader('Retry-After', '5');
      sendProblem(res, {
        type: 'temporarily-unavailable',
        title: 'Temporarily unavailable',
        status: 503,
        detail: 'The records store cannot be reached; nothing was changed. Retry shortly.',
      });
    } else if (e.type === 'entity.parse.failed') {
      sendProblem(res, { type: 'malformed-json', title: 'The body is not valid JSON', status: 400, detail: e.message });
    } else if (e.type === 'entity.too.large') {
      sendProblem(res, {
        type: 'payload-too-large',
        title: 'The body is larger than allowed',
        status: 413,
        detail: `Limit: ${deps.bodyLimit ?? '256kb'}.`,
      });
    } else if (status >= 400 && status < 500 && e.expose !== false) {
      // Other body-parser refusals: bad charset, unsupported encoding, aborted requests.
      sendProblem(res, { type: 'bad-request', title: e.message ?? 'Bad Request', status });
    } else {
      req.log.error({ err }, 'unhandled error');
      sendProblem(res, {
        type: 'internal',
        title: 'Internal Server Error',
        status: 500,
        detail: 'Quote the requestId when reporting this.',
      });
    }
  };
  app.use(onError);
  return { app, routes, openapi, metrics, access };
}

export const createApp = (deps: AppDeps): Express => buildApp(deps).app;
