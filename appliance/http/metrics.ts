// Prometheus metrics: one registry per appliance (tests run several in one process), process
// metrics from prom-client, and HTTP request counts and durations by route pattern (never by
// raw path, which would carry identifiers and explode the label set).
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export function createMetrics(): { registry: Registry; httpMetrics: (req: Request, res: Response, next: NextFunction) => void } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'pacs_' });
  const requests = new Counter({
    name: 'pacs_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'pacs_http_request_duration_seconds',
    help: 'HTTP request duration, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  function httpMetrics(req: Request, res: Response, next: NextFunction): void {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const route = routeLabel(req, res);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      duration.observe({ method: req.method, route }, seconds);
    });
    next();
  }
  return { registry, httpMetrics };
}

/** The matched route pattern; set by the handlers in res.locals.route, else the express route. */
export function routeLabel(req: Request, res: Response): string {
  const fromHandler = res.locals.route as string | undefined;
  if (fromHandler) return fromHandler;
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : 'unmatched';
}
