// Starts a real appliance for a test: ports 0, a fresh temporary data folder, and either embedded
// PGlite or, when DATABASE_URL is set (CI's second pass), a fresh database on that server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { parseConfig, startAppliance, createLogger } from '../../appliance/index.ts';
import type { Config, RunningAppliance, StartOptions } from '../../appliance/index.ts';

export const ADMIN_PASSWORD = 'admin-test-password';

export type TestEnv = {
  dataDir: string;
  databaseUrl: string | undefined;
  /** Environment for a child process running the same appliance. */
  env: Record<string, string>;
  config(overrides?: Record<string, string>): Config;
  cleanup(): Promise<void>;
};

/** A fresh data folder and, on PostgreSQL, a fresh database. */
export async function createTestEnv(): Promise<TestEnv> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pacs-test-'));
  let databaseUrl: string | undefined;
  let dropDatabase = async () => {};
  const server = process.env.DATABASE_URL;
  if (server) {
    const name = `pacs_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(server);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    };
  }
  const env: Record<string, string> = {
    PACS_DATA_DIR: dataDir,
    PACS_HOST: '127.0.0.1',
    PACS_HTTP_PORT: '0',
    PACS_DICOM_PORT: '0',
    PACS_MLLP_PORT: '0',
    PACS_ADMIN_PASSWORD: ADMIN_PASSWORD,
    PACS_LOG_LEVEL: process.env.PACS_TEST_LOG_LEVEL ?? 'warn',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  return {
    dataDir,
    databaseUrl,
    env,
    config(overrides = {}) {
      const parsed = parseConfig({ ...env, ...overrides });
      if (!parsed.ok) throw new Error(parsed.error.message);
      return parsed.value;
    },
    async cleanup() {
      await dropDatabase();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type TestAppliance = RunningAppliance & {
  testEnv: TestEnv;
  /** fetch against the appliance, as admin unless other headers are given. */
  fetch(path: string, init?: RequestInit & { auth?: string | null }): Promise<Response>;
};

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export async function startTestAppliance(testEnv?: TestEnv, overrides: Record<string, string> = {}, options: StartOptions = {}): Promise<TestAppliance> {
  const env = testEnv ?? (await createTestEnv());
  const config = env.config(overrides);
  const app = await startAppliance(config, { log: createLogger(config.logLevel), announce: () => {}, ...options });
  const adminAuth = basic('admin', ADMIN_PASSWORD);
  return {
    ...app,
    testEnv: env,
    fetch(path, init = {}) {
      const headers = new Headers(init.headers);
      const auth = init.auth === undefined ? adminAuth : init.auth;
      if (auth) headers.set('authorization', auth);
      if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
      return fetch(app.url + path, { ...init, headers });
    },
  };
}
