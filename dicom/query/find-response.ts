// One C-FIND match as a response identifier (PS3.4 C.4.1.1.3.2): every key asked for, empty when
// there is no value, the level's unique keys, and SpecificCharacterSet when a value is not ASCII.
import type { DicomJson, DicomJsonElement, DicomJsonValue } from '../dicom-json.ts';
import { ATTRIBUTE_BY_KEYWORD, ATTRIBUTE_BY_TAG, LEVEL_RANK, UNIQUE_KEY } from './query-attributes.ts';
import type { QueryAttribute, QueryLevel } from './query-attributes.ts';
import type { QueryRecord } from './query-match.ts';
import type { StudyQuery } from './study-query.ts';

export type InformationModelName = 'PATIENT_ROOT' | 'STUDY_ROOT';

function element(attr: QueryAttribute, value: QueryRecord[string]): DicomJsonElement {
  if (value === null || value === undefined || value === '') return { vr: attr.vr };
  if (Array.isArray(value)) return value.length ? { vr: attr.vr, Value: [...value] } : { vr: attr.vr };
  if (attr.vr === 'PN') return { vr: 'PN', Value: [{ Alphabetic: String(value) }] };
  if (attr.vr === 'IS') return { vr: 'IS', Value: [Number(value)] };
  return { vr: attr.vr, Value: [String(value)] };
}

function hasNonAscii(v: DicomJsonValue): boolean {
  if (typeof v === 'string') return /[\u0080-\uffff]/.test(v);
  if (v && typeof v === 'object') return Object.values(v).some((x) => typeof x === 'string' && /[\u0080-\uffff]/.test(x));
  return false;
}

/** Unique keys returned with every match at `level` (patient ID in the Patient Root model). */
function uniqueKeys(level: QueryLevel, model: InformationModelName): string[] {
  const levels: QueryLevel[] = (['PATIENT', 'STUDY', 'SERIES', 'IMAGE'] as const).filter((l) => LEVEL_RANK[l] <= LEVEL_RANK[level]);
  return levels.filter((l) => l !== 'PATIENT' || model === 'PATIENT_ROOT').map((l) => UNIQUE_KEY[l]);
}

export function findResponse(
  q: StudyQuery,
  record: QueryRecord,
  opts: { model: InformationModelName; retrieveAeTitle: string; metadata?: DicomJson | null },
): DicomJson {
  const out: DicomJson = { '00080052': { vr: 'CS', Value: [q.level] } };
  for (const { tag, vr } of q.returnKeys) {
    const attr = ATTRIBUTE_BY_TAG.get(tag);
    if (attr && LEVEL_RANK[attr.level] <= LEVEL_RANK[q.level]) out[tag] = element(attr, record[attr.keyword]);
    else if (tag === '00080054') out[tag] = { vr: 'AE', Value: [opts.retrieveAeTitle] };
    else if (tag === '00080056') out[tag] = { vr: 'CS', Value: ['ONLINE'] };
    else if (opts.metadata?.[tag] && !opts.metadata[tag]!.BulkDataURI) out[tag] = opts.metadata[tag]!;
    else out[tag] = { vr: vr || 'UN' };
  }
  for (const keyword of uniqueKeys(q.level, opts.model)) {
    const attr = ATTRIBUTE_BY_KEYWORD.get(keyword)!;
    out[attr.tag] ??= element(attr, record[keyword]);
  }
  if (Object.values(out).some((el) => (el.Value ?? []).some(hasNonAscii))) out['00080005'] = { vr: 'CS', Value: ['ISO_IR 192'] };
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}
