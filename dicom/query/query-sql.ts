// StudyQuery -> SQL over the study index. Values always travel as parameters; column expressions
// come from query-attributes.ts only. query-match.ts implements the same rules in memory, and
// query-match.test.ts checks that the two agree.
import { ATTRIBUTE_BY_KEYWORD, attributesAt } from './query-attributes.ts';
import type { QueryAttribute, QueryLevel } from './query-attributes.ts';
import type { Condition, StudyQuery } from './study-query.ts';

export type SqlText = { sql: string; params: unknown[] };

const FROM: Record<QueryLevel, string> = {
  PATIENT: 'patients p',
  STUDY: 'studies s join patients p on p.id = s.patient_ref',
  SERIES: 'series se join studies s on s.id = se.study_ref join patients p on p.id = s.patient_ref',
  IMAGE: 'instances i join series se on se.id = i.series_ref join studies s on s.id = se.study_ref join patients p on p.id = s.patient_ref',
};

/** The row id column of each level (what keyset pagination walks). */
export const ID_COLUMN: Record<QueryLevel, string> = { PATIENT: 'p.id', STUDY: 's.id', SERIES: 'se.id', IMAGE: 'i.id' };

/** A wildcard value (* and ?) as a LIKE pattern with backslash escapes. */
export function likePattern(wildcard: string): string {
  return wildcard.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%').replace(/\?/g, '_');
}

/** Upper bound of a time range: "1200" must take in 12:00:59.999. "~" sorts after every digit in the C collation. */
export const timeUpperBound = (to: string) => `${to}~`;

function conditionSql(attr: QueryAttribute, c: Condition, param: (v: unknown) => string): string {
  const col = attr.column;
  const m = c.matcher;
  switch (attr.kind) {
    case 'pn':
      if (m.type === 'single') return `lower(${col}) = ${param(m.value.toLowerCase())}`;
      if (m.type === 'list') return `lower(${col}) = any(${param(m.values.map((v) => v.toLowerCase()))}::text[])`;
      if (m.type === 'wildcard') return `lower(${col}) like ${param(likePattern(m.pattern.toLowerCase()))} escape '\\'`;
      break;
    case 'text':
    case 'uid':
      if (m.type === 'single') return `${col} = ${param(m.value)}`;
      if (m.type === 'list') return `${col} = any(${param(m.values)}::text[])`;
      if (m.type === 'wildcard') return `${col} like ${param(likePattern(m.pattern))} escape '\\'`;
      break;
    case 'int':
      if (m.type === 'single') return `${col} = ${param(Number(m.value))}::int`;
      if (m.type === 'list') return `${col} = any(${param(m.values.map(Number))}::int[])`;
      break;
    case 'date':
    case 'time': {
      if (m.type === 'single') return attr.kind === 'date' ? `${col} = ${param(m.value)}` : `${col} like ${param(`${m.value}%`)}`;
      if (m.type === 'range') {
        const parts: string[] = [];
        if (m.from) parts.push(`${col} >= ${param(m.from)}`);
        if (m.to) parts.push(`${col} <= ${param(attr.kind === 'date' ? m.to : timeUpperBound(m.to))}`);
        return parts.length ? `(${parts.join(' and ')})` : 'true';
      }
      break;
    }
    case 'modalities':
      if (m.type === 'single') return `${param(m.value)}::text = any(${col})`;
      if (m.type === 'list') return `${col} && ${param(m.values)}::text[]`;
      if (m.type === 'wildcard') return `exists (select 1 from unnest(${col}) m where m like ${param(likePattern(m.pattern))} escape '\\')`;
      break;
    case 'count':
      return 'true';
  }
  throw new Error(`${c.keyword}: ${m.type} matching is not defined for ${attr.kind} attributes`);
}

/** FROM and WHERE of a query, with its parameters (numbered from $1). */
export function queryFromWhere(q: StudyQuery, params: unknown[] = []): { from: string; where: string; params: unknown[] } {
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (q.level === 'PATIENT') where.push('exists (select 1 from studies x where x.patient_ref = p.id)');
  for (const c of q.conditions) {
    const attr = ATTRIBUTE_BY_KEYWORD.get(c.keyword);
    if (!attr) throw new Error(`unknown query attribute ${c.keyword}`);
    where.push(conditionSql(attr, c, param));
  }
  if (q.text) {
    const t = param(`%${likePattern(q.text.toLowerCase())}%`);
    const cols = q.level === 'PATIENT' ? ['p.name', 'p.patient_id'] : ['p.name', 'p.patient_id', 's.accession', 's.description'];
    where.push(`(${cols.map((c) => `lower(coalesce(${c}, '')) like ${t} escape '\\'`).join(' or ')})`);
  }
  return { from: FROM[q.level], where: where.length ? where.join(' and ') : 'true', params };
}

/** One page of matches for C-FIND: every indexed attribute of the level and above, in id order after `afterId`. */
export function findPageSql(q: StudyQuery, afterId: number, limit: number, opts: { withMetadata?: boolean } = {}): SqlText {
  const { from, where, params } = queryFromWhere(q);
  const id = ID_COLUMN[q.level];
  const cols = attributesAt(q.level).map((a) => `${a.column} as "${a.keyword}"`);
  if (opts.withMetadata && q.level === 'IMAGE') cols.push('i.metadata as "_metadata"');
  params.push(afterId, limit);
  return {
    sql: `select ${id} as "_id", ${cols.join(', ')} from ${from} where ${where} and ${id} > $${params.length - 1} order by ${id} limit $${params.length}`,
    params,
  };
}

