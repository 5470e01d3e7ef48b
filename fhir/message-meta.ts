// What the message browser shows and searches for a FHIR message (type, Patient ID, accession),
// read from the transaction Bundle or resource the fhir-orders channel stores.
import { identifierType, patientIdIndex } from './patient-to-demographics.ts';
import type { Bundle, Identifier, Resource } from './fhir-types.ts';

export type FhirMessageMeta = { messageType: string; patientId?: string | undefined; accession?: string | undefined };

export function fhirMessageMeta(value: unknown): FhirMessageMeta | undefined {
  if (!value || typeof value !== 'object' || typeof (value as Resource).resourceType !== 'string') return undefined;
  const r = value as Resource;
  const resources = r.resourceType === 'Bundle' ? ((r as Bundle).entry ?? []).map((e) => e.resource).filter((x): x is Resource => !!x) : [r];
  const ids = (type: string) => resources.filter((x) => x.resourceType === type).flatMap((x) => (Array.isArray(x.identifier) ? (x.identifier as Identifier[]) : []));
  const patientIds = ids('Patient');
  const patientId = patientIds[patientIdIndex(patientIds, null)]?.value;
  const accession = ids('ServiceRequest').find((id) => identifierType(id) === 'ACSN')?.value;
  const types = [...new Set(resources.map((x) => x.resourceType))].join('+');
  const messageType = r.resourceType === 'Bundle' ? `Bundle^${String((r as Bundle).type)}${types ? `^${types}` : ''}` : r.resourceType;
  return { messageType: messageType.slice(0, 64), patientId, accession };
}
