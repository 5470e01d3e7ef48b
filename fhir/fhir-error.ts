// The FHIR folder's expected failures. Each carries the OperationOutcome issues a client gets;
// the HTTP edge maps the code to a status once (appliance/http/error-codes.ts).
import type { IssueSeverity, IssueType, OperationOutcome, OperationOutcomeIssue } from './fhir-types.ts';

export const FHIR_FAILURES = {
  FHIR_INVALID: 'the request is not a valid FHIR R4 resource or Bundle (structure, type, required element, code)',
  FHIR_UNPROCESSABLE: 'valid FHIR that the worklist cannot take (no accession number, no modality, an unresolved reference)',
  FHIR_NOT_FOUND: 'no resource with this type and id',
  FHIR_CONFLICT: "the request conflicts with the order's or patient's current state (a cancelled order, identifiers of another resource)",
  FHIR_NOT_SUPPORTED: 'the interaction or resource type is not supported (the CapabilityStatement lists what is)',
} as const;

export type FhirErrorCode = keyof typeof FHIR_FAILURES;

export type FhirError = { code: FhirErrorCode; message: string; issues: OperationOutcomeIssue[] };

export function issue(code: IssueType, text: string, expression?: string, severity: IssueSeverity = 'error'): OperationOutcomeIssue {
  return { severity, code, diagnostics: text, ...(expression ? { expression: [expression] } : {}) };
}

/** An issue as one line: `ServiceRequest.status: Missing required property`. */
export function issueText(i: OperationOutcomeIssue): string {
  const text = i.diagnostics ?? i.details?.text ?? i.code;
  return i.expression?.length ? `${i.expression.join(', ')}: ${text}` : text;
}

export function fhirError(code: FhirErrorCode, issues: OperationOutcomeIssue[]): FhirError {
  const errors = issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
  return { code, message: (errors.length ? errors : issues).map(issueText).join('; '), issues };
}

export function fhirFailure(code: FhirErrorCode, type: IssueType, text: string, expression?: string): { ok: false; error: FhirError } {
  return { ok: false, error: fhirError(code, [issue(type, text, expression)]) };
}

export function operationOutcome(issues: OperationOutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues.length ? issues : [issue('informational', 'all ok', undefined, 'information')] };
}
