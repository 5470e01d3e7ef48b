// Test support: an empty database with the peers table (appliance/migrations/0007-peers.sql):
// embedded PGlite in memory, or, when DATABASE_URL is set, a fresh database on that server
// (dropped again by close()).
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { PeerDb } from '../peer-store.ts';

const MIGRATION = new URL('../../../appliance/migrations/0007-peers.sql', import.meta.url);

export type TestDb = PeerDb & { close(): Promise<void> };

export async function openPeersDb(): Promise<TestDb> {
  const sql = readFileSync(MIGRATION, 'utf8');
  const server = process.env.DATABASE_URL;
  if (!server) {
    const lite = await PGlite.create();
    await lite.exec(sql);
    return {
      async query<T>(text: string, params?: readonly unknown[]) {
        const r = await lite.query<T>(text, params as unknown[] | undefined);
        return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
      },
      close: () => lite.close(),
    };
  }
  const name = `pacs_peers_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  await client.query(sql);
  return {
    async query<T>(text: string, params?: readonly unknown[]) {
      const r = await client.query(text, params as unknown[] | undefined);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
    async close() {
      await client.end();
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
