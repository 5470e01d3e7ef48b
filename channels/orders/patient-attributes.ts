// PID -> the patient attributes of a worklist item, PV1 (and PID-18) -> the visit attributes
// (standards-mappings.md 1.3). Shared by the order mappings and the ADT mappings.
import type { Hl7Message } from '@medplum/core';
import type { IssuerItem, OtherPatientId, PatientDemographics, WorklistItem } from '../../dicom/index.ts';
import { hl7CharsetToDicom } from '../../engine/index.ts';
import { at, rawRepetitions, repetitions, sent, value } from './hl7-fields.ts';
import type { Seg } from './hl7-fields.ts';
import { fitIdentifier, hasBackslashOrControl, isNotAscii, issuerItem, parseTimestamp, patientSex, personName } from './hl7-to-dicom-values.ts';
import { formatLocation } from './mapping-issues.ts';
import type { IssueList } from './mapping-issues.ts';

export type VisitAttributes = Pick<WorklistItem, 'ReferringPhysicianName' | 'AdmissionID' | 'IssuerOfAdmissionIDSequence' | 'PregnancyStatus'>;

/** A CX identifier: ID (CX.1) and assigning authority (CX.4 HD: namespace & universal ID & type). */
export type PatientIdentifier = {
  PatientID: string;
  IssuerOfPatientID?: string;
  IssuerOfPatientIDQualifiersSequence?: [{ UniversalEntityID: string; UniversalEntityIDType?: string }];
};

/**
 * The repetition of a CX list (PID-3, MRG-1) that is the Patient ID: the first whose assigning
 * authority (CX.4.1) is `domain`, or the first when no domain is configured. 0 when none.
 */
export function chooseIdentifier(msg: Hl7Message, seg: Seg, field: number, domain: string | null): number {
  const count = repetitions(msg, seg, field);
  for (let r = 1; r <= count; r++) {
    if (value(msg, seg, field, 1, undefined, r) === '') continue;
    if (domain === null || value(msg, seg, field, 4, 1, r) === domain) return r;
  }
  return 0;
}

/** Repetition `r` of a CX list as DICOM identifier attributes; undefined (with an error) when unusable. */
export function identifierAt(issues: IssueList, msg: Hl7Message, seg: Seg, field: number, r: number, name: string): PatientIdentifier | undefined {
  const where = at(seg, field, 1);
  const id = fitIdentifier(issues, value(msg, seg, field, 1, undefined, r), 'LO', where, name);
  const issuer = fitIdentifier(issues, value(msg, seg, field, 4, 1, r), 'LO', at(seg, field, 4), `${name} assigning authority`);
  if (!id || issuer === undefined) return undefined;
  const out: PatientIdentifier = { PatientID: id };
  if (issuer) out.IssuerOfPatientID = issuer;
  const universal = value(msg, seg, field, 4, 2, r);
  const type = value(msg, seg, field, 4, 3, r);
  if (universal) out.IssuerOfPatientIDQualifiersSequence = [{ UniversalEntityID: universal, ...(type ? { UniversalEntityIDType: type } : {}) }];
  return out;
}

/**
 * PID -> patient attributes. PID-3 (the domain's repetition) is required; PID-5 too when
 * `requireName`. Attributes not sent are left out (an update keeps what is stored); `""` gives ''.
 */
export function patientFromPid(issues: IssueList, msg: Hl7Message, pid: Seg | undefined, domain: string | null, requireName: boolean): PatientDemographics | undefined {
  const seg = pid ?? { id: 'PID', n: 1 };
  if (!pid) {
    issues.error('CHANNEL_ORDER_FIELD_MISSING', at(seg, 3), 'PID-3 Patient Identifier List is empty: the message has no PID segment');
    return undefined;
  }
  const r = chooseIdentifier(msg, seg, 3, domain);
  if (r === 0) {
    const why = domain !== null && repetitions(msg, seg, 3) > 0 ? `has no identifier with assigning authority ${domain} (PID-3.4.1)` : 'is empty';
    issues.error('CHANNEL_ORDER_FIELD_MISSING', at(seg, 3), `PID-3 Patient Identifier List ${why}`);
    return undefined;
  }
  const id = identifierAt(issues, msg, seg, 3, r, 'Patient ID');

  const nameWhere = at(seg, 5);
  const name = sent(msg, seg, 5) === '' ? '' : personName(issues, xpnParts(msg, seg, 5), nameWhere, 'Patient Name');
  if (requireName && !name) issues.error('CHANNEL_ORDER_FIELD_MISSING', nameWhere, 'PID-5 Patient Name is empty');

  const others: OtherPatientId[] = [];
  for (let k = 1; k <= repetitions(msg, seg, 3); k++) {
    if (k === r || value(msg, seg, 3, 1, undefined, k) === '') continue;
    const other = otherIdentifier(issues, msg, seg, k);
    if (other) others.push(other);
  }

  const birth = sent(msg, seg, 7);
  let birthDate: string | undefined = birth === '' ? '' : undefined;
  if (birth) {
    const parsed = parseTimestamp(birth);
    if (parsed?.date) birthDate = parsed.date;
    else issues.warn('CHANNEL_ORDER_IGNORED', at(seg, 7), `PID-7 Date of Birth ${JSON.stringify(birth)} is not a full date (YYYYMMDD); left out`);
  }

  if (!id) return undefined;
  const patient: PatientDemographics = {
    PatientName: name,
    ...id,
    PatientBirthDate: birthDate,
    PatientSex: patientSex(sent(msg, seg, 8, 1)),
    ...(others.length ? { OtherPatientIDsSequence: others } : {}),
  };
  return dropUndefined(patient);
}

function otherIdentifier(issues: IssueList, msg: Hl7Message, seg: Seg, k: number): OtherPatientId | undefined {
  const id = value(msg, seg, 3, 1, undefined, k);
  const issuer = value(msg, seg, 3, 4, 1, k);
  if ([...id].length > 64 || [...issuer].length > 64 || hasBackslashOrControl(id + issuer)) {
    issues.warn('CHANNEL_ORDER_IGNORED', at(seg, 3, 1), `${formatLocation(at(seg, 3))} repetition ${k} ${JSON.stringify(id)} does not fit OtherPatientIDsSequence (LO 64); left out`);
    return undefined;
  }
  return { PatientID: id, ...(issuer ? { IssuerOfPatientID: issuer } : {}), TypeOfPatientID: 'TEXT' };
}

/** XPN (PID-5): 1 family (FN.1), 2 given, 3 further given, 4 suffix, 5 prefix, 6 degree; first repetition. */
export function xpnParts(msg: Hl7Message, seg: Seg, field: number) {
  const c = (n: number, sub?: number) => value(msg, seg, field, n, sub);
  return { family: c(1, 1), given: c(2), middle: c(3), suffix: c(4), prefix: c(5), degree: c(6) };
}

/** XCN (PV1-8, OBR-16, ORC-12): 1 ID, 2 family (FN.1), 3 given, 4 middle, 5 suffix, 6 prefix, 7 degree; first repetition. */
export function xcnParts(msg: Hl7Message, seg: Seg, field: number) {
  const c = (n: number, sub?: number) => value(msg, seg, field, n, sub);
  return { family: c(2, 1), given: c(3), middle: c(4), suffix: c(5), prefix: c(6), degree: c(7) };
}

/** CN inside CM/NDL (OBR-32..34): sub-components of component 1: ID & family & given & middle & suffix & prefix & degree. */
export function cnParts(msg: Hl7Message, seg: Seg, field: number) {
  const s = (n: number) => value(msg, seg, field, 1, n);
  return { family: s(2), given: s(3), middle: s(4), suffix: s(5), prefix: s(6), degree: s(7) };
}

/** An XCN field as PN, '' for `""`, undefined when not sent. */
export function xcnName(issues: IssueList, msg: Hl7Message, seg: Seg, field: number, name: string): string | undefined {
  if (sent(msg, seg, field) === '') return '';
  return personName(issues, xcnParts(msg, seg, field), at(seg, field), name);
}

/**
 * PV1 -> visit attributes: ReferringPhysicianName (PV1-8), AdmissionID (PV1-19.1, else PID-18.1)
 * with IssuerOfAdmissionIDSequence (CX.4), PregnancyStatus 3 when PV1-15 has B6.
 */
export function visitFromPv1(issues: IssueList, msg: Hl7Message, pv1: Seg | undefined, pid: Seg | undefined): VisitAttributes {
  const visit: VisitAttributes = {};
  if (pv1) {
    const referring = xcnName(issues, msg, pv1, 8, 'Referring Doctor');
    if (referring !== undefined) visit.ReferringPhysicianName = referring;
    for (let r = 1; r <= repetitions(msg, pv1, 15); r++) if (value(msg, pv1, 15, 1, undefined, r) === 'B6') visit.PregnancyStatus = 3;
  }
  const source = pv1 && sent(msg, pv1, 19) !== undefined ? { seg: pv1, field: 19 } : pid && sent(msg, pid, 18) !== undefined ? { seg: pid, field: 18 } : undefined;
  if (source) {
    const admission = sent(msg, source.seg, source.field) === '' ? '' : fitIdentifier(issues, value(msg, source.seg, source.field, 1), 'LO', at(source.seg, source.field, 1), 'Admission ID');
    if (admission !== undefined) visit.AdmissionID = admission;
    const issuer: IssuerItem | undefined = issuerItem(
      value(msg, source.seg, source.field, 4, 1),
      value(msg, source.seg, source.field, 4, 2),
      value(msg, source.seg, source.field, 4, 3),
    );
    if (admission && issuer) visit.IssuerOfAdmissionIDSequence = [issuer];
  }
  return visit;
}

export function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

/** The patient with its character set: MSH-18, or UTF-8 when the text is not ASCII and MSH-18 names none. */
export function patientCharset(msg: Hl7Message, patient: PatientDemographics): PatientDemographics {
  const charset = hl7CharsetToDicom(rawRepetitions(msg, { id: 'MSH', n: 1 }, 18));
  if (charset) return { SpecificCharacterSet: charset, ...patient };
  return isNotAscii(JSON.stringify(patient)) ? { SpecificCharacterSet: 'ISO_IR 192', ...patient } : patient;
}
