import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQidoQuery } from './qido-query.ts';
import type { QidoLevel, QidoScope } from './qido-query.ts';
import { neededKeywords, needsMetadata, qidoMatch } from './qido-response.ts';

const BASE = 'https://pacs.example.org/dicom-web';

function request(level: QidoLevel, query = '', scope: QidoScope = {}) {
  const r = parseQidoQuery(level, scope, [...new URLSearchParams(query).entries()]);
  assert.ok(r.ok);
  return r.value;
}

const study = {
  StudyInstanceUID: '1.2.3',
  StudyDate: '20250301',
  StudyTime: '094112',
  AccessionNumber: 'ACC-0001',
  StudyID: null,
  StudyDescription: 'CT Chest',
  ReferringPhysicianName: 'SMITH^JOHN',
  ModalitiesInStudy: ['CT', 'SR'],
  NumberOfStudyRelatedSeries: 2,
  NumberOfStudyRelatedInstances: 5,
  PatientName: 'DOE^JANE',
  PatientID: 'PAT-001',
  PatientBirthDate: '19800115',
  PatientSex: 'F',
};

test('a study match: the PS3.18 default attributes, PN as Alphabetic, IS as numbers, empty as {vr}, tags ascending', () => {
  const ds = qidoMatch(request('STUDY'), { record: study }, BASE);
  assert.deepEqual(ds, {
    '00080020': { vr: 'DA', Value: ['20250301'] },
    '00080030': { vr: 'TM', Value: ['094112'] },
    '00080050': { vr: 'SH', Value: ['ACC-0001'] },
    '00080056': { vr: 'CS', Value: ['ONLINE'] },
    '00080061': { vr: 'CS', Value: ['CT', 'SR'] },
    '00080090': { vr: 'PN', Value: [{ Alphabetic: 'SMITH^JOHN' }] },
    '00081030': { vr: 'LO', Value: ['CT Chest'] },
    '00081190': { vr: 'UR', Value: [`${BASE}/studies/1.2.3`] },
    '00100010': { vr: 'PN', Value: [{ Alphabetic: 'DOE^JANE' }] },
    '00100020': { vr: 'LO', Value: ['PAT-001'] },
    '00100030': { vr: 'DA', Value: ['19800115'] },
    '00100040': { vr: 'CS', Value: ['F'] },
    '0020000D': { vr: 'UI', Value: ['1.2.3'] },
    '00200010': { vr: 'SH' },
    '00201206': { vr: 'IS', Value: [2] },
    '00201208': { vr: 'IS', Value: [5] },
  });
  assert.deepEqual(Object.keys(ds), Object.keys(ds).sort());
});

test('includefield of an attribute the index lacks comes from the study\'s stored metadata; unknown ones are empty', () => {
  const q = request('STUDY', 'includefield=InstitutionName,00091010&includefield=StationName');
  assert.ok(needsMetadata(q));
  const ds = qidoMatch(q, { record: study, metadata: { '00080080': { vr: 'LO', Value: ['Test Hospital'] }, '00091010': { vr: 'OB', BulkDataURI: 'bulkdata/00091010' } } }, BASE);
  assert.deepEqual(ds['00080080'], { vr: 'LO', Value: ['Test Hospital'] });
  assert.deepEqual(ds['00081010'], { vr: 'SH' });
  assert.deepEqual(ds['00091010'], { vr: 'UN' }, 'bulk data is never inlined in a search result');
});

test('series within a study: series defaults only; unscoped series also carry the study attributes', () => {
  const record = { ...study, SeriesInstanceUID: '1.2.3.4', Modality: 'CT', SeriesNumber: 3, SeriesDescription: 'Axial', BodyPartExamined: null, SeriesDate: '20250301', SeriesTime: null, NumberOfSeriesRelatedInstances: 3 };
  const scoped = qidoMatch(request('SERIES', '', { studyInstanceUid: '1.2.3' }), { record }, BASE);
  assert.deepEqual(Object.keys(scoped), ['00080021', '00080031', '00080060', '0008103E', '00081190', '00180015', '0020000D', '0020000E', '00200011', '00201209']);
  assert.deepEqual(scoped['00200011'], { vr: 'IS', Value: [3] });
  assert.deepEqual(scoped['00081190'], { vr: 'UR', Value: [`${BASE}/studies/1.2.3/series/1.2.3.4`] });
  const all = qidoMatch(request('SERIES'), { record }, BASE);
  assert.deepEqual(all['00100010'], { vr: 'PN', Value: [{ Alphabetic: 'DOE^JANE' }] });
});

test('an instance: geometry from its metadata, left out when the metadata has none; includefield=all returns the metadata', () => {
  const record = { ...study, SeriesInstanceUID: '1.2.3.4', SOPInstanceUID: '1.2.3.4.5', SOPClassUID: '1.2.840.10008.5.1.4.1.1.2', InstanceNumber: 7 };
  const metadata = { '00280010': { vr: 'US', Value: [512] }, '00280011': { vr: 'US', Value: [256] }, '00280100': { vr: 'US', Value: [16] }, '00180050': { vr: 'DS', Value: [1.25] }, '00291010': { vr: 'OB', BulkDataURI: 'bulkdata/00291010' } };
  const q = request('IMAGE', '', { studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4' });
  const ds = qidoMatch(q, { record, metadata }, BASE);
  assert.deepEqual(ds['00280010'], { vr: 'US', Value: [512] });
  assert.equal(ds['00280008'], undefined, 'NumberOfFrames is not in this single-frame image');
  assert.deepEqual(ds['00200013'], { vr: 'IS', Value: [7] });
  assert.equal(ds['00180050'], undefined);
  const all = qidoMatch(request('IMAGE', 'includefield=all'), { record, metadata }, BASE);
  assert.deepEqual(all['00180050'], { vr: 'DS', Value: [1.25] });
  assert.equal(all['00291010'], undefined);
  assert.deepEqual(all['00201208'], { vr: 'IS', Value: [5] });
});

test('the search selects only the index columns the response needs', () => {
  assert.deepEqual(neededKeywords(request('STUDY')).sort(), [
    'AccessionNumber', 'ModalitiesInStudy', 'NumberOfStudyRelatedInstances', 'NumberOfStudyRelatedSeries', 'PatientBirthDate', 'PatientID', 'PatientName', 'PatientSex',
    'ReferringPhysicianName', 'StudyDate', 'StudyDescription', 'StudyID', 'StudyInstanceUID', 'StudyTime',
  ]);
  assert.ok(!needsMetadata(request('STUDY', 'includefield=StudyDescription')));
});
