// The attributes of a Modality Worklist item (worklist-item.ts) as the MWL C-FIND SCP knows them:
// tag, VR, how a key on it matches (PS3.4 C.2.2.2, K.6), and for the few with a column of
// worklist_items (appliance/migrations/0004-worklist.sql) that column, so SQL can narrow the
// search. One table read by the identifier parser, the SQL builder, the in-memory matcher and
// the response builder. Sequences list the attributes of their items.

/** text: exact (AE, CS, SH, LO, UT, LT; wildcards allowed); pn: any case; date/time: ranges; uid: lists; none: returned, never matched. */
export type MwlMatchKind = 'text' | 'pn' | 'date' | 'time' | 'uid' | 'none' | 'sequence';

export type MwlAttribute = {
  keyword: string;
  /** 8 upper-case hex digits, as DICOM JSON keys them. */
  tag: string;
  vr: string;
  kind: MwlMatchKind;
  /** The worklist_items column holding the value (item level and the step only). */
  column?: string;
  /** Sequences: the attributes of an item. */
  items?: readonly MwlAttribute[];
};

const A = (keyword: string, tag: string, vr: string, kind: MwlMatchKind, column?: string): MwlAttribute => ({ keyword, tag, vr, kind, ...(column ? { column } : {}) });
const SQ = (keyword: string, tag: string, items: readonly MwlAttribute[]): MwlAttribute => ({ keyword, tag, vr: 'SQ', kind: 'sequence', items });

/** (0008,0100) and friends: a code sequence item (CodeItem). */
const CODE_ITEM: readonly MwlAttribute[] = [
  A('CodeValue', '00080100', 'SH', 'text'),
  A('CodingSchemeDesignator', '00080102', 'SH', 'text'),
  A('CodingSchemeVersion', '00080103', 'SH', 'text'),
  A('CodeMeaning', '00080104', 'LO', 'text'),
  A('LongCodeValue', '00080119', 'UC', 'text'),
];

/** An HL7 HD/EI issuer as a DICOM item (IssuerItem). */
const ISSUER_ITEM: readonly MwlAttribute[] = [
  A('LocalNamespaceEntityID', '00400031', 'UT', 'text'),
  A('UniversalEntityID', '00400032', 'UT', 'text'),
  A('UniversalEntityIDType', '00400033', 'CS', 'text'),
];

const REFERENCE_ITEM: readonly MwlAttribute[] = [A('ReferencedSOPClassUID', '00081150', 'UI', 'uid'), A('ReferencedSOPInstanceUID', '00081155', 'UI', 'uid')];

/** (0040,0100) ScheduledProcedureStepSequence item. ScheduledProcedureStepStatus comes from the item's status column. */
export const SPS_ATTRIBUTES: readonly MwlAttribute[] = [
  A('Modality', '00080060', 'CS', 'text', 'modality'),
  A('RequestedContrastAgent', '00321070', 'LO', 'text'),
  A('ScheduledStationAETitle', '00400001', 'AE', 'text', 'station_ae_titles'),
  A('ScheduledProcedureStepStartDate', '00400002', 'DA', 'date', 'scheduled_date'),
  A('ScheduledProcedureStepStartTime', '00400003', 'TM', 'time', 'scheduled_time'),
  A('ScheduledPerformingPhysicianName', '00400006', 'PN', 'pn'),
  A('ScheduledProcedureStepDescription', '00400007', 'LO', 'text'),
  SQ('ScheduledProtocolCodeSequence', '00400008', CODE_ITEM),
  A('ScheduledProcedureStepID', '00400009', 'SH', 'text', 'sps_id'),
  A('ScheduledStationName', '00400010', 'SH', 'text'),
  A('ScheduledProcedureStepLocation', '00400011', 'SH', 'text'),
  A('PreMedication', '00400012', 'LO', 'text'),
  A('ScheduledProcedureStepStatus', '00400020', 'CS', 'text'),
  A('CommentsOnTheScheduledProcedureStep', '00400400', 'LT', 'text'),
];

export const SPS_SEQUENCE_TAG = '00400100';

/** The item level: patient, visit, imaging service request and requested procedure (PS3.4 Table K.6-1). */
export const MWL_ATTRIBUTES: readonly MwlAttribute[] = [
  A('AccessionNumber', '00080050', 'SH', 'text', 'accession_number'),
  SQ('IssuerOfAccessionNumberSequence', '00080051', ISSUER_ITEM),
  A('ReferringPhysicianName', '00080090', 'PN', 'pn'),
  SQ('ReferencedStudySequence', '00081110', REFERENCE_ITEM),
  SQ('ReferencedPatientSequence', '00081120', REFERENCE_ITEM),
  A('PatientName', '00100010', 'PN', 'pn', 'patient_name'),
  A('PatientID', '00100020', 'LO', 'text', 'patient_id'),
  A('IssuerOfPatientID', '00100021', 'LO', 'text', 'issuer_of_patient_id'),
  SQ('IssuerOfPatientIDQualifiersSequence', '00100024', ISSUER_ITEM),
  A('PatientBirthDate', '00100030', 'DA', 'date'),
  A('PatientSex', '00100040', 'CS', 'text'),
  SQ('OtherPatientIDsSequence', '00101002', [A('PatientID', '00100020', 'LO', 'text'), A('IssuerOfPatientID', '00100021', 'LO', 'text'), A('TypeOfPatientID', '00100022', 'CS', 'text')]),
  A('MedicalAlerts', '00102000', 'LO', 'text'),
  A('PregnancyStatus', '001021C0', 'US', 'none'),
  A('StudyInstanceUID', '0020000D', 'UI', 'uid', 'study_instance_uid'),
  A('RequestingPhysician', '00321032', 'PN', 'pn'),
  A('RequestedProcedureDescription', '00321060', 'LO', 'text'),
  SQ('RequestedProcedureCodeSequence', '00321064', CODE_ITEM),
  A('AdmissionID', '00380010', 'LO', 'text'),
  SQ('IssuerOfAdmissionIDSequence', '00380014', ISSUER_ITEM),
  A('PatientState', '00380500', 'LO', 'text'),
  SQ('OrderPlacerIdentifierSequence', '00400026', ISSUER_ITEM),
  SQ('OrderFillerIdentifierSequence', '00400027', ISSUER_ITEM),
  SQ('ScheduledProcedureStepSequence', SPS_SEQUENCE_TAG, SPS_ATTRIBUTES),
  A('RequestedProcedureID', '00401001', 'SH', 'text', 'requested_procedure_id'),
  A('ReasonForTheRequestedProcedure', '00401002', 'LO', 'text'),
  A('RequestedProcedurePriority', '00401003', 'SH', 'text'),
  A('PatientTransportArrangements', '00401004', 'LO', 'text'),
  SQ('ReasonForRequestedProcedureCodeSequence', '0040100A', CODE_ITEM),
  A('RequestedProcedureComments', '00401400', 'LT', 'text'),
  A('PlacerOrderNumberImagingServiceRequest', '00402016', 'LO', 'text'),
  A('FillerOrderNumberImagingServiceRequest', '00402017', 'LO', 'text'),
];

const BY_TAG = new WeakMap<readonly MwlAttribute[], ReadonlyMap<string, MwlAttribute>>();
const BY_KEYWORD = new WeakMap<readonly MwlAttribute[], ReadonlyMap<string, MwlAttribute>>();

/** The attributes of one level (the item, or the items of a sequence) by tag. */
export function attributesByTag(attributes: readonly MwlAttribute[]): ReadonlyMap<string, MwlAttribute> {
  let map = BY_TAG.get(attributes);
  if (!map) {
    map = new Map(attributes.map((a) => [a.tag, a]));
    BY_TAG.set(attributes, map);
  }
  return map;
}

/** The same by keyword. */
export function attributesByKeyword(attributes: readonly MwlAttribute[]): ReadonlyMap<string, MwlAttribute> {
  let map = BY_KEYWORD.get(attributes);
  if (!map) {
    map = new Map(attributes.map((a) => [a.keyword, a]));
    BY_KEYWORD.set(attributes, map);
  }
  return map;
}
