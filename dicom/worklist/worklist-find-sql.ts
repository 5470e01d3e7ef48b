// A WorklistFind -> one page of candidate items in SQL. Only open items with every Type 1 value
// are offered to modalities; the keys that have a column of worklist_items (the item's IDs and
// patient name, the step's modality, station AE titles, date, time and ID) narrow the search with
// the indexes of 0004-worklist.sql (tuned by 0008-worklist-find.sql). The SQL may return more than
// matches, never less: worklist-find-match.ts decides on each row. Pages follow the schedule
// (date, time, id), so a modality gets its day in order.
import { likePattern, timeUpperBound } from '../query/query-sql.ts';
import type { SqlClient } from './sql-client.ts';
import { SPS_SEQUENCE_TAG } from './worklist-find-attributes.ts';
import type { MwlAttribute } from './worklist-find-attributes.ts';
import type { MwlKey, WorklistFind, WorklistMatcher } from './worklist-find.ts';
import type { WorklistItem } from './worklist-item.ts';
import { OPEN_STATUSES } from './worklist-status.ts';
import type { WorklistStatus } from './worklist-status.ts';

export type WorklistFindCursor = { date: string; time: string; id: number };

export type WorklistFindRow = { id: number; status: WorklistStatus; date: string; time: string; item: WorklistItem };

export type SqlText = { sql: string; params: unknown[] };

/** Written out (not a parameter) so that the planner can use the partial indexes on open items. */
const OPEN = `status in (${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/**
 * A person name pattern for ILIKE that takes in at least what the in-memory rule does, whatever
 * the database's locale: a non-ASCII letter becomes `_` (one character), so that a database that
 * does not fold its case still returns the row.
 */
function personNameLike(value: string): string {
  return likePattern([...value].map((c) => (c.charCodeAt(0) > 0x7f ? '?' : c)).join(''));
}

function conditionSql(attr: MwlAttribute, m: WorklistMatcher, param: (v: unknown) => string): string | undefined {
  const col = `i.${attr.column}`;
  if (m.type === 'dateTimeRange') {
    // The date part alone: every row of the combined range is inside it.
    const parts = [`${col} <> ''`];
    if (m.from) parts.push(`${col} >= ${param(m.from.slice(0, 8))}`);
    if (m.to) parts.push(`${col} <= ${param(m.to.slice(0, 8))}`);
    return parts.join(' and ');
  }
  if (attr.column === 'station_ae_titles') {
    // AE titles are a list: any of them may match (GIN index for = and lists).
    if (m.type === 'single') return `${col} @> array[${param(m.value)}::text]`;
    if (m.type === 'list') return `${col} && ${param(m.values)}::text[]`;
    if (m.type === 'wildcard') return `exists (select 1 from unnest(${col}) ae where ae like ${param(likePattern(m.pattern))} escape '\\')`;
    return undefined;
  }
  switch (attr.kind) {
    case 'pn':
      // ILIKE: the trigram index of patient_name serves it.
      if (m.type === 'single') return `${col} ilike ${param(personNameLike(m.value))} escape '\\'`;
      if (m.type === 'wildcard') return `${col} ilike ${param(personNameLike(m.pattern))} escape '\\'`;
      if (m.type === 'list') return `(${m.values.map((v) => `${col} ilike ${param(personNameLike(v))} escape '\\'`).join(' or ')})`;
      return undefined;
    case 'text':
    case 'uid':
      if (m.type === 'single') return `${col} = ${param(m.value)}`;
      if (m.type === 'list') return `${col} = any(${param(m.values)}::text[])`;
      if (m.type === 'wildcard') return `${col} like ${param(likePattern(m.pattern))} escape '\\'`;
      return undefined;
    case 'date':
      if (m.type === 'single') return `${col} = ${param(m.value)}`;
      if (m.type === 'range') return [`${col} <> ''`, ...(m.from ? [`${col} >= ${param(m.from)}`] : []), ...(m.to ? [`${col} <= ${param(m.to)}`] : [])].join(' and ');
      return undefined;
    case 'time':
      if (m.type === 'single') return `${col} like ${param(`${likePattern(m.value)}%`)} escape '\\'`;
      if (m.type === 'range') return [`${col} <> ''`, ...(m.from ? [`${col} >= ${param(m.from)}`] : []), ...(m.to ? [`${col} <= ${param(timeUpperBound(m.to))}`] : [])].join(' and ');
      return undefined;
    default:
      return undefined;
  }
}

function columnConditions(keys: readonly MwlKey[], param: (v: unknown) => string, where: string[]): void {
  for (const key of keys) {
    if (key.attribute?.column && key.matcher) {
      const sql = conditionSql(key.attribute, key.matcher, param);
      if (sql) where.push(sql);
    }
  }
}

/** One page of candidates after `after` (exclusive), in schedule order. */
export function worklistFindPageSql(find: WorklistFind, after: WorklistFindCursor | undefined, limit: number): SqlText {
  const params: unknown[] = [];
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where = [OPEN, `i.missing_type1 = '{}'`];
  columnConditions(find.keys, param, where);
  // The step's keys: each row holds exactly one step, so its columns can be matched one by one.
  const sps = find.keys.find((k) => k.tag === SPS_SEQUENCE_TAG);
  if (sps?.items) columnConditions(sps.items, param, where);
  if (after) where.push(`(i.scheduled_date, i.scheduled_time, i.id) > (${param(after.date)}, ${param(after.time)}, ${param(after.id)})`);
  return {
    sql: `select i.id, i.status, i.scheduled_date as "date", i.scheduled_time as "time", i.item from worklist_items i
     where ${where.join(' and ')} order by i.scheduled_date, i.scheduled_time, i.id limit ${param(limit)}`,
    params,
  };
}

export async function findWorklistPage(db: SqlClient, find: WorklistFind, after: WorklistFindCursor | undefined, limit: number): Promise<WorklistFindRow[]> {
  const { sql, params } = worklistFindPageSql(find, after, limit);
  const { rows } = await db.query<WorklistFindRow>(sql, params);
  // bigint ids come back as strings from some drivers; jsonb as text from none we use, but be sure.
  return rows.map((r) => ({ ...r, id: Number(r.id), item: typeof r.item === 'string' ? (JSON.parse(r.item) as WorklistItem) : r.item }));
}

export const cursorOf = (row: WorklistFindRow): WorklistFindCursor => ({ date: row.date, time: row.time, id: row.id });
