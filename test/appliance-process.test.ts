// The appliance as an operator runs it: separate processes, signals, the first-start password,
// one process per embedded data folder, and the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basic, createTestEnv } from './support/test-appliance.ts';
import { runPacs, spawnPacs } from './support/appliance-process.ts';

test('first start prints a generated admin password once; SIGTERM stops cleanly; a restart keeps it', async () => {
  const env = await createTestEnv();
  const { PACS_ADMIN_PASSWORD: _unset, ...vars } = env.env;
  vars.PACS_LOG_LEVEL = 'info';
  try {
    const first = spawnPacs(['start'], vars);
    const [, password] = await first.waitFor(/created user "admin" with password (\S+)/);
    const [, port] = await first.waitFor(/listening http=(\d+)/);
    const me = await fetch(`http://127.0.0.1:${port}/api/me`, { headers: { authorization: basic('admin', password!) } });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { role: string }).role, 'admin');
    // The password is printed for the operator, never written to the JSON log lines.
    const logLines = first.output().split('\n').filter((l) => l.startsWith('{'));
    assert.ok(logLines.length > 0 && logLines.every((l) => !l.includes(password!)));

    first.proc.kill('SIGTERM');
    const exit = await first.exited;
    assert.equal(exit.code, 0);
    assert.match(first.output(), /"msg":"stopped"/);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`));

    const second = spawnPacs(['start'], vars);
    const [, port2] = await second.waitFor(/listening http=(\d+)/);
    assert.doesNotMatch(second.output(), /with password/);
    const again = await fetch(`http://127.0.0.1:${port2}/api/me`, { headers: { authorization: basic('admin', password!) } });
    assert.equal(again.status, 200);
    second.proc.kill('SIGTERM');
    assert.equal((await second.exited).code, 0);
  } finally {
    await env.cleanup();
  }
});

test('the CLI adds users offline and through the running appliance; migrate reports its work', async () => {
  const env = await createTestEnv();
  env.env.PACS_LOG_LEVEL = 'info';
  try {
    const migrated = await runPacs(['migrate'], env.env);
    assert.equal(migrated.code, 0, migrated.output);
    assert.match(migrated.output, /applied: 0001-auth-audit, 0002-engine/);
    assert.match((await runPacs(['migrate'], env.env)).output, /up to date/);

    const offline = await runPacs(['user', 'add', 'Nurse.Joy', '--role', 'technician', '--password', 'pokemon-center'], env.env);
    assert.equal(offline.code, 0, offline.output);
    assert.match(offline.output, /created user "nurse.joy" with role technician/);
    const badRole = await runPacs(['user', 'add', 'x', '--role', 'janitor'], env.env);
    assert.equal(badRole.code, 2);
    assert.match(badRole.output, /--role must be one of admin, analyst, radiologist, referrer, technician/);

    const app = spawnPacs(['start'], env.env);
    const [, port] = await app.waitFor(/listening http=(\d+)/);
    const url = `http://127.0.0.1:${port}`;
    try {
      assert.equal((await fetch(`${url}/api/me`, { headers: { authorization: basic('nurse.joy', 'pokemon-center') } })).status, 200);

      if (!env.databaseUrl) {
        // Embedded database in use: the CLI must go through HTTP, and says so without credentials.
        const refused = await runPacs(['user', 'add', 'dr.who', '--role', 'referrer'], env.env);
        assert.equal(refused.code, 2);
        assert.match(refused.output, /is running: set PACS_USER and PACS_PASSWORD/);
        const refusedMigrate = await runPacs(['migrate'], env.env);
        assert.equal(refusedMigrate.code, 2);
      }
      const viaHttp = await runPacs(['user', 'add', 'dr.who', '--role', 'referrer'], { ...env.env, PACS_URL: url, PACS_USER: 'admin', PACS_PASSWORD: env.env.PACS_ADMIN_PASSWORD! });
      assert.equal(viaHttp.code, 0, viaHttp.output);
      const [, generated] = viaHttp.output.match(/password: (\S+)/) ?? [];
      assert.ok(generated);
      const who = await fetch(`${url}/api/me`, { headers: { authorization: basic('dr.who', generated) } });
      assert.equal(((await who.json()) as { role: string }).role, 'referrer');
    } finally {
      app.proc.kill('SIGTERM');
      await app.exited;
    }
  } finally {
    await env.cleanup();
  }
});

test('a second appliance on the same embedded data folder is refused', { skip: !!process.env.DATABASE_URL && 'PostgreSQL mode shares data folders by design' }, async () => {
  const env = await createTestEnv();
  env.env.PACS_LOG_LEVEL = 'info';
  try {
    const first = spawnPacs(['start'], env.env);
    await first.waitFor(/listening http=(\d+)/);
    const second = spawnPacs(['start'], env.env);
    const exit = await second.exited;
    assert.notEqual(exit.code, 0);
    assert.match(second.output(), new RegExp(`is in use by process ${first.proc.pid}`));
    first.proc.kill('SIGTERM');
    assert.equal((await first.exited).code, 0);
  } finally {
    await env.cleanup();
  }
});

test('invalid configuration stops start-up with a clear message', async () => {
  const r = await runPacs(['start'], { PACS_HTTP_PORT: 'eighty', PACS_DATA_DIR: '/tmp/never-used' });
  assert.equal(r.code, 2);
  assert.match(r.output, /configuration: PACS_HTTP_PORT/);
});
