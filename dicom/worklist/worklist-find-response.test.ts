// Response identifiers for a matching worklist item: the keys asked for and no others, empty when
// the item has no value, sequences as asked (item keys, or the whole sequence), and
// SpecificCharacterSet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DicomJson } from '../dicom-json.ts';
import { parseWorklistFind, worklistView } from './worklist-find.ts';
import { worklistFindResponse } from './worklist-find-response.ts';
import type { WorklistItem } from './worklist-item.ts';
import type { WorklistStatus } from './worklist-status.ts';
import { ITEM_1_6 } from './__fixtures__/worklist-find-item.ts';

const e = (vr: string, ...values: string[]) => (values.length ? { vr, Value: vr === 'PN' ? values.map((v) => ({ Alphabetic: v })) : values } : { vr });
const sq = (...items: DicomJson[]) => (items.length ? { vr: 'SQ', Value: items } : { vr: 'SQ' });

function respond(identifier: DicomJson, item: WorklistItem = ITEM_1_6, status: WorklistStatus = 'SCHEDULED'): DicomJson {
  const find = parseWorklistFind(identifier);
  assert.ok(find.ok, find.ok ? '' : find.error.message);
  return worklistFindResponse(find.value, worklistView(item, status));
}

test('the query of standards-mappings.md 3.6 gets the item of 1.6 restricted to the keys asked for', () => {
  const response = respond({
    '00080005': e('CS', 'ISO_IR 100'),
    '00080050': e('SH'),
    '00080090': e('PN'),
    '00100010': e('PN'),
    '00100020': e('LO'),
    '00100021': e('LO'),
    '00100030': e('DA'),
    '00100040': e('CS'),
    '0020000D': e('UI'),
    '00321032': e('PN'),
    '00321060': e('LO'),
    '00321064': sq({}),
    '00380010': e('LO'),
    '00400100': sq({
      '00080060': e('CS', 'CT'),
      '00400001': e('AE', 'CT01'),
      '00400002': e('DA', '20250301'),
      '00400003': e('TM'),
      '00400006': e('PN'),
      '00400007': e('LO'),
      '00400008': sq(),
      '00400009': e('SH'),
      '00400020': e('CS'),
    }),
    '00401001': e('SH'),
    '00401002': e('LO'),
    '00401003': e('SH'),
  });
  assert.deepEqual(response, {
    '00080005': e('CS', 'ISO_IR 100'),
    '00080050': e('SH', 'ACC-0001'),
    '00080090': e('PN', 'SMITH^JOHN'),
    '00100010': e('PN', 'DOE^JANE^Q'),
    '00100020': e('LO', 'MRN12345'),
    '00100021': e('LO', 'HOSP'),
    '00100030': e('DA', '19800115'),
    '00100040': e('CS', 'F'),
    '0020000D': e('UI', '1.2.840.99999.1.2.3.4.5'),
    '00321032': e('PN', 'JONES^ALICE'),
    '00321060': e('LO', 'CT Chest with contrast'),
    '00321064': sq({ '00080100': e('SH', 'CTCHEST'), '00080102': e('SH', 'LOCAL'), '00080104': e('LO', 'CT Chest with contrast') }),
    '00380010': e('LO', 'V0001'),
    '00400100': sq({
      '00080060': e('CS', 'CT'),
      '00400001': e('AE', 'CT01', 'CT02'),
      '00400002': e('DA', '20250301'),
      '00400003': e('TM', '093000'),
      '00400006': e('PN', 'TECH^TOM'),
      '00400007': e('LO', 'CT chest routine protocol'),
      '00400008': sq({ '00080100': e('SH', 'CTP01'), '00080102': e('SH', 'LOCAL'), '00080104': e('LO', 'CT chest routine protocol') }),
      '00400009': e('SH', 'SPS-0001'),
      '00400020': e('CS', 'SCHEDULED'),
    }),
    '00401001': e('SH', 'RP-0001'),
    '00401002': e('LO', 'Chest pain, unspecified'),
    '00401003': e('SH', 'ROUTINE'),
  });
});

test('keys not asked for are left out; keys without a value, known or not, come back zero-length', () => {
  const response = respond({ '00100010': e('PN'), '00380500': e('LO'), '00081030': e('LO'), '00081110': e('SQ'), '00400100': sq({ '00400010': e('SH'), '00400012': e('LO') }) });
  assert.deepEqual(response, {
    '00080005': e('CS', 'ISO_IR 100'),
    '00081030': e('LO'),
    '00081110': sq(),
    '00100010': e('PN', 'DOE^JANE^Q'),
    '00380500': e('LO'),
    '00400100': sq({ '00400010': e('SH'), '00400012': e('LO') }),
  });
});

test('an empty step key returns the whole step, with its status', () => {
  const response = respond({ '00400100': sq() }, ITEM_1_6, 'IN PROGRESS');
  const step = (response['00400100']!.Value![0] as DicomJson);
  assert.deepEqual(Object.keys(step), ['00080060', '00400001', '00400002', '00400003', '00400006', '00400007', '00400008', '00400009', '00400020']);
  assert.deepEqual(step['00400020'], e('CS', 'STARTED'));
});

test('sequence matching returns only the stored items that match, with the keys asked for', () => {
  const item: WorklistItem = {
    ...ITEM_1_6,
    RequestedProcedureCodeSequence: [
      { CodeValue: 'CTCHEST', CodingSchemeDesignator: 'LOCAL', CodeMeaning: 'CT Chest' },
      { CodeValue: '24627-2', CodingSchemeDesignator: 'LN', CodeMeaning: 'Chest CT' },
    ],
  };
  const response = respond({ '00321064': sq({ '00080102': e('SH', 'LN'), '00080104': e('LO') }) }, item);
  assert.deepEqual(response['00321064'], sq({ '00080102': e('SH', 'LN'), '00080104': e('LO', 'Chest CT') }));
});

test('non-ASCII text makes the response UTF-8 (ISO_IR 192), whatever the order was sent in', () => {
  const item: WorklistItem = { ...ITEM_1_6, PatientName: 'MÜLLER^HANS' };
  assert.deepEqual(respond({ '00100010': e('PN') }, item)['00080005'], e('CS', 'ISO_IR 192'));
  // Only ASCII asked for: the item's own set, which ASCII is part of.
  assert.deepEqual(respond({ '00100020': e('LO') }, item)['00080005'], e('CS', 'ISO_IR 100'));
  const { SpecificCharacterSet: _none, ...ascii } = ITEM_1_6;
  assert.equal(respond({ '00100020': e('LO') }, ascii as WorklistItem)['00080005'], undefined, 'not asked for and not needed');
  assert.deepEqual(respond({ '00080005': e('CS'), '00100020': e('LO') }, ascii as WorklistItem)['00080005'], e('CS'), 'asked for: answered, empty = default repertoire');
});
