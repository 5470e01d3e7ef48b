// The FHIR folder's public surface: R4 validation, the ServiceRequest/Patient <-> worklist
// mappings (standards-mappings.md 2), transaction Bundles, search parameters and the Bundles and
// CapabilityStatement the facade answers with. Other folders import this file only.
export type { Bundle, BundleEntry, Coding, CodeableConcept, HumanName, Identifier, OperationOutcome, OperationOutcomeIssue, Patient, Reference, Resource, ServiceRequest, ServiceRequestStatus } from './fhir-types.ts';
export { FHIR_FAILURES, fhirError, fhirFailure, issue, issueText, operationOutcome } from './fhir-error.ts';
export type { FhirError, FhirErrorCode } from './fhir-error.ts';
export { loadFhirDefinitions, validateFhirResource } from './validate-resource.ts';
export type { MwlCode, MwlIssuer, MwlItem, MwlOrder, MwlOrderNumber, MwlPatient, MwlStatus, MwlStep } from './worklist-shapes.ts';
export { patientToDemographics, patientIdIndex, identifierType, V2_0203 } from './patient-to-demographics.ts';
export type { MappedPatient, PatientMappingContext } from './patient-to-demographics.ts';
export { containedResource, DCM_SYSTEM, DICOM_UID_SYSTEM, identifierRoles, serviceRequestToOrder, withheldFromModalities } from './service-request-to-order.ts';
export type { MappedServiceRequest, ServiceRequestContext, StationRoute } from './service-request-to-order.ts';
export { ORDER_INTENTS, serviceRequestStatus, worklistAction, worklistStatusesFor } from './service-request-status.ts';
export type { WorklistAction } from './service-request-status.ts';
export { serviceRequestFromWorklist } from './worklist-to-service-request.ts';
export type { StoredServiceRequest, WorklistOrderView } from './worklist-to-service-request.ts';
export { patientFromWorklist } from './worklist-to-patient.ts';
export type { StoredPatient, WorklistPatientView } from './worklist-to-patient.ts';
export { FHIR_ID, planTransaction, resolveReferences, transactionOf, WRITABLE_TYPES } from './transaction-bundle.ts';
export type { PlannedEntry } from './transaction-bundle.ts';
export { DEFAULT_COUNT, MAX_COUNT, matchesPatient, matchesServiceRequest, matchesToken, parsePatientSearch, parseServiceRequestSearch, parseToken } from './search-request.ts';
export type { PatientSearch, ServiceRequestSearch, Token } from './search-request.ts';
export { searchsetBundle, transactionResponse } from './bundles.ts';
export type { EntryResult } from './bundles.ts';
export { capabilityStatement, ORDER_CAPABILITIES, RESULT_CAPABILITIES } from './capability-statement.ts';
export type { ResourceCapability } from './capability-statement.ts';
export { fhirMessageMeta } from './message-meta.ts';
export type { FhirMessageMeta } from './message-meta.ts';
export { SERVER_ID } from './order-repository.ts';
export type { FhirOrderRepository, SearchResult } from './order-repository.ts';
export { issuerKey, stripOid } from './dicom-values.ts';
export { accessionIdentifier, studyToImagingStudy } from './study-to-imaging-study.ts';
export type { ImagingStudy, ImagingStudyContext, SeriesView, StudyView } from './study-to-imaging-study.ts';
export { parseDiagnosticReportSearch, parseImagingStudySearch } from './study-to-imaging-study-search.ts';
export type { DateBound, DiagnosticReportSearch, ImagingStudySearch } from './study-to-imaging-study-search.ts';
export { RADIOLOGY_CATEGORIES, reportPlainText, reportToDiagnosticReport } from './report-to-diagnostic-report.ts';
export type { DiagnosticReport, DiagnosticReportContext, ReportContextView, ReportView } from './report-to-diagnostic-report.ts';
