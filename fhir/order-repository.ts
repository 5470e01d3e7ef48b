// What the FHIR facade reads: Patients and ServiceRequests as the worklist holds them. Declared
// here by its user; the fhir-orders channel implements it over the worklist and fhir_resources
// tables (channels/fhir-orders/fhir-order-repository.ts) and the appliance passes it in.
import type { Patient, ServiceRequest } from './fhir-types.ts';
import type { PatientSearch, ServiceRequestSearch } from './search-request.ts';

export type SearchResult<T> = { resources: T[]; total: number };

export interface FhirOrderRepository {
  readServiceRequest(id: string): Promise<ServiceRequest | undefined>;
  searchServiceRequests(search: ServiceRequestSearch): Promise<SearchResult<ServiceRequest>>;
  readPatient(id: string): Promise<Patient | undefined>;
  searchPatients(search: PatientSearch): Promise<SearchResult<Patient>>;
}

/** Ids the server gives records that came over HL7 (`order-<n>`, `patient-<n>`): a client cannot create one. */
export const SERVER_ID = /^(order|patient)-(\d+)$/;
