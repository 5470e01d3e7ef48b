// FHIR search parameters parsed once into a plain value, which the repository reads (SQL) and
// matchesServiceRequest/matchesPatient check in memory, so both mean the same. Unknown
// parameters are refused: a client must not take an unfiltered result for a filtered one.
import type { Result } from '../engine/index.ts';
import { fhirFailure } from './fhir-error.ts';
import type { FhirError } from './fhir-error.ts';
import type { Identifier, Patient, ServiceRequest } from './fhir-types.ts';

/** `[system|]value`; `|value` is a value with no system. */
export type Token = { system?: string | undefined; value: string };

export type ServiceRequestSearch = { ids?: string[]; identifier?: Token[]; patient?: string[]; status?: string[]; count: number; offset: number };
export type PatientSearch = { ids?: string[]; identifier?: Token[]; name?: string[]; count: number; offset: number };

export const DEFAULT_COUNT = 50;
export const MAX_COUNT = 500;

const CONTROL = ['_count', '_offset', '_format', '_pretty', '_total'];

export function parseToken(text: string): Token {
  const bar = text.indexOf('|');
  if (bar < 0) return { value: text };
  return { system: text.slice(0, bar) || undefined, value: text.slice(bar + 1) };
}

type Query = Record<string, unknown>;

function single(q: Query, name: string): Result<string | undefined, FhirError> {
  const v = q[name];
  if (v === undefined) return { ok: true, value: undefined };
  if (typeof v !== 'string') return fhirFailure('FHIR_INVALID', 'not-supported', `search parameter ${name} is given more than once (repeating a parameter is not supported here)`, name);
  return { ok: true, value: v };
}

/** A comma list (OR), each value trimmed; '' is refused. */
function list(q: Query, name: string): Result<string[] | undefined, FhirError> {
  const v = single(q, name);
  if (!v.ok || v.value === undefined) return v as Result<undefined, FhirError>;
  const values = v.value.split(',').map((s) => s.trim());
  if (values.some((s) => s === '')) return fhirFailure('FHIR_INVALID', 'value', `search parameter ${name} has an empty value`, name);
  return { ok: true, value: values };
}

function paging(q: Query): Result<{ count: number; offset: number }, FhirError> {
  const out = { count: DEFAULT_COUNT, offset: 0 };
  for (const [name, key, max] of [['_count', 'count', MAX_COUNT], ['_offset', 'offset', Number.MAX_SAFE_INTEGER]] as const) {
    const v = single(q, name);
    if (!v.ok) return v;
    if (v.value === undefined) continue;
    const n = Number(v.value);
    if (!Number.isSafeInteger(n) || n < 0) return fhirFailure('FHIR_INVALID', 'value', `${name} must be a whole number, 0 or more`, name);
    out[key] = Math.min(n, max);
  }
  return { ok: true, value: out };
}

function unknownParams(q: Query, known: readonly string[]): Result<void, FhirError> {
  const unknown = Object.keys(q).filter((k) => !known.includes(k) && !CONTROL.includes(k));
  if (unknown.length) return fhirFailure('FHIR_INVALID', 'not-supported', `search parameter ${unknown.join(', ')} is not supported (supported: ${known.join(', ')})`, unknown[0]);
  return { ok: true, value: undefined };
}

const SR_PARAMS = ['_id', 'identifier', 'patient', 'subject', 'status'];
const PATIENT_PARAMS = ['_id', 'identifier', 'name'];

export function parseServiceRequestSearch(q: Query): Result<ServiceRequestSearch, FhirError> {
  const unknown = unknownParams(q, SR_PARAMS);
  if (!unknown.ok) return unknown;
  const page = paging(q);
  if (!page.ok) return page;
  const ids = list(q, '_id');
  const identifier = list(q, 'identifier');
  const patient = list(q, 'patient');
  const subject = list(q, 'subject');
  const status = list(q, 'status');
  for (const r of [ids, identifier, patient, subject, status]) if (!r.ok) return r;
  const out: ServiceRequestSearch = { ...page.value };
  if (ids.ok && ids.value) out.ids = ids.value;
  if (identifier.ok && identifier.value) out.identifier = identifier.value.map(parseToken);
  // patient=123, patient=Patient/123, subject=Patient/123: the Patient's id.
  const patients = [...((patient.ok && patient.value) || []), ...((subject.ok && subject.value) || [])].map((p) => p.replace(/^(.*\/)?Patient\//, ''));
  if (patients.length) out.patient = patients;
  if (status.ok && status.value) out.status = status.value;
  return { ok: true, value: out };
}

export function parsePatientSearch(q: Query): Result<PatientSearch, FhirError> {
  const unknown = unknownParams(q, PATIENT_PARAMS);
  if (!unknown.ok) return unknown;
  const page = paging(q);
  if (!page.ok) return page;
  const ids = list(q, '_id');
  const identifier = list(q, 'identifier');
  const name = list(q, 'name');
  for (const r of [ids, identifier, name]) if (!r.ok) return r;
  const out: PatientSearch = { ...page.value };
  if (ids.ok && ids.value) out.ids = ids.value;
  if (identifier.ok && identifier.value) out.identifier = identifier.value.map(parseToken);
  if (name.ok && name.value) out.name = name.value;
  return { ok: true, value: out };
}

/** Token search on identifiers: the value, and the system when the token gives one (`|v`: none). */
export function matchesToken(ids: readonly Identifier[] | undefined, t: Token): boolean {
  return (ids ?? []).some((id) => id.value === t.value && (t.system === undefined || (id.system ?? '') === t.system));
}

const fold = (s: string) => s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

/** String search on names: any part of the name starts with the text (case and accents ignored), as FHIR `string` does. */
export function matchesName(p: Patient, text: string): boolean {
  const wanted = fold(text);
  const parts = (p.name ?? []).flatMap((n) => [n.family, ...(n.given ?? []), ...(n.prefix ?? []), ...(n.suffix ?? []), n.text]).filter((x): x is string => !!x);
  return parts.some((part) => fold(part).split(/[\s^]+/).some((w) => w.startsWith(wanted)) || fold(part).startsWith(wanted));
}

export function matchesServiceRequest(sr: ServiceRequest, s: Omit<ServiceRequestSearch, 'count' | 'offset'>): boolean {
  if (s.ids && !s.ids.includes(sr.id ?? '')) return false;
  if (s.identifier && !s.identifier.some((t) => matchesToken(sr.identifier, t))) return false;
  if (s.patient && !s.patient.some((p) => sr.subject.reference === `Patient/${p}`)) return false;
  if (s.status && !s.status.includes(sr.status)) return false;
  return true;
}

export function matchesPatient(p: Patient, s: Omit<PatientSearch, 'count' | 'offset'>): boolean {
  if (s.ids && !s.ids.includes(p.id ?? '')) return false;
  if (s.identifier && !s.identifier.some((t) => matchesToken(p.identifier, t))) return false;
  if (s.name && !s.name.some((n) => matchesName(p, n))) return false;
  return true;
}
