// The matching rules of query-sql.ts, in memory: does one record (attribute keyword -> value, as
// the SQL rows come back) match a StudyQuery? Used to check the SQL (query-match.test.ts) and for
// records that never reach the database.
import { ATTRIBUTE_BY_KEYWORD } from './query-attributes.ts';
import type { QueryAttribute } from './query-attributes.ts';
import { timeUpperBound } from './query-sql.ts';
import type { Condition, StudyQuery } from './study-query.ts';

export type QueryRecord = Record<string, string | number | readonly string[] | null | undefined>;

function wildcardRegExp(pattern: string, ignoreCase: boolean): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, ignoreCase ? 'si' : 's');
}

/** Compares as the C collation does: by UTF-16 code units, which for the ASCII of dates, times and codes is byte order. */
const le = (a: string, b: string) => a <= b;

function matchesCondition(attr: QueryAttribute, c: Condition, value: QueryRecord[string]): boolean {
  const m = c.matcher;
  if (attr.kind === 'count') return true;
  if (attr.kind === 'modalities') {
    const set = Array.isArray(value) ? (value as readonly string[]) : [];
    if (m.type === 'single') return set.includes(m.value);
    if (m.type === 'list') return m.values.some((v) => set.includes(v));
    if (m.type === 'wildcard') return set.some((v) => wildcardRegExp(m.pattern, false).test(v));
    return false;
  }
  if (value === null || value === undefined) return false;
  if (attr.kind === 'int') {
    if (m.type === 'single') return Number(value) === Number(m.value);
    if (m.type === 'list') return m.values.some((v) => Number(v) === Number(value));
    return false;
  }
  const text = String(value);
  switch (attr.kind) {
    case 'pn':
      if (m.type === 'single') return text.toLowerCase() === m.value.toLowerCase();
      if (m.type === 'list') return m.values.some((v) => v.toLowerCase() === text.toLowerCase());
      if (m.type === 'wildcard') return wildcardRegExp(m.pattern.toLowerCase(), false).test(text.toLowerCase());
      return false;
    case 'text':
    case 'uid':
      if (m.type === 'single') return text === m.value;
      if (m.type === 'list') return m.values.includes(text);
      if (m.type === 'wildcard') return wildcardRegExp(m.pattern, false).test(text);
      return false;
    case 'date':
    case 'time':
      if (m.type === 'single') return attr.kind === 'date' ? text === m.value : text.startsWith(m.value);
      if (m.type === 'range') return (!m.from || le(m.from, text)) && (!m.to || le(text, attr.kind === 'date' ? m.to : timeUpperBound(m.to)));
      return false;
  }
  return false;
}

export function matchesQuery(record: QueryRecord, q: StudyQuery): boolean {
  for (const c of q.conditions) {
    const attr = ATTRIBUTE_BY_KEYWORD.get(c.keyword);
    if (!attr || !matchesCondition(attr, c, record[c.keyword])) return false;
  }
  if (q.text) {
    const needle = q.text.toLowerCase();
    const fields = q.level === 'PATIENT' ? ['PatientName', 'PatientID'] : ['PatientName', 'PatientID', 'AccessionNumber', 'StudyDescription'];
    if (!fields.some((f) => String(record[f] ?? '').toLowerCase().includes(needle))) return false;
  }
  return true;
}
