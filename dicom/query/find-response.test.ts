// C-FIND response identifiers: every key asked for, empty when unknown, unique keys added.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findResponse } from './find-response.ts';
import type { StudyQuery } from './study-query.ts';

const q: StudyQuery = {
  level: 'STUDY',
  conditions: [],
  returnKeys: [
    { tag: '00100010', vr: 'PN' },
    { tag: '00201208', vr: 'IS' },
    { tag: '00080061', vr: 'CS' },
    { tag: '00080080', vr: 'LO' },
    { tag: '00080054', vr: 'AE' },
    { tag: '00200013', vr: 'IS' },
  ],
};

test('findResponse: values, empty keys, unique key, level, character set', () => {
  const r = findResponse(q, { PatientName: 'MÜLLER^JÜRGEN', NumberOfStudyRelatedInstances: 12, ModalitiesInStudy: ['CT', 'SR'], StudyInstanceUID: '1.2.3' }, { model: 'STUDY_ROOT', retrieveAeTitle: 'PACS' });
  assert.deepEqual(r, {
    '00080005': { vr: 'CS', Value: ['ISO_IR 192'] },
    '00080052': { vr: 'CS', Value: ['STUDY'] },
    '00080054': { vr: 'AE', Value: ['PACS'] },
    '00080061': { vr: 'CS', Value: ['CT', 'SR'] },
    '00080080': { vr: 'LO' },
    '00100010': { vr: 'PN', Value: [{ Alphabetic: 'MÜLLER^JÜRGEN' }] },
    '00200013': { vr: 'IS' },
    '0020000D': { vr: 'UI', Value: ['1.2.3'] },
    '00201208': { vr: 'IS', Value: [12] },
  });
});

test('findResponse: Patient Root adds the Patient ID; image keys come from the stored metadata', () => {
  const image: StudyQuery = { level: 'IMAGE', conditions: [], returnKeys: [{ tag: '00280010', vr: 'US' }] };
  const r = findResponse(image, { PatientID: 'P1', StudyInstanceUID: '1.2', SeriesInstanceUID: '1.2.3', SOPInstanceUID: '1.2.3.4' }, {
    model: 'PATIENT_ROOT',
    retrieveAeTitle: 'PACS',
    metadata: { '00280010': { vr: 'US', Value: [512] } },
  });
  assert.deepEqual(r['00280010'], { vr: 'US', Value: [512] });
  assert.deepEqual(r['00100020'], { vr: 'LO', Value: ['P1'] });
  assert.deepEqual(r['00080018'], { vr: 'UI', Value: ['1.2.3.4'] });
  assert.equal(r['00080005'], undefined);
});
