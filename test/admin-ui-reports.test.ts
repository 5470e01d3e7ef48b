// The radiologist's report editor in a real browser (Debian chromium, playwright-core) against a
// real appliance: an order arrives over MLLP, the CT stores the study with DCMTK's storescu, and a
// radiologist opens the study, writes the report (Indication comes from the order), signs it after
// confirming, and sees it final with their name; amends it (refused with the server's reason
// while the results channel is paused, then signed); the API then has both versions as typed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startTestAppliance } from './support/test-appliance.ts';
import type { TestAppliance } from './support/test-appliance.ts';
import { launchBrowserWithUi, openPage } from './support/browser.ts';
import { STUDY1, writeDataset } from './support/dicom-fixtures.ts';
import { dcmtk } from './support/dicom-peer.ts';
import { mllpExchange, msa } from './support/mllp-peer.ts';

const SCREENSHOT_DIR = '/tmp';
const RADIOLOGIST = { username: 'rreed', password: 'radiologist-password', fullName: 'REED^ROSA^^DR' };
const FINDINGS = 'No pulmonary embolism.\nLungs clear.';
const IMPRESSION = 'No acute abnormality.';
const AMENDED = 'No acute abnormality. 4 mm nodule in the right apex: follow up in 12 months.';

/** An OBR segment with the given fields (by their number). */
function obr(values: Record<number, string>): string {
  const f = Array.from({ length: Math.max(...Object.keys(values).map(Number)) + 1 }, (_, i) => (i === 0 ? 'OBR' : i === 1 ? '1' : (values[i] ?? '')));
  return f.join('|');
}

/** The order for study 1 (accession ACC-0001), with its reason in OBR-31. */
const ORM = [
  'MSH|^~\\&|RIS|RADIOLOGY|PACS|HOSPITAL|20250301083000||ORM^O01|UI-R-1|P|2.3.1||||||8859/1',
  'PID|1||PAT-001^^^HOSP^MR||DOE^JANE||19800115|F',
  'PV1|1|O|RAD^CT1^^HOSP|||||1234^SMITH^JOHN^^^DR',
  'ORC|NW|UIR1^EPIC|||SC||1^^^20250301093000^^R||20250301083000|||5678^JONES^ALICE^^^DR||||||CT01',
  obr({
    2: 'UIR1^EPIC',
    4: 'CTCHEST^CT Chest with contrast^LOCAL^CTP01^CT chest routine protocol^LOCAL',
    16: '5678^JONES^ALICE^^^DR',
    18: 'ACC-0001',
    19: 'RP-UIR1',
    20: 'SPS-UIR1',
    24: 'CT',
    27: '1^^^20250301093000^^R',
    31: 'R07.9^Chest pain, unspecified^I10',
  }),
  `ZDS|${STUDY1}^RIS^Application^DICOM`,
].join('\r');

type Report = { id: number; studyInstanceUid: string; status: string; findings: string; impression: string; indication: string; signedBy: { username: string } | null };

let app: TestAppliance;
let browser: Browser;
let scratch: string;

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await app.fetch(path, init);
  const body = (await res.json()) as T & { message?: string };
  assert.ok(res.ok, `${init.method ?? 'GET'} ${path}: ${res.status} ${body.message ?? ''}`);
  return body;
}

before(async () => {
  browser = await launchBrowserWithUi();
  app = await startTestAppliance();
  scratch = mkdtempSync(join(tmpdir(), 'admin-ui-reports-'));
  assert.ok(app.ports.mllp, 'the orders channel listens on PACS_MLLP_PORT');
  const acks = await mllpExchange(app.ports.mllp, [ORM]);
  assert.deepEqual(acks.map(msa), ['AA'], acks.join('\n'));
  const data = writeDataset(scratch);
  const store = await dcmtk('storescu', ['-aec', 'PACS', '127.0.0.1', String(app.ports.dicom), ...data.study1.map((f) => f.path)]);
  assert.equal(store.code, 0, store.stderr);
  await api('/api/users', { method: 'POST', body: JSON.stringify({ ...RADIOLOGIST, role: 'radiologist' }) });
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

test('a radiologist writes a report from the study page, signs it and amends it', { timeout: 180_000 }, async () => {
  const { page, problems } = await openPage(browser);
  await page.goto(`${app.url}/#/studies/${STUDY1}/show`);
  await page.getByRole('textbox', { name: /^Username/ }).fill(RADIOLOGIST.username);
  await page.getByLabel(/^Password/).fill(RADIOLOGIST.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('menuitem', { name: 'Reports' }).waitFor();

  // The study has no report yet: the radiologist starts one; Indication comes from the order.
  await page.goto(`${app.url}/#/studies/${STUDY1}/show`);
  await page.getByRole('button', { name: 'Write report' }).click();
  await page.waitForURL(/#\/reports\/\d+$/);
  const indication = page.getByRole('textbox', { name: 'Indication' });
  await indication.waitFor();
  assert.match(await indication.inputValue(), /Chest pain/, 'Indication is filled from the order');
  await page.getByRole('textbox', { name: 'Findings' }).fill(FINDINGS);
  await page.getByRole('textbox', { name: 'Impression' }).fill(IMPRESSION);
  await screenshot(page, 'admin-ui-report-editor');

  // Signing asks first, then shows the report final with the signer and its first version.
  await page.getByRole('button', { name: 'Sign', exact: true }).click();
  const confirm = page.getByRole('dialog', { name: 'Sign the report?' });
  await confirm.getByRole('button', { name: 'Sign' }).click();
  await page.waitForURL(/#\/reports\/\d+\/show$/);
  const versions = page.getByRole('table', { name: 'Versions' });
  const first = versions.getByRole('row').filter({ hasText: 'DR REED, ROSA' });
  await first.waitFor();
  assert.match((await first.innerText()).replace(/\s+/g, ' '), /^1 final DR REED, ROSA /);
  const header = (await page.locator('main').innerText()).replace(/\s+/g, ' ');
  assert.match(header, /DOE, JANE final/, header);
  assert.match(header, /Signed by DR REED, ROSA/, header);
  await page.getByRole('region', { name: 'Impression' }).getByText(IMPRESSION).waitFor();
  await screenshot(page, 'admin-ui-report-signed');

  // Amending while the results channel is paused is refused with the server's reason, and the
  // editor keeps the text; once it runs again the correction is signed as version 2.
  await api('/api/channels/results/pause', { method: 'POST' });
  await page.getByRole('link', { name: 'Amend' }).click();
  await page.waitForURL(/#\/reports\/\d+$/);
  await page.getByRole('textbox', { name: 'Impression' }).fill(AMENDED);
  const amend = async () => {
    await page.getByRole('button', { name: 'Save amendment' }).click();
    await page.getByRole('dialog', { name: 'Amend the signed report?' }).getByRole('button', { name: 'Save amendment' }).click();
  };
  await amend();
  await page.getByRole('alert').filter({ hasText: /paused/ }).waitFor();
  assert.equal(await page.getByRole('textbox', { name: 'Impression' }).inputValue(), AMENDED);
  await screenshot(page, 'admin-ui-report-refused');
  await api('/api/channels/results/start', { method: 'POST' });
  await amend();
  await page.waitForURL(/#\/reports\/\d+\/show$/);
  await versions.getByRole('row').filter({ hasText: 'amended' }).waitFor();
  assert.equal(await versions.getByRole('row').count(), 3, 'the header and both signed versions');
  await page.getByRole('region', { name: 'Impression' }).getByText(AMENDED).waitFor();

  // The list: patient, the study's date and description from the archive, status, signer.
  await page.getByRole('menuitem', { name: 'Reports' }).click();
  const row = page.getByRole('row').filter({ hasText: 'ACC-0001' });
  await row.getByText('CT Chest with contrast').waitFor();
  const rowText = (await row.innerText()).replace(/\s+/g, ' ');
  for (const expected of ['DOE, JANE', 'PAT-001', '2025-03-01 09:41:12', 'amended', 'DR REED, ROSA']) assert.ok(rowText.includes(expected), `report row lacks "${expected}": ${rowText}`);
  await screenshot(page, 'admin-ui-reports');

  // The study page now opens the report.
  await page.goto(`${app.url}/#/studies/${STUDY1}/show`);
  await page.getByRole('link', { name: 'Open report' }).click();
  await page.waitForURL(/#\/reports\/\d+\/show$/);
  assert.equal(await page.getByRole('button', { name: 'Write report' }).count(), 0);
  assert.deepEqual(problems, []);
  await page.close();

  const reports = await api<Report[]>(`/api/reports?filter=${encodeURIComponent(JSON.stringify({ studyInstanceUid: STUDY1 }))}`);
  assert.equal(reports.length, 1);
  const [report] = reports;
  assert.equal(report?.status, 'amended');
  assert.equal(report?.findings, FINDINGS);
  assert.equal(report?.impression, AMENDED);
  const detail = await api<{ versions: { status: string; impression: string }[] }>(`/api/reports/${report?.id}`);
  assert.deepEqual(detail.versions.map((v) => [v.status, v.impression]), [['final', IMPRESSION], ['amended', AMENDED]]);
  assert.equal(report?.signedBy?.username, RADIOLOGIST.username);
});
