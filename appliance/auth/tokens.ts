// Browser sessions and API tokens. Both are random bearer secrets; only their SHA-256 is stored
// (they carry 256 bits of entropy, so a fast hash is enough, unlike passwords).
import { createHash, randomBytes } from 'node:crypto';
import type { SqlClient } from '../database.ts';
import type { Role } from './roles.ts';

export const SESSION_TTL_HOURS = 12;
export const API_TOKEN_PREFIX = 'pacs_';

export type AuthenticatedUser = { id: number; username: string; role: Role; fullName: string | null };

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export async function createSession(db: SqlClient, userId: number): Promise<{ token: string; expiresAt: Date }> {
  const token = newSecret();
  const { rows } = await db.query<{ expires_at: Date }>(
    `insert into sessions (token_hash, user_id, expires_at)
     values ($1, $2, now() + make_interval(hours => $3)) returning expires_at`,
    [sha256(token), userId, SESSION_TTL_HOURS],
  );
  // Opportunistic clean-up keeps the table small without a separate job.
  await db.query('delete from sessions where expires_at < now()');
  return { token, expiresAt: rows[0]!.expires_at };
}

export async function endSession(db: SqlClient, token: string): Promise<void> {
  await db.query('delete from sessions where token_hash = $1', [sha256(token)]);
}

const USER_COLUMNS = 'u.id, u.username, u.role, u.full_name as "fullName"';

export async function userForSession(db: SqlClient, token: string): Promise<AuthenticatedUser | undefined> {
  const { rows } = await db.query<AuthenticatedUser>(
    `select ${USER_COLUMNS} from sessions s join users u on u.id = s.user_id
     where s.token_hash = $1 and s.expires_at > now() and not u.disabled`,
    [sha256(token)],
  );
  return rows[0];
}

export type ApiToken = { id: number; userId: number; name: string; createdAt: Date; expiresAt: Date | null; lastUsedAt: Date | null };

export async function createApiToken(
  db: SqlClient,
  userId: number,
  name: string,
  expiresInDays: number | undefined,
): Promise<{ token: string; record: ApiToken }> {
  const token = API_TOKEN_PREFIX + newSecret();
  const { rows } = await db.query<ApiToken>(
    `insert into api_tokens (user_id, name, token_hash, expires_at)
     values ($1, $2, $3, case when $4::int is null then null else now() + make_interval(days => $4::int) end)
     returning id, user_id as "userId", name, created_at as "createdAt", expires_at as "expiresAt", last_used_at as "lastUsedAt"`,
    [userId, name, sha256(token), expiresInDays ?? null],
  );
  return { token, record: rows[0]! };
}

export async function listApiTokens(db: SqlClient, userId: number): Promise<ApiToken[]> {
  const { rows } = await db.query<ApiToken>(
    `select id, user_id as "userId", name, created_at as "createdAt", expires_at as "expiresAt", last_used_at as "lastUsedAt"
     from api_tokens where user_id = $1 order by id`,
    [userId],
  );
  return rows;
}

export async function deleteApiToken(db: SqlClient, userId: number, id: number): Promise<boolean> {
  const { rowCount } = await db.query('delete from api_tokens where id = $1 and user_id = $2', [id, userId]);
  return rowCount > 0;
}

export async function userForApiToken(db: SqlClient, token: string): Promise<AuthenticatedUser | undefined> {
  const hash = sha256(token);
  const { rows } = await db.query<AuthenticatedUser>(
    `select ${USER_COLUMNS} from api_tokens t join users u on u.id = t.user_id
     where t.token_hash = $1 and not u.disabled and (t.expires_at is null or t.expires_at > now())`,
    [hash],
  );
  if (rows[0]) {
    // Record use at most once a minute: a DICOMweb client makes many requests per second.
    await db.query(
      `update api_tokens set last_used_at = now()
       where token_hash = $1 and (last_used_at is null or last_used_at < now() - interval '1 minute')`,
      [hash],
    );
  }
  return rows[0];
}
