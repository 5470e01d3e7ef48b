// ServiceRequest (with its patient) -> a worklist order with one Scheduled Procedure Step
// (standards-mappings.md 2.2). The caller resolves the subject (contained, in the Bundle or
// stored) and passes the patient's attributes; the modality and station tables the orders
// channel uses for HL7 come in through the context, so both paths schedule alike.
import type { Result } from '../engine/index.ts';
import { codeItem, conceptText, dateTimeToLocal, displayName, fitIdentifier, fitText, isNotAscii, issuerItem, issuerKey, personName, stripOid } from './dicom-values.ts';
import type { Identifier, OperationOutcomeIssue, Reference, Resource, ServiceRequest } from './fhir-types.ts';
import { MappingIssues } from './mapping-issues.ts';
import { identifierType } from './patient-to-demographics.ts';
import type { MwlCode, MwlItem, MwlOrder, MwlOrderNumber, MwlPatient, MwlStep } from './worklist-shapes.ts';

export const DCM_SYSTEM = 'http://dicom.nema.org/resources/ontology/DCM';
/** Identifier.system of a Study Instance UID (value `urn:oid:<uid>`), as ImagingStudy carries it. */
export const DICOM_UID_SYSTEM = 'urn:dicom:uid';

export type StationRoute = { aeTitles: string[]; stationName?: string | undefined; location?: string | undefined };

export type ServiceRequestContext = {
  /** The subject's worklist attributes. */
  patient: MwlPatient;
  /** The modalities' time zone: DA/TM of the scheduled start are local times there. */
  timeZone: string;
  now: () => Date;
  /** A new Study Instance UID, for an order that brings none. */
  newUid: () => string;
  /** The modality table: a code (and its DICOM coding scheme, `DCM` or '') to a DICOM modality; undefined when unknown. */
  modalityFor: (code: string, scheme: string) => { modality: string; defaulted: boolean } | undefined;
  /** The station rules: the Scheduled Station AE Title(s) for a modality and procedure/protocol codes. */
  routeStation: (facts: { modality: string; procedureCodes: string[] }) => StationRoute | undefined;
};

export type MappedServiceRequest = { order: MwlOrder; accession: string; warnings: OperationOutcomeIssue[] };

const PRIORITY: Record<string, string> = { stat: 'STAT', asap: 'HIGH', urgent: 'HIGH', routine: 'ROUTINE' };

/** A `#id` reference's contained resource. */
export function containedResource(sr: ServiceRequest, ref: Reference | undefined, type: string): Resource | undefined {
  const r = ref?.reference;
  if (!r?.startsWith('#')) return undefined;
  return sr.contained?.find((c) => c.id === r.slice(1) && c.resourceType === type);
}

function orderNumber(issues: MappingIssues, id: Identifier, at: string, what: string): MwlOrderNumber | undefined {
  const number = fitIdentifier(issues, id.value, 'LO', `${at}.value`, what);
  const issuer = fitIdentifier(issues, issuerKey(id), 'LO', `${at}.system`, `${what} issuer (give assigner.display for a long system)`);
  return number && issuer !== undefined ? { number, issuer } : undefined;
}

type Ids = { accession?: { id: Identifier; i: number }; placer?: { id: Identifier; i: number }; filler?: { id: Identifier; i: number }; uid?: { id: Identifier; i: number } };

/** The identifiers by role: ACSN, PLAC (or an untyped one, the placer's own), FILL, and the Study Instance UID. */
export function identifierRoles(ids: readonly Identifier[]): Ids {
  const out: Ids = {};
  ids.forEach((id, i) => {
    if (!id.value) return;
    const type = identifierType(id);
    if (id.system === DICOM_UID_SYSTEM) out.uid ??= { id, i };
    else if (type === 'ACSN') out.accession ??= { id, i };
    else if (type === 'PLAC') out.placer = out.placer && !identifierType(out.placer.id) ? { id, i } : (out.placer ?? { id, i });
    else if (type === 'FILL') out.filler ??= { id, i };
    else if (!type) out.placer ??= { id, i };
  });
  return out;
}

/** AE titles named by the performers: a Device (contained: identifier or name; else the reference's display). */
function performerStations(issues: MappingIssues, sr: ServiceRequest, at: string): { aeTitles: string[]; stationName?: string | undefined; physician?: string | undefined } {
  const aeTitles: string[] = [];
  let stationName: string | undefined;
  let physician: string | undefined;
  (sr.performer ?? []).forEach((ref, i) => {
    const where = `${at}.performer[${i}]`;
    const device = containedResource(sr, ref, 'Device') as { identifier?: Identifier[]; deviceName?: { name: string }[] } | undefined;
    const practitioner = containedResource(sr, ref, 'Practitioner') as { name?: { family?: string; given?: string[] }[] } | undefined;
    const kind = device ? 'Device' : practitioner ? 'Practitioner' : (ref.type ?? ref.reference?.split('/')[0]);
    if (kind === 'Device') {
      const ae = device?.identifier?.find((x) => x.value)?.value ?? device?.deviceName?.[0]?.name ?? ref.display;
      const fitted = fitIdentifier(issues, ae?.trim(), 'AE', where, 'Scheduled Station AE Title');
      if (fitted) aeTitles.push(fitted);
      stationName ??= device?.deviceName?.[0]?.name;
    } else if (kind === 'Practitioner' && physician === undefined) {
      physician = practitioner ? personName(issues, practitioner.name?.[0], `${where}`, 'performer') : displayName(issues, ref.display, `${where}.display`, 'performer');
    }
  });
  return { aeTitles, stationName, physician };
}

/** Occurrence (dateTime, period start or first timing event), else authoredOn, else now: DA and TM local to the modality. */
function scheduledStart(issues: MappingIssues, sr: ServiceRequest, ctx: ServiceRequestContext, at: string): { date: string; time: string } | undefined {
  const candidates: [string | undefined, string][] = [
    [sr.occurrenceDateTime, `${at}.occurrenceDateTime`],
    [sr.occurrencePeriod?.start, `${at}.occurrencePeriod.start`],
    [sr.occurrenceTiming?.event?.[0], `${at}.occurrenceTiming.event[0]`],
  ];
  let found = candidates.find(([v]) => v);
  if (!found) {
    const fallback = sr.authoredOn ? ([sr.authoredOn, `${at}.authoredOn`] as [string, string]) : ([ctx.now().toISOString(), `${at}.occurrence[x]`] as [string, string]);
    issues.warn(`${at}.occurrence[x]`, `no occurrence: the scheduled start is ${sr.authoredOn ? 'authoredOn' : 'the time the order was received'}`);
    found = fallback;
  }
  const [value, where] = found as [string, string];
  const local = dateTimeToLocal(value, ctx.timeZone);
  if (!local?.date) {
    issues.error('value', where, `${JSON.stringify(value)} has no full date: the worklist needs a scheduled start date`);
    return undefined;
  }
  if (!local.time) issues.warn(where, `${value} has a date but no time: 000000 is used`);
  return { date: local.date, time: local.time ?? '000000' };
}

export function serviceRequestToOrder(sr: ServiceRequest, ctx: ServiceRequestContext, at = 'ServiceRequest'): Result<MappedServiceRequest, OperationOutcomeIssue[]> {
  const issues = new MappingIssues();
  const ids = sr.identifier ?? [];
  const roles = identifierRoles(ids);

  const accession = roles.accession && fitIdentifier(issues, roles.accession.id.value, 'SH', `${at}.identifier[${roles.accession.i}].value`, 'Accession Number');
  if (!roles.accession) issues.error('required', `${at}.identifier`, 'no accession number: the worklist needs an identifier typed ACSN (v2-0203)');
  let placer = roles.placer && orderNumber(issues, roles.placer.id, `${at}.identifier[${roles.placer.i}]`, 'Placer Order Number');
  const filler = roles.filler ? orderNumber(issues, roles.filler.id, `${at}.identifier[${roles.filler.i}]`, 'Filler Order Number') : undefined;
  let fillerNumber = filler;
  if (!roles.placer && !roles.filler && accession && roles.accession) {
    // An order needs a placer or filler number: a RIS's accession number is its filler number.
    fillerNumber = { number: accession, issuer: issuerKey(roles.accession.id) };
    issues.warn(`${at}.identifier`, 'no placer (PLAC) or filler (FILL) order number: the accession number identifies the order');
  }
  if (placer?.number === '') placer = undefined;

  let uid: string | undefined;
  if (roles.uid) {
    const v = stripOid(roles.uid.id.value ?? '');
    if (/^[0-9]+(\.[0-9]+)*$/.test(v) && v.length <= 64) uid = v;
    else issues.error('value', `${at}.identifier[${roles.uid.i}].value`, `${JSON.stringify(roles.uid.id.value)} is not a DICOM UID (urn:oid: and digits separated by dots, at most 64)`);
  }

  // The requested procedure: code.coding -> RequestedProcedureCodeSequence, code.text -> description.
  const procedureCodes: MwlCode[] = [];
  (sr.code?.coding ?? []).forEach((c, i) => {
    const item = c.code ? codeItem(issues, c, `${at}.code.coding[${i}]`, 'procedure code') : undefined;
    if (item && procedureCodes.length === 0) procedureCodes.push(item);
  });
  const description = fitText(issues, conceptText(sr.code), 'LO', `${at}.code`, 'procedure description');
  if (!description && procedureCodes.length === 0) issues.error('required', `${at}.code`, 'no procedure: the worklist needs ServiceRequest.code (a coding or text)');

  const protocolCodes: MwlCode[] = [];
  (sr.orderDetail ?? []).forEach((d, i) => {
    (d.coding ?? []).forEach((c, j) => {
      const item = codeItem(issues, c, `${at}.orderDetail[${i}].coding[${j}]`, 'protocol code');
      if (item) protocolCodes.push(item);
    });
  });
  const stepDescription = fitText(issues, conceptText(sr.orderDetail?.[0]) ?? conceptText(sr.code), 'LO', `${at}.orderDetail`, 'step description');

  // Modality: performerType, then a DICOM-coded category or code.
  const modalityCandidates = [
    ...(sr.performerType?.coding ?? []).map((c) => ({ c, where: `${at}.performerType` })),
    ...(sr.category ?? []).flatMap((cat, i) => (cat.coding ?? []).filter((c) => c.system === DCM_SYSTEM).map((c) => ({ c, where: `${at}.category[${i}]` }))),
    ...(sr.code?.coding ?? []).filter((c) => c.system === DCM_SYSTEM).map((c) => ({ c, where: `${at}.code` })),
  ].filter((x) => x.c.code);
  const first = modalityCandidates[0];
  const looked = ctx.modalityFor(first?.c.code ?? '', first?.c.system === DCM_SYSTEM ? 'DCM' : '');
  if (!looked) {
    if (first) issues.error('value', first.where, `${JSON.stringify(first.c.code)} is not a modality the worklist knows (DICOM code or channels/orders/worklist-tables.yaml)`);
    else issues.error('required', `${at}.performerType`, `no modality: give performerType with a DICOM modality code (${DCM_SYSTEM})`);
  } else if (looked.defaulted) {
    issues.warn(first?.where ?? `${at}.performerType`, `no known modality: the default ${looked.modality} is used`);
  }
  const modality = looked?.modality;

  const performers = performerStations(issues, sr, at);
  let aeTitles = performers.aeTitles;
  let stationName = fitText(issues, performers.stationName, 'SH', `${at}.performer`, 'station name');
  let location = fitText(issues, conceptText(sr.locationCode?.[0]) ?? sr.locationReference?.[0]?.display, 'SH', `${at}.location`, 'location');
  if (aeTitles.length === 0 && modality) {
    const codes = [...procedureCodes, ...protocolCodes].map((c) => c.CodeValue ?? c.LongCodeValue ?? '').filter(Boolean);
    const route = ctx.routeStation({ modality, procedureCodes: codes });
    if (route) {
      aeTitles = route.aeTitles;
      stationName ??= route.stationName;
      location ??= route.location;
    } else {
      issues.warn(`${at}.performer`, `no Device performer and no station rule for modality ${modality}: the step has no Scheduled Station AE Title and is not offered to modalities`);
    }
  }

  const start = scheduledStart(issues, sr, ctx, at);

  const requesterPractitioner = containedResource(sr, sr.requester, 'Practitioner') as { name?: { family?: string; given?: string[] }[] } | undefined;
  const requesting = requesterPractitioner
    ? personName(issues, requesterPractitioner.name?.[0], `${at}.requester`, 'requester')
    : displayName(issues, sr.requester?.display, `${at}.requester.display`, 'requester');

  const reasonText = fitText(issues, conceptText(sr.reasonCode?.[0]), 'LO', `${at}.reasonCode[0]`, 'reason');
  const reasonCodes: MwlCode[] = [];
  (sr.reasonCode ?? []).forEach((r, i) =>
    (r.coding ?? []).forEach((c, j) => {
      const item = codeItem(issues, c, `${at}.reasonCode[${i}].coding[${j}]`, 'reason code');
      if (item) reasonCodes.push(item);
    }),
  );
  const notes = (sr.note ?? []).map((n) => n.text).filter(Boolean).join('\n');

  const encounter = containedResource(sr, sr.encounter, 'Encounter') as { identifier?: Identifier[] } | undefined;
  const visitId = encounter?.identifier?.find((x) => x.value) ?? (sr.encounter?.identifier?.value ? sr.encounter.identifier : undefined);
  const admissionId = visitId && fitIdentifier(issues, visitId.value, 'LO', `${at}.encounter`, 'Admission ID');

  if (issues.errors.length || !accession) return { ok: false, error: issues.all };

  const step: MwlStep = dropUndefined({
    Modality: modality,
    ScheduledStationAETitle: aeTitles.length ? aeTitles : undefined,
    ScheduledStationName: stationName || undefined,
    ScheduledProcedureStepLocation: location || undefined,
    ScheduledProcedureStepStartDate: start?.date,
    ScheduledProcedureStepStartTime: start?.time,
    ScheduledPerformingPhysicianName: performers.physician,
    ScheduledProcedureStepDescription: stepDescription || undefined,
    ScheduledProtocolCodeSequence: protocolCodes.length ? protocolCodes : undefined,
    ScheduledProcedureStepID: accession,
  });
  const studyUid = uid ?? ctx.newUid();
  const item: MwlItem = dropUndefined({
    ...ctx.patient,
    AccessionNumber: accession,
    IssuerOfAccessionNumberSequence: roles.accession ? wrap(issuerItem(roles.accession.id)) : undefined,
    ReferringPhysicianName: requesting,
    RequestingPhysician: requesting,
    AdmissionID: admissionId || undefined,
    IssuerOfAdmissionIDSequence: admissionId && visitId ? wrap(issuerItem(visitId)) : undefined,
    ReferencedStudySequence: [],
    ReferencedPatientSequence: [],
    StudyInstanceUID: studyUid,
    RequestedProcedureID: accession,
    RequestedProcedureDescription: description || undefined,
    RequestedProcedureCodeSequence: procedureCodes.length ? procedureCodes : undefined,
    ReasonForTheRequestedProcedure: reasonText || undefined,
    ReasonForRequestedProcedureCodeSequence: reasonCodes.length ? reasonCodes : undefined,
    RequestedProcedurePriority: sr.priority ? PRIORITY[sr.priority] : undefined,
    RequestedProcedureComments: fitText(issues, notes || undefined, 'LT', `${at}.note`, 'note'),
    PlacerOrderNumberImagingServiceRequest: placer?.number,
    OrderPlacerIdentifierSequence: placer && roles.placer ? wrap(issuerItem(roles.placer.id)) : undefined,
    FillerOrderNumberImagingServiceRequest: fillerNumber?.number,
    OrderFillerIdentifierSequence: filler && roles.filler ? wrap(issuerItem(roles.filler.id)) : undefined,
    ScheduledProcedureStepSequence: [step],
  });
  if (item.SpecificCharacterSet === undefined && isNotAscii(JSON.stringify(item))) item.SpecificCharacterSet = 'ISO_IR 192';
  const order: MwlOrder = {
    ...(placer ? { placer } : {}),
    ...(fillerNumber ? { filler: fillerNumber } : {}),
    items: [item],
    studyInstanceUidGenerated: uid === undefined,
  };
  return { ok: true, value: { order, accession, warnings: issues.warnings } };
}

/**
 * The order as an update that withholds it from modalities (on-hold): the step keeps everything
 * but its Scheduled Station AE Title, a Type 1 key, so the MWL SCP offers it to none until an
 * `active` update names the station again. The worklist has no on-hold status of its own.
 */
export function withheldFromModalities(order: MwlOrder): MwlOrder {
  return {
    ...order,
    items: order.items.map((item) => ({ ...item, ScheduledProcedureStepSequence: [{ ...item.ScheduledProcedureStepSequence[0], ScheduledStationAETitle: [] }] })),
  };
}

function wrap<T>(v: T | undefined): T[] | undefined {
  return v === undefined ? undefined : [v];
}

function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
