// The study index's query rules in SQL (what C-FIND and the /api lists run) and in memory
// (matchesQuery) agree, on PGlite and PostgreSQL alike, for every kind of matching in PS3.4
// C.2.2.2: single value, any case for names, wildcards (with LIKE's own % and _ kept literal),
// date and time ranges, UID lists, modalities in study, and values that are empty.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, migrate, openDatabase } from '../appliance/index.ts';
import type { Database } from '../appliance/index.ts';
import { indexInstance, matchesQuery, searchStudyIndex } from '../dicom/index.ts';
import type { Condition, InstanceAttributes, QueryLevel, StudyQuery } from '../dicom/index.ts';
import { createTestEnv } from './support/test-appliance.ts';
import type { TestEnv } from './support/test-appliance.ts';

let env: TestEnv;
let db: Database;

type Row = { patient: [string, string, string | null, string | null]; study: [string, string | null, string | null, string | null, string | null]; series: [string, string | null, number | null, string | null]; sop: string; number: number | null };

// patient: id, issuer, name, birth date; study: uid, date, time, accession, description; series: uid, modality, number, description
const ROWS: Row[] = [
  { patient: ['P1', '', 'DOE^JANE', '19800115'], study: ['1.1', '20250301', '094112', 'ACC_1', 'CT Chest'], series: ['1.1.1', 'CT', 1, 'Axial'], sop: '1.1.1.1', number: 1 },
  { patient: ['P1', '', 'DOE^JANE', '19800115'], study: ['1.1', '20250301', '094112', 'ACC_1', 'CT Chest'], series: ['1.1.1', 'CT', 1, 'Axial'], sop: '1.1.1.2', number: 2 },
  { patient: ['P1', '', 'DOE^JANE', '19800115'], study: ['1.1', '20250301', '094112', 'ACC_1', 'CT Chest'], series: ['1.1.2', 'SR', null, 'Dose report'], sop: '1.1.2.1', number: null },
  { patient: ['P2', '', 'doe^john', '19750704'], study: ['1.2', '20241231', '0800', 'ACCX1', 'MR knee'], series: ['1.2.1', 'MR', 3, 'sagittal'], sop: '1.2.1.1', number: 1 },
  { patient: ['P2', 'HOSP-A', "O'BRIEN^PAT", null], study: ['1.3', null, '235959.999', 'ACC%2', null], series: ['1.3.1', 'CR', 1, null], sop: '1.3.1.1', number: 7 },
  { patient: ['P3', '', null, '20000229'], study: ['1.4', '20250101', null, null, 'Chest X-ray'], series: ['1.4.1', null, 2, 'PA'], sop: '1.4.1.1', number: 1 },
  { patient: ['P4', '', 'SMITH', '19500101'], study: ['1.5', '20250301', '120000', 'acc_1', 'CT Abdomen'], series: ['1.5.1', 'CT', 2, 'Axial thin'], sop: '1.5.1.1', number: 1 },
];

function attributes(r: Row): InstanceAttributes {
  const [patientId, issuer, name, birthDate] = r.patient;
  const [studyUid, date, time, accession, description] = r.study;
  const [seriesUid, modality, number, seriesDescription] = r.series;
  return {
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    sopInstanceUid: r.sop,
    studyInstanceUid: studyUid,
    seriesInstanceUid: seriesUid,
    patient: { patientId, issuer, name, birthDate, sex: null },
    study: { date, time, accession, studyId: null, description, referringPhysician: studyUid === '1.1' ? 'SMITH^JOHN' : null },
    series: { modality, number, description: seriesDescription, bodyPart: null, date: null, time: null },
    instance: { number: r.number },
  };
}

before(async () => {
  env = await createTestEnv();
  db = await openDatabase({ databaseUrl: env.databaseUrl, dataDir: env.dataDir, log: createLogger('silent') });
  await migrate(db);
  for (const r of ROWS) {
    const out = await indexInstance(db, { attributes: attributes(r), metadata: {}, transferSyntaxUid: '1.2.840.10008.1.2.1', size: 100, tier: 'hot', storageKey: `k/${r.sop}`, sourceAe: 'TEST' });
    assert.equal(out.outcome, 'stored');
  }
});
after(async () => {
  await db?.close();
  await env?.cleanup();
});

const UID_OF: Record<QueryLevel, string> = { PATIENT: '_id', STUDY: 'StudyInstanceUID', SERIES: 'SeriesInstanceUID', IMAGE: 'SOPInstanceUID' };
const q = (level: QueryLevel, ...conditions: Condition[]): StudyQuery => ({ level, conditions, returnKeys: [] });
const c = (keyword: string, matcher: Condition['matcher']): Condition => ({ keyword, matcher });

const CASES: [string, StudyQuery, number][] = [
  ['patients, name in any case', q('PATIENT', c('PatientName', { type: 'single', value: 'DOE^JANE' })), 1],
  ['patients, name wildcard', q('PATIENT', c('PatientName', { type: 'wildcard', pattern: 'do?^J*' })), 2],
  ['patients by ID: one per issuer', q('PATIENT', c('PatientID', { type: 'single', value: 'P2' })), 2],
  ['patients by ID and issuer', q('PATIENT', c('PatientID', { type: 'single', value: 'P2' }), c('IssuerOfPatientID', { type: 'single', value: 'HOSP-A' })), 1],
  ['patients born before 1980', q('PATIENT', c('PatientBirthDate', { type: 'range', to: '19791231' })), 2],
  ['patients, free text', { ...q('PATIENT'), text: "o'brien" }, 1],
  ['studies on one day', q('STUDY', c('StudyDate', { type: 'single', value: '20250301' })), 2],
  ['studies in a range', q('STUDY', c('StudyDate', { type: 'range', from: '20241231', to: '20250101' })), 2],
  ['studies from a date (no date: no match)', q('STUDY', c('StudyDate', { type: 'range', from: '20250101' })), 3],
  ['studies by time range (end takes the whole minute)', q('STUDY', c('StudyTime', { type: 'range', from: '0800', to: '0941' })), 2],
  ['studies by time prefix', q('STUDY', c('StudyTime', { type: 'single', value: '2359' })), 1],
  ['accession: _ is literal', q('STUDY', c('AccessionNumber', { type: 'wildcard', pattern: 'ACC_*' })), 1],
  ['accession: % is literal', q('STUDY', c('AccessionNumber', { type: 'wildcard', pattern: 'ACC%?' })), 1],
  ['accession: ? is one character, case matters', q('STUDY', c('AccessionNumber', { type: 'wildcard', pattern: 'ACC?1' })), 2],
  ['modalities in study, one', q('STUDY', c('ModalitiesInStudy', { type: 'single', value: 'SR' })), 1],
  ['modalities in study, any of', q('STUDY', c('ModalitiesInStudy', { type: 'list', values: ['MR', 'CR'] })), 2],
  ['modalities in study, wildcard', q('STUDY', c('ModalitiesInStudy', { type: 'wildcard', pattern: 'C*' })), 3],
  ['study UID list', q('STUDY', c('StudyInstanceUID', { type: 'list', values: ['1.1', '1.4', '9.9'] })), 2],
  ['referring physician', q('STUDY', c('ReferringPhysicianName', { type: 'wildcard', pattern: 'smith*' })), 1],
  ['description wildcard is case sensitive', q('STUDY', c('StudyDescription', { type: 'wildcard', pattern: '*Chest*' })), 2],
  ['studies, free text', { ...q('STUDY'), text: 'chest' }, 2],
  ['studies, patient and date', q('STUDY', c('PatientID', { type: 'single', value: 'P1' }), c('StudyDate', { type: 'range', from: '20250101' })), 1],
  ['series by modality', q('SERIES', c('Modality', { type: 'list', values: ['CT', 'SR'] })), 3],
  ['series by number', q('SERIES', c('SeriesNumber', { type: 'single', value: '2' })), 2],
  ['series of a study', q('SERIES', c('StudyInstanceUID', { type: 'single', value: '1.1' })), 2],
  ['series description wildcard', q('SERIES', c('SeriesDescription', { type: 'wildcard', pattern: 'Axial*' })), 2],
  ['images by number list', q('IMAGE', c('InstanceNumber', { type: 'list', values: ['1', '7'] })), 5],
  ['images of a series', q('IMAGE', c('SeriesInstanceUID', { type: 'single', value: '1.1.1' })), 2],
  ['images with a patient condition', q('IMAGE', c('PatientName', { type: 'wildcard', pattern: '*JANE' })), 3],
];

for (const [name, query, expected] of CASES) {
  test(`SQL and in-memory matching agree: ${name}`, async () => {
    const key = UID_OF[query.level];
    const bySql = (await searchStudyIndex(db, query, { limit: 1000 })).map((r) => String(r[key])).sort();
    const all = await searchStudyIndex(db, q(query.level), { limit: 1000 });
    const inMemory = all.filter((r) => matchesQuery(r, query)).map((r) => String(r[key])).sort();
    assert.deepEqual(bySql, inMemory);
    assert.equal(bySql.length, expected, `${bySql.length} matches: ${bySql.join(', ')}`);
  });
}

test('the index keeps counts and modalities in study, and one patient per ID and issuer', async () => {
  const [study] = await searchStudyIndex(db, q('STUDY', c('StudyInstanceUID', { type: 'single', value: '1.1' })), { limit: 1 });
  assert.equal(study?.NumberOfStudyRelatedInstances, 3);
  assert.equal(study?.NumberOfStudyRelatedSeries, 2);
  assert.deepEqual(study?.ModalitiesInStudy, ['CT', 'SR']);
  const patients = await searchStudyIndex(db, q('PATIENT'), { limit: 100 });
  assert.equal(patients.length, 5);
  const p1 = patients.find((p) => p.PatientID === 'P1');
  assert.equal(p1?.NumberOfPatientRelatedInstances, 3);
  assert.equal(p1?.NumberOfPatientRelatedStudies, 1);
});

test('pages of matches in id order cover every match once', async () => {
  const seen: string[] = [];
  let after = 0;
  for (;;) {
    const page = await searchStudyIndex(db, q('IMAGE'), { afterId: after, limit: 3 });
    seen.push(...page.map((r) => String(r.SOPInstanceUID)));
    if (page.length < 3) break;
    after = page.at(-1)!._id;
  }
  assert.deepEqual(seen.sort(), ROWS.map((r) => r.sop).sort());
});
