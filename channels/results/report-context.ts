// What a report is about, read when it is created and again each time it is released: the study
// (index), and the worklist order it was done for, found by the study's accession number. The
// patient comes from the order when there is one (the RIS's identity, with issuer), else from the
// images. The order gives the order numbers, the requested procedure, the reason (the report's
// default Indication), the referring and ordering physicians and the visit.
import type { SqlClient } from '../../engine/index.ts';
import type { CodedValue, Person, ReportContext } from './result-event.ts';

/** The study index row (appliance/migrations/0003-dicom-index.sql). */
export type IndexedStudy = {
  studyInstanceUid: string;
  date: string | null;
  time: string | null;
  accession: string | null;
  description: string | null;
  referringPhysician: string | null;
  modalities: string[] | null;
  patientId: string;
  issuer: string;
  patientName: string | null;
  birthDate: string | null;
  sex: string | null;
};

/** A worklist item (DICOM keywords, 0004-worklist.sql `item`) and its order's numbers. */
export type OrderedItem = {
  item: Record<string, unknown>;
  placerOrderNumber: string | null;
  placerIssuer: string;
  fillerOrderNumber: string | null;
  fillerIssuer: string;
};

const str = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');
const first = (v: unknown): Record<string, unknown> | undefined =>
  Array.isArray(v) && v[0] && typeof v[0] === 'object' ? (v[0] as Record<string, unknown>) : undefined;
const opt = (s: string): string | undefined => (s === '' ? undefined : s);

function code(seq: unknown): CodedValue | undefined {
  const c = first(seq);
  if (!c || !str(c.CodeValue)) return undefined;
  return { code: str(c.CodeValue), meaning: str(c.CodeMeaning), scheme: str(c.CodingSchemeDesignator) };
}

const person = (pn: string): Person | undefined => (pn ? { name: pn } : undefined);

/** Study (and order, when found) -> the report's context. Pure. */
export function reportContextFrom(study: IndexedStudy, ordered: OrderedItem | undefined): ReportContext {
  const s: ReportContext['study'] = {
    studyInstanceUid: study.studyInstanceUid,
    accessionNumber: study.accession ?? '',
    date: study.date ?? '',
    time: study.time ?? '',
    modalities: study.modalities ?? [],
    description: study.description ?? '',
  };
  if (!ordered) {
    return {
      patient: { id: study.patientId, issuer: study.issuer, name: study.patientName ?? '', birthDate: study.birthDate ?? '', sex: study.sex ?? '' },
      visit: {},
      referringPhysician: person(study.referringPhysician ?? ''),
      study: s,
    };
  }
  const i = ordered.item;
  const qualifiers = first(i.IssuerOfPatientIDQualifiersSequence);
  const reason = str(i.ReasonForTheRequestedProcedure);
  const procedure = code(i.RequestedProcedureCodeSequence);
  const reasonCode = code(i.ReasonForRequestedProcedureCodeSequence);
  return {
    patient: {
      id: str(i.PatientID),
      issuer: str(i.IssuerOfPatientID),
      universalId: opt(str(qualifiers?.UniversalEntityID)),
      universalIdType: opt(str(qualifiers?.UniversalEntityIDType)),
      name: str(i.PatientName),
      birthDate: str(i.PatientBirthDate),
      sex: str(i.PatientSex),
    },
    visit: {
      number: opt(str(i.AdmissionID)),
      numberIssuer: opt(str(first(i.IssuerOfAdmissionIDSequence)?.LocalNamespaceEntityID)),
    },
    referringPhysician: person(str(i.ReferringPhysicianName) || (study.referringPhysician ?? '')),
    orderingProvider: person(str(i.RequestingPhysician)),
    order: {
      placer: ordered.placerOrderNumber ? { number: ordered.placerOrderNumber, issuer: ordered.placerIssuer } : undefined,
      filler: ordered.fillerOrderNumber ? { number: ordered.fillerOrderNumber, issuer: ordered.fillerIssuer } : undefined,
      requestedProcedureId: str(i.RequestedProcedureID),
      procedure,
      procedureDescription: str(i.RequestedProcedureDescription),
      reason: reason || (reasonCode?.meaning ?? ''),
      reasonCode,
    },
    study: { ...s, accessionNumber: s.accessionNumber || str(i.AccessionNumber) },
  };
}

/** The study as indexed, or undefined when the archive does not have it. */
export async function readIndexedStudy(db: SqlClient, studyInstanceUid: string): Promise<IndexedStudy | undefined> {
  const { rows } = await db.query<IndexedStudy>(
    `select s.study_uid as "studyInstanceUid", s.study_date as date, s.study_time as time, s.accession, s.description,
            s.referring_physician as "referringPhysician", to_jsonb(s.modalities) as modalities,
            p.patient_id as "patientId", p.issuer, p.name as "patientName", p.birth_date as "birthDate", p.sex
     from studies s join patients p on p.id = s.patient_ref where s.study_uid = $1`,
    [studyInstanceUid],
  );
  return rows[0];
}

/**
 * The worklist item of the study's order: same accession number; one for this very study first,
 * then an open one, then the newest (an order sent again after a cancellation).
 */
export async function readOrderedItem(db: SqlClient, accessionNumber: string, studyInstanceUid: string): Promise<OrderedItem | undefined> {
  if (!accessionNumber) return undefined;
  const { rows } = await db.query<OrderedItem>(
    `select i.item, o.placer_order_number as "placerOrderNumber", o.placer_issuer as "placerIssuer",
            o.filler_order_number as "fillerOrderNumber", o.filler_issuer as "fillerIssuer"
     from worklist_items i join worklist_orders o on o.id = i.order_id
     where i.accession_number = $1
     order by (i.study_instance_uid = $2) desc, (i.status in ('CANCELLED', 'DISCONTINUED')) asc, i.id desc
     limit 1`,
    [accessionNumber, studyInstanceUid],
  );
  return rows[0];
}

/** The report context of a study in the archive, or undefined when the archive does not have it. */
export async function readReportContext(db: SqlClient, studyInstanceUid: string): Promise<ReportContext | undefined> {
  const study = await readIndexedStudy(db, studyInstanceUid);
  if (!study) return undefined;
  return reportContextFrom(study, await readOrderedItem(db, study.accession ?? '', studyInstanceUid));
}
