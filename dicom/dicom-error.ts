// Expected failures of the DICOM folder, as values. Each protocol edge maps these codes once:
// DIMSE statuses in dimse/dimse-status.ts, HTTP statuses in appliance/http/error-codes.ts.
export const DICOM_ERRORS = {
  DICOM_INVALID_DATASET: 'The data set cannot be parsed (bad element structure, bad VR, undecodable).',
  DICOM_TRUNCATED: 'The data set ends in the middle of an element.',
  DICOM_MISSING_ATTRIBUTE: 'A required attribute (a UID, usually) is missing or empty.',
  DICOM_UID_MISMATCH: 'The data set does not match the SOP Class or Instance UID of its C-STORE command.',
  DICOM_TOO_LARGE: 'The object is larger than the archive accepts.',
  DICOM_STORAGE_FAILED: 'The object could not be written to the storage tier.',
  DICOM_INDEX_FAILED: 'The object could not be recorded in the study index.',
  DICOM_QUERY_INVALID: 'The query cannot be understood (unknown level, bad range, wrong information model).',
} as const;

export type DicomErrorCode = keyof typeof DICOM_ERRORS;

export type DicomError = { code: DicomErrorCode; message: string };

export function dicomError(code: DicomErrorCode, message: string): { ok: false; error: DicomError } {
  return { ok: false, error: { code, message } };
}
