// Does a worklist item match a WorklistFind? The rules of PS3.4 C.2.2.2 in memory, over the item
// as DICOM keywords (worklistView): single value, list, wildcard (* and ?), date and time ranges,
// the combined date-time range, and sequence matching (an item of the sequence must match every
// key of the query's item). A key with a value never matches an empty attribute (K.2.2.1.1.1).
// Person names match in any case, as modalities' operators type them (standards-mappings.md 3.3).
// worklist-find-sql.ts narrows the search with the same rules in SQL; this is the final word.
import { timeUpperBound } from '../query/query-sql.ts';
import type { MwlAttribute } from './worklist-find-attributes.ts';
import { hasConditions } from './worklist-find.ts';
import type { MwlKey, WorklistFind, WorklistMatcher, WorklistView } from './worklist-find.ts';

const regexCache = new Map<string, RegExp>();

/** `*` any run of characters, `?` exactly one (a code point, as SQL's `_`). */
export function wildcardRegExp(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (!re) {
    const body = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\*?]/g, '\\$&'))).join('');
    re = new RegExp(`^${body}$`, 'su');
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

/** A PN as compared: the alphabetic group without trailing empty components, in lower case. */
export function comparablePersonName(v: string): string {
  return v.split('=')[0]!.replace(/[\^ ]+$/, '').trim().toLowerCase();
}

/** The attribute's non-empty values as text (AE titles are a list). */
function valuesOf(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.flatMap(valuesOf);
  if (typeof v === 'string') return v.trim() === '' ? [] : [v.trim()];
  if (typeof v === 'number') return [String(v)];
  return [];
}

function matchesOne(attr: MwlAttribute, m: WorklistMatcher, value: string): boolean {
  switch (attr.kind) {
    case 'pn': {
      const text = comparablePersonName(value);
      if (m.type === 'single') return text === m.value.toLowerCase();
      if (m.type === 'list') return m.values.some((v) => v.toLowerCase() === text);
      if (m.type === 'wildcard') return wildcardRegExp(m.pattern.toLowerCase()).test(text);
      return false;
    }
    case 'text':
    case 'uid':
      if (m.type === 'single') return value === m.value;
      if (m.type === 'list') return m.values.includes(value);
      if (m.type === 'wildcard') return wildcardRegExp(m.pattern).test(value);
      return false;
    case 'date':
      if (m.type === 'single') return value === m.value;
      if (m.type === 'range') return (!m.from || m.from <= value) && (!m.to || value <= m.to);
      return false;
    case 'time':
      // "0930" means the whole minute 09:30: a prefix of the stored HHMMSS[.F].
      if (m.type === 'single') return value.startsWith(m.value);
      if (m.type === 'range') return (!m.from || m.from <= value) && (!m.to || value <= timeUpperBound(m.to));
      return false;
    default:
      return false;
  }
}

function matchesKey(key: MwlKey, obj: Record<string, unknown>): boolean {
  const attr = key.attribute;
  if (!attr) return true;
  if (attr.kind === 'sequence') {
    if (!key.items || !hasConditions(key.items)) return true;
    const items = Array.isArray(obj[attr.keyword]) ? (obj[attr.keyword] as unknown[]) : [];
    return items.some((item) => item !== null && typeof item === 'object' && matchesLevel(key.items!, item as Record<string, unknown>));
  }
  const m = key.matcher;
  if (!m) return true;
  if (m.type === 'dateTimeRange') {
    const [date] = valuesOf(obj[attr.keyword]);
    if (!date) return false;
    const value = date + (valuesOf(obj.ScheduledProcedureStepStartTime)[0] ?? '');
    return (!m.from || m.from <= value) && (!m.to || value <= timeUpperBound(m.to));
  }
  return valuesOf(obj[attr.keyword]).some((v) => matchesOne(attr, m, v));
}

/** Every key of one level (the item, or an item of a sequence) matches. */
export function matchesLevel(keys: readonly MwlKey[], obj: Record<string, unknown>): boolean {
  return keys.every((k) => matchesKey(k, obj));
}

export function matchesWorklistFind(find: WorklistFind, view: WorklistView): boolean {
  return matchesLevel(find.keys, view);
}
