// Rows of the worklist tables (appliance/migrations/0004-worklist.sql) as the store functions
// share them: finding an order, writing an item with its matching columns, recording history.
import type { Result } from '../../engine/index.ts';
import type { SqlClient } from './sql-client.ts';
import { missingType1Keys, sameJson } from './worklist-item.ts';
import type { ScheduledProcedureStep, WorklistItem } from './worklist-item.ts';
import type { WorklistStatus } from './worklist-status.ts';
import { worklistError } from './worklist-error.ts';
import type { WorklistError } from './worklist-error.ts';

/** An order number with its issuer (EI.1 with EI.2, or EI.3 when only that is sent); '' = none. */
export type OrderIdentifier = { number: string; issuer: string };

/** How an order is found: filler order number first, then placer, then Study Instance UID. */
export type OrderRef = { placer?: OrderIdentifier | undefined; filler?: OrderIdentifier | undefined; studyInstanceUid?: string | undefined };

/** What caused a change, for the history. */
export type WorklistEvent = {
  source: 'hl7' | 'fhir' | 'mpps' | 'api';
  /** The engine message that carried it. */
  messageId?: number | undefined;
  /** A short text kept with the history rows (e.g. `ORC-1 XO`). */
  note?: string | undefined;
};

export type OrderRow = {
  id: number;
  placerOrderNumber: string | null;
  placerIssuer: string;
  fillerOrderNumber: string | null;
  fillerIssuer: string;
  accessionNumber: string;
  patientId: string;
  issuerOfPatientId: string;
  studyInstanceUid: string;
  status: WorklistStatus;
};

export type ItemRow = { id: number; orderId: number; status: WorklistStatus; spsId: string; item: WorklistItem };

const ORDER_COLUMNS = `id, placer_order_number as "placerOrderNumber", placer_issuer as "placerIssuer",
  filler_order_number as "fillerOrderNumber", filler_issuer as "fillerIssuer", accession_number as "accessionNumber",
  patient_id as "patientId", issuer_of_patient_id as "issuerOfPatientId", study_instance_uid as "studyInstanceUid", status`;

/** Renders an identifier for messages: `PO-1001^EPIC`. */
export function formatIdentifier(id: OrderIdentifier): string {
  return id.issuer ? `${id.number}^${id.issuer}` : id.number;
}

/**
 * The order `ref` names, locked for update, or undefined. The filler and placer numbers naming two
 * different orders is a conflict; the Study Instance UID is used only when neither number is known.
 */
export async function findOrder(db: SqlClient, ref: OrderRef): Promise<Result<OrderRow | undefined, WorklistError>> {
  const byNumber = async (column: 'placer' | 'filler', id: OrderIdentifier | undefined) => {
    if (!id?.number) return undefined;
    const { rows } = await db.query<OrderRow>(
      `select ${ORDER_COLUMNS} from worklist_orders where ${column}_order_number = $1 and ${column}_issuer = $2 for update`,
      [id.number, id.issuer],
    );
    return rows[0];
  };
  const filler = await byNumber('filler', ref.filler);
  const placer = await byNumber('placer', ref.placer);
  if (filler && placer && filler.id !== placer.id) {
    return worklistError(
      'DICOM_WORKLIST_ORDER_CONFLICT',
      `filler order number ${formatIdentifier(ref.filler!)} belongs to order ${filler.id} but placer order number ${formatIdentifier(ref.placer!)} to order ${placer.id}`,
    );
  }
  if (filler ?? placer) return { ok: true, value: filler ?? placer };
  if (ref.studyInstanceUid) {
    const { rows } = await db.query<OrderRow>(`select ${ORDER_COLUMNS} from worklist_orders where study_instance_uid = $1 order by id limit 1 for update`, [
      ref.studyInstanceUid,
    ]);
    return { ok: true, value: rows[0] };
  }
  return { ok: true, value: undefined };
}

export async function orderItems(db: SqlClient, orderId: number): Promise<ItemRow[]> {
  const { rows } = await db.query<ItemRow>(
    `select id, order_id as "orderId", status, sps_id as "spsId", item from worklist_items where order_id = $1 order by id for update`,
    [orderId],
  );
  return rows;
}

/** The matching columns of an item and the item itself, in the order ITEM_VALUES binds them ($3..$15). */
function itemParams(item: WorklistItem): unknown[] {
  const sps: ScheduledProcedureStep = item.ScheduledProcedureStepSequence[0];
  return [
    item.PatientID ?? '',
    item.IssuerOfPatientID ?? '',
    item.PatientName ?? '',
    item.AccessionNumber ?? '',
    sps.Modality ?? '',
    JSON.stringify((sps.ScheduledStationAETitle ?? []).filter((ae) => ae !== '')),
    sps.ScheduledProcedureStepStartDate ?? '',
    sps.ScheduledProcedureStepStartTime ?? '',
    sps.ScheduledProcedureStepID ?? '',
    item.RequestedProcedureID ?? '',
    item.StudyInstanceUID ?? '',
    JSON.stringify(missingType1Keys(item)),
    JSON.stringify(item),
  ];
}

// Arrays travel as JSON so that PGlite and node-postgres bind them the same way.
const ITEM_VALUES = `$3, $4, $5, $6, $7, array(select jsonb_array_elements_text($8::jsonb)), $9, $10, $11, $12, $13,
  array(select jsonb_array_elements_text($14::jsonb)), $15::jsonb`;

export async function insertItem(db: SqlClient, orderId: number, status: WorklistStatus, item: WorklistItem): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `insert into worklist_items (order_id, status, patient_id, issuer_of_patient_id, patient_name, accession_number, modality,
       station_ae_titles, scheduled_date, scheduled_time, sps_id, requested_procedure_id, study_instance_uid, missing_type1, item)
     values ($1, $2, ${ITEM_VALUES}) returning id`,
    [orderId, status, ...itemParams(item)],
  );
  return rows[0]!.id;
}

export async function updateItem(db: SqlClient, itemId: number, status: WorklistStatus, item: WorklistItem): Promise<void> {
  await db.query(
    `update worklist_items set (status, patient_id, issuer_of_patient_id, patient_name, accession_number, modality, station_ae_titles,
       scheduled_date, scheduled_time, sps_id, requested_procedure_id, study_instance_uid, missing_type1, item, updated_at)
     = ($2, ${ITEM_VALUES}, now()) where id = $1`,
    [itemId, status, ...itemParams(item)],
  );
}

export async function setItemStatus(db: SqlClient, itemId: number, status: WorklistStatus): Promise<void> {
  await db.query('update worklist_items set status = $2, updated_at = now() where id = $1', [itemId, status]);
}

export type HistoryRow = {
  orderId?: number | undefined;
  itemId?: number | undefined;
  patientId?: string | undefined;
  issuerOfPatientId?: string | undefined;
  action: string;
  fromStatus?: WorklistStatus | undefined;
  toStatus?: WorklistStatus | undefined;
  detail?: Record<string, unknown> | undefined;
};

export async function recordHistory(db: SqlClient, event: WorklistEvent, h: HistoryRow): Promise<void> {
  const detail = { ...(event.note ? { note: event.note } : {}), ...h.detail };
  await db.query(
    `insert into worklist_history (order_id, item_id, patient_id, issuer_of_patient_id, action, from_status, to_status, source, message_id, detail)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)`,
    [
      h.orderId ?? null,
      h.itemId ?? null,
      h.patientId ?? null,
      h.issuerOfPatientId ?? null,
      h.action,
      h.fromStatus ?? null,
      h.toStatus ?? null,
      event.source,
      event.messageId ?? null,
      Object.keys(detail).length ? JSON.stringify(detail) : null,
    ],
  );
}

/**
 * What changed between two items, for the history: `[old, new]` for text values, `'changed'`
 * for sequences. Keys of the Scheduled Procedure Step are listed by their own keyword.
 */
export function itemChanges(before: WorklistItem, after: WorklistItem): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const compare = (a: Record<string, unknown>, b: Record<string, unknown>) => {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (key === 'ScheduledProcedureStepSequence' || sameJson(a[key], b[key])) continue;
      const scalar = (v: unknown) => v === undefined || typeof v === 'string' || typeof v === 'number';
      out[key] = scalar(a[key]) && scalar(b[key]) ? [a[key] ?? null, b[key] ?? null] : 'changed';
    }
  };
  compare(before, after);
  compare(before.ScheduledProcedureStepSequence[0], after.ScheduledProcedureStepSequence[0]);
  return out;
}
