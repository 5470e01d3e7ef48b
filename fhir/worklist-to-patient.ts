// A worklist patient (from ADT, an order's PID or a FHIR Patient) -> Patient: the reverse of
// patient-to-demographics.ts. A merged patient (ADT^A40) is inactive and links to the survivor.
import { daToDate, humanName, systemOf } from './dicom-values.ts';
import type { Identifier, Patient, Reference } from './fhir-types.ts';
import { V2_0203 } from './patient-to-demographics.ts';
import { withStoredElements } from './stored-elements.ts';
import type { ElementGroup } from './stored-elements.ts';
import type { MwlPatient } from './worklist-shapes.ts';

export type WorklistPatientView = {
  attributes: MwlPatient;
  /** The patient this one was merged into (ADT^A40), as a reference. */
  mergedInto?: Reference | undefined;
  updatedAt: Date;
};

export type StoredPatient = { resource: Patient; mapped: MwlPatient | null; updatedAt: Date };

export const PATIENT_GROUPS: readonly ElementGroup[] = [
  { elements: ['identifier'], item: ['PatientID', 'IssuerOfPatientID', 'IssuerOfPatientIDQualifiersSequence', 'OtherPatientIDsSequence'] },
  { elements: ['name'], item: ['PatientName'] },
  { elements: ['gender'], item: ['PatientSex'] },
  { elements: ['birthDate'], item: ['PatientBirthDate'] },
];

export const PATIENT_KEPT = ['implicitRules', 'language', 'text', 'extension', 'telecom', 'deceasedBoolean', 'deceasedDateTime', 'address', 'maritalStatus', 'multipleBirthBoolean', 'multipleBirthInteger', 'contact', 'communication', 'generalPractitioner', 'managingOrganization'] as const;

const SEX_TO_GENDER: Record<string, Patient['gender']> = { M: 'male', F: 'female', O: 'other' };

export function patientFromWorklist(id: string, p: WorklistPatientView, stored: StoredPatient | undefined): Patient {
  const a = p.attributes;
  const system = systemOf(a.IssuerOfPatientIDQualifiersSequence?.[0]);
  const ids: Identifier[] = [
    {
      type: { coding: [{ system: V2_0203, code: 'MR' }] },
      ...(system ? { system } : {}),
      value: a.PatientID,
      ...(a.IssuerOfPatientID && a.IssuerOfPatientID !== a.IssuerOfPatientIDQualifiersSequence?.[0]?.UniversalEntityID ? { assigner: { display: a.IssuerOfPatientID } } : {}),
    },
    ...(a.OtherPatientIDsSequence ?? []).map((o) => ({ value: o.PatientID, ...(o.IssuerOfPatientID ? { assigner: { display: o.IssuerOfPatientID } } : {}) })),
  ];
  const name = humanName(a.PatientName);
  const gender = a.PatientSex ? SEX_TO_GENDER[a.PatientSex] : undefined;
  const birthDate = daToDate(a.PatientBirthDate);
  const built: Patient = {
    resourceType: 'Patient',
    id,
    meta: { lastUpdated: new Date(Math.max(p.updatedAt.getTime(), stored?.updatedAt.getTime() ?? 0)).toISOString() },
    identifier: ids,
    active: !p.mergedInto,
    ...(name ? { name: [name] } : {}),
    ...(gender ? { gender } : {}),
    ...(birthDate ? { birthDate } : {}),
    ...(p.mergedInto ? { link: [{ other: p.mergedInto, type: 'replaced-by' as const }] } : {}),
  };
  if (!stored) return built;
  const merged = withStoredElements(built, stored.resource, (stored.mapped ?? undefined) as Record<string, unknown> | undefined, a as Record<string, unknown>, PATIENT_GROUPS, PATIENT_KEPT);
  return { ...merged, active: built.active, ...(built.link ? { link: built.link } : {}) };
}
