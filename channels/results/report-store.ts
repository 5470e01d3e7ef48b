// The reports and their signed versions in the database (appliance/migrations/0010-reports.sql).
// Drafts are written here directly; released versions only by recordRelease, which the results
// channel's handler runs inside the transaction that stores the result message.
import type { Result, SqlClient } from '../../engine/index.ts';
import { canRelease, SIGNED_STATUSES } from './report-status.ts';
import type { ReportSections, ReportStatus } from './report-status.ts';
import type { ReportContext, ResultEvent } from './result-event.ts';

export type UserRef = { id: number; username: string; fullName: string | null };

export type ReportRecord = ReportSections & {
  id: number;
  studyInstanceUid: string;
  accessionNumber: string;
  patientId: string;
  issuerOfPatientId: string;
  patientName: string;
  status: ReportStatus;
  author: UserRef;
  /** Who last released it (preliminary) or signed it (final, amended), and when. */
  releasedBy: UserRef | null;
  releasedAt: Date | null;
  /** The signing radiologist of the current final or amended version. */
  signedBy: UserRef | null;
  signedAt: Date | null;
  /** Signed versions so far: 1 after the first signature, +1 per amendment. */
  version: number;
  /** Increases with every save; a save names the revision it changes. */
  revision: number;
  createdAt: Date;
  updatedAt: Date;
};

export type ReportVersion = ReportSections & {
  version: number;
  status: 'final' | 'amended';
  signedBy: UserRef;
  signedAt: Date;
  /** The results channel message that sent it (to find it in the message browser). */
  messageId: number | null;
};

export type ReportDetail = ReportRecord & { versions: ReportVersion[] };

export type ReportStoreError =
  | { code: 'CHANNEL_REPORT_NOT_FOUND'; message: string }
  | { code: 'CHANNEL_REPORT_EXISTS'; message: string; reportId: number }
  | { code: 'CHANNEL_REPORT_CONFLICT'; message: string }
  | { code: 'CHANNEL_REPORT_STATUS_INVALID'; message: string };

const userJson = (alias: string) =>
  `case when ${alias}.id is null then null else jsonb_build_object('id', ${alias}.id, 'username', ${alias}.username, 'fullName', ${alias}.full_name) end`;

const COLUMNS = `r.id, r.study_instance_uid as "studyInstanceUid", r.accession_number as "accessionNumber", r.patient_id as "patientId",
  r.issuer_of_patient_id as "issuerOfPatientId", r.patient_name as "patientName", r.status,
  r.indication, r.technique, r.findings, r.impression,
  ${userJson('a')} as author, ${userJson('rb')} as "releasedBy", r.released_at as "releasedAt",
  ${userJson('sb')} as "signedBy", r.signed_at as "signedAt", r.version, r.revision, r.created_at as "createdAt", r.updated_at as "updatedAt"`;
const FROM = `reports r join users a on a.id = r.author_id left join users rb on rb.id = r.released_by left join users sb on sb.id = r.signed_by`;

/** The patient and accession columns kept on the report, from its context. */
function snapshot(ctx: ReportContext): unknown[] {
  return [ctx.study.accessionNumber, ctx.patient.id, ctx.patient.issuer, ctx.patient.name];
}

/** A new draft; one report per study (the existing report's id in the failure). */
export async function insertReport(
  db: SqlClient,
  r: { context: ReportContext; sections: ReportSections; authorId: number },
): Promise<Result<{ id: number }, ReportStoreError>> {
  const s = r.sections;
  const { rows } = await db.query<{ id: number }>(
    `insert into reports (study_instance_uid, accession_number, patient_id, issuer_of_patient_id, patient_name, status,
                          indication, technique, findings, impression, author_id)
     values ($1, $2, $3, $4, $5, 'draft', $6, $7, $8, $9, $10)
     on conflict (study_instance_uid) do nothing returning id`,
    [r.context.study.studyInstanceUid, ...snapshot(r.context), s.indication, s.technique, s.findings, s.impression, r.authorId],
  );
  if (rows[0]) return { ok: true, value: rows[0] };
  const existing = await db.query<{ id: number }>('select id from reports where study_instance_uid = $1', [r.context.study.studyInstanceUid]);
  const id = existing.rows[0]?.id ?? 0;
  return { ok: false, error: { code: 'CHANNEL_REPORT_EXISTS', message: `study ${r.context.study.studyInstanceUid} has a report already (${id}): change that one`, reportId: id } };
}

/** Removes a draft nobody has changed since it was created (a create whose signing failed). */
export async function deleteNewDraft(db: SqlClient, id: number): Promise<void> {
  await db.query(`delete from reports where id = $1 and status = 'draft' and revision = 1`, [id]);
}

export async function getReport(db: SqlClient, id: number): Promise<ReportDetail | undefined> {
  const { rows } = await db.query<ReportRecord>(`select ${COLUMNS} from ${FROM} where r.id = $1`, [id]);
  const report = rows[0];
  if (!report) return undefined;
  const versions = await db.query<ReportVersion>(
    `select v.version, v.status, v.indication, v.technique, v.findings, v.impression,
            jsonb_build_object('id', u.id, 'username', u.username, 'fullName', u.full_name) as "signedBy", v.signed_at as "signedAt",
            v.message_id as "messageId"
     from report_versions v join users u on u.id = v.signed_by where v.report_id = $1 order by v.version`,
    [id],
  );
  return { ...report, versions: versions.rows };
}

export const REPORT_SORTS = ['id', 'updatedAt', 'createdAt', 'status', 'signedAt', 'patientName', 'patientId', 'accessionNumber', 'studyInstanceUid'] as const;
export type ReportSort = (typeof REPORT_SORTS)[number];
const SORT_COLUMNS: Record<ReportSort, string> = {
  id: 'r.id',
  updatedAt: 'r.updated_at',
  createdAt: 'r.created_at',
  status: 'r.status',
  signedAt: 'r.signed_at',
  patientName: 'r.patient_name',
  patientId: 'r.patient_id',
  accessionNumber: 'r.accession_number',
  studyInstanceUid: 'r.study_instance_uid',
};

export type ReportQuery = {
  offset: number;
  limit: number;
  sort?: ReportSort;
  order?: 'ASC' | 'DESC';
  ids?: number[];
  statuses?: ReportStatus[];
  studyInstanceUid?: string;
  /** A Patient ID, or part of the patient's name (any case). */
  patient?: string;
  patientId?: string;
  accessionNumber?: string;
};

export async function listReports(db: SqlClient, q: ReportQuery): Promise<{ rows: ReportRecord[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replaceAll('?', `$${params.length}`));
  };
  if (q.ids?.length) add('r.id in (select (jsonb_array_elements_text(?::jsonb))::bigint)', JSON.stringify(q.ids));
  if (q.statuses?.length) add('r.status in (select jsonb_array_elements_text(?::jsonb))', JSON.stringify(q.statuses));
  if (q.studyInstanceUid) add('r.study_instance_uid = ?', q.studyInstanceUid);
  if (q.patientId) add('r.patient_id = ?', q.patientId);
  if (q.accessionNumber) add('r.accession_number = ?', q.accessionNumber);
  if (q.patient) {
    const like = `%${q.patient.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    params.push(q.patient, like);
    where.push(`(r.patient_id = $${params.length - 1} or r.patient_name ilike $${params.length} escape '\\')`);
  }
  const whereSql = where.length ? `where ${where.join(' and ')}` : '';
  const total = await db.query<{ n: number }>(`select count(*)::int as n from reports r ${whereSql}`, params);
  const dir = q.order === 'ASC' ? 'asc' : 'desc';
  const { rows } = await db.query<ReportRecord>(
    `select ${COLUMNS} from ${FROM} ${whereSql}
     order by ${SORT_COLUMNS[q.sort ?? 'updatedAt']} ${dir} nulls last, r.id ${dir}
     limit ${Math.max(0, Math.floor(q.limit))} offset ${Math.max(0, Math.floor(q.offset))}`,
    params,
  );
  return { rows, total: total.rows[0]?.n ?? 0 };
}

/** Saves a draft's text, if the draft is still at `revision`. */
export async function saveDraft(db: SqlClient, id: number, revision: number, s: ReportSections): Promise<Result<void, ReportStoreError>> {
  const { rowCount } = await db.query(
    `update reports set indication = $3, technique = $4, findings = $5, impression = $6, revision = revision + 1, updated_at = now()
     where id = $1 and revision = $2 and status = 'draft'`,
    [id, revision, s.indication, s.technique, s.findings, s.impression],
  );
  if (rowCount === 1) return { ok: true, value: undefined };
  return { ok: false, error: { code: 'CHANNEL_REPORT_CONFLICT', message: `report ${id} was changed meanwhile (it is no longer draft revision ${revision}): reload it` } };
}

/**
 * Records a released version (the results channel handler, inside the message's transaction):
 * the report's new status and text, who released it and when, and for final and amended a new
 * row in report_versions. The report must be at the revision before the event's. The same event
 * again (a message reprocessed) is accepted without change; an older one is refused, so a
 * superseded result is never sent again.
 */
export async function recordRelease(db: SqlClient, ev: ResultEvent, messageId: number): Promise<Result<{ recorded: boolean }, ReportStoreError>> {
  const r = ev.report;
  const { rows } = await db.query<{ status: ReportStatus; revision: number; version: number }>(
    'select status, revision, version from reports where id = $1 for update',
    [r.id],
  );
  const current = rows[0];
  if (!current) return { ok: false, error: { code: 'CHANNEL_REPORT_NOT_FOUND', message: `no report ${r.id}` } };
  if (current.revision === r.revision && current.status === r.status && current.version === r.version) return { ok: true, value: { recorded: false } };
  if (current.revision !== r.revision - 1) {
    return {
      ok: false,
      error: { code: 'CHANNEL_REPORT_CONFLICT', message: `report ${r.id} is at revision ${current.revision}; this ${r.status} version was made from revision ${r.revision - 1}` },
    };
  }
  if (!canRelease(current.status, r.status)) {
    return { ok: false, error: { code: 'CHANNEL_REPORT_STATUS_INVALID', message: `report ${r.id} is ${current.status}: it cannot become ${r.status}` } };
  }
  const signed = SIGNED_STATUSES.includes(r.status);
  const expectedVersion = signed ? current.version + 1 : current.version;
  if (r.version !== expectedVersion) {
    return { ok: false, error: { code: 'CHANNEL_REPORT_CONFLICT', message: `report ${r.id} has ${current.version} signed version(s); this event says ${r.version}` } };
  }
  await db.query(
    `update reports set status = $2, indication = $3, technique = $4, findings = $5, impression = $6,
       released_by = $7::bigint, released_at = $8::timestamptz, signed_by = case when $9::boolean then $7::bigint end, signed_at = case when $9::boolean then $8::timestamptz end,
       version = $10, revision = $11, accession_number = $12, patient_id = $13, issuer_of_patient_id = $14, patient_name = $15, updated_at = now()
     where id = $1`,
    [r.id, r.status, r.indication, r.technique, r.findings, r.impression, r.releasedBy.id, r.releasedAt, signed, r.version, r.revision, ...snapshot(ev.context)],
  );
  if (signed) {
    await db.query(
      `insert into report_versions (report_id, version, status, indication, technique, findings, impression, signed_by, signed_at, message_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [r.id, r.version, r.status, r.indication, r.technique, r.findings, r.impression, r.releasedBy.id, r.releasedAt, messageId],
    );
  }
  return { ok: true, value: { recorded: true } };
}
