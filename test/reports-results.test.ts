// Reports and results as the radiologist, the RIS and the integration analyst see them: an order
// arrives over MLLP (ORM^O01), the modality stores the study (DCMTK storescu), the radiologist
// writes the report in /api/reports (Indication from the order's reason) and signs it; the RIS
// (a test MLLP receiver, down at first) gets the ORU^R01 exactly once when it comes up; an
// amendment goes out with OBR-25 C and keeps the signed version; every message is in the
// message browser under the results channel.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ctFile } from './support/dicom-fixtures.ts';
import { dcmtk } from './support/dicom-peer.ts';
import { freePort, mllpExchange, msa, startMllpPeer } from './support/mllp-peer.ts';
import type { MllpPeer } from './support/mllp-peer.ts';
import { basic, startTestAppliance } from './support/test-appliance.ts';
import type { TestAppliance } from './support/test-appliance.ts';

const STUDY = '1.2.826.0.1.3680043.9.7433.10.1';
const ACCESSION = 'ACC-R1';
const PASSWORD = 'report-test-password';
const RADIOLOGIST = basic('rreed', PASSWORD);
const TECHNICIAN = basic('ttech', PASSWORD);
const REFERRER = basic('rref', PASSWORD);

/** Findings with every HL7 delimiter, an escape character, accents and line breaks. */
const FINDINGS = 'Nodule | 4 mm ^ right & left ~ apex \\ base.\nÉpanchement pleural modéré.\n\nNo pulmonary embolism.';

/** An OBR segment with the given fields (by their number). */
function obr(values: Record<number, string>): string {
  const f = Array.from({ length: Math.max(...Object.keys(values).map(Number)) + 1 }, (_, i) => (i === 0 ? 'OBR' : i === 1 ? '1' : (values[i] ?? '')));
  return f.join('|');
}

/** An ORM^O01 v2.3.1 in UTF-8 as a RIS sends it: order numbers, procedure, reason (OBR-31), Study Instance UID (ZDS). */
const ORM = [
  'MSH|^~\\&|RIS|RADIOLOGY|PACS|HOSPITAL|20300301083000||ORM^O01|R-NW-1|P|2.3.1||||||UNICODE UTF-8',
  'PID|1||MRN-R1^^^HOSP^MR||MÜLLER^JOSÉ||19800115|M',
  'PV1|1|O|RAD^CT1^^HOSP|||||1234^SMITH^JOHN^^^DR|||||||||||V0001^^^HOSP',
  'ORC|NW|PO-R1^EPIC|FO-R1^RIS||SC||1^^^20300301093000^^R||20300301083000|||5678^JONES^ALICE^^^DR||||||CT01',
  obr({
    2: 'PO-R1^EPIC',
    3: 'FO-R1^RIS',
    4: 'CTCHEST^CT Chest with contrast^LOCAL^CTP01^CT chest routine protocol^LOCAL',
    16: '5678^JONES^ALICE^^^DR',
    18: ACCESSION,
    19: 'RP-R1',
    20: 'SPS-R1',
    24: 'CT',
    27: '1^^^20300301093000^^R',
    31: 'R07.9^Chest pain, unspecified^I10',
    44: 'CTCHEST^CT Chest with contrast^LOCAL',
  }),
  `ZDS|${STUDY}^RIS^Application^DICOM`,
].join('\r');

type UserRef = { id: number; username: string; fullName: string | null };
type Report = {
  id: number;
  studyInstanceUid: string;
  accessionNumber: string;
  patientId: string;
  patientName: string;
  status: string;
  indication: string;
  technique: string;
  findings: string;
  impression: string;
  author: UserRef;
  signedBy: UserRef | null;
  signedAt: string | null;
  version: number;
  revision: number;
  versions: { version: number; status: string; impression: string; findings: string; signedBy: UserRef; signedAt: string; messageId: number | null }[];
};
type Msg = { id: number; channelId: string; status: string; messageType: string | null; accession: string | null; patientId: string | null };
type MsgDetail = Msg & { raw: string; deliveries: { destinationId: string; status: string; attempts: number; lastError: string | null; content: string | null }[] };

/** Splits an ORU into segments and fields, as a receiver reads it. */
function fields(oru: string, segment: string, n = 1): string[] {
  const seg = oru.split('\r').filter((s) => s.startsWith(`${segment}|`))[n - 1];
  assert.ok(seg, `no ${segment} #${n} in ${oru}`);
  return seg.split('|');
}

/** HL7 escape sequences back to text (standards-mappings.md 7.5), written here independently of the engine. */
function unescape(v: string): string {
  return v.replace(/\\(F|S|T|R|E)\\/g, (_m, c: string) => ({ F: '|', S: '^', T: '&', R: '~', E: '\\' })[c]!);
}

/** OBX-5 of the OBX row whose OBX-3.1 is `code`, its repetitions unescaped: the text lines as sent. */
function section(oru: string, code: string): string[] {
  const obx = oru.split('\r').find((s) => s.startsWith('OBX|') && s.split('|')[3]!.split('^')[0] === code);
  assert.ok(obx, `no OBX ${code}`);
  return obx.split('|')[5]!.split('~').map(unescape);
}

describe('reports and results (ORM^O01 -> worklist, storescu -> study, /api/reports -> ORU^R01)', () => {
  let app: TestAppliance;
  let ris: MllpPeer | undefined;
  let risPort: number;
  let dir: string;
  let reportId: number;

  async function call<T>(method: string, path: string, auth: string | undefined, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await app.fetch(path, { method, ...(auth ? { auth } : {}), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }
  const q = (filter: Record<string, unknown> | unknown[]) => encodeURIComponent(JSON.stringify(filter));
  const resultsMessages = async () => (await call<Msg[]>('GET', `/api/messages?filter=${q({ channelId: 'results' })}&sort=${q(['id', 'ASC'])}`, undefined)).body;
  const message = async (id: number) => (await call<MsgDetail>('GET', `/api/messages/${id}`, undefined)).body;

  async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  before(async () => {
    // The RIS's port is known but nobody listens there yet: the first deliveries fail.
    risPort = await freePort();
    app = await startTestAppliance(undefined, { PACS_RESULTS_MLLP: `127.0.0.1:${risPort}` });
    dir = mkdtempSync(join(tmpdir(), 'reports-results-'));
    for (const [username, role, fullName] of [['rreed', 'radiologist', 'REED^RACHEL^^DR'], ['ttech', 'technician', 'Tom Tech'], ['rref', 'referrer', null]] as const) {
      const r = await call('POST', '/api/users', undefined, { username, password: PASSWORD, role, fullName });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });
  after(async () => {
    await ris?.close();
    await app?.stop();
    await app?.testEnv.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the order arrives over MLLP and the study is stored with the same accession number', async () => {
    const [ack] = await mllpExchange(app.ports.mllp!, [Buffer.from(ORM, 'utf8')]);
    assert.equal(msa(ack), 'AA', ack);
    const path = join(dir, 'ct.dcm');
    writeFileSync(
      path,
      ctFile({
        patientName: 'MÜLLER^JOSÉ',
        patientId: 'MRN-R1',
        studyUid: STUDY,
        studyDate: '20300301',
        studyTime: '094112',
        accession: ACCESSION,
        studyDescription: 'CT Chest',
        seriesUid: `${STUDY}.1`,
        seriesNumber: 1,
        seriesDescription: 'Axial',
        sopUid: `${STUDY}.1.1`,
        instanceNumber: 1,
      }),
    );
    const stored = await dcmtk('storescu', ['-aec', 'PACS', '127.0.0.1', String(app.ports.dicom), path]);
    assert.equal(stored.code, 0, stored.stderr);
  });

  test('a radiologist creates the report; Indication comes from the order; technicians may not write; one report per study', async () => {
    const body = { studyInstanceUid: STUDY, technique: 'CT chest with IV contrast.', findings: 'Draft findings.' };
    const denied = await call<{ code: string }>('POST', '/api/reports', TECHNICIAN, body);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.code, 'AUTH_FORBIDDEN');

    const unknown = await call<{ code: string; message: string }>('POST', '/api/reports', RADIOLOGIST, { ...body, studyInstanceUid: '1.2.3.999' });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'DICOM_STUDY_NOT_FOUND');
    assert.match(unknown.body.message, /1\.2\.3\.999/);

    const made = await call<Report>('POST', '/api/reports', RADIOLOGIST, body);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    reportId = made.body.id;
    assert.deepEqual(
      [made.body.status, made.body.indication, made.body.technique, made.body.accessionNumber, made.body.patientId, made.body.patientName, made.body.author.username, made.body.signedBy, made.body.version],
      ['draft', 'Chest pain, unspecified', 'CT chest with IV contrast.', ACCESSION, 'MRN-R1', 'MÜLLER^JOSÉ', 'rreed', null, 0],
    );

    const again = await call<{ code: string }>('POST', '/api/reports', RADIOLOGIST, body);
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'REPORT_EXISTS');
  });

  test('referrers do not see drafts; the draft is edited; a technician cannot sign; nothing is signed while the results channel is paused', async () => {
    const list = await call<Report[]>('GET', `/api/reports?filter=${q({ studyInstanceUid: STUDY })}`, REFERRER);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body, []);
    assert.equal((await call('GET', `/api/reports/${reportId}`, REFERRER)).status, 404);

    const edited = await call<Report>('PUT', `/api/reports/${reportId}`, RADIOLOGIST, { findings: FINDINGS, impression: 'Small nodule; follow-up CT in 6 months.' });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.equal(edited.body.status, 'draft');
    assert.equal(edited.body.findings, FINDINGS);

    const signByTech = await call<{ code: string }>('PUT', `/api/reports/${reportId}`, TECHNICIAN, { status: 'final' });
    assert.equal(signByTech.status, 403);
    assert.equal((await call<Report>('GET', `/api/reports/${reportId}`, RADIOLOGIST)).body.status, 'draft');
    assert.equal((await resultsMessages()).length, 0, 'nothing went out');

    // With the results channel paused nothing can be signed: no signature without its results.
    assert.equal((await call('POST', '/api/channels/results/pause', undefined)).status, 200);
    const paused = await call<{ code: string; message: string }>('PUT', `/api/reports/${reportId}`, RADIOLOGIST, { status: 'final' });
    assert.equal(paused.status, 503);
    assert.equal(paused.body.code, 'REPORT_NOT_RELEASED');
    assert.match(paused.body.message, /paused/);
    assert.equal((await call<Report>('GET', `/api/reports/${reportId}`, RADIOLOGIST)).body.status, 'draft');
    assert.equal((await call('POST', '/api/channels/results/start', undefined)).status, 200);
    assert.equal((await resultsMessages()).length, 0, 'nothing went out');
  });

  test('signing answers after the commit; the ORU^R01 waits in the queue while the RIS is down and arrives exactly once', async () => {
    const before = (await call<Report>('GET', `/api/reports/${reportId}`, RADIOLOGIST)).body;
    const signed = await call<Report>('PUT', `/api/reports/${reportId}`, RADIOLOGIST, { status: 'final', revision: before.revision });
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    assert.equal(signed.body.status, 'final');
    assert.equal(signed.body.version, 1);
    assert.equal(signed.body.signedBy?.username, 'rreed');
    assert.ok(signed.body.signedAt && Math.abs(Date.parse(signed.body.signedAt) - Date.now()) < 60_000);
    assert.deepEqual(signed.body.versions.map((v) => [v.version, v.status, v.signedBy.username]), [[1, 'final', 'rreed']]);

    // The message browser: the results message, its report delivery done, the RIS delivery retrying.
    const [msg] = await resultsMessages();
    assert.ok(msg);
    assert.deepEqual([msg.messageType, msg.accession, msg.patientId], ['report.final', ACCESSION, 'MRN-R1']);
    const waiting = await until('a failed attempt to reach the RIS', async () => {
      const d = await message(msg.id);
      const r = d.deliveries.find((x) => x.destinationId === 'ris');
      return r && r.attempts >= 1 && r.status === 'queued' && r.lastError ? d : undefined;
    });
    assert.equal(waiting.deliveries.find((x) => x.destinationId === 'report')?.status, 'sent');
    assert.match(waiting.deliveries.find((x) => x.destinationId === 'ris')!.content ?? '', /^MSH\|\^~\\&\|/, 'the ORU^R01 is stored on the delivery');

    ris = await startMllpPeer(risPort);
    await ris.waitFor((all) => all.length >= 1);
    await until('the delivery marked sent', async () => ((await message(msg.id)).deliveries.find((x) => x.destinationId === 'ris')?.status === 'sent' ? true : undefined));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(ris.received.length, 1, 'exactly once');
    assert.equal((await resultsMessages())[0]?.status, 'sent');

    const oru = ris.received[0]!.text;
    assert.equal(fields(oru, 'MSH')[8], 'ORU^R01^ORU_R01');
    assert.equal(fields(oru, 'MSH')[11], '2.5.1');
    assert.equal(fields(oru, 'MSH')[17], 'UNICODE UTF-8');
    const pid = fields(oru, 'PID');
    assert.equal(pid[3], 'MRN-R1^^^HOSP');
    assert.equal(pid[5], 'MÜLLER^JOSÉ');
    assert.equal(fields(oru, 'PV1')[19], 'V0001^^^HOSP');
    const orc = fields(oru, 'ORC');
    assert.deepEqual([orc[1], orc[2], orc[3], orc[5]], ['RE', 'PO-R1^EPIC', 'FO-R1^RIS', 'CM']);
    const obr = fields(oru, 'OBR');
    assert.equal(obr[2], 'PO-R1^EPIC');
    assert.equal(obr[3], 'FO-R1^RIS');
    assert.equal(obr[4], 'CTCHEST^CT Chest with contrast^LOCAL');
    assert.equal(obr[7], '20300301094112');
    assert.equal(obr[18], ACCESSION);
    assert.equal(obr[19], 'RP-R1');
    assert.equal(obr[24], 'CT');
    assert.equal(obr[25], 'F');
    assert.equal(obr[31], 'R07.9^Chest pain, unspecified^I10');
    assert.equal(obr[32], 'rreed&REED&RACHEL&&&DR');
    assert.deepEqual(section(oru, '121109'), ['Chest pain, unspecified']);
    assert.deepEqual(section(oru, '121064'), ['CT chest with IV contrast.']);
    assert.deepEqual(section(oru, '121070'), FINDINGS.split('\n'), 'delimiters, escape character, accents and line breaks survive');
    assert.deepEqual(section(oru, '121072'), ['Small nodule; follow-up CT in 6 months.']);
    assert.deepEqual(section(oru, '113014'), [STUDY]);
    assert.ok(oru.split('\r').filter((s) => s.startsWith('OBX|')).every((s) => s.split('|')[11] === 'F'));
    assert.ok(!oru.includes('\n'), 'no raw line feed inside the message');
  });

  test('a final report is not edited; it is amended: OBR-25 C, the signed version kept, an AR retried', async () => {
    const edit = await call<{ code: string }>('PUT', `/api/reports/${reportId}`, RADIOLOGIST, { impression: 'Changed without amending.' });
    assert.equal(edit.status, 409);
    assert.equal(edit.body.code, 'REPORT_STATUS_INVALID');

    let refused = 0;
    ris!.answer = () => (refused++ === 0 ? 'AR' : 'AA');
    const amended = await call<Report>('PUT', `/api/reports/${reportId}`, RADIOLOGIST, { status: 'amended', impression: 'Small nodule; follow-up CT in 3 months.' });
    assert.equal(amended.status, 200, JSON.stringify(amended.body));
    assert.deepEqual([amended.body.status, amended.body.version, amended.body.impression], ['amended', 2, 'Small nodule; follow-up CT in 3 months.']);
    assert.deepEqual(
      amended.body.versions.map((v) => [v.version, v.status, v.impression]),
      [
        [1, 'final', 'Small nodule; follow-up CT in 6 months.'],
        [2, 'amended', 'Small nodule; follow-up CT in 3 months.'],
      ],
    );

    await ris!.waitFor((all) => all.length >= 3);
    const [first, second] = ris!.received.slice(1);
    assert.equal(first!.answer, 'AR');
    assert.equal(second!.answer, 'AA');
    assert.equal(second!.text.split('\r').slice(1).join('\r'), first!.text.split('\r').slice(1).join('\r'), 'the same ORU sent again');
    assert.equal(fields(second!.text, 'OBR')[25], 'C');
    assert.equal(fields(second!.text, 'OBR')[18], ACCESSION);
    assert.deepEqual(section(second!.text, '121072'), ['Small nodule; follow-up CT in 3 months.']);
    assert.ok(second!.text.split('\r').filter((s) => s.startsWith('OBX|')).every((s) => s.split('|')[11] === 'C'));

    const msgs = await until('both results messages sent', async () => {
      const all = await resultsMessages();
      return all.length === 2 && all.every((m) => m.status === 'sent') ? all : undefined;
    });
    assert.deepEqual(msgs.map((m) => m.messageType), ['report.final', 'report.amended']);
    const detail = await message(msgs[1]!.id);
    assert.match(detail.raw, /"event":"report.amended"/);
    assert.equal(detail.deliveries.find((d) => d.destinationId === 'ris')?.attempts, 2);

    const kept = await call<Report>('GET', `/api/reports/${reportId}`, REFERRER);
    assert.equal(kept.status, 200, 'referrers read signed reports');
    assert.equal(kept.body.versions.length, 2);
    assert.equal(kept.body.versions[0]!.findings, FINDINGS);
    assert.equal(kept.body.versions[0]!.messageId, msgs[0]!.id);
    const listed = await call<Report[]>('GET', `/api/reports?filter=${q({ patient: 'müller' })}`, REFERRER);
    assert.deepEqual(listed.body.map((r) => r.id), [reportId]);
  });

  test('reprocessing: the current version is sent again, a superseded one never', async () => {
    const [finalMsg, amendedMsg] = await resultsMessages();
    const stale = await call<{ id: number; status: string }>('POST', `/api/messages/${finalMsg!.id}/reprocess`, undefined);
    assert.equal(stale.status, 200);
    assert.equal(stale.body.status, 'error', 'the final version was superseded by the amendment');
    const staleDetail = await message(stale.body.id);
    assert.match(staleDetail.deliveries.find((d) => d.destinationId === 'report')?.lastError ?? '', /CHANNEL_REPORT_CONFLICT/);
    assert.equal(staleDetail.deliveries.find((d) => d.destinationId === 'ris')?.status, 'cancelled');

    const resent = await call<{ id: number; status: string }>('POST', `/api/messages/${amendedMsg!.id}/reprocess`, undefined);
    assert.equal(resent.status, 200);
    assert.notEqual(resent.body.status, 'error');
    await ris!.waitFor((all) => all.length >= 4);
    const last = ris!.received[3]!.text;
    assert.equal(fields(last, 'OBR')[25], 'C');
    assert.notEqual(fields(last, 'MSH')[9], fields(ris!.received[2]!.text, 'MSH')[9], 'a new control ID');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(ris!.received.length, 4, 'the superseded final version was not sent');
    const report = (await call<Report>('GET', `/api/reports/${reportId}`, RADIOLOGIST)).body;
    assert.deepEqual([report.status, report.version, report.versions.length], ['amended', 2, 2], 'the report is unchanged');
  });

  test('every read and write of the report is in the audit trail', async () => {
    const { body } = await call<{ action: string; username: string; outcome: string; resourceId: string | null; patientId: string | null }[]>(
      'GET',
      `/api/audit?filter=${q({ studyUid: STUDY, action: 'report.*' })}&range=[0,99]`,
      undefined,
    );
    const seen = new Set(body.map((e) => `${e.action} ${e.username} ${e.outcome}`));
    for (const e of ['report.create rreed success', 'report.create rreed failure', 'report.update rreed success', 'report.sign rreed success', 'report.amend rreed success', 'report.read rref success', 'report.read rreed success', 'report.search rref success']) {
      assert.ok(seen.has(e), `${e} in ${[...seen].join(', ')}`);
    }
    assert.ok(body.filter((e) => e.action === 'report.sign').every((e) => e.patientId === 'MRN-R1' && e.resourceId === String(reportId)));
  });

  test('a study without an order is reported and signed in one request; the patient comes from the images', async () => {
    const study = `${STUDY}.2`;
    const path = join(dir, 'ct2.dcm');
    writeFileSync(
      path,
      ctFile({
        patientName: 'ROE^RICHARD',
        patientId: 'PAT-R2',
        studyUid: study,
        studyDate: '20300302',
        accession: 'ACC-NO-ORDER',
        studyDescription: 'CT Head',
        seriesUid: `${study}.1`,
        seriesNumber: 1,
        seriesDescription: 'Axial',
        sopUid: `${study}.1.1`,
        instanceNumber: 1,
      }),
    );
    const stored = await dcmtk('storescu', ['-aec', 'PACS', '127.0.0.1', String(app.ports.dicom), path]);
    assert.equal(stored.code, 0, stored.stderr);
    const made = await call<Report>('POST', '/api/reports', RADIOLOGIST, { studyInstanceUid: study, findings: 'Normal.', impression: 'Normal head CT.', status: 'final' });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.deepEqual([made.body.status, made.body.version, made.body.indication, made.body.patientId, made.body.signedBy?.username], ['final', 1, '', 'PAT-R2', 'rreed']);
    await ris!.waitFor((all) => all.length >= 5);
    const oru = ris!.received[4]!.text;
    assert.equal(fields(oru, 'PID')[3], 'PAT-R2');
    assert.equal(fields(oru, 'PID')[5], 'ROE^RICHARD');
    const obr = fields(oru, 'OBR');
    assert.deepEqual([obr[2], obr[3], obr[4], obr[18], obr[25]], ['', '', '^CT Head', 'ACC-NO-ORDER', 'F']);
    assert.deepEqual(section(oru, '121072'), ['Normal head CT.']);
  });
});
