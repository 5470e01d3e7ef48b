// The in-memory matcher: the rules the SQL builder implements too (test/dicom-query.test.ts runs
// the same table against the database and checks the two agree).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesQuery } from './query-match.ts';
import type { QueryRecord } from './query-match.ts';
import type { Condition, StudyQuery } from './study-query.ts';

const record: QueryRecord = {
  PatientName: 'DOE^JANE',
  PatientID: 'PAT-001',
  StudyDate: '20250301',
  StudyTime: '094112.5',
  AccessionNumber: 'ACC-0001',
  StudyDescription: 'CT Chest',
  ModalitiesInStudy: ['CT', 'SR'],
  SeriesNumber: 2,
  StudyInstanceUID: '1.2.3',
  ReferringPhysicianName: null,
};

const q = (...conditions: Condition[]): StudyQuery => ({ level: 'SERIES', conditions, returnKeys: [] });

const cases: [string, StudyQuery, boolean][] = [
  ['universal', q(), true],
  ['PN single, any case', q({ keyword: 'PatientName', matcher: { type: 'single', value: 'doe^jane' } }), true],
  ['PN wildcard', q({ keyword: 'PatientName', matcher: { type: 'wildcard', pattern: 'D?E*' } }), true],
  ['PN wildcard, not a prefix', q({ keyword: 'PatientName', matcher: { type: 'wildcard', pattern: 'JANE*' } }), false],
  ['text is case sensitive', q({ keyword: 'AccessionNumber', matcher: { type: 'single', value: 'acc-0001' } }), false],
  ['text wildcard', q({ keyword: 'StudyDescription', matcher: { type: 'wildcard', pattern: '*Chest' } }), true],
  ['date range', q({ keyword: 'StudyDate', matcher: { type: 'range', from: '20250101', to: '20250301' } }), true],
  ['date range, before', q({ keyword: 'StudyDate', matcher: { type: 'range', to: '20250228' } }), false],
  ['time prefix', q({ keyword: 'StudyTime', matcher: { type: 'single', value: '0941' } }), true],
  ['time range end takes the whole minute', q({ keyword: 'StudyTime', matcher: { type: 'range', from: '0900', to: '0941' } }), true],
  ['time range', q({ keyword: 'StudyTime', matcher: { type: 'range', from: '0942' } }), false],
  ['modalities any of', q({ keyword: 'ModalitiesInStudy', matcher: { type: 'list', values: ['MR', 'SR'] } }), true],
  ['modalities single', q({ keyword: 'ModalitiesInStudy', matcher: { type: 'single', value: 'MR' } }), false],
  ['int', q({ keyword: 'SeriesNumber', matcher: { type: 'list', values: ['1', '2'] } }), true],
  ['UID list', q({ keyword: 'StudyInstanceUID', matcher: { type: 'list', values: ['1.2.4', '1.2.3'] } }), true],
  ['an empty value matches only universally', q({ keyword: 'ReferringPhysicianName', matcher: { type: 'wildcard', pattern: '*' } }), false],
  ['all conditions must hold', q({ keyword: 'PatientID', matcher: { type: 'single', value: 'PAT-001' } }, { keyword: 'StudyDate', matcher: { type: 'single', value: '20240101' } }), false],
  ['free text', { ...q(), text: 'chest' }, true],
  ['free text, no match', { ...q(), text: 'knee' }, false],
];

for (const [name, query, expected] of cases) {
  test(`matchesQuery: ${name}`, () => assert.equal(matchesQuery(record, query), expected));
}
