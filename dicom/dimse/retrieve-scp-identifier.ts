// A C-MOVE / C-GET identifier (PS3.4 C.4.2.2.1, C.4.3.2.1) -> the query selecting the instances to
// send. Hierarchical retrieve: the unique key of the Query/Retrieve Level is required (one value,
// or a list of values), unique keys of the levels above it must be single values and, when present,
// must match; wildcards and ranges are refused. Other keys are ignored (the standard allows none).
// Keys of the levels above may be left out: UIDs are unique on their own, and some SCUs send only
// the UID of the level (Patient Root moves of a study without its Patient ID).
import type { Result } from '../../engine/index.ts';
import type { DicomError } from '../dicom-error.ts';
import type { DicomJson } from '../dicom-json.ts';
import type { InformationModel } from '../query/parse-find-identifier.ts';
import { LEVEL_RANK, UNIQUE_KEY, ATTRIBUTE_BY_KEYWORD } from '../query/query-attributes.ts';
import type { QueryLevel } from '../query/query-attributes.ts';
import type { Condition, StudyQuery } from '../query/study-query.ts';

export type RetrieveSelection = {
  level: QueryLevel;
  /** The instances to send: a StudyQuery at IMAGE level. */
  query: StudyQuery;
  /** The values of the unique keys asked for, for log lines. */
  keys: Record<string, string[]>;
};

const QUERY_RETRIEVE_LEVEL = '00080052';
const LEVELS: readonly QueryLevel[] = ['PATIENT', 'STUDY', 'SERIES', 'IMAGE'];

const invalid = (message: string): { ok: false; error: DicomError } => ({ ok: false, error: { code: 'DICOM_QUERY_INVALID', message } });

function values(identifier: DicomJson, tag: string): string[] {
  return (identifier[tag]?.Value ?? [])
    .map((v) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : ''))
    .map((v) => v.replace(/[\0 ]+$/, '').trim())
    .filter((v) => v !== '');
}

export function parseRetrieveIdentifier(identifier: DicomJson, model: InformationModel): Result<RetrieveSelection, DicomError> {
  const level = (identifier[QUERY_RETRIEVE_LEVEL]?.Value?.[0] ?? '').toString().trim().toUpperCase() as QueryLevel;
  if (!(level in LEVEL_RANK)) return invalid('Query/Retrieve Level (0008,0052) must be PATIENT, STUDY, SERIES or IMAGE');
  if (model === 'STUDY_ROOT' && level === 'PATIENT') return invalid('the Study Root model has no PATIENT level; use Patient Root');
  const top = model === 'PATIENT_ROOT' ? 0 : 1;
  const conditions: Condition[] = [];
  const keys: Record<string, string[]> = {};
  for (const l of LEVELS.slice(top, LEVEL_RANK[level] + 1)) {
    const keyword = UNIQUE_KEY[l];
    const tag = ATTRIBUTE_BY_KEYWORD.get(keyword)!.tag;
    const vals = values(identifier, tag);
    const atLevel = l === level;
    if (vals.length === 0) {
      if (atLevel) return invalid(`a ${level} level retrieve needs ${keyword} (${tag.slice(0, 4)},${tag.slice(4)})`);
      continue;
    }
    if (vals.some((v) => /[*?]/.test(v))) return invalid(`${keyword} may not hold wildcards in a retrieve`);
    if (!atLevel && vals.length > 1) return invalid(`${keyword} must be a single value above the retrieve level`);
    keys[keyword] = vals;
    conditions.push({ keyword, matcher: vals.length === 1 ? { type: 'single', value: vals[0]! } : { type: 'list', values: vals } });
  }
  return { ok: true, value: { level, query: { level: 'IMAGE', conditions, returnKeys: [] }, keys } };
}
