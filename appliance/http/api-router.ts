// Every /api route is declared here with its access rule and zod schemas, so validation,
// role checks and the OpenAPI description (/api/docs) come from one declaration and cannot drift.
import express from 'express';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { AppError, Result } from '../../engine/index.ts';
import type { AuthenticatedUser } from '../auth/tokens.ts';
import type { Role } from '../auth/roles.ts';
import { errorBody, statusForError } from './error-codes.ts';

/** 'public': no user needed; 'user': any signed-in user; or the roles allowed. */
export type Access = 'public' | 'user' | readonly Role[];

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export type RouteContext<B, Q, U> = {
  req: Request;
  res: Response;
  user: U;
  body: B;
  query: Q;
  params: Record<string, string>;
};

/** What a handler returns: a value (sent as JSON, or 204 when undefined) or an expected failure. */
export type Outcome = Result<unknown, AppError> & { status?: number };

type UserFor<A extends Access> = A extends 'public' ? AuthenticatedUser | undefined : AuthenticatedUser;

export type RouteDef<A extends Access, B extends z.ZodType, Q extends z.ZodType> = {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  access: A;
  body?: B;
  query?: Q;
  handler: (ctx: RouteContext<z.infer<B>, z.infer<Q>, UserFor<A>>) => Promise<Outcome>;
};

type AnyRoute = RouteDef<Access, z.ZodType, z.ZodType>;

export const created = (value: unknown): Outcome => ({ ok: true, value, status: 201 });

export function sendError(res: Response, code: string, message: string): void {
  res.status(statusForError(code)).json(errorBody(code, message));
}

/**
 * 401 with a Basic challenge so tools like curl, wget and DICOM viewers can retry with credentials.
 * The browser UI sends X-Requested-With and gets no challenge (which would pop the browser's dialog).
 */
export function challenge(req: Request, res: Response, code: 'AUTH_REQUIRED' | 'AUTH_INVALID', message: string): void {
  if (!req.headers['x-requested-with']) res.setHeader('WWW-Authenticate', 'Basic realm="PACS", charset="UTF-8"');
  sendError(res, code, message);
}

function zodMessage(err: z.ZodError, where: string): string {
  return err.issues.map((i) => `${where}${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`).join('; ');
}

export class ApiRouter {
  private readonly routes: AnyRoute[] = [];

  add<A extends Access, B extends z.ZodType = z.ZodUnknown, Q extends z.ZodType = z.ZodUnknown>(def: RouteDef<A, B, Q>): void {
    this.routes.push(def as unknown as AnyRoute);
  }

  list(): readonly { method: string; path: string; access: Access }[] {
    return this.routes.map((r) => ({ method: r.method, path: r.path, access: r.access }));
  }

  toExpress(): express.Router {
    const router = express.Router();
    for (const route of this.routes) {
      router[route.method](route.path, async (req: Request, res: Response) => {
        res.locals.route = req.baseUrl + route.path;
        const user = res.locals.user as AuthenticatedUser | undefined;
        if (route.access !== 'public') {
          if (!user) return challenge(req, res, 'AUTH_REQUIRED', 'authentication required');
          if (route.access !== 'user' && !route.access.includes(user.role)) {
            return sendError(res, 'AUTH_FORBIDDEN', `role "${user.role}" may not ${route.method.toUpperCase()} ${req.baseUrl}${route.path}`);
          }
        }
        let body: unknown = req.body;
        if (route.body) {
          const parsed = route.body.safeParse(req.body ?? {});
          if (!parsed.success) return sendError(res, 'REQUEST_INVALID', zodMessage(parsed.error, 'body'));
          body = parsed.data;
        }
        let query: unknown = req.query;
        if (route.query) {
          const parsed = route.query.safeParse(req.query);
          if (!parsed.success) return sendError(res, 'REQUEST_INVALID', zodMessage(parsed.error, 'query'));
          query = parsed.data;
        }
        const outcome = await route.handler({ req, res, user: user as AuthenticatedUser, body, query, params: req.params as Record<string, string> });
        if (!outcome.ok) return sendError(res, outcome.error.code, outcome.error.message);
        if (outcome.value === undefined) return void res.status(outcome.status ?? 204).end();
        res.status(outcome.status ?? 200).json(outcome.value);
      });
    }
    return router;
  }

  /** OpenAPI 3.1 description of the routes, mounted under `base`. */
  openApi(base: string, info: { title: string; version: string }, errors: Record<string, { status: number; description: string }>): object {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of this.routes) {
      const path = base + r.path.replace(/:([A-Za-z_]+)/g, '{$1}');
      const params = [...r.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
      const query = r.query ? z.toJSONSchema(r.query, { io: 'input', unrepresentable: 'any' }) : undefined;
      const queryParams = query && typeof query === 'object' && 'properties' in query
        ? Object.entries(query.properties as Record<string, object>).map(([name, schema]) => ({ name, in: 'query', schema }))
        : [];
      paths[path] ??= {};
      paths[path][r.method] = {
        summary: r.summary,
        tags: [r.tag],
        security: r.access === 'public' ? [] : [{ basic: [] }, { bearer: [] }, { session: [] }],
        'x-roles': r.access === 'public' || r.access === 'user' ? r.access : [...r.access],
        parameters: [...params, ...queryParams],
        ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(r.body, { io: 'input', unrepresentable: 'any' }) } } } } : {}),
        responses: {
          '200': { description: 'Success (201 on create, 204 when there is no body)' },
          default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        },
      };
    }
    return {
      openapi: '3.1.0',
      info,
      paths,
      components: {
        securitySchemes: {
          basic: { type: 'http', scheme: 'basic' },
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token from POST /api/tokens' },
          session: { type: 'apiKey', in: 'cookie', name: 'pacs_session' },
        },
        schemas: {
          Error: {
            type: 'object',
            required: ['code', 'message'],
            properties: { code: { type: 'string', enum: Object.keys(errors) }, message: { type: 'string' } },
          },
        },
      },
      'x-error-codes': errors,
    };
  }
}
