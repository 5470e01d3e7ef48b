// Runs a QIDO-RS search on the study index: the StudyQuery's FROM/WHERE (query-sql.ts, shared with
// C-FIND and /api), the columns the response needs, a stable order, and limit/offset paging.
import { ATTRIBUTE_BY_KEYWORD } from '../query/query-attributes.ts';
import { queryFromWhere } from '../query/query-sql.ts';
import type { QueryRecord } from '../query/query-match.ts';
import type { DicomJson } from '../dicom-json.ts';
import type { IndexDb } from '../study-index/index-db.ts';
import type { QidoRequest } from './qido-query.ts';
import type { QidoRow } from './qido-response.ts';
import { needsMetadata, neededKeywords } from './qido-response.ts';

const ORDER = {
  STUDY: 's.study_date desc nulls last, s.study_time desc nulls last, s.id desc',
  SERIES: 's.id, se.series_number nulls last, se.id',
  IMAGE: 'se.id, i.instance_number nulls last, i.id',
} as const;

/** One instance's metadata stands in for its study or series for attributes the index lacks (all instances share them). */
const SAMPLE = {
  STUDY: '(select x.metadata from instances x where x.study_ref = s.id order by x.id limit 1)',
  SERIES: '(select x.metadata from instances x where x.series_ref = se.id order by x.id limit 1)',
  IMAGE: 'i.metadata',
} as const;

/** At most `limit` matches after `offset`, and whether more exist. */
export async function searchQido(db: IndexDb, q: QidoRequest, limit: number): Promise<{ rows: QidoRow[]; more: boolean }> {
  const { from, where, params } = queryFromWhere(q.query);
  const cols = neededKeywords(q).map((k) => `${ATTRIBUTE_BY_KEYWORD.get(k)!.column} as "${k}"`);
  if (needsMetadata(q)) cols.push(`${SAMPLE[q.level]} as "_metadata"`);
  params.push(limit + 1, q.offset);
  const sql = `select ${cols.join(', ')} from ${from} where ${where} order by ${ORDER[q.level]} limit $${params.length - 1} offset $${params.length}`;
  const { rows } = await db.query<QueryRecord & { _metadata?: DicomJson | null }>(sql, params);
  const more = rows.length > limit;
  return {
    rows: rows.slice(0, limit).map(({ _metadata, ...record }) => ({ record, metadata: _metadata ?? null })),
    more,
  };
}
