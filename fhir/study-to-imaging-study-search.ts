// Search parameters of ImagingStudy and DiagnosticReport parsed once into plain values, which the
// appliance's repository turns into SQL. As for ServiceRequest (search-request.ts), unknown
// parameters are refused: a client must not take an unfiltered result for a filtered one.
import type { Result } from '../engine/index.ts';
import { stripOid } from './dicom-values.ts';
import { fhirFailure } from './fhir-error.ts';
import type { FhirError } from './fhir-error.ts';
import { DEFAULT_COUNT, MAX_COUNT, parseToken } from './search-request.ts';
import { DICOM_UID_SYSTEM } from './service-request-to-order.ts';

/** A date comparison on DICOM DA text (YYYYMMDD): `ge2025-03-01` -> {op: '>=', da: '20250301'}. */
export type DateBound = { op: '=' | '<>' | '>' | '<' | '>=' | '<='; da: string };

export type ImagingStudySearch = {
  ids?: string[];
  /** Study Instance UIDs (`urn:oid:` removed) and, from identifier values without the urn:dicom:uid system, accession numbers. */
  uids?: string[];
  accessions?: string[];
  patient?: string[];
  basedOn?: string[];
  started?: DateBound[];
  count: number;
  offset: number;
};

export type DiagnosticReportSearch = { ids?: string[]; basedOn?: string[]; patient?: string[]; imagingStudy?: string[]; status?: string[]; count: number; offset: number };

type Query = Record<string, unknown>;
const CONTROL = ['_count', '_offset', '_format', '_pretty', '_total'];
const PREFIXES = { eq: '=', ne: '<>', gt: '>', lt: '<', ge: '>=', le: '<=', sa: '>', eb: '<' } as const;

function values(q: Query, name: string, repeatable = false): Result<string[] | undefined, FhirError> {
  const v = q[name];
  if (v === undefined) return { ok: true, value: undefined };
  if (typeof v !== 'string' && !repeatable) return fhirFailure('FHIR_INVALID', 'not-supported', `search parameter ${name} is given more than once (repeating a parameter is not supported here)`, name);
  const list = (typeof v === 'string' ? [v] : (v as string[])).flatMap((s) => s.split(',').map((x) => x.trim()));
  if (list.some((s) => s === '')) return fhirFailure('FHIR_INVALID', 'value', `search parameter ${name} has an empty value`, name);
  return { ok: true, value: list };
}

function common(q: Query, known: readonly string[]): Result<{ count: number; offset: number; ids?: string[] }, FhirError> {
  const unknown = Object.keys(q).filter((k) => !known.includes(k) && !CONTROL.includes(k));
  if (unknown.length) return fhirFailure('FHIR_INVALID', 'not-supported', `search parameter ${unknown.join(', ')} is not supported (supported: ${known.join(', ')})`, unknown[0]);
  const out: { count: number; offset: number; ids?: string[] } = { count: DEFAULT_COUNT, offset: 0 };
  for (const [name, key, max] of [['_count', 'count', MAX_COUNT], ['_offset', 'offset', Number.MAX_SAFE_INTEGER]] as const) {
    const v = values(q, name);
    if (!v.ok) return v;
    if (v.value === undefined) continue;
    const n = Number(v.value[0]);
    if (v.value.length !== 1 || !Number.isSafeInteger(n) || n < 0) return fhirFailure('FHIR_INVALID', 'value', `${name} must be a whole number, 0 or more`, name);
    out[key] = Math.min(n, max);
  }
  const ids = values(q, '_id');
  if (!ids.ok) return ids;
  if (ids.value) out.ids = ids.value;
  return { ok: true, value: out };
}

/** `Type/id`, a full URL ending so, or a bare id -> the id. */
function referenceIds(list: string[] | undefined, type: string): string[] | undefined {
  return list?.map((r) => r.replace(new RegExp(`^(.*/)?${type}/`), ''));
}

function dateBounds(text: string, name: string): Result<DateBound[], FhirError> {
  const m = /^(eq|ne|gt|lt|ge|le|sa|eb)?(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(T.*)?$/.exec(text);
  if (!m) return fhirFailure('FHIR_INVALID', 'value', `${name}=${text}: a date is expected ([prefix]YYYY[-MM[-DD]], prefixes eq ne gt lt ge le sa eb)`, name);
  const op = PREFIXES[(m[1] ?? 'eq') as keyof typeof PREFIXES];
  // Study dates are days: a partial date is the range from its first day to its last.
  const first = `${m[2]}${m[3] ?? '01'}${m[4] ?? '01'}`;
  const lastMonth = m[3] ?? '12';
  const last = `${m[2]}${lastMonth}${m[4] ?? String(new Date(Date.UTC(Number(m[2]), Number(lastMonth), 0)).getUTCDate()).padStart(2, '0')}`;
  if (op === '=') return { ok: true, value: first === last ? [{ op, da: first }] : [{ op: '>=', da: first }, { op: '<=', da: last }] };
  if (op === '<>' && first !== last) return fhirFailure('FHIR_INVALID', 'not-supported', `${name}=${text}: ne needs a full date (YYYY-MM-DD)`, name);
  return { ok: true, value: [{ op, da: op === '<=' || op === '>' ? last : first }] };
}

const IMAGING_STUDY_PARAMS = ['_id', 'identifier', 'patient', 'subject', 'based-on', 'basedon', 'started'];

export function parseImagingStudySearch(q: Query): Result<ImagingStudySearch, FhirError> {
  const base = common(q, IMAGING_STUDY_PARAMS);
  if (!base.ok) return base;
  const out: ImagingStudySearch = { ...base.value };
  const identifier = values(q, 'identifier');
  const patient = values(q, 'patient');
  const subject = values(q, 'subject');
  const basedOn = values(q, 'based-on');
  const basedon = values(q, 'basedon');
  // started may repeat: started=ge2025-01-01&started=le2025-01-31.
  const started = values(q, 'started', true);
  for (const r of [identifier, patient, subject, basedOn, basedon, started]) if (!r.ok) return r;
  if (identifier.ok && identifier.value) {
    const tokens = identifier.value.map(parseToken);
    // urn:oid:<uid> (5.1), urn:dicom:uid|urn:oid:<uid>, or the bare UID; without a system, also an accession.
    out.uids = tokens.filter((t) => t.system === undefined || t.system === DICOM_UID_SYSTEM).map((t) => stripOid(t.value));
    out.accessions = tokens.filter((t) => t.system === undefined && !t.value.startsWith('urn:oid:')).map((t) => t.value);
  }
  const patients = [...((patient.ok && patient.value) || []), ...((subject.ok && subject.value) || [])];
  if (patients.length) out.patient = referenceIds(patients, 'Patient');
  const orders = [...((basedOn.ok && basedOn.value) || []), ...((basedon.ok && basedon.value) || [])];
  if (orders.length) out.basedOn = referenceIds(orders, 'ServiceRequest');
  if (started.ok && started.value) {
    const bounds: DateBound[] = [];
    for (const s of started.value) {
      const b = dateBounds(s, 'started');
      if (!b.ok) return b;
      bounds.push(...b.value);
    }
    out.started = bounds;
  }
  return { ok: true, value: out };
}

const DIAGNOSTIC_REPORT_PARAMS = ['_id', 'based-on', 'patient', 'subject', 'status', 'imaging-study'];

export function parseDiagnosticReportSearch(q: Query): Result<DiagnosticReportSearch, FhirError> {
  const base = common(q, DIAGNOSTIC_REPORT_PARAMS);
  if (!base.ok) return base;
  const out: DiagnosticReportSearch = { ...base.value };
  const basedOn = values(q, 'based-on');
  const patient = values(q, 'patient');
  const subject = values(q, 'subject');
  const status = values(q, 'status');
  const study = values(q, 'imaging-study');
  for (const r of [basedOn, patient, subject, status, study]) if (!r.ok) return r;
  if (basedOn.ok && basedOn.value) out.basedOn = referenceIds(basedOn.value, 'ServiceRequest');
  const patients = [...((patient.ok && patient.value) || []), ...((subject.ok && subject.value) || [])];
  if (patients.length) out.patient = referenceIds(patients, 'Patient');
  if (study.ok && study.value) out.imagingStudy = referenceIds(study.value, 'ImagingStudy');
  if (status.ok && status.value) out.status = status.value;
  return { ok: true, value: out };
}
