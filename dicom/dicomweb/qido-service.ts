// QIDO-RS (PS3.18 10.6): search for studies, series and instances, all or within a study or
// series, answered as a DICOM JSON array.
import type { Result } from '../../engine/index.ts';
import type { DicomwebError } from './dicomweb-error.ts';
import { acceptsDicomJson } from './media-types.ts';
import { isUid, parseQidoQuery } from './qido-query.ts';
import type { QidoLevel, QidoScope } from './qido-query.ts';
import { qidoMatch } from './qido-response.ts';
import { searchQido } from './qido-search.ts';
import { jsonResponse, warningHeader } from './web-response.ts';
import type { DicomWebDeps, WebRequest, WebResponse } from './web-response.ts';

/** The most matches one response holds; more are had with offset (and a Warning says so). */
export const QIDO_MAX_RESULTS = 1000;

const distinct = (values: unknown[]) => [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))];

export async function qidoSearch(
  deps: Pick<DicomWebDeps, 'db'>,
  req: WebRequest,
  level: QidoLevel,
  scope: QidoScope,
  params: readonly (readonly [string, string])[],
): Promise<Result<WebResponse, DicomwebError>> {
  for (const uid of [scope.studyInstanceUid, scope.seriesInstanceUid]) {
    if (uid !== undefined && !isUid(uid)) return { ok: false, error: { code: 'DICOM_QUERY_INVALID', message: `"${uid.slice(0, 70)}" is not a UID` } };
  }
  if (!acceptsDicomJson(req.accept)) return { ok: false, error: { code: 'DICOM_NOT_ACCEPTABLE', message: 'search results are available as application/dicom+json only' } };
  const parsed = parseQidoQuery(level, scope, params);
  if (!parsed.ok) return parsed;
  const q = parsed.value;
  const limit = Math.min(q.limit ?? QIDO_MAX_RESULTS, QIDO_MAX_RESULTS);
  const { rows, more } = await searchQido(deps.db, q, limit);
  const warnings = [...q.warnings];
  if (more && (q.limit === undefined || q.limit > QIDO_MAX_RESULTS)) {
    warnings.push(`The number of results exceeded the maximum supported by the server (${QIDO_MAX_RESULTS}). Additional results can be requested.`);
  }
  const matches = rows.map((r) => qidoMatch(q, r, req.base));
  return {
    ok: true,
    value: jsonResponse(200, matches, { ...warningHeader(warnings), 'Cache-Control': 'private, no-store' }, {
      action: 'dicomweb.search',
      patientIds: distinct(rows.map((r) => r.record.PatientID)),
      studyUids: distinct(rows.map((r) => r.record.StudyInstanceUID)),
      detail: { level: level.toLowerCase(), scope, query: params.map(([k, v]) => `${k}=${v}`).join('&'), results: rows.length },
    }),
  };
}
