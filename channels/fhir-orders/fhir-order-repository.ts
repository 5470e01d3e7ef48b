// Patients and ServiceRequests read from the worklist (dicom/worklist's tables, 0004) and the
// FHIR facade's own rows (fhir_resources, 0006), for GET and search on /fhir/R4 and for the
// fhir-orders handler's lookups. Every order is found, whether it came over HL7 or FHIR: the
// worklist is the model, fhir_resources only adds ids and the posted form (fhir/stored-elements.ts).
import { matchesPatient, matchesServiceRequest, patientFromWorklist, SERVER_ID, serviceRequestFromWorklist, stripOid, worklistStatusesFor } from '../../fhir/index.ts';
import type { FhirOrderRepository, MwlItem, MwlPatient, MwlStatus, Patient, PatientSearch, Reference, SearchResult, ServiceRequest, ServiceRequestSearch } from '../../fhir/index.ts';
import type { SqlClient } from '../../engine/index.ts';

type OrderRow = {
  id: number | null;
  status: MwlStatus | null;
  placerOrderNumber: string | null;
  placerIssuer: string;
  fillerOrderNumber: string | null;
  fillerIssuer: string;
  patientId: string;
  updatedAt: Date | null;
  fhirId: string | null;
  resource: ServiceRequest | null;
  mapped: MwlItem | null;
  fhirUpdatedAt: Date | null;
  patientRowId: number | null;
  patientFhirId: string | null;
  patientName: string | null;
  items: { id: number; status: MwlStatus; item: MwlItem }[] | null;
};

type PatientRow = {
  id: number;
  attributes: MwlPatient;
  patientId: string;
  issuer: string;
  updatedAt: Date;
  fhirId: string | null;
  resource: Patient | null;
  mapped: MwlPatient | null;
  fhirUpdatedAt: Date | null;
  mergedInto: number | null;
  mergedFhirId: string | null;
};

export const orderFhirId = (orderId: number, rowId?: string | null) => rowId ?? `order-${orderId}`;
export const patientFhirId = (rowId: number, fhirId?: string | null) => fhirId ?? `patient-${rowId}`;

const ORDER_SELECT = `select o.id, o.status, o.placer_order_number as "placerOrderNumber", o.placer_issuer as "placerIssuer",
    o.filler_order_number as "fillerOrderNumber", o.filler_issuer as "fillerIssuer", o.patient_id as "patientId", o.updated_at as "updatedAt",
    f.id as "fhirId", f.resource, f.mapped, f.updated_at as "fhirUpdatedAt",
    p.id as "patientRowId", pf.id as "patientFhirId", p.attributes->>'PatientName' as "patientName",
    (select jsonb_agg(jsonb_build_object('id', i.id, 'status', i.status, 'item', i.item) order by i.id) from worklist_items i where i.order_id = o.id) as items
  from worklist_orders o
  left join fhir_resources f on f.resource_type = 'ServiceRequest' and f.order_id = o.id
  left join worklist_patients p on p.patient_id = o.patient_id and p.issuer_of_patient_id = o.issuer_of_patient_id
  left join fhir_resources pf on pf.resource_type = 'Patient' and pf.patient_row_id = p.id`;

/** ServiceRequests not on the worklist (draft, not an order): only their row. */
const STORED_ONLY_SELECT = `select null::bigint as id, null::text as status, null::text as "placerOrderNumber", '' as "placerIssuer",
    null::text as "fillerOrderNumber", '' as "fillerIssuer", '' as "patientId", null::timestamptz as "updatedAt",
    f.id as "fhirId", f.resource, f.mapped, f.updated_at as "fhirUpdatedAt",
    null::bigint as "patientRowId", null::text as "patientFhirId", null::text as "patientName", null::jsonb as items
  from fhir_resources f`;

const PATIENT_SELECT = `select p.id, p.attributes, p.patient_id as "patientId", p.issuer_of_patient_id as issuer, p.updated_at as "updatedAt",
    f.id as "fhirId", f.resource, f.mapped, f.updated_at as "fhirUpdatedAt", p.merged_into as "mergedInto", mf.id as "mergedFhirId"
  from worklist_patients p
  left join fhir_resources f on f.resource_type = 'Patient' and f.patient_row_id = p.id
  left join fhir_resources mf on mf.resource_type = 'Patient' and mf.patient_row_id = p.merged_into`;

/** A WHERE clause builder with pg-style numbered parameters. */
class Where {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];
  add(sql: string, ...values: unknown[]): void {
    let s = sql;
    for (const v of values) {
      this.params.push(v);
      s = s.replace('?', `$${this.params.length}`);
    }
    this.parts.push(s);
  }
  sql(): string {
    return this.parts.length ? `where ${this.parts.join(' and ')}` : '';
  }
}

/** `Patient/<id>` references of patient FHIR ids, as stored resources carry them. */
const patientRefs = (ids: string[]) => ids.map((id) => `Patient/${id}`);

/** Arrays as JSON text: PGlite and node-postgres bind them alike. */
const arr = (v: readonly unknown[]) => JSON.stringify(v);
const ANY = (column: string) => `${column} in (select jsonb_array_elements_text(?::jsonb))`;

/** timeZone: the modalities' (scheduled DA/TM are local there); default the appliance's. */
export type RepositoryOptions = { timeZone?: string };

export function createFhirOrderRepository(db: SqlClient, { timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone }: RepositoryOptions = {}): FhirOrderRepository & {
  /** The patient a FHIR id names, with its worklist attributes. */
  patientById(id: string): Promise<{ rowId: number; fhirId: string; attributes: MwlPatient; stored: boolean } | undefined>;
} {
  const toServiceRequest = (r: OrderRow): ServiceRequest => {
    if (r.id === null || r.status === null) {
      // Not on the worklist: the resource as posted.
      return { ...r.resource!, id: r.fhirId!, meta: { ...r.resource!.meta, lastUpdated: r.fhirUpdatedAt!.toISOString() } };
    }
    const subject: Reference =
      r.patientRowId !== null
        ? { reference: `Patient/${patientFhirId(r.patientRowId, r.patientFhirId)}`, identifier: { value: r.patientId }, ...(r.patientName ? { display: r.patientName } : {}) }
        : { identifier: { value: r.patientId } };
    return serviceRequestFromWorklist(
      orderFhirId(r.id, r.fhirId),
      {
        orderId: r.id,
        status: r.status,
        placer: r.placerOrderNumber ? { number: r.placerOrderNumber, issuer: r.placerIssuer } : null,
        filler: r.fillerOrderNumber ? { number: r.fillerOrderNumber, issuer: r.fillerIssuer } : null,
        items: r.items ?? [],
        updatedAt: r.updatedAt!,
      },
      subject,
      r.resource ? { resource: r.resource, mapped: r.mapped, updatedAt: r.fhirUpdatedAt! } : undefined,
      { timeZone },
    );
  };

  const toPatient = (r: PatientRow): Patient =>
    patientFromWorklist(
      patientFhirId(r.id, r.fhirId),
      {
        attributes: { ...r.attributes, PatientID: r.patientId, ...(r.issuer ? { IssuerOfPatientID: r.issuer } : {}) },
        mergedInto: r.mergedInto !== null ? { reference: `Patient/${patientFhirId(r.mergedInto, r.mergedFhirId)}` } : undefined,
        updatedAt: r.updatedAt,
      },
      r.resource ? { resource: r.resource, mapped: r.mapped, updatedAt: r.fhirUpdatedAt! } : undefined,
    );

  /** The patient rows a list of FHIR ids name. */
  const patientRowIds = async (ids: string[]): Promise<number[]> => {
    const canonical = ids.map((id) => SERVER_ID.exec(id)).filter((m) => m?.[1] === 'patient').map((m) => Number(m![2]));
    const { rows } = await db.query<{ id: number }>(
      `select p.id from worklist_patients p left join fhir_resources f on f.resource_type = 'Patient' and f.patient_row_id = p.id
       where ${ANY('f.id')} or (f.id is null and ${ANY('p.id::text')})`.replace('?', '$1').replace('?', '$2'),
      [arr(ids), arr(canonical.map(String))],
    );
    return rows.map((r) => r.id);
  };

  /** Orders matching the search in SQL, and ServiceRequests not on the worklist; exact matching follows in memory. */
  async function findOrders(s: ServiceRequestSearch): Promise<{ rows: OrderRow[]; total: number }> {
    const w = new Where();
    const stored = new Where();
    stored.add("f.resource_type = 'ServiceRequest' and f.order_id is null");
    if (s.ids) {
      const canonical = s.ids.map((id) => SERVER_ID.exec(id)).filter((m) => m?.[1] === 'order').map((m) => m![2]!);
      w.add(`(${ANY('f.id')} or (f.id is null and ${ANY('o.id::text')}))`, arr(s.ids), arr(canonical));
      stored.add(ANY('f.id'), arr(s.ids));
    }
    if (s.identifier) {
      const values = s.identifier.map((t) => t.value);
      const uids = s.identifier.map((t) => stripOid(t.value));
      w.add(
        `(${ANY('o.accession_number')} or ${ANY('o.placer_order_number')} or ${ANY('o.filler_order_number')} or ${ANY('o.study_instance_uid')})`,
        arr(values),
        arr(values),
        arr(values),
        arr(uids),
      );
      stored.add(`exists (select 1 from jsonb_array_elements(coalesce(f.resource->'identifier', '[]'::jsonb)) x where ${ANY("x->>'value'")})`, arr(values));
    }
    if (s.patient) {
      const rowIds = await patientRowIds(s.patient);
      w.add(`p.id in (select (jsonb_array_elements_text(?::jsonb))::bigint)`, arr(rowIds));
      stored.add(ANY("f.resource->'subject'->>'reference'"), arr(patientRefs(s.patient)));
    }
    if (s.status) {
      // Held orders (on-hold, draft): open, stored with that status, and offered to no station.
      const held = `(coalesce(f.resource->>'status', '') in ('on-hold', 'draft') and not exists (select 1 from worklist_items i where i.order_id = o.id and cardinality(i.station_ae_titles) > 0))`;
      const ors = s.status.map((st) => {
        const statuses = arr(worklistStatusesFor(st));
        if (st === 'active') return `(${ANY('o.status')} and not ${held})`.replace('?', `'${statuses}'`);
        if (st === 'on-hold' || st === 'draft') return `(${ANY('o.status')} and ${held} and f.resource->>'status' = '${st}')`.replace('?', `'${statuses}'`);
        if (st === 'revoked') return `(${ANY('o.status')} and coalesce(f.resource->>'status', '') <> 'entered-in-error')`.replace('?', `'${statuses}'`);
        if (st === 'entered-in-error') return `(${ANY('o.status')} and f.resource->>'status' = 'entered-in-error')`.replace('?', `'${statuses}'`);
        return `(${ANY('o.status')})`.replace('?', `'${statuses}'`);
      });
      w.add(`(${ors.join(' or ')})`);
      stored.add(ANY("f.resource->>'status'"), arr(s.status));
    }
    // Both halves share one parameter list: renumber the second's.
    const offset = w.params.length;
    const storedSql = stored.sql().replace(/\$(\d+)/g, (_m, n: string) => `$${Number(n) + offset}`);
    const params = [...w.params, ...stored.params];
    const union = `(${ORDER_SELECT} ${w.sql()}) union all (${STORED_ONLY_SELECT} ${storedSql})`;
    const total = await db.query<{ n: number }>(`select count(*)::int as n from (${union}) t`, params);
    const { rows } = await db.query<OrderRow>(
      `select * from (${union}) t order by t.id nulls last, t."fhirId" limit ${Math.floor(s.count)} offset ${Math.floor(s.offset)}`,
      params,
    );
    return { rows, total: total.rows[0]?.n ?? 0 };
  }

  async function findPatients(s: PatientSearch): Promise<{ rows: PatientRow[]; total: number }> {
    const w = new Where();
    if (s.ids) {
      const canonical = s.ids.map((id) => SERVER_ID.exec(id)).filter((m) => m?.[1] === 'patient').map((m) => m![2]!);
      w.add(`(${ANY('f.id')} or (f.id is null and ${ANY('p.id::text')}))`, arr(s.ids), arr(canonical));
    }
    if (s.identifier) {
      const values = s.identifier.map((t) => t.value);
      w.add(
        `(${ANY('p.patient_id')} or exists (select 1 from jsonb_array_elements(coalesce(p.attributes->'OtherPatientIDsSequence', '[]'::jsonb)) x where ${ANY("x->>'PatientID'")}))`,
        arr(values),
        arr(values),
      );
    }
    if (s.name) {
      const ors = s.name.map(() => `p.attributes->>'PatientName' ilike ? escape '\\'`);
      w.add(`(${ors.join(' or ')})`, ...s.name.map((n) => `%${n.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
    }
    const total = await db.query<{ n: number }>(`select count(*)::int as n from (${PATIENT_SELECT} ${w.sql()}) t`, w.params);
    const { rows } = await db.query<PatientRow>(`${PATIENT_SELECT} ${w.sql()} order by p.id limit ${Math.floor(s.count)} offset ${Math.floor(s.offset)}`, w.params);
    return { rows, total: total.rows[0]?.n ?? 0 };
  }

  return {
    async readServiceRequest(id) {
      const { rows } = await findOrders({ ids: [id], count: 1, offset: 0 });
      return rows[0] && toServiceRequest(rows[0]);
    },
    async searchServiceRequests(s): Promise<SearchResult<ServiceRequest>> {
      const { rows, total } = await findOrders(s);
      const { count: _c, offset: _o, ...criteria } = s;
      // The SQL matches values; systems and the finer status rules are checked on the resources.
      const resources = rows.map(toServiceRequest).filter((r) => matchesServiceRequest(r, criteria));
      return { resources, total: total - (rows.length - resources.length) };
    },
    async readPatient(id) {
      const { rows } = await findPatients({ ids: [id], count: 1, offset: 0 });
      return rows[0] && toPatient(rows[0]);
    },
    async searchPatients(s): Promise<SearchResult<Patient>> {
      const { rows, total } = await findPatients(s);
      const { count: _c, offset: _o, ...criteria } = s;
      const resources = rows.map(toPatient).filter((r) => matchesPatient(r, criteria));
      return { resources, total: total - (rows.length - resources.length) };
    },
    async patientById(id) {
      const { rows } = await findPatients({ ids: [id], count: 1, offset: 0 });
      const r = rows[0];
      if (!r) return undefined;
      return { rowId: r.id, fhirId: patientFhirId(r.id, r.fhirId), attributes: { ...r.attributes, PatientID: r.patientId, ...(r.issuer ? { IssuerOfPatientID: r.issuer } : {}) }, stored: r.fhirId !== null };
    },
  };
}
