// Patient -> the worklist's patient attributes (standards-mappings.md 2.2): the Patient ID is the
// identifier typed MR (v2-0203), or the one of the configured Patient ID domain, else the first;
// its issuer is assigner.display (as HL7 PID-3.4.1), else the system; the other identifiers go to
// OtherPatientIDsSequence. Name: the official one, else the first.
import type { Result } from '../engine/index.ts';
import { dateToDa, fitIdentifier, isNotAscii, issuerItem, issuerKey, personName } from './dicom-values.ts';
import type { Identifier, OperationOutcomeIssue, Patient } from './fhir-types.ts';
import { MappingIssues } from './mapping-issues.ts';
import type { MwlOtherPatientId, MwlPatient } from './worklist-shapes.ts';

export const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

export type PatientMappingContext = {
  /** The issuer (assigner.display or system) whose identifier is the Patient ID; null: the MR one, else the first. */
  patientIdDomain: string | null;
};

export type MappedPatient = { patient: MwlPatient; warnings: OperationOutcomeIssue[] };

export function identifierType(id: Identifier): string | undefined {
  return id.type?.coding?.find((c) => c.system === V2_0203 && c.code)?.code;
}

/** Index of the identifier that is the Patient ID, -1 when none has a value. */
export function patientIdIndex(ids: readonly Identifier[], domain: string | null): number {
  const valued = ids.map((id, i) => ({ id, i })).filter(({ id }) => id.value);
  if (domain !== null) return valued.find(({ id }) => issuerKey(id) === domain || (id.system ?? '') === domain)?.i ?? -1;
  return (valued.find(({ id }) => identifierType(id) === 'MR') ?? valued[0])?.i ?? -1;
}

const GENDER_TO_SEX: Record<string, string> = { male: 'M', female: 'F', other: 'O', unknown: '' };

export function patientToDemographics(p: Patient, ctx: PatientMappingContext, at = 'Patient'): Result<MappedPatient, OperationOutcomeIssue[]> {
  const issues = new MappingIssues();
  const ids = p.identifier ?? [];
  const index = patientIdIndex(ids, ctx.patientIdDomain);
  const chosen = ids[index];
  if (!chosen) {
    const why = ctx.patientIdDomain !== null && ids.length ? `has no identifier of the Patient ID domain ${ctx.patientIdDomain}` : 'is empty: the worklist needs a Patient ID';
    issues.error('required', `${at}.identifier`, `Patient.identifier ${why}`);
    return { ok: false, error: issues.all };
  }
  const where = `${at}.identifier[${index}]`;
  const patientId = fitIdentifier(issues, chosen.value, 'LO', `${where}.value`, 'Patient ID');
  const issuer = fitIdentifier(issues, issuerKey(chosen), 'LO', chosen.assigner?.display ? `${where}.assigner.display` : `${where}.system`, 'issuer of the Patient ID (give assigner.display for a long system)');
  const qualifiers = chosen.system ? issuerItem({ system: chosen.system }) : undefined;

  const others: MwlOtherPatientId[] = [];
  ids.forEach((id, i) => {
    if (i === index || !id.value) return;
    const key = issuerKey(id);
    if ([...id.value].length > 64 || [...key].length > 64) {
      issues.warn(`${at}.identifier[${i}]`, `identifier ${JSON.stringify(id.value)} does not fit OtherPatientIDsSequence (LO 64); left out`);
      return;
    }
    others.push({ PatientID: id.value, ...(key ? { IssuerOfPatientID: key } : {}), TypeOfPatientID: 'TEXT' });
  });

  const names = p.name ?? [];
  const nameIndex = Math.max(0, names.findIndex((n) => n.use === 'official'));
  const name = personName(issues, names[nameIndex], `${at}.name[${nameIndex}]`, 'Patient name');
  if (!name) issues.error('required', `${at}.name`, 'Patient.name is empty: the worklist needs a patient name');

  const birthDate = dateToDa(p.birthDate);
  if (p.birthDate && !birthDate) issues.warn(`${at}.birthDate`, `birthDate ${p.birthDate} is not a full date; DICOM has no partial DA: left out`);

  if (issues.errors.length || !patientId || issuer === undefined) return { ok: false, error: issues.all };
  const patient: MwlPatient = {
    PatientName: name,
    PatientID: patientId,
    ...(issuer ? { IssuerOfPatientID: issuer } : {}),
    ...(qualifiers?.UniversalEntityID ? { IssuerOfPatientIDQualifiersSequence: [{ UniversalEntityID: qualifiers.UniversalEntityID, ...(qualifiers.UniversalEntityIDType ? { UniversalEntityIDType: qualifiers.UniversalEntityIDType } : {}) }] } : {}),
    ...(others.length ? { OtherPatientIDsSequence: others } : {}),
    ...(birthDate ? { PatientBirthDate: birthDate } : {}),
    ...(p.gender ? { PatientSex: GENDER_TO_SEX[p.gender] ?? '' } : {}),
  };
  // JSON text is Unicode: non-ASCII text needs UTF-8 in DICOM.
  const out: MwlPatient = isNotAscii(JSON.stringify(patient)) ? { SpecificCharacterSet: 'ISO_IR 192', ...patient } : patient;
  return { ok: true, value: { patient: out, warnings: issues.warnings } };
}
