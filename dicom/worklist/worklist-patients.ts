// Patients as the RIS/EHR describes them: ADT^A01/A04/A08 (and every new order's PID) create or
// update the patient and their demographics flow to the patient's open worklist items; ADT^A40
// moves the items of the old Patient ID to the surviving one.
import type { Result } from '../../engine/index.ts';
import type { SqlClient } from './sql-client.ts';
import { PATIENT_KEYS, mergeWorklistItem, sameJson } from './worklist-item.ts';
import type { PatientDemographics, WorklistItem } from './worklist-item.ts';
import { OPEN_STATUSES } from './worklist-status.ts';
import type { WorklistStatus } from './worklist-status.ts';
import { worklistError } from './worklist-error.ts';
import type { WorklistError } from './worklist-error.ts';
import { itemChanges, recordHistory, updateItem } from './worklist-rows.ts';
import type { WorklistEvent } from './worklist-rows.ts';

export type PatientRef = { PatientID: string; IssuerOfPatientID?: string | undefined };

export type PatientOutcome = {
  patientRowId: number;
  created: boolean;
  /** The stored demographics changed. */
  changed: boolean;
  /** Worklist items whose patient attributes changed. */
  itemIds: number[];
};

export type MergeOutcome = { into: PatientOutcome; movedItemIds: number[]; movedOrders: number };

type PatientRow = { id: number; attributes: Record<string, unknown> };
type ItemRow = { id: number; orderId: number; status: WorklistStatus; item: WorklistItem };

const OPEN_SQL = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');

/** The demographics as an item change: patient attributes only, the step untouched. */
function asItemChanges(patient: PatientDemographics): WorklistItem {
  const changes: WorklistItem = { ScheduledProcedureStepSequence: [{}] };
  for (const key of [...PATIENT_KEYS, 'SpecificCharacterSet'] as const) {
    if (patient[key] !== undefined) Object.assign(changes, { [key]: patient[key] });
  }
  return changes;
}

function attributesOf(patient: PatientDemographics): Record<string, unknown> {
  const { ScheduledProcedureStepSequence: _, ...rest } = asItemChanges(patient);
  return rest;
}

/**
 * Creates the patient or lays the new demographics over the stored ones (an attribute not sent
 * keeps its value), then updates the patient attributes of their open (SCHEDULED, IN PROGRESS)
 * items. The Patient ID and its issuer identify the patient and are not changed here.
 */
export async function updatePatient(db: SqlClient, patient: PatientDemographics, event: WorklistEvent): Promise<Result<PatientOutcome, WorklistError>> {
  if (!patient.PatientID) return worklistError('DICOM_WORKLIST_INVALID', 'a patient needs a Patient ID');
  const issuer = patient.IssuerOfPatientID ?? '';
  const attributes = attributesOf(patient);
  const found = await db.query<PatientRow>('select id, attributes from worklist_patients where patient_id = $1 and issuer_of_patient_id = $2 for update', [
    patient.PatientID,
    issuer,
  ]);
  let row = found.rows[0];
  let created = false;
  let changed = false;
  if (!row) {
    const inserted = await db.query<PatientRow>(
      `insert into worklist_patients (patient_id, issuer_of_patient_id, attributes) values ($1, $2, $3::jsonb)
       on conflict (patient_id, issuer_of_patient_id) do update set attributes = worklist_patients.attributes || excluded.attributes, updated_at = now()
       returning id, attributes`,
      [patient.PatientID, issuer, JSON.stringify(attributes)],
    );
    row = inserted.rows[0]!;
    created = changed = true;
  } else {
    const merged = { ...row.attributes, ...attributes };
    if (!sameJson(merged, row.attributes)) {
      await db.query('update worklist_patients set attributes = $2::jsonb, updated_at = now() where id = $1', [row.id, JSON.stringify(merged)]);
      changed = true;
    }
  }

  const changes = asItemChanges(patient);
  const { rows } = await db.query<ItemRow>(
    `select id, order_id as "orderId", status, item from worklist_items
     where patient_id = $1 and issuer_of_patient_id = $2 and status in (${OPEN_SQL}) order by id for update`,
    [patient.PatientID, issuer],
  );
  const itemIds: number[] = [];
  for (const r of rows) {
    const merged = mergeWorklistItem(r.item, changes);
    if (sameJson(merged, r.item)) continue;
    await updateItem(db, r.id, r.status, merged);
    itemIds.push(r.id);
    await recordHistory(db, event, {
      orderId: r.orderId,
      itemId: r.id,
      patientId: patient.PatientID,
      issuerOfPatientId: issuer,
      action: 'demographics',
      detail: { changes: itemChanges(r.item, merged) },
    });
  }
  if (changed && itemIds.length === 0) {
    await recordHistory(db, event, { patientId: patient.PatientID, issuerOfPatientId: issuer, action: 'demographics', detail: { reason: created ? 'patient created' : 'patient updated' } });
  }
  return { ok: true, value: { patientRowId: row.id, created, changed, itemIds } };
}

/**
 * ADT^A40: the patient `from` (MRG-1) is merged into `into` (PID). `into` is created or updated as
 * by updatePatient; every item and order of `from`, whatever its status, moves to `into` and takes
 * its demographics; `from` is marked as merged. Merging a patient nobody knows changes no item
 * and is recorded.
 */
export async function mergePatients(db: SqlClient, from: PatientRef, into: PatientDemographics, event: WorklistEvent): Promise<Result<MergeOutcome, WorklistError>> {
  const fromIssuer = from.IssuerOfPatientID ?? '';
  const intoIssuer = into.IssuerOfPatientID ?? '';
  if (!from.PatientID) return worklistError('DICOM_WORKLIST_INVALID', 'a merge needs the Patient ID to merge (MRG-1)');
  if (from.PatientID === into.PatientID && fromIssuer === intoIssuer) {
    return worklistError('DICOM_WORKLIST_INVALID', `patient ${from.PatientID} cannot be merged into itself`);
  }
  const target = await updatePatient(db, into, event);
  if (!target.ok) return target;

  const changes = asItemChanges(into);
  const { rows } = await db.query<ItemRow>(
    'select id, order_id as "orderId", status, item from worklist_items where patient_id = $1 and issuer_of_patient_id = $2 order by id for update',
    [from.PatientID, fromIssuer],
  );
  const movedItemIds: number[] = [];
  for (const r of rows) {
    const merged = mergeWorklistItem(r.item, changes);
    // The identity is replaced as a whole: nothing of the old issuer stays behind.
    for (const key of ['IssuerOfPatientID', 'IssuerOfPatientIDQualifiersSequence', 'OtherPatientIDsSequence'] as const) {
      if (into[key] === undefined) delete merged[key];
    }
    await updateItem(db, r.id, r.status, merged);
    movedItemIds.push(r.id);
    await recordHistory(db, event, {
      orderId: r.orderId,
      itemId: r.id,
      patientId: into.PatientID,
      issuerOfPatientId: intoIssuer,
      action: 'merged',
      detail: { from: { patientId: from.PatientID, issuer: fromIssuer }, changes: itemChanges(r.item, merged) },
    });
  }
  const orders = await db.query(
    `update worklist_orders set patient_id = $3, issuer_of_patient_id = $4, updated_at = now(), updated_message_id = coalesce($5, updated_message_id)
     where patient_id = $1 and issuer_of_patient_id = $2`,
    [from.PatientID, fromIssuer, into.PatientID, intoIssuer, event.messageId ?? null],
  );
  await db.query('update worklist_patients set merged_into = $3, updated_at = now() where patient_id = $1 and issuer_of_patient_id = $2', [
    from.PatientID,
    fromIssuer,
    target.value.patientRowId,
  ]);
  await recordHistory(db, event, {
    patientId: into.PatientID,
    issuerOfPatientId: intoIssuer,
    action: 'merged',
    detail: { from: { patientId: from.PatientID, issuer: fromIssuer }, items: movedItemIds.length, orders: orders.rowCount },
  });
  return { ok: true, value: { into: target.value, movedItemIds, movedOrders: orders.rowCount } };
}
