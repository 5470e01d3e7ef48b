// /api/worklist: the Modality Worklist items with their status, as the UI and scripts see them
// (a react-admin list with filters, sorting and paging; one item with its DICOM attributes and
// the history of its order). Every read is audited with the patients it showed.
import { getWorklistItem, isWorklistStatus, listWorklistItems, WORKLIST_SORTS } from '../dicom/index.ts';
import type { WorklistQuery, WorklistSort, WorklistStatus } from '../dicom/index.ts';
import type { Role } from './auth/roles.ts';
import { recordAudit } from './audit.ts';
import type { Database } from './database.ts';
import type { ApiRouter, Outcome } from './http/api-router.ts';
import { parseListQuery, setListHeaders } from './http/list-query.ts';

/** Who works with the worklist: technicians at the modality, radiologists, analysts following orders up, admins. */
const WORKLIST_READERS: readonly Role[] = ['admin', 'analyst', 'technician', 'radiologist'];

/** Sort names the UI may use for a column, and the order they mean. */
const SORT_ALIASES: Record<string, WorklistSort> = { scheduledDate: 'scheduled', scheduledTime: 'scheduled', accession: 'accessionNumber' };
const SORTABLE = [...WORKLIST_SORTS, ...Object.keys(SORT_ALIASES)];

const FILTERS = 'status (one or a list), modality, stationAeTitle, scheduledFrom, scheduledTo (YYYY-MM-DD or YYYYMMDD), scheduledDate, patientId, patientName (* and ? wildcards, any case), accessionNumber, studyInstanceUid, orderId, id';

const invalid = (message: string): Outcome => ({ ok: false, error: { code: 'REQUEST_INVALID', message } });

/** `2025-03-01` or `20250301` -> DA `20250301`; undefined when absent; false when malformed. */
function daFilter(v: unknown): string | undefined | false {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') return false;
  const m = /^(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?$/.exec(v.trim());
  return m ? `${m[1]}${m[2]}${m[3]}` : false;
}

function text(filter: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const k of keys) if (typeof filter[k] === 'string' && filter[k] !== '') return (filter[k] as string).trim();
  return undefined;
}

/** The list filter as a WorklistQuery, or the reason it is not one. */
function worklistQuery(filter: Record<string, unknown>): { ok: true; value: Omit<WorklistQuery, 'offset' | 'limit'> } | { ok: false; message: string } {
  const q: Omit<WorklistQuery, 'offset' | 'limit'> = {};
  const status = filter.status;
  if (status !== undefined && status !== '') {
    const list = Array.isArray(status) ? status : typeof status === 'string' ? status.split(',').map((s) => s.trim()) : [status];
    const bad = list.filter((s) => !isWorklistStatus(s));
    if (bad.length) return { ok: false, message: `status ${JSON.stringify(bad[0])} is not one of SCHEDULED, IN PROGRESS, COMPLETED, DISCONTINUED, CANCELLED` };
    q.status = list as WorklistStatus[];
  }
  const one = daFilter(filter.scheduledDate);
  const from = one ?? daFilter(filter.scheduledFrom);
  const to = one ?? daFilter(filter.scheduledTo);
  if (from === false || to === false || one === false) return { ok: false, message: 'scheduledDate, scheduledFrom and scheduledTo are dates: YYYY-MM-DD or YYYYMMDD' };
  if (from) q.scheduledFrom = from;
  if (to) q.scheduledTo = to;
  const modality = text(filter, 'modality');
  if (modality) q.modality = modality.toUpperCase();
  const station = text(filter, 'stationAeTitle', 'station');
  if (station) q.stationAeTitle = station;
  const patientId = text(filter, 'patientId');
  if (patientId) q.patientId = patientId;
  const patientName = text(filter, 'patientName');
  if (patientName) q.patientName = patientName;
  const accession = text(filter, 'accessionNumber', 'accession');
  if (accession) q.accessionNumber = accession;
  const uid = text(filter, 'studyInstanceUid');
  if (uid) q.studyInstanceUid = uid;
  if (filter.orderId !== undefined && filter.orderId !== '') {
    const n = Number(filter.orderId);
    if (!Number.isSafeInteger(n)) return { ok: false, message: 'orderId is a number' };
    q.orderId = n;
  }
  if (filter.id !== undefined) {
    const ids = (Array.isArray(filter.id) ? filter.id : [filter.id]).map(Number);
    if (!ids.every(Number.isSafeInteger)) return { ok: false, message: 'id is a number or a list of numbers' };
    q.ids = ids;
  }
  return { ok: true, value: q };
}

const distinct = (values: string[]) => [...new Set(values.filter(Boolean))];

export function registerWorklistRoutes(api: ApiRouter, db: Database): void {
  api.add({
    method: 'get',
    path: '/worklist',
    tag: 'worklist',
    summary: `Modality Worklist items with their status, by scheduled start; filter ${FILTERS}; sort by ${SORTABLE.join(', ')}`,
    access: WORKLIST_READERS,
    async handler({ req, res, user }) {
      const parsed = parseListQuery(req.query as Record<string, unknown>, SORTABLE, 'scheduled');
      if (!parsed.ok) return parsed;
      const { offset, limit, sort, order, filter } = parsed.value;
      const q = worklistQuery(filter);
      if (!q.ok) return invalid(q.message);
      const { items, total } = await listWorklistItems(db, { ...q.value, offset, limit, sort: SORT_ALIASES[sort] ?? (sort as WorklistSort), order });
      setListHeaders(res, 'worklist', offset, items.length, total);
      const patientIds = distinct(items.map((i) => i.patientId));
      await recordAudit(db, {
        username: user.username,
        action: 'worklist.search',
        sourceIp: req.ip,
        patientId: q.value.patientId ?? (patientIds.length === 1 ? patientIds[0] : undefined),
        detail: { filter, results: items.length, total, patientIds },
      });
      return { ok: true, value: items };
    },
  });

  api.add({
    method: 'get',
    path: '/worklist/:id',
    tag: 'worklist',
    summary: 'One worklist item: its DICOM attributes (`item`) and the history of its order',
    access: WORKLIST_READERS,
    async handler({ req, user, params }) {
      const id = Number(params.id);
      const found = Number.isSafeInteger(id) && id > 0 ? await getWorklistItem(db, id) : undefined;
      if (!found) return { ok: false, error: { code: 'WORKLIST_ITEM_NOT_FOUND', message: `no worklist item ${params.id}` } };
      await recordAudit(db, {
        username: user.username,
        action: 'worklist.read',
        resourceType: 'WorklistItem',
        resourceId: String(found.id),
        patientId: found.patientId,
        studyUid: found.studyInstanceUid,
        sourceIp: req.ip,
      });
      return { ok: true, value: found };
    },
  });
}
