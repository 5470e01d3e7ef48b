// The /api/studies, /api/series and /api/instances list filters (react-admin's `filter` object)
// -> a StudyQuery, so the UI's lists match exactly as C-FIND does.
//   q                 free text: part of the patient's name or ID, the accession or the study description
//   patientName       part of the name, any case ("doe" finds DOE^JANE); * and ? as in DICOM
//   patientId, accession, modality (one or a list), description (part of it)
//   dateFrom, dateTo  study date range, YYYY-MM-DD or YYYYMMDD; date for one day
//   studyInstanceUid, seriesInstanceUid, sopInstanceUid, id (one or a list: react-admin's getMany)
import type { Result } from '../../engine/index.ts';
import type { DicomError } from '../dicom-error.ts';
import { parseMatcher } from './parse-matcher.ts';
import { ATTRIBUTE_BY_KEYWORD } from './query-attributes.ts';
import type { QueryLevel } from './query-attributes.ts';
import type { Condition, StudyQuery } from './study-query.ts';

const invalid = (message: string): { ok: false; error: DicomError } => ({ ok: false, error: { code: 'DICOM_QUERY_INVALID', message } });

function list(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'number') return [String(v)];
  if (typeof v === 'string') return v.split(/[,\\]/).map((s) => s.trim()).filter(Boolean);
  return [];
}

const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v).trim() : '');
const isoToDicomDate = (v: string) => v.replace(/-/g, '');
const contains = (v: string) => (/[*?]/.test(v) ? v : `*${v}*`);

const UID_FILTER: Record<QueryLevel, string> = { PATIENT: 'PatientID', STUDY: 'StudyInstanceUID', SERIES: 'SeriesInstanceUID', IMAGE: 'SOPInstanceUID' };

export function parseListFilter(level: QueryLevel, filter: Record<string, unknown>): Result<StudyQuery, DicomError> {
  const conditions: Condition[] = [];
  const add = (keyword: string, values: string[]): DicomError | undefined => {
    const attr = ATTRIBUTE_BY_KEYWORD.get(keyword)!;
    const m = parseMatcher(attr.kind, values, keyword);
    if (!m.ok) return m.error;
    if (m.value) conditions.push({ keyword, matcher: m.value });
    return undefined;
  };
  let freeText: string | undefined;
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === null || value === '') continue;
    let err: DicomError | undefined;
    switch (key) {
      case 'q':
        freeText = text(value) || undefined;
        break;
      case 'patientName':
        err = add('PatientName', [contains(text(value))]);
        break;
      case 'patientId':
        err = add('PatientID', [text(value)]);
        break;
      case 'accession':
        err = add('AccessionNumber', [text(value)]);
        break;
      case 'description':
        err = add(level === 'STUDY' ? 'StudyDescription' : 'SeriesDescription', [contains(text(value))]);
        break;
      case 'modality':
        err = add(level === 'STUDY' ? 'ModalitiesInStudy' : 'Modality', list(value));
        break;
      case 'date':
        err = add('StudyDate', [isoToDicomDate(text(value))]);
        break;
      case 'dateFrom':
      case 'dateTo': {
        const from = isoToDicomDate(text(filter.dateFrom));
        const to = isoToDicomDate(text(filter.dateTo));
        if (key === 'dateTo' && from) break; // handled with dateFrom
        err = add('StudyDate', [`${from}-${to}`]);
        break;
      }
      case 'studyInstanceUid':
        err = add('StudyInstanceUID', list(value));
        break;
      case 'seriesInstanceUid':
        if (level === 'STUDY') return invalid('seriesInstanceUid filters series and instances');
        err = add('SeriesInstanceUID', list(value));
        break;
      case 'sopInstanceUid':
        if (level !== 'IMAGE') return invalid('sopInstanceUid filters instances');
        err = add('SOPInstanceUID', list(value));
        break;
      case 'id':
        err = add(UID_FILTER[level], list(value));
        break;
      default:
        return invalid(`unknown filter "${key}"`);
    }
    if (err) return { ok: false, error: err };
  }
  return { ok: true, value: { level, conditions, returnKeys: [], ...(freeText ? { text: freeText } : {}) } };
}
