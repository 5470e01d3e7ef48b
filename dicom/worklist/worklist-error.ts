// The worklist store's expected failures. Callers map them to their protocol's answer once (the
// orders channel: HL7 AE with an ERR; later the FHIR facade: an OperationOutcome).

export const WORKLIST_FAILURES = {
  DICOM_WORKLIST_INVALID: 'the request cannot be stored as it is (an order without placer or filler order number, or without items)',
  DICOM_WORKLIST_ORDER_NOT_FOUND: 'no order has this placer or filler order number (or Study Instance UID)',
  DICOM_WORKLIST_ORDER_CONFLICT: 'the placer and the filler order numbers name two different orders',
  DICOM_WORKLIST_ORDER_CLOSED: 'the order is cancelled or discontinued and cannot be changed',
  DICOM_WORKLIST_STATUS_REFUSED: 'the status change is not possible from the current status (e.g. cancelling a completed procedure)',
  DICOM_WORKLIST_ITEM_NOT_FOUND: 'no worklist item has this id',
} as const;

export type WorklistErrorCode = keyof typeof WORKLIST_FAILURES;

export type WorklistError = { code: WorklistErrorCode; message: string };

export function worklistError(code: WorklistErrorCode, message: string): { ok: false; error: WorklistError } {
  return { ok: false, error: { code, message } };
}
