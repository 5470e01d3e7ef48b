// Versioned schema migrations: appliance/migrations/NNNN-name.sql, applied in order, each once,
// all pending ones in one transaction under an advisory lock, so several processes starting
// together against one PostgreSQL apply them exactly once.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const LOCK_KEY = 72_431_001; // arbitrary, fixed: the migration lock's advisory key

export type Migration = { version: number; name: string; sql: string };

export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const out: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = /^(\d{4})-([a-z0-9-]+)\.sql$/.exec(file);
    if (!m) continue;
    out.push({ version: Number(m[1]), name: m[2]!, sql: readFileSync(`${dir}/${file}`, 'utf8') });
  }
  out.forEach((mig, i) => {
    if (i > 0 && mig.version <= out[i - 1]!.version) throw new Error(`migration ${mig.version}-${mig.name}: duplicate version`);
  });
  return out;
}

/** Applies every pending migration; returns the names applied now. */
export async function migrate(db: Database, migrations = loadMigrations()): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.exec(`create table if not exists schema_migrations (
      version int primary key, name text not null, applied_at timestamptz not null default now())`);
    const { rows } = await tx.query<{ version: number }>('select version from schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    const newest = Math.max(0, ...applied);
    const known = Math.max(0, ...migrations.map((m) => m.version));
    if (newest > known) {
      throw new Error(`the database is at schema version ${newest}, newer than this build (${known}): upgrade the appliance`);
    }
    const late = migrations.find((m) => !applied.has(m.version) && m.version < newest);
    if (late) throw new Error(`migration ${late.version}-${late.name} is older than the applied version ${newest}: the schema history diverged`);
    const done: string[] = [];
    for (const mig of migrations) {
      if (applied.has(mig.version)) continue;
      await tx.exec(mig.sql);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [mig.version, mig.name]);
      done.push(`${String(mig.version).padStart(4, '0')}-${mig.name}`);
    }
    return done;
  });
}
