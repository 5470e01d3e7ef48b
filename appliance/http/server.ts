// The express application: health, the admin UI's static files, then authentication and
// everything else behind it (default deny). Feature routers are mounted by the composition root.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '../logger.ts';
import type { SqlClient } from '../database.ts';
import type { ApiRouter } from './api-router.ts';
import { sendError } from './api-router.ts';
import { authenticate, requireUser } from './authenticate.ts';
import { HTTP_ERRORS } from './error-codes.ts';
import { routeLabel } from './metrics.ts';

export type ReadinessCheck = { name: string; check: () => Promise<boolean> | boolean };

export type HttpAppDeps = {
  db: SqlClient;
  log: Logger;
  api: ApiRouter;
  metrics: { registry: Registry; httpMetrics: express.RequestHandler };
  readiness: ReadinessCheck[];
  adminUiDir: string;
  version: string;
  /** Routers that need a signed-in user, mounted after /api (DICOMweb, FHIR, viewer...). */
  protectedRouters?: { path: string; router: express.Router }[];
  /** Routers under /api that read their own body format (message inboxes); mounted before /api's JSON routes. */
  apiRouters?: { path: string; router: express.Router }[];
  /** Middleware that must run before authentication, such as CORS (a browser's preflight carries no credentials). */
  beforeAuth?: { paths: string[]; handler: express.RequestHandler }[];
};

const UI_CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; frame-ancestors 'self'";

function withTimeout<T>(p: Promise<T> | T, ms: number, fallback: T): Promise<T> {
  return Promise.race([Promise.resolve(p), new Promise<T>((resolve) => setTimeout(() => resolve(fallback), ms).unref())]);
}

export function createHttpApp(deps: HttpAppDeps): express.Express {
  const { db, log, api } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', 'strong');

  app.use((req: Request, res: Response, next: NextFunction) => {
    const id = (typeof req.headers['x-request-id'] === 'string' && req.headers['x-request-id'].slice(0, 100)) || randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Math.round(Number(process.hrtime.bigint() - start) / 1e5) / 10;
      const user = (res.locals.user as { username?: string } | undefined)?.username;
      // The path only: query strings can carry patient names or IDs, so they are logged at debug.
      log.info({ reqId: id, method: req.method, route: routeLabel(req, res), status: res.statusCode, ms, user }, 'http');
      log.debug({ reqId: id, url: req.originalUrl }, 'http url');
    });
    next();
  });
  app.use(deps.metrics.httpMetrics);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', version: deps.version });
  });
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, 'ok' | 'failing'> = {};
    const database = await withTimeout(
      db.query('select 1').then(() => true, () => false),
      2000,
      false,
    );
    checks.database = database ? 'ok' : 'failing';
    for (const c of deps.readiness) checks[c.name] = (await withTimeout(c.check(), 2000, false)) ? 'ok' : 'failing';
    const ready = Object.values(checks).every((v) => v === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });

  // The admin UI's files are public (the login page must load); every piece of data comes from /api.
  if (existsSync(`${deps.adminUiDir}/index.html`)) {
    app.use(
      express.static(deps.adminUiDir, {
        index: 'index.html',
        setHeaders(res, path) {
          if (path.endsWith('.html')) {
            res.setHeader('Content-Security-Policy', UI_CSP);
            res.setHeader('Cache-Control', 'no-cache');
          } else if (path.includes('/assets/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        },
      }),
    );
  } else {
    app.get('/', (_req, res) => {
      res.setHeader('Content-Security-Policy', UI_CSP);
      res.type('html').send(PLACEHOLDER_PAGE);
    });
  }

  for (const { paths, handler } of deps.beforeAuth ?? []) app.use(paths, handler);
  app.use(authenticate(db));
  for (const { path, router } of deps.apiRouters ?? []) app.use(path, requireUser, router);
  app.use(express.json({ limit: '10mb' }));

  app.get('/api/docs', (_req, res) => {
    res.json(api.openApi('/api', { title: 'PACS appliance API', version: deps.version }, HTTP_ERRORS));
  });
  app.use('/api', api.toExpress());
  app.use(requireUser);
  app.use('/api', (req, res) => sendError(res, 'NOT_FOUND', `no route ${req.method} ${req.baseUrl}${req.path}`));
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });
  for (const { path, router } of deps.protectedRouters ?? []) app.use(path, router);

  app.use((req, res) => sendError(res, 'NOT_FOUND', `no route ${req.method} ${req.path}`));
  app.use((err: Error & { type?: string; status?: number }, req: Request, res: Response, _next: NextFunction) => {
    if (err.type === 'entity.parse.failed') return sendError(res, 'REQUEST_INVALID', `the body is not valid JSON: ${err.message}`);
    if (err.type === 'entity.too.large') return sendError(res, 'PAYLOAD_TOO_LARGE', 'the request body is too large');
    if (err.status && err.status >= 400 && err.status < 500) return sendError(res, 'REQUEST_INVALID', err.message);
    log.error({ reqId: res.locals.requestId, err }, 'unhandled error in HTTP handler');
    if (res.headersSent) return void res.end();
    sendError(res, 'INTERNAL', `internal error (request id ${String(res.locals.requestId)})`);
  });
  return app;
}

export type HttpListener = { port: number; close: () => Promise<void> };

/** Listens on host:port; resolves once bound, rejects when binding fails. */
export function listen(app: express.Express, host: string, port: number): Promise<HttpListener> {
  const server = createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, app);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        // Stops accepting, lets requests in flight finish, then drops what is left after 10 s.
        close: () =>
          new Promise<void>((done) => {
            const force = setTimeout(() => server.closeAllConnections(), 10_000);
            force.unref();
            server.close(() => {
              clearTimeout(force);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
  });
}

const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PACS appliance</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 4em auto">
<h1>PACS appliance</h1>
<p>The appliance is running. The admin interface has not been built in this checkout: run <code>npm run build</code>.</p>
<p>The REST API is at <a href="/api/docs">/api/docs</a>.</p>
</body></html>`;
