// The study index as the /api lists and records show it: studies, series and instances with the
// seed's fields (patient, date, description; modality, note; number, size), filtered by a
// StudyQuery (query-sql.ts), sorted and paged.
import type { DicomJson } from '../dicom-json.ts';
import { queryFromWhere } from '../query/query-sql.ts';
import type { SortOrder, StudyQuery } from '../query/study-query.ts';
import type { IndexDb } from './index-db.ts';

export type PatientSummary = { id: number; patientId: string; issuer: string; name: string | null; birthDate: string | null; sex: string | null };

export type StudyRecord = {
  id: string;
  studyInstanceUid: string;
  patient: PatientSummary;
  date: string | null;
  time: string | null;
  description: string | null;
  accession: string | null;
  studyId: string | null;
  referringPhysician: string | null;
  modalities: string[];
  numberOfSeries: number;
  numberOfInstances: number;
  size: number;
  receivedAt: Date;
  updatedAt: Date;
};

export type SeriesRecord = {
  id: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  patientId: string;
  modality: string | null;
  number: number | null;
  description: string | null;
  bodyPart: string | null;
  date: string | null;
  time: string | null;
  note: string | null;
  numberOfInstances: number;
  size: number;
  receivedAt: Date;
  updatedAt: Date;
};

export type InstanceRecord = {
  id: string;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  patientId: string;
  number: number | null;
  sopClassUid: string;
  transferSyntaxUid: string;
  size: number;
  sourceAe: string | null;
  duplicatesReceived: number;
  receivedAt: Date;
  metadata?: DicomJson;
};

export type Page<S extends string> = { offset: number; limit: number; sort: S; order: SortOrder };

/** DICOM DA -> ISO date, TM -> HH:MM:SS(.ffffff), in SQL so rows come back ready. */
const isoDate = (col: string) => `case when ${col} ~ '^\\d{8}$' then substr(${col}, 1, 4) || '-' || substr(${col}, 5, 2) || '-' || substr(${col}, 7, 2) end`;
const isoTime = (col: string) =>
  `case when ${col} ~ '^\\d{6}' then substr(${col}, 1, 2) || ':' || substr(${col}, 3, 2) || ':' || substr(${col}, 5) when ${col} ~ '^\\d{4}$' then substr(${col}, 1, 2) || ':' || substr(${col}, 3, 2) end`;

const PATIENT_JSON = `json_build_object('id', p.id, 'patientId', p.patient_id, 'issuer', p.issuer, 'name', p.name, 'birthDate', ${isoDate('p.birth_date')}, 'sex', p.sex)`;

const STUDY_COLUMNS = `s.study_uid as "id", s.study_uid as "studyInstanceUid", ${PATIENT_JSON} as "patient",
  ${isoDate('s.study_date')} as "date", ${isoTime('s.study_time')} as "time", s.description, s.accession, s.study_id as "studyId",
  s.referring_physician as "referringPhysician", s.modalities, s.num_series as "numberOfSeries", s.num_instances as "numberOfInstances",
  s.size_bytes as "size", s.received_at as "receivedAt", s.updated_at as "updatedAt"`;

const SERIES_COLUMNS = `se.series_uid as "id", se.series_uid as "seriesInstanceUid", s.study_uid as "studyInstanceUid", p.patient_id as "patientId",
  se.modality, se.series_number as "number", se.description, se.body_part as "bodyPart", ${isoDate('se.series_date')} as "date",
  ${isoTime('se.series_time')} as "time", se.note, se.num_instances as "numberOfInstances", se.size_bytes as "size",
  se.received_at as "receivedAt", se.updated_at as "updatedAt"`;

const INSTANCE_COLUMNS = `i.sop_instance_uid as "id", i.sop_instance_uid as "sopInstanceUid", se.series_uid as "seriesInstanceUid",
  s.study_uid as "studyInstanceUid", p.patient_id as "patientId", i.instance_number as "number", i.sop_class_uid as "sopClassUid",
  i.transfer_syntax_uid as "transferSyntaxUid", i.size_bytes as "size", i.source_ae as "sourceAe",
  i.duplicates_received as "duplicatesReceived", i.received_at as "receivedAt"`;

export const STUDY_SORTS = {
  date: 's.study_date #, s.study_time #',
  receivedAt: 's.received_at #',
  updatedAt: 's.updated_at #',
  patientName: 'p.name #',
  patientId: 'p.patient_id #',
  accession: 's.accession #',
  description: 's.description #',
  numberOfInstances: 's.num_instances #',
} as const;
export const SERIES_SORTS = { number: 'se.series_number #', modality: 'se.modality #', receivedAt: 'se.received_at #', description: 'se.description #' } as const;
export const INSTANCE_SORTS = { number: 'i.instance_number #', receivedAt: 'i.received_at #', size: 'i.size_bytes #' } as const;

export type StudySort = keyof typeof STUDY_SORTS;
export type SeriesSort = keyof typeof SERIES_SORTS;
export type InstanceSort = keyof typeof INSTANCE_SORTS;

const ID = { STUDY: 's.id', SERIES: 'se.id', IMAGE: 'i.id' } as const;

async function list<T>(db: IndexDb, q: StudyQuery, columns: string, orderBy: string, page: { offset: number; limit: number; order: SortOrder }): Promise<{ rows: T[]; total: number }> {
  const level = q.level as keyof typeof ID;
  const { from, where, params } = queryFromWhere(q);
  const dir = page.order === 'DESC' ? 'desc nulls last' : 'asc nulls first';
  const order = `${orderBy.replaceAll('#', dir)}, ${ID[level]} ${page.order === 'DESC' ? 'desc' : 'asc'}`;
  const count = await db.query<{ n: number }>(`select count(*)::int as n from ${from} where ${where}`, params);
  const { rows } = await db.query<T>(`select ${columns} from ${from} where ${where} order by ${order} limit ${page.limit} offset ${page.offset}`, params);
  return { rows, total: count.rows[0]?.n ?? 0 };
}

export function listStudies(db: IndexDb, q: StudyQuery, page: Page<StudySort>): Promise<{ rows: StudyRecord[]; total: number }> {
  return list<StudyRecord>(db, { ...q, level: 'STUDY' }, STUDY_COLUMNS, STUDY_SORTS[page.sort], page);
}

export function listSeries(db: IndexDb, q: StudyQuery, page: Page<SeriesSort>): Promise<{ rows: SeriesRecord[]; total: number }> {
  return list<SeriesRecord>(db, { ...q, level: 'SERIES' }, SERIES_COLUMNS, SERIES_SORTS[page.sort], page);
}

export function listInstances(db: IndexDb, q: StudyQuery, page: Page<InstanceSort>): Promise<{ rows: InstanceRecord[]; total: number }> {
  return list<InstanceRecord>(db, { ...q, level: 'IMAGE' }, INSTANCE_COLUMNS, INSTANCE_SORTS[page.sort], page);
}

export async function getStudy(db: IndexDb, studyInstanceUid: string): Promise<StudyRecord | undefined> {
  const { rows } = await db.query<StudyRecord>(`select ${STUDY_COLUMNS} from studies s join patients p on p.id = s.patient_ref where s.study_uid = $1`, [studyInstanceUid]);
  return rows[0];
}

export async function getSeries(db: IndexDb, seriesInstanceUid: string): Promise<SeriesRecord | undefined> {
  const { rows } = await db.query<SeriesRecord>(
    `select ${SERIES_COLUMNS} from series se join studies s on s.id = se.study_ref join patients p on p.id = s.patient_ref where se.series_uid = $1`,
    [seriesInstanceUid],
  );
  return rows[0];
}

/** One instance with its metadata (DICOM JSON) and where its file is. */
export async function getInstance(db: IndexDb, sopInstanceUid: string): Promise<(InstanceRecord & { tier: string; storageKey: string }) | undefined> {
  const { rows } = await db.query<InstanceRecord & { tier: string; storageKey: string }>(
    `select ${INSTANCE_COLUMNS}, i.metadata, i.tier, i.storage_key as "storageKey"
     from instances i join series se on se.id = i.series_ref join studies s on s.id = se.study_ref join patients p on p.id = s.patient_ref
     where i.sop_instance_uid = $1`,
    [sopInstanceUid],
  );
  return rows[0];
}

/** Sets (or clears) a series' note; undefined when there is no such series. */
export async function setSeriesNote(db: IndexDb, seriesInstanceUid: string, note: string | null): Promise<SeriesRecord | undefined> {
  const { rowCount } = await db.query('update series set note = $2 where series_uid = $1', [seriesInstanceUid, note]);
  return rowCount ? getSeries(db, seriesInstanceUid) : undefined;
}
