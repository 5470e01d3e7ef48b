// Test support: the worklist item of standards-mappings.md 1.6 (from the ORM^O01 of 1.5), as the
// orders channel stores it, with a second station AE title to exercise multi-valued matching.
import type { WorklistItem } from '../worklist-item.ts';

export const ITEM_1_6: WorklistItem = {
  SpecificCharacterSet: 'ISO_IR 100',
  AccessionNumber: 'ACC-0001',
  ReferringPhysicianName: 'SMITH^JOHN',
  PatientName: 'DOE^JANE^Q',
  PatientID: 'MRN12345',
  IssuerOfPatientID: 'HOSP',
  IssuerOfPatientIDQualifiersSequence: [{ UniversalEntityID: '2.16.840.1.113883.19.5', UniversalEntityIDType: 'ISO' }],
  PatientBirthDate: '19800115',
  PatientSex: 'F',
  MedicalAlerts: 'Contrast allergy',
  StudyInstanceUID: '1.2.840.99999.1.2.3.4.5',
  RequestingPhysician: 'JONES^ALICE',
  RequestedProcedureDescription: 'CT Chest with contrast',
  RequestedProcedureCodeSequence: [{ CodeValue: 'CTCHEST', CodingSchemeDesignator: 'LOCAL', CodeMeaning: 'CT Chest with contrast' }],
  AdmissionID: 'V0001',
  IssuerOfAdmissionIDSequence: [{ LocalNamespaceEntityID: 'HOSP' }],
  RequestedProcedureID: 'RP-0001',
  ReasonForTheRequestedProcedure: 'Chest pain, unspecified',
  RequestedProcedurePriority: 'ROUTINE',
  PlacerOrderNumberImagingServiceRequest: 'PO-1001',
  FillerOrderNumberImagingServiceRequest: 'FO-2001',
  ScheduledProcedureStepSequence: [
    {
      Modality: 'CT',
      ScheduledStationAETitle: ['CT01', 'CT02'],
      ScheduledProcedureStepStartDate: '20250301',
      ScheduledProcedureStepStartTime: '093000',
      ScheduledPerformingPhysicianName: 'TECH^TOM',
      ScheduledProcedureStepDescription: 'CT chest routine protocol',
      ScheduledProtocolCodeSequence: [{ CodeValue: 'CTP01', CodingSchemeDesignator: 'LOCAL', CodeMeaning: 'CT chest routine protocol' }],
      ScheduledProcedureStepID: 'SPS-0001',
    },
  ],
};
