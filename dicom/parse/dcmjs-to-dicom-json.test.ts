// dcmjs's dictionary -> DICOM JSON (PS3.18 F.2), value form by value form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DcmjsDict } from '../dcmjs.ts';
import { INLINE_BINARY_MAX, toDicomJson } from './dcmjs-to-dicom-json.ts';

const ab = (bytes: number[] | number) => (typeof bytes === 'number' ? new Uint8Array(bytes).buffer : new Uint8Array(bytes).buffer);

const cases: { name: string; input: DcmjsDict; expected: unknown }[] = [
  { name: 'strings', input: { '00100020': { vr: 'LO', Value: ['P1'] } }, expected: { '00100020': { vr: 'LO', Value: ['P1'] } } },
  { name: 'an empty attribute has no Value', input: { '00080020': { vr: 'DA', Value: [''] }, '00100020': { vr: 'LO', Value: [] } }, expected: { '00080020': { vr: 'DA' }, '00100020': { vr: 'LO' } } },
  { name: 'an empty value among others is null', input: { '00080008': { vr: 'CS', Value: ['ORIGINAL', '', 'AXIAL'] } }, expected: { '00080008': { vr: 'CS', Value: ['ORIGINAL', null, 'AXIAL'] } } },
  {
    name: 'person names keep their groups',
    input: { '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: '' }] } },
    expected: { '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎' }] } },
  },
  { name: 'numbers', input: { '00280010': { vr: 'US', Value: [512] }, '00200032': { vr: 'DS', Value: [0, 2.5, -3] } }, expected: { '00280010': { vr: 'US', Value: [512] }, '00200032': { vr: 'DS', Value: [0, 2.5, -3] } } },
  { name: 'a DS that is not a number keeps its text', input: { '00180088': { vr: 'DS', Value: [null], _rawValue: ['abc '] } }, expected: { '00180088': { vr: 'DS', Value: ['abc'] } } },
  { name: 'attribute tags as 8 hex digits', input: { '00209165': { vr: 'AT', Value: [0x00100020] } }, expected: { '00209165': { vr: 'AT', Value: ['00100020'] } } },
  { name: 'small binary inline', input: { '00291010': { vr: 'OB', Value: [ab([1, 2, 3, 4])] } }, expected: { '00291010': { vr: 'OB', InlineBinary: 'AQIDBA==' } } },
  { name: 'large binary left out', input: { '00420011': { vr: 'OB', Value: [ab(INLINE_BINARY_MAX + 1)] } }, expected: { '00420011': { vr: 'OB', BulkDataURI: 'bulkdata/00420011' } } },
  {
    name: 'sequences, nested, with their bulk data path',
    input: { '00081140': { vr: 'SQ', Value: [{ '00081155': { vr: 'UI', Value: ['1.2.3'] } }, { '00880200': { vr: 'OW', Value: [ab(5000)] } }] } },
    expected: { '00081140': { vr: 'SQ', Value: [{ '00081155': { vr: 'UI', Value: ['1.2.3'] } }, { '00880200': { vr: 'OW', BulkDataURI: 'bulkdata/00081140/1/00880200' } }] } },
  },
  { name: 'an empty sequence', input: { '00081140': { vr: 'SQ', Value: [] } }, expected: { '00081140': { vr: 'SQ' } } },
  { name: 'group lengths dropped', input: { '00080000': { vr: 'UL', Value: [10] }, '00080060': { vr: 'CS', Value: ['CT'] } }, expected: { '00080060': { vr: 'CS', Value: ['CT'] } } },
];

for (const c of cases) {
  test(`toDicomJson: ${c.name}`, () => {
    assert.deepEqual(toDicomJson(c.input), c.expected);
  });
}

test('toDicomJson: tags in ascending order', () => {
  const out = toDicomJson({ '00200013': { vr: 'IS', Value: [1] }, '00080016': { vr: 'UI', Value: ['1.2'] }, '00100010': { vr: 'PN', Value: [{ Alphabetic: 'A' }] } });
  assert.deepEqual(Object.keys(out), ['00080016', '00100010', '00200013']);
});
