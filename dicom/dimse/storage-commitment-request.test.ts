import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DicomJson } from '../dicom-json.ts';
import { SopClass } from '../sop-classes.ts';
import { COMMITMENT_DIMSE_STATUS, commitmentResult, parseCommitmentRequest, Tag } from './storage-commitment-request.ts';
import type { CommitmentRequestErrorCode } from './storage-commitment-request.ts';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const MR = '1.2.840.10008.5.1.4.1.1.4';
const WELL_KNOWN = SopClass.StorageCommitmentPushModelInstance;
const ui = (v: string) => ({ vr: 'UI', Value: [v] });
const item = (cls: string, inst: string): DicomJson => ({ [Tag.ReferencedSOPClassUID]: ui(cls), [Tag.ReferencedSOPInstanceUID]: ui(inst) });
const request = (over: DicomJson = {}): DicomJson => ({
  [Tag.TransactionUID]: ui('1.2.3.99.1'),
  [Tag.ReferencedSOPSequence]: { vr: 'SQ', Value: [item(CT, '1.2.3.1'), item(CT, '1.2.3.2')] },
  ...over,
});

describe('parseCommitmentRequest (PS3.4 J.3.2)', () => {
  test('a well-formed request gives its Transaction UID and references', () => {
    const r = parseCommitmentRequest(1, WELL_KNOWN, request());
    assert.deepEqual(r, {
      ok: true,
      value: { transactionUid: '1.2.3.99.1', refs: [{ sopClassUid: CT, sopInstanceUid: '1.2.3.1' }, { sopClassUid: CT, sopInstanceUid: '1.2.3.2' }] },
    });
  });

  const refusals: { name: string; actionTypeId?: number; instance?: string; dataset: DicomJson; code: CommitmentRequestErrorCode; status: number }[] = [
    { name: 'another Action Type ID', actionTypeId: 2, dataset: request(), code: 'DICOM_COMMITMENT_NO_SUCH_ACTION', status: 0x0123 },
    { name: 'not the well-known SOP Instance', instance: '1.2.3.4', dataset: request(), code: 'DICOM_COMMITMENT_NO_SUCH_INSTANCE', status: 0x0112 },
    { name: 'no Transaction UID', dataset: { [Tag.ReferencedSOPSequence]: request()[Tag.ReferencedSOPSequence]! }, code: 'DICOM_COMMITMENT_MISSING_ATTRIBUTE', status: 0x0120 },
    { name: 'an empty Transaction UID', dataset: request({ [Tag.TransactionUID]: { vr: 'UI' } }), code: 'DICOM_COMMITMENT_INVALID_VALUE', status: 0x0115 },
    { name: 'a Transaction UID that is not a UID', dataset: request({ [Tag.TransactionUID]: ui('abc') }), code: 'DICOM_COMMITMENT_INVALID_VALUE', status: 0x0115 },
    { name: 'no Referenced SOP Sequence', dataset: { [Tag.TransactionUID]: ui('1.2.3.99.1') }, code: 'DICOM_COMMITMENT_MISSING_ATTRIBUTE', status: 0x0120 },
    { name: 'an empty Referenced SOP Sequence', dataset: request({ [Tag.ReferencedSOPSequence]: { vr: 'SQ', Value: [] } }), code: 'DICOM_COMMITMENT_INVALID_VALUE', status: 0x0115 },
    { name: 'an item without its SOP Instance UID', dataset: request({ [Tag.ReferencedSOPSequence]: { vr: 'SQ', Value: [{ [Tag.ReferencedSOPClassUID]: ui(CT) }] } }), code: 'DICOM_COMMITMENT_MISSING_ATTRIBUTE', status: 0x0120 },
    { name: 'an item with an invalid UID', dataset: request({ [Tag.ReferencedSOPSequence]: { vr: 'SQ', Value: [item(CT, '1.2.x')] } }), code: 'DICOM_COMMITMENT_INVALID_VALUE', status: 0x0115 },
  ];
  for (const c of refusals) {
    test(`refuses ${c.name} with 0x${c.status.toString(16).padStart(4, '0')}`, () => {
      const r = parseCommitmentRequest(c.actionTypeId ?? 1, c.instance ?? WELL_KNOWN, c.dataset);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.error.code, c.code);
      assert.equal(COMMITMENT_DIMSE_STATUS[r.error.code], c.status);
    });
  }
});

describe('commitmentResult (PS3.4 J.3.3)', () => {
  const req = { transactionUid: '1.2.3.99.1', refs: [{ sopClassUid: CT, sopInstanceUid: '1.2.3.1' }, { sopClassUid: CT, sopInstanceUid: '1.2.3.2' }, { sopClassUid: CT, sopInstanceUid: '1.2.3.3' }] };

  test('every instance indexed under its class: event type 1, all in the Referenced SOP Sequence', () => {
    const r = commitmentResult({ ...req, refs: req.refs.slice(0, 2) }, [{ sopInstanceUid: '1.2.3.1', sopClassUid: CT }, { sopInstanceUid: '1.2.3.2', sopClassUid: CT }], 'PACS');
    assert.equal(r.eventTypeId, 1);
    assert.deepEqual(r.dataset, {
      [Tag.TransactionUID]: ui('1.2.3.99.1'),
      [Tag.RetrieveAETitle]: { vr: 'AE', Value: ['PACS'] },
      [Tag.ReferencedSOPSequence]: { vr: 'SQ', Value: [item(CT, '1.2.3.1'), item(CT, '1.2.3.2')] },
    });
  });

  test('an unknown instance fails with 0112 and one stored under another class with 0119: event type 2', () => {
    const r = commitmentResult(req, [{ sopInstanceUid: '1.2.3.1', sopClassUid: CT }, { sopInstanceUid: '1.2.3.3', sopClassUid: MR }], 'PACS');
    assert.equal(r.eventTypeId, 2);
    assert.deepEqual(r.dataset[Tag.ReferencedSOPSequence], { vr: 'SQ', Value: [item(CT, '1.2.3.1')] });
    assert.deepEqual(r.dataset[Tag.FailedSOPSequence], {
      vr: 'SQ',
      Value: [
        { ...item(CT, '1.2.3.2'), [Tag.FailureReason]: { vr: 'US', Value: [0x0112] } },
        { ...item(CT, '1.2.3.3'), [Tag.FailureReason]: { vr: 'US', Value: [0x0119] } },
      ],
    });
  });

  test('nothing indexed: only the Failed SOP Sequence', () => {
    const r = commitmentResult(req, [], 'PACS');
    assert.equal(r.eventTypeId, 2);
    assert.equal(r.dataset[Tag.ReferencedSOPSequence], undefined);
    assert.equal(r.dataset[Tag.RetrieveAETitle], undefined);
    assert.equal((r.dataset[Tag.FailedSOPSequence]?.Value ?? []).length, 3);
  });
});
