import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FailureReason, failureReasonFor, stowResponse } from './stow-response.ts';
import type { StowOutcome } from './stow-response.ts';

const BASE = 'http://pacs/dicom-web';
const ok = (sop: string, study = '1.2'): StowOutcome => ({ ok: true, sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: sop, studyInstanceUid: study, seriesInstanceUid: `${study}.1` });
const bad = (sop: string, reason: number = FailureReason.CannotUnderstand): StowOutcome => ({ ok: false, sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: sop, failureReason: reason, message: 'broken' });

test('200 when all are stored: ReferencedSOPSequence with each RetrieveURL, the study RetrieveURL', () => {
  const r = stowResponse([ok('1.2.1.1'), ok('1.2.1.2')], BASE);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body['00081190'], { vr: 'UR', Value: [`${BASE}/studies/1.2`] });
  assert.equal(r.body['00081198'], undefined);
  assert.deepEqual(r.body['00081199']!.Value![0], {
    '00081150': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] },
    '00081155': { vr: 'UI', Value: ['1.2.1.1'] },
    '00081190': { vr: 'UR', Value: [`${BASE}/studies/1.2/series/1.2.1/instances/1.2.1.1`] },
  });
});

test('202 when some failed, 409 when none was stored; FailedSOPSequence with FailureReason', () => {
  const partial = stowResponse([ok('1.2.1.1'), bad('1.2.1.2', FailureReason.DataSetDoesNotMatch)], BASE);
  assert.equal(partial.status, 202);
  assert.deepEqual(partial.body['00081198']!.Value, [{ '00081150': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] }, '00081155': { vr: 'UI', Value: ['1.2.1.2'] }, '00081197': { vr: 'US', Value: [0xa900] } }]);
  const none = stowResponse([bad(''), bad('1.3')], BASE, '1.9');
  assert.equal(none.status, 409);
  assert.equal(none.body['00081199'], undefined);
  assert.deepEqual((none.body['00081198']!.Value![0] as Record<string, unknown>)['00081155'], { vr: 'UI' }, 'an unknown UID is an empty value');
  assert.deepEqual(none.body['00081190'], { vr: 'UR', Value: [`${BASE}/studies/1.9`] });
  const two = stowResponse([ok('1.2.1.1', '1.2'), ok('1.3.1.1', '1.3')], BASE);
  assert.equal(two.body['00081190'], undefined, 'no single study');
});

test('ingest failures map to PS3.4 statuses', () => {
  assert.equal(failureReasonFor('DICOM_TRUNCATED'), 0xc000);
  assert.equal(failureReasonFor('DICOM_UID_MISMATCH'), 0xa900);
  assert.equal(failureReasonFor('DICOM_STORAGE_FAILED'), 0xa700);
  assert.equal(failureReasonFor('DICOM_INDEX_FAILED'), 0x0110);
});
