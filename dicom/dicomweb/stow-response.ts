// The Store Instances Response Module (PS3.18 10.5.3, PS3.3 C.x) and the HTTP status of a
// STOW-RS request (Table 10.5.3-1): 200 when every instance was stored, 202 when some were and
// others failed, 409 when none was. Pure.
import type { DicomErrorCode } from '../dicom-error.ts';
import type { DicomJson } from '../dicom-json.ts';

export type StowOutcome =
  | { ok: true; sopClassUid: string; sopInstanceUid: string; studyInstanceUid: string; seriesInstanceUid: string }
  | { ok: false; sopClassUid: string; sopInstanceUid: string; failureReason: number; message: string };

/** Failure reasons (PS3.4 Annex B.2.3 statuses, as PS3.18 10.5.3 uses them). */
export const FailureReason = {
  ProcessingFailure: 0x0110,
  SopClassNotSupported: 0x0122,
  OutOfResources: 0xa700,
  /** Also used for an instance whose Study Instance UID differs from the one in the request's path. */
  DataSetDoesNotMatch: 0xa900,
  CannotUnderstand: 0xc000,
  TransferSyntaxNotSupported: 0xc122,
} as const;

export function failureReasonFor(code: DicomErrorCode): number {
  switch (code) {
    case 'DICOM_UID_MISMATCH':
      return FailureReason.DataSetDoesNotMatch;
    case 'DICOM_TOO_LARGE':
    case 'DICOM_STORAGE_FAILED':
      return FailureReason.OutOfResources;
    case 'DICOM_INDEX_FAILED':
      return FailureReason.ProcessingFailure;
    default:
      return FailureReason.CannotUnderstand;
  }
}

const ui = (v: string) => (v ? { vr: 'UI', Value: [v] } : { vr: 'UI' });

export function stowResponse(outcomes: readonly StowOutcome[], base: string, studyInPath?: string): { status: number; body: DicomJson } {
  const stored = outcomes.filter((o) => o.ok);
  const failed = outcomes.filter((o) => !o.ok);
  const body: DicomJson = {};
  const studies = new Set(stored.map((o) => o.studyInstanceUid));
  const study = studyInPath ?? (studies.size === 1 ? [...studies][0] : undefined);
  if (study) body['00081190'] = { vr: 'UR', Value: [`${base}/studies/${study}`] };
  if (failed.length) {
    body['00081198'] = {
      vr: 'SQ',
      Value: failed.map((f) => ({ '00081150': ui(f.sopClassUid), '00081155': ui(f.sopInstanceUid), '00081197': { vr: 'US', Value: [f.failureReason] } })),
    };
  }
  if (stored.length) {
    body['00081199'] = {
      vr: 'SQ',
      Value: stored.map((s) => ({
        '00081150': ui(s.sopClassUid),
        '00081155': ui(s.sopInstanceUid),
        '00081190': { vr: 'UR', Value: [`${base}/studies/${s.studyInstanceUid}/series/${s.seriesInstanceUid}/instances/${s.sopInstanceUid}`] },
      })),
    };
  }
  const status = failed.length === 0 ? 200 : stored.length ? 202 : 409;
  return { status, body };
}
