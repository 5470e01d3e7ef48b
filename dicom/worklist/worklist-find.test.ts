// Parsing MWL C-FIND identifiers (DICOM JSON, as dicom-scp.ts hands them over): the key tree,
// matchers per VR, sequences, keys ignored or not supported, and identifiers refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DicomJson } from '../dicom-json.ts';
import { parseWorklistFind } from './worklist-find.ts';
import type { MwlKey, WorklistFind } from './worklist-find.ts';

const e = (vr: string, ...values: string[]) => (values.length ? { vr, Value: vr === 'PN' ? values.map((v) => ({ Alphabetic: v })) : values } : { vr });
const sq = (...items: DicomJson[]) => (items.length ? { vr: 'SQ', Value: items } : { vr: 'SQ' });

function parsed(identifier: DicomJson, combinedDateTime = false): WorklistFind {
  const r = parseWorklistFind(identifier, { combinedDateTime });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

/** A compact view of the key tree: keyword (or tag) -> matcher, or nested keys for sequences. */
function shape(keys: MwlKey[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k.attribute?.keyword ?? k.tag, k.items ? shape(k.items) : (k.matcher ?? null)]));
}

test('the query a modality sends (standards-mappings.md 3.6) becomes return keys and three step conditions', () => {
  const find = parsed({
    '00080005': e('CS', 'ISO_IR 100'),
    '00080050': e('SH'),
    '00100010': e('PN'),
    '00100020': e('LO'),
    '0020000D': e('UI'),
    '00321064': sq({}),
    '00400100': sq({
      '00080060': e('CS', 'CT'),
      '00400001': e('AE', 'CT01'),
      '00400002': e('DA', '20250301'),
      '00400003': e('TM'),
      '00400008': sq(),
      '00400009': e('SH'),
    }),
    '00401001': e('SH'),
  });
  assert.equal(find.charsetRequested, true);
  assert.deepEqual(find.unsupported, []);
  assert.deepEqual(shape(find.keys), {
    AccessionNumber: null,
    PatientName: null,
    PatientID: null,
    StudyInstanceUID: null,
    RequestedProcedureCodeSequence: {},
    ScheduledProcedureStepSequence: {
      Modality: { type: 'single', value: 'CT' },
      ScheduledStationAETitle: { type: 'single', value: 'CT01' },
      ScheduledProcedureStepStartDate: { type: 'single', value: '20250301' },
      ScheduledProcedureStepStartTime: null,
      ScheduledProtocolCodeSequence: {},
      ScheduledProcedureStepID: null,
    },
    RequestedProcedureID: null,
  });
});

const CASES: [string, DicomJson, Record<string, unknown>][] = [
  ['patient name wildcard, trailing components dropped', { '00100010': e('PN', 'doe*^') }, { PatientName: { type: 'wildcard', pattern: 'doe*' } }],
  ['a lone * is universal', { '00100010': e('PN', '*'), '00080050': e('SH', '*') }, { AccessionNumber: null, PatientName: null }],
  ['date range and open-ended ranges', { '00400100': sq({ '00400002': e('DA', '20250228-20250302'), '00400003': e('TM', '-1200') }) }, { ScheduledProcedureStepSequence: { ScheduledProcedureStepStartDate: { type: 'range', from: '20250228', to: '20250302' }, ScheduledProcedureStepStartTime: { type: 'range', to: '1200' } } }],
  ['old-style date and time separators', { '00400100': sq({ '00400002': e('DA', '2025.03.01-'), '00400003': e('TM', '09:30') }) }, { ScheduledProcedureStepSequence: { ScheduledProcedureStepStartDate: { type: 'range', from: '20250301' }, ScheduledProcedureStepStartTime: { type: 'single', value: '0930' } } }],
  ['list of UIDs', { '0020000D': e('UI', '1.2.3', '1.2.4') }, { StudyInstanceUID: { type: 'list', values: ['1.2.3', '1.2.4'] } }],
  ['several station AE titles: any of them', { '00400100': sq({ '00400001': e('AE', 'CT01', 'CT02') }) }, { ScheduledProcedureStepSequence: { ScheduledStationAETitle: { type: 'list', values: ['CT01', 'CT02'] } } }],
  ['sequence matching inside a code sequence', { '00321064': sq({ '00080100': e('SH', 'CTCHEST'), '00080104': e('LO') }) }, { RequestedProcedureCodeSequence: { CodeValue: { type: 'single', value: 'CTCHEST' }, CodeMeaning: null } }],
  ['an empty step item is the whole step', { '00400100': sq({}) }, { ScheduledProcedureStepSequence: {} }],
  ['performing physician and step ID', { '00400100': sq({ '00400006': e('PN', 'TECH^*'), '00400009': e('SH', 'SPS-0001') }) }, { ScheduledProcedureStepSequence: { ScheduledPerformingPhysicianName: { type: 'wildcard', pattern: 'TECH^*' }, ScheduledProcedureStepID: { type: 'single', value: 'SPS-0001' } } }],
  ['Query/Retrieve Level and group 0000/0002 are ignored', { '00080052': e('CS', 'STUDY'), '00020010': e('UI', '1.2'), '00100020': e('LO', 'MRN1') }, { PatientID: { type: 'single', value: 'MRN1' } }],
  ['a key the SCP does not know is returned, not matched', { '00081030': e('LO') }, { '00081030': null }],
];

for (const [name, identifier, expected] of CASES) {
  test(`parses: ${name}`, () => {
    assert.deepEqual(shape(parsed(identifier).keys), expected);
  });
}

test('keys given a value the SCP does not know are listed as unsupported (Pending FF01) and match universally', () => {
  const find = parsed({
    '00081030': e('LO', 'CT*'),
    '001021C0': { vr: 'US', Value: [1] },
    '00080060': e('CS', 'CT'),
    '00100010': e('PN'),
    // An unknown sequence asked for with empty item keys is only returned.
    '00400275': sq({ '00401001': e('SH') }),
  });
  assert.deepEqual(find.unsupported, ['(0008,0060)', '(0008,1030)'], 'PregnancyStatus is known: returned, and its value ignored');
  assert.equal(find.keys.filter((k) => k.matcher).length, 0);
});

test('combined date-time matching (when negotiated) joins a date range and a time range into one', () => {
  const identifier = { '00400100': sq({ '00400002': e('DA', '20250301-20250302'), '00400003': e('TM', '1800-0600') }) };
  assert.deepEqual(shape(parsed(identifier, true).keys), {
    ScheduledProcedureStepSequence: { ScheduledProcedureStepStartDate: { type: 'dateTimeRange', from: '202503011800', to: '202503020600' }, ScheduledProcedureStepStartTime: null },
  });
  const openEnded = { '00400100': sq({ '00400002': e('DA', '20250301-'), '00400003': e('TM', '1800-') }) };
  assert.deepEqual(shape(parsed(openEnded, true).keys), { ScheduledProcedureStepSequence: { ScheduledProcedureStepStartDate: { type: 'dateTimeRange', from: '202503011800' }, ScheduledProcedureStepStartTime: null } });
  // A single date with a time range means the same either way: no combination.
  const single = { '00400100': sq({ '00400002': e('DA', '20250301'), '00400003': e('TM', '0800-1200') }) };
  assert.deepEqual(shape(parsed(single, true).keys), { ScheduledProcedureStepSequence: { ScheduledProcedureStepStartDate: { type: 'single', value: '20250301' }, ScheduledProcedureStepStartTime: { type: 'range', from: '0800', to: '1200' } } });
});

const REFUSED: [string, DicomJson, RegExp][] = [
  ['a malformed date', { '00400100': sq({ '00400002': e('DA', '2025-03-01') }) }, /ScheduledProcedureStepStartDate/],
  ['a wildcard in a UID', { '0020000D': e('UI', '1.2.*') }, /StudyInstanceUID/],
  ['two items in the step sequence', { '00400100': sq({ '00080060': e('CS', 'CT') }, { '00080060': e('CS', 'MR') }) }, /ScheduledProcedureStepSequence: a sequence key holds one item, not 2/],
  ['a bad time range', { '00400100': sq({ '00400003': e('TM', '25h-') }) }, /ScheduledProcedureStepStartTime/],
];

for (const [name, identifier, message] of REFUSED) {
  test(`refuses ${name}`, () => {
    const r = parseWorklistFind(identifier);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'DICOM_QUERY_INVALID');
    assert.match(r.error.message, message);
  });
}
