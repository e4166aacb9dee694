/**
 * The HTTP API as an express app, built from its dependencies so tests can run it on a random port
 * against a real Temporal server. Every response that is an error is problem+json.
 */
import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Client } from '@temporalio/client';
import type { Logger } from '../logging';
import { sendProblem } from './problem';
import { healthRouter } from './routes/health';

export interface AppDeps {
  client: Client;
  namespace: string;
  taskQueue: string;
  logger: Logger;
  startedAt?: number;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts a well-formed X-Request-Id from the caller or makes one; echoed on the response. */
const requestId: RequestHandler = (req, res, next) => {
  const given = req.get('x-request-id');
  const id = given && REQUEST_ID.test(given) ? given : randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
};

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestId);
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (_req, res) => res.getHeader('X-Request-Id') as string,
      customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      // Health probes would drown the log.
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      serializers: {
        req: (req: { id: unknown; method: unknown; url: unknown }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: unknown }) => ({ statusCode: res.statusCode }),
      },
    }),
  );

  app.use(
    healthRouter({ client: deps.client, namespace: deps.namespace, taskQueue: deps.taskQueue, startedAt: deps.startedAt ?? Date.now() }),
  );

  app.use((req, res) => {
    sendProblem(res, { type: 'not-found', title: 'Not Found', status: 404, detail: `No route for ${req.method} ${req.path}` });
  });

  const onError: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    const e = err as { status?: number; statusCode?: number; type?: string; expose?: boolean; message?: string };
    const status = e.status ?? e.statusCode ?? 500;
    if (status >= 400 && status < 500 && e.expose !== false) {
      // body-parser and friends: malformed JSON, payload too large, wrong content type.
      sendProblem(res, { type: e.type ?? 'bad-request', title: e.message ?? 'Bad Request', status });
      return;
    }
    req.log.error({ err }, 'unhandled error');
    sendProblem(res, { type: 'internal', title: 'Internal Server Error', status: 500, detail: 'Quote the requestId when reporting this.' });
  };
  app.use(onError);
  return app;
}
