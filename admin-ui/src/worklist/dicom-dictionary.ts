// The DICOM attributes a worklist item carries (PS3.6 tags and VRs, taken from dcmjs's
// dictionary), so the item's page can show each one as "(0010,0010) Patient Name".

type Entry = readonly [tag: string, vr: string];

const DICTIONARY: Record<string, Entry> = {
  SpecificCharacterSet: ['0008,0005', 'CS'],
  PatientName: ['0010,0010', 'PN'],
  PatientID: ['0010,0020', 'LO'],
  IssuerOfPatientID: ['0010,0021', 'LO'],
  TypeOfPatientID: ['0010,0022', 'CS'],
  IssuerOfPatientIDQualifiersSequence: ['0010,0024', 'SQ'],
  PatientBirthDate: ['0010,0030', 'DA'],
  PatientSex: ['0010,0040', 'CS'],
  OtherPatientIDsSequence: ['0010,1002', 'SQ'],
  PatientSize: ['0010,1020', 'DS'],
  PatientWeight: ['0010,1030', 'DS'],
  MedicalAlerts: ['0010,2000', 'LO'],
  PregnancyStatus: ['0010,21C0', 'US'],
  ReferringPhysicianName: ['0008,0090', 'PN'],
  AccessionNumber: ['0008,0050', 'SH'],
  IssuerOfAccessionNumberSequence: ['0008,0051', 'SQ'],
  Modality: ['0008,0060', 'CS'],
  CodeValue: ['0008,0100', 'SH'],
  CodingSchemeDesignator: ['0008,0102', 'SH'],
  CodeMeaning: ['0008,0104', 'LO'],
  LongCodeValue: ['0008,0119', 'UC'],
  ReferencedStudySequence: ['0008,1110', 'SQ'],
  ReferencedPatientSequence: ['0008,1120', 'SQ'],
  ReferencedSOPClassUID: ['0008,1150', 'UI'],
  ReferencedSOPInstanceUID: ['0008,1155', 'UI'],
  StudyInstanceUID: ['0020,000D', 'UI'],
  RequestingPhysician: ['0032,1032', 'PN'],
  RequestedProcedureDescription: ['0032,1060', 'LO'],
  RequestedProcedureCodeSequence: ['0032,1064', 'SQ'],
  AdmissionID: ['0038,0010', 'LO'],
  IssuerOfAdmissionIDSequence: ['0038,0014', 'SQ'],
  CurrentPatientLocation: ['0038,0300', 'LO'],
  PatientState: ['0038,0500', 'LO'],
  ScheduledStationAETitle: ['0040,0001', 'AE'],
  ScheduledProcedureStepStartDate: ['0040,0002', 'DA'],
  ScheduledProcedureStepStartTime: ['0040,0003', 'TM'],
  ScheduledProcedureStepEndDate: ['0040,0004', 'DA'],
  ScheduledProcedureStepEndTime: ['0040,0005', 'TM'],
  ScheduledPerformingPhysicianName: ['0040,0006', 'PN'],
  ScheduledProcedureStepDescription: ['0040,0007', 'LO'],
  ScheduledProtocolCodeSequence: ['0040,0008', 'SQ'],
  ScheduledProcedureStepID: ['0040,0009', 'SH'],
  ScheduledStationName: ['0040,0010', 'SH'],
  ScheduledProcedureStepLocation: ['0040,0011', 'SH'],
  ScheduledProcedureStepStatus: ['0040,0020', 'CS'],
  OrderPlacerIdentifierSequence: ['0040,0026', 'SQ'],
  OrderFillerIdentifierSequence: ['0040,0027', 'SQ'],
  LocalNamespaceEntityID: ['0040,0031', 'UT'],
  UniversalEntityID: ['0040,0032', 'UT'],
  UniversalEntityIDType: ['0040,0033', 'CS'],
  ScheduledProcedureStepSequence: ['0040,0100', 'SQ'],
  RequestedProcedureID: ['0040,1001', 'SH'],
  ReasonForTheRequestedProcedure: ['0040,1002', 'LO'],
  RequestedProcedurePriority: ['0040,1003', 'SH'],
  PatientTransportArrangements: ['0040,1004', 'LO'],
  ReasonForRequestedProcedureCodeSequence: ['0040,100A', 'SQ'],
  RequestedProcedureComments: ['0040,1400', 'LT'],
  PlacerOrderNumberImagingServiceRequest: ['0040,2016', 'LO'],
  FillerOrderNumberImagingServiceRequest: ['0040,2017', 'LO'],
  ConfidentialityConstraintOnPatientDataDescription: ['0040,3001', 'LO'],
};

/** `(gggg,eeee)`, or '' for a keyword this table does not have. */
export function tagOf(keyword: string): string {
  const e = DICTIONARY[keyword];
  return e ? `(${e[0]})` : '';
}

export function vrOf(keyword: string): string | undefined {
  return DICTIONARY[keyword]?.[1];
}

/** Sorts keywords by tag, as DICOM orders a data set; unknown keywords last, by name. */
export function byTag(a: string, b: string): number {
  const ta = DICTIONARY[a]?.[0] ?? `~${a}`;
  const tb = DICTIONARY[b]?.[0] ?? `~${b}`;
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

const SMALL_WORDS = new Set(['Of', 'The', 'For', 'On']);

/** A keyword as words: `ScheduledStationAETitle` -> "Scheduled Station AE Title", `IssuerOfPatientID` -> "Issuer of Patient ID". */
export function keywordLabel(keyword: string): string {
  const words = keyword
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(' ');
  return words.map((w, i) => (i > 0 && SMALL_WORDS.has(w) ? w.toLowerCase() : w)).join(' ');
}
