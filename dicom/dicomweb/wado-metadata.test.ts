import { test } from 'node:test';
import assert from 'node:assert/strict';
import { instanceMetadata } from './wado-metadata.ts';

const BASE = 'http://pacs/dicom-web';
const ref = { studyInstanceUid: '1.2', seriesInstanceUid: '1.2.3', sopInstanceUid: '1.2.3.4', transferSyntaxUid: '1.2.840.10008.1.2.1' };
const URL = `${BASE}/studies/1.2/series/1.2.3/instances/1.2.3.4`;

test('bulk data references become absolute, pixel data is offered, the stored transfer syntax is named', () => {
  const stored = {
    '00080018': { vr: 'UI', Value: ['1.2.3.4'] },
    '00280010': { vr: 'US', Value: [64] },
    '00280011': { vr: 'US', Value: [64] },
    '00280100': { vr: 'US', Value: [16] },
    '00420011': { vr: 'OB', BulkDataURI: 'bulkdata/00420011' },
    '00540016': { vr: 'SQ', Value: [{ '00181072': { vr: 'TM', Value: ['1200'] }, '00091001': { vr: 'OB', BulkDataURI: 'bulkdata/00540016/0/00091001' } }] },
    '00080008': { vr: 'CS', Value: ['ORIGINAL'] },
  };
  const copy = structuredClone(stored);
  const md = instanceMetadata(BASE, ref, stored);
  assert.deepEqual(Object.keys(md), ['00080008', '00080018', '00083002', '00280010', '00280011', '00280100', '00420011', '00540016', '7FE00010']);
  assert.deepEqual(md['00420011'], { vr: 'OB', BulkDataURI: `${URL}/bulkdata/00420011` });
  assert.deepEqual(md['00540016'], { vr: 'SQ', Value: [{ '00181072': { vr: 'TM', Value: ['1200'] }, '00091001': { vr: 'OB', BulkDataURI: `${URL}/bulkdata/00540016/0/00091001` } }] });
  assert.deepEqual(md['00083002'], { vr: 'UI', Value: ['1.2.840.10008.1.2.1'] });
  assert.deepEqual(md['7FE00010'], { vr: 'OW', BulkDataURI: `${URL}/bulkdata/7FE00010` });
  assert.deepEqual(stored, copy, 'the stored metadata is not changed');
});

test('compressed pixel data is OB; objects without an image get no pixel data', () => {
  const image = { '00280010': { vr: 'US', Value: [8] }, '00280011': { vr: 'US', Value: [8] }, '00280100': { vr: 'US', Value: [16] } };
  assert.equal(instanceMetadata(BASE, { ...ref, transferSyntaxUid: '1.2.840.10008.1.2.4.70' }, image)['7FE00010']!.vr, 'OB');
  assert.equal(instanceMetadata(BASE, ref, { '0040A730': { vr: 'SQ' } })['7FE00010'], undefined);
});
