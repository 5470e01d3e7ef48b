// The audit trail: who did what to which record, from where, and whether it worked.
// Every access to patient data and every security-relevant action is recorded here.
import type { SqlClient } from './database.ts';

export type AuditEvent = {
  username: string | undefined;
  action: string;
  outcome?: 'success' | 'failure';
  resourceType?: string;
  resourceId?: string;
  patientId?: string;
  studyUid?: string;
  sourceIp?: string;
  detail?: Record<string, unknown>;
};

/** Repeated reads of one record by one user (a page refreshing itself) are recorded once a minute. */
const READ_DEDUP_SECONDS = 60;

export async function recordAudit(db: SqlClient, e: AuditEvent): Promise<void> {
  const isRead = e.action.endsWith('.read') && e.resourceId !== undefined;
  await db.query(
    `insert into audit_events (username, action, outcome, resource_type, resource_id, patient_id, study_uid, source_ip, detail)
     select $1, $2, $3, $4, $5, $6, $7, $8, $9
     where not $10::boolean or not exists (
       select 1 from audit_events where username is not distinct from $1 and action = $2 and resource_type is not distinct from $4
         and resource_id = $5 and at > now() - make_interval(secs => $11))`,
    [
      e.username ?? null,
      e.action,
      e.outcome ?? 'success',
      e.resourceType ?? null,
      e.resourceId ?? null,
      e.patientId ?? null,
      e.studyUid ?? null,
      e.sourceIp ?? null,
      e.detail ? JSON.stringify(e.detail) : null,
      isRead,
      READ_DEDUP_SECONDS,
    ],
  );
}

export type AuditRecord = {
  id: number;
  at: Date;
  username: string | null;
  action: string;
  outcome: string;
  resourceType: string | null;
  resourceId: string | null;
  patientId: string | null;
  studyUid: string | null;
  sourceIp: string | null;
  detail: unknown;
};

export type AuditQuery = {
  offset: number;
  limit: number;
  username?: string;
  action?: string;
  patientId?: string;
  studyUid?: string;
  from?: Date;
  to?: Date;
};

export async function listAudit(db: SqlClient, q: AuditQuery): Promise<{ events: AuditRecord[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (q.username) add('username = ?', q.username);
  if (q.action) add('action like ?', q.action.replace(/\*/g, '%'));
  if (q.patientId) add('patient_id = ?', q.patientId);
  if (q.studyUid) add('study_uid = ?', q.studyUid);
  if (q.from) add('at >= ?', q.from);
  if (q.to) add('at <= ?', q.to);
  const whereSql = where.length ? `where ${where.join(' and ')}` : '';
  const total = await db.query<{ n: number }>(`select count(*)::int as n from audit_events ${whereSql}`, params);
  const { rows } = await db.query<AuditRecord>(
    `select id, at, username, action, outcome, resource_type as "resourceType", resource_id as "resourceId",
            patient_id as "patientId", study_uid as "studyUid", source_ip as "sourceIp", detail
     from audit_events ${whereSql} order by at desc, id desc limit ${q.limit} offset ${q.offset}`,
    params,
  );
  return { events: rows, total: total.rows[0]?.n ?? 0 };
}
