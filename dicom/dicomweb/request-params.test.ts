import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBulkPath } from './bulk-data.ts';
import { parseRenderParams } from './wado-pixels.ts';
import { parseWadoUri } from './wado-uri.ts';

const q = (s: string) => [...new URLSearchParams(s).entries()];

test('rendering parameters: window, viewport, quality; nonsense refused', () => {
  assert.deepEqual(parseRenderParams(q('window=40,400,linear&viewport=256,128&quality=70')), { ok: true, value: { window: { center: 40, width: 400 }, viewport: { width: 256, height: 128 }, quality: 70 } });
  assert.deepEqual(parseRenderParams(q('')), { ok: true, value: { quality: 90 } });
  for (const bad of ['window=40', 'window=40,0', 'window=a,b', 'window=40,400,cubic', 'viewport=0,10', 'viewport=10', 'quality=101', 'region=0,0,1,1']) {
    const r = parseRenderParams(q(bad));
    assert.equal(r.ok, false, bad);
    if (!r.ok) assert.equal(r.error.code, 'DICOM_QUERY_INVALID');
  }
});

test('bulk data paths: tag, or tag/item/tag', () => {
  assert.deepEqual(parseBulkPath(['7fe00010']), { ok: true, value: { tags: ['7FE00010'], items: [] } });
  assert.deepEqual(parseBulkPath(['00540016', '0', '00091001']), { ok: true, value: { tags: ['00540016', '00091001'], items: [0] } });
  for (const bad of [['x'], ['00540016', '0'], ['00540016', 'a', '00091001']]) assert.equal(parseBulkPath(bad).ok, false, bad.join('/'));
});

test('WADO-URI parameters', () => {
  const base = 'requestType=WADO&studyUID=1.2&seriesUID=1.2.3&objectUID=1.2.3.4';
  assert.deepEqual(parseWadoUri(q(base)), { ok: true, value: { target: { studyInstanceUid: '1.2', seriesInstanceUid: '1.2.3', sopInstanceUid: '1.2.3.4' }, contentType: 'image/jpeg', render: [] } });
  const dicom = parseWadoUri(q(`${base}&contentType=application/dicom&transferSyntax=1.2.840.10008.1.2.1`));
  assert.ok(dicom.ok && dicom.value.contentType === 'application/dicom' && dicom.value.transferSyntax === '1.2.840.10008.1.2.1');
  const png = parseWadoUri(q(`${base}&contentType=image/png&windowCenter=40&windowWidth=400&rows=64&frameNumber=2&imageQuality=80`));
  assert.deepEqual(png.ok && png.value, {
    target: { studyInstanceUid: '1.2', seriesInstanceUid: '1.2.3', sopInstanceUid: '1.2.3.4' },
    contentType: 'image/png',
    frameNumber: 2,
    render: [['window', '40,400'], ['viewport', '8192,64'], ['quality', '80']],
  });
  const cases: [string, string][] = [
    ['studyUID=1.2&seriesUID=1.2.3&objectUID=1.2.3.4', 'DICOM_QUERY_INVALID'],
    [`${base}&windowCenter=40`, 'DICOM_QUERY_INVALID'],
    [`${base}&contentType=image/gif`, 'DICOM_NOT_ACCEPTABLE'],
    [`${base}&frameNumber=0`, 'DICOM_QUERY_INVALID'],
    [`${base}&bogus=1`, 'DICOM_QUERY_INVALID'],
  ];
  for (const [query, code] of cases) {
    const r = parseWadoUri(q(query));
    assert.equal(r.ok, false, query);
    if (!r.ok) assert.equal(r.error.code, code, query);
  }
});
