// Storage Commitment Push Model (PS3.4 J.3), as pure functions: an N-ACTION's request checked
// into a plain value (J.3.2), and the N-EVENT-REPORT's content built from what the index holds
// for the referenced instances (J.3.3). No I/O: storage-commitment-scp.ts does that.
import type { Result } from '../../engine/index.ts';
import type { DicomJson, DicomJsonElement } from '../dicom-json.ts';
import { firstText } from '../dicom-json.ts';
import { SopClass } from '../sop-classes.ts';
import { isValidUid } from './mpps-scp-event.ts';

export const Tag = {
  TransactionUID: '00081195',
  ReferencedSOPSequence: '00081199',
  ReferencedSOPClassUID: '00081150',
  ReferencedSOPInstanceUID: '00081155',
  FailedSOPSequence: '00081198',
  FailureReason: '00081197',
  RetrieveAETitle: '00080054',
} as const;

/** Action Type ID 1: Request Storage Commitment (J.3.2.1). */
export const REQUEST_STORAGE_COMMITMENT = 1;
/** Event Type IDs of the report (J.3.3.1): every instance committed, or some failed. */
export const CommitmentEvent = { AllCommitted: 1, SomeFailed: 2 } as const;
/** Failure Reason (0008,1197) values for a Failed SOP Sequence item (J.3.3.1.1.1). */
export const FailureReason = {
  ProcessingFailure: 0x0110,
  NoSuchObjectInstance: 0x0112,
  ResourceLimitation: 0x0213,
  ReferencedSopClassNotSupported: 0x0122,
  ClassInstanceConflict: 0x0119,
  DuplicateTransactionUid: 0x0131,
} as const;

export type CommitmentRef = { sopClassUid: string; sopInstanceUid: string };
export type CommitmentRequest = { transactionUid: string; refs: CommitmentRef[] };

export type CommitmentRequestErrorCode =
  | 'DICOM_COMMITMENT_NO_SUCH_ACTION'
  | 'DICOM_COMMITMENT_NO_SUCH_INSTANCE'
  | 'DICOM_COMMITMENT_MISSING_ATTRIBUTE'
  | 'DICOM_COMMITMENT_INVALID_VALUE';
export type CommitmentRequestError = { code: CommitmentRequestErrorCode; message: string };

/** The N-ACTION status answered for each refusal (PS3.7 10.1.4.1.10, PS3.4 J.3.2.1.1). */
export const COMMITMENT_DIMSE_STATUS: Record<CommitmentRequestErrorCode, number> = {
  DICOM_COMMITMENT_NO_SUCH_ACTION: 0x0123, // No such action
  DICOM_COMMITMENT_NO_SUCH_INSTANCE: 0x0112, // No such SOP Instance: not the well-known instance
  DICOM_COMMITMENT_MISSING_ATTRIBUTE: 0x0120, // Missing attribute
  DICOM_COMMITMENT_INVALID_VALUE: 0x0115, // Invalid argument value
};

const fail = (code: CommitmentRequestErrorCode, message: string): { ok: false; error: CommitmentRequestError } => ({ ok: false, error: { code, message } });

/** Checks an N-ACTION on the Storage Commitment Push Model SOP Instance (J.3.2). */
export function parseCommitmentRequest(actionTypeId: number | undefined, sopInstanceUid: string, dataset: DicomJson): Result<CommitmentRequest, CommitmentRequestError> {
  if (actionTypeId !== REQUEST_STORAGE_COMMITMENT) return fail('DICOM_COMMITMENT_NO_SUCH_ACTION', `Action Type ID ${String(actionTypeId)} is not 1 (Request Storage Commitment)`);
  if (sopInstanceUid !== SopClass.StorageCommitmentPushModelInstance) return fail('DICOM_COMMITMENT_NO_SUCH_INSTANCE', `Requested SOP Instance ${JSON.stringify(sopInstanceUid)} is not the well-known one`);
  if (!dataset[Tag.TransactionUID]) return fail('DICOM_COMMITMENT_MISSING_ATTRIBUTE', 'Transaction UID (0008,1195) is missing');
  const transactionUid = firstText(dataset, Tag.TransactionUID);
  if (!isValidUid(transactionUid)) return fail('DICOM_COMMITMENT_INVALID_VALUE', `Transaction UID ${JSON.stringify(transactionUid)} is not a UID`);
  const seq = dataset[Tag.ReferencedSOPSequence];
  if (!seq) return fail('DICOM_COMMITMENT_MISSING_ATTRIBUTE', 'Referenced SOP Sequence (0008,1199) is missing');
  const items = seq.Value ?? [];
  if (items.length === 0) return fail('DICOM_COMMITMENT_INVALID_VALUE', 'Referenced SOP Sequence (0008,1199) is empty');
  const refs: CommitmentRef[] = [];
  for (const [i, item] of items.entries()) {
    if (typeof item !== 'object' || item === null) return fail('DICOM_COMMITMENT_INVALID_VALUE', `Referenced SOP Sequence item ${i + 1} is not a data set`);
    const ds = item as DicomJson;
    const sopClassUid = firstText(ds, Tag.ReferencedSOPClassUID);
    const instanceUid = firstText(ds, Tag.ReferencedSOPInstanceUID);
    if (!sopClassUid || !instanceUid) return fail('DICOM_COMMITMENT_MISSING_ATTRIBUTE', `Referenced SOP Sequence item ${i + 1} lacks its SOP Class or Instance UID`);
    if (!isValidUid(sopClassUid) || !isValidUid(instanceUid)) return fail('DICOM_COMMITMENT_INVALID_VALUE', `Referenced SOP Sequence item ${i + 1} holds an invalid UID`);
    refs.push({ sopClassUid, sopInstanceUid: instanceUid });
  }
  return { ok: true, value: { transactionUid, refs } };
}

/** What the index holds for one SOP Instance UID: its SOP class (it is indexed only once its file is synced). */
export type IndexedInstance = { sopInstanceUid: string; sopClassUid: string };

export type CommitmentResult = {
  eventTypeId: number;
  committed: CommitmentRef[];
  failed: (CommitmentRef & { reason: number })[];
  dataset: DicomJson;
};

const ui = (v: string): DicomJsonElement => ({ vr: 'UI', Value: [v] });
const refItem = (r: CommitmentRef): DicomJson => ({ [Tag.ReferencedSOPClassUID]: ui(r.sopClassUid), [Tag.ReferencedSOPInstanceUID]: ui(r.sopInstanceUid) });

/**
 * The event report for a request given the indexed instances it names (J.3.3.1): committed when
 * indexed under the same SOP class, else failed with No such object instance (0112) or
 * Class-instance conflict (0119). Event Type 1 when all are committed, 2 otherwise.
 */
export function commitmentResult(request: CommitmentRequest, indexed: readonly IndexedInstance[], retrieveAeTitle: string): CommitmentResult {
  const byUid = new Map(indexed.map((i) => [i.sopInstanceUid, i.sopClassUid]));
  const committed: CommitmentRef[] = [];
  const failed: (CommitmentRef & { reason: number })[] = [];
  for (const r of request.refs) {
    const cls = byUid.get(r.sopInstanceUid);
    if (cls === undefined) failed.push({ ...r, reason: FailureReason.NoSuchObjectInstance });
    else if (cls !== r.sopClassUid) failed.push({ ...r, reason: FailureReason.ClassInstanceConflict });
    else committed.push(r);
  }
  const dataset: DicomJson = { [Tag.TransactionUID]: ui(request.transactionUid) };
  if (committed.length) {
    // Retrieve AE Title (0008,0054): where the committed instances can be retrieved from.
    dataset[Tag.RetrieveAETitle] = { vr: 'AE', Value: [retrieveAeTitle] };
    dataset[Tag.ReferencedSOPSequence] = { vr: 'SQ', Value: committed.map(refItem) };
  }
  if (failed.length) dataset[Tag.FailedSOPSequence] = { vr: 'SQ', Value: failed.map((f) => ({ ...refItem(f), [Tag.FailureReason]: { vr: 'US', Value: [f.reason] } })) };
  return { eventTypeId: failed.length ? CommitmentEvent.SomeFailed : CommitmentEvent.AllCommitted, committed, failed, dataset };
}
