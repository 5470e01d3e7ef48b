// Modality Performed Procedure Steps and the worklist (standards-mappings.md 4): which worklist
// items an MPPS performs, and recording its N-CREATE / N-SET, which moves those items (IN PROGRESS
// on create, COMPLETED or DISCONTINUED on the final set) and rolls their orders up. Recording takes
// the caller's SqlClient (the procedure-steps channel's transaction) and returns expected failures
// as values; on a failure the caller rolls back.
import type { Result } from '../../engine/index.ts';
import { firstText } from '../dicom-json.ts';
import type { DicomJson } from '../dicom-json.ts';
import { isFinalStepStatus, Tag } from '../dimse/mpps-scp-event.ts';
import type { MppsEvent, PerformedStepStatus } from '../dimse/mpps-scp-event.ts';
import type { SqlClient } from './sql-client.ts';
import type { CodeItem, WorklistItem } from './worklist-item.ts';
import { changeItemStatus } from './worklist-orders.ts';
import type { ItemOutcome } from './worklist-orders.ts';
import type { OrderIdentifier, WorklistEvent } from './worklist-rows.ts';
import type { WorklistStatus } from './worklist-status.ts';

export const MPPS_FAILURES = {
  DICOM_MPPS_DUPLICATE: 'an N-CREATE names a Performed Procedure Step SOP Instance UID that exists already',
  DICOM_MPPS_NOT_FOUND: 'an N-SET names a Performed Procedure Step SOP Instance UID nobody created',
  DICOM_MPPS_FINAL: 'an N-SET for a step already COMPLETED or DISCONTINUED: it may no longer be updated',
} as const;

export type MppsStoreErrorCode = keyof typeof MPPS_FAILURES;
export type MppsStoreError = { code: MppsStoreErrorCode; message: string };

function mppsError(code: MppsStoreErrorCode, message: string): { ok: false; error: MppsStoreError } {
  return { ok: false, error: { code, message } };
}

/** One worklist item (Scheduled Procedure Step) an MPPS performs. */
export type LinkedStep = { itemId: number; spsId: string; requestedProcedureId: string; status: WorklistStatus };

/** An order an MPPS performs (part of), with what a status message to the ordering system names. */
export type LinkedOrder = {
  orderId: number;
  placer?: OrderIdentifier | undefined;
  filler?: OrderIdentifier | undefined;
  accessionNumber: string;
  studyInstanceUid: string;
  status: WorklistStatus;
  patientId: string;
  issuerOfPatientId: string;
  /** DICOM PN `family^given^middle^prefix^suffix`. */
  patientName: string;
  patientBirthDate: string;
  patientSex: string;
  requestedProcedure?: CodeItem | undefined;
  requestedProcedureDescription: string;
  steps: LinkedStep[];
};

export type ProcedureStepLinks = {
  itemIds: number[];
  orders: LinkedOrder[];
  /** N-SET: the step as stored (its start is in the N-CREATE only). */
  recorded?: { status: PerformedStepStatus; startDate: string; startTime: string } | undefined;
};

/**
 * Attributes an N-SET may not change (PS3.4 Table F.7.2-1 "Not allowed"; dcm4che's list of
 * identity attributes, 4.1): kept from the N-CREATE, a different value is ignored and reported.
 */
const NOT_SETTABLE: ReadonlySet<string> = new Set([
  Tag.ScheduledStepAttributesSequence,
  Tag.PatientName,
  Tag.PatientID,
  Tag.IssuerOfPatientID,
  '00100030', // PatientBirthDate
  '00100040', // PatientSex
  Tag.Modality,
  Tag.PerformedProcedureStepID,
  Tag.PerformedStationAETitle,
  Tag.PerformedProcedureStepStartDate,
  Tag.PerformedProcedureStepStartTime,
]);

type ItemJoinRow = {
  itemId: number;
  spsId: string;
  requestedProcedureId: string;
  itemStatus: WorklistStatus;
  item: WorklistItem;
  orderId: number;
  orderStatus: WorklistStatus;
  placerOrderNumber: string | null;
  placerIssuer: string;
  fillerOrderNumber: string | null;
  fillerIssuer: string;
  accessionNumber: string;
  patientId: string;
  issuerOfPatientId: string;
  studyInstanceUid: string;
};

/** The items with their orders, grouped by order (in item order). */
async function loadLinks(db: SqlClient, itemIds: readonly number[]): Promise<ProcedureStepLinks> {
  if (itemIds.length === 0) return { itemIds: [], orders: [] };
  const { rows } = await db.query<ItemJoinRow>(
    `select i.id as "itemId", i.sps_id as "spsId", i.requested_procedure_id as "requestedProcedureId", i.status as "itemStatus", i.item,
            o.id as "orderId", o.status as "orderStatus", o.placer_order_number as "placerOrderNumber", o.placer_issuer as "placerIssuer",
            o.filler_order_number as "fillerOrderNumber", o.filler_issuer as "fillerIssuer", o.accession_number as "accessionNumber",
            o.patient_id as "patientId", o.issuer_of_patient_id as "issuerOfPatientId", o.study_instance_uid as "studyInstanceUid"
     from worklist_items i join worklist_orders o on o.id = i.order_id
     where i.id in (select (jsonb_array_elements_text($1::jsonb))::bigint) order by i.id`,
    [JSON.stringify(itemIds)],
  );
  const orders = new Map<number, LinkedOrder>();
  for (const r of rows) {
    let order = orders.get(r.orderId);
    if (!order) {
      order = {
        orderId: r.orderId,
        ...(r.placerOrderNumber ? { placer: { number: r.placerOrderNumber, issuer: r.placerIssuer } } : {}),
        ...(r.fillerOrderNumber ? { filler: { number: r.fillerOrderNumber, issuer: r.fillerIssuer } } : {}),
        accessionNumber: r.accessionNumber,
        studyInstanceUid: r.studyInstanceUid,
        status: r.orderStatus,
        patientId: r.patientId,
        issuerOfPatientId: r.issuerOfPatientId,
        patientName: r.item.PatientName ?? '',
        patientBirthDate: r.item.PatientBirthDate ?? '',
        patientSex: r.item.PatientSex ?? '',
        ...(r.item.RequestedProcedureCodeSequence?.[0] ? { requestedProcedure: r.item.RequestedProcedureCodeSequence[0] } : {}),
        requestedProcedureDescription: r.item.RequestedProcedureDescription ?? '',
        steps: [],
      };
      orders.set(r.orderId, order);
    }
    order.steps.push({ itemId: r.itemId, spsId: r.spsId, requestedProcedureId: r.requestedProcedureId, status: r.itemStatus });
  }
  return { itemIds: rows.map((r) => r.itemId), orders: [...orders.values()] };
}

/**
 * The worklist items an N-CREATE's Scheduled Step Attributes name (4.1 correlation key): the SPS ID
 * with the Study Instance UID (and the Requested Procedure ID when sent); when the modality made
 * its own Study Instance UID, the SPS ID with the accession number. An item without an SPS ID is
 * an unscheduled procedure and links nothing.
 */
async function matchScheduledSteps(db: SqlClient, event: MppsEvent): Promise<number[]> {
  const ids: number[] = [];
  for (const s of event.scheduledSteps) {
    if (!s.scheduledProcedureStepId) continue;
    const byStudy = await db.query<{ id: number }>(
      `select id from worklist_items where sps_id = $1 and study_instance_uid = $2 and ($3 = '' or requested_procedure_id = $3) order by id`,
      [s.scheduledProcedureStepId, s.studyInstanceUid, s.requestedProcedureId],
    );
    let found = byStudy.rows;
    if (found.length === 0 && s.accessionNumber) {
      const byAccession = await db.query<{ id: number }>(
        `select id from worklist_items where sps_id = $1 and accession_number = $2 and ($3 = '' or requested_procedure_id = $3) order by id`,
        [s.scheduledProcedureStepId, s.accessionNumber, s.requestedProcedureId],
      );
      found = byAccession.rows;
    }
    for (const r of found) if (!ids.includes(r.id)) ids.push(r.id);
  }
  return ids;
}

/**
 * What an MPPS event performs, read before it is recorded (so that the status message to the
 * ordering system can be planned with it): for an N-CREATE the items its scheduled steps match,
 * for an N-SET the items its N-CREATE linked (none when the instance is unknown).
 */
export async function linkProcedureStep(db: SqlClient, event: MppsEvent): Promise<ProcedureStepLinks> {
  if (event.kind === 'create') return loadLinks(db, await matchScheduledSteps(db, event));
  const { rows } = await db.query<{ itemIds: number[]; status: PerformedStepStatus; attributes: DicomJson }>(
    `select to_jsonb(worklist_item_ids) as "itemIds", status, attributes from performed_procedure_steps where sop_instance_uid = $1`,
    [event.sopInstanceUid],
  );
  const row = rows[0];
  if (!row) return { itemIds: [], orders: [] };
  const recorded = {
    status: row.status,
    startDate: firstText(row.attributes, Tag.PerformedProcedureStepStartDate),
    startTime: firstText(row.attributes, Tag.PerformedProcedureStepStartTime),
  };
  return { ...(await loadLinks(db, row.itemIds)), recorded };
}

export type ProcedureStepOutcome = {
  id: number;
  sopInstanceUid: string;
  status: PerformedStepStatus;
  previousStatus?: PerformedStepStatus | undefined;
  /** The linked items, moved or not. */
  items: ItemOutcome[];
  /** Orders whose items changed status, as they are now. */
  changedOrders: LinkedOrder[];
  /** What was not done and why (an item that could not move, an attribute an N-SET may not change). */
  notes: string[];
};

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function moveItems(db: SqlClient, itemIds: readonly number[], to: WorklistStatus, event: WorklistEvent, notes: string[]): Promise<ItemOutcome[]> {
  const out: ItemOutcome[] = [];
  for (const id of itemIds) {
    const r = await changeItemStatus(db, id, to, event);
    // The modality did perform it: an item that cannot move (cancelled meanwhile, completed by an
    // earlier step) does not refuse the MPPS; the note says why it stayed.
    if (r.ok) out.push(r.value);
    else notes.push(`worklist item ${id} not moved to ${to}: ${r.error.message}`);
  }
  return out;
}

async function changedOrders(db: SqlClient, items: readonly ItemOutcome[]): Promise<LinkedOrder[]> {
  const moved = items.filter((i) => i.action !== 'unchanged').map((i) => i.id);
  return (await loadLinks(db, moved)).orders;
}

type StepRow = { id: number; status: PerformedStepStatus; itemIds: number[]; attributes: DicomJson };

/**
 * Records an N-CREATE (a new instance, IN PROGRESS, linked to `itemIds`, which move to IN
 * PROGRESS) or an N-SET (attributes merged; COMPLETED or DISCONTINUED move the linked items too).
 * Failures: DICOM_MPPS_DUPLICATE (N-CREATE of a known instance), DICOM_MPPS_NOT_FOUND (N-SET of
 * an unknown one), DICOM_MPPS_FINAL (N-SET after COMPLETED or DISCONTINUED).
 */
export async function recordProcedureStep(
  db: SqlClient,
  step: { event: MppsEvent; itemIds: readonly number[] },
  event: WorklistEvent,
): Promise<Result<ProcedureStepOutcome, MppsStoreError>> {
  const e = step.event;
  const notes: string[] = [];
  if (e.kind === 'create') {
    const inserted = await db.query<{ id: number }>(
      `insert into performed_procedure_steps (sop_instance_uid, status, calling_ae_title, performed_procedure_step_id, modality, patient_id,
         study_instance_uids, accession_numbers, worklist_item_ids, attributes, created_message_id, updated_message_id)
       values ($1, 'IN PROGRESS', $2, $3, $4, $5, array(select jsonb_array_elements_text($6::jsonb)), array(select jsonb_array_elements_text($7::jsonb)),
         array(select (jsonb_array_elements_text($8::jsonb))::bigint), $9::jsonb, $10, $10)
       on conflict (sop_instance_uid) do nothing returning id`,
      [
        e.sopInstanceUid,
        e.callingAeTitle,
        e.performedProcedureStepId,
        e.modality,
        e.patientId,
        JSON.stringify([...new Set(e.scheduledSteps.map((s) => s.studyInstanceUid).filter(Boolean))]),
        JSON.stringify([...new Set(e.scheduledSteps.map((s) => s.accessionNumber).filter(Boolean))]),
        JSON.stringify(step.itemIds),
        JSON.stringify(e.dataset),
        event.messageId ?? null,
      ],
    );
    const id = inserted.rows[0]?.id;
    if (id === undefined) return mppsError('DICOM_MPPS_DUPLICATE', `a performed procedure step ${e.sopInstanceUid} exists already`);
    if (step.itemIds.length === 0) notes.push('no worklist item matches its scheduled steps: an unscheduled procedure');
    const items = await moveItems(db, step.itemIds, 'IN PROGRESS', event, notes);
    return { ok: true, value: { id, sopInstanceUid: e.sopInstanceUid, status: 'IN PROGRESS', items, changedOrders: await changedOrders(db, items), notes } };
  }

  const { rows } = await db.query<StepRow>(
    `select id, status, to_jsonb(worklist_item_ids) as "itemIds", attributes from performed_procedure_steps where sop_instance_uid = $1 for update`,
    [e.sopInstanceUid],
  );
  const row = rows[0];
  if (!row) return mppsError('DICOM_MPPS_NOT_FOUND', `no performed procedure step ${e.sopInstanceUid}`);
  if (isFinalStepStatus(row.status)) return mppsError('DICOM_MPPS_FINAL', `performed procedure step ${e.sopInstanceUid} is ${row.status}: it may no longer be updated`);

  const merged: DicomJson = { ...row.attributes };
  for (const [tag, element] of Object.entries(e.dataset)) {
    if (NOT_SETTABLE.has(tag)) {
      if (!sameJson(row.attributes[tag], element)) notes.push(`(${tag.slice(0, 4)},${tag.slice(4)}) may not be changed by N-SET: ignored`);
      continue;
    }
    merged[tag] = element;
  }
  const status = e.status ?? row.status;
  await db.query(
    `update performed_procedure_steps set status = $2, attributes = $3::jsonb, updated_message_id = coalesce($4, updated_message_id), updated_at = now(),
       ended_at = case when $2::text in ('COMPLETED', 'DISCONTINUED') then now() else ended_at end
     where id = $1`,
    [row.id, status, JSON.stringify(merged), event.messageId ?? null],
  );
  let items: ItemOutcome[] = [];
  if (status === 'COMPLETED' || status === 'DISCONTINUED') items = await moveItems(db, row.itemIds, status, event, notes);
  return {
    ok: true,
    value: { id: row.id, sopInstanceUid: e.sopInstanceUid, status, previousStatus: row.status, items, changedOrders: await changedOrders(db, items), notes },
  };
}
