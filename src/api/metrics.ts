/**
 * Prometheus metrics of the API process (prom-client), served at /metrics. The worker's metrics (the Temporal
 * runtime's, plus bank-call metrics recorded in activities) are exported by the worker itself on
 * WORKER_METRICS_PORT.
 */
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export class ApiMetrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'boletoflow_http_request_duration_seconds',
    help: 'HTTP request latency by route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'boletoflow_api_' });
  }

  /** Observes every response; `route` is the declared template (never the raw URL: ids would explode cardinality). */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const end = this.httpDuration.startTimer();
      res.once('finish', () => {
        end({ method: req.method, route: (res.locals.routeTemplate as string | undefined) ?? 'unmatched', status: String(res.statusCode) });
      });
      next();
    };
  }
}
