// Reading one segment occurrence's fields as the specs count them (OBR[2]-18.1), on top of the
// engine's HL7 field paths, with the three states HL7 gives a field: not sent (keep what is
// stored), `""` (explicit null: clear it), or a value (standards-mappings.md 1.2, 7.4).
import type { Hl7Message } from '@medplum/core';
import { getRawValue, getRawValues, getValue } from '../../engine/index.ts';
import type { Hl7Location } from './mapping-issues.ts';

/** One segment of a message: its ID and which one of that ID it is, from 1 (`OBR[2]`). */
export type Seg = { id: string; n: number };

/** Every segment with this ID, in order. */
export function segmentsOf(msg: Hl7Message, id: string): Seg[] {
  return msg.segments.filter((s) => s.name === id).map((_, i) => ({ id, n: i + 1 }));
}

export function at(seg: Seg, field: number, component?: number): Hl7Location {
  return { segment: seg.id, sequence: seg.n, field, ...(component !== undefined ? { component } : {}) };
}

function path(seg: Seg, field: number, component?: number, subcomponent?: number, repetition?: number): string {
  let p = `${seg.id}[${seg.n}]-${field}`;
  if (repetition !== undefined) p += `[${repetition}]`;
  if (component !== undefined) p += `.${component}`;
  if (component !== undefined && subcomponent !== undefined) p += `.${subcomponent}`;
  return p;
}

/** The value, unescaped and trimmed; '' when absent. `repetition` counts from 1 (default: the first). */
export function value(msg: Hl7Message, seg: Seg, field: number, component?: number, subcomponent?: number, repetition?: number): string {
  return getValue(msg, path(seg, field, component, subcomponent, repetition)).trim();
}

/** True when the whole field is the explicit null `""`. */
export function isNull(msg: Hl7Message, seg: Seg, field: number): boolean {
  return getRawValue(msg, path(seg, field)).trim() === '""';
}

/** undefined when not sent, '' for an explicit null (`""`), else the value. */
export function sent(msg: Hl7Message, seg: Seg, field: number, component?: number, subcomponent?: number, repetition?: number): string | undefined {
  if (isNull(msg, seg, field)) return '';
  const v = value(msg, seg, field, component, subcomponent, repetition);
  return v === '' ? undefined : v;
}

/** How many repetitions the field has (0 when it is empty). */
export function repetitions(msg: Hl7Message, seg: Seg, field: number): number {
  return getRawValues(msg, path(seg, field)).length;
}

/** The whole field as written, all repetitions (for MSH-18). */
export function rawRepetitions(msg: Hl7Message, seg: Seg, field: number): string[] {
  return getRawValues(msg, path(seg, field));
}

export function exists(msg: Hl7Message, seg: Seg | undefined): seg is Seg {
  return seg !== undefined && segmentsOf(msg, seg.id).length >= seg.n;
}
