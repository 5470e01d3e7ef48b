// /api/auth/login, /api/auth/logout, /api/me and /api/tokens.
import { z } from 'zod';
import type { Request, Response } from 'express';
import { recordAudit } from '../audit.ts';
import type { Database } from '../database.ts';
import type { ApiRouter } from '../http/api-router.ts';
import { created } from '../http/api-router.ts';
import { checkPassword, readCookie, SESSION_COOKIE } from '../http/authenticate.ts';
import { LoginThrottle } from './login-throttle.ts';
import { createApiToken, createSession, deleteApiToken, endSession, listApiTokens } from './tokens.ts';

function setSessionCookie(req: Request, res: Response, token: string, expires: Date): void {
  // Secure whenever the request came over HTTPS; plain HTTP on loopback still works for first setup.
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', expires });
}

export function registerAuthRoutes(api: ApiRouter, db: Database): void {
  const throttle = new LoginThrottle();

  api.add({
    method: 'post',
    path: '/auth/login',
    tag: 'auth',
    summary: 'Log in with a user name and password; sets the httpOnly session cookie and returns the user',
    access: 'public',
    body: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }),
    async handler({ req, res, body }) {
      const ip = req.ip ?? '';
      const wait = throttle.retryAfter(body.username, ip);
      if (wait > 0) {
        res.setHeader('Retry-After', String(wait));
        return { ok: false, error: { code: 'AUTH_RATE_LIMITED', message: `too many failed logins; retry in ${wait} s` } };
      }
      const user = await checkPassword(db, body.username, body.password);
      if (!user) {
        throttle.failed(body.username, ip);
        await recordAudit(db, { username: body.username.toLowerCase(), action: 'auth.login', outcome: 'failure', sourceIp: ip });
        return { ok: false, error: { code: 'AUTH_INVALID', message: 'wrong user name or password, or the user is disabled' } };
      }
      throttle.succeeded(body.username, ip);
      const session = await createSession(db, user.id);
      setSessionCookie(req, res, session.token, session.expiresAt);
      await recordAudit(db, { username: user.username, action: 'auth.login', sourceIp: ip });
      return { ok: true, value: { user, expiresAt: session.expiresAt } };
    },
  });

  api.add({
    method: 'post',
    path: '/auth/logout',
    tag: 'auth',
    summary: 'End the current browser session',
    access: 'public',
    async handler({ req, res, user }) {
      const token = readCookie(req, SESSION_COOKIE);
      if (token) await endSession(db, token);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      if (user) await recordAudit(db, { username: user.username, action: 'auth.logout', sourceIp: req.ip });
      return { ok: true, value: undefined };
    },
  });

  api.add({
    method: 'get',
    path: '/me',
    tag: 'auth',
    summary: 'The current user and role',
    access: 'user',
    async handler({ user }) {
      return { ok: true, value: user };
    },
  });

  api.add({
    method: 'get',
    path: '/tokens',
    tag: 'auth',
    summary: "List the current user's API tokens (never the secrets)",
    access: 'user',
    async handler({ res, user }) {
      const tokens = await listApiTokens(db, user.id);
      res.setHeader('Content-Range', `tokens 0-${Math.max(0, tokens.length - 1)}/${tokens.length}`);
      res.setHeader('X-Total-Count', String(tokens.length));
      return { ok: true, value: tokens };
    },
  });

  api.add({
    method: 'post',
    path: '/tokens',
    tag: 'auth',
    summary: 'Create an API token for the current user; the secret is returned once, in `token`',
    access: 'user',
    body: z.object({ name: z.string().trim().min(1).max(100), expiresInDays: z.number().int().min(1).max(3650).optional() }),
    async handler({ req, user, body }) {
      const { token, record } = await createApiToken(db, user.id, body.name, body.expiresInDays);
      await recordAudit(db, { username: user.username, action: 'token.create', resourceType: 'ApiToken', resourceId: String(record.id), sourceIp: req.ip });
      return created({ ...record, token });
    },
  });

  api.add({
    method: 'delete',
    path: '/tokens/:id',
    tag: 'auth',
    summary: "Revoke one of the current user's API tokens",
    access: 'user',
    async handler({ req, user, params }) {
      const id = Number(params.id);
      if (!Number.isInteger(id) || !(await deleteApiToken(db, user.id, id))) {
        return { ok: false, error: { code: 'TOKEN_NOT_FOUND', message: `no token ${params.id} of yours` } };
      }
      await recordAudit(db, { username: user.username, action: 'token.delete', resourceType: 'ApiToken', resourceId: String(id), sourceIp: req.ip });
      return { ok: true, value: { id } };
    },
  });
}
