import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQidoQuery } from './qido-query.ts';
import type { QidoLevel, QidoScope } from './qido-query.ts';

type Case = { name: string; level?: QidoLevel; scope?: QidoScope; query: string; conditions?: unknown[]; include?: string[]; other?: Record<string, unknown>; error?: RegExp; warning?: RegExp };

const pairs = (q: string) => [...new URLSearchParams(q).entries()];

const cases: Case[] = [
  { name: 'nothing', query: '', conditions: [] },
  {
    name: 'what OHIF sends for the study list',
    query: 'PatientName=*doe*&00100020=*PAT*&AccessionNumber=*ACC*&StudyDescription=*Chest*&ModalitiesInStudy=CT&StudyDate=19700102-20251123&limit=101&offset=0&fuzzymatching=false&includefield=00081030%2C00080060%2C00080090%2C00100030',
    conditions: [
      { keyword: 'PatientName', matcher: { type: 'wildcard', pattern: '*doe*' } },
      { keyword: 'PatientID', matcher: { type: 'wildcard', pattern: '*PAT*' } },
      { keyword: 'AccessionNumber', matcher: { type: 'wildcard', pattern: '*ACC*' } },
      { keyword: 'StudyDescription', matcher: { type: 'wildcard', pattern: '*Chest*' } },
      { keyword: 'ModalitiesInStudy', matcher: { type: 'single', value: 'CT' } },
      { keyword: 'StudyDate', matcher: { type: 'range', from: '19700102', to: '20251123' } },
    ],
    include: ['00100010', '00100020', '00080050', '00081030', '00080061', '00080020', '00080060', '00080090', '00100030'],
    other: { limit: 101, offset: 0, fuzzy: false, includeAll: false },
  },
  { name: 'UID list with backslashes (OHIF)', query: 'StudyInstanceUID=1.2.3%5C1.2.4', conditions: [{ keyword: 'StudyInstanceUID', matcher: { type: 'list', values: ['1.2.3', '1.2.4'] } }] },
  { name: 'UID list with commas (PS3.18)', query: 'StudyInstanceUID=1.2.3,1.2.4', conditions: [{ keyword: 'StudyInstanceUID', matcher: { type: 'list', values: ['1.2.3', '1.2.4'] } }] },
  { name: 'UID repeated parameters', query: '0020000D=1.2.3&0020000D=1.2.4', conditions: [{ keyword: 'StudyInstanceUID', matcher: { type: 'list', values: ['1.2.3', '1.2.4'] } }] },
  { name: 'modalities as a list', query: 'ModalitiesInStudy=CT,MR', conditions: [{ keyword: 'ModalitiesInStudy', matcher: { type: 'list', values: ['CT', 'MR'] } }] },
  { name: 'open date range', query: 'StudyDate=20250101-', conditions: [{ keyword: 'StudyDate', matcher: { type: 'range', from: '20250101' } }] },
  { name: 'a text value keeps its commas', query: 'StudyDescription=CT chest, abdomen', conditions: [{ keyword: 'StudyDescription', matcher: { type: 'single', value: 'CT chest, abdomen' } }] },
  { name: 'fuzzy: each word anywhere in the name', query: 'PatientName=jane doe&fuzzymatching=true', conditions: [{ keyword: 'PatientName', matcher: { type: 'wildcard', pattern: '*jane*' } }, { keyword: 'PatientName', matcher: { type: 'wildcard', pattern: '*doe*' } }], other: { fuzzy: true } },
  { name: 'universal matching adds nothing but returns the key', query: 'AccessionNumber=&StudyID=*', conditions: [], include: ['00080050', '00200010'] },
  { name: 'includefield=all and keywords', query: 'includefield=all&includefield=InstitutionName', conditions: [], include: ['00080080'], other: { includeAll: true } },
  { name: 'series level within a study', level: 'SERIES', scope: { studyInstanceUid: '1.2.3' }, query: 'Modality=CT&SeriesNumber=2', conditions: [
    { keyword: 'Modality', matcher: { type: 'single', value: 'CT' } },
    { keyword: 'SeriesNumber', matcher: { type: 'single', value: '2' } },
    { keyword: 'StudyInstanceUID', matcher: { type: 'single', value: '1.2.3' } },
  ] },
  { name: 'instances of a series', level: 'IMAGE', scope: { studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4' }, query: 'SOPInstanceUID=1.2.3.4.5', conditions: [
    { keyword: 'SOPInstanceUID', matcher: { type: 'single', value: '1.2.3.4.5' } },
    { keyword: 'StudyInstanceUID', matcher: { type: 'single', value: '1.2.3' } },
    { keyword: 'SeriesInstanceUID', matcher: { type: 'single', value: '1.2.3.4' } },
  ] },
  { name: 'a series attribute at study level is ignored with a warning', query: 'Modality=CT', conditions: [], include: ['00080060'], warning: /not supported for matching.*Modality/ },
  { name: 'sequence matching is ignored with a warning', query: '00400275.00401001=X', conditions: [], warning: /00400275\.00401001/ },
  { name: 'emptyvaluematching=true warns', query: 'emptyvaluematching=true', conditions: [], warning: /emptyvaluematching/ },
  { name: 'unknown parameter', query: 'foo=bar', error: /unknown query parameter "foo"/ },
  { name: 'bad includefield', query: 'includefield=NoSuchKeyword', error: /includefield/ },
  { name: 'wildcard in a UID', query: 'StudyInstanceUID=1.2.*', error: /UID/ },
  { name: 'bad date', query: 'StudyDate=2025-13-01', error: /StudyDate/ },
  { name: 'bad limit', query: 'limit=-1', error: /limit/ },
  { name: 'zero limit', query: 'limit=0', error: /limit/ },
  { name: 'bad offset', query: 'offset=x', error: /offset/ },
  { name: 'bad fuzzymatching', query: 'fuzzymatching=yes', error: /fuzzymatching/ },
];

for (const c of cases) {
  test(`parseQidoQuery: ${c.name}`, () => {
    const r = parseQidoQuery(c.level ?? 'STUDY', c.scope ?? {}, pairs(c.query));
    if (c.error) {
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.error.code, 'DICOM_QUERY_INVALID');
        assert.match(r.error.message, c.error);
      }
      return;
    }
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    if (!r.ok) return;
    if (c.conditions) assert.deepEqual(r.value.query.conditions, c.conditions);
    if (c.include) assert.deepEqual(r.value.includeTags.map((t) => t.tag), c.include);
    for (const [k, v] of Object.entries(c.other ?? {})) assert.deepEqual((r.value as Record<string, unknown>)[k], v, k);
    if (c.warning) assert.match(r.value.warnings.join(' | '), c.warning);
    else assert.deepEqual(r.value.warnings, []);
  });
}
