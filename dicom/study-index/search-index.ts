// Matches of a StudyQuery in the index, a page at a time in id order: what C-FIND streams (and
// QIDO-RS will). Each row carries every indexed attribute of its level and the levels above,
// keyed by keyword, and the instance's metadata when asked for.
import type { DicomJson } from '../dicom-json.ts';
import type { QueryRecord } from '../query/query-match.ts';
import { findPageSql } from '../query/query-sql.ts';
import type { StudyQuery } from '../query/study-query.ts';
import type { IndexDb } from './index-db.ts';

export type IndexMatch = QueryRecord & { _id: number; _metadata?: DicomJson };

export async function searchStudyIndex(db: IndexDb, q: StudyQuery, page: { afterId?: number; limit: number; withMetadata?: boolean }): Promise<IndexMatch[]> {
  const { sql, params } = findPageSql(q, page.afterId ?? 0, page.limit, { withMetadata: page.withMetadata });
  const { rows } = await db.query<IndexMatch>(sql, params);
  return rows;
}
