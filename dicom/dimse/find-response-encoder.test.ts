// The fast C-FIND response writer against what dcmjs-dimse itself puts on the wire.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type * as DcmjsDimse from 'dcmjs-dimse';
import { dcmjs } from '../dcmjs.ts';
import type { DicomJson } from '../dicom-json.ts';
import { fromDicomJson } from '../parse/dicom-json-to-dcmjs.ts';
import { encodeCommand, encodeIdentifier } from './find-response-encoder.ts';

const require = createRequire(import.meta.url);
const dimse = require('dcmjs-dimse') as typeof DcmjsDimse;
const IMPLICIT = '1.2.840.10008.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';

/** How dicom-scp.ts wrote identifiers before the fast path. */
const viaDcmjs = (json: DicomJson, ts: string): Buffer => new dimse.Dataset(dcmjs.data.DicomMetaDictionary.naturalizeDataset(fromDicomJson(json)), ts).getDenaturalizedDataset();

const s = (vr: string, ...v: (string | null)[]) => (v.length ? { vr, Value: v } : { vr });
const pn = (...names: string[]) => ({ vr: 'PN', Value: names.map((Alphabetic) => ({ Alphabetic })) });
const worklistItem: DicomJson = {
  '00080005': s('CS', 'ISO_IR 192'), '00080050': s('SH', 'A12345'), '00080090': pn('SMITH^JOHN^^DR'), '00100010': pn('MÜLLER^ANNA^C'),
  '00100020': s('LO', 'MRN123'), '00100021': s('LO', 'HOSP'), '00100030': s('DA', '19700101'), '00100040': s('CS', 'F'), '0020000D': s('UI', '2.25.100012345'),
  '00321032': pn('JONES^ALICE^^DR'), '00321060': s('LO', 'CT Chest with contrast'),
  '00321064': { vr: 'SQ', Value: [{ '00080100': s('SH', 'CTCHEST'), '00080102': s('SH', 'LOCAL'), '00080104': s('LO', 'CT Chest with contrast') }] },
  '00380010': s('LO', 'V12345'),
  '00400100': { vr: 'SQ', Value: [{ '00080060': s('CS', 'CT'), '00400001': s('AE', 'CT01'), '00400002': s('DA', '20261123'), '00400003': s('TM', '070000'), '00400006': s('PN'), '00400007': s('LO', 'CT chest routine protocol'), '00400008': { vr: 'SQ', Value: [{ '00080100': s('SH', 'CTP01'), '00080102': s('SH', 'LOCAL'), '00080104': s('LO', 'CT chest routine protocol') }] }, '00400009': s('SH', 'SPS12345'), '00400020': s('CS') }] },
  '00401001': s('SH', 'RP12345'), '00401002': s('LO', 'Chest pain'), '00401003': s('SH', 'ROUTINE'),
};

const identifiers: Record<string, DicomJson> = {
  'a worklist item (nested sequences, PN, empty keys, non-ASCII)': worklistItem,
  'keys out of tag order': { '00100020': s('LO', 'X'), '00080052': s('CS', 'STUDY'), '00080005': s('CS', 'ISO_IR 100') },
  'multi-valued, odd and even lengths, UI padding': { '00080061': s('CS', 'CT', 'MR', 'US'), '00080062': s('UI', '1.2.840.10008.5.1.4.1.1.2', '1.2.3'), '0020000D': s('UI', '1.2.3'), '00081030': s('LO', 'AB') },
  'empty values and an empty value among others': { '00100010': s('PN'), '00100020': s('LO', ''), '00080061': s('CS', '', 'CT'), '00100030': s('DA', null) },
  'empty and multi-item sequences': { '00081110': { vr: 'SQ', Value: [] }, '00081120': { vr: 'SQ' }, '00081032': { vr: 'SQ', Value: [{ '00080100': s('SH', 'A') }, {}, { '00080100': s('SH', 'BB') }] } },
  'non-ASCII text with an odd UTF-8 length and several PN values': { '00080005': s('CS', 'ISO_IR 192'), '00100010': pn('Ærøskøbing^Å', 'Ñ'), '00081030': s('LO', 'Brust é'), '00321060': s('LO', '胸部CT') },
  'DS, IS, TM, DT, AS, ST, LT, UT given as text': { '00101010': s('AS', '045Y'), '00101020': s('DS', '1.75'), '00201208': s('IS', '12'), '00400003': s('TM', '070000-083000'), '0040A120': s('DT', '20260101120000'), '00204000': s('LT', 'line one\r\nline two'), '00400280': s('ST', 'x'), '00400400': s('UT', 'long text') },
  'numeric US and UL values': { '00280010': { vr: 'US', Value: [512] }, '00280011': { vr: 'US', Value: [1, 2] }, '00081161': { vr: 'UL', Value: [123456] } },
};

for (const [name, json] of Object.entries(identifiers)) {
  for (const ts of [IMPLICIT, EXPLICIT]) {
    test(`identifier ${name} (${ts === IMPLICIT ? 'implicit' : 'explicit'} VR): the same bytes as dcmjs`, () => {
      const fast = encodeIdentifier(json, ts);
      assert.ok(fast, 'on the fast path');
      assert.equal(fast.toString('hex'), viaDcmjs(json, ts).toString('hex'));
    });
  }
}

test('identifiers the fast path leaves to dcmjs', () => {
  const cases: [string, DicomJson, string][] = [
    ['big endian', worklistItem, '1.2.840.10008.1.2.2'],
    ['binary', { '00091010': { vr: 'OB', InlineBinary: 'AAE=' } }, EXPLICIT],
    ['a number in DS (dcmjs formats it)', { '00101020': { vr: 'DS', Value: [1.75] } }, EXPLICIT],
    ['a PN with an ideographic group', { '00100010': { vr: 'PN', Value: [{ Alphabetic: 'A', Ideographic: 'B' }] } }, EXPLICIT],
    ['a CS over its length (dcmjs throws)', { '00080060': s('CS', 'X'.repeat(17)) }, EXPLICIT],
    ['non-ASCII in an ASCII VR', { '00080060': s('CS', 'É') }, EXPLICIT],
    ['an FL', { '00189087': { vr: 'FD', Value: [1] } }, EXPLICIT],
    ['inside a sequence', { '00081032': { vr: 'SQ', Value: [{ '00091010': { vr: 'OB', InlineBinary: 'AAE=' } }] } }, EXPLICIT],
  ];
  for (const [why, json, ts] of cases) assert.equal(encodeIdentifier(json, ts), undefined, why);
});

test('C-FIND response command sets: the same bytes as dcmjs-dimse', () => {
  const request = new dimse.requests.CFindRequest();
  const variants: ((r: DcmjsDimse.responses.CFindResponse) => void)[] = [
    (r) => r.setStatus(0xff00),
    (r) => (r.setStatus(0xff00), r.setDataset(new dimse.Dataset({ PatientID: 'x' }))),
    (r) => (r.setStatus(0), r.setAffectedSopClassUid('1.2.840.10008.5.1.4.31')),
    (r) => (r.setStatus(0xc000), r.setErrorComment('processing failed: boom')),
    (r) => (r.setStatus(0xfe00), r.setErrorComment('odd')),
  ];
  for (const change of variants) {
    const response = dimse.responses.CFindResponse.fromRequest(request);
    change(response);
    const command = response.getCommandDataset();
    const fast = encodeCommand(command.getElements());
    assert.ok(fast, 'on the fast path');
    assert.equal(fast.toString('hex'), command.getDenaturalizedCommandDataset().toString('hex'));
  }
});
