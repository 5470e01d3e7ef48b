// A C-FIND identifier (PS3.4 C.4.1) -> a StudyQuery. Every key present is returned (empty when
// the index does not hold it); keys with a value also match.
import type { Result } from '../../engine/index.ts';
import type { DicomError } from '../dicom-error.ts';
import { firstText, isPersonName } from '../dicom-json.ts';
import type { DicomJson, DicomJsonElement } from '../dicom-json.ts';
import { ATTRIBUTE_BY_TAG, LEVEL_RANK } from './query-attributes.ts';
import type { QueryLevel } from './query-attributes.ts';
import { parseMatcher } from './parse-matcher.ts';
import type { Condition, StudyQuery } from './study-query.ts';

export type InformationModel = 'PATIENT_ROOT' | 'STUDY_ROOT';

const QUERY_RETRIEVE_LEVEL = '00080052';
const SPECIFIC_CHARACTER_SET = '00080005';

function texts(el: DicomJsonElement): string[] {
  return (el.Value ?? []).map((v) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : isPersonName(v) ? (v.Alphabetic ?? '') : ''));
}

export function parseFindIdentifier(identifier: DicomJson, model: InformationModel): Result<StudyQuery, DicomError> {
  const level = firstText(identifier, QUERY_RETRIEVE_LEVEL).toUpperCase() as QueryLevel;
  if (!(level in LEVEL_RANK)) {
    return { ok: false, error: { code: 'DICOM_QUERY_INVALID', message: 'Query/Retrieve Level (0008,0052) must be PATIENT, STUDY, SERIES or IMAGE' } };
  }
  if (model === 'STUDY_ROOT' && level === 'PATIENT') {
    return { ok: false, error: { code: 'DICOM_QUERY_INVALID', message: 'the Study Root model has no PATIENT level; use Patient Root' } };
  }
  const conditions: Condition[] = [];
  const returnKeys: StudyQuery['returnKeys'] = [];
  for (const tag of Object.keys(identifier).sort()) {
    if (tag === QUERY_RETRIEVE_LEVEL || tag === SPECIFIC_CHARACTER_SET || tag.startsWith('0000') || tag.startsWith('0002')) continue;
    const el = identifier[tag]!;
    returnKeys.push({ tag, vr: el.vr });
    const attr = ATTRIBUTE_BY_TAG.get(tag);
    if (!attr || LEVEL_RANK[attr.level] > LEVEL_RANK[level]) continue;
    const m = parseMatcher(attr.kind, texts(el), attr.keyword);
    if (!m.ok) return m;
    if (m.value) conditions.push({ keyword: attr.keyword, matcher: m.value });
  }
  return { ok: true, value: { level, conditions, returnKeys } };
}
