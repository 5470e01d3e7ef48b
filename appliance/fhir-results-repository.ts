// What /fhir/R4 serves about results: the archive's studies as ImagingStudy and released reports
// as DiagnosticReport, read from the study index (0003), the reports (0010) and the worklist
// (0004, 0006) for the references. Ids: `study-<n>` and `report-<n>`, n the row id of studies and
// reports; stable for as long as the row lives and never reused. The patient is the worklist's
// (`patient-<n>` or its stored FHIR id), found from the order with the same accession number, else
// by the images' Patient ID and issuer; the ServiceRequest is that order (`order-<n>` or stored id).
import { readReportContext } from '../channels/index.ts';
import type { ReportContext } from '../channels/index.ts';
import type { SqlClient } from '../engine/index.ts';
import { reportToDiagnosticReport, studyToImagingStudy } from '../fhir/index.ts';
import type { DiagnosticReport, DiagnosticReportSearch, ImagingStudy, ImagingStudySearch, Reference, SearchResult, SeriesView } from '../fhir/index.ts';

export const STUDY_ID = /^study-(\d+)$/;
export const REPORT_ID = /^report-(\d+)$/;
/** Released report statuses: drafts are the radiologist's and not served. */
const RELEASED = ['preliminary', 'final', 'amended'] as const;

type Refs = { patientRowId: number | null; patientFhirId: string | null; patientId: string; patientName: string | null; orderId: number | null; orderFhirId: string | null };

type StudyRow = Refs & {
  rowId: number;
  studyInstanceUid: string;
  date: string | null;
  time: string | null;
  accession: string | null;
  studyId: string | null;
  description: string | null;
  referringPhysician: string | null;
  modalities: string[];
  numberOfSeries: number;
  numberOfInstances: number;
  updatedAt: Date;
};

type ReportRow = Refs & {
  id: number;
  status: (typeof RELEASED)[number];
  studyInstanceUid: string;
  accessionNumber: string;
  indication: string;
  technique: string;
  findings: string;
  impression: string;
  releasedAt: Date;
  releasedBy: { username: string; fullName: string | null };
  studyRowId: number | null;
  updatedAt: Date;
};

/** The worklist order of an accession (one for this very study first, then the newest), its ServiceRequest id, and the worklist patient. */
const refsJoin = (accession: string, studyUid: string, patientId: string, issuer: string) => `
  left join lateral (select o.id, o.patient_id, o.issuer_of_patient_id from worklist_orders o
    where ${accession} <> '' and o.accession_number = ${accession}
    order by (o.study_instance_uid = ${studyUid}) desc, o.id desc limit 1) o on true
  left join fhir_resources ofr on ofr.resource_type = 'ServiceRequest' and ofr.order_id = o.id
  left join worklist_patients wp on (o.id is not null and wp.patient_id = o.patient_id and wp.issuer_of_patient_id = o.issuer_of_patient_id)
    or (o.id is null and ${patientId} <> '' and wp.patient_id = ${patientId} and wp.issuer_of_patient_id = ${issuer})
  left join fhir_resources pf on pf.resource_type = 'Patient' and pf.patient_row_id = wp.id`;

const REFS_COLUMNS = `wp.id as "patientRowId", pf.id as "patientFhirId", o.id as "orderId", ofr.id as "orderFhirId",
  coalesce(pf.id, 'patient-' || wp.id) as "patientRef", coalesce(ofr.id, 'order-' || o.id) as "orderRef"`;

const STUDY_SELECT = `select s.id as "rowId", s.study_uid as "studyInstanceUid", s.study_date as date, s.study_time as time, s.accession,
    s.study_id as "studyId", s.description, s.referring_physician as "referringPhysician", to_jsonb(s.modalities) as modalities,
    s.num_series as "numberOfSeries", s.num_instances as "numberOfInstances", s.updated_at as "updatedAt",
    coalesce(o.patient_id, p.patient_id) as "patientId", p.name as "patientName", ${REFS_COLUMNS}
  from studies s join patients p on p.id = s.patient_ref
  ${refsJoin("coalesce(s.accession, '')", 's.study_uid', 'p.patient_id', 'p.issuer')}`;

const REPORT_SELECT = `select r.id, r.status, r.study_instance_uid as "studyInstanceUid", r.accession_number as "accessionNumber",
    r.indication, r.technique, r.findings, r.impression, r.released_at as "releasedAt", r.updated_at as "updatedAt",
    jsonb_build_object('username', u.username, 'fullName', u.full_name) as "releasedBy",
    (select s.id from studies s where s.study_uid = r.study_instance_uid) as "studyRowId",
    r.patient_id as "patientId", r.patient_name as "patientName", ${REFS_COLUMNS}
  from reports r join users u on u.id = r.released_by
  ${refsJoin('r.accession_number', 'r.study_instance_uid', 'r.patient_id', 'r.issuer_of_patient_id')}
  where r.status in (${RELEASED.map((x) => `'${x}'`).join(', ')})`;

const arr = (v: readonly unknown[]) => JSON.stringify(v);

class Where {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];
  add(sql: string, value?: unknown): void {
    if (value === undefined) return void this.parts.push(sql);
    this.params.push(value);
    this.parts.push(sql.replaceAll('?', `$${this.params.length}`));
  }
  in(column: string, values: readonly unknown[]): void {
    this.add(`${column}::text in (select jsonb_array_elements_text(?::jsonb))`, arr(values.map(String)));
  }
  sql(): string {
    return this.parts.length ? `where ${this.parts.join(' and ')}` : '';
  }
}

const rowIds = (ids: readonly string[], pattern: RegExp) => ids.map((id) => pattern.exec(id)?.[1]).filter((n): n is string => n !== undefined);

function subject(r: Refs & { patientRef?: string | null }): Reference {
  const rest = { ...(r.patientId ? { identifier: { value: r.patientId } } : {}), ...(r.patientName ? { display: r.patientName } : {}) };
  // Not on the worklist: the Patient ID only.
  return r.patientRowId !== null ? { reference: `Patient/${r.patientFhirId ?? `patient-${r.patientRowId}`}`, ...rest } : rest;
}

const serviceRequest = (r: Refs): Reference | undefined => (r.orderId !== null ? { reference: `ServiceRequest/${r.orderFhirId ?? `order-${r.orderId}`}` } : undefined);

export type FhirResultsRepository = {
  readImagingStudy(id: string): Promise<ImagingStudy | undefined>;
  searchImagingStudies(s: ImagingStudySearch): Promise<SearchResult<ImagingStudy>>;
  readDiagnosticReport(id: string, statuses?: readonly string[]): Promise<DiagnosticReport | undefined>;
  searchDiagnosticReports(s: DiagnosticReportSearch): Promise<SearchResult<DiagnosticReport>>;
};

/** dicomWebBase: the DICOMweb root the Endpoint names; timeZone: the modalities' (DA/TM are local there). */
export function createFhirResultsRepository(
  db: SqlClient,
  o: { timeZone?: string } = {},
): { forBase(dicomWebBase: string): FhirResultsRepository } {
  const timeZone = o.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;

  async function seriesOf(studyRowIds: number[]): Promise<Map<number, SeriesView[]>> {
    const out = new Map<number, SeriesView[]>();
    if (!studyRowIds.length) return out;
    const ids = arr(studyRowIds.map(String));
    const series = await db.query<SeriesView & { studyRef: number; ref: number }>(
      `select se.id as ref, se.study_ref as "studyRef", se.series_uid as "seriesInstanceUid", se.modality, se.series_number as number, se.description,
              se.series_date as date, se.series_time as time, se.num_instances as "numberOfInstances", '[]'::jsonb as instances
       from series se where se.study_ref in (select (jsonb_array_elements_text($1::jsonb))::bigint) order by se.series_number nulls last, se.id`,
      [ids],
    );
    const instances = await db.query<{ seriesRef: number; sopInstanceUid: string; sopClassUid: string; number: number | null }>(
      `select i.series_ref as "seriesRef", i.sop_instance_uid as "sopInstanceUid", i.sop_class_uid as "sopClassUid", i.instance_number as number
       from instances i where i.study_ref in (select (jsonb_array_elements_text($1::jsonb))::bigint) order by i.instance_number nulls last, i.id`,
      [ids],
    );
    const bySeries = new Map<number, SeriesView['instances'][number][]>();
    for (const { seriesRef, ...i } of instances.rows) bySeries.set(Number(seriesRef), [...(bySeries.get(Number(seriesRef)) ?? []), i]);
    for (const { studyRef, ref, ...s } of series.rows) {
      const list = out.get(Number(studyRef)) ?? [];
      list.push({ ...s, instances: bySeries.get(Number(ref)) ?? [] });
      out.set(Number(studyRef), list);
    }
    return out;
  }

  async function findStudies(s: Omit<ImagingStudySearch, 'count' | 'offset'> & { count: number; offset: number }): Promise<{ rows: StudyRow[]; total: number }> {
    const w = new Where();
    if (s.ids) w.in('t."rowId"', rowIds(s.ids, STUDY_ID));
    if (s.uids || s.accessions) {
      const uids = arr(s.uids ?? []);
      const accessions = arr(s.accessions ?? []);
      w.params.push(uids, accessions);
      const n = w.params.length;
      w.add(`(t."studyInstanceUid" in (select jsonb_array_elements_text($${n - 1}::jsonb)) or t.accession in (select jsonb_array_elements_text($${n}::jsonb)))`);
    }
    if (s.patient) w.in('t."patientRef"', s.patient);
    if (s.basedOn) w.in('t."orderRef"', s.basedOn);
    for (const b of s.started ?? []) w.add(`t.date ${b.op} ?`, b.da);
    const from = `(${STUDY_SELECT}) t ${w.sql()}`;
    const total = await db.query<{ n: number }>(`select count(*)::int as n from ${from}`, w.params);
    const { rows } = await db.query<StudyRow>(`select * from ${from} order by t."rowId" limit ${Math.floor(s.count)} offset ${Math.floor(s.offset)}`, w.params);
    return { rows, total: total.rows[0]?.n ?? 0 };
  }

  async function findReports(s: DiagnosticReportSearch & { statuses?: readonly string[] | undefined }): Promise<{ rows: ReportRow[]; total: number }> {
    const w = new Where();
    if (s.ids) w.in('t.id', rowIds(s.ids, REPORT_ID));
    if (s.basedOn) w.in('t."orderRef"', s.basedOn);
    if (s.patient) w.in('t."patientRef"', s.patient);
    if (s.imagingStudy) w.in('t."studyRowId"', rowIds(s.imagingStudy, STUDY_ID));
    if (s.status) w.in('t.status', s.status);
    if (s.statuses) w.in('t.status', s.statuses);
    const from = `(${REPORT_SELECT}) t ${w.sql()}`;
    const total = await db.query<{ n: number }>(`select count(*)::int as n from ${from}`, w.params);
    const { rows } = await db.query<ReportRow>(`select * from ${from} order by t.id limit ${Math.floor(s.count)} offset ${Math.floor(s.offset)}`, w.params);
    return { rows, total: total.rows[0]?.n ?? 0 };
  }

  async function toDiagnosticReport(r: ReportRow): Promise<DiagnosticReport> {
    // The order and study as they are now; when the images are gone, what the report row kept.
    const context: Pick<ReportContext, 'order' | 'study'> = (await readReportContext(db, r.studyInstanceUid)) ?? {
      study: { studyInstanceUid: r.studyInstanceUid, accessionNumber: r.accessionNumber, date: '', time: '', modalities: [], description: '' },
    };
    return reportToDiagnosticReport({ ...r, releasedAt: r.releasedAt }, context, {
      id: `report-${r.id}`,
      subject: subject(r),
      basedOn: serviceRequest(r),
      imagingStudy: r.studyRowId !== null ? { reference: `ImagingStudy/study-${r.studyRowId}` } : undefined,
      timeZone,
      lastUpdated: new Date(r.updatedAt).toISOString(),
    });
  }

  return {
    forBase(dicomWebBase) {
      const toImagingStudies = async (rows: StudyRow[]): Promise<ImagingStudy[]> => {
        const series = await seriesOf(rows.map((r) => Number(r.rowId)));
        return rows.map((r) =>
          studyToImagingStudy(
            { ...r, series: series.get(Number(r.rowId)) ?? [] },
            { id: `study-${r.rowId}`, subject: subject(r), basedOn: serviceRequest(r), dicomWebBase, timeZone, lastUpdated: new Date(r.updatedAt).toISOString() },
          ),
        );
      };
      return {
        async readImagingStudy(id) {
          if (!STUDY_ID.test(id)) return undefined;
          const { rows } = await findStudies({ ids: [id], count: 1, offset: 0 });
          return (await toImagingStudies(rows))[0];
        },
        async searchImagingStudies(s) {
          const { rows, total } = await findStudies(s);
          return { resources: await toImagingStudies(rows), total };
        },
        async readDiagnosticReport(id, statuses) {
          if (!REPORT_ID.test(id)) return undefined;
          const { rows } = await findReports({ ids: [id], count: 1, offset: 0, statuses });
          return rows[0] && toDiagnosticReport(rows[0]);
        },
        async searchDiagnosticReports(s) {
          const { rows, total } = await findReports(s);
          const resources: DiagnosticReport[] = [];
          for (const r of rows) resources.push(await toDiagnosticReport(r));
          return { resources, total };
        },
      };
    },
  };
}
