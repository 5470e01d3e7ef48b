// The one data-access layer: the same SQL on embedded PGlite (default, one process owns the data
// folder) and on a PostgreSQL server (DATABASE_URL, shared by several appliance processes).
// Both return int8 as a JavaScript number and timestamptz as Date, so callers see one shape.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import type { Logger } from './logger.ts';

export type QueryResult<T> = { rows: T[]; rowCount: number };

/** What modules need to run SQL. Declared structurally again by the folders that use it. */
/** `name` makes a hot statement a prepared one on PostgreSQL (parsed and planned once per connection). */
export type QueryOptions = { name?: string };

export interface SqlClient {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[], opts?: QueryOptions): Promise<QueryResult<T>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends SqlClient {
  readonly kind: 'pglite' | 'postgres';
  /** Runs fn in one transaction: committed when fn resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export async function openDatabase(opts: { databaseUrl: string | undefined; dataDir: string; log: Logger }): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts.log) : openPglite(join(opts.dataDir, 'db'));
}

async function openPglite(dir: string): Promise<Database> {
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir, { extensions: { pg_trgm } });
  const wrap = (c: Pick<PGlite, 'query' | 'exec'>): SqlClient => ({
    async query<T>(sql: string, params?: readonly unknown[]) {
      const r = await c.query<T>(sql, params as unknown[] | undefined);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    async exec(sql: string) {
      await c.exec(sql);
    },
  });
  const client = wrap(db);
  return {
    kind: 'pglite',
    ...client,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: () => db.close(),
  };
}

const INT8_OID = 20;

async function openPostgres(url: string, log: Logger): Promise<Database> {
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID && format !== 'binary'
        ? (v: string) => Number(v)
        : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString: url, max: 10, types, application_name: 'pacs-appliance' });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', (err) => log.warn({ err: err.message }, 'postgres idle client error'));
  const wrap = (c: pg.Pool | pg.PoolClient): SqlClient => ({
    async query<T>(sql: string, params?: readonly unknown[], opts?: QueryOptions) {
      const values = params as unknown[] | undefined;
      const r = await c.query(opts?.name ? { name: opts.name, text: sql, values } : { text: sql, values });
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
    async exec(sql: string) {
      await c.query(sql);
    },
  });
  // Fail at start, with the server's reason, rather than at the first request.
  await pool.query('select 1');
  return {
    kind: 'postgres',
    ...wrap(pool),
    async transaction(fn) {
      const c = await pool.connect();
      try {
        await c.query('begin');
        const out = await fn(wrap(c));
        await c.query('commit');
        return out;
      } catch (err) {
        await c.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        c.release();
      }
    },
    close: () => pool.end(),
  };
}
