// ORM^O01 v2.3.1 (IHE RAD-4/RAD-13, with or without ZDS) -> worklist items, per
// standards-mappings.md 1.3 "HL7 v2.3.1 source": accession OBR-18, Requested Procedure ID OBR-19,
// SPS ID OBR-20, Study Instance UID ZDS-1.1 (generated once when there is no ZDS), modality
// OBR-24 through the modality table, SPS start ORC-7.4 (then OBR-27.4, OBR-36), priority
// ORC-7.6 (then OBR-27.6), protocol OBR-4.4/.6/.5, SPS description OBR-4.5, station AE title by
// the station rules (which may take ORC-18).
import type { Hl7Message } from '@medplum/core';
import type { Result } from '../../engine/index.ts';
import { at, sent, value } from './hl7-fields.ts';
import { codeItem } from './hl7-to-dicom-values.ts';
import type { IssueList, MappingIssue } from './mapping-issues.ts';
import { mapOrderMessage } from './order-message-to-worklist.ts';
import type { OrderMappingContext, OrderMessage, OrderProfile, StepSource } from './order-message-to-worklist.ts';
import type { OrderGroup } from './order-groups.ts';

/** One step from the group's OBR and ZDS (also used by OMI^O23 when a sender leaves IPC out). */
export function obrStep(issues: IssueList, msg: Hl7Message, group: OrderGroup): StepSource {
  const obr = group.obr ?? { id: 'OBR', n: 1 };
  const zds = group.zds ?? { id: 'ZDS', n: 1 };
  const protocol = codeItem(issues, value(msg, obr, 4, 4), value(msg, obr, 4, 5), value(msg, obr, 4, 6), at(obr, 4, 4), 'protocol code');
  return {
    accession: { value: sent(msg, obr, 18, 1), at: at(obr, 18) },
    requestedProcedureId: { value: sent(msg, obr, 19, 1), at: at(obr, 19) },
    studyInstanceUid: { value: group.zds ? sent(msg, zds, 1, 1) : undefined, at: at(zds, 1) },
    spsId: { value: sent(msg, obr, 20, 1), at: at(obr, 20) },
    modality: [{ code: value(msg, obr, 24, 1), scheme: '', at: at(obr, 24) }],
    protocolCodes: protocol ? [protocol] : undefined,
    spsDescription: { value: value(msg, obr, 4, 5) || undefined, at: at(obr, 4, 5) },
  };
}

export const ORM_O01_PROFILE: OrderProfile = {
  messageType: 'ORM^O01',
  steps: (issues, msg, group) => (group.obr ? [obrStep(issues, msg, group)] : []),
  start: (g) => [{ seg: g.orc, field: 7, component: 4 }, ...(g.obr ? [{ seg: g.obr, field: 27, component: 4 }, { seg: g.obr, field: 36 }] : [])],
  priority: (g) => [{ seg: g.orc, field: 7, component: 6 }, ...(g.obr ? [{ seg: g.obr, field: 27, component: 6 }] : [])],
};

export function ormO01ToWorklistItems(msg: Hl7Message, ctx: OrderMappingContext): Result<OrderMessage, MappingIssue[]> {
  return mapOrderMessage(msg, ctx, ORM_O01_PROFILE);
}
