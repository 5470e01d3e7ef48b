// The admin UI in a real browser: Debian chromium, driven by playwright-core, against a real
// appliance. Checks what a user sees: the login page, a wrong password, an admin creating a user,
// and that user seeing only what their role allows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, startTestAppliance } from './support/test-appliance.ts';
import type { TestAppliance } from './support/test-appliance.ts';
import { launchBrowserWithUi, openPage } from './support/browser.ts';

const SCREENSHOT_DIR = '/tmp';

let app: TestAppliance;
let browser: Browser;

before(async () => {
  browser = await launchBrowserWithUi();
  app = await startTestAppliance();
});

after(async () => {
  await browser?.close();
  await app?.stop();
  await app?.testEnv.cleanup();
});

/** A picture for a person to look at when the test fails or the UI changes; transitions are finished first. */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), animations: 'disabled' });
}

async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByRole('textbox', { name: /^Username/ }).fill(username);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function logOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Profile' }).click();
  await page.getByRole('menuitem', { name: 'Logout' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
}

test('admin creates a technician in the UI; the technician sees no admin menus', { timeout: 300_000 }, async () => {
  const { page, problems } = await openPage(browser, { width: 1280, height: 800 });
  const version = ((await (await app.fetch('/healthz')).json()) as { version: string }).version;

  // Not logged in: the login page.
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  assert.match(page.url(), /#\/login$/);
  assert.equal(await page.title(), 'PACS appliance');

  // A wrong password shows the server's message and stays on the login page.
  await logIn(page, 'admin', 'not-the-password');
  await page.getByText('wrong user name or password').waitFor();
  await screenshot(page, 'admin-ui-login');
  assert.match(page.url(), /#\/login$/);

  // The admin: dashboard with role and version, and the admin menus.
  await logIn(page, 'admin', ADMIN_PASSWORD);
  await page.getByText('Welcome').waitFor();
  await page.getByText('Your role: admin').waitFor();
  await page.getByText(`Appliance version: ${version}`).waitFor();
  assert.equal(await page.getByRole('link', { name: '/api/docs' }).getAttribute('href'), '/api/docs');
  await page.getByRole('menuitem', { name: 'Audit trail' }).waitFor();

  await page.getByRole('menuitem', { name: 'Users' }).click();
  await page.getByRole('cell', { name: 'admin', exact: true }).waitFor();

  // Create tech1 through the form; the list shows it.
  await page.getByRole('link', { name: 'Create' }).click();
  await page.waitForURL(/#\/users\/create$/);
  await page.getByRole('textbox', { name: /^Username/ }).fill('tech1');
  await page.getByRole('textbox', { name: /^Full name/ }).fill('Tess Tech');
  await page.getByRole('combobox', { name: 'Role' }).click();
  await page.getByRole('option', { name: 'Technician' }).click();
  await page.getByLabel(/^Password/).fill('tech1-password');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('cell', { name: 'tech1', exact: true }).waitFor();
  await screenshot(page, 'admin-ui-users');

  // The server agrees.
  const res = await app.fetch('/api/users?filter=' + encodeURIComponent(JSON.stringify({ q: 'tech1' })));
  assert.equal(res.status, 200);
  const users = (await res.json()) as { username: string; role: string; fullName: string | null; disabled: boolean }[];
  const tech1 = users.find((u) => u.username === 'tech1');
  assert.ok(tech1, `GET /api/users has no tech1: ${JSON.stringify(users)}`);
  assert.equal(tech1.role, 'technician');
  assert.equal(tech1.fullName, 'Tess Tech');
  assert.equal(tech1.disabled, false);

  await logOut(page);

  // The technician: greeted by name, API tokens only, no Users or Audit trail.
  await logIn(page, 'tech1', 'tech1-password');
  await page.getByText('Welcome, Tess Tech').waitFor();
  await page.getByText('Your role: technician').waitFor();
  await page.getByRole('menuitem', { name: 'API tokens' }).waitFor();
  assert.equal(await page.getByRole('menuitem', { name: 'Users' }).count(), 0, 'a technician must not see the Users menu');
  assert.equal(await page.getByRole('menuitem', { name: 'Audit trail' }).count(), 0, 'a technician must not see the Audit trail menu');
  await screenshot(page, 'admin-ui-technician');

  // An API token: the secret is shown once, then the list has the token.
  await page.getByRole('menuitem', { name: 'API tokens' }).click();
  await page.getByRole('link', { name: 'Create' }).click();
  await page.waitForURL(/#\/tokens\/create$/);
  await page.getByRole('textbox', { name: /^Name/ }).fill('modality scripts');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('dialog', { name: 'API token created' }).waitFor();
  const secret = (await page.getByTestId('token-secret').textContent())?.trim() ?? '';
  assert.match(secret, /^pacs_\S+$/);
  await screenshot(page, 'admin-ui-token');
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('cell', { name: 'modality scripts', exact: true }).waitFor();
  const me = await app.fetch('/api/me', { auth: `Bearer ${secret}` });
  assert.equal(((await me.json()) as { username: string }).username, 'tech1', 'the token shown must authenticate as tech1');

  assert.deepEqual(problems, []);
  await page.close();
});
