// ADT^A01 (admit), A04 (register), A08 (update patient information) -> the patient's
// demographics (standards-mappings.md 1.3, the PID rows): PID-3 (the configured domain's
// repetition) identifies the patient; name, birth date, sex and other IDs are updated where sent
// (`""` clears), and flow to the patient's open worklist items.
import type { Hl7Message } from '@medplum/core';
import type { PatientDemographics } from '../../dicom/index.ts';
import type { Result } from '../../engine/index.ts';
import { value } from './hl7-fields.ts';
import { IssueList } from './mapping-issues.ts';
import type { MappingIssue } from './mapping-issues.ts';
import { firstSegment } from './order-groups.ts';
import { patientCharset, patientFromPid } from './patient-attributes.ts';
import type { WorklistTables } from './worklist-tables.ts';

export type PatientMappingContext = { tables: WorklistTables };

export type PatientUpdate = {
  /** MSH-9.1^MSH-9.2, e.g. ADT^A08. */
  messageType: string;
  controlId: string;
  patient: PatientDemographics;
  warnings: MappingIssue[];
};

const MSH = { id: 'MSH', n: 1 };

export function adtToPatientUpdate(msg: Hl7Message, ctx: PatientMappingContext): Result<PatientUpdate, MappingIssue[]> {
  const issues = new IssueList();
  const patient = patientFromPid(issues, msg, firstSegment(msg, 'PID'), ctx.tables.patientIdDomain, false);
  if (!patient || issues.errors.length) return { ok: false, error: issues.issues };
  return {
    ok: true,
    value: {
      messageType: `${value(msg, MSH, 9, 1)}^${value(msg, MSH, 9, 2)}`,
      controlId: value(msg, MSH, 10),
      patient: patientCharset(msg, patient),
      warnings: issues.warnings,
    },
  };
}
