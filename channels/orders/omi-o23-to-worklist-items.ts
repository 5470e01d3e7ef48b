// OMI^O23 v2.5.1 (IHE SWF.b RAD-4/RAD-13) -> worklist items, per standards-mappings.md 1.3
// "HL7 v2.5.1 source": one step per IPC (IPCs with the same IPC-4 are one step with several
// protocol codes): accession IPC-1 (issuer IPC-1.2..4), Requested Procedure ID IPC-2, Study
// Instance UID IPC-3 (generated once when empty), SPS ID IPC-4, modality IPC-5 (a DICOM code is
// taken as sent; else the modality table, then OBR-24), protocol IPC-6, station name IPC-7,
// location IPC-8, station AE title IPC-9 (else the station rules); SPS start TQ1-7, priority TQ1-9.
// Without IPC, the step is read from OBR/ZDS as in ORM^O01.
import type { Hl7Message } from '@medplum/core';
import type { CodeItem } from '../../dicom/index.ts';
import type { Result } from '../../engine/index.ts';
import { at, repetitions, sent, value } from './hl7-fields.ts';
import type { Seg } from './hl7-fields.ts';
import { codeItem, issuerItem } from './hl7-to-dicom-values.ts';
import type { IssueList, MappingIssue } from './mapping-issues.ts';
import { mapOrderMessage } from './order-message-to-worklist.ts';
import type { OrderMappingContext, OrderMessage, OrderProfile, StepSource } from './order-message-to-worklist.ts';
import type { OrderGroup } from './order-groups.ts';
import { obrStep } from './orm-o01-to-worklist-items.ts';

function ipcSteps(issues: IssueList, msg: Hl7Message, group: OrderGroup): StepSource[] {
  if (group.ipcs.length === 0) return group.obr ? [obrStep(issues, msg, group)] : [];
  const obr = group.obr ?? { id: 'OBR', n: 1 };
  const bySps = new Map<string, Seg[]>();
  for (const ipc of group.ipcs) {
    const key = value(msg, ipc, 4, 1);
    bySps.set(key, [...(bySps.get(key) ?? []), ipc]);
  }
  return [...bySps.values()].map((ipcs) => {
    const ipc = ipcs[0]!;
    const protocols: CodeItem[] = [];
    for (const s of ipcs) {
      for (let r = 1; r <= repetitions(msg, s, 6); r++) {
        const c = codeItem(issues, value(msg, s, 6, 1, undefined, r), value(msg, s, 6, 2, undefined, r), value(msg, s, 6, 3, undefined, r), at(s, 6), 'protocol code');
        if (c) protocols.push(c);
      }
    }
    const aeTitles = Array.from({ length: repetitions(msg, ipc, 9) }, (_, i) => value(msg, ipc, 9, 1, undefined, i + 1)).filter(Boolean);
    return {
      accession: { value: sent(msg, ipc, 1, 1), at: at(ipc, 1) },
      accessionIssuer: issuerItem(value(msg, ipc, 1, 2), value(msg, ipc, 1, 3), value(msg, ipc, 1, 4)),
      requestedProcedureId: { value: sent(msg, ipc, 2, 1), at: at(ipc, 2) },
      studyInstanceUid: { value: sent(msg, ipc, 3, 1), at: at(ipc, 3) },
      spsId: { value: sent(msg, ipc, 4, 1), at: at(ipc, 4) },
      modality: [
        { code: value(msg, ipc, 5, 1), scheme: value(msg, ipc, 5, 3), at: at(ipc, 5) },
        { code: value(msg, obr, 24, 1), scheme: '', at: at(obr, 24) },
      ],
      protocolCodes: protocols.length ? protocols : undefined,
      spsDescription: value(msg, ipc, 6, 2) ? { value: value(msg, ipc, 6, 2), at: at(ipc, 6, 2) } : { value: value(msg, obr, 4, 5) || undefined, at: at(obr, 4, 5) },
      stationName: { value: sent(msg, ipc, 7, 1), at: at(ipc, 7) },
      location: { value: sent(msg, ipc, 8, 1), at: at(ipc, 8) },
      aeTitles: aeTitles.length ? { values: aeTitles, at: at(ipc, 9) } : undefined,
    };
  });
}

export const OMI_O23_PROFILE: OrderProfile = {
  messageType: 'OMI^O23',
  steps: ipcSteps,
  start: (g) => [
    ...(g.tq1 ? [{ seg: g.tq1, field: 7 }] : []),
    { seg: g.orc, field: 7, component: 4 },
    ...(g.obr ? [{ seg: g.obr, field: 27, component: 4 }, { seg: g.obr, field: 36 }] : []),
  ],
  priority: (g) => [...(g.tq1 ? [{ seg: g.tq1, field: 9, component: 1 }] : []), { seg: g.orc, field: 7, component: 6 }, ...(g.obr ? [{ seg: g.obr, field: 27, component: 6 }] : [])],
};

export function omiO23ToWorklistItems(msg: Hl7Message, ctx: OrderMappingContext): Result<OrderMessage, MappingIssue[]> {
  return mapOrderMessage(msg, ctx, OMI_O23_PROFILE);
}
