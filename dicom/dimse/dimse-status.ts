// DIMSE status codes (PS3.7 C, PS3.4 B.2.3 and C.4.1.1.4) and the one table that maps the
// folder's error codes to them.
import type { DicomErrorCode } from '../dicom-error.ts';

export const DimseStatus = {
  Success: 0x0000,
  Pending: 0xff00,
  Cancel: 0xfe00,
  ProcessingFailure: 0x0110,
  SopClassNotSupported: 0x0122,
  OutOfResources: 0xa700,
  OutOfResourcesIndex: 0xa701,
  DataSetDoesNotMatchSopClass: 0xa900,
  CannotUnderstand: 0xc000,
  CannotUnderstandTruncated: 0xc001,
  CannotUnderstandMissingAttribute: 0xc002,
} as const;

/** The status answered for each expected failure, on C-STORE and C-FIND. */
export const DIMSE_STATUS_FOR: Record<DicomErrorCode, number> = {
  DICOM_INVALID_DATASET: DimseStatus.CannotUnderstand,
  DICOM_TRUNCATED: DimseStatus.CannotUnderstandTruncated,
  DICOM_MISSING_ATTRIBUTE: DimseStatus.CannotUnderstandMissingAttribute,
  DICOM_UID_MISMATCH: DimseStatus.DataSetDoesNotMatchSopClass,
  DICOM_TOO_LARGE: DimseStatus.OutOfResources,
  DICOM_STORAGE_FAILED: DimseStatus.OutOfResources,
  DICOM_INDEX_FAILED: DimseStatus.OutOfResourcesIndex,
  DICOM_QUERY_INVALID: DimseStatus.DataSetDoesNotMatchSopClass,
};

/** Error Comment (0000,0902) is an LO: 64 characters at most. */
export function errorComment(message: string): string {
  const ascii = message.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length <= 64 ? ascii : `${ascii.slice(0, 61)}...`;
}
