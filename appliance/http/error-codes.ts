// The one table that maps expected-failure codes to HTTP statuses at the /api edge.
// error-codes.test.ts fails when code in the source returns a code missing here.
export const HTTP_ERRORS = {
  REQUEST_INVALID: { status: 400, description: 'The request body, query or path parameters are not valid; the message says which.' },
  AUTH_REQUIRED: { status: 401, description: 'No credentials were sent: log in, or send HTTP Basic or a bearer token.' },
  AUTH_INVALID: { status: 401, description: 'The credentials are wrong, expired, or belong to a disabled user.' },
  AUTH_FORBIDDEN: { status: 403, description: "The user's role may not do this." },
  AUTH_RATE_LIMITED: { status: 429, description: 'Too many failed logins for this user from this address; wait and retry.' },
  NOT_FOUND: { status: 404, description: 'No such path or record.' },
  USER_NOT_FOUND: { status: 404, description: 'No user with this id.' },
  USER_EXISTS: { status: 409, description: 'A user with this name exists already.' },
  USER_LAST_ADMIN: { status: 409, description: 'The change would leave no enabled admin.' },
  TOKEN_NOT_FOUND: { status: 404, description: 'No API token with this id belongs to the user.' },
  CHANNEL_INVALID: { status: 400, description: 'The channel definition is not valid; the message names the field.' },
  CHANNEL_NOT_FOUND: { status: 404, description: 'No channel with this id.' },
  CHANNEL_EXISTS: { status: 409, description: 'A channel with this id exists already; use PUT to change it.' },
  CHANNEL_NOT_RUNNING: { status: 409, description: 'The channel is paused or stopped, so it does not accept messages.' },
  CHANNEL_START_FAILED: { status: 409, description: 'The channel was saved but could not start here (port in use, missing handler); the log says why.' },
  MESSAGE_NOT_FOUND: { status: 404, description: 'No message with this id.' },
  ALERT_NOT_FOUND: { status: 404, description: 'No alert with this id.' },
  DICOM_QUERY_INVALID: { status: 400, description: 'A study, series or instance filter is not valid (unknown filter, bad date or UID); the message says which.' },
  DICOM_STUDY_NOT_FOUND: { status: 404, description: 'No study with this Study Instance UID.' },
  DICOM_SERIES_NOT_FOUND: { status: 404, description: 'No series with this Series Instance UID.' },
  DICOM_INSTANCE_NOT_FOUND: { status: 404, description: 'No instance with this SOP Instance UID.' },
  DICOM_NOT_ACCEPTABLE: { status: 406, description: 'DICOMweb: none of the media types or transfer syntaxes accepted can be produced (instances and frames are returned as stored: accept transfer-syntax=*).' },
  DICOM_MEDIA_TYPE_UNSUPPORTED: { status: 415, description: 'STOW-RS: the body must be multipart/related; type="application/dicom" (Part 10 files).' },
  DICOM_BODY_INVALID: { status: 400, description: 'STOW-RS: the body is not a well-formed multipart/related message, or holds no part.' },
  DICOM_FRAME_NOT_FOUND: { status: 404, description: 'DICOMweb: a frame number is not in the instance (frames count from 1), or the instance has no pixel data.' },
  DICOM_BULKDATA_NOT_FOUND: { status: 404, description: 'DICOMweb: the instance has no bulk data at this path.' },
  DICOM_INSTANCE_UNAVAILABLE: { status: 503, description: 'DICOMweb: the instance is indexed but its stored object cannot be read now (storage tier offline or object missing); the log has details.' },
  WORKLIST_ITEM_NOT_FOUND: { status: 404, description: 'No worklist item with this id.' },
  PEER_NOT_FOUND: { status: 404, description: 'No DICOM peer with this id.' },
  PEER_EXISTS: { status: 409, description: 'Another DICOM peer has this AE title.' },
  REPORT_NOT_FOUND: { status: 404, description: 'No report with this id (referrers see signed reports only).' },
  REPORT_EXISTS: { status: 409, description: 'The study has a report already (the message names it); change that one.' },
  REPORT_CONFLICT: { status: 409, description: 'The report was changed meanwhile (its revision is not the one the change was made to); reload it.' },
  REPORT_STATUS_INVALID: { status: 409, description: 'The report cannot take this status or change (a final report is corrected only by amending it).' },
  REPORT_NOT_RELEASED: { status: 503, description: 'The results channel did not take the report (paused, stopped or failing), so it was not signed; the message says why.' },
  FHIR_INVALID: { status: 400, description: '/fhir/R4: not a valid FHIR R4 resource or Bundle (structure, JSON type, required element, code); the OperationOutcome lists each problem.' },
  FHIR_UNPROCESSABLE: { status: 422, description: '/fhir/R4: valid FHIR the worklist cannot take (no ACSN identifier, no modality, an unresolved subject); the OperationOutcome says which element.' },
  FHIR_NOT_FOUND: { status: 404, description: '/fhir/R4: no resource with this type and id, or a resource type not served here.' },
  FHIR_CONFLICT: { status: 409, description: "/fhir/R4: the request conflicts with the order's or patient's state (a cancelled order, identifiers that belong to another resource)." },
  FHIR_NOT_SUPPORTED: { status: 405, description: '/fhir/R4: an interaction not supported on this resource type (GET metadata lists what is).' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The request body is larger than the server accepts.' },
  INTERNAL: { status: 500, description: 'An unexpected error; the server log has the details under the request id.' },
} as const satisfies Record<string, { status: number; description: string }>;

export type HttpErrorCode = keyof typeof HTTP_ERRORS;

export function statusForError(code: string): number {
  return (HTTP_ERRORS as Record<string, { status: number }>)[code]?.status ?? 500;
}

export function errorBody(code: string, message: string): { code: string; message: string } {
  return { code, message };
}
