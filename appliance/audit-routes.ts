// /api/audit: the audit trail, newest first, for admins.
import type { Database } from './database.ts';
import { listAudit } from './audit.ts';
import type { AuditQuery } from './audit.ts';
import type { ApiRouter } from './http/api-router.ts';
import { parseListQuery, setListHeaders } from './http/list-query.ts';

function date(v: unknown): Date | undefined {
  if (typeof v !== 'string' || !v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function registerAuditRoutes(api: ApiRouter, db: Database): void {
  api.add({
    method: 'get',
    path: '/audit',
    tag: 'audit',
    summary: 'The audit trail, newest first (filter: username, action (* wildcard), patientId, studyUid, from, to)',
    access: ['admin'],
    async handler({ req, res }) {
      const parsed = parseListQuery(req.query, ['at'] as const, 'at');
      if (!parsed.ok) return parsed;
      const { offset, limit, filter } = parsed.value;
      const q: AuditQuery = { offset, limit };
      for (const key of ['username', 'action', 'patientId', 'studyUid'] as const) {
        if (typeof filter[key] === 'string' && filter[key]) q[key] = filter[key];
      }
      const from = date(filter.from);
      const to = date(filter.to);
      if (from) q.from = from;
      if (to) q.to = to;
      const { events, total } = await listAudit(db, q);
      setListHeaders(res, 'audit', offset, events.length, total);
      return { ok: true, value: events };
    },
  });
}
