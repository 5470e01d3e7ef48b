// Orders and their worklist items: create, update, cancel, change status. Every function takes
// the caller's SqlClient (inside the orders channel, the transaction that stores the message) and
// returns expected failures as values; it throws only when the database does. On a failure some
// rows may already be written: the caller rolls back (the engine does, to its savepoint).
import type { Result } from '../../engine/index.ts';
import type { SqlClient } from './sql-client.ts';
import { PATIENT_KEYS, VISIT_KEYS, mergeWorklistItem, missingType1Keys, sameJson } from './worklist-item.ts';
import type { ScheduledProcedureStep, WorklistItem, WorklistItemKey } from './worklist-item.ts';
import { decideStatus, isOpenStatus, rollUpStatus } from './worklist-status.ts';
import type { WorklistStatus } from './worklist-status.ts';
import { worklistError } from './worklist-error.ts';
import type { WorklistError } from './worklist-error.ts';
import { findOrder, formatIdentifier, insertItem, itemChanges, orderItems, recordHistory, setItemStatus, updateItem } from './worklist-rows.ts';
import type { ItemRow, OrderIdentifier, OrderRef, OrderRow, WorklistEvent } from './worklist-rows.ts';

export type OrderInput = {
  placer?: OrderIdentifier | undefined;
  filler?: OrderIdentifier | undefined;
  /** One item per Scheduled Procedure Step, each with the whole order, visit and patient context. */
  items: WorklistItem[];
  /** The items' StudyInstanceUID was generated here, not sent: an order that has one keeps it. */
  studyInstanceUidGenerated?: boolean | undefined;
};

export type OrderUpdate = OrderInput & {
  /** 'keep' the stored patient and visit attributes (an XO, standards-mappings.md 1.4) or 'replace' them. */
  patientAndVisit: 'keep' | 'replace';
  /** Move the order's items to this status with the update (XO with ORC-5 CM: COMPLETED). */
  status?: WorklistStatus | undefined;
};

export type ItemOutcome = {
  id: number;
  spsId: string;
  action: 'created' | 'updated' | 'unchanged' | 'status';
  status: WorklistStatus;
  /** Type 1 return keys still empty: the item is stored but not offered to modalities. */
  missingType1: string[];
};

export type OrderOutcome = {
  orderId: number;
  status: WorklistStatus;
  /** `duplicate`: the order was there already and nothing changed (a repeated message). */
  action: 'created' | 'updated' | 'duplicate' | 'status';
  items: ItemOutcome[];
  note?: string;
};

const STATUS_ACTIONS: Record<WorklistStatus, string> = {
  SCHEDULED: 'status',
  'IN PROGRESS': 'started',
  COMPLETED: 'completed',
  DISCONTINUED: 'discontinued',
  CANCELLED: 'cancelled',
};

function spsIdOf(item: WorklistItem): string {
  return item.ScheduledProcedureStepSequence[0].ScheduledProcedureStepID ?? '';
}

function checkInput(input: OrderInput): WorklistError | undefined {
  if (!input.placer?.number && !input.filler?.number) return { code: 'DICOM_WORKLIST_INVALID', message: 'an order needs a placer or a filler order number' };
  if (input.items.length === 0) return { code: 'DICOM_WORKLIST_INVALID', message: 'an order needs at least one scheduled procedure step' };
  return repeatedStep(input.items);
}

function repeatedStep(items: WorklistItem[]): WorklistError | undefined {
  const ids = items.map(spsIdOf);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) return { code: 'DICOM_WORKLIST_INVALID', message: `two scheduled procedure steps of one order have the SPS ID ${JSON.stringify(twice)}` };
  return undefined;
}

function describe(ref: OrderRef): string {
  const parts = [ref.filler?.number && `filler order number ${formatIdentifier(ref.filler)}`, ref.placer?.number && `placer order number ${formatIdentifier(ref.placer)}`];
  if (!ref.filler?.number && !ref.placer?.number && ref.studyInstanceUid) parts.push(`Study Instance UID ${ref.studyInstanceUid}`);
  return parts.filter(Boolean).join(' / ') || 'no identifier';
}

/**
 * Creates an order with one item per step (status SCHEDULED). Idempotent: when the placer or
 * filler order number is known already (a repeated NW, a reprocessed message) no second order
 * is made; the differences, if any, are applied as an update that replaces patient and visit
 * attributes, and the outcome is `duplicate` when there were none. A repeated NW for a cancelled
 * or discontinued order changes nothing.
 */
export async function createOrder(db: SqlClient, input: OrderInput, event: WorklistEvent): Promise<Result<OrderOutcome, WorklistError>> {
  const invalid = checkInput(input);
  if (invalid) return { ok: false, error: invalid };
  const existing = await findOrder(db, { placer: input.placer, filler: input.filler });
  if (!existing.ok) return existing;
  if (existing.value) return applyToExisting(db, existing.value, { ...input, patientAndVisit: 'replace' }, event, 'repeated');

  const first = input.items[0]!;
  const inserted = await db.query<{ id: number }>(
    `insert into worklist_orders (placer_order_number, placer_issuer, filler_order_number, filler_issuer, accession_number, patient_id,
       issuer_of_patient_id, study_instance_uid, status, created_message_id, updated_message_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, 'SCHEDULED', $9, $9)
     on conflict do nothing returning id`,
    [
      input.placer?.number || null,
      input.placer?.number ? input.placer.issuer : '',
      input.filler?.number || null,
      input.filler?.number ? input.filler.issuer : '',
      first.AccessionNumber ?? '',
      first.PatientID ?? '',
      first.IssuerOfPatientID ?? '',
      first.StudyInstanceUID ?? '',
      event.messageId ?? null,
    ],
  );
  const orderId = inserted.rows[0]?.id;
  if (orderId === undefined) {
    // Another transaction created it meanwhile (PostgreSQL, several processes): treat as a repeat.
    const raced = await findOrder(db, { placer: input.placer, filler: input.filler });
    if (!raced.ok) return raced;
    if (!raced.value) throw new Error('worklist order vanished after a unique conflict');
    return applyToExisting(db, raced.value, { ...input, patientAndVisit: 'replace' }, event, 'repeated');
  }
  const items: ItemOutcome[] = [];
  for (const item of input.items) {
    const id = await insertItem(db, orderId, 'SCHEDULED', item);
    const missingType1 = missingType1Keys(item);
    items.push({ id, spsId: spsIdOf(item), action: 'created', status: 'SCHEDULED', missingType1 });
    await recordHistory(db, event, {
      orderId,
      itemId: id,
      patientId: item.PatientID,
      issuerOfPatientId: item.IssuerOfPatientID ?? '',
      action: 'created',
      toStatus: 'SCHEDULED',
      detail: missingType1.length ? { missingType1 } : undefined,
    });
  }
  return { ok: true, value: { orderId, status: 'SCHEDULED', action: 'created', items } };
}

/**
 * Updates the order `ref` names (RAD-13 / XO): each item is matched to a stored step by SPS ID
 * (or, when the order has one step and the update one, to that step), merged over it (an absent
 * attribute keeps its value, '' clears it), and a step not stored yet is added. Unknown order:
 * DICOM_WORKLIST_ORDER_NOT_FOUND; a cancelled or discontinued one: DICOM_WORKLIST_ORDER_CLOSED.
 */
export async function updateOrder(db: SqlClient, ref: OrderRef, update: OrderUpdate, event: WorklistEvent): Promise<Result<OrderOutcome, WorklistError>> {
  const invalid = repeatedStep(update.items);
  if (invalid) return { ok: false, error: invalid };
  const found = await findOrder(db, ref);
  if (!found.ok) return found;
  const order = found.value;
  if (!order) return worklistError('DICOM_WORKLIST_ORDER_NOT_FOUND', `no order with ${describe(ref)}`);
  if (order.status === 'CANCELLED' || order.status === 'DISCONTINUED') {
    return worklistError('DICOM_WORKLIST_ORDER_CLOSED', `order ${order.id} (${describe(ref)}) is ${order.status} and cannot be changed`);
  }
  return applyToExisting(db, order, update, event, 'update');
}

async function applyToExisting(
  db: SqlClient,
  order: OrderRow,
  update: OrderUpdate,
  event: WorklistEvent,
  kind: 'update' | 'repeated',
): Promise<Result<OrderOutcome, WorklistError>> {
  const stored = await orderItems(db, order.id);
  if (kind === 'repeated' && !isOpenStatus(order.status)) {
    const note = `the order is ${order.status}: the repeated order was not applied`;
    await recordHistory(db, event, { orderId: order.id, patientId: order.patientId, issuerOfPatientId: order.issuerOfPatientId, action: 'duplicate', detail: { reason: note } });
    return { ok: true, value: { orderId: order.id, status: order.status, action: 'duplicate', items: stored.map((r) => unchanged(r)), note } };
  }
  const keep: WorklistItemKey[] = update.patientAndVisit === 'keep' ? [...PATIENT_KEYS, ...VISIT_KEYS] : [];
  const items: ItemOutcome[] = [];
  const touched = new Set<number>();
  for (const incoming of update.items) {
    const changes: WorklistItem = { ...incoming };
    if (update.studyInstanceUidGenerated) delete changes.StudyInstanceUID;
    const spsId = spsIdOf(incoming);
    let target = stored.find((r) => r.spsId === spsId && !touched.has(r.id));
    if (!target && stored.length === 1 && update.items.length === 1) target = stored[0];
    if (target) {
      touched.add(target.id);
      const merged = mergeWorklistItem(target.item, changes, keep);
      let status = target.status;
      if (update.status) {
        const d = decideStatus(status, update.status);
        if (!d.ok) return worklistError('DICOM_WORKLIST_STATUS_REFUSED', `item ${target.id} of order ${order.id}: ${d.reason}`);
        status = d.next;
      }
      if (sameJson(merged, target.item) && status === target.status) {
        items.push(unchanged(target));
        continue;
      }
      await updateItem(db, target.id, status, merged);
      const missingType1 = missingType1Keys(merged);
      items.push({ id: target.id, spsId: spsIdOf(merged), action: 'updated', status, missingType1 });
      await recordHistory(db, event, {
        orderId: order.id,
        itemId: target.id,
        patientId: merged.PatientID,
        issuerOfPatientId: merged.IssuerOfPatientID ?? '',
        action: 'updated',
        ...(status !== target.status ? { fromStatus: target.status, toStatus: status } : {}),
        detail: { changes: itemChanges(target.item, merged), ...(kind === 'repeated' ? { reason: 'a new order repeated for a known order number' } : {}) },
      });
    } else {
      // A step the order did not have: the order's context from a stored step, the step as sent.
      const base = stored[0]?.item;
      const emptyStep: [ScheduledProcedureStep] = [{}];
      const item = base ? mergeWorklistItem({ ...base, ScheduledProcedureStepSequence: emptyStep }, changes, keep) : changes;
      if (update.studyInstanceUidGenerated || !item.StudyInstanceUID) item.StudyInstanceUID = order.studyInstanceUid;
      let status: WorklistStatus = 'SCHEDULED';
      if (update.status) {
        const d = decideStatus(status, update.status);
        if (!d.ok) return worklistError('DICOM_WORKLIST_STATUS_REFUSED', `new step of order ${order.id}: ${d.reason}`);
        status = d.next;
      }
      const id = await insertItem(db, order.id, status, item);
      touched.add(id);
      const missingType1 = missingType1Keys(item);
      items.push({ id, spsId: spsIdOf(item), action: 'created', status, missingType1 });
      await recordHistory(db, event, {
        orderId: order.id,
        itemId: id,
        patientId: item.PatientID,
        issuerOfPatientId: item.IssuerOfPatientID ?? '',
        action: 'created',
        toStatus: status,
        detail: { reason: 'a step added by an update', ...(missingType1.length ? { missingType1 } : {}) },
      });
    }
  }
  for (const r of stored) if (!touched.has(r.id)) items.push(unchanged(r));

  const changed = items.some((i) => i.action !== 'unchanged');
  if (!changed) {
    await recordHistory(db, event, { orderId: order.id, patientId: order.patientId, issuerOfPatientId: order.issuerOfPatientId, action: 'duplicate', detail: { reason: 'nothing changed' } });
    return { ok: true, value: { orderId: order.id, status: order.status, action: 'duplicate', items } };
  }
  const status = rollUpStatus(items.map((i) => i.status));
  const first = update.items[0];
  await db.query(
    `update worklist_orders set status = $2, updated_at = now(), updated_message_id = coalesce($3, updated_message_id),
       accession_number = coalesce($4, accession_number), study_instance_uid = coalesce($5, study_instance_uid),
       placer_order_number = coalesce(placer_order_number, $6), placer_issuer = case when placer_order_number is null and $6::text is not null then $7 else placer_issuer end,
       filler_order_number = coalesce(filler_order_number, $8), filler_issuer = case when filler_order_number is null and $8::text is not null then $9 else filler_issuer end
     where id = $1`,
    [
      order.id,
      status,
      event.messageId ?? null,
      first?.AccessionNumber || null,
      update.studyInstanceUidGenerated ? null : first?.StudyInstanceUID || null,
      await freeNumber(db, 'placer', update.placer, order.id),
      update.placer?.issuer ?? '',
      await freeNumber(db, 'filler', update.filler, order.id),
      update.filler?.issuer ?? '',
    ],
  );
  return { ok: true, value: { orderId: order.id, status, action: 'updated', items } };
}

/** The number, when no other order has it (so an update may add it to an order that lacked it). */
async function freeNumber(db: SqlClient, column: 'placer' | 'filler', id: OrderIdentifier | undefined, orderId: number): Promise<string | null> {
  if (!id?.number) return null;
  const { rows } = await db.query(`select 1 from worklist_orders where ${column}_order_number = $1 and ${column}_issuer = $2 and id <> $3`, [id.number, id.issuer, orderId]);
  return rows.length ? null : id.number;
}

function unchanged(r: ItemRow): ItemOutcome {
  return { id: r.id, spsId: r.spsId, action: 'unchanged', status: r.status, missingType1: missingType1Keys(r.item) };
}

/**
 * Moves every item of the order `ref` names to `requested` (rules: decideStatus). A change that
 * is not possible for one item changes none. `requested` undefined only checks that the order
 * exists and records the status report (HL7 SC with ORC-5 IP: "no change", 1.4).
 */
export async function changeOrderStatus(
  db: SqlClient,
  ref: OrderRef,
  requested: WorklistStatus | undefined,
  event: WorklistEvent,
): Promise<Result<OrderOutcome, WorklistError>> {
  const found = await findOrder(db, ref);
  if (!found.ok) return found;
  const order = found.value;
  if (!order) return worklistError('DICOM_WORKLIST_ORDER_NOT_FOUND', `no order with ${describe(ref)}`);
  const stored = await orderItems(db, order.id);
  if (requested === undefined) {
    await recordHistory(db, event, { orderId: order.id, patientId: order.patientId, issuerOfPatientId: order.issuerOfPatientId, action: 'status', detail: { reason: 'status report, no change' } });
    return { ok: true, value: { orderId: order.id, status: order.status, action: 'duplicate', items: stored.map(unchanged) } };
  }
  const decisions = stored.map((r) => ({ r, d: decideStatus(r.status, requested) }));
  const refused = decisions.find((x) => !x.d.ok);
  if (refused && !refused.d.ok) return worklistError('DICOM_WORKLIST_STATUS_REFUSED', `order ${order.id} (${describe(ref)}), item ${refused.r.id}: ${refused.d.reason}`);
  const items: ItemOutcome[] = [];
  for (const { r, d } of decisions) {
    if (!d.ok || !d.changed) {
      items.push(unchanged(r));
      continue;
    }
    await setItemStatus(db, r.id, d.next);
    items.push({ id: r.id, spsId: r.spsId, action: 'status', status: d.next, missingType1: missingType1Keys(r.item) });
    await recordHistory(db, event, {
      orderId: order.id,
      itemId: r.id,
      patientId: order.patientId,
      issuerOfPatientId: order.issuerOfPatientId,
      action: STATUS_ACTIONS[d.next],
      fromStatus: r.status,
      toStatus: d.next,
      detail: d.note ? { reason: d.note } : undefined,
    });
  }
  if (!items.some((i) => i.action === 'status')) {
    await recordHistory(db, event, {
      orderId: order.id,
      patientId: order.patientId,
      issuerOfPatientId: order.issuerOfPatientId,
      action: 'duplicate',
      detail: { reason: `already ${order.status}` },
    });
    return { ok: true, value: { orderId: order.id, status: order.status, action: 'duplicate', items } };
  }
  const status = rollUpStatus(items.map((i) => i.status));
  await db.query('update worklist_orders set status = $2, updated_at = now(), updated_message_id = coalesce($3, updated_message_id) where id = $1', [
    order.id,
    status,
    event.messageId ?? null,
  ]);
  return { ok: true, value: { orderId: order.id, status, action: 'status', items } };
}

/** Cancels (CA) or discontinues (DC) the order `ref` names; see changeOrderStatus. */
export function cancelOrder(
  db: SqlClient,
  ref: OrderRef,
  how: 'CANCELLED' | 'DISCONTINUED',
  event: WorklistEvent,
): Promise<Result<OrderOutcome, WorklistError>> {
  return changeOrderStatus(db, ref, how, event);
}

/** Moves one item (MPPS: the step a modality started or ended) and rolls its order's status up. */
export async function changeItemStatus(db: SqlClient, itemId: number, requested: WorklistStatus, event: WorklistEvent): Promise<Result<ItemOutcome, WorklistError>> {
  const { rows } = await db.query<ItemRow>('select id, order_id as "orderId", status, sps_id as "spsId", item from worklist_items where id = $1 for update', [itemId]);
  const r = rows[0];
  if (!r) return worklistError('DICOM_WORKLIST_ITEM_NOT_FOUND', `no worklist item ${itemId}`);
  const d = decideStatus(r.status, requested);
  if (!d.ok) return worklistError('DICOM_WORKLIST_STATUS_REFUSED', `item ${itemId}: ${d.reason}`);
  if (!d.changed) return { ok: true, value: unchanged(r) };
  await setItemStatus(db, r.id, d.next);
  await recordHistory(db, event, {
    orderId: r.orderId,
    itemId: r.id,
    patientId: r.item.PatientID,
    issuerOfPatientId: r.item.IssuerOfPatientID ?? '',
    action: STATUS_ACTIONS[d.next],
    fromStatus: r.status,
    toStatus: d.next,
    detail: d.note ? { reason: d.note } : undefined,
  });
  const all = await db.query<{ status: WorklistStatus }>('select status from worklist_items where order_id = $1', [r.orderId]);
  await db.query('update worklist_orders set status = $2, updated_at = now() where id = $1', [r.orderId, rollUpStatus(all.rows.map((x) => x.status))]);
  return { ok: true, value: { id: r.id, spsId: r.spsId, action: 'status', status: d.next, missingType1: missingType1Keys(r.item) } };
}
