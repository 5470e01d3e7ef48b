// /api/studies, /api/series and /api/instances: what arrived over DICOM, as the UI and scripts see
// it (react-admin lists with filters, sorting and paging; one record by its UID). Every read is
// audited with the patients and studies it showed.
import { getInstance, getSeries, getStudy, INSTANCE_SORTS, listInstances, listSeries, listStudies, parseListFilter, SERIES_SORTS, setSeriesNote, STUDY_SORTS } from '../dicom/index.ts';
import { z } from 'zod';
import type { DicomError, QueryLevel, StudyQuery } from '../dicom/index.ts';
import type { Request } from 'express';
import { recordAudit } from './audit.ts';
import type { Database } from './database.ts';
import type { Outcome } from './http/api-router.ts';
import type { ApiRouter } from './http/api-router.ts';
import { parseListQuery, setListHeaders } from './http/list-query.ts';
import type { ListQuery } from './http/list-query.ts';
import type { Role } from './auth/roles.ts';

/** Everyone who works with images reads them; analysts too, to follow up integrations. */
const READERS: readonly Role[] = ['admin', 'radiologist', 'referrer', 'technician', 'analyst'];
/** Those who work on the images write notes on series. */
const NOTE_WRITERS: readonly Role[] = ['admin', 'radiologist', 'technician'];

const badFilter = (e: DicomError): Outcome => ({ ok: false, error: { code: 'DICOM_QUERY_INVALID', message: e.message } });

const FILTERS = 'q, patientName, patientId, accession, modality, description, date, dateFrom, dateTo, studyInstanceUid';

/** List parameters plus the filter as a StudyQuery; the default order is newest first. */
function listRequest<S extends string>(req: Request, level: QueryLevel, sorts: readonly S[], defaultSort: S, defaultOrder: 'ASC' | 'DESC'): { ok: true; list: ListQuery<S>; query: StudyQuery } | { ok: false; outcome: Outcome } {
  const parsed = parseListQuery(req.query as Record<string, unknown>, sorts, defaultSort);
  if (!parsed.ok) return { ok: false, outcome: parsed };
  const explicitSort = req.query.sort !== undefined || req.query._sort !== undefined;
  const list = explicitSort ? parsed.value : { ...parsed.value, order: defaultOrder };
  const query = parseListFilter(level, list.filter);
  if (!query.ok) return { ok: false, outcome: badFilter(query.error) };
  return { ok: true, list, query: query.value };
}

const distinct = (values: (string | undefined | null)[]) => [...new Set(values.filter((v): v is string => !!v))];

/** The one patient or study a filter names, for the audit record's indexed columns. */
function single(filter: Record<string, unknown>, key: string): string | undefined {
  const v = filter[key];
  return typeof v === 'string' && v && !v.includes(',') ? v : undefined;
}

/** A series or instance search in the audit trail, with the one patient or study it touched when there is one. */
async function auditSearch(
  db: Database,
  e: { username: string; ip: string | undefined; action: string; rows: { studyInstanceUid: string; patientId?: string | null }[]; total: number; filter: Record<string, unknown> },
): Promise<void> {
  const studies = distinct(e.rows.map((r) => r.studyInstanceUid));
  const patients = distinct(e.rows.map((r) => r.patientId));
  await recordAudit(db, {
    username: e.username,
    action: e.action,
    sourceIp: e.ip,
    patientId: patients.length === 1 ? patients[0] : single(e.filter, 'patientId'),
    studyUid: studies.length === 1 ? studies[0] : single(e.filter, 'studyInstanceUid'),
    detail: { filter: e.filter, results: e.rows.length, total: e.total, patientIds: patients },
  });
}

export function registerDicomRoutes(api: ApiRouter, db: Database): void {
  api.add({
    method: 'get',
    path: '/studies',
    tag: 'studies',
    summary: `Studies in the archive, newest first; filter ${FILTERS}; sort by ${Object.keys(STUDY_SORTS).join(', ')}`,
    access: READERS,
    async handler({ req, res, user }) {
      const r = listRequest(req, 'STUDY', Object.keys(STUDY_SORTS) as (keyof typeof STUDY_SORTS)[], 'receivedAt', 'DESC');
      if (!r.ok) return r.outcome;
      const { offset, limit, sort, order, filter } = r.list;
      const { rows, total } = await listStudies(db, r.query, { offset, limit, sort, order });
      setListHeaders(res, 'studies', offset, rows.length, total);
      await recordAudit(db, {
        username: user.username,
        action: 'study.search',
        sourceIp: req.ip,
        patientId: single(filter, 'patientId') ?? (distinct(rows.map((s) => s.patient.patientId)).length === 1 ? rows[0]!.patient.patientId : undefined),
        studyUid: single(filter, 'studyInstanceUid') ?? (rows.length === 1 ? rows[0]!.studyInstanceUid : undefined),
        detail: { filter, results: rows.length, total, patientIds: distinct(rows.map((s) => s.patient.patientId)) },
      });
      return { ok: true, value: rows };
    },
  });

  api.add({
    method: 'get',
    path: '/studies/:id',
    tag: 'studies',
    summary: 'One study by its Study Instance UID, with its patient',
    access: READERS,
    async handler({ req, user, params }) {
      const study = await getStudy(db, params.id!);
      if (!study) return { ok: false, error: { code: 'DICOM_STUDY_NOT_FOUND', message: `no study ${params.id}` } };
      await recordAudit(db, { username: user.username, action: 'study.read', resourceType: 'Study', resourceId: study.studyInstanceUid, patientId: study.patient.patientId, studyUid: study.studyInstanceUid, sourceIp: req.ip });
      return { ok: true, value: study };
    },
  });

  api.add({
    method: 'get',
    path: '/series',
    tag: 'studies',
    summary: `Series, by series number; filter studyInstanceUid, seriesInstanceUid, modality, description, and the study filters; sort by ${Object.keys(SERIES_SORTS).join(', ')}`,
    access: READERS,
    async handler({ req, res, user }) {
      const r = listRequest(req, 'SERIES', Object.keys(SERIES_SORTS) as (keyof typeof SERIES_SORTS)[], 'number', 'ASC');
      if (!r.ok) return r.outcome;
      const { offset, limit, sort, order, filter } = r.list;
      const { rows, total } = await listSeries(db, r.query, { offset, limit, sort, order });
      setListHeaders(res, 'series', offset, rows.length, total);
      await auditSearch(db, { username: user.username, ip: req.ip, action: 'series.search', rows, total, filter });
      return { ok: true, value: rows };
    },
  });

  api.add({
    method: 'get',
    path: '/series/:id',
    tag: 'studies',
    summary: 'One series by its Series Instance UID',
    access: READERS,
    async handler({ req, user, params }) {
      const series = await getSeries(db, params.id!);
      if (!series) return { ok: false, error: { code: 'DICOM_SERIES_NOT_FOUND', message: `no series ${params.id}` } };
      await recordAudit(db, { username: user.username, action: 'series.read', resourceType: 'Series', resourceId: series.seriesInstanceUid, patientId: series.patientId, studyUid: series.studyInstanceUid, sourceIp: req.ip });
      return { ok: true, value: series };
    },
  });

  api.add({
    method: 'put',
    path: '/series/:id',
    tag: 'studies',
    summary: 'Change a series\' note (the only field that is not from the images); the rest of the record is ignored',
    access: NOTE_WRITERS,
    body: z.object({ note: z.string().max(10_000).nullable() }).loose(),
    async handler({ req, user, params, body }) {
      const note = body.note?.trim() ? body.note.trim() : null;
      const series = await setSeriesNote(db, params.id!, note);
      if (!series) return { ok: false, error: { code: 'DICOM_SERIES_NOT_FOUND', message: `no series ${params.id}` } };
      await recordAudit(db, { username: user.username, action: 'series.note', resourceType: 'Series', resourceId: series.seriesInstanceUid, patientId: series.patientId, studyUid: series.studyInstanceUid, sourceIp: req.ip });
      return { ok: true, value: series };
    },
  });

  api.add({
    method: 'get',
    path: '/instances',
    tag: 'studies',
    summary: `Instances, by instance number; filter seriesInstanceUid, studyInstanceUid, sopInstanceUid, and the study filters; sort by ${Object.keys(INSTANCE_SORTS).join(', ')}`,
    access: READERS,
    async handler({ req, res, user }) {
      const r = listRequest(req, 'IMAGE', Object.keys(INSTANCE_SORTS) as (keyof typeof INSTANCE_SORTS)[], 'number', 'ASC');
      if (!r.ok) return r.outcome;
      const { offset, limit, sort, order, filter } = r.list;
      const { rows, total } = await listInstances(db, r.query, { offset, limit, sort, order });
      setListHeaders(res, 'instances', offset, rows.length, total);
      await auditSearch(db, { username: user.username, ip: req.ip, action: 'instance.search', rows, total, filter });
      return { ok: true, value: rows };
    },
  });

  api.add({
    method: 'get',
    path: '/instances/:id',
    tag: 'studies',
    summary: 'One instance by its SOP Instance UID, with its metadata as DICOM JSON (PS3.18 F, without pixel data)',
    access: READERS,
    async handler({ req, user, params }) {
      const instance = await getInstance(db, params.id!);
      if (!instance) return { ok: false, error: { code: 'DICOM_INSTANCE_NOT_FOUND', message: `no instance ${params.id}` } };
      const { tier: _tier, storageKey: _key, ...record } = instance;
      await recordAudit(db, { username: user.username, action: 'instance.read', resourceType: 'Instance', resourceId: record.sopInstanceUid, patientId: record.patientId, studyUid: record.studyInstanceUid, sourceIp: req.ip });
      return { ok: true, value: record };
    },
  });
}
