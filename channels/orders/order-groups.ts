// An order message's ORC groups: each ORC and the segments after it up to the next ORC (TQ1,
// OBR, NTE, IPC, ZDS). ORM^O01 v2.3.1: {ORC, OBR, [NTE], [ZDS]}; OMI^O23 v2.5.1:
// {ORC, [TQ1], OBR, [NTE], {IPC}} (standards-mappings.md 1.1).
import type { Hl7Message } from '@medplum/core';
import type { Seg } from './hl7-fields.ts';

export type OrderGroup = { orc: Seg; tq1?: Seg; obr?: Seg; ntes: Seg[]; ipcs: Seg[]; zds?: Seg };

export function orderGroups(msg: Hl7Message): OrderGroup[] {
  const seen = new Map<string, number>();
  const groups: OrderGroup[] = [];
  for (const segment of msg.segments) {
    const id = segment.name;
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    const seg = { id, n };
    if (id === 'ORC') {
      groups.push({ orc: seg, ntes: [], ipcs: [] });
      continue;
    }
    const group = groups[groups.length - 1];
    if (!group) continue;
    if (id === 'TQ1') group.tq1 ??= seg;
    else if (id === 'OBR') group.obr ??= seg;
    else if (id === 'NTE') group.ntes.push(seg);
    else if (id === 'IPC') group.ipcs.push(seg);
    else if (id === 'ZDS') group.zds ??= seg;
  }
  return groups;
}

/** The first segment with this ID, if any. */
export function firstSegment(msg: Hl7Message, id: string): Seg | undefined {
  return msg.segments.some((s) => s.name === id) ? { id, n: 1 } : undefined;
}
