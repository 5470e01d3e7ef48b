// GET /fhir/R4/metadata: what this server does (FHIR R4 4.0.1, JSON only). Resource entries are
// data, so other parts of the facade add theirs to the list they pass.
import type { Resource } from './fhir-types.ts';

export type ResourceCapability = {
  type: string;
  interactions: readonly ('read' | 'create' | 'update' | 'search-type')[];
  searchParams: readonly { name: string; type: 'token' | 'reference' | 'string' | 'date'; documentation?: string }[];
  documentation?: string;
};

/** The order intake: Patients and ServiceRequests, read, written (as the worklist takes them) and searched. */
export const ORDER_CAPABILITIES: readonly ResourceCapability[] = [
  {
    type: 'Patient',
    interactions: ['read', 'search-type'],
    documentation: 'Patients of the Modality Worklist, from HL7 ADT/orders and FHIR. Written inside transactions (identified by the MR identifier).',
    searchParams: [
      { name: '_id', type: 'token' },
      { name: 'identifier', type: 'token', documentation: '[system|]value of any identifier (the Patient ID, other IDs)' },
      { name: 'name', type: 'string', documentation: 'any part of the name starts with the text' },
    ],
  },
  {
    type: 'ServiceRequest',
    interactions: ['read', 'create', 'update', 'search-type'],
    documentation:
      'Imaging orders: every one, from HL7 or FHIR, is a Modality Worklist order. status active schedules, on-hold withholds from modalities, revoked/entered-in-error cancels, completed completes (standards-mappings.md 2.3). Needs an ACSN identifier, a code and a modality (performerType, DICOM).',
    searchParams: [
      { name: '_id', type: 'token' },
      { name: 'identifier', type: 'token', documentation: 'accession, placer or filler order number' },
      { name: 'patient', type: 'reference' },
      { name: 'subject', type: 'reference' },
      { name: 'status', type: 'token' },
    ],
  },
];

/** The archive's results: ImagingStudy per stored study, DiagnosticReport per released report; read and searched. */
export const RESULT_CAPABILITIES: readonly ResourceCapability[] = [
  {
    type: 'ImagingStudy',
    interactions: ['read', 'search-type'],
    documentation:
      'Studies in the archive (id study-<n>), with series, instances and a contained Endpoint (dicom-wado-rs) for the DICOMweb base; basedOn is the ServiceRequest with the study\'s accession number (standards-mappings.md 5).',
    searchParams: [
      { name: '_id', type: 'token' },
      { name: 'identifier', type: 'token', documentation: 'urn:oid:<StudyInstanceUID> (system urn:dicom:uid), the bare UID, or the accession number' },
      { name: 'patient', type: 'reference' },
      { name: 'subject', type: 'reference' },
      { name: 'based-on', type: 'reference', documentation: 'ServiceRequest/<id>' },
      { name: 'started', type: 'date', documentation: 'the study date (day precision); prefixes eq ne gt lt ge le, repeat for a range' },
    ],
  },
  {
    type: 'DiagnosticReport',
    interactions: ['read', 'search-type'],
    documentation:
      'Released radiology reports (id report-<n>): preliminary, final or amended, the current version (standards-mappings.md 6.6). Referrers see final and amended reports only; drafts are not served.',
    searchParams: [
      { name: '_id', type: 'token' },
      { name: 'based-on', type: 'reference', documentation: 'ServiceRequest/<id>' },
      { name: 'patient', type: 'reference' },
      { name: 'subject', type: 'reference' },
      { name: 'imaging-study', type: 'reference', documentation: 'ImagingStudy/<id>' },
      { name: 'status', type: 'token', documentation: 'preliminary, final, amended' },
    ],
  },
];

export function capabilityStatement(o: { version: string; baseUrl: string; date: string; resources: readonly ResourceCapability[] }): Resource {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: o.date,
    kind: 'instance',
    software: { name: 'PACS appliance', version: o.version },
    implementation: { description: 'PACS appliance FHIR R4 facade', url: o.baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        security: {
          cors: false,
          service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'Basic' }] }],
          description: 'HTTP Basic or a bearer API token (Authorization: Bearer pacs_...), as for /api.',
        },
        resource: o.resources.map((r) => ({
          type: r.type,
          ...(r.documentation ? { documentation: r.documentation } : {}),
          interaction: r.interactions.map((code) => ({ code })),
          ...(r.interactions.includes('update') ? { updateCreate: true } : {}),
          searchParam: r.searchParams.map((p) => ({ name: p.name, type: p.type, ...(p.documentation ? { documentation: p.documentation } : {}) })),
        })),
        interaction: [{ code: 'transaction' }],
      },
    ],
  };
}
