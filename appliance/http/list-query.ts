// react-admin list parameters, in both dialects interfaces.md names: ra-data-simple-rest
// (`range=[0,24]&sort=["id","ASC"]&filter={...}`) and json-server (`_start/_end/_sort/_order`,
// other query keys as filters). Parsed once into a plain value the resource handlers read.
import type { Response } from 'express';
import type { Result } from '../../engine/index.ts';

export type ListQuery<S extends string> = {
  offset: number;
  limit: number;
  sort: S;
  order: 'ASC' | 'DESC';
  filter: Record<string, unknown>;
};

export const MAX_PAGE = 1000;
const RESERVED = new Set(['range', 'sort', 'filter', '_start', '_end', '_sort', '_order']);

function parseJson(text: unknown, what: string): Result<unknown, { code: 'REQUEST_INVALID'; message: string }> {
  if (typeof text !== 'string') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, error: { code: 'REQUEST_INVALID', message: `${what} must be JSON` } };
  }
}

export function parseListQuery<S extends string>(
  query: Record<string, unknown>,
  sortable: readonly S[],
  defaultSort: S,
): Result<ListQuery<S>, { code: 'REQUEST_INVALID'; message: string }> {
  const bad = (message: string) => ({ ok: false as const, error: { code: 'REQUEST_INVALID' as const, message } });
  let start = 0;
  let end = 24;
  let sort: string = defaultSort;
  let order = 'ASC';
  let filter: Record<string, unknown> = {};

  const range = parseJson(query.range, 'range');
  if (!range.ok) return range;
  if (range.value !== undefined) {
    const r = range.value;
    if (!Array.isArray(r) || r.length !== 2 || !r.every((n) => Number.isInteger(n) && n >= 0)) return bad('range must be [start, end]');
    [start, end] = r as [number, number];
  } else if (query._start !== undefined || query._end !== undefined) {
    start = Number(query._start ?? 0);
    end = Number(query._end ?? start + 25) - 1; // json-server's _end is exclusive
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0) return bad('_start and _end must be whole numbers');
  }
  if (end < start) return bad('range end is before its start');

  const s = parseJson(query.sort, 'sort');
  if (!s.ok) return s;
  if (s.value !== undefined) {
    if (!Array.isArray(s.value) || s.value.length !== 2) return bad('sort must be [field, "ASC"|"DESC"]');
    [sort, order] = s.value.map(String) as [string, string];
  } else if (typeof query._sort === 'string') {
    sort = query._sort;
    order = typeof query._order === 'string' ? query._order : 'ASC';
  }
  order = order.toUpperCase();
  if (order !== 'ASC' && order !== 'DESC') return bad('order must be ASC or DESC');
  if (!(sortable as readonly string[]).includes(sort)) return bad(`cannot sort by "${sort}"; sortable: ${sortable.join(', ')}`);

  const f = parseJson(query.filter, 'filter');
  if (!f.ok) return f;
  if (f.value !== undefined) {
    if (typeof f.value !== 'object' || f.value === null || Array.isArray(f.value)) return bad('filter must be a JSON object');
    filter = f.value as Record<string, unknown>;
  } else {
    for (const [k, v] of Object.entries(query)) if (!RESERVED.has(k)) filter[k] = v;
  }
  const limit = Math.min(end - start + 1, MAX_PAGE);
  return { ok: true, value: { offset: start, limit, sort: sort as S, order: order as 'ASC' | 'DESC', filter } };
}

/** Sets the headers react-admin reads for totals. */
export function setListHeaders(res: Response, resource: string, offset: number, count: number, total: number): void {
  const last = count === 0 ? offset : offset + count - 1;
  res.setHeader('Content-Range', `${resource} ${offset}-${last}/${total}`);
  res.setHeader('X-Total-Count', String(total));
}
