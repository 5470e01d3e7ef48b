// In-memory matching of worklist items against MWL identifiers (PS3.4 C.2.2.2): table rows of
// {name, identifier, expected match} against the item of standards-mappings.md 1.6.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DicomJson } from '../dicom-json.ts';
import { parseWorklistFind, worklistView } from './worklist-find.ts';
import { matchesWorklistFind, wildcardRegExp } from './worklist-find-match.ts';
import { ITEM_1_6 } from './__fixtures__/worklist-find-item.ts';
import type { WorklistStatus } from './worklist-status.ts';

const e = (vr: string, ...values: string[]) => (values.length ? { vr, Value: vr === 'PN' ? values.map((v) => ({ Alphabetic: v })) : values } : { vr });
const sps = (keys: DicomJson): DicomJson => ({ '00400100': { vr: 'SQ', Value: [keys] } });

const CASES: [string, DicomJson, boolean, WorklistStatus?][] = [
  ['universal: empty keys', { '00100010': e('PN'), ...sps({ '00080060': e('CS') }) }, true],
  ['modality, station and today', sps({ '00080060': e('CS', 'CT'), '00400001': e('AE', 'CT01'), '00400002': e('DA', '20250301') }), true],
  ['the second of two station AE titles', sps({ '00400001': e('AE', 'CT02') }), true],
  ['another station', sps({ '00400001': e('AE', 'CT03') }), false],
  ['a station wildcard', sps({ '00400001': e('AE', 'CT0?') }), true],
  ['a list of stations, one of them ours', sps({ '00400001': e('AE', 'MR01', 'CT02') }), true],
  ['AE titles are exact (case matters)', sps({ '00400001': e('AE', 'ct01') }), false],
  ['another modality', sps({ '00080060': e('CS', 'MR') }), false],
  ['another day', sps({ '00400002': e('DA', '20250302') }), false],
  ['a date range around the day', sps({ '00400002': e('DA', '20250228-20250302') }), true],
  ['a range up to the day before', sps({ '00400002': e('DA', '-20250228') }), false],
  ['a range from the day', sps({ '00400002': e('DA', '20250301-') }), true],
  ['a time range holding 09:30', sps({ '00400003': e('TM', '0900-1000') }), true],
  ['a time range ending at 09:30 takes in the whole minute', sps({ '00400003': e('TM', '0800-0930') }), true],
  ['a time range ending before', sps({ '00400003': e('TM', '-0929') }), false],
  ['a single time is a prefix', sps({ '00400003': e('TM', '0930') }), true],
  ['date and time ranges match independently without combined matching', sps({ '00400002': e('DA', '20250228-20250301'), '00400003': e('TM', '1800-2359') }), false],
  ['patient name wildcard in lower case', { '00100010': e('PN', 'doe*') }, true],
  ['patient name, exact, any case', { '00100010': e('PN', 'Doe^Jane^Q') }, true],
  ['patient name: single value is not a prefix', { '00100010': e('PN', 'DOE^JANE') }, false],
  ['patient name ? is one character', { '00100010': e('PN', 'D?E^*') }, true],
  ['patient name: another', { '00100010': e('PN', 'ROE*') }, false],
  ['patient ID, exact', { '00100020': e('LO', 'MRN12345') }, true],
  ['patient ID is case-sensitive', { '00100020': e('LO', 'mrn12345') }, false],
  ['accession number wildcard', { '00080050': e('SH', 'ACC-*') }, true],
  ['requested procedure ID', { '00401001': e('SH', 'RP-0002') }, false],
  ['study instance UID in a list', { '0020000D': e('UI', '1.2.3', '1.2.840.99999.1.2.3.4.5') }, true],
  ['study instance UID not in a list', { '0020000D': e('UI', '1.2.3', '1.2.4') }, false],
  ['performing physician in the step', sps({ '00400006': e('PN', 'tech^*') }), true],
  ['step ID', sps({ '00400009': e('SH', 'SPS-0001') }), true],
  ['step status SCHEDULED', sps({ '00400020': e('CS', 'SCHEDULED') }), true],
  ['a started step is STARTED', sps({ '00400020': e('CS', 'SCHEDULED') }), false, 'IN PROGRESS'],
  ['step status STARTED', sps({ '00400020': e('CS', 'STARTED') }), true, 'IN PROGRESS'],
  ['sequence matching in the protocol code sequence', sps({ '00400008': { vr: 'SQ', Value: [{ '00080100': e('SH', 'CTP01') }] } }), true],
  ['sequence matching: no code item matches', { '00321064': { vr: 'SQ', Value: [{ '00080100': e('SH', 'MRKNEE') }] } }, false],
  ['sequence matching: every key of the item must hold in the same item', { '00321064': { vr: 'SQ', Value: [{ '00080100': e('SH', 'CTCHEST'), '00080102': e('SH', 'LN') }] } }, false],
  ['an empty attribute never matches a value', { '00380500': e('LO', '*') }, true],
  ['an empty attribute never matches a value (wildcard)', { '00380500': e('LO', 'A*') }, false],
  ['birth date range', { '00100030': e('DA', '19800101-19801231') }, true],
  ['keys placed at the top level are not step keys', { '00080060': e('CS', 'MR') }, true],
];

for (const [name, identifier, expected, status] of CASES) {
  test(`${expected ? 'matches' : 'does not match'}: ${name}`, () => {
    const find = parseWorklistFind(identifier);
    assert.ok(find.ok, find.ok ? '' : find.error.message);
    assert.equal(matchesWorklistFind(find.value, worklistView(ITEM_1_6, status ?? 'SCHEDULED')), expected);
  });
}

test('combined date-time range matching takes in the evening of one day and the morning of the next', () => {
  const identifier = sps({ '00400002': e('DA', '20250228-20250301'), '00400003': e('TM', '1800-1000') });
  const combined = parseWorklistFind(identifier, { combinedDateTime: true });
  assert.ok(combined.ok);
  assert.equal(matchesWorklistFind(combined.value, worklistView(ITEM_1_6, 'SCHEDULED')), true, '2025-03-01 09:30 is inside 02-28 18:00 .. 03-01 10:00');
  const late = structuredClone(ITEM_1_6);
  late.ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartTime = '103000';
  assert.equal(matchesWorklistFind(combined.value, worklistView(late, 'SCHEDULED')), false);
  const independent = parseWorklistFind(identifier);
  assert.ok(independent.ok);
  assert.equal(matchesWorklistFind(independent.value, worklistView(ITEM_1_6, 'SCHEDULED')), false, 'independently, 09:30 is not within 18:00-10:00');
});

test('person names with non-ASCII letters match in any case', () => {
  const item = { ...ITEM_1_6, PatientName: 'ØSTERGÅRD^SØREN' };
  for (const [query, expected] of [
    ['østergård*', true],
    ['ØSTER*', true],
    ['?stergård^søren', true],
    ['OSTER*', false],
  ] as const) {
    const find = parseWorklistFind({ '00100010': e('PN', query) });
    assert.ok(find.ok);
    assert.equal(matchesWorklistFind(find.value, worklistView(item, 'SCHEDULED')), expected, query);
  }
});

test('wildcards escape what regular expressions treat specially', () => {
  assert.equal(wildcardRegExp('A.(B)*').test('A.(B)C'), true);
  assert.equal(wildcardRegExp('A.(B)*').test('AX(B)C'), false);
  assert.equal(wildcardRegExp('?').test('Ø'), true);
});
