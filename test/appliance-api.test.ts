// The foundation as users and scripts see it over HTTP: health, auth in all its forms, roles
// enforced on the server, user management, audit, metrics, API docs, and a restart keeping data.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, basic, startTestAppliance } from './support/test-appliance.ts';
import type { TestAppliance } from './support/test-appliance.ts';

async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

describe('appliance HTTP API', () => {
  let app: TestAppliance;
  before(async () => {
    app = await startTestAppliance();
  });
  after(async () => {
    await app.stop();
    await app.testEnv.cleanup();
  });

  test('health and readiness need no login', async () => {
    const health = await app.fetch('/healthz', { auth: null });
    assert.equal(health.status, 200);
    assert.equal((await json(health)).status, 'ok');
    const ready = await app.fetch('/readyz', { auth: null });
    assert.equal(ready.status, 200);
    assert.deepEqual(await json(ready), { status: 'ready', checks: { database: 'ok', channels: 'ok', dicom: 'ok' } });
  });

  test('the admin page is served at /', async () => {
    const res = await app.fetch('/', { auth: null });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await res.text(), /PACS appliance/);
  });

  test('without credentials /api, /metrics and unknown paths answer 401 with a Basic challenge', async () => {
    for (const path of ['/api/me', '/api/users', '/metrics', '/api/nothing-here', '/anything']) {
      const res = await app.fetch(path, { auth: null });
      assert.equal(res.status, 401, path);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Basic realm="PACS"/, path);
      assert.equal((await json(res)).code, 'AUTH_REQUIRED', path);
    }
  });

  test('the browser UI gets no Basic challenge (it would pop a password dialog)', async () => {
    const res = await app.fetch('/api/me', { auth: null, headers: { 'x-requested-with': 'XMLHttpRequest' } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), null);
  });

  test('wrong Basic credentials answer 401 AUTH_INVALID', async () => {
    const res = await app.fetch('/api/me', { auth: basic('admin', 'wrong') });
    assert.equal(res.status, 401);
    assert.equal((await json(res)).code, 'AUTH_INVALID');
  });

  test('HTTP Basic: /api/me is the current user', async () => {
    const res = await app.fetch('/api/me');
    assert.equal(res.status, 200);
    assert.deepEqual(await json(res), { id: 1, username: 'admin', role: 'admin', fullName: 'Administrator' });
  });

  test('browser login sets an httpOnly session cookie that works until logout', async () => {
    const bad = await app.fetch('/api/auth/login', { auth: null, method: 'POST', body: JSON.stringify({ username: 'admin', password: 'nope' }) });
    assert.equal(bad.status, 401);
    assert.equal(bad.headers.get('set-cookie'), null);

    const login = await app.fetch('/api/auth/login', { auth: null, method: 'POST', body: JSON.stringify({ username: 'Admin', password: ADMIN_PASSWORD }) });
    assert.equal(login.status, 200);
    const body = await json<{ user: { username: string; role: string } }>(login);
    assert.equal(body.user.username, 'admin');
    assert.equal(body.user.role, 'admin');
    const setCookie = login.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /^pacs_session=[\w-]{40,};/);
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Lax/i);
    const cookie = setCookie.split(';')[0]!;

    const me = await app.fetch('/api/me', { auth: null, headers: { cookie } });
    assert.equal(me.status, 200);
    assert.equal((await json(me)).username, 'admin');

    const out = await app.fetch('/api/auth/logout', { auth: null, method: 'POST', headers: { cookie } });
    assert.equal(out.status, 204);
    assert.equal((await app.fetch('/api/me', { auth: null, headers: { cookie } })).status, 401);
  });

  test('malformed bodies get 400 with a reason', async () => {
    const notJson = await app.fetch('/api/users', { method: 'POST', body: '{"username": ', headers: { 'content-type': 'application/json' } });
    assert.equal(notJson.status, 400);
    assert.match((await json(notJson)).message as string, /not valid JSON/);

    const invalid = await app.fetch('/api/users', { method: 'POST', body: JSON.stringify({ username: 'Bad Name!', password: 'short', role: 'king' }) });
    assert.equal(invalid.status, 400);
    const msg = (await json(invalid)).message as string;
    assert.match(msg, /body\.username/);
    assert.match(msg, /body\.password: at least 8 characters/);
    assert.match(msg, /body\.role/);
  });

  test('admins manage users; each role sees only what it may', async () => {
    const made = await app.fetch('/api/users', { method: 'POST', body: JSON.stringify({ username: 'dr.house', password: 'vicodin-123', role: 'radiologist', fullName: 'Gregory House' }) });
    assert.equal(made.status, 201);
    const user = await json<{ id: number; username: string; role: string; disabled: boolean }>(made);
    assert.equal(user.username, 'dr.house');
    assert.equal(user.role, 'radiologist');
    assert.equal(user.disabled, false);
    assert.equal((user as Record<string, unknown>).password_hash, undefined);
    assert.equal((user as Record<string, unknown>).passwordHash, undefined);

    const dup = await app.fetch('/api/users', { method: 'POST', body: JSON.stringify({ username: 'DR.HOUSE', password: 'another-1', role: 'referrer' }) });
    assert.equal(dup.status, 409);
    assert.equal((await json(dup)).code, 'USER_EXISTS');

    const house = basic('dr.house', 'vicodin-123');
    assert.equal((await app.fetch('/api/me', { auth: house })).status, 200);
    const forbidden = await app.fetch('/api/users', { auth: house });
    assert.equal(forbidden.status, 403);
    assert.equal((await json(forbidden)).code, 'AUTH_FORBIDDEN');
    assert.equal((await app.fetch('/api/audit', { auth: house })).status, 403);
    assert.equal((await app.fetch(`/api/users/${user.id}`, { auth: house, method: 'PUT', body: JSON.stringify({ role: 'admin' }) })).status, 403);

    // Change role, reset the password (old one stops working), disable.
    const promoted = await app.fetch(`/api/users/${user.id}`, { method: 'PUT', body: JSON.stringify({ role: 'analyst', password: 'new-password-1' }) });
    assert.equal(promoted.status, 200);
    assert.equal((await json(promoted)).role, 'analyst');
    assert.equal((await app.fetch('/api/me', { auth: house })).status, 401);
    const newHouse = basic('dr.house', 'new-password-1');
    assert.equal((await json(await app.fetch('/api/me', { auth: newHouse }))).role, 'analyst');

    const disabled = await app.fetch(`/api/users/${user.id}`, { method: 'DELETE' });
    assert.equal(disabled.status, 200);
    assert.equal((await json(disabled)).disabled, true);
    assert.equal((await app.fetch('/api/me', { auth: newHouse })).status, 401);
    const login = await app.fetch('/api/auth/login', { auth: null, method: 'POST', body: JSON.stringify({ username: 'dr.house', password: 'new-password-1' }) });
    assert.equal(login.status, 401);

    assert.equal((await app.fetch('/api/users/9999', { method: 'PUT', body: JSON.stringify({ role: 'admin' }) })).status, 404);
  });

  test('the user list follows react-admin conventions', async () => {
    for (const [name, role] of [['tech.a', 'technician'], ['tech.b', 'technician'], ['ref.a', 'referrer']] as const) {
      assert.equal((await app.fetch('/api/users', { method: 'POST', body: JSON.stringify({ username: name, password: 'password-1', role }) })).status, 201);
    }
    const page = await app.fetch(`/api/users?range=${encodeURIComponent('[0,1]')}&sort=${encodeURIComponent('["username","ASC"]')}&filter=${encodeURIComponent('{"role":"technician"}')}`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('content-range'), 'users 0-1/2');
    assert.equal(page.headers.get('x-total-count'), '2');
    assert.deepEqual((await json<{ username: string }[]>(page)).map((u) => u.username), ['tech.a', 'tech.b']);

    const js = await app.fetch('/api/users?_start=0&_end=10&_sort=username&_order=DESC&q=tech');
    assert.deepEqual((await json<{ username: string }[]>(js)).map((u) => u.username), ['tech.b', 'tech.a']);

    const bad = await app.fetch(`/api/users?sort=${encodeURIComponent('["password_hash","ASC"]')}`);
    assert.equal(bad.status, 400);
  });

  test('the last enabled admin cannot be demoted or disabled', async () => {
    const res = await app.fetch('/api/users/1', { method: 'PUT', body: JSON.stringify({ role: 'technician' }) });
    assert.equal(res.status, 409);
    assert.equal((await json(res)).code, 'USER_LAST_ADMIN');
    assert.equal((await app.fetch('/api/users/1', { method: 'DELETE' })).status, 409);
    assert.equal((await json(await app.fetch('/api/me'))).role, 'admin');
  });

  test('API tokens for machines: shown once, work as bearer, revocable', async () => {
    const made = await app.fetch('/api/tokens', { method: 'POST', body: JSON.stringify({ name: 'router script' }) });
    assert.equal(made.status, 201);
    const { id, token } = await json<{ id: number; token: string }>(made);
    assert.match(token, /^pacs_[\w-]{40,}$/);
    const me = await app.fetch('/api/me', { auth: `Bearer ${token}` });
    assert.equal(me.status, 200);
    assert.equal((await json(me)).username, 'admin');
    const list = await json<Record<string, unknown>[]>(await app.fetch('/api/tokens'));
    assert.equal(list.find((t) => t.id === id)?.name, 'router script');
    assert.ok(list.every((t) => t.token === undefined), 'the secret is never listed');
    assert.equal((await app.fetch(`/api/tokens/${id}`, { method: 'DELETE' })).status, 200);
    assert.equal((await app.fetch('/api/me', { auth: `Bearer ${token}` })).status, 401);
    assert.equal((await app.fetch('/api/me', { auth: 'Bearer pacs_made-up' })).status, 401);
  });

  test('repeated failed logins are throttled', async () => {
    await app.fetch('/api/users', { method: 'POST', body: JSON.stringify({ username: 'target', password: 'password-1', role: 'referrer' }) });
    const attempt = () => app.fetch('/api/auth/login', { auth: null, method: 'POST', body: JSON.stringify({ username: 'target', password: 'guess' }) });
    for (let i = 0; i < 5; i++) assert.equal((await attempt()).status, 401);
    const limited = await attempt();
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  });

  test('the audit trail records logins and user changes, newest first, admins only', async () => {
    const res = await app.fetch(`/api/audit?filter=${encodeURIComponent('{"action":"user.*"}')}&range=${encodeURIComponent('[0,49]')}`);
    assert.equal(res.status, 200);
    const events = await json<{ action: string; username: string; resourceType: string; at: string }[]>(res);
    assert.ok(events.some((e) => e.action === 'user.create' && e.username === 'admin' && e.resourceType === 'User'));
    assert.ok(events.some((e) => e.action === 'user.disable'));
    const times = events.map((e) => Date.parse(e.at));
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    const failures = await json<{ outcome: string }[]>(await app.fetch(`/api/audit?filter=${encodeURIComponent('{"action":"auth.login","username":"target"}')}`));
    assert.ok(failures.length >= 5 && failures.every((e) => e.outcome === 'failure'));
  });

  test('/metrics is Prometheus text with process and HTTP metrics', async () => {
    const res = await app.fetch('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    assert.match(text, /^pacs_process_cpu_user_seconds_total \d/m);
    assert.match(text, /^pacs_http_requests_total\{method="GET",route="\/api\/me",status="200"\} \d+/m);
    assert.match(text, /^pacs_http_request_duration_seconds_bucket\{le="0.1",method="GET",route="\/api\/users"\} \d+/m);
  });

  test('/api/docs describes every /api route with its access', async () => {
    const res = await app.fetch('/api/docs');
    assert.equal(res.status, 200);
    const doc = await json<{ openapi: string; paths: Record<string, Record<string, { 'x-roles': unknown; security: unknown[] }>> }>(res);
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(doc.paths['/api/users']?.get?.['x-roles'], ['admin']);
    assert.deepEqual(doc.paths['/api/auth/login']?.post?.security, []);
    assert.ok(doc.paths['/api/users/{id}']?.put);
    assert.ok(doc.paths['/api/me']?.get);
  });
});

describe('appliance restart', () => {
  test('users, sessions and the first admin survive a restart; no second admin is made', async () => {
    const first = await startTestAppliance();
    const env = first.testEnv;
    try {
      assert.equal((await first.fetch('/api/users', { method: 'POST', body: JSON.stringify({ username: 'keeper', password: 'password-1', role: 'technician' }) })).status, 201);
      const login = await first.fetch('/api/auth/login', { auth: null, method: 'POST', body: JSON.stringify({ username: 'keeper', password: 'password-1' }) });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      await first.stop();

      const second = await startTestAppliance(env, { PACS_ADMIN_PASSWORD: 'a-different-password' });
      try {
        const users = await json<{ username: string }[]>(await second.fetch('/api/users'));
        assert.deepEqual(users.map((u) => u.username).sort(), ['admin', 'keeper']);
        // The admin password is still the first one: PACS_ADMIN_PASSWORD only applies on first start.
        assert.equal((await second.fetch('/api/me', { auth: basic('admin', 'a-different-password') })).status, 401);
        const me = await second.fetch('/api/me', { auth: null, headers: { cookie } });
        assert.equal(me.status, 200);
        assert.equal((await json(me)).username, 'keeper');
      } finally {
        await second.stop();
      }
    } finally {
      await env.cleanup();
    }
  });
});
