// What ORM^O01 (v2.3.1) and OMI^O23 (v2.5.1) have in common on their way to worklist items:
// the patient (PID), the visit (PV1), each ORC group's action (ORC-1/ORC-5), order numbers, the
// requested procedure (OBR) and, per Scheduled Procedure Step, the item (standards-mappings.md
// 1.3). The two mappings differ only in where a step's values are (OBR/ZDS or IPC/TQ1): they
// describe that in an OrderProfile.
import type { Hl7Message } from '@medplum/core';
import type { CodeItem, IssuerItem, OrderIdentifier, PatientDemographics, ScheduledProcedureStep, WorklistItem, WorklistStatus } from '../../dicom/index.ts';
import { hl7CharsetToDicom } from '../../engine/index.ts';
import type { Result } from '../../engine/index.ts';
import { at, rawRepetitions, repetitions, sent, value } from './hl7-fields.ts';
import type { Seg } from './hl7-fields.ts';
import { codeItem, fitIdentifier, fitText, fitUid, isNotAscii, issuerItem, parseTimestamp, personName, procedurePriority } from './hl7-to-dicom-values.ts';
import type { DateTime } from './hl7-to-dicom-values.ts';
import { IssueList, formatLocation } from './mapping-issues.ts';
import type { Hl7Location, MappingIssue } from './mapping-issues.ts';
import { orderControl } from './order-control.ts';
import type { OrderAction } from './order-control.ts';
import { firstSegment, orderGroups } from './order-groups.ts';
import type { OrderGroup } from './order-groups.ts';
import { cnParts, dropUndefined, patientCharset, patientFromPid, visitFromPv1, xcnName } from './patient-attributes.ts';
import { lookupModality, routeStation } from './worklist-tables.ts';
import type { WorklistTables } from './worklist-tables.ts';

export type OrderMappingContext = {
  tables: WorklistTables;
  /** A new Study Instance UID (e.g. `2.25.<uuid as decimal>`) for an order that does not send one. */
  newUid: () => string;
};

/** A value and where it was read. undefined: not sent; '': an explicit null (`""`). */
export type Sourced = { value: string | undefined; at: Hl7Location };

/** Where in the message a value may be. */
export type FieldRef = { seg: Seg; field: number; component?: number };

/** What one Scheduled Procedure Step is made of; ORM and OMI fill it from different fields. */
export type StepSource = {
  accession: Sourced;
  accessionIssuer?: IssuerItem | undefined;
  requestedProcedureId: Sourced;
  studyInstanceUid: Sourced;
  spsId: Sourced;
  /** Codes to map to the DICOM modality, in order of preference, with their coding scheme. */
  modality: { code: string; scheme: string; at: Hl7Location }[];
  protocolCodes: CodeItem[] | undefined;
  spsDescription: Sourced;
  stationName?: Sourced | undefined;
  location?: Sourced | undefined;
  /** Scheduled Station AE Titles the sender named (IPC-9); otherwise the station rules decide. */
  aeTitles?: { values: string[]; at: Hl7Location } | undefined;
};

export type OrderProfile = {
  messageType: 'ORM^O01' | 'OMI^O23';
  steps(issues: IssueList, msg: Hl7Message, group: OrderGroup): StepSource[];
  /** Where the SPS start date/time may be, in order of preference. */
  start(group: OrderGroup): FieldRef[];
  /** Where the priority (table 0027/0485 letter) may be, in order of preference. */
  priority(group: OrderGroup): FieldRef[];
};

export type MappedOrder = {
  /** ORC-1 and ORC-5 as sent. */
  orderControl: string;
  orderStatus: string;
  action: OrderAction;
  /** The status the order asks for; absent: keep the current one. */
  status?: WorklistStatus;
  placer?: OrderIdentifier;
  filler?: OrderIdentifier;
  /** The Study Instance UID the sender gave (ZDS-1, IPC-3): finds the order of an update when the numbers do not. */
  studyInstanceUid?: string;
  /** Some step had no Study Instance UID and got one from the context: a stored order keeps its own. */
  studyInstanceUidGenerated: boolean;
  /** The order's ORC, for error locations. */
  location: Hl7Location;
  /** One per Scheduled Procedure Step; empty for cancel and status changes. */
  items: WorklistItem[];
};

export type OrderMessage = {
  messageType: 'ORM^O01' | 'OMI^O23';
  controlId: string;
  /** PID as patient attributes: a new order creates or updates the patient. */
  patient: PatientDemographics;
  orders: MappedOrder[];
  warnings: MappingIssue[];
};

const MSH: Seg = { id: 'MSH', n: 1 };

export function mapOrderMessage(msg: Hl7Message, ctx: OrderMappingContext, profile: OrderProfile): Result<OrderMessage, MappingIssue[]> {
  const issues = new IssueList();
  const groups = orderGroups(msg);
  if (groups.length === 0) issues.error('CHANNEL_ORDER_FIELD_MISSING', { segment: 'ORC', sequence: 1, field: 1 }, 'ORC-1 Order Control is empty: the message has no ORC segment');
  const creates = groups.some((g) => orderControl(value(msg, g.orc, 1), value(msg, g.orc, 5))?.action === 'create');
  const pid = firstSegment(msg, 'PID');
  const patient = patientFromPid(issues, msg, pid, ctx.tables.patientIdDomain, creates);
  const visit = visitFromPv1(issues, msg, firstSegment(msg, 'PV1'), pid);
  const charset = hl7CharsetToDicom(rawRepetitions(msg, MSH, 18));

  // One generated Study Instance UID per order, however many steps and ORC groups it has.
  const generated = new Map<string, string>();
  const uidFor = (key: string) => generated.get(key) ?? (generated.set(key, ctx.newUid()).get(key) as string);
  const orders: MappedOrder[] = [];
  for (const group of groups) {
    const order = mapGroup(issues, msg, uidFor, ctx.tables, profile, group, { ...patient, ...visit }, charset);
    if (!order) continue;
    const same = orders.find((o) => o.action === order.action && sameIdentifier(o.placer, order.placer) && sameIdentifier(o.filler, order.filler));
    if (same && (order.action === 'create' || order.action === 'update')) {
      // Several ORC/OBR pairs of one order: one step each (dcm4chee starts a new step per OBR-20).
      same.items.push(...order.items);
      same.studyInstanceUidGenerated ||= order.studyInstanceUidGenerated;
    } else {
      orders.push(order);
    }
  }
  if (issues.errors.length || !patient) return { ok: false, error: issues.issues };
  return {
    ok: true,
    value: { messageType: profile.messageType, controlId: value(msg, MSH, 10), patient: patientCharset(msg, patient), orders, warnings: issues.warnings },
  };
}

function sameIdentifier(a: OrderIdentifier | undefined, b: OrderIdentifier | undefined): boolean {
  return (a?.number ?? '') === (b?.number ?? '') && (a?.issuer ?? '') === (b?.issuer ?? '');
}

type Context = Pick<WorklistItem, 'PatientName' | 'PatientID' | 'IssuerOfPatientID' | 'IssuerOfPatientIDQualifiersSequence' | 'OtherPatientIDsSequence' | 'PatientBirthDate' | 'PatientSex'> &
  Pick<WorklistItem, 'ReferringPhysicianName' | 'AdmissionID' | 'IssuerOfAdmissionIDSequence' | 'PregnancyStatus'>;

/** ORC-2/ORC-3 (EI), or OBR-2/OBR-3 when the ORC leaves them empty. Issuer: EI.2, else EI.3. */
function orderNumber(issues: IssueList, msg: Hl7Message, group: OrderGroup, field: 2 | 3, name: string) {
  const seg = value(msg, group.orc, field, 1) || !group.obr ? group.orc : group.obr;
  const number = fitIdentifier(issues, value(msg, seg, field, 1), 'LO', at(seg, field, 1), name);
  if (!number) return undefined;
  const ns = value(msg, seg, field, 2);
  const universal = value(msg, seg, field, 3);
  const id: OrderIdentifier = { number, issuer: ns || universal };
  return { id, issuerItem: issuerItem(ns, universal, value(msg, seg, field, 4)) };
}

function mapGroup(
  issues: IssueList,
  msg: Hl7Message,
  uidFor: (orderKey: string) => string,
  tables: WorklistTables,
  profile: OrderProfile,
  group: OrderGroup,
  context: Partial<Context>,
  charset: string | undefined,
): MappedOrder | undefined {
  const orc = group.orc;
  const orc1 = value(msg, orc, 1);
  const orc5 = value(msg, orc, 5);
  if (!orc1) {
    issues.error('CHANNEL_ORDER_FIELD_MISSING', at(orc, 1), `${formatLocation(at(orc, 1))} Order Control is empty`);
    return undefined;
  }
  const control = orderControl(orc1, orc5);
  if (!control) {
    issues.error('CHANNEL_ORDER_UNKNOWN_CODE', at(orc, 1), `${formatLocation(at(orc, 1))} Order Control ${JSON.stringify(orc1)} is not one the worklist takes (NW, XO, CA, DC, SC, ...)`);
    return undefined;
  }
  const placer = orderNumber(issues, msg, group, 2, 'Placer Order Number');
  const filler = orderNumber(issues, msg, group, 3, 'Filler Order Number');
  const order: MappedOrder = {
    orderControl: orc1,
    orderStatus: orc5,
    action: control.action,
    ...(control.status ? { status: control.status } : {}),
    ...(placer ? { placer: placer.id } : {}),
    ...(filler ? { filler: filler.id } : {}),
    studyInstanceUidGenerated: false,
    location: at(orc, 1),
    items: [],
  };
  if (control.action === 'ignore') return order;
  if (!placer && !filler && !issues.errors.some((i) => i.location?.segment === orc.id && i.location.sequence === orc.n)) {
    issues.error('CHANNEL_ORDER_FIELD_MISSING', at(orc, 2), `${formatLocation(at(orc, 2))} Placer Order Number and ORC-3 Filler Order Number are both empty: the order cannot be identified`);
  }
  const create = control.action === 'create';
  if (control.action !== 'create' && control.action !== 'update') {
    // Cancel and status changes need the order's identity only; the Study UID may help find it.
    const steps = group.obr || group.ipcs.length ? profile.steps(new IssueList(), msg, group) : [];
    const uid = steps.map((s) => s.studyInstanceUid.value).find((v) => v && /^[0-9.]+$/.test(v));
    if (uid) order.studyInstanceUid = uid;
    return order;
  }
  const obr = group.obr;
  if (!obr) {
    if (create) issues.error('CHANNEL_ORDER_FIELD_MISSING', at({ id: 'OBR', n: 1 }, 4), `OBR-4 Universal Service Identifier is empty: the order of ${formatLocation(at(orc, 1)).replace('-1', '')} has no OBR segment`);
    return order;
  }

  // The requested procedure: OBR-44 (procedure code), else OBR-4 (universal service ID).
  const field = value(msg, obr, 44, 1) || value(msg, obr, 44, 2) ? 44 : 4;
  const code = value(msg, obr, field, 1);
  const text = value(msg, obr, field, 2);
  if (create && !code && !text) {
    issues.error('CHANNEL_ORDER_FIELD_MISSING', at(obr, 4), `${formatLocation(at(obr, 4))} Universal Service Identifier is empty: the order names no procedure (OBR-4, OBR-44)`);
  }
  const procedureDescription = fitText(issues, text || code || undefined, 'LO', at(obr, field, text ? 2 : 1), 'procedure');
  const procedureCode = codeItem(issues, code, text, value(msg, obr, field, 3), at(obr, field), 'procedure code');

  const reasonText = value(msg, obr, 31, 2) || value(msg, obr, 31, 1);
  const reason = sent(msg, obr, 31) === '' ? '' : fitText(issues, reasonText || undefined, 'LO', at(obr, 31), 'Reason for Study');
  const reasonCode = codeItem(issues, value(msg, obr, 31, 1), value(msg, obr, 31, 2), value(msg, obr, 31, 3), at(obr, 31), 'reason code');
  const priorityRef = profile.priority(group).find((r) => value(msg, r.seg, r.field, r.component ?? 1) !== '');
  const priority = priorityRef ? procedurePriority(value(msg, priorityRef.seg, priorityRef.field, priorityRef.component ?? 1)) : undefined;
  const dangerCode = sent(msg, obr, 12) === '' ? '' : value(msg, obr, 12, 2) || value(msg, obr, 12, 1) || undefined;
  const comments = group.ntes
    .flatMap((nte) => Array.from({ length: repetitions(msg, nte, 3) }, (_, i) => value(msg, nte, 3, undefined, undefined, i + 1)))
    .filter(Boolean)
    .join('\n');
  const requesting = xcnName(issues, msg, obr, 16, 'Ordering Provider') ?? xcnName(issues, msg, orc, 12, 'Ordering Provider');
  const performing = sent(msg, obr, 34) === '' ? '' : personName(issues, cnParts(msg, obr, 34), at(obr, 34), 'Technician');
  const enteringDevices = Array.from({ length: repetitions(msg, orc, 18) }, (_, i) => value(msg, orc, 18, 1, undefined, i + 1)).filter(Boolean);

  for (const step of profile.steps(issues, msg, group)) {
    const accession = fitIdentifier(issues, step.accession.value, 'SH', step.accession.at, 'Accession Number');
    if (create && (step.accession.value === undefined || step.accession.value === '')) {
      issues.error('CHANNEL_ORDER_FIELD_MISSING', step.accession.at, `${formatLocation(step.accession.at)} Accession Number is empty`);
    }
    let rpId = fitIdentifier(issues, step.requestedProcedureId.value, 'SH', step.requestedProcedureId.at, 'Requested Procedure ID');
    if (!rpId && step.requestedProcedureId.value === undefined && accession) {
      rpId = accession;
      issues.warn('CHANNEL_ORDER_DEFAULTED', step.requestedProcedureId.at, `${formatLocation(step.requestedProcedureId.at)} Requested Procedure ID is empty: the accession number is used`);
    }
    let spsId = fitIdentifier(issues, step.spsId.value, 'SH', step.spsId.at, 'Scheduled Procedure Step ID');
    if (!spsId && step.spsId.value === undefined && rpId) {
      spsId = rpId;
      issues.warn('CHANNEL_ORDER_DEFAULTED', step.spsId.at, `${formatLocation(step.spsId.at)} Scheduled Procedure Step ID is empty: the Requested Procedure ID is used`);
    }
    let uid = fitUid(issues, step.studyInstanceUid.value, step.studyInstanceUid.at, 'Study Instance UID');
    if (uid) order.studyInstanceUid ??= uid;
    else if (step.studyInstanceUid.value === undefined || step.studyInstanceUid.value === '') {
      uid = uidFor(`${placer?.id.issuer}|${placer?.id.number}|${filler?.id.issuer}|${filler?.id.number}`);
      order.studyInstanceUidGenerated = true;
    }

    const modalityCode = step.modality.find((m) => m.code !== '');
    const modality = lookupModality(tables, modalityCode?.code ?? '', modalityCode?.scheme ?? '');
    const modalityAt = modalityCode?.at ?? step.modality[step.modality.length - 1]!.at;
    if (modality.how === 'unknown') {
      issues.error('CHANNEL_ORDER_UNKNOWN_CODE', modalityAt, `${formatLocation(modalityAt)} ${JSON.stringify(modalityCode?.code)} is not in the modality table (channels/orders/worklist-tables.yaml)`);
    } else if (modality.how === 'empty' && create) {
      issues.error('CHANNEL_ORDER_FIELD_MISSING', modalityAt, `${formatLocation(modalityAt)} is empty: the order names no modality`);
    } else if (modality.how === 'default' && create) {
      issues.warn('CHANNEL_ORDER_DEFAULTED', modalityAt, `${formatLocation(modalityAt)} ${JSON.stringify(modalityCode?.code ?? '')} is not in the modality table: the default ${modality.modality} is used`);
    }

    let spsDescription = fitText(issues, step.spsDescription.value, 'LO', step.spsDescription.at, 'Scheduled Procedure Step Description');
    if (!spsDescription && step.spsDescription.value === undefined && !step.protocolCodes?.length && procedureDescription) spsDescription = procedureDescription;

    const start = scheduledStart(issues, msg, profile.start(group), create, group);

    let aeTitles: string[] | undefined;
    let stationName = step.stationName && fitText(issues, step.stationName.value, 'SH', step.stationName.at, 'Scheduled Station Name');
    let location = step.location && fitText(issues, step.location.value, 'SH', step.location.at, 'Scheduled Procedure Step Location');
    if (step.aeTitles?.values.length) {
      aeTitles = step.aeTitles.values.map((ae) => fitIdentifier(issues, ae, 'AE', step.aeTitles!.at, 'Scheduled Station AE Title')).filter((ae): ae is string => !!ae);
    } else {
      const procedureCodes = [code, ...(step.protocolCodes ?? []).map((c) => c.CodeValue ?? c.LongCodeValue ?? '')].filter(Boolean);
      const route = routeStation(tables, { modality: modality.modality ?? '', procedureCodes, enteringDevices });
      if (route) {
        aeTitles = route.rule.fromEnteringDevice ? route.aeTitles.map((ae) => fitIdentifier(issues, ae, 'AE', at(orc, 18), 'Entering Device (station AE title)')).filter((ae): ae is string => !!ae) : route.aeTitles;
        stationName ??= route.stationName;
        location ??= route.location;
      } else if (create) {
        issues.warn('CHANNEL_ORDER_UNROUTED', at(orc, 18), `no station rule matches (modality ${modality.modality ?? '?'}${enteringDevices.length ? `, ORC-18 ${enteringDevices.join('~')}` : ''}): the step has no Scheduled Station AE Title and is not offered to modalities`);
      }
    }

    const sps: ScheduledProcedureStep = dropUndefined({
      Modality: modality.modality,
      ScheduledStationAETitle: aeTitles,
      ScheduledProcedureStepStartDate: start?.date,
      ScheduledProcedureStepStartTime: start?.time,
      ScheduledPerformingPhysicianName: performing,
      ScheduledProcedureStepDescription: spsDescription,
      ScheduledProtocolCodeSequence: step.protocolCodes?.length ? step.protocolCodes : undefined,
      ScheduledProcedureStepID: spsId,
      ScheduledStationName: stationName,
      ScheduledProcedureStepLocation: location,
    });
    const item: WorklistItem = dropUndefined({
      SpecificCharacterSet: charset,
      AccessionNumber: accession,
      IssuerOfAccessionNumberSequence: step.accessionIssuer ? [step.accessionIssuer] : undefined,
      ReferringPhysicianName: context.ReferringPhysicianName,
      ReferencedStudySequence: [],
      ReferencedPatientSequence: [],
      PatientName: context.PatientName,
      PatientID: context.PatientID,
      IssuerOfPatientID: context.IssuerOfPatientID,
      IssuerOfPatientIDQualifiersSequence: context.IssuerOfPatientIDQualifiersSequence,
      PatientBirthDate: context.PatientBirthDate,
      PatientSex: context.PatientSex,
      OtherPatientIDsSequence: context.OtherPatientIDsSequence,
      MedicalAlerts: sent(msg, obr, 13) === '' ? '' : fitText(issues, value(msg, obr, 13) || undefined, 'LO', at(obr, 13), 'Relevant Clinical Info'),
      PregnancyStatus: context.PregnancyStatus,
      StudyInstanceUID: uid,
      RequestingPhysician: requesting,
      RequestedProcedureDescription: procedureDescription,
      RequestedProcedureCodeSequence: procedureCode ? [procedureCode] : undefined,
      AdmissionID: context.AdmissionID,
      IssuerOfAdmissionIDSequence: context.IssuerOfAdmissionIDSequence,
      PatientState: fitText(issues, dangerCode, 'LO', at(obr, 12), 'Danger Code'),
      OrderPlacerIdentifierSequence: placer?.issuerItem ? [placer.issuerItem] : undefined,
      OrderFillerIdentifierSequence: filler?.issuerItem ? [filler.issuerItem] : undefined,
      ScheduledProcedureStepSequence: [sps],
      RequestedProcedureID: rpId,
      ReasonForTheRequestedProcedure: reason,
      RequestedProcedurePriority: priority,
      PatientTransportArrangements: sent(msg, obr, 30) === '' ? '' : fitText(issues, value(msg, obr, 30, 1) || undefined, 'LO', at(obr, 30), 'Transportation Mode'),
      ReasonForRequestedProcedureCodeSequence: reasonCode ? [reasonCode] : undefined,
      RequestedProcedureComments: fitText(issues, comments || undefined, 'LT', at(group.ntes[0] ?? obr, 3), 'comments (NTE-3)'),
      PlacerOrderNumberImagingServiceRequest: placer?.id.number,
      FillerOrderNumberImagingServiceRequest: filler?.id.number,
    });
    // Text that is not ASCII needs a character set even when MSH-18 names none: the text is decoded, so UTF-8 holds it.
    if (item.SpecificCharacterSet === undefined && isNotAscii(JSON.stringify(item))) {
      order.items.push({ SpecificCharacterSet: 'ISO_IR 192', ...item });
    } else {
      order.items.push(item);
    }
  }
  return order;
}

/**
 * The SPS start: the first of the profile's fields that is valued (a bad timestamp there is
 * refused, ERR 102); for a new order with none, the time of the order (ORC-9, else MSH-7), with
 * a warning. A date without a time starts at 000000.
 */
function scheduledStart(issues: IssueList, msg: Hl7Message, refs: FieldRef[], create: boolean, group: OrderGroup): DateTime | undefined {
  const fallbacks: FieldRef[] = create ? [{ seg: group.orc, field: 9 }, { seg: MSH, field: 7 }] : [];
  for (const [i, ref] of [...refs, ...fallbacks].entries()) {
    const text = value(msg, ref.seg, ref.field, ref.component ?? 1);
    if (!text) continue;
    const where = at(ref.seg, ref.field, ref.component);
    const parsed = parseTimestamp(text);
    if (!parsed?.date) {
      issues.error('CHANNEL_ORDER_BAD_VALUE', where, `${formatLocation(where)} ${JSON.stringify(text)} is not a date/time (YYYYMMDD[HHMM[SS]])`);
      return undefined;
    }
    if (i >= refs.length) {
      const wanted = refs.map((r) => formatLocation(at(r.seg, r.field, r.component))).join(', ');
      issues.warn('CHANNEL_ORDER_DEFAULTED', where, `no scheduled start (${wanted}): the time of the order, ${formatLocation(where)}, is used`);
    }
    if (!parsed.time) {
      issues.warn('CHANNEL_ORDER_DEFAULTED', where, `${formatLocation(where)} has a date but no time: 000000 is used`);
      parsed.time = '000000';
    }
    return parsed;
  }
  return undefined;
}
