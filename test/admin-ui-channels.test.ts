// The integration analyst's screens in a real browser (Debian chromium, playwright-core) against a
// real appliance and a stand-in RIS over MLLP: channels with their counters, the message browser,
// a parked message resent, the channel's YAML edited (and refused), alerts acknowledged.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { parse } from 'yaml';
import { startTestAppliance } from './support/test-appliance.ts';
import type { TestAppliance } from './support/test-appliance.ts';
import { launchBrowserWithUi, openPage } from './support/browser.ts';
import { mllpExchange, msa, orm, startMllpPeer } from './support/mllp-peer.ts';
import type { MllpPeer } from './support/mllp-peer.ts';

const SCREENSHOT_DIR = '/tmp';
const ANALYST = { username: 'ana', password: 'analyst-password', fullName: 'Ana Lyst' };
const POISON = 'UI-POISON';

let app: TestAppliance;
let browser: Browser;
let peer: MllpPeer;

type Msg = { id: number; controlId: string; status: string };

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await app.fetch(path, init);
  const body = (await res.json()) as T & { message?: string };
  assert.ok(res.ok, `${init.method ?? 'GET'} ${path}: ${res.status} ${body.message ?? ''}`);
  return body;
}

/** Polls until `check` holds; the last failure is the error when it never does. */
async function eventually(check: () => Promise<void>, timeoutMs = 45_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > end) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

before(async () => {
  browser = await launchBrowserWithUi();
  app = await startTestAppliance();
  peer = await startMllpPeer();
  peer.answer = (r) => (r.controlId === POISON ? 'AE' : 'AA');

  // A relay channel to the stand-in RIS, which refuses the poison message (AE: parked at once).
  const relay = await api<{ source: { port: number } }>('/api/channels', {
    method: 'POST',
    body: JSON.stringify({
      id: 'relay-ui',
      name: 'Relay UI',
      description: 'Orders to the test RIS',
      source: { type: 'mllp', port: 0 },
      destinations: [
        {
          id: 'ris',
          name: 'RIS',
          connector: { type: 'mllp', host: '127.0.0.1', port: peer.port, responseTimeoutMs: 2000 },
          retry: { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 200 },
        },
      ],
      alerts: { errorCount: { threshold: 1, windowMinutes: 15 } },
    }),
  });
  const acks = await mllpExchange(relay.source.port, [orm('UI-0001', 'PAT-1'), orm('UI-0002', 'PAT-2'), orm(POISON, 'PAT-3')]);
  assert.deepEqual(acks.map(msa), ['AA', 'AA', 'AA']);
  await peer.waitFor((all) => all.length >= 3);
  await eventually(async () => {
    const poison = await api<Msg[]>(`/api/messages?filter=${encodeURIComponent(JSON.stringify({ controlId: POISON }))}`);
    assert.equal(poison[0]?.status, 'error');
  });
  // The engine checks alert thresholds every 10 s.
  await eventually(async () => assert.equal((await api<unknown[]>('/api/alerts?filter={"open":true}')).length, 1));

  await api('/api/users', { method: 'POST', body: JSON.stringify({ ...ANALYST, role: 'analyst' }) });
  await api('/api/users', { method: 'POST', body: JSON.stringify({ username: 'rad1', password: 'radiologist-password', role: 'radiologist' }) });
});

after(async () => {
  await browser?.close();
  await peer?.close();
  await app?.stop();
  await app?.testEnv.cleanup();
});

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `admin-ui-channels-${name}.png`), animations: 'disabled', fullPage: true });
}

async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto(app.url);
  await page.getByRole('textbox', { name: /^Username/ }).fill(username);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Welcome').waitFor();
}

/** The texts of the data rows on the current list page. */
async function rowTexts(page: Page): Promise<string[]> {
  return page.locator('table tbody tr').allInnerTexts();
}

/** The cells of one data row, trimmed. */
async function cellTexts(row: Locator): Promise<string[]> {
  return (await row.getByRole('cell').allInnerTexts()).map((t) => t.trim());
}

async function editDefinition(page: Page, change: (yaml: string) => string, beforeSave?: () => Promise<void>): Promise<void> {
  const editor = page.getByRole('textbox', { name: /^Definition/ });
  const before = await editor.inputValue();
  const after = change(before);
  assert.notEqual(after, before, 'the test meant to change the YAML');
  await editor.fill(after);
  await beforeSave?.();
  assert.equal(await editor.inputValue(), after);
  await page.getByRole('button', { name: 'Save' }).click();
}

test('an analyst watches a channel, finds and resends a parked message, and edits the channel as YAML', { timeout: 420_000 }, async () => {
  const { page, problems } = await openPage(browser, { width: 1400, height: 900 });
  try {
    await analystScenario(page);
  } catch (error) {
    await screenshot(page, 'failure');
    if (problems.length && error instanceof Error) error.message += `\nproblems in the page:\n${problems.join('\n')}`;
    throw error;
  } finally {
    await page.close();
  }
  assert.deepEqual(problems, []);
});

async function analystScenario(page: Page): Promise<void> {
  await logIn(page, ANALYST.username, ANALYST.password);
  await page.getByText('Your role: analyst').waitFor();
  const alertsMenu = page.getByRole('menuitem', { name: /Alerts/ });
  await page.getByRole('menuitem', { name: 'Messages' }).waitFor();
  assert.equal(await page.getByRole('menuitem', { name: 'Users' }).count(), 0, 'an analyst must not see the Users menu');
  // One open alert (the poison message's failed delivery), as a badge on the menu and on the dashboard.
  await eventually(async () => assert.equal((await alertsMenu.locator('.MuiBadge-badge').innerText()).trim(), '1'));
  await page.getByText('Open channel alerts: 1').waitFor();
  await screenshot(page, 'dashboard');

  // Channels: the relay with its state, source and counters (3 received, 2 sent, 1 errored).
  await page.getByRole('menuitem', { name: 'Channels' }).click();
  const relayRow = page.locator('table tbody tr').filter({ hasText: 'relay-ui' });
  await eventually(async () => {
    const cells = await cellTexts(relayRow);
    // expand toggle, channel, state, source, received, filtered, sent, errored, queued, buttons
    assert.match(cells[1] ?? '', /Relay UI\s+relay-ui/);
    assert.equal(cells[2], 'started');
    assert.match(cells[3] ?? '', /^mllp :\d+$/);
    assert.deepEqual(cells.slice(4, 9), ['3', '0', '2', '1', '0']);
  });
  assert.equal(await relayRow.getByRole('button', { name: 'Start' }).isDisabled(), true, 'a started channel cannot be started');
  await relayRow.locator('[aria-label="Expand"]').click(); // react-admin hides the toggle from the accessibility tree
  const destinations = page.getByRole('table', { name: 'Destinations of Relay UI' });
  await destinations.waitFor();
  const risRow = destinations.locator('tbody tr').filter({ hasText: 'RIS' });
  // destination, connector, mode, filtered, sent, errored, queued, parked
  assert.deepEqual((await cellTexts(risRow)).slice(1, 8), ['mllp', 'queued', '0', '2', '1', '0', '1']);
  await screenshot(page, 'list');

  // The parked count opens the message browser on this channel's errors: only the poison message.
  await risRow.getByRole('link', { name: '1' }).click();
  await page.waitForURL(/#\/messages\?/);
  await eventually(async () => {
    const rows = await rowTexts(page);
    assert.equal(rows.length, 1, rows.join('\n'));
    assert.match(rows[0] ?? '', new RegExp(POISON));
  });

  // Full-text search: the accession text finds its message.
  // (An explicit empty filter: react-admin would otherwise restore the last one used.)
  await page.goto(`${app.url}/#/messages?filter=${encodeURIComponent('{}')}`);
  await page.getByPlaceholder('Search message text').fill('ACC-UI-0002');
  await eventually(async () => {
    const rows = await rowTexts(page);
    assert.equal(rows.length, 1, rows.join('\n'));
    assert.match(rows[0] ?? '', /UI-0002/);
    assert.match(rows[0] ?? '', /PAT-2/);
    assert.match(rows[0] ?? '', /ACC-UI-0002/);
  });
  await screenshot(page, 'search');

  // Status filter: error shows exactly the poison message, with its error text.
  await page.getByPlaceholder('Search message text').fill('');
  await page.getByRole('combobox', { name: 'Status' }).click();
  await page.getByRole('option', { name: 'Error' }).click();
  await eventually(async () => {
    const rows = await rowTexts(page);
    assert.equal(rows.length, 1, rows.join('\n'));
    assert.match(rows[0] ?? '', new RegExp(POISON));
    assert.match(rows[0] ?? '', /error/);
  });
  await screenshot(page, 'errors');

  // The poison message: raw text one segment a line, and the receiver's refusal on its delivery.
  await page.locator('table tbody tr').first().click();
  await page.waitForURL(/#\/messages\/\d+\/show$/);
  const raw = page.getByTestId('message-raw');
  await raw.waitFor();
  const rawLines = (await raw.innerText()).split('\n');
  assert.equal(rawLines[0], `MSH|^~\\&|RIS|HOSP|PACS|RAD|20261123120000||ORM^O01|${POISON}|P|2.3.1`);
  assert.ok(rawLines.includes(`OBR|1|ORD-${POISON}||CT-HEAD^CT Head^L||||||||||||||ACC-${POISON}||||||CT`), rawLines.join('\n'));
  const delivery = page.getByTestId('delivery-ris');
  await delivery.getByText('the receiver answered AE').waitFor();
  assert.match(await delivery.innerText(), /\berror\b/);
  assert.match(await page.getByTestId('message-response').innerText(), /MSA\|AA\|UI-POISON/);
  await screenshot(page, 'message-error');

  // The RIS accepts it now: Resend, and the page follows the delivery until it is sent.
  peer.answer = () => 'AA';
  await page.getByRole('button', { name: 'Resend to ris' }).click();
  await delivery.getByText('sent', { exact: true }).waitFor();
  assert.equal(peer.received.filter((r) => r.controlId === POISON).length, 2);
  await screenshot(page, 'message-resent');

  // Alerts: the open one is acknowledged, and the badge goes.
  await alertsMenu.click();
  await page.getByText('failed deliveries in relay-ui').waitFor();
  await screenshot(page, 'alerts');
  await page.getByRole('button', { name: 'Acknowledge' }).click();
  await page.getByText('failed deliveries in relay-ui').waitFor({ state: 'detached' });
  await eventually(async () => assert.equal(await alertsMenu.locator('.MuiBadge-invisible').count(), 1));
  const [acked] = await api<{ acknowledgedBy: string | null }[]>('/api/alerts');
  assert.equal(acked?.acknowledgedBy, ANALYST.username);

  // The channel's page, then its YAML: a new name is deployed and shown everywhere.
  const relayPort = (await api<{ source: { port: number } }>('/api/channels/relay-ui')).source.port;
  await page.getByRole('menuitem', { name: 'Channels' }).click();
  await relayRow.getByText('Relay UI').click();
  await page.waitForURL(/#\/channels\/relay-ui\/show$/);
  assert.match(await page.getByTestId('channel-definition').innerText(), /^id: relay-ui\nname: Relay UI\n/);
  await screenshot(page, 'show');
  await page.getByRole('link', { name: 'Edit' }).click();
  await page.waitForURL(/#\/channels\/relay-ui$/);
  await editDefinition(
    page,
    (yaml) => yaml.replace('name: Relay UI\n', 'name: Relay renamed\n'),
    async () => {
      // New traffic changes the channel's counters; refetching it must not undo the typing.
      await mllpExchange(relayPort, [orm('UI-0004', 'PAT-4')]);
      const refetched = page.waitForResponse((res) => res.url().endsWith('/api/channels/relay-ui') && res.request().method() === 'GET');
      await page.getByRole('button', { name: 'Refresh' }).click();
      await refetched;
      await page.waitForTimeout(500); // let React render the refetched record
    },
  );
  await page.waitForURL(/#\/channels\/relay-ui\/show$/);
  await page.getByRole('heading', { name: 'Relay renamed', exact: true }).waitFor();
  const renamed = await api<{ name: string; revision: number }>('/api/channels/relay-ui');
  assert.equal(renamed.name, 'Relay renamed');
  await page.getByRole('menuitem', { name: 'Channels' }).click();
  await relayRow.getByText('Relay renamed').waitFor();

  // A definition the server refuses: its message is shown, and nothing changes.
  await relayRow.getByText('Relay renamed').click();
  await page.getByRole('link', { name: 'Edit' }).click();
  const badYaml = (yaml: string) => yaml.replace(/source:\n {2}type: mllp\n/, 'source:\n  type: pigeon\n');
  const editor = page.getByRole('textbox', { name: /^Definition/ });
  await editor.waitFor();
  const refused = await app.fetch('/api/channels/relay-ui', { method: 'PUT', body: JSON.stringify(parse(badYaml(await editor.inputValue()))) });
  assert.equal(refused.status, 400);
  const { message } = (await refused.json()) as { message: string };
  await editDefinition(page, badYaml);
  const shown = page.getByTestId('channel-problems');
  await shown.waitFor();
  for (const problem of message.split('; ')) assert.ok((await shown.innerText()).includes(problem), `"${problem}" not in: ${await shown.innerText()}`);
  assert.match(page.url(), /#\/channels\/relay-ui$/, 'a refused definition stays in the editor');
  await screenshot(page, 'edit-refused');
  const unchanged = await api<{ revision: number; source: { type: string } }>('/api/channels/relay-ui');
  assert.equal(unchanged.revision, renamed.revision);
  assert.equal(unchanged.source.type, 'mllp');

  // Reprocessing: everything a filter matches (the confirmation shows the filter), the selected
  // rows, and one message from its page (which then shows the new message).
  await page.goto(`${app.url}/#/messages?filter=${encodeURIComponent(JSON.stringify({ controlId: 'UI-0001' }))}`);
  await eventually(async () => assert.equal((await rowTexts(page)).length, 1));
  await page.getByRole('button', { name: 'Reprocess all matching' }).click();
  const confirm = page.getByRole('dialog', { name: 'Reprocess all matching messages?' });
  assert.equal(await confirm.getByTestId('reprocess-filter').innerText(), 'Control ID: UI-0001');
  await confirm.getByText('1 message matches.').waitFor();
  await screenshot(page, 'reprocess-matching');
  await confirm.getByRole('button', { name: 'Reprocess' }).click();
  await eventually(async () => assert.equal((await rowTexts(page)).length, 2));
  await page.locator('table tbody tr').first().getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Reprocess', exact: true }).click();
  await eventually(async () => assert.equal((await rowTexts(page)).length, 3));
  await page.locator('table tbody tr').first().getByText('UI-0001', { exact: true }).click();
  await page.waitForURL(/#\/messages\/\d+\/show$/);
  const original = page.url();
  await page.getByTestId('message-raw').waitFor(); // the router changes the URL before the page
  await page.getByRole('button', { name: 'Reprocess', exact: true }).click();
  await page.waitForURL((url) => /#\/messages\/\d+\/show$/.test(url.hash) && url.href !== original);
  await page.getByText('Reprocessed from').waitFor();
  const reprocessed = await api<Msg[]>(`/api/messages?filter=${encodeURIComponent(JSON.stringify({ controlId: 'UI-0001' }))}`);
  assert.equal(reprocessed.length, 4);
  assert.ok(reprocessed.every((m) => m.status === 'sent' || m.status === 'queued'), JSON.stringify(reprocessed));

  // Create from the commented template, then delete (undeploy) it after confirming.
  await page.goto(`${app.url}/#/channels/create`);
  await eventually(async () => assert.match(await editor.inputValue(), /^# A channel/));
  await screenshot(page, 'create');
  await editDefinition(page, (yaml) => yaml.replace('id: new-channel', 'id: scratch').replace('port: 2576', `port: ${peer.port}`));
  await page.waitForURL(/#\/channels\/scratch\/show$/);
  assert.equal((await app.fetch('/api/channels/scratch')).status, 200);
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog', { name: 'Undeploy this channel?' }).getByRole('button', { name: 'Confirm' }).click();
  await page.waitForURL(/#\/channels$/);
  await eventually(async () => assert.equal((await app.fetch('/api/channels/scratch')).status, 404));
}

test('other roles see no channel, message or alert menus', { timeout: 240_000 }, async () => {
  const { page, problems } = await openPage(browser, { width: 1280, height: 800 });
  await logIn(page, 'rad1', 'radiologist-password');
  await page.getByRole('menuitem', { name: 'API tokens' }).waitFor();
  for (const name of ['Channels', 'Messages', 'Alerts']) {
    assert.equal(await page.getByRole('menuitem', { name: new RegExp(name) }).count(), 0, `a radiologist must not see ${name}`);
  }
  assert.equal(await page.getByText('Open channel alerts').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});
