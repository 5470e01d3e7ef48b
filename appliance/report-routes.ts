// /api/reports: radiology reports as the UI and scripts see them (a react-admin list with filters,
// one report with its signed versions, create, save, sign, amend). Signing and amending go through
// the results channel (ORU^R01 to the RIS/EHR) and are answered after that commit. Every read and
// write is in the audit trail with the patient and study it concerned.
import { z } from 'zod';
import { createReport, getReport, isReportStatus, listReports, REPORT_SORTS, REPORT_STATUSES, RESULTS_CHANNEL_ID, updateReport } from '../channels/index.ts';
import type { ReportDeps, ReportError, ReportQuery, ReportRecord, ReportSort, ReportStatus } from '../channels/index.ts';
import type { Engine } from '../engine/index.ts';
import type { Role } from './auth/roles.ts';
import type { AuthenticatedUser } from './auth/tokens.ts';
import { recordAudit } from './audit.ts';
import type { AuditEvent } from './audit.ts';
import type { Database } from './database.ts';
import { created } from './http/api-router.ts';
import type { ApiRouter, Outcome } from './http/api-router.ts';
import { parseListQuery, setListHeaders } from './http/list-query.ts';

/** Who reads reports; referrers see signed ones (final, amended) only. */
const READERS: readonly Role[] = ['admin', 'radiologist', 'technician', 'referrer'];
/** Who writes and signs them. */
const WRITERS: readonly Role[] = ['admin', 'radiologist'];
const SIGNED: readonly ReportStatus[] = ['final', 'amended'];

const FILTERS = 'studyInstanceUid, status (one or a list), patient (Patient ID or part of the name), patientId, accessionNumber, id';

const section = z.string().max(100_000).nullable().optional();
const sections = { indication: section, technique: section, findings: section, impression: section };
const status = z.enum(REPORT_STATUSES).optional();

const invalid = (message: string): Outcome => ({ ok: false, error: { code: 'REQUEST_INVALID', message } });
const notFound = (id: string | number): Outcome => ({ ok: false, error: { code: 'REPORT_NOT_FOUND', message: `no report ${id}` } });

/** The channels' report failures as /api answers (error-codes.ts). */
function failure(e: ReportError): Outcome {
  switch (e.code) {
    case 'CHANNEL_REPORT_NOT_FOUND':
      return { ok: false, error: { code: 'REPORT_NOT_FOUND', message: e.message } };
    case 'CHANNEL_REPORT_EXISTS':
      return { ok: false, error: { code: 'REPORT_EXISTS', message: e.message } };
    case 'CHANNEL_REPORT_CONFLICT':
      return { ok: false, error: { code: 'REPORT_CONFLICT', message: e.message } };
    case 'CHANNEL_REPORT_STATUS_INVALID':
      return { ok: false, error: { code: 'REPORT_STATUS_INVALID', message: e.message } };
    case 'CHANNEL_REPORT_STUDY_NOT_FOUND':
      return { ok: false, error: { code: 'DICOM_STUDY_NOT_FOUND', message: e.message } };
    case 'CHANNEL_REPORT_SIGN_FORBIDDEN':
      return { ok: false, error: { code: 'AUTH_FORBIDDEN', message: e.message } };
    case 'CHANNEL_REPORT_NOT_RELEASED':
      return { ok: false, error: { code: 'REPORT_NOT_RELEASED', message: e.message } };
  }
}

/** null (a cleared form field) is empty text; absent stays absent (unchanged). */
function sectionInput(body: Partial<Record<'indication' | 'technique' | 'findings' | 'impression', string | null>>) {
  const out: Partial<Record<'indication' | 'technique' | 'findings' | 'impression', string>> = {};
  for (const k of ['indication', 'technique', 'findings', 'impression'] as const) if (body[k] !== undefined) out[k] = body[k] ?? '';
  return out;
}

function text(filter: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const k of keys) if (typeof filter[k] === 'string' && filter[k] !== '') return (filter[k] as string).trim();
  return undefined;
}

/** The list filter as a ReportQuery, or the reason it is not one. */
function reportQuery(filter: Record<string, unknown>): { ok: true; value: Omit<ReportQuery, 'offset' | 'limit'> } | { ok: false; message: string } {
  const q: Omit<ReportQuery, 'offset' | 'limit'> = {};
  const st = filter.status;
  if (st !== undefined && st !== '') {
    const list = Array.isArray(st) ? st : typeof st === 'string' ? st.split(',').map((s) => s.trim()) : [st];
    const bad = list.find((s) => !isReportStatus(s));
    if (bad !== undefined) return { ok: false, message: `status ${JSON.stringify(bad)} is not one of ${REPORT_STATUSES.join(', ')}` };
    q.statuses = list as ReportStatus[];
  }
  const uid = text(filter, 'studyInstanceUid');
  if (uid) q.studyInstanceUid = uid;
  const patient = text(filter, 'patient', 'q');
  if (patient) q.patient = patient;
  const patientId = text(filter, 'patientId');
  if (patientId) q.patientId = patientId;
  const accession = text(filter, 'accessionNumber', 'accession');
  if (accession) q.accessionNumber = accession;
  if (filter.id !== undefined) {
    const ids = (Array.isArray(filter.id) ? filter.id : [filter.id]).map(Number);
    if (!ids.every(Number.isSafeInteger)) return { ok: false, message: 'id is a number or a list of numbers' };
    q.ids = ids;
  }
  return { ok: true, value: q };
}

const distinct = (values: string[]) => [...new Set(values.filter(Boolean))];

/** The audit record of one report. */
function about(r: ReportRecord): Pick<AuditEvent, 'resourceType' | 'resourceId' | 'patientId' | 'studyUid'> {
  return { resourceType: 'Report', resourceId: String(r.id), patientId: r.patientId || undefined, studyUid: r.studyInstanceUid };
}

const AUDIT_ACTION = { save: 'report.update', preliminary: 'report.preliminary', final: 'report.sign', amended: 'report.amend', none: 'report.update' } as const;

export function registerReportRoutes(api: ApiRouter, db: Database, engine: Engine): void {
  const deps: ReportDeps = {
    db,
    dispatch: (text, source) => engine.dispatch(RESULTS_CHANNEL_ID, { text, source }),
  };
  const reportUser = (u: AuthenticatedUser) => ({ id: u.id, username: u.username, fullName: u.fullName, role: u.role });

  api.add({
    method: 'get',
    path: '/reports',
    tag: 'reports',
    summary: `Reports, newest change first; filter ${FILTERS}; sort by ${REPORT_SORTS.join(', ')}. Referrers see final and amended reports only`,
    access: READERS,
    async handler({ req, res, user }) {
      const parsed = parseListQuery(req.query as Record<string, unknown>, REPORT_SORTS, 'updatedAt');
      if (!parsed.ok) return parsed;
      const explicitSort = req.query.sort !== undefined || req.query._sort !== undefined;
      const { offset, limit, sort, filter } = parsed.value;
      const order = explicitSort ? parsed.value.order : 'DESC';
      const q = reportQuery(filter);
      if (!q.ok) return invalid(q.message);
      if (user.role === 'referrer') q.value.statuses = (q.value.statuses ?? [...REPORT_STATUSES]).filter((s) => SIGNED.includes(s));
      const { rows, total } =
        q.value.statuses?.length === 0 ? { rows: [], total: 0 } : await listReports(db, { ...q.value, offset, limit, sort: sort as ReportSort, order });
      setListHeaders(res, 'reports', offset, rows.length, total);
      const patientIds = distinct(rows.map((r) => r.patientId));
      const studies = distinct(rows.map((r) => r.studyInstanceUid));
      await recordAudit(db, {
        username: user.username,
        action: 'report.search',
        sourceIp: req.ip,
        patientId: q.value.patientId ?? (patientIds.length === 1 ? patientIds[0] : undefined),
        studyUid: q.value.studyInstanceUid ?? (studies.length === 1 ? studies[0] : undefined),
        detail: { filter, results: rows.length, total, patientIds },
      });
      return { ok: true, value: rows };
    },
  });

  api.add({
    method: 'get',
    path: '/reports/:id',
    tag: 'reports',
    summary: 'One report with its signed versions (each final and amended version as it was sent, who signed it and when)',
    access: READERS,
    async handler({ req, user, params }) {
      const id = Number(params.id);
      const report = Number.isSafeInteger(id) && id > 0 ? await getReport(db, id) : undefined;
      if (!report || (user.role === 'referrer' && !SIGNED.includes(report.status))) return notFound(params.id!);
      await recordAudit(db, { username: user.username, action: 'report.read', sourceIp: req.ip, ...about(report) });
      return { ok: true, value: report };
    },
  });

  api.add({
    method: 'post',
    path: '/reports',
    tag: 'reports',
    summary:
      'Write a report for a study in the archive (one per study). Indication defaults to the reason of the order with the study\'s accession number. status: draft (default), preliminary, or final (signs it: an ORU^R01 goes to the RIS/EHR)',
    access: WRITERS,
    body: z.object({ studyInstanceUid: z.string().trim().min(1).max(64), ...sections, status }).loose(),
    async handler({ req, user, body }) {
      const r = await createReport(deps, { studyInstanceUid: body.studyInstanceUid, ...sectionInput(body), status: body.status }, reportUser(user));
      if (!r.ok) {
        await recordAudit(db, {
          username: user.username,
          action: 'report.create',
          outcome: 'failure',
          sourceIp: req.ip,
          studyUid: body.studyInstanceUid,
          detail: { code: r.error.code, status: body.status ?? 'draft' },
        });
        return failure(r.error);
      }
      await recordAudit(db, { username: user.username, action: 'report.create', sourceIp: req.ip, ...about(r.value), detail: { status: r.value.status, version: r.value.version } });
      return created(r.value);
    },
  });

  api.add({
    method: 'put',
    path: '/reports/:id',
    tag: 'reports',
    summary:
      'Save a report: edit a draft or preliminary one; status "preliminary" releases it, "final" signs it (radiologist or admin), "amended" corrects a final report (the signed version is kept). Released versions go out as ORU^R01 before the answer. Send `revision` to refuse a save over someone else\'s change',
    access: WRITERS,
    body: z.object({ ...sections, status, revision: z.number().int().positive().optional() }).loose(),
    async handler({ req, user, params, body }) {
      const id = Number(params.id);
      if (!Number.isSafeInteger(id) || id <= 0) return notFound(params.id!);
      const r = await updateReport(deps, id, { ...sectionInput(body), status: body.status, revision: body.revision }, reportUser(user));
      if (!r.ok) {
        const existing = await getReport(db, id);
        await recordAudit(db, {
          username: user.username,
          action: body.status === 'final' ? 'report.sign' : body.status === 'amended' ? 'report.amend' : 'report.update',
          outcome: 'failure',
          sourceIp: req.ip,
          ...(existing ? about(existing) : { resourceType: 'Report', resourceId: String(id) }),
          detail: { code: r.error.code, status: body.status },
        });
        return failure(r.error);
      }
      const { report, action } = r.value;
      await recordAudit(db, {
        username: user.username,
        action: AUDIT_ACTION[action],
        sourceIp: req.ip,
        ...about(report),
        detail: { status: report.status, version: report.version, revision: report.revision, changed: action !== 'none' },
      });
      return { ok: true, value: report };
    },
  });
}
