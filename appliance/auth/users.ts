// Users: storage and the rules around it (unique lower-case names, roles, the first admin).
// Expected failures are returned as values; the HTTP and CLI edges map their codes.
import type { Result } from '../../engine/index.ts';
import type { SqlClient } from '../database.ts';
import { generatePassword, hashPassword } from './password-hash.ts';
import type { Role } from './roles.ts';

export type User = {
  id: number;
  username: string;
  fullName: string | null;
  role: Role;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
};

export type UserError =
  | { code: 'USER_EXISTS'; message: string }
  | { code: 'USER_NOT_FOUND'; message: string }
  | { code: 'USER_LAST_ADMIN'; message: string };

type UserRow = {
  id: number;
  username: string;
  full_name: string | null;
  role: Role;
  disabled: boolean;
  created_at: Date;
  updated_at: Date;
};

const COLUMNS = 'id, username, full_name, role, disabled, created_at, updated_at';

function toUser(r: UserRow): User {
  return {
    id: r.id,
    username: r.username,
    fullName: r.full_name,
    role: r.role,
    disabled: r.disabled,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{0,63}$/;
export const MIN_PASSWORD_LENGTH = 8;

export function normalizeUsername(name: string): string {
  return name.trim().toLowerCase();
}

export async function getUser(db: SqlClient, id: number): Promise<User | undefined> {
  const { rows } = await db.query<UserRow>(`select ${COLUMNS} from users where id = $1`, [id]);
  return rows[0] && toUser(rows[0]);
}

/** The user and their password hash, for checking credentials. */
export async function findUserForLogin(
  db: SqlClient,
  username: string,
): Promise<{ user: User; passwordHash: string } | undefined> {
  const { rows } = await db.query<UserRow & { password_hash: string }>(
    `select ${COLUMNS}, password_hash from users where username = $1`,
    [normalizeUsername(username)],
  );
  const r = rows[0];
  return r && { user: toUser(r), passwordHash: r.password_hash };
}

export type UserListQuery = {
  offset: number;
  limit: number;
  sort: 'id' | 'username' | 'role' | 'fullName' | 'createdAt' | 'disabled';
  order: 'ASC' | 'DESC';
  q?: string;
  role?: Role;
  disabled?: boolean;
  ids?: number[];
};

const SORT_COLUMNS: Record<UserListQuery['sort'], string> = {
  id: 'id',
  username: 'username',
  role: 'role',
  fullName: 'full_name',
  createdAt: 'created_at',
  disabled: 'disabled',
};

export async function listUsers(db: SqlClient, q: UserListQuery): Promise<{ users: User[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.q) {
    params.push(`%${q.q.toLowerCase()}%`);
    where.push(`(username like $${params.length} or lower(coalesce(full_name, '')) like $${params.length})`);
  }
  if (q.role) {
    params.push(q.role);
    where.push(`role = $${params.length}`);
  }
  if (q.disabled !== undefined) {
    params.push(q.disabled);
    where.push(`disabled = $${params.length}`);
  }
  if (q.ids) {
    params.push(q.ids);
    where.push(`id = any($${params.length}::bigint[])`);
  }
  const whereSql = where.length ? `where ${where.join(' and ')}` : '';
  const total = await db.query<{ n: number }>(`select count(*)::int as n from users ${whereSql}`, params);
  const { rows } = await db.query<UserRow>(
    `select ${COLUMNS} from users ${whereSql} order by ${SORT_COLUMNS[q.sort]} ${q.order}, id limit ${q.limit} offset ${q.offset}`,
    params,
  );
  return { users: rows.map(toUser), total: total.rows[0]?.n ?? 0 };
}

export async function createUser(
  db: SqlClient,
  input: { username: string; password: string; role: Role; fullName?: string | null },
): Promise<Result<User, UserError>> {
  const username = normalizeUsername(input.username);
  const passwordHash = await hashPassword(input.password);
  const { rows } = await db.query<UserRow>(
    `insert into users (username, full_name, role, password_hash) values ($1, $2, $3, $4)
     on conflict (username) do nothing returning ${COLUMNS}`,
    [username, input.fullName ?? null, input.role, passwordHash],
  );
  if (!rows[0]) return { ok: false, error: { code: 'USER_EXISTS', message: `user "${username}" already exists` } };
  return { ok: true, value: toUser(rows[0]) };
}

export type UserChanges = { role?: Role; fullName?: string | null; disabled?: boolean; password?: string };

/**
 * Changes a user. Refuses to leave the appliance without an enabled admin, which would lock
 * everyone out of user management.
 */
export async function updateUser(
  db: { transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> },
  id: number,
  changes: UserChanges,
): Promise<Result<User, UserError>> {
  const passwordHash = changes.password === undefined ? undefined : await hashPassword(changes.password);
  return db.transaction(async (tx) => {
    // Serialise admin changes so two concurrent demotions cannot both pass the last-admin check.
    await tx.query('select pg_advisory_xact_lock(72431002)');
    const current = await getUser(tx, id);
    if (!current) return { ok: false, error: { code: 'USER_NOT_FOUND', message: `no user with id ${id}` } } as const;
    const losesAdmin =
      current.role === 'admin' &&
      !current.disabled &&
      ((changes.role !== undefined && changes.role !== 'admin') || changes.disabled === true);
    if (losesAdmin) {
      const { rows } = await tx.query<{ n: number }>(
        `select count(*)::int as n from users where role = 'admin' and not disabled and id <> $1`,
        [id],
      );
      if ((rows[0]?.n ?? 0) === 0) {
        return { ok: false, error: { code: 'USER_LAST_ADMIN', message: 'this is the last enabled admin: create another admin first' } } as const;
      }
    }
    const { rows } = await tx.query<UserRow>(
      `update users set
         role = coalesce($2, role),
         full_name = case when $3::boolean then $4 else full_name end,
         disabled = coalesce($5, disabled),
         password_hash = coalesce($6, password_hash),
         updated_at = now()
       where id = $1 returning ${COLUMNS}`,
      [id, changes.role ?? null, changes.fullName !== undefined, changes.fullName ?? null, changes.disabled ?? null, passwordHash ?? null],
    );
    // A disabled user or a changed password ends every open session of that user.
    if (changes.disabled === true || passwordHash !== undefined) {
      await tx.query('delete from sessions where user_id = $1', [id]);
    }
    return { ok: true, value: toUser(rows[0]!) } as const;
  });
}

/**
 * On first start (no admin yet, even if the CLI already added other users), creates `admin`
 * with the configured password or a generated one.
 * Returns the generated password (to print once) when one was made. Safe when several
 * processes start together: only the one whose insert lands reports creating it.
 */
export async function ensureFirstAdmin(
  db: SqlClient,
  configuredPassword: string | undefined,
): Promise<{ created: false } | { created: true; generatedPassword: string | undefined }> {
  const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from users where role = 'admin'`);
  if ((rows[0]?.n ?? 0) > 0) return { created: false };
  const password = configuredPassword ?? generatePassword();
  const made = await createUser(db, { username: 'admin', password, role: 'admin', fullName: 'Administrator' });
  if (!made.ok) return { created: false };
  return { created: true, generatedPassword: configuredPassword ? undefined : password };
}
