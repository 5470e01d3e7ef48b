// The MPPS SCP without a network: what PS3.4 F.7.2 makes it refuse by itself, the event it hands
// on, and the DIMSE status it answers for each refusal from onStep.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DicomJson } from '../dicom-json.ts';
import type { NormalizedAnswer, NormalizedRequest } from './dimse-service.ts';
import { createMppsScp } from './mpps-scp.ts';
import type { MppsStepResult } from './mpps-scp.ts';
import type { MppsEvent } from './mpps-scp-event.ts';

const noop = { error() {}, warn() {}, info() {}, debug() {}, child() { return noop; } };
const MPPS = '1.2.840.10008.3.1.2.3.3';

const cs = (v: string) => ({ vr: 'CS', Value: [v] });
const text = (vr: string, v: string) => ({ vr, Value: [v] });

function createDataset(over: DicomJson = {}, drop: string[] = []): DicomJson {
  const ds: DicomJson = {
    '00080060': cs('CT'),
    '00100010': { vr: 'PN', Value: [{ Alphabetic: 'DOE^JANE' }] },
    '00100020': text('LO', 'MRN-1'),
    '00400241': text('AE', 'CT01'),
    '00400244': text('DA', '20250301'),
    '00400245': text('TM', '094112'),
    '00400250': { vr: 'DA' },
    '00400251': { vr: 'TM' },
    '00400252': cs('IN PROGRESS'),
    '00400253': text('SH', 'PPS-1'),
    '00400270': {
      vr: 'SQ',
      Value: [
        {
          '0020000D': text('UI', '1.2.840.99999.1'),
          '00080050': text('SH', 'ACC-1'),
          '00401001': text('SH', 'RP-1'),
          '00400009': text('SH', 'SPS-1'),
        },
      ],
    },
    ...over,
  };
  for (const tag of drop) delete ds[tag];
  return ds;
}

function request(sopInstanceUid: string, dataset: DicomJson): NormalizedRequest {
  return { association: { id: 1, callingAeTitle: 'CT01', calledAeTitle: 'PACS', remoteAddress: '127.0.0.1' }, sopClassUid: MPPS, sopInstanceUid, messageId: 1, dataset };
}

function scp(result: MppsStepResult = { ok: true, value: {} }) {
  const events: MppsEvent[] = [];
  const service = createMppsScp({
    log: noop,
    newUid: () => '2.25.42',
    onStep: async (e) => {
      events.push(e);
      return result;
    },
  });
  return { service, events };
}

type Row = { name: string; op: 'create' | 'set'; uid?: string; dataset: DicomJson; expected: Partial<NormalizedAnswer>; reaches: boolean };

const ROWS: Row[] = [
  { name: 'N-CREATE IN PROGRESS is accepted', op: 'create', dataset: createDataset(), expected: { status: 0x0000, sopInstanceUid: '1.2.3.4' }, reaches: true },
  { name: 'N-CREATE without a UID gets one from the SCP', op: 'create', uid: '', dataset: createDataset(), expected: { status: 0x0000, sopInstanceUid: '2.25.42' }, reaches: true },
  { name: 'N-CREATE COMPLETED: invalid attribute value (F.7.2.1.3)', op: 'create', dataset: createDataset({ '00400252': cs('COMPLETED') }), expected: { status: 0x0106 }, reaches: false },
  { name: 'N-CREATE without a status: missing attribute', op: 'create', dataset: createDataset({}, ['00400252']), expected: { status: 0x0120 }, reaches: false },
  { name: 'N-CREATE without PerformedProcedureStepID: missing attribute', op: 'create', dataset: createDataset({}, ['00400253']), expected: { status: 0x0120 }, reaches: false },
  { name: 'N-CREATE with an empty Modality: missing attribute value', op: 'create', dataset: createDataset({ '00080060': { vr: 'CS' } }), expected: { status: 0x0121 }, reaches: false },
  {
    name: 'N-CREATE whose scheduled step has no Study Instance UID: missing attribute value',
    op: 'create',
    dataset: createDataset({ '00400270': { vr: 'SQ', Value: [{ '00400009': text('SH', 'SPS-1') }] } }),
    expected: { status: 0x0121 },
    reaches: false,
  },
  { name: 'N-CREATE with a malformed SOP Instance UID: invalid object instance', op: 'create', uid: '1.2.abc', dataset: createDataset(), expected: { status: 0x0117 }, reaches: false },
  { name: 'N-SET COMPLETED is handed on', op: 'set', dataset: { '00400252': cs('COMPLETED') }, expected: { status: 0x0000 }, reaches: true },
  { name: 'N-SET without a status (an intermediate update) is handed on', op: 'set', dataset: { '00400254': text('LO', 'CT chest') }, expected: { status: 0x0000 }, reaches: true },
  { name: 'N-SET to SCHEDULED: invalid attribute value', op: 'set', dataset: { '00400252': cs('SCHEDULED') }, expected: { status: 0x0106 }, reaches: false },
  { name: 'N-SET without a UID: invalid object instance', op: 'set', uid: '', dataset: { '00400252': cs('COMPLETED') }, expected: { status: 0x0117 }, reaches: false },
];

describe('MPPS SCP: checks of its own', () => {
  for (const row of ROWS) {
    test(row.name, async () => {
      const { service, events } = scp();
      const req = request(row.uid ?? '1.2.3.4', row.dataset);
      const answer = await (row.op === 'create' ? service.create!(req) : service.set!(req));
      for (const [k, v] of Object.entries(row.expected)) assert.deepEqual(answer[k as keyof NormalizedAnswer], v, k);
      assert.equal(events.length, row.reaches ? 1 : 0, 'onStep called');
    });
  }
});

test('the event carries the step, its scheduled steps and the discontinuation reason', async () => {
  const { service, events } = scp();
  await service.create!(request('1.2.3.4', createDataset()));
  const created = events[0]!;
  assert.deepEqual(
    [created.kind, created.status, created.callingAeTitle, created.performedProcedureStepId, created.modality, created.patientId, created.patientName, created.startDate, created.startTime],
    ['create', 'IN PROGRESS', 'CT01', 'PPS-1', 'CT', 'MRN-1', 'DOE^JANE', '20250301', '094112'],
  );
  assert.deepEqual(created.scheduledSteps, [
    { studyInstanceUid: '1.2.840.99999.1', accessionNumber: 'ACC-1', requestedProcedureId: 'RP-1', scheduledProcedureStepId: 'SPS-1', requestedProcedureDescription: '', scheduledProcedureStepDescription: '' },
  ]);
  await service.set!(
    request('1.2.3.4', {
      '00400252': cs('DISCONTINUED'),
      '00400250': text('DA', '20250301'),
      '00400251': text('TM', '0950'),
      '00400281': { vr: 'SQ', Value: [{ '00080100': text('SH', '110514'), '00080102': text('SH', 'DCM'), '00080104': text('LO', 'Incorrect worklist entry selected') }] },
      '00400340': { vr: 'SQ', Value: [{ '0020000E': text('UI', '1.2.3.4.1'), '00081140': { vr: 'SQ', Value: [{}, {}] } }] },
    }),
  );
  const set = events[1]!;
  assert.deepEqual([set.kind, set.status, set.endDate, set.endTime, set.scheduledSteps, set.performedSeries, set.performedImages], ['set', 'DISCONTINUED', '20250301', '0950', [], 1, 2]);
  assert.deepEqual(set.discontinuationReason, { codeValue: '110514', codingSchemeDesignator: 'DCM', codeMeaning: 'Incorrect worklist entry selected' });
});

describe('MPPS SCP: the DIMSE status for each refusal of onStep', () => {
  const rows: { code: string; status: number; errorId?: number; comment?: string }[] = [
    { code: 'DICOM_MPPS_DUPLICATE', status: 0x0111 },
    { code: 'DICOM_MPPS_NOT_FOUND', status: 0x0112 },
    { code: 'DICOM_MPPS_FINAL', status: 0x0110, errorId: 0xa710, comment: 'Performed Procedure Step Object may no longer be updated' },
    { code: 'CHANNEL_NOT_RUNNING', status: 0x0110 },
    { code: 'CHANNEL_MPPS_INTERNAL', status: 0x0110 },
  ];
  for (const row of rows) {
    test(`${row.code} -> ${row.status.toString(16).padStart(4, '0')}`, async () => {
      const { service } = scp({ ok: false, error: { code: row.code, message: 'refused by the test' } });
      const answer = await service.set!(request('1.2.3.4', { '00400252': cs('COMPLETED') }));
      assert.equal(answer.status, row.status);
      assert.equal(answer.errorId, row.errorId);
      assert.equal(answer.comment, row.comment ?? 'refused by the test');
    });
  }
});
