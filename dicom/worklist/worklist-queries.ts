// Reading the worklist for people: the list and detail behind /api/worklist, and the history of
// an order. (The MWL C-FIND SCP has its own matching; it reads the same columns.)
import type { SqlClient } from './sql-client.ts';
import type { WorklistItem } from './worklist-item.ts';
import type { WorklistStatus } from './worklist-status.ts';

export const WORKLIST_SORTS = ['id', 'scheduled', 'patientName', 'patientId', 'accessionNumber', 'modality', 'status', 'updatedAt'] as const;
export type WorklistSort = (typeof WORKLIST_SORTS)[number];

export type WorklistQuery = {
  offset: number;
  limit: number;
  sort?: WorklistSort;
  order?: 'ASC' | 'DESC';
  ids?: number[];
  status?: WorklistStatus[];
  modality?: string;
  stationAeTitle?: string;
  /** Scheduled Procedure Step Start Date range, DA `YYYYMMDD`, both ends included. */
  scheduledFrom?: string;
  scheduledTo?: string;
  patientId?: string;
  /** Case-insensitive; `*` and `?` are wildcards; without them, any part of the name. */
  patientName?: string;
  accessionNumber?: string;
  orderId?: number;
  studyInstanceUid?: string;
};

export type WorklistItemSummary = {
  id: number;
  orderId: number;
  status: WorklistStatus;
  patientId: string;
  issuerOfPatientId: string;
  patientName: string;
  patientBirthDate: string;
  patientSex: string;
  accessionNumber: string;
  modality: string;
  stationAeTitles: string[];
  scheduledDate: string;
  scheduledTime: string;
  spsId: string;
  spsDescription: string;
  requestedProcedureId: string;
  requestedProcedureDescription: string;
  studyInstanceUid: string;
  placerOrderNumber: string | null;
  fillerOrderNumber: string | null;
  /** Type 1 return keys still empty: the item is not offered to modalities until they are filled. */
  missingType1: string[];
  createdAt: Date;
  updatedAt: Date;
};

export type WorklistHistoryRecord = {
  id: number;
  at: Date;
  orderId: number | null;
  itemId: number | null;
  patientId: string | null;
  action: string;
  fromStatus: WorklistStatus | null;
  toStatus: WorklistStatus | null;
  source: string;
  messageId: number | null;
  detail: Record<string, unknown> | null;
};

export type WorklistItemRecord = WorklistItemSummary & { item: WorklistItem; history: WorklistHistoryRecord[] };

const SUMMARY = `i.id, i.order_id as "orderId", i.status, i.patient_id as "patientId", i.issuer_of_patient_id as "issuerOfPatientId",
  i.patient_name as "patientName", coalesce(i.item->>'PatientBirthDate', '') as "patientBirthDate", coalesce(i.item->>'PatientSex', '') as "patientSex",
  i.accession_number as "accessionNumber", i.modality, to_jsonb(i.station_ae_titles) as "stationAeTitles",
  i.scheduled_date as "scheduledDate", i.scheduled_time as "scheduledTime", i.sps_id as "spsId",
  coalesce(i.item->'ScheduledProcedureStepSequence'->0->>'ScheduledProcedureStepDescription', '') as "spsDescription",
  i.requested_procedure_id as "requestedProcedureId", coalesce(i.item->>'RequestedProcedureDescription', '') as "requestedProcedureDescription",
  i.study_instance_uid as "studyInstanceUid", o.placer_order_number as "placerOrderNumber", o.filler_order_number as "fillerOrderNumber",
  to_jsonb(i.missing_type1) as "missingType1", i.created_at as "createdAt", i.updated_at as "updatedAt"`;

const ORDER_BY: Record<WorklistSort, string> = {
  id: 'i.id %',
  scheduled: 'i.scheduled_date %, i.scheduled_time %, i.id %',
  patientName: 'i.patient_name %, i.id %',
  patientId: 'i.patient_id %, i.id %',
  accessionNumber: 'i.accession_number %, i.id %',
  modality: 'i.modality %, i.id %',
  status: 'i.status %, i.id %',
  updatedAt: 'i.updated_at %, i.id %',
};

/** A name pattern for ILIKE: `*`/`?` as wildcards, else a substring. */
function namePattern(text: string): string {
  const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
  return /[*?]/.test(text) ? escaped.replace(/\*/g, '%').replace(/\?/g, '_') : `%${escaped}%`;
}

export async function listWorklistItems(db: SqlClient, q: WorklistQuery): Promise<{ items: WorklistItemSummary[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replaceAll('?', `$${params.length}`));
  };
  if (q.ids?.length) add('i.id in (select (jsonb_array_elements_text(?::jsonb))::bigint)', JSON.stringify(q.ids));
  if (q.status?.length) add('i.status in (select jsonb_array_elements_text(?::jsonb))', JSON.stringify(q.status));
  if (q.modality) add('i.modality = ?', q.modality);
  if (q.stationAeTitle) add('? = any(i.station_ae_titles)', q.stationAeTitle);
  if (q.scheduledFrom) add('i.scheduled_date >= ?', q.scheduledFrom);
  if (q.scheduledTo) add("i.scheduled_date <= ? and i.scheduled_date <> ''", q.scheduledTo);
  if (q.patientId) add('i.patient_id = ?', q.patientId);
  if (q.patientName) add("i.patient_name ilike ? escape '\\'", namePattern(q.patientName));
  if (q.accessionNumber) add('i.accession_number = ?', q.accessionNumber);
  if (q.orderId !== undefined) add('i.order_id = ?', q.orderId);
  if (q.studyInstanceUid) add('i.study_instance_uid = ?', q.studyInstanceUid);
  const whereSql = where.length ? `where ${where.join(' and ')}` : '';
  const total = await db.query<{ n: number }>(`select count(*)::int as n from worklist_items i ${whereSql}`, params);
  const direction = q.order === 'DESC' ? 'desc' : 'asc';
  const orderBy = ORDER_BY[q.sort ?? 'scheduled'].replaceAll('%', direction);
  const { rows } = await db.query<WorklistItemSummary>(
    `select ${SUMMARY} from worklist_items i join worklist_orders o on o.id = i.order_id ${whereSql}
     order by ${orderBy} limit ${Math.max(0, Math.floor(q.limit))} offset ${Math.max(0, Math.floor(q.offset))}`,
    params,
  );
  return { items: rows, total: total.rows[0]?.n ?? 0 };
}

/** One item with the whole DICOM item and the history of its order (newest last). */
export async function getWorklistItem(db: SqlClient, id: number): Promise<WorklistItemRecord | undefined> {
  const { rows } = await db.query<WorklistItemSummary & { item: WorklistItem }>(
    `select ${SUMMARY}, i.item from worklist_items i join worklist_orders o on o.id = i.order_id where i.id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) return undefined;
  const history = await worklistHistory(db, { orderId: row.orderId });
  return { ...row, history: history.filter((h) => h.itemId === null || h.itemId === row.id) };
}

/** History rows of an order, an item or a patient, oldest first. */
export async function worklistHistory(db: SqlClient, by: { orderId?: number; itemId?: number; patientId?: string }): Promise<WorklistHistoryRecord[]> {
  const [column, value] = by.orderId !== undefined ? ['order_id', by.orderId] : by.itemId !== undefined ? ['item_id', by.itemId] : ['patient_id', by.patientId ?? ''];
  const { rows } = await db.query<WorklistHistoryRecord>(
    `select id, at, order_id as "orderId", item_id as "itemId", patient_id as "patientId", action, from_status as "fromStatus",
       to_status as "toStatus", source, message_id as "messageId", detail
     from worklist_history where ${column} = $1 order by id`,
    [value],
  );
  return rows;
}
