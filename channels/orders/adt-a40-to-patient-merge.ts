// ADT^A40 (merge patient - patient identifier list) -> patient merges: each PID (the surviving
// patient, as in adt-to-patient-update.ts) with the MRG after it, whose MRG-1 (the configured
// domain's repetition, like PID-3) is the Patient ID that disappears. The worklist items of the
// old ID move to the surviving one.
import type { Hl7Message } from '@medplum/core';
import type { PatientDemographics, PatientRef } from '../../dicom/index.ts';
import type { Result } from '../../engine/index.ts';
import { at, segmentsOf, value } from './hl7-fields.ts';
import { IssueList } from './mapping-issues.ts';
import type { MappingIssue } from './mapping-issues.ts';
import type { PatientMappingContext } from './adt-to-patient-update.ts';
import { chooseIdentifier, identifierAt, patientCharset, patientFromPid } from './patient-attributes.ts';

export type PatientMerge = {
  messageType: string;
  controlId: string;
  merges: { patient: PatientDemographics; mergedFrom: PatientRef }[];
  warnings: MappingIssue[];
};

const MSH = { id: 'MSH', n: 1 };

export function adtA40ToPatientMerge(msg: Hl7Message, ctx: PatientMappingContext): Result<PatientMerge, MappingIssue[]> {
  const issues = new IssueList();
  const domain = ctx.tables.patientIdDomain;
  const merges: PatientMerge['merges'] = [];
  const pids = segmentsOf(msg, 'PID');
  if (pids.length === 0) patientFromPid(issues, msg, undefined, domain, false);
  // Pair each PID with the MRG that follows it (the A40 PATIENT group is PID, [PD1], MRG, [PV1]).
  let pidIndex = 0;
  let mrgIndex = 0;
  let current: { seg: { id: string; n: number } } | undefined;
  for (const segment of msg.segments) {
    if (segment.name === 'PID') current = { seg: { id: 'PID', n: ++pidIndex } };
    if (segment.name !== 'MRG') continue;
    const mrg = { id: 'MRG', n: ++mrgIndex };
    if (!current) continue;
    const patient = patientFromPid(issues, msg, current.seg, domain, false);
    const r = chooseIdentifier(msg, mrg, 1, domain);
    if (r === 0) {
      issues.error('CHANNEL_ORDER_FIELD_MISSING', at(mrg, 1), `MRG-1 Prior Patient Identifier List ${domain === null ? 'is empty' : `has no identifier with assigning authority ${domain}`}`);
    }
    const from = r ? identifierAt(issues, msg, mrg, 1, r, 'Prior Patient ID') : undefined;
    if (patient && from) merges.push({ patient: patientCharset(msg, patient), mergedFrom: { PatientID: from.PatientID, ...(from.IssuerOfPatientID ? { IssuerOfPatientID: from.IssuerOfPatientID } : {}) } });
    current = undefined;
  }
  if (pids.length > 0 && mrgIndex === 0) issues.error('CHANNEL_ORDER_FIELD_MISSING', { segment: 'MRG', sequence: 1, field: 1 }, 'MRG-1 Prior Patient Identifier List is empty: the message has no MRG segment');
  if (issues.errors.length) return { ok: false, error: issues.issues };
  return {
    ok: true,
    value: { messageType: `${value(msg, MSH, 9, 1)}^${value(msg, MSH, 9, 2)}`, controlId: value(msg, MSH, 10), merges, warnings: issues.warnings },
  };
}
