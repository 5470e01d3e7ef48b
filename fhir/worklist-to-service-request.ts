// A worklist order (its items, from HL7 or FHIR) -> ServiceRequest: the reverse of 2.2, so that
// reads and searches find every order whichever way it came. An order that came over FHIR keeps
// the posted form of what did not change since (stored-elements.ts).
import { codingOf, localToDateTime, systemOf } from './dicom-values.ts';
import type { CodeableConcept, Identifier, Reference, ServiceRequest, ServiceRequestStatus } from './fhir-types.ts';
import { V2_0203 } from './patient-to-demographics.ts';
import { DCM_SYSTEM, DICOM_UID_SYSTEM } from './service-request-to-order.ts';
import { serviceRequestStatus } from './service-request-status.ts';
import { withStoredElements } from './stored-elements.ts';
import type { ElementGroup } from './stored-elements.ts';
import type { MwlIssuer, MwlItem, MwlStatus } from './worklist-shapes.ts';

/** An order as the worklist holds it. */
export type WorklistOrderView = {
  orderId: number;
  status: MwlStatus;
  placer: { number: string; issuer: string } | null;
  filler: { number: string; issuer: string } | null;
  /** Its items (Scheduled Procedure Steps), oldest first. */
  items: { id: number; status: MwlStatus; item: MwlItem }[];
  updatedAt: Date;
};

/** What was posted over FHIR for the order: the resource, the item it mapped to (as applied), its status. */
export type StoredServiceRequest = { resource: ServiceRequest; mapped: MwlItem | null; updatedAt: Date };

export const SERVICE_REQUEST_GROUPS: readonly ElementGroup[] = [
  { elements: ['identifier'], item: ['AccessionNumber', 'IssuerOfAccessionNumberSequence', 'PlacerOrderNumberImagingServiceRequest', 'OrderPlacerIdentifierSequence', 'FillerOrderNumberImagingServiceRequest', 'OrderFillerIdentifierSequence', 'StudyInstanceUID'] },
  { elements: ['code'], item: ['RequestedProcedureCodeSequence', 'RequestedProcedureDescription'] },
  { elements: ['orderDetail'], step: ['ScheduledProtocolCodeSequence', 'ScheduledProcedureStepDescription'] },
  { elements: ['priority'], item: ['RequestedProcedurePriority'] },
  { elements: ['occurrenceDateTime', 'occurrencePeriod', 'occurrenceTiming'], step: ['ScheduledProcedureStepStartDate', 'ScheduledProcedureStepStartTime'] },
  { elements: ['requester'], item: ['RequestingPhysician'] },
  { elements: ['performerType'], step: ['Modality'] },
  { elements: ['performer'], step: ['ScheduledStationAETitle', 'ScheduledPerformingPhysicianName', 'ScheduledStationName'] },
  { elements: ['locationCode', 'locationReference'], step: ['ScheduledProcedureStepLocation'] },
  { elements: ['reasonCode'], item: ['ReasonForTheRequestedProcedure', 'ReasonForRequestedProcedureCodeSequence'] },
  { elements: ['note'], item: ['RequestedProcedureComments'] },
  { elements: ['encounter'], item: ['AdmissionID', 'IssuerOfAdmissionIDSequence'] },
];

/** Elements with no worklist counterpart: kept as posted. */
export const SERVICE_REQUEST_KEPT = [
  'implicitRules',
  'language',
  'text',
  'extension',
  'instantiatesCanonical',
  'instantiatesUri',
  'basedOn',
  'replaces',
  'requisition',
  'category',
  'doNotPerform',
  'quantityQuantity',
  'quantityRatio',
  'quantityRange',
  'asNeededBoolean',
  'asNeededCodeableConcept',
  'authoredOn',
  'reasonReference',
  'insurance',
  'supportingInfo',
  'specimen',
  'bodySite',
  'patientInstruction',
  'relevantHistory',
] as const;

const PRIORITY: Record<string, ServiceRequest['priority']> = { STAT: 'stat', HIGH: 'urgent', ROUTINE: 'routine' };

function identifier(type: string, value: string | undefined, issuer: MwlIssuer | undefined, fallbackNamespace = ''): Identifier | undefined {
  if (!value) return undefined;
  const system = systemOf(issuer);
  const ns = issuer?.LocalNamespaceEntityID ?? (issuer?.UniversalEntityID ? undefined : fallbackNamespace || undefined);
  return {
    type: { coding: [{ system: V2_0203, code: type }] },
    ...(system ? { system } : {}),
    value,
    ...(ns ? { assigner: { display: ns } } : {}),
  };
}

function concept(codes: { CodeValue?: string; LongCodeValue?: string; CodingSchemeDesignator: string; CodeMeaning: string }[] | undefined, text: string | undefined): CodeableConcept | undefined {
  const coding = (codes ?? []).map(codingOf);
  if (!coding.length && !text) return undefined;
  return { ...(coding.length ? { coding } : {}), ...(text ? { text } : {}) };
}

/** Whether the order is withheld (on hold or back to draft) as posted: open, and its steps offered to no station. */
function heldAs(stored: StoredServiceRequest | undefined, order: WorklistOrderView): 'on-hold' | 'draft' | undefined {
  const s = stored?.resource.status;
  if (s !== 'on-hold' && s !== 'draft') return undefined;
  const open = order.status === 'SCHEDULED' || order.status === 'IN PROGRESS';
  const unrouted = order.items.every((i) => !(i.item.ScheduledProcedureStepSequence[0].ScheduledStationAETitle ?? []).some(Boolean));
  return open && unrouted ? s : undefined;
}

function statusOf(order: WorklistOrderView, stored: StoredServiceRequest | undefined): ServiceRequestStatus {
  const derived = serviceRequestStatus(order.status, heldAs(stored, order));
  // entered-in-error is a cancel with a reason the worklist does not keep.
  if (derived === 'revoked' && stored?.resource.status === 'entered-in-error') return 'entered-in-error';
  return derived;
}

export function serviceRequestFromWorklist(
  id: string,
  order: WorklistOrderView,
  subject: Reference,
  stored: StoredServiceRequest | undefined,
  ctx: { timeZone: string },
): ServiceRequest {
  const first = order.items[0]?.item ?? ({ ScheduledProcedureStepSequence: [{}] } as MwlItem);
  const step = first.ScheduledProcedureStepSequence[0];
  const steps = order.items.map((i) => i.item.ScheduledProcedureStepSequence[0]);

  const identifiers = [
    identifier('PLAC', first.PlacerOrderNumberImagingServiceRequest ?? order.placer?.number, first.OrderPlacerIdentifierSequence?.[0], order.placer?.issuer),
    identifier('FILL', first.FillerOrderNumberImagingServiceRequest ?? order.filler?.number, first.OrderFillerIdentifierSequence?.[0], order.filler?.issuer),
    identifier('ACSN', first.AccessionNumber, first.IssuerOfAccessionNumberSequence?.[0]),
    first.StudyInstanceUID ? { system: DICOM_UID_SYSTEM, value: `urn:oid:${first.StudyInstanceUID}` } : undefined,
  ].filter((x): x is Identifier => x !== undefined);

  const aeTitles = [...new Set(steps.flatMap((s) => (s.ScheduledStationAETitle ?? []).filter(Boolean)))];
  const performers: Reference[] = aeTitles.map((ae) => ({ type: 'Device', display: ae }));
  if (step.ScheduledPerformingPhysicianName) performers.push({ type: 'Practitioner', display: step.ScheduledPerformingPhysicianName });
  const occurrence = localToDateTime(step.ScheduledProcedureStepStartDate, step.ScheduledProcedureStepStartTime, ctx.timeZone);
  const orderDetail = concept(step.ScheduledProtocolCodeSequence, step.ScheduledProcedureStepDescription);

  const built: ServiceRequest = {
    resourceType: 'ServiceRequest',
    id,
    meta: { lastUpdated: new Date(Math.max(order.updatedAt.getTime(), stored?.updatedAt.getTime() ?? 0)).toISOString() },
    identifier: identifiers,
    status: statusOf(order, stored),
    intent: 'order',
    category: [{ coding: [{ system: 'http://snomed.info/sct', code: '363679005', display: 'Imaging' }] }],
    ...(first.RequestedProcedurePriority && PRIORITY[first.RequestedProcedurePriority] ? { priority: PRIORITY[first.RequestedProcedurePriority] } : {}),
    ...(concept(first.RequestedProcedureCodeSequence, first.RequestedProcedureDescription) ? { code: concept(first.RequestedProcedureCodeSequence, first.RequestedProcedureDescription) } : {}),
    ...(orderDetail ? { orderDetail: [orderDetail] } : {}),
    subject,
    ...(first.AdmissionID ? { encounter: { identifier: { value: first.AdmissionID, ...(systemOf(first.IssuerOfAdmissionIDSequence?.[0]) ? { system: systemOf(first.IssuerOfAdmissionIDSequence?.[0]) } : {}) } } } : {}),
    ...(occurrence ? { occurrenceDateTime: occurrence } : {}),
    ...(first.RequestingPhysician ? { requester: { display: first.RequestingPhysician } } : {}),
    ...(step.Modality ? { performerType: { coding: [{ system: DCM_SYSTEM, code: step.Modality }] } } : {}),
    ...(performers.length ? { performer: performers } : {}),
    ...(step.ScheduledProcedureStepLocation ? { locationCode: [{ text: step.ScheduledProcedureStepLocation }] } : {}),
    ...(concept(first.ReasonForRequestedProcedureCodeSequence, first.ReasonForTheRequestedProcedure) ? { reasonCode: [concept(first.ReasonForRequestedProcedureCodeSequence, first.ReasonForTheRequestedProcedure)!] } : {}),
    ...(first.RequestedProcedureComments ? { note: [{ text: first.RequestedProcedureComments }] } : {}),
  };
  if (!stored) return built;
  const merged = withStoredElements(built, stored.resource, stored.mapped ?? undefined, first, SERVICE_REQUEST_GROUPS, SERVICE_REQUEST_KEPT);
  return { ...merged, status: built.status, subject, intent: stored.resource.intent ?? 'order' };
}
