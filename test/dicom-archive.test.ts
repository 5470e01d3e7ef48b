// The DICOM archive as modalities, workstations and the UI see it: DCMTK's echoscu, storescu and
// findscu against the running appliance, then /api/studies, /api/series and /api/instances.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basic, startTestAppliance } from './support/test-appliance.ts';
import type { TestAppliance } from './support/test-appliance.ts';
import { compress, CT_IMAGE_STORAGE, ctFile, datasetOf, dcmdumpValue, EXPLICIT_LE, STUDY1, STUDY2, writeDataset } from './support/dicom-fixtures.ts';
import type { Dataset } from './support/dicom-fixtures.ts';
import { dcmtk, findscu, findThenCancel, storeRawBytes } from './support/dicom-peer.ts';

type Study = {
  id: string;
  studyInstanceUid: string;
  patient: { patientId: string; name: string; birthDate: string; sex: string };
  date: string;
  time: string;
  description: string;
  accession: string;
  referringPhysician: string;
  modalities: string[];
  numberOfSeries: number;
  numberOfInstances: number;
  size: number;
};
type Series = { id: string; studyInstanceUid: string; modality: string; number: number; description: string; note: string | null; numberOfInstances: number };
type Instance = { id: string; number: number; size: number; sopClassUid: string; transferSyntaxUid: string; duplicatesReceived: number; metadata?: Record<string, { vr: string; Value?: unknown[] }> };

const filter = (f: Record<string, unknown>) => `filter=${encodeURIComponent(JSON.stringify(f))}`;

/** Every file under the hot tier, temporary ones included. */
function storedFiles(dataDir: string): string[] {
  const root = join(dataDir, 'storage');
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(join(d, e.name));
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

describe('DICOM archive', () => {
  let app: TestAppliance;
  let data: Dataset;

  async function get<T>(path: string): Promise<T> {
    const res = await app.fetch(path);
    assert.equal(res.status, 200, `${path}: ${res.status}`);
    return (await res.json()) as T;
  }

  before(async () => {
    data = writeDataset(mkdtempSync(join(tmpdir(), 'dicom-fixtures-')));
    scratch.push(data.dir);
    app = await startTestAppliance(undefined, {});
  });
  const scratch: string[] = [];
  after(async () => {
    await app?.stop();
    await app?.testEnv.cleanup();
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
  });

  test('the DICOM port is bound on PACS_HOST, reported, and answers C-ECHO', async () => {
    assert.ok(app.ports.dicom > 0);
    const echo = await dcmtk('echoscu', ['-aec', 'PACS', '127.0.0.1', String(app.ports.dicom)]);
    assert.equal(echo.code, 0, echo.stderr);
  });

  test('an association calling another AE title is refused', async () => {
    const echo = await dcmtk('echoscu', ['-aec', 'NOT-PACS', '127.0.0.1', String(app.ports.dicom)]);
    assert.notEqual(echo.code, 0);
    assert.match(echo.stderr + echo.stdout, /Called AE Title Not Recognized|Association Rejected/i);
  });

  test('storescu sends a study on one association; /api/studies shows it with its patient and counts', async () => {
    const r = await dcmtk('storescu', ['-aec', 'PACS', '127.0.0.1', String(app.ports.dicom), ...data.study1.map((f) => f.path)]);
    assert.equal(r.code, 0, r.stderr);

    const studies = await get<Study[]>(`/api/studies?${filter({ studyInstanceUid: STUDY1 })}`);
    assert.equal(studies.length, 1);
    const s = studies[0]!;
    assert.equal(s.id, STUDY1);
    assert.deepEqual(s.patient && { id: s.patient.patientId, name: s.patient.name, birthDate: s.patient.birthDate, sex: s.patient.sex }, {
      id: 'PAT-001',
      name: 'DOE^JANE',
      birthDate: '1980-01-15',
      sex: 'F',
    });
    assert.equal(s.date, '2025-03-01');
    assert.equal(s.time, '09:41:12');
    assert.equal(s.description, 'CT Chest with contrast');
    assert.equal(s.accession, 'ACC-0001');
    assert.equal(s.referringPhysician, 'SMITH^JOHN');
    assert.deepEqual(s.modalities, ['CT']);
    assert.equal(s.numberOfSeries, 2);
    assert.equal(s.numberOfInstances, 5);

    const series = await get<Series[]>(`/api/series?${filter({ studyInstanceUid: STUDY1 })}`);
    assert.deepEqual(
      series.map((x) => [x.number, x.modality, x.description, x.numberOfInstances]),
      [
        [1, 'CT', 'Axial 1.25 mm', 3],
        [2, 'CT', 'Coronal MPR', 2],
      ],
    );
    assert.equal(series[0]!.note, null);

    const instances = await get<Instance[]>(`/api/instances?${filter({ seriesInstanceUid: `${STUDY1}.1` })}`);
    assert.deepEqual(instances.map((i) => i.number), [1, 2, 3]);
    for (const i of instances) {
      assert.equal(i.transferSyntaxUid, EXPLICIT_LE);
      assert.equal(i.sopClassUid, CT_IMAGE_STORAGE);
      assert.ok(i.size > 64 * 64 * 2, `size ${i.size}`);
    }
    // The file in the hot tier is the object as sent, behind a Part 10 header.
    const files = storedFiles(app.testEnv.dataDir).filter((f) => f.endsWith('.dcm'));
    assert.equal(files.length, 5);
    const sent = readFileSync(data.study1[0]!.path);
    const kept = files.find((f) => f.endsWith(`${data.study1[0]!.spec.sopUid}.dcm`))!;
    assert.ok(kept.startsWith(join(app.testEnv.dataDir, 'storage')) && kept.includes(`/${STUDY1}/${STUDY1}.1/`), kept);
    assert.deepEqual(datasetOf(readFileSync(kept)), datasetOf(sent));
    assert.equal(statSync(kept).size, instances[0]!.size);
  });

  test('instance metadata is kept as DICOM JSON, without pixel data', async () => {
    const sop = data.study1[0]!.spec.sopUid;
    const i = await get<Instance>(`/api/instances/${sop}`);
    const md = i.metadata!;
    assert.deepEqual(md['00100010'], { vr: 'PN', Value: [{ Alphabetic: 'DOE^JANE' }] });
    assert.deepEqual(md['00280010'], { vr: 'US', Value: [64] });
    assert.deepEqual(md['00200032'], { vr: 'DS', Value: [0, 0, 1.25] });
    assert.deepEqual(md['00080080'], { vr: 'LO', Value: ['Test Hospital'] });
    assert.equal(md['7FE00010'], undefined);
    const keys = Object.keys(md);
    assert.deepEqual(keys, [...keys].sort(), 'tags in ascending order');
  });

  test('several associations at once store another study', async () => {
    const runs = data.study2.map((f) => dcmtk('storescu', ['-aec', 'PACS', '127.0.0.1', String(app.ports.dicom), f.path]));
    const results = await Promise.all(runs);
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const [s] = await get<Study[]>(`/api/studies?${filter({ studyInstanceUid: STUDY2 })}`);
    assert.equal(s?.numberOfInstances, 4);
    assert.equal(s?.numberOfSeries, 1);
    assert.deepEqual(s?.modalities, ['MR']);
    assert.equal(s?.patient.patientId, 'PAT-002');
  });

  test('compressed objects are stored in the transfer syntax they were sent in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dicom-compressed-'));
    scratch.push(dir);
    const base = data.study1[0]!.spec;
    // DCMTK compresses; storescu proposes that syntax (plus the uncompressed ones) with its option.
    const cases = [
      ['dcmcjpeg', '-xs', '1.2.840.10008.1.2.4.70'],
      ['dcmcrle', '-xr', '1.2.840.10008.1.2.5'],
      ['dcmcjpls', '-xt', '1.2.840.10008.1.2.4.80'],
    ] as const;
    const files: { path: string; sop: string; ts: string }[] = [];
    for (const [n, [tool, option, ts]] of cases.entries()) {
      const sop = `${STUDY1}.3.${n + 1}`;
      const plain = join(dir, `plain-${n}.dcm`);
      writeFileSync(plain, ctFile({ ...base, seriesUid: `${STUDY1}.3`, seriesNumber: 3, seriesDescription: 'Compressed', sopUid: sop, instanceNumber: n + 1 }));
      const path = await compress(tool, plain, join(dir, `${tool}.dcm`));
      const r = await dcmtk('storescu', [option, '-aec', 'PACS', '127.0.0.1', String(app.ports.dicom), path]);
      assert.equal(r.code, 0, r.stderr);
      files.push({ path, sop, ts });
    }
    for (const f of files) {
      const i = await get<Instance>(`/api/instances/${f.sop}`);
      assert.equal(i.transferSyntaxUid, f.ts);
      const kept = storedFiles(app.testEnv.dataDir).find((p) => p.endsWith(`${f.sop}.dcm`))!;
      assert.equal(await dcmdumpValue(kept, '0002,0010'), await dcmdumpValue(f.path, '0002,0010'));
      assert.deepEqual(datasetOf(readFileSync(kept)), datasetOf(readFileSync(f.path)), 'stored byte for byte as sent');
    }

    // Deflated explicit VR little endian: DCMTK deflates on the wire; kept deflated, read back the same.
    const sop = `${STUDY1}.3.4`;
    const plain = join(dir, 'plain-deflate.dcm');
    writeFileSync(plain, ctFile({ ...base, seriesUid: `${STUDY1}.3`, seriesNumber: 3, seriesDescription: 'Compressed', sopUid: sop, instanceNumber: 4 }));
    const r = await dcmtk('storescu', ['-xd', '-aec', 'PACS', '127.0.0.1', String(app.ports.dicom), plain]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await get<Instance>(`/api/instances/${sop}`)).transferSyntaxUid, '1.2.840.10008.1.2.1.99');
    const kept = storedFiles(app.testEnv.dataDir).find((p) => p.endsWith(`${sop}.dcm`))!;
    assert.equal(await dcmdumpValue(kept, '7fe0,0010'), await dcmdumpValue(plain, '7fe0,0010'));
    assert.equal(await dcmdumpValue(kept, '0010,0010'), await dcmdumpValue(plain, '0010,0010'));

    const [s] = await get<Study[]>(`/api/studies?${filter({ studyInstanceUid: STUDY1 })}`);
    assert.equal(s?.numberOfSeries, 3);
    assert.equal(s?.numberOfInstances, 9);
  });

  test('findscu -S at STUDY, SERIES and IMAGE level returns the stored values', async () => {
    const port = app.ports.dicom;
    const studies = await findscu(port, '-S', [
      'QueryRetrieveLevel=STUDY',
      'PatientName=DOE*',
      'PatientID',
      'StudyInstanceUID',
      'StudyDate=20250101-20250331',
      'AccessionNumber',
      'StudyDescription',
      'ModalitiesInStudy',
      'NumberOfStudyRelatedSeries',
      'NumberOfStudyRelatedInstances',
      'InstitutionName',
    ]);
    assert.equal(studies.result.code, 0, studies.result.stderr);
    assert.equal(studies.matches.length, 1);
    const st = studies.matches[0]!;
    assert.equal(st.StudyInstanceUID, STUDY1);
    assert.deepEqual(st.PatientName, [{ Alphabetic: 'DOE^JANE' }]);
    assert.equal(st.PatientID, 'PAT-001');
    assert.equal(st.AccessionNumber, 'ACC-0001');
    assert.equal(st.ModalitiesInStudy, 'CT');
    assert.equal(Number(st.NumberOfStudyRelatedSeries), 3);
    assert.equal(Number(st.NumberOfStudyRelatedInstances), 9);
    assert.equal(st.StudyDate, '20250301');
    assert.ok('InstitutionName' in st, 'a key the index does not hold is returned, empty');

    const series = await findscu(port, '-S', ['QueryRetrieveLevel=SERIES', `StudyInstanceUID=${STUDY1}`, 'SeriesInstanceUID', 'SeriesNumber', 'Modality', 'SeriesDescription', 'NumberOfSeriesRelatedInstances']);
    assert.equal(series.result.code, 0, series.result.stderr);
    assert.deepEqual(
      series.matches.map((m) => [Number(m.SeriesNumber), m.Modality, m.SeriesDescription, Number(m.NumberOfSeriesRelatedInstances)]).sort(),
      [
        [1, 'CT', 'Axial 1.25 mm', 3],
        [2, 'CT', 'Coronal MPR', 2],
        [3, 'CT', 'Compressed', 4],
      ],
    );

    const images = await findscu(port, '-S', ['QueryRetrieveLevel=IMAGE', `StudyInstanceUID=${STUDY1}`, `SeriesInstanceUID=${STUDY1}.1`, 'SOPInstanceUID', 'SOPClassUID', 'InstanceNumber', 'Rows']);
    assert.equal(images.result.code, 0, images.result.stderr);
    assert.deepEqual(images.matches.map((m) => Number(m.InstanceNumber)).sort(), [1, 2, 3]);
    assert.ok(images.matches.every((m) => m.SOPClassUID === CT_IMAGE_STORAGE && Number(m.Rows) === 64), 'Rows comes from the stored metadata');

    const byModality = await findscu(port, '-S', ['QueryRetrieveLevel=STUDY', 'ModalitiesInStudy=MR', 'StudyInstanceUID', 'PatientName']);
    assert.deepEqual(byModality.matches.map((m) => m.StudyInstanceUID), [STUDY2]);

    const uidList = await findscu(port, '-S', ['QueryRetrieveLevel=STUDY', `StudyInstanceUID=${STUDY1}\\${STUDY2}`, 'AccessionNumber']);
    assert.deepEqual(uidList.matches.map((m) => m.AccessionNumber).sort(), ['ACC-0001', 'ACC-0002']);

    const none = await findscu(port, '-S', ['QueryRetrieveLevel=STUDY', 'PatientName=NOBODY', 'StudyInstanceUID']);
    assert.equal(none.result.code, 0);
    assert.equal(none.matches.length, 0);
  });

  test('findscu -P at PATIENT level, and STUDY level below a patient', async () => {
    const patients = await findscu(app.ports.dicom, '-P', ['QueryRetrieveLevel=PATIENT', 'PatientName', 'PatientID', 'PatientBirthDate', 'PatientSex', 'NumberOfPatientRelatedStudies', 'NumberOfPatientRelatedInstances']);
    assert.equal(patients.result.code, 0, patients.result.stderr);
    const byId = new Map(patients.matches.map((m) => [m.PatientID, m]));
    assert.deepEqual(byId.get('PAT-001')?.PatientName, [{ Alphabetic: 'DOE^JANE' }]);
    assert.equal(byId.get('PAT-001')?.PatientBirthDate, '19800115');
    assert.equal(Number(byId.get('PAT-001')?.NumberOfPatientRelatedInstances), 9);
    assert.equal(byId.get('PAT-002')?.PatientSex, 'M');
    assert.equal(Number(byId.get('PAT-002')?.NumberOfPatientRelatedStudies), 1);

    const studies = await findscu(app.ports.dicom, '-P', ['QueryRetrieveLevel=STUDY', 'PatientID=PAT-002', 'StudyInstanceUID', 'StudyDescription']);
    assert.deepEqual(studies.matches.map((m) => [m.StudyInstanceUID, m.StudyDescription]), [[STUDY2, 'MR Knee']]);

    const wrongModel = await findscu(app.ports.dicom, '-S', ['QueryRetrieveLevel=PATIENT', 'PatientID'], ['-v']);
    assert.equal(wrongModel.matches.length, 0);
    assert.match(wrongModel.result.stdout + wrongModel.result.stderr, /Final Find Response \(Error: DataSetDoesNotMatchSOPClass\)/);
  });

  test('C-CANCEL stops a C-FIND', async () => {
    const statuses = await findThenCancel(app.ports.dicom, STUDY1);
    assert.equal(statuses.at(-1), 0xfe00, `final status ${statuses.at(-1)?.toString(16)}`);
    assert.ok(statuses.length - 1 < 9, `${statuses.length - 1} of 9 matches sent before the cancel`);
  });

  test('the same instance sent again is kept once; the resend is counted', async () => {
    const before = (await get<Study[]>(`/api/studies?${filter({ studyInstanceUid: STUDY1 })}`))[0]!;
    const first = data.study1[0]!;
    const r = await dcmtk('storescu', ['-aec', 'PACS', '127.0.0.1', String(app.ports.dicom), first.path, first.path]);
    assert.equal(r.code, 0, r.stderr);
    const after = (await get<Study[]>(`/api/studies?${filter({ studyInstanceUid: STUDY1 })}`))[0]!;
    assert.equal(after.numberOfInstances, before.numberOfInstances);
    assert.equal(after.size, before.size);
    const i = await get<Instance>(`/api/instances/${first.spec.sopUid}`);
    assert.equal(i.duplicatesReceived, 2);
    const copies = storedFiles(app.testEnv.dataDir).filter((f) => f.endsWith(`${first.spec.sopUid}.dcm`));
    assert.equal(copies.length, 1);
  });

  test('a truncated or unparsable object is refused and leaves no file behind', async () => {
    const whole = datasetOf(readFileSync(data.study1[0]!.path));
    const ids = { sopClassUid: CT_IMAGE_STORAGE, transferSyntaxUid: EXPLICIT_LE };
    const filesBefore = storedFiles(app.testEnv.dataDir).length;

    const truncated = await storeRawBytes(app.ports.dicom, whole.subarray(0, Math.floor(whole.length / 2)), { ...ids, sopInstanceUid: `${STUDY1}.9.1` });
    assert.ok(truncated !== undefined && truncated >= 0xa700 && truncated !== 0xff00, `status ${truncated?.toString(16)}`);
    assert.equal((truncated! & 0xf000) >> 12, 0xc, 'a Cannot Understand (Cxxx) failure');

    const garbage = await storeRawBytes(app.ports.dicom, Buffer.from('this is not a DICOM data set at all, not even close.'), { ...ids, sopInstanceUid: `${STUDY1}.9.2` });
    assert.ok(garbage !== undefined && garbage >= 0xa700, `status ${garbage?.toString(16)}`);

    const wrongUid = await storeRawBytes(app.ports.dicom, whole, { ...ids, sopInstanceUid: `${STUDY1}.9.3` });
    assert.equal(wrongUid, 0xa900, 'data set does not match the command');

    assert.equal(storedFiles(app.testEnv.dataDir).length, filesBefore, 'no file and no temporary file left');
    const res = await app.fetch(`/api/instances/${STUDY1}.9.1`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { code: string }).code, 'DICOM_INSTANCE_NOT_FOUND');

    // The archive is still serving.
    const echo = await dcmtk('echoscu', ['-aec', 'PACS', '127.0.0.1', String(app.ports.dicom)]);
    assert.equal(echo.code, 0);
  });

  test('/api lists filter by patient name, date range, modality and accession, and page', async () => {
    const ids = async (f: Record<string, unknown>) => (await get<Study[]>(`/api/studies?${filter(f)}`)).map((s) => s.id).sort();
    assert.deepEqual(await ids({ patientName: 'doe' }), [STUDY1]);
    assert.deepEqual(await ids({ patientId: 'PAT-002' }), [STUDY2]);
    assert.deepEqual(await ids({ dateFrom: '2025-04-01', dateTo: '2025-04-30' }), [STUDY2]);
    assert.deepEqual(await ids({ dateFrom: '2025-01-01' }), [STUDY1, STUDY2].sort());
    assert.deepEqual(await ids({ modality: 'CT' }), [STUDY1]);
    assert.deepEqual(await ids({ modality: ['CT', 'MR'] }), [STUDY1, STUDY2].sort());
    assert.deepEqual(await ids({ accession: 'ACC-0002' }), [STUDY2]);
    assert.deepEqual(await ids({ q: 'knee' }), [STUDY2]);

    const page = await app.fetch(`/api/studies?range=${encodeURIComponent('[0,0]')}&sort=${encodeURIComponent('["date","DESC"]')}`);
    assert.equal(page.headers.get('content-range'), 'studies 0-0/2');
    assert.deepEqual(((await page.json()) as Study[]).map((s) => s.id), [STUDY2]);

    const bad = await app.fetch(`/api/studies?${filter({ dateFrom: 'yesterday' })}`);
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { code: string }).code, 'DICOM_QUERY_INVALID');
    const unknown = await app.fetch(`/api/studies?${filter({ colour: 'blue' })}`);
    assert.equal(unknown.status, 400);
  });

  test('every role that works with images may read them; each read is audited', async () => {
    for (const role of ['radiologist', 'referrer', 'technician', 'analyst']) {
      const created = await app.fetch('/api/users', { method: 'POST', body: JSON.stringify({ username: `dicom-${role}`, password: 'a-long-password-1', role }) });
      assert.equal(created.status, 201, role);
      const res = await app.fetch(`/api/studies/${STUDY1}`, { auth: basic(`dicom-${role}`, 'a-long-password-1') });
      assert.equal(res.status, 200, role);
    }
    assert.equal((await app.fetch('/api/studies', { auth: null })).status, 401);

    // A series note: written by radiologists (not referrers), kept, audited.
    const series = `${STUDY1}.1`;
    const put = (user: string, note: string | null) =>
      app.fetch(`/api/series/${series}`, { method: 'PUT', auth: basic(user, 'a-long-password-1'), body: JSON.stringify({ id: series, modality: 'XX', note }) });
    assert.equal((await put('dicom-referrer', 'no')).status, 403);
    const written = await put('dicom-radiologist', '  motion artefact in slices 2-3 ');
    assert.equal(written.status, 200);
    assert.equal(((await written.json()) as Series).note, 'motion artefact in slices 2-3');
    const reread = await get<Series>(`/api/series/${series}`);
    assert.equal(reread.note, 'motion artefact in slices 2-3');
    assert.equal(reread.modality, 'CT', 'only the note changes');
    assert.equal((await app.fetch('/api/studies/1.2.3.4.404')).status, 404);

    const audit = await get<{ username: string; action: string; patientId: string | null; studyUid: string | null }[]>(`/api/audit?${filter({ username: 'dicom-referrer' })}`);
    assert.ok(audit.some((e) => e.action === 'study.read' && e.patientId === 'PAT-001' && e.studyUid === STUDY1), JSON.stringify(audit));
    const searches = await get<{ action: string; patientId: string | null }[]>(`/api/audit?${filter({ action: 'study.search', patientId: 'PAT-002' })}`);
    assert.ok(searches.length > 0);
  });
});
