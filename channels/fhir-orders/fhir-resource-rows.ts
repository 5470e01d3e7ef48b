// The fhir_resources rows (appliance/migrations/0006-fhir.sql) the fhir-orders handler writes,
// and the worklist lookups it needs to tell a new resource from a known one.
import type { SqlClient } from '../../engine/index.ts';
import type { MwlItem, MwlOrderNumber, MwlPatient, Resource } from '../../fhir/index.ts';

export type FhirRow = { resourceType: 'Patient' | 'ServiceRequest'; id: string; orderId: number | null; patientRowId: number | null; mapped: unknown };

export async function fhirRowById(db: SqlClient, resourceType: 'Patient' | 'ServiceRequest', id: string): Promise<FhirRow | undefined> {
  const { rows } = await db.query<FhirRow>(
    `select resource_type as "resourceType", id, order_id as "orderId", patient_row_id as "patientRowId", mapped
     from fhir_resources where resource_type = $1 and id = $2 for update`,
    [resourceType, id],
  );
  return rows[0];
}

export async function fhirIdOfOrder(db: SqlClient, orderId: number): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>(`select id from fhir_resources where resource_type = 'ServiceRequest' and order_id = $1`, [orderId]);
  return rows[0]?.id;
}

export async function fhirIdOfPatient(db: SqlClient, patientRowId: number): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>(`select id from fhir_resources where resource_type = 'Patient' and patient_row_id = $1`, [patientRowId]);
  return rows[0]?.id;
}

/** Creates or replaces the row of a resource (its id is the key). */
export async function saveFhirRow(
  db: SqlClient,
  r: { resource: Resource & { id: string }; orderId?: number | null; patientRowId?: number | null; mapped: MwlItem | MwlPatient | null; messageId: number },
): Promise<void> {
  await db.query(
    `insert into fhir_resources (resource_type, id, order_id, patient_row_id, resource, mapped, message_id)
     values ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7)
     on conflict (resource_type, id) do update set order_id = excluded.order_id, patient_row_id = excluded.patient_row_id,
       resource = excluded.resource, mapped = excluded.mapped, message_id = excluded.message_id, updated_at = now()`,
    [r.resource.resourceType, r.resource.id, r.orderId ?? null, r.patientRowId ?? null, JSON.stringify(r.resource), r.mapped === null ? null : JSON.stringify(r.mapped), r.messageId],
  );
}

export type KnownOrder = { id: number; placer: MwlOrderNumber | undefined; filler: MwlOrderNumber | undefined; status: string };

type OrderNumbersRow = { id: number; placerOrderNumber: string | null; placerIssuer: string; fillerOrderNumber: string | null; fillerIssuer: string; status: string };

const known = (r: OrderNumbersRow | undefined): KnownOrder | undefined =>
  r && {
    id: r.id,
    placer: r.placerOrderNumber ? { number: r.placerOrderNumber, issuer: r.placerIssuer } : undefined,
    filler: r.fillerOrderNumber ? { number: r.fillerOrderNumber, issuer: r.fillerIssuer } : undefined,
    status: r.status,
  };

const ORDER_NUMBERS = `select id, placer_order_number as "placerOrderNumber", placer_issuer as "placerIssuer",
  filler_order_number as "fillerOrderNumber", filler_issuer as "fillerIssuer", status from worklist_orders`;

export async function orderById(db: SqlClient, id: number): Promise<KnownOrder | undefined> {
  const { rows } = await db.query<OrderNumbersRow>(`${ORDER_NUMBERS} where id = $1`, [id]);
  return known(rows[0]);
}

/** The orders the numbers name (filler first, as the worklist finds them); two different ones are a conflict for the caller. */
export async function ordersByNumbers(db: SqlClient, placer: MwlOrderNumber | undefined, filler: MwlOrderNumber | undefined): Promise<KnownOrder[]> {
  const { rows } = await db.query<OrderNumbersRow>(
    `${ORDER_NUMBERS} where (filler_order_number = $1 and filler_issuer = $2) or (placer_order_number = $3 and placer_issuer = $4) order by id`,
    [filler?.number ?? null, filler?.issuer ?? '', placer?.number ?? null, placer?.issuer ?? ''],
  );
  return rows.map((r) => known(r)!);
}

/** The worklist patient with this Patient ID and issuer. */
export async function patientRowByIdentity(db: SqlClient, patientId: string, issuer: string): Promise<{ id: number; attributes: MwlPatient } | undefined> {
  const { rows } = await db.query<{ id: number; attributes: MwlPatient }>(
    'select id, attributes from worklist_patients where patient_id = $1 and issuer_of_patient_id = $2',
    [patientId, issuer],
  );
  const r = rows[0];
  return r && { id: r.id, attributes: { ...r.attributes, PatientID: patientId, ...(issuer ? { IssuerOfPatientID: issuer } : {}) } };
}
