// A Modality Worklist C-FIND identifier (PS3.4 K.6, standards-mappings.md 3) -> a WorklistFind:
// the keys asked for, as a tree that follows the identifier's sequences, each with its matcher
// (PS3.4 C.2.2.2) when it has a value. Every key present is returned; keys with a value also
// match. The SQL builder (worklist-find-sql.ts), the in-memory matcher (worklist-find-match.ts)
// and the response builder (worklist-find-response.ts) all read this one value.
import type { Result } from '../../engine/index.ts';
import type { DicomError } from '../dicom-error.ts';
import { isPersonName } from '../dicom-json.ts';
import type { DicomJson, DicomJsonElement } from '../dicom-json.ts';
import { parseMatcher } from '../query/parse-matcher.ts';
import type { Matcher } from '../query/study-query.ts';
import { attributesByTag, MWL_ATTRIBUTES, SPS_ATTRIBUTES } from './worklist-find-attributes.ts';
import type { MwlAttribute } from './worklist-find-attributes.ts';
import type { WorklistItem } from './worklist-item.ts';
import type { WorklistStatus } from './worklist-status.ts';

/**
 * A matcher of the study query (single, list, wildcard, range), or the combined date-time range
 * of PS3.4 C.2.2.2.5.1 on ScheduledProcedureStepStartDate, whose bounds are `YYYYMMDD[HHMMSS]`
 * compared with the step's date and time written one after the other.
 */
export type WorklistMatcher = Matcher | { type: 'dateTimeRange'; from?: string; to?: string };

export type MwlKey = {
  tag: string;
  /** The VR the requester gave: answered for keys this SCP does not know. */
  vr: string;
  /** Undefined for keys this SCP does not know (returned zero-length). */
  attribute?: MwlAttribute;
  /** Undefined: universal matching. */
  matcher?: WorklistMatcher;
  /** Sequence keys: the keys of their one item; empty means the whole sequence (universal). */
  items?: MwlKey[];
};

export type WorklistFind = {
  keys: MwlKey[];
  /** (0008,0005) was in the identifier: it is then always answered. */
  charsetRequested: boolean;
  /** Keys given a value this SCP does not match on, as `(gggg,eeee)`: matched universally, answered Pending FF01. */
  unsupported: string[];
};

export type WorklistFindOptions = {
  /** Combined date-time range matching was negotiated (extended negotiation, PS3.4 C.2.2.2.5.1). */
  combinedDateTime?: boolean;
};

const SPECIFIC_CHARACTER_SET = '00080005';
/** Not part of the worklist model (K.6.1); some modalities send it anyway, so it is ignored rather than refused. */
const QUERY_RETRIEVE_LEVEL = '00080052';

const invalid = (message: string): { ok: false; error: DicomError } => ({ ok: false, error: { code: 'DICOM_QUERY_INVALID', message } });

const formatTag = (tag: string) => `(${tag.slice(0, 4)},${tag.slice(4)})`;

function texts(el: DicomJsonElement): string[] {
  return (el.Value ?? []).map((v) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : isPersonName(v) ? (v.Alphabetic ?? '') : ''));
}

/** A key with something to match: a value, or, in a sequence, an item key with one (empty item keys are return keys). */
function hasValue(el: DicomJsonElement): boolean {
  if (el.vr === 'SQ') return (el.Value ?? []).some((item) => item !== null && typeof item === 'object' && Object.values(item as DicomJson).some(hasValue));
  return texts(el).some((t) => t.trim() !== '') || el.InlineBinary !== undefined;
}

function parseLevel(ds: DicomJson, attributes: readonly MwlAttribute[], top: boolean, unsupported: string[]): Result<MwlKey[], DicomError> {
  const known = attributesByTag(attributes);
  const keys: MwlKey[] = [];
  for (const tag of Object.keys(ds).sort()) {
    if (tag.startsWith('0000') || tag.startsWith('0002')) continue;
    if (top && (tag === SPECIFIC_CHARACTER_SET || tag === QUERY_RETRIEVE_LEVEL)) continue;
    const el = ds[tag]!;
    const attribute = known.get(tag);
    if (!attribute) {
      if (hasValue(el)) unsupported.push(formatTag(tag));
      keys.push({ tag, vr: el.vr });
      continue;
    }
    if (attribute.kind === 'sequence') {
      const items = (el.Value ?? []).filter((v): v is DicomJson => v !== null && typeof v === 'object' && !isPersonName(v) && !Array.isArray(v));
      if (items.length > 1) return invalid(`${attribute.keyword}: a sequence key holds one item, not ${items.length}`);
      const inner = items[0] ? parseLevel(items[0], attribute.items ?? [], false, unsupported) : { ok: true as const, value: [] };
      if (!inner.ok) return inner;
      keys.push({ tag, vr: 'SQ', attribute, items: inner.value });
      continue;
    }
    if (attribute.kind === 'none') {
      // Known and returned, never matched (PregnancyStatus): clients fill such keys with 0 as often
      // as they mean it, so a value here matches universally without the FF01 warning.
      keys.push({ tag, vr: attribute.vr, attribute });
      continue;
    }
    const m = parseMatcher(attribute.kind, texts(el), attribute.keyword);
    if (!m.ok) return m;
    keys.push({ tag, vr: attribute.vr, attribute, ...(m.value ? { matcher: m.value } : {}) });
  }
  return { ok: true, value: keys };
}

/** With combined date-time matching, a date range and a time range on the step become one range. */
function combineDateTime(spsKeys: MwlKey[]): void {
  const date = spsKeys.find((k) => k.attribute?.keyword === 'ScheduledProcedureStepStartDate');
  const time = spsKeys.find((k) => k.attribute?.keyword === 'ScheduledProcedureStepStartTime');
  if (date?.matcher?.type !== 'range' || time?.matcher?.type !== 'range') return;
  const { from: d1, to: d2 } = date.matcher;
  const { from: t1, to: t2 } = time.matcher;
  date.matcher = { type: 'dateTimeRange', ...(d1 ? { from: d1 + (t1 ?? '') } : {}), ...(d2 ? { to: d2 + (t2 ?? '') } : {}) };
  delete time.matcher;
}

export function parseWorklistFind(identifier: DicomJson, opts: WorklistFindOptions = {}): Result<WorklistFind, DicomError> {
  const unsupported: string[] = [];
  const parsed = parseLevel(identifier, MWL_ATTRIBUTES, true, unsupported);
  if (!parsed.ok) return parsed;
  const sps = parsed.value.find((k) => k.attribute?.items === SPS_ATTRIBUTES);
  if (opts.combinedDateTime && sps?.items) combineDateTime(sps.items);
  return { ok: true, value: { keys: parsed.value, charsetRequested: SPECIFIC_CHARACTER_SET in identifier, unsupported } };
}

/** True when a key, or a key inside it, has a value to match. */
export function hasConditions(keys: readonly MwlKey[]): boolean {
  return keys.some((k) => k.matcher !== undefined || (k.items !== undefined && hasConditions(k.items)));
}

/** (0040,0020) ScheduledProcedureStepStatus for each item status: an item an MPPS started is STARTED (PS3.3 C.4.10). */
const SPS_STATUS: Record<WorklistStatus, string> = {
  SCHEDULED: 'SCHEDULED',
  'IN PROGRESS': 'STARTED',
  COMPLETED: 'COMPLETED',
  DISCONTINUED: 'DISCONTINUED',
  CANCELLED: 'CANCELLED',
};

/** A stored item as the modality sees it: with the step's status, which the item keeps in its own column. */
export type WorklistView = Record<string, unknown>;

export function worklistView(item: WorklistItem, status: WorklistStatus): WorklistView {
  const sps = item.ScheduledProcedureStepSequence[0] ?? {};
  return { ...item, ScheduledProcedureStepSequence: [{ ...sps, ScheduledProcedureStepStatus: SPS_STATUS[status] }] };
}
