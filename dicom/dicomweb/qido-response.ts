// One QIDO-RS match as DICOM JSON (PS3.18 10.6.3, Annex F): the level's default attributes
// (Tables 10.6.3-3 to -5), the matching keys and includefield attributes, from the index row and,
// for attributes the index does not keep, from the stored metadata (an instance's own, or one
// instance of the study or series). Tags ascending, PN as {Alphabetic}, IS as numbers, a value the
// index knows to be empty as {vr} with no Value, attributes nobody holds left out. Pure.
import type { DicomJson, DicomJsonElement } from '../dicom-json.ts';
import { ATTRIBUTE_BY_TAG, attributesAt, LEVEL_RANK } from '../query/query-attributes.ts';
import type { QueryAttribute } from '../query/query-attributes.ts';
import type { QueryRecord } from '../query/query-match.ts';
import type { QidoLevel, QidoRequest } from './qido-query.ts';

const INSTANCE_AVAILABILITY = '00080056';
const RETRIEVE_URL = '00081190';

const STUDY_DEFAULTS = ['00080020', '00080030', '00080050', INSTANCE_AVAILABILITY, '00080061', '00080090', '00081030', RETRIEVE_URL, '00100010', '00100020', '00100030', '00100040', '0020000D', '00200010', '00201206', '00201208'];
const SERIES_DEFAULTS = ['00080060', '00080021', '00080031', '0008103E', '00180015', RETRIEVE_URL, '0020000D', '0020000E', '00200011', '00201209'];
const INSTANCE_DEFAULTS = ['00080016', '00080018', INSTANCE_AVAILABILITY, RETRIEVE_URL, '0020000D', '0020000E', '00200013', '00280008', '00280010', '00280011', '00280100'];

/**
 * Default attributes of a level. A search not confined to a study returns the study's attributes
 * with each series or instance, and one not confined to a series the series' (PS3.18 10.6.3.3).
 */
export function defaultTags(q: Pick<QidoRequest, 'level' | 'scope'>): string[] {
  const tags = new Set<string>();
  const add = (list: string[]) => list.forEach((t) => tags.add(t));
  if (q.level === 'STUDY' || !q.scope.studyInstanceUid) add(STUDY_DEFAULTS);
  if (q.level === 'SERIES' || (q.level === 'IMAGE' && !q.scope.seriesInstanceUid)) add(SERIES_DEFAULTS);
  if (q.level === 'IMAGE') add(INSTANCE_DEFAULTS);
  return [...tags];
}

/** The index attributes a response reads, by keyword (what the search must select). */
export function neededKeywords(q: QidoRequest): string[] {
  const level = q.level;
  if (q.includeAll) return attributesAt(level).map((a) => a.keyword);
  const tags = [...defaultTags(q), ...q.includeTags.map((t) => t.tag)];
  const out = new Set<string>(['StudyInstanceUID', 'PatientID']);
  if (level !== 'STUDY') out.add('SeriesInstanceUID');
  if (level === 'IMAGE') out.add('SOPInstanceUID');
  for (const tag of tags) {
    const a = ATTRIBUTE_BY_TAG.get(tag);
    if (a && LEVEL_RANK[a.level] <= LEVEL_RANK[level]) out.add(a.keyword);
  }
  return [...out];
}

/** Whether the response needs stored metadata: always for instances (Rows, Columns...), for studies and series only for attributes the index lacks. */
export function needsMetadata(q: QidoRequest): boolean {
  if (q.level === 'IMAGE') return true;
  return q.includeTags.some((t) => !ATTRIBUTE_BY_TAG.has(t.tag) && t.tag !== INSTANCE_AVAILABILITY && t.tag !== RETRIEVE_URL);
}

function indexElement(attr: QueryAttribute, value: QueryRecord[string]): DicomJsonElement {
  if (value === null || value === undefined || value === '') return { vr: attr.vr };
  if (Array.isArray(value)) return value.length ? { vr: attr.vr, Value: [...value] } : { vr: attr.vr };
  if (attr.vr === 'PN') return { vr: 'PN', Value: [{ Alphabetic: String(value) }] };
  if (attr.vr === 'IS') return { vr: 'IS', Value: [Number(value)] };
  return { vr: attr.vr, Value: [String(value)] };
}

export type QidoRow = { record: QueryRecord; metadata?: DicomJson | null };

/** The URL a match is retrieved from with WADO-RS (RetrieveURL). */
export function retrieveUrl(base: string, level: QidoLevel, r: QueryRecord): string {
  const study = `${base}/studies/${String(r.StudyInstanceUID)}`;
  if (level === 'STUDY') return study;
  const series = `${study}/series/${String(r.SeriesInstanceUID)}`;
  return level === 'SERIES' ? series : `${series}/instances/${String(r.SOPInstanceUID)}`;
}

const usable = (el: DicomJsonElement | undefined): el is DicomJsonElement => !!el && el.BulkDataURI === undefined;

/** One match as a DICOM JSON data set. `base` is the DICOMweb root URL (…/dicom-web). */
export function qidoMatch(q: QidoRequest, row: QidoRow, base: string): DicomJson {
  const out: DicomJson = {};
  const level = q.level;
  const metadata = row.metadata ?? undefined;
  const put = (tag: string, vr: string) => {
    if (out[tag]) return;
    const attr = ATTRIBUTE_BY_TAG.get(tag);
    if (attr && LEVEL_RANK[attr.level] <= LEVEL_RANK[level]) out[tag] = indexElement(attr, row.record[attr.keyword]);
    else if (tag === INSTANCE_AVAILABILITY) out[tag] = { vr: 'CS', Value: ['ONLINE'] };
    else if (tag === RETRIEVE_URL) out[tag] = { vr: 'UR', Value: [retrieveUrl(base, level, row.record)] };
    else if (usable(metadata?.[tag])) out[tag] = metadata[tag];
    else if (vr) out[tag] = { vr }; // asked for, held by nobody: present and empty, as C-FIND answers
  };
  for (const tag of defaultTags(q)) {
    // Defaults read from metadata (Rows, Number of Frames...) are left out when the instance has none.
    if (!ATTRIBUTE_BY_TAG.has(tag) && tag !== INSTANCE_AVAILABILITY && tag !== RETRIEVE_URL && !usable(metadata?.[tag])) continue;
    put(tag, '');
  }
  for (const { tag, vr } of q.includeTags) put(tag, vr);
  if (q.includeAll) {
    for (const a of attributesAt(level)) put(a.tag, a.vr);
    if (level === 'IMAGE' && metadata) for (const tag of Object.keys(metadata)) if (usable(metadata[tag])) put(tag, '');
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
