// The Modality Worklist as the FHIR mappings see it: an item is one Scheduled Procedure Step with
// its order, requested procedure and patient, as DICOM keywords (PN `family^given^middle^prefix^
// suffix`, DA `YYYYMMDD`, TM `HHMMSS`). Declared here by their user (fhir/ does not import dicom/);
// dicom's WorklistItem, OrderInput and PatientDemographics have the same shape, so the channel
// passes these values straight to the worklist store, and hands its rows back the same way.

export type MwlCode = { CodeValue?: string; LongCodeValue?: string; CodingSchemeDesignator: string; CodeMeaning: string };
export type MwlIssuer = { LocalNamespaceEntityID?: string; UniversalEntityID?: string; UniversalEntityIDType?: string };
export type MwlOtherPatientId = { PatientID: string; IssuerOfPatientID?: string; TypeOfPatientID: 'TEXT' };

export type MwlStep = {
  Modality?: string;
  ScheduledStationAETitle?: string[];
  ScheduledStationName?: string;
  ScheduledProcedureStepLocation?: string;
  ScheduledProcedureStepStartDate?: string;
  ScheduledProcedureStepStartTime?: string;
  ScheduledPerformingPhysicianName?: string;
  ScheduledProcedureStepDescription?: string;
  ScheduledProtocolCodeSequence?: MwlCode[];
  ScheduledProcedureStepID?: string;
};

export type MwlPatient = {
  SpecificCharacterSet?: string;
  PatientName?: string;
  PatientID: string;
  IssuerOfPatientID?: string;
  IssuerOfPatientIDQualifiersSequence?: MwlIssuer[];
  OtherPatientIDsSequence?: MwlOtherPatientId[];
  PatientBirthDate?: string;
  PatientSex?: string;
};

export type MwlItem = Partial<MwlPatient> & {
  ReferringPhysicianName?: string;
  AdmissionID?: string;
  IssuerOfAdmissionIDSequence?: MwlIssuer[];
  MedicalAlerts?: string;
  RequestingPhysician?: string;
  AccessionNumber?: string;
  IssuerOfAccessionNumberSequence?: MwlIssuer[];
  PlacerOrderNumberImagingServiceRequest?: string;
  OrderPlacerIdentifierSequence?: MwlIssuer[];
  FillerOrderNumberImagingServiceRequest?: string;
  OrderFillerIdentifierSequence?: MwlIssuer[];
  RequestedProcedureID?: string;
  StudyInstanceUID?: string;
  RequestedProcedureDescription?: string;
  RequestedProcedureCodeSequence?: MwlCode[];
  ReasonForTheRequestedProcedure?: string;
  ReasonForRequestedProcedureCodeSequence?: MwlCode[];
  RequestedProcedurePriority?: string;
  RequestedProcedureComments?: string;
  ReferencedStudySequence?: never[];
  ReferencedPatientSequence?: never[];
  ScheduledProcedureStepSequence: [MwlStep];
};

/** An order number with its issuer ('' when none), as the worklist keys orders. */
export type MwlOrderNumber = { number: string; issuer: string };

/** What the worklist store's createOrder/updateOrder take. */
export type MwlOrder = {
  placer?: MwlOrderNumber | undefined;
  filler?: MwlOrderNumber | undefined;
  items: MwlItem[];
  studyInstanceUidGenerated?: boolean | undefined;
};

/** The worklist statuses (dicom/worklist/worklist-status.ts). */
export type MwlStatus = 'SCHEDULED' | 'IN PROGRESS' | 'COMPLETED' | 'DISCONTINUED' | 'CANCELLED';
