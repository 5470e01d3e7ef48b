// C-FIND identifiers -> StudyQuery: levels, models, return keys and conditions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DicomJson } from '../dicom-json.ts';
import { parseFindIdentifier } from './parse-find-identifier.ts';

const level = (l: string): DicomJson => ({ '00080052': { vr: 'CS', Value: [l] } });

test('a study query: every key is returned, keys with values also match', () => {
  const r = parseFindIdentifier(
    {
      ...level('STUDY'),
      '00080005': { vr: 'CS', Value: ['ISO_IR 100'] },
      '00100010': { vr: 'PN', Value: [{ Alphabetic: 'DOE*' }] },
      '0020000D': { vr: 'UI' },
      '00080020': { vr: 'DA', Value: ['20250101-'] },
      '00080080': { vr: 'LO' },
      '00200013': { vr: 'IS', Value: ['1'] },
    },
    'STUDY_ROOT',
  );
  assert.ok(r.ok);
  assert.equal(r.value.level, 'STUDY');
  assert.deepEqual(r.value.returnKeys.map((k) => k.tag), ['00080020', '00080080', '00100010', '0020000D', '00200013']);
  // InstanceNumber is an IMAGE key: returned empty at STUDY level, never matched.
  assert.deepEqual(r.value.conditions, [
    { keyword: 'StudyDate', matcher: { type: 'range', from: '20250101' } },
    { keyword: 'PatientName', matcher: { type: 'wildcard', pattern: 'DOE*' } },
  ]);
});

test('levels and information models', () => {
  for (const [id, model, ok] of [
    [level('PATIENT'), 'PATIENT_ROOT', true],
    [level('PATIENT'), 'STUDY_ROOT', false],
    [level('IMAGE'), 'STUDY_ROOT', true],
    [level('FRAME'), 'STUDY_ROOT', false],
    [{}, 'STUDY_ROOT', false],
  ] as const) {
    const r = parseFindIdentifier(id, model);
    assert.equal(r.ok, ok, JSON.stringify({ id, model }));
    if (!r.ok) assert.equal(r.error.code, 'DICOM_QUERY_INVALID');
  }
});

test('a UID list and a bad date are told apart', () => {
  const list = parseFindIdentifier({ ...level('SERIES'), '0020000D': { vr: 'UI', Value: ['1.2.3', '1.2.4'] } }, 'STUDY_ROOT');
  assert.ok(list.ok);
  assert.deepEqual(list.value.conditions, [{ keyword: 'StudyInstanceUID', matcher: { type: 'list', values: ['1.2.3', '1.2.4'] } }]);
  const bad = parseFindIdentifier({ ...level('STUDY'), '00080020': { vr: 'DA', Value: ['March'] } }, 'STUDY_ROOT');
  assert.equal(bad.ok, false);
});
