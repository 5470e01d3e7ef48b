// What an MPPS N-CREATE or N-SET says, as a plain value (standards-mappings.md 4.1): the checks
// PS3.4 F.7.2 asks of the SCP that need nothing but the request, and the attributes the worklist
// and the ordering system's status message use. Pure: no I/O, no clock.
import { firstText } from '../dicom-json.ts';
import type { DicomJson, DicomJsonValue } from '../dicom-json.ts';

export const PPS_STATUSES = ['IN PROGRESS', 'COMPLETED', 'DISCONTINUED'] as const;
/** (0040,0252) PerformedProcedureStepStatus, enumerated values (PS3.3 C.4.14). */
export type PerformedStepStatus = (typeof PPS_STATUSES)[number];

export function isFinalStepStatus(status: PerformedStepStatus): boolean {
  return status === 'COMPLETED' || status === 'DISCONTINUED';
}

/** One item of (0040,0270) ScheduledStepAttributesSequence: the worklist step performed ('' when unscheduled). */
export type ScheduledStepRef = {
  studyInstanceUid: string;
  accessionNumber: string;
  requestedProcedureId: string;
  scheduledProcedureStepId: string;
  requestedProcedureDescription: string;
  scheduledProcedureStepDescription: string;
};

export type CodedValue = { codeValue: string; codingSchemeDesignator: string; codeMeaning: string };

export type MppsEvent = {
  kind: 'create' | 'set';
  sopInstanceUid: string;
  callingAeTitle: string;
  /** N-CREATE: always IN PROGRESS. N-SET: the status sent, absent when the N-SET leaves it as it is. */
  status?: PerformedStepStatus | undefined;
  performedProcedureStepId: string;
  performedStationAeTitle: string;
  modality: string;
  patientId: string;
  issuerOfPatientId: string;
  patientName: string;
  /** (0040,0244)/(0040,0245) DA and TM as sent. */
  startDate: string;
  startTime: string;
  /** (0040,0250)/(0040,0251), set by the final N-SET. */
  endDate: string;
  endTime: string;
  description: string;
  /** N-CREATE only (the attribute may not be set by N-SET): what the modality performed from the worklist. */
  scheduledSteps: ScheduledStepRef[];
  /** (0040,0281) first item, with DISCONTINUED. */
  discontinuationReason?: CodedValue | undefined;
  /** (0040,0340) PerformedSeriesSequence: how many series and referenced images were reported. */
  performedSeries: number;
  performedImages: number;
  /** The request's data set, as DICOM JSON. */
  dataset: DicomJson;
};

export const MPPS_REQUEST_FAILURES = {
  DICOM_MPPS_INVALID_VALUE: 'an attribute has a value the SOP class does not allow (N-CREATE not IN PROGRESS, an unknown status)',
  DICOM_MPPS_MISSING_ATTRIBUTE: 'an attribute the N-CREATE must carry is absent',
  DICOM_MPPS_MISSING_VALUE: 'an attribute the N-CREATE must carry with a value is empty',
  DICOM_MPPS_INVALID_INSTANCE: 'the SOP Instance UID of the request is not a valid UID',
} as const;

export type MppsRequestErrorCode = keyof typeof MPPS_REQUEST_FAILURES;
export type MppsRequestError = { code: MppsRequestErrorCode; message: string };

export const Tag = {
  SpecificCharacterSet: '00080005',
  AccessionNumber: '00080050',
  Modality: '00080060',
  CodeValue: '00080100',
  CodingSchemeDesignator: '00080102',
  CodeMeaning: '00080104',
  ReferencedImageSequence: '00081140',
  PatientName: '00100010',
  PatientID: '00100020',
  IssuerOfPatientID: '00100021',
  StudyInstanceUID: '0020000D',
  RequestedProcedureDescription: '00321060',
  ScheduledProcedureStepDescription: '00400007',
  ScheduledProcedureStepID: '00400009',
  PerformedStationAETitle: '00400241',
  PerformedProcedureStepStartDate: '00400244',
  PerformedProcedureStepStartTime: '00400245',
  PerformedProcedureStepEndDate: '00400250',
  PerformedProcedureStepEndTime: '00400251',
  PerformedProcedureStepStatus: '00400252',
  PerformedProcedureStepID: '00400253',
  PerformedProcedureStepDescription: '00400254',
  ScheduledStepAttributesSequence: '00400270',
  PerformedProcedureStepDiscontinuationReasonCodeSequence: '00400281',
  PerformedSeriesSequence: '00400340',
  RequestedProcedureID: '00401001',
} as const;

/** Keywords for messages, by tag. */
const KEYWORD: Record<string, string> = Object.fromEntries(Object.entries(Tag).map(([k, v]) => [v, k]));

/**
 * Attributes PS3.4 Table F.7.2-1 marks Type 1 for the N-CREATE SCU (present, with a value).
 * The scheduled step's StudyInstanceUID is checked per item.
 */
const CREATE_TYPE1 = [
  Tag.PerformedProcedureStepID,
  Tag.PerformedStationAETitle,
  Tag.PerformedProcedureStepStartDate,
  Tag.PerformedProcedureStepStartTime,
  Tag.Modality,
] as const;

/** PS3.5 9.1: digits and dots, at most 64 characters (leading zeros, which some devices send, are tolerated). */
export function isValidUid(uid: string): boolean {
  return uid.length <= 64 && /^[0-9]+(\.[0-9]+)+$/.test(uid);
}

function invalid(code: MppsRequestErrorCode, message: string): { ok: false; error: MppsRequestError } {
  return { ok: false, error: { code, message } };
}

function items(ds: DicomJson, tag: string): DicomJson[] {
  return (ds[tag]?.Value ?? []).filter((v: DicomJsonValue): v is DicomJson => typeof v === 'object' && v !== null && !('Alphabetic' in v));
}

function statusOf(ds: DicomJson): { present: boolean; value: string } {
  return { present: Tag.PerformedProcedureStepStatus in ds, value: firstText(ds, Tag.PerformedProcedureStepStatus).toUpperCase() };
}

function scheduledSteps(ds: DicomJson): ScheduledStepRef[] {
  return items(ds, Tag.ScheduledStepAttributesSequence).map((it) => ({
    studyInstanceUid: firstText(it, Tag.StudyInstanceUID),
    accessionNumber: firstText(it, Tag.AccessionNumber),
    requestedProcedureId: firstText(it, Tag.RequestedProcedureID),
    scheduledProcedureStepId: firstText(it, Tag.ScheduledProcedureStepID),
    requestedProcedureDescription: firstText(it, Tag.RequestedProcedureDescription),
    scheduledProcedureStepDescription: firstText(it, Tag.ScheduledProcedureStepDescription),
  }));
}

function eventFrom(kind: 'create' | 'set', ds: DicomJson, ids: { sopInstanceUid: string; callingAeTitle: string }, status: PerformedStepStatus | undefined): MppsEvent {
  const reason = items(ds, Tag.PerformedProcedureStepDiscontinuationReasonCodeSequence)[0];
  const series = items(ds, Tag.PerformedSeriesSequence);
  return {
    kind,
    sopInstanceUid: ids.sopInstanceUid,
    callingAeTitle: ids.callingAeTitle,
    ...(status ? { status } : {}),
    performedProcedureStepId: firstText(ds, Tag.PerformedProcedureStepID),
    performedStationAeTitle: firstText(ds, Tag.PerformedStationAETitle),
    modality: firstText(ds, Tag.Modality),
    patientId: firstText(ds, Tag.PatientID),
    issuerOfPatientId: firstText(ds, Tag.IssuerOfPatientID),
    patientName: firstText(ds, Tag.PatientName),
    startDate: firstText(ds, Tag.PerformedProcedureStepStartDate),
    startTime: firstText(ds, Tag.PerformedProcedureStepStartTime),
    endDate: firstText(ds, Tag.PerformedProcedureStepEndDate),
    endTime: firstText(ds, Tag.PerformedProcedureStepEndTime),
    description: firstText(ds, Tag.PerformedProcedureStepDescription),
    scheduledSteps: kind === 'create' ? scheduledSteps(ds) : [],
    ...(reason
      ? {
          discontinuationReason: {
            codeValue: firstText(reason, Tag.CodeValue),
            codingSchemeDesignator: firstText(reason, Tag.CodingSchemeDesignator),
            codeMeaning: firstText(reason, Tag.CodeMeaning),
          },
        }
      : {}),
    performedSeries: series.length,
    performedImages: series.reduce((n, s) => n + items(s, Tag.ReferencedImageSequence).length, 0),
    dataset: ds,
  };
}

/**
 * An N-CREATE as an event, or why it is refused: the status must be IN PROGRESS (PS3.4 F.7.2.1.3:
 * "Invalid attribute value", 0106), and the Type 1 attributes must be there with a value.
 */
export function mppsCreateEvent(ds: DicomJson, ids: { sopInstanceUid: string; callingAeTitle: string }): { ok: true; value: MppsEvent } | { ok: false; error: MppsRequestError } {
  const status = statusOf(ds);
  if (!status.present) return invalid('DICOM_MPPS_MISSING_ATTRIBUTE', 'PerformedProcedureStepStatus (0040,0252) is missing');
  if (status.value !== 'IN PROGRESS') {
    return invalid('DICOM_MPPS_INVALID_VALUE', `N-CREATE with PerformedProcedureStepStatus ${JSON.stringify(status.value)}: must be IN PROGRESS`);
  }
  for (const tag of CREATE_TYPE1) {
    if (!(tag in ds)) return invalid('DICOM_MPPS_MISSING_ATTRIBUTE', `${KEYWORD[tag]} (${tag.slice(0, 4)},${tag.slice(4)}) is missing`);
    if (firstText(ds, tag) === '') return invalid('DICOM_MPPS_MISSING_VALUE', `${KEYWORD[tag]} (${tag.slice(0, 4)},${tag.slice(4)}) is empty`);
  }
  if (!(Tag.ScheduledStepAttributesSequence in ds)) return invalid('DICOM_MPPS_MISSING_ATTRIBUTE', 'ScheduledStepAttributesSequence (0040,0270) is missing');
  const steps = items(ds, Tag.ScheduledStepAttributesSequence);
  if (steps.length === 0) return invalid('DICOM_MPPS_MISSING_VALUE', 'ScheduledStepAttributesSequence (0040,0270) has no item');
  if (steps.some((s) => firstText(s, Tag.StudyInstanceUID) === '')) {
    return invalid('DICOM_MPPS_MISSING_VALUE', 'ScheduledStepAttributesSequence (0040,0270) > StudyInstanceUID (0020,000D) is empty');
  }
  return { ok: true, value: eventFrom('create', ds, ids, 'IN PROGRESS') };
}

/**
 * An N-SET as an event: a status, when sent, must be one of the enumerated values (IN PROGRESS
 * keeps the step running; COMPLETED and DISCONTINUED end it). Whether the instance exists and
 * may still be updated is the store's decision.
 */
export function mppsSetEvent(ds: DicomJson, ids: { sopInstanceUid: string; callingAeTitle: string }): { ok: true; value: MppsEvent } | { ok: false; error: MppsRequestError } {
  const status = statusOf(ds);
  let value: PerformedStepStatus | undefined;
  // A zero-length status is taken as not sent.
  if (status.present && status.value !== '') {
    value = PPS_STATUSES.find((s) => s === status.value);
    if (!value) return invalid('DICOM_MPPS_INVALID_VALUE', `N-SET with PerformedProcedureStepStatus ${JSON.stringify(status.value)}: must be IN PROGRESS, COMPLETED or DISCONTINUED`);
  }
  return { ok: true, value: eventFrom('set', ds, ids, value) };
}
