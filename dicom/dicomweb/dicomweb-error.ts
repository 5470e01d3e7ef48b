// Expected failures of the DICOMweb services (PS3.18), as values. Query syntax errors reuse the
// folder's DICOM_QUERY_INVALID; the HTTP edge (appliance/dicomweb-routes.ts) maps each code to
// its status once.
import type { DicomError } from '../dicom-error.ts';

export const DICOMWEB_ERRORS = {
  DICOM_STUDY_NOT_FOUND: 'No study with this Study Instance UID.',
  DICOM_SERIES_NOT_FOUND: 'No series with this Series Instance UID in the study.',
  DICOM_INSTANCE_NOT_FOUND: 'No instance with this SOP Instance UID in the series.',
  DICOM_NOT_ACCEPTABLE: 'None of the media types or transfer syntaxes the request accepts can be produced for this resource.',
  DICOM_MEDIA_TYPE_UNSUPPORTED: 'The request body is not multipart/related with application/dicom parts.',
  DICOM_BODY_INVALID: 'The request body is not a well-formed multipart/related message, or holds no part.',
  DICOM_FRAME_NOT_FOUND: 'A frame number is not in the instance (frames count from 1).',
  DICOM_BULKDATA_NOT_FOUND: 'The instance has no bulk data at this path.',
  DICOM_INSTANCE_UNAVAILABLE: 'The instance is indexed but its stored object cannot be read.',
} as const;

export type DicomwebErrorCode = keyof typeof DICOMWEB_ERRORS;

export type DicomwebError = { code: DicomwebErrorCode | DicomError['code']; message: string };

export function webError(code: DicomwebErrorCode, message: string): { ok: false; error: DicomwebError } {
  return { ok: false, error: { code, message } };
}
