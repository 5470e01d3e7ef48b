// /api/users: admins list, create, change role, disable and reset passwords.
// DELETE disables rather than removes: the audit trail keeps naming who did what.
import { z } from 'zod';
import { recordAudit } from '../audit.ts';
import type { Database } from '../database.ts';
import type { ApiRouter } from '../http/api-router.ts';
import { created } from '../http/api-router.ts';
import { parseListQuery, setListHeaders } from '../http/list-query.ts';
import { ALL_ROLES, isRole } from './roles.ts';
import type { Role } from './roles.ts';
import { createUser, getUser, listUsers, MIN_PASSWORD_LENGTH, updateUser, USERNAME_PATTERN } from './users.ts';
import type { UserListQuery } from './users.ts';

const role = z.enum(ALL_ROLES as [Role, ...Role[]]);
const password = z.string().min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`).max(1024);
const fullName = z.string().trim().max(200).nullable().optional();
const SORTABLE = ['id', 'username', 'role', 'fullName', 'createdAt', 'disabled'] as const;

function userId(text: string | undefined): number | undefined {
  const id = Number(text);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

export function registerUserRoutes(api: ApiRouter, db: Database): void {
  api.add({
    method: 'get',
    path: '/users',
    tag: 'users',
    summary: 'List users (filter: q, role, disabled, id)',
    access: ['admin'],
    async handler({ req, res }) {
      const parsed = parseListQuery(req.query, SORTABLE, 'id');
      if (!parsed.ok) return parsed;
      const { offset, limit, sort, order, filter } = parsed.value;
      const q: UserListQuery = { offset, limit, sort, order };
      if (typeof filter.q === 'string' && filter.q) q.q = filter.q;
      if (isRole(filter.role)) q.role = filter.role;
      if (filter.disabled !== undefined) q.disabled = filter.disabled === true || filter.disabled === 'true';
      if (filter.id !== undefined) q.ids = (Array.isArray(filter.id) ? filter.id : [filter.id]).map(Number).filter(Number.isSafeInteger);
      const { users, total } = await listUsers(db, q);
      setListHeaders(res, 'users', offset, users.length, total);
      return { ok: true, value: users };
    },
  });

  api.add({
    method: 'get',
    path: '/users/:id',
    tag: 'users',
    summary: 'One user',
    access: ['admin'],
    async handler({ params }) {
      const id = userId(params.id);
      const user = id && (await getUser(db, id));
      return user ? { ok: true, value: user } : { ok: false, error: { code: 'USER_NOT_FOUND', message: `no user with id ${params.id}` } };
    },
  });

  api.add({
    method: 'post',
    path: '/users',
    tag: 'users',
    summary: 'Create a user',
    access: ['admin'],
    body: z.object({
      username: z.string().trim().toLowerCase().regex(USERNAME_PATTERN, 'lower-case letters, digits and . _ @ -, at most 64, starting with a letter or digit'),
      password,
      role,
      fullName,
    }),
    async handler({ req, user, body }) {
      const made = await createUser(db, body);
      if (!made.ok) return made;
      await recordAudit(db, { username: user.username, action: 'user.create', resourceType: 'User', resourceId: String(made.value.id), sourceIp: req.ip, detail: { username: made.value.username, role: made.value.role } });
      return created(made.value);
    },
  });

  const changes = z.object({ role: role.optional(), fullName, disabled: z.boolean().optional(), password: password.optional() });

  for (const method of ['put', 'patch'] as const) {
    api.add({
      method,
      path: '/users/:id',
      tag: 'users',
      summary: 'Change a user: role, full name, disabled, or a new password (ends their sessions)',
      access: ['admin'],
      body: changes,
      async handler({ req, user, body, params }) {
        const id = userId(params.id);
        if (!id) return { ok: false, error: { code: 'USER_NOT_FOUND', message: `no user with id ${params.id}` } };
        const updated = await updateUser(db, id, body);
        if (!updated.ok) return updated;
        const changed = Object.keys(body).filter((k) => (body as Record<string, unknown>)[k] !== undefined);
        await recordAudit(db, { username: user.username, action: 'user.update', resourceType: 'User', resourceId: String(id), sourceIp: req.ip, detail: { changed, role: body.role, disabled: body.disabled } });
        return { ok: true, value: updated.value };
      },
    });
  }

  api.add({
    method: 'delete',
    path: '/users/:id',
    tag: 'users',
    summary: 'Disable a user (users are never removed, so the audit trail stays complete)',
    access: ['admin'],
    async handler({ req, user, params }) {
      const id = userId(params.id);
      if (!id) return { ok: false, error: { code: 'USER_NOT_FOUND', message: `no user with id ${params.id}` } };
      const updated = await updateUser(db, id, { disabled: true });
      if (!updated.ok) return updated;
      await recordAudit(db, { username: user.username, action: 'user.disable', resourceType: 'User', resourceId: String(id), sourceIp: req.ip });
      return { ok: true, value: updated.value };
    },
  });
}
