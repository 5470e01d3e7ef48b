// A Modality Worklist item: one Scheduled Procedure Step with its Requested Procedure, Imaging
// Service Request, Visit and Patient context (standards-mappings.md 1.3), as DICOM keywords.
// Values are DICOM strings: PN as `family^given^middle^prefix^suffix`, DA `YYYYMMDD`, TM
// `HHMMSS[.F]`; a multi-valued attribute (ScheduledStationAETitle) is an array. An attribute that
// is absent was not sent; '' was sent as an explicit HL7 null (`""`). Whoever writes the item to
// the wire (the MWL C-FIND SCP) returns requested keys that are absent as zero-length.

export type CodeItem = {
  /** (0008,0100) SH: set when the code has at most 16 characters. */
  CodeValue?: string;
  /** (0008,0119) UC: set instead of CodeValue for longer codes (PS3.3 8.8). */
  LongCodeValue?: string;
  /** (0008,0102) SH. */
  CodingSchemeDesignator: string;
  /** (0008,0104) LO. */
  CodeMeaning: string;
};

/** An HL7 HD/EI issuer as a DICOM item: (0040,0031), (0040,0032), (0040,0033). */
export type IssuerItem = {
  LocalNamespaceEntityID?: string;
  UniversalEntityID?: string;
  UniversalEntityIDType?: string;
};

/** (0010,1002) OtherPatientIDsSequence item. */
export type OtherPatientId = {
  PatientID: string;
  IssuerOfPatientID?: string;
  TypeOfPatientID: 'TEXT';
};

/** One item of (0040,0100) ScheduledProcedureStepSequence. */
export type ScheduledProcedureStep = {
  Modality?: string;
  ScheduledStationAETitle?: string[];
  ScheduledStationName?: string;
  ScheduledProcedureStepLocation?: string;
  ScheduledProcedureStepStartDate?: string;
  ScheduledProcedureStepStartTime?: string;
  ScheduledPerformingPhysicianName?: string;
  ScheduledProcedureStepDescription?: string;
  ScheduledProtocolCodeSequence?: CodeItem[];
  ScheduledProcedureStepID?: string;
};

export type WorklistItem = {
  SpecificCharacterSet?: string;
  // Patient (PID)
  PatientName?: string;
  PatientID?: string;
  IssuerOfPatientID?: string;
  IssuerOfPatientIDQualifiersSequence?: IssuerItem[];
  OtherPatientIDsSequence?: OtherPatientId[];
  PatientBirthDate?: string;
  PatientSex?: string;
  // Visit (PV1, PID-18)
  ReferringPhysicianName?: string;
  AdmissionID?: string;
  IssuerOfAdmissionIDSequence?: IssuerItem[];
  PregnancyStatus?: number;
  // Order and requested procedure (ORC, OBR, ZDS, IPC, NTE)
  MedicalAlerts?: string;
  PatientState?: string;
  RequestingPhysician?: string;
  AccessionNumber?: string;
  IssuerOfAccessionNumberSequence?: IssuerItem[];
  PlacerOrderNumberImagingServiceRequest?: string;
  OrderPlacerIdentifierSequence?: IssuerItem[];
  FillerOrderNumberImagingServiceRequest?: string;
  OrderFillerIdentifierSequence?: IssuerItem[];
  RequestedProcedureID?: string;
  StudyInstanceUID?: string;
  RequestedProcedureDescription?: string;
  RequestedProcedureCodeSequence?: CodeItem[];
  ReasonForTheRequestedProcedure?: string;
  ReasonForRequestedProcedureCodeSequence?: CodeItem[];
  RequestedProcedurePriority?: string;
  PatientTransportArrangements?: string;
  RequestedProcedureComments?: string;
  ReferencedStudySequence?: never[];
  ReferencedPatientSequence?: never[];
  ScheduledProcedureStepSequence: [ScheduledProcedureStep];
};

export type WorklistItemKey = Exclude<keyof WorklistItem, 'ScheduledProcedureStepSequence'>;

/** Attributes that come from PID: an ADT updates them, an XO keeps them (1.4). */
export const PATIENT_KEYS = [
  'PatientName',
  'PatientID',
  'IssuerOfPatientID',
  'IssuerOfPatientIDQualifiersSequence',
  'OtherPatientIDsSequence',
  'PatientBirthDate',
  'PatientSex',
] as const satisfies readonly WorklistItemKey[];

/** Attributes that come from PV1 (and PID-18): an XO keeps them too (1.4). */
export const VISIT_KEYS = ['ReferringPhysicianName', 'AdmissionID', 'IssuerOfAdmissionIDSequence', 'PregnancyStatus'] as const satisfies readonly WorklistItemKey[];

/** Patient demographics as an ADT (or an order's PID) gives them. */
export type PatientDemographics = Pick<WorklistItem, (typeof PATIENT_KEYS)[number] | 'SpecificCharacterSet'> & { PatientID: string };

/**
 * Type 1 return keys a modality insists on (standards-mappings.md 1.3; DCMTK wlfsim.h) that the
 * item leaves empty, as keywords. An item with any is stored but not offered to modalities.
 */
export function missingType1Keys(item: WorklistItem): string[] {
  const sps = item.ScheduledProcedureStepSequence[0];
  const missing: string[] = [];
  const empty = (v: string | undefined) => v === undefined || v === '';
  if (empty(item.PatientName)) missing.push('PatientName');
  if (empty(item.PatientID)) missing.push('PatientID');
  if (empty(item.StudyInstanceUID)) missing.push('StudyInstanceUID');
  if (empty(item.RequestedProcedureID)) missing.push('RequestedProcedureID');
  if (empty(item.RequestedProcedureDescription) && !item.RequestedProcedureCodeSequence?.length) missing.push('RequestedProcedureDescription');
  if (!sps.ScheduledStationAETitle?.some((ae) => ae !== '')) missing.push('ScheduledStationAETitle');
  if (empty(sps.ScheduledProcedureStepStartDate)) missing.push('ScheduledProcedureStepStartDate');
  if (empty(sps.ScheduledProcedureStepStartTime)) missing.push('ScheduledProcedureStepStartTime');
  if (empty(sps.Modality)) missing.push('Modality');
  if (empty(sps.ScheduledProcedureStepDescription) && !sps.ScheduledProtocolCodeSequence?.length) missing.push('ScheduledProcedureStepDescription');
  if (empty(sps.ScheduledProcedureStepID)) missing.push('ScheduledProcedureStepID');
  return missing;
}

/**
 * The Specific Character Set for an item that mixes text from two sources: the same set stays,
 * the default repertoire (undefined) gives way to the other, and two different sets become
 * UTF-8 (`ISO_IR 192`), which can hold both once the text is decoded.
 */
export function combineCharsets(a: string | undefined, b: string | undefined): string | undefined {
  if (a === b) return a;
  if (a === undefined || a === '') return b;
  if (b === undefined || b === '') return a;
  return 'ISO_IR 192';
}

/**
 * `base` with `changes` laid over it, step and all: an attribute absent from `changes` keeps its
 * value, '' clears it (HL7 `""`), a sequence present replaces the stored one. `keep` names
 * top-level attributes that stay as in `base` whatever `changes` says.
 */
export function mergeWorklistItem(base: WorklistItem, changes: WorklistItem, keep: readonly WorklistItemKey[] = []): WorklistItem {
  const merged: WorklistItem = { ...base, ScheduledProcedureStepSequence: [{ ...base.ScheduledProcedureStepSequence[0] }] };
  for (const [key, value] of Object.entries(changes) as [keyof WorklistItem, unknown][]) {
    if (key === 'ScheduledProcedureStepSequence' || value === undefined) continue;
    if ((keep as readonly string[]).includes(key)) continue;
    Object.assign(merged, { [key]: value });
  }
  for (const [key, value] of Object.entries(changes.ScheduledProcedureStepSequence[0])) {
    if (value !== undefined) Object.assign(merged.ScheduledProcedureStepSequence[0], { [key]: value });
  }
  // Text from both may remain, so the character set must cover both.
  const charset = combineCharsets(base.SpecificCharacterSet, changes.SpecificCharacterSet);
  if (charset === undefined) delete merged.SpecificCharacterSet;
  else merged.SpecificCharacterSet = charset;
  return merged;
}

/** Deep equality of two JSON values (key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
