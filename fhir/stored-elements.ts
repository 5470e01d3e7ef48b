// Reads answer from the worklist, which is the one model both HL7 and FHIR write to. A resource
// that came over FHIR keeps what the worklist does not hold (category, authoredOn, telecom...)
// and, element by element, the form it was posted in as long as the worklist values it mapped to
// are unchanged (an occurrence keeps its time zone, a code its system); when HL7, MPPS or a later
// update changed them, the element is rebuilt from the worklist.
import type { Resource } from './fhir-types.ts';

/** FHIR elements and the worklist keys they map to (item level and step level). */
export type ElementGroup = { elements: readonly string[]; item?: readonly string[]; step?: readonly string[] };

type Values = Record<string, unknown> & { ScheduledProcedureStepSequence?: Record<string, unknown>[] };

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Whether the worklist values of a group are as they were when the resource was posted. */
export function groupUnchanged(group: ElementGroup, now: Values, posted: Values): boolean {
  const nowStep = now.ScheduledProcedureStepSequence?.[0] ?? {};
  const postedStep = posted.ScheduledProcedureStepSequence?.[0] ?? {};
  return (group.item ?? []).every((k) => same(now[k], posted[k])) && (group.step ?? []).every((k) => same(nowStep[k], postedStep[k]));
}

/**
 * `built` with the stored resource's elements laid over it: `always` ones whenever stored, each
 * group's when its worklist values are unchanged since the post. Contained resources are kept
 * when something still refers to them (`#id`).
 */
export function withStoredElements<T extends Resource>(built: T, stored: Resource | undefined, posted: Values | undefined, now: Values, groups: readonly ElementGroup[], always: readonly string[]): T {
  if (!stored) return built;
  const out: Record<string, unknown> = { ...built };
  for (const name of always) if (stored[name] !== undefined) out[name] = stored[name];
  if (posted) {
    for (const g of groups) {
      if (!groupUnchanged(g, now, posted)) continue;
      for (const name of g.elements) delete out[name];
      for (const name of g.elements) if (stored[name] !== undefined) out[name] = stored[name];
    }
  }
  const contained = Array.isArray(stored.contained) ? (stored.contained as Resource[]) : [];
  const text = JSON.stringify({ ...out, contained: undefined });
  const referred = contained.filter((c) => c.id && text.includes(`"#${c.id}"`));
  if (referred.length) out.contained = referred;
  else delete out.contained;
  return orderedLike(out, built, stored) as T;
}

/** resourceType, id, meta first, then the elements in the order of the definition (approximated by the stored, then the built resource). */
function orderedLike(out: Record<string, unknown>, built: Resource, stored: Resource): Record<string, unknown> {
  const keys = [...new Set(['resourceType', 'id', 'meta', 'contained', ...Object.keys(stored), ...Object.keys(built), ...Object.keys(out)])];
  const sorted: Record<string, unknown> = {};
  for (const k of keys) if (out[k] !== undefined) sorted[k] = out[k];
  return sorted;
}
