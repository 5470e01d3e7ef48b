// C-MOVE / C-GET identifiers -> the instances they select: unique keys per level and model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DicomJson } from '../dicom-json.ts';
import type { InformationModel } from '../query/parse-find-identifier.ts';
import { parseRetrieveIdentifier } from './retrieve-scp-identifier.ts';

const id = (level: string, keys: Record<string, string | string[]> = {}): DicomJson => {
  const tags: Record<string, string> = { PatientID: '00100020', StudyInstanceUID: '0020000D', SeriesInstanceUID: '0020000E', SOPInstanceUID: '00080018', PatientName: '00100010' };
  const out: DicomJson = { '00080052': { vr: 'CS', Value: [level] } };
  for (const [k, v] of Object.entries(keys)) out[tags[k]!] = { vr: k === 'PatientID' ? 'LO' : 'UI', Value: Array.isArray(v) ? v : [v] };
  return out;
};

const cases: { name: string; model: InformationModel; identifier: DicomJson; conditions?: unknown[]; error?: RegExp }[] = [
  { name: 'study root, study', model: 'STUDY_ROOT', identifier: id('STUDY', { StudyInstanceUID: '1.2.3' }), conditions: [['StudyInstanceUID', 'single', '1.2.3']] },
  { name: 'study root, list of studies', model: 'STUDY_ROOT', identifier: id('STUDY', { StudyInstanceUID: ['1.2.3', '1.2.4'] }), conditions: [['StudyInstanceUID', 'list', ['1.2.3', '1.2.4']]] },
  {
    name: 'study root, series with its study',
    model: 'STUDY_ROOT',
    identifier: id('SERIES', { StudyInstanceUID: '1.2.3', SeriesInstanceUID: '1.2.3.1' }),
    conditions: [['StudyInstanceUID', 'single', '1.2.3'], ['SeriesInstanceUID', 'single', '1.2.3.1']],
  },
  { name: 'study root, series alone (UIDs are unique)', model: 'STUDY_ROOT', identifier: id('SERIES', { SeriesInstanceUID: '1.2.3.1' }), conditions: [['SeriesInstanceUID', 'single', '1.2.3.1']] },
  {
    name: 'study root, images: a list at the image level',
    model: 'STUDY_ROOT',
    identifier: id('IMAGE', { StudyInstanceUID: '1.2.3', SeriesInstanceUID: '1.2.3.1', SOPInstanceUID: ['1.2.3.1.1', '1.2.3.1.2'] }),
    conditions: [['StudyInstanceUID', 'single', '1.2.3'], ['SeriesInstanceUID', 'single', '1.2.3.1'], ['SOPInstanceUID', 'list', ['1.2.3.1.1', '1.2.3.1.2']]],
  },
  { name: 'study root ignores the Patient ID and other keys', model: 'STUDY_ROOT', identifier: id('STUDY', { PatientID: 'P1', PatientName: 'DOE', StudyInstanceUID: '1.2.3' }), conditions: [['StudyInstanceUID', 'single', '1.2.3']] },
  { name: 'patient root, patient', model: 'PATIENT_ROOT', identifier: id('PATIENT', { PatientID: 'P1' }), conditions: [['PatientID', 'single', 'P1']] },
  {
    name: 'patient root, study with its patient',
    model: 'PATIENT_ROOT',
    identifier: id('STUDY', { PatientID: 'P1', StudyInstanceUID: '1.2.3' }),
    conditions: [['PatientID', 'single', 'P1'], ['StudyInstanceUID', 'single', '1.2.3']],
  },
  { name: 'UI padding is not part of the value', model: 'STUDY_ROOT', identifier: id('STUDY', { StudyInstanceUID: '1.2.3\0' }), conditions: [['StudyInstanceUID', 'single', '1.2.3']] },
  { name: 'study root has no patient level', model: 'STUDY_ROOT', identifier: id('PATIENT', { PatientID: 'P1' }), error: /no PATIENT level/ },
  { name: 'unknown level', model: 'STUDY_ROOT', identifier: id('FRAME', { StudyInstanceUID: '1.2.3' }), error: /Query\/Retrieve Level/ },
  { name: 'no level', model: 'STUDY_ROOT', identifier: {}, error: /Query\/Retrieve Level/ },
  { name: 'the unique key of the level is required', model: 'STUDY_ROOT', identifier: id('SERIES', { StudyInstanceUID: '1.2.3' }), error: /needs SeriesInstanceUID/ },
  { name: 'an empty unique key is universal matching: refused', model: 'STUDY_ROOT', identifier: id('STUDY', { StudyInstanceUID: '' }), error: /needs StudyInstanceUID/ },
  { name: 'no wildcards', model: 'PATIENT_ROOT', identifier: id('PATIENT', { PatientID: 'P*' }), error: /wildcards/ },
  { name: 'a list above the retrieve level', model: 'STUDY_ROOT', identifier: id('SERIES', { StudyInstanceUID: ['1.2.3', '1.2.4'], SeriesInstanceUID: '1.2.3.1' }), error: /single value/ },
];

for (const c of cases) {
  test(`retrieve identifier: ${c.name}`, () => {
    const r = parseRetrieveIdentifier(c.identifier, c.model);
    if (c.error) {
      assert.ok(!r.ok, 'expected a refusal');
      if (!r.ok) {
        assert.equal(r.error.code, 'DICOM_QUERY_INVALID');
        assert.match(r.error.message, c.error);
      }
      return;
    }
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    if (!r.ok) return;
    assert.equal(r.value.query.level, 'IMAGE');
    assert.deepEqual(
      r.value.query.conditions.map((x) => [x.keyword, x.matcher.type, x.matcher.type === 'single' ? x.matcher.value : x.matcher.type === 'list' ? x.matcher.values : undefined]),
      c.conditions,
    );
  });
}
