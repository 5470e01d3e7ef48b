// What the browser tests share: Debian chromium driven by playwright-core, the admin UI built
// before the appliance starts, and a watch for problems a user would not notice at once.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * Builds the admin UI (the appliance serves admin-ui/dist only if it exists when it starts; the
 * script does nothing when the bundle is newer than the sources) and launches chromium.
 * Fails, never skips: CI installs chromium, so a missing one is a broken machine.
 */
export async function launchBrowserWithUi(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the admin UI tests need Debian chromium at ${CHROMIUM}: run \`apt-get install -y chromium\``);
  }
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts/build.js')], { cwd: ROOT, stdio: 'inherit' });
  assert.equal(build.status, 0, 'building the admin UI (node scripts/build.js) failed');
  assert.ok(existsSync(join(ROOT, 'admin-ui/dist/index.html')), 'the build did not produce admin-ui/dist/index.html');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * A page with a patient timeout: two browser tests run side by side with the rest of the suite
 * on two-CPU CI machines, where the first load of the 1.2 MB bundle has taken over 20 s.
 * The waits look for what a user sees, so a longer limit only slows a failing run.
 */
export async function openPage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(60_000);
  return { page, problems: watchForProblems(page) };
}

/** Problems that break the UI without showing at once: script errors, CSP violations, Basic challenges. */
function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    // Chromium logs every 4xx answer (the first /api/me is an expected 401); those are not problems.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) problems.push(`console: ${msg.text()}`);
  });
  page.on('response', (res) => {
    // The UI sends X-Requested-With, so no 401 may carry the challenge that pops the password dialog.
    if (res.headers()['www-authenticate']) problems.push(`Basic challenge from ${res.request().method()} ${res.url()}`);
  });
  return problems;
}
