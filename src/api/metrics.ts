/**
 * Prometheus metrics of the API process (prom-client), served at /metrics. The worker's metrics (the Temporal
 * runtime's, plus bank-call metrics recorded in activities) are exported by the worker itself on
 * WORKER_METRICS_PORT.
 */
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BankEvent } from '../contracts/bank';

export class ApiMetrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'boletoflow_http_request_duration_seconds',
    help: 'HTTP request latency by route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });

  readonly webhookLag = new Histogram({
    name: 'boletoflow_webhook_lag_seconds',
    help: 'From the bank event time to the event signalled to its workflow',
    labelNames: ['bank'] as const,
    buckets: [0.1, 0.5, 1, 5, 30, 60, 300, 1800, 3600, 6 * 3600, 24 * 3600, 3 * 24 * 3600],
    registers: [this.registry],
  });

  readonly webhookHints = new Counter({
    name: 'boletoflow_webhook_hints_total',
    help: 'Unauthenticated webhook items (hints) by source and outcome: signalled, merged (into a pending signal) or ignored (no known boleto)',
    labelNames: ['source', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'boletoflow_api_' });
  }

  /** Lag of the newest fact in a delivery (older ones in the same notification are history). */
  observeWebhookLag(bank: string, events: BankEvent[], receivedAtMs: number): void {
    const times = events.map((e) => Date.parse(e.occurredAt)).filter((t) => !Number.isNaN(t));
    if (times.length) this.webhookLag.observe({ bank }, Math.max(0, (receivedAtMs - Math.max(...times)) / 1000));
  }

  countWebhookHints(source: string, outcome: 'signalled' | 'merged' | 'ignored', n = 1): void {
    this.webhookHints.inc({ source, outcome }, n);
  }

  /** boletoflow_boletos{status,bank}: counted from Temporal visibility at scrape time (cached). */
  boletosGauge(counts: () => Promise<{ status: string; bank: string; n: number }[]>, cacheMs = 30_000): void {
    let cached: { at: number; values: { status: string; bank: string; n: number }[] } | undefined;
    new Gauge({
      name: 'boletoflow_boletos',
      help: 'Boletos by status and bank (from the records store)',
      labelNames: ['status', 'bank'] as const,
      registers: [this.registry],
      async collect() {
        if (!cached || Date.now() - cached.at > cacheMs)
          cached = { at: Date.now(), values: await counts().catch(() => cached?.values ?? []) };
        for (const v of cached.values) this.set({ status: v.status, bank: v.bank }, v.n);
      },
    });
  }

  /** Observes every response; `route` is the declared template (never the raw URL: ids would explode cardinality). */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const end = this.httpDuration.startTimer();
      res.once('finish', () => {
        end({
          method: req.method,
          route: (res.locals.routeTemplate as string | undefined) ?? 'unmatched',
          status: String(res.statusCode),
        });
      });
      next();
    };
  }
}
