// The Modality Worklist and the archive in a real browser (Debian chromium, playwright-core)
// against a real appliance: two orders sent over MLLP and a CT study sent with DCMTK's storescu,
// then what a technician's screens show: the worklist from today on, an item with its history and
// DICOM attributes, the study with its series, a note written on a series, the series' instances;
// and a referrer, who gets the archive but no worklist.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, startTestAppliance } from './support/test-appliance.ts';
import type { TestAppliance } from './support/test-appliance.ts';
import { launchBrowserWithUi, openPage } from './support/browser.ts';
import { STUDY1, writeDataset } from './support/dicom-fixtures.ts';
import { dcmtk } from './support/dicom-peer.ts';
import { mllpExchange, msa } from './support/mllp-peer.ts';

const SCREENSHOT_DIR = '/tmp';
const REFERRER = { username: 'ref1', password: 'referrer-password', fullName: 'Rita Referrer' };

let app: TestAppliance;
let browser: Browser;
let scratch: string;

/** A local calendar day as DICOM DA (the appliance, the browser and this test share the clock and zone). */
function da(d: Date): string {
  return `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}`;
}
const iso = (day: string) => `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;

const TODAY = da(new Date());
const TOMORROW = da(new Date(Date.now() + 24 * 3600_000));

/** An ORM^O01 v2.3.1 new order (standards-mappings.md 1.5), scheduled at `start` on station CT01. */
function orm(o: { control: string; placer: string; patientId: string; name: string; start: string; studyUid?: string }): string {
  return [
    `MSH|^~\\&|RIS|RADIOLOGY|PACS|HOSPITAL|${TODAY}083000||ORM^O01|${o.control}|P|2.3.1||||||8859/1`,
    `PID|1||${o.patientId}^^^HOSP^MR||${o.name}||19800115|F`,
    `PV1|1|O|RAD^CT1^^HOSP|||||1234^SMITH^JOHN^^^DR`,
    `ORC|NW|${o.placer}^EPIC|||SC||1^^^${o.start}^^R||${TODAY}083000|||5678^JONES^ALICE^^^DR||||||CT01`,
    `OBR|1|${o.placer}^EPIC||CTCHEST^CT Chest with contrast^LOCAL^CTP01^CT chest routine protocol^LOCAL|||||||||Contrast allergy|||5678^JONES^ALICE^^^DR||ACC-${o.placer}|RP-${o.placer}|SPS-${o.placer}||||CT|||1^^^${o.start}^^R`,
    ...(o.studyUid ? [`ZDS|${o.studyUid}^RIS^Application^DICOM`] : []),
  ].join('\r');
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await app.fetch(path, init);
  const body = (await res.json()) as T & { message?: string };
  assert.ok(res.ok, `${init.method ?? 'GET'} ${path}: ${res.status} ${body.message ?? ''}`);
  return body;
}

before(async () => {
  browser = await launchBrowserWithUi();
  app = await startTestAppliance();
  scratch = mkdtempSync(join(tmpdir(), 'admin-ui-worklist-'));

  // Jane's order is for the study the CT then sends (same Study Instance UID); Richard's is tomorrow.
  assert.ok(app.ports.mllp, 'the orders channel listens on PACS_MLLP_PORT');
  const acks = await mllpExchange(app.ports.mllp, [
    orm({ control: 'UI-W-1', placer: 'UIW1', patientId: 'PAT-001', name: 'DOE^JANE', start: `${TODAY}093000`, studyUid: STUDY1 }),
    orm({ control: 'UI-W-2', placer: 'UIW2', patientId: 'PAT-002', name: 'ROE^RICHARD', start: `${TOMORROW}141500` }),
  ]);
  assert.deepEqual(acks.map(msa), ['AA', 'AA'], acks.join('\n'));

  const data = writeDataset(scratch);
  const store = await dcmtk('storescu', ['-aec', 'PACS', '127.0.0.1', String(app.ports.dicom), ...data.study1.map((f) => f.path)]);
  assert.equal(store.code, 0, store.stderr);

  await api('/api/users', { method: 'POST', body: JSON.stringify({ ...REFERRER, role: 'referrer' }) });
});

after(async () => {
  await browser?.close();
  await app?.stop();
  await app?.testEnv.cleanup();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), animations: 'disabled', fullPage: true });
}

async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByRole('textbox', { name: /^Username/ }).fill(username);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('the worklist lists the orders, an item shows its history; the archive shows the study, its series and instances', { timeout: 300_000 }, async () => {
  const { page, problems } = await openPage(browser, { width: 1280, height: 800 });
  await page.goto(app.url);
  await logIn(page, 'admin', ADMIN_PASSWORD);
  await page.getByText('Your role: admin').waitFor();

  // The worklist opens on today and upcoming: both patients, scheduled, readable names and times.
  await page.getByRole('menuitem', { name: 'Worklist' }).click();
  const jane = page.getByRole('row').filter({ hasText: 'DOE, JANE' });
  const richard = page.getByRole('row').filter({ hasText: 'ROE, RICHARD' });
  await jane.waitFor();
  await richard.waitFor();
  for (const [row, day, time, accession] of [
    [jane, TODAY, '09:30', 'ACC-UIW1'],
    [richard, TOMORROW, '14:15', 'ACC-UIW2'],
  ] as const) {
    const text = (await row.innerText()).replace(/\s+/g, ' ');
    for (const expected of [`${iso(day)} ${time}`, accession, 'CT01', 'SCHEDULED', 'CT chest routine protocol']) assert.ok(text.includes(expected), `worklist row lacks "${expected}": ${text}`);
  }
  assert.equal(await page.getByRole('button', { name: 'Today and upcoming' }).getAttribute('aria-pressed'), 'true');
  await screenshot(page, 'admin-ui-worklist');

  // "Today" leaves tomorrow's order out.
  await page.getByRole('button', { name: 'Today', exact: true }).click();
  await richard.waitFor({ state: 'detached' });
  assert.equal(await jane.count(), 1);

  // Jane's item: the fields, the history of its creation from the HL7 message, the DICOM attributes.
  await jane.click();
  await page.waitForURL(/#\/worklist\/\d+\/show$/);
  const history = page.getByRole('table', { name: 'History' });
  const created = history.getByRole('row').filter({ hasText: 'created' });
  await created.waitFor();
  const createdText = (await created.innerText()).replace(/\s+/g, ' ');
  assert.match(createdText, /new .*SCHEDULED/, createdText);
  assert.match(createdText, /\bhl7\b/, createdText);
  const messageLink = created.getByRole('link', { name: /^message #\d+$/ });
  const messageId = Number((await messageLink.innerText()).replace('message #', ''));
  assert.equal(await messageLink.getAttribute('href'), `#/messages/${messageId}/show`);
  assert.equal((await api<{ controlId: string }>(`/api/messages/${messageId}`)).controlId, 'UI-W-1', 'the history links the message that created the item');

  const attributes = page.getByRole('table', { name: 'DICOM attributes' });
  const name = (await attributes.getByTestId('attr-PatientName').innerText()).replace(/\s+/g, ' ');
  assert.match(name, /\(0010,0010\) Patient Name PN DOE\^JANE DOE, JANE/, name);
  const station = (await attributes.getByRole('row').filter({ hasText: '(0040,0001)' }).innerText()).replace(/\s+/g, ' ');
  assert.match(station, /^>\(0040,0001\) Scheduled Station AE Title AE CT01$/, station);
  await screenshot(page, 'admin-ui-worklist-item');

  // The Study Instance UID opens the archive on that study: its patient, date, description, counts.
  await page.getByRole('link', { name: STUDY1 }).click();
  await page.waitForURL(/#\/studies\?/);
  assert.equal(await page.getByRole('textbox', { name: 'Study Instance UID' }).inputValue(), STUDY1, 'the filter the link set is shown');
  const study = page.getByRole('row').filter({ hasText: 'ACC-0001' });
  await study.waitFor();
  const studyText = (await study.innerText()).replace(/\s+/g, ' ');
  for (const expected of ['DOE, JANE', 'PAT-001', '2025-03-01 09:41:12', 'CT Chest with contrast', 'ACC-0001', 'CT']) assert.ok(studyText.includes(expected), `study row lacks "${expected}": ${studyText}`);
  await screenshot(page, 'admin-ui-studies');

  // Its series, by number; a note written on the first is saved on the server.
  await study.click();
  await page.waitForURL(new RegExp(`#/studies/${STUDY1.replaceAll('.', '\\.')}/show$`));
  const axial = page.getByRole('row').filter({ hasText: 'Axial 1.25 mm' });
  const coronal = page.getByRole('row').filter({ hasText: 'Coronal MPR' });
  await axial.waitFor();
  await coronal.waitFor();
  assert.match((await axial.innerText()).replace(/\s+/g, ' '), /^1 CT Axial 1\.25 mm CHEST .*\b3\b/);
  await page.getByRole('button', { name: 'Edit the note on series 1 (Axial 1.25 mm)' }).click();
  const dialog = page.getByRole('dialog', { name: /Note on series 1/ });
  await dialog.getByRole('textbox', { name: 'Note' }).fill('Motion artefact in slices 2-3');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  await axial.getByText('Motion artefact in slices 2-3').waitFor();
  assert.equal((await api<{ note: string | null }>(`/api/series/${STUDY1}.1`)).note, 'Motion artefact in slices 2-3');
  await screenshot(page, 'admin-ui-study');

  // The series' instances, by number, with their SOP class.
  await axial.getByRole('cell', { name: 'Axial 1.25 mm', exact: true }).click();
  await page.waitForURL(/#\/series\/.+\/show$/);
  const instances = page.getByRole('row').filter({ hasText: 'CT Image' });
  await instances.first().waitFor();
  assert.deepEqual(
    (await instances.allInnerTexts()).map((t) => t.trim().split(/\s+/)[0]),
    ['1', '2', '3'],
  );
  await screenshot(page, 'admin-ui-series');
  assert.deepEqual(problems, []);

  // A referrer reads the archive but gets no worklist (the server refuses it to referrers).
  await page.getByRole('button', { name: 'Profile' }).click();
  await page.getByRole('menuitem', { name: 'Logout' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await logIn(page, REFERRER.username, REFERRER.password);
  await page.getByRole('menuitem', { name: 'Studies' }).waitFor();
  await screenshot(page, 'admin-ui-referrer');
  assert.equal(await page.getByRole('menuitem', { name: 'Worklist' }).count(), 0, 'a referrer must not see the Worklist menu');
  assert.deepEqual(problems, []);
  await page.close();
});
