// The /api list filters -> StudyQuery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseListFilter } from './parse-list-filter.ts';

test('list filters become the same conditions C-FIND uses', () => {
  const r = parseListFilter('STUDY', { patientName: 'doe', patientId: 'P1', dateFrom: '2025-01-01', dateTo: '2025-03-31', modality: 'CT,MR', accession: 'ACC*', q: 'chest' });
  assert.ok(r.ok);
  assert.equal(r.value.text, 'chest');
  assert.deepEqual(r.value.conditions, [
    { keyword: 'PatientName', matcher: { type: 'wildcard', pattern: '*doe*' } },
    { keyword: 'PatientID', matcher: { type: 'single', value: 'P1' } },
    { keyword: 'StudyDate', matcher: { type: 'range', from: '20250101', to: '20250331' } },
    { keyword: 'ModalitiesInStudy', matcher: { type: 'list', values: ['CT', 'MR'] } },
    { keyword: 'AccessionNumber', matcher: { type: 'wildcard', pattern: 'ACC*' } },
  ]);
});

test('only an end date, ids from getMany, and series-level modality', () => {
  const to = parseListFilter('STUDY', { dateTo: '20250331' });
  assert.ok(to.ok);
  assert.deepEqual(to.value.conditions, [{ keyword: 'StudyDate', matcher: { type: 'range', to: '20250331' } }]);
  const ids = parseListFilter('SERIES', { id: ['1.2.3', '1.2.4'], modality: 'CT' });
  assert.ok(ids.ok);
  assert.deepEqual(ids.value.conditions, [
    { keyword: 'SeriesInstanceUID', matcher: { type: 'list', values: ['1.2.3', '1.2.4'] } },
    { keyword: 'Modality', matcher: { type: 'single', value: 'CT' } },
  ]);
});

test('unknown filters and bad values are refused', () => {
  for (const [level, f] of [
    ['STUDY', { colour: 'blue' }],
    ['STUDY', { dateFrom: 'last week' }],
    ['STUDY', { seriesInstanceUid: '1.2' }],
    ['SERIES', { studyInstanceUid: '1.2.*' }],
  ] as const) {
    const r = parseListFilter(level, f);
    assert.equal(r.ok, false, JSON.stringify(f));
    if (!r.ok) assert.equal(r.error.code, 'DICOM_QUERY_INVALID');
  }
});
