// Resolves the caller from HTTP Basic, a bearer token (API token or session token) or the
// session cookie, into res.locals.user. Wrong credentials answer 401 at once; no credentials
// leave the user unset, and each route decides (default deny: see server.ts).
import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { SqlClient } from '../database.ts';
import { verifyPassword } from '../auth/password-hash.ts';
import { findUserForLogin } from '../auth/users.ts';
import { API_TOKEN_PREFIX, userForApiToken, userForSession } from '../auth/tokens.ts';
import type { AuthenticatedUser } from '../auth/tokens.ts';
import { challenge } from './api-router.ts';

export const SESSION_COOKIE = 'pacs_session';

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * Checking a password costs ~50 ms of scrypt by design; machine clients using Basic on every
 * DICOMweb request would pay it each time. A verified (user, password, current hash) triple is
 * remembered for a few minutes; changing the password changes the hash and so misses the cache.
 */
class BasicCache {
  private readonly entries = new Map<string, number>();
  private readonly ttlMs = 5 * 60_000;
  private readonly max = 1000;
  private key(username: string, password: string, hash: string): string {
    return createHash('sha256').update(`${username}\0${password}\0${hash}`).digest('base64url');
  }
  has(username: string, password: string, hash: string): boolean {
    const k = this.key(username, password, hash);
    const until = this.entries.get(k);
    if (until === undefined) return false;
    if (until < Date.now()) {
      this.entries.delete(k);
      return false;
    }
    return true;
  }
  add(username: string, password: string, hash: string): void {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(this.key(username, password, hash), Date.now() + this.ttlMs);
  }
}

export async function checkPassword(
  db: SqlClient,
  username: string,
  password: string,
  cache?: BasicCache,
): Promise<AuthenticatedUser | undefined> {
  const found = await findUserForLogin(db, username);
  if (!found || found.user.disabled) return undefined;
  const { user, passwordHash } = found;
  if (cache?.has(user.username, password, passwordHash)) return user;
  if (!(await verifyPassword(password, passwordHash))) return undefined;
  cache?.add(user.username, password, passwordHash);
  return { id: user.id, username: user.username, role: user.role, fullName: user.fullName };
}

export function authenticate(db: SqlClient) {
  const cache = new BasicCache();
  return async function authenticateRequest(req: Request, res: Response, next: NextFunction): Promise<void> {
    const header = req.headers.authorization;
    let user: AuthenticatedUser | undefined;
    if (header) {
      const [scheme, value = ''] = header.split(' ', 2) as [string, string?];
      if (scheme.toLowerCase() === 'basic') {
        const decoded = Buffer.from(value, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        if (colon > 0) user = await checkPassword(db, decoded.slice(0, colon), decoded.slice(colon + 1), cache);
      } else if (scheme.toLowerCase() === 'bearer' && value) {
        user = value.startsWith(API_TOKEN_PREFIX) ? await userForApiToken(db, value) : await userForSession(db, value);
      }
      if (!user) return challenge(req, res, 'AUTH_INVALID', 'invalid credentials');
    } else {
      const cookie = readCookie(req, SESSION_COOKIE);
      // An expired cookie is not an error here: the login route must still be reachable.
      if (cookie) user = await userForSession(db, cookie);
    }
    res.locals.user = user;
    next();
  };
}

/** Default deny for everything mounted after it. */
export function requireUser(req: Request, res: Response, next: NextFunction): void {
  if (res.locals.user) return next();
  challenge(req, res, 'AUTH_REQUIRED', 'authentication required');
}
