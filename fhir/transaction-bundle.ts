// A transaction Bundle as the worklist applies it: each entry's interaction (POST, PUT, or a
// conditional PUT by identifier) checked once, and the references between entries (`urn:uuid:`
// fullUrls) replaced by the ids the entries get. Single-resource requests travel as a one-entry
// transaction too, so the channel and the message browser see one format.
import type { Result } from '../engine/index.ts';
import { fhirError, issue } from './fhir-error.ts';
import type { FhirError } from './fhir-error.ts';
import type { Bundle, OperationOutcomeIssue, Patient, Resource, ServiceRequest } from './fhir-types.ts';

/** The resource types the worklist takes in a transaction. */
export const WRITABLE_TYPES = ['Patient', 'ServiceRequest'] as const;

export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

type Common = {
  index: number;
  fullUrl: string | undefined;
  /** PUT Type/id: the id; POST and conditional PUT: undefined (the server decides). */
  id: string | undefined;
  method: 'POST' | 'PUT';
  /** A conditional PUT's search (`identifier=...`): an upsert by the resource's identifiers. */
  conditional: string | undefined;
};
export type PlannedEntry = (Common & { type: 'Patient'; resource: Patient }) | (Common & { type: 'ServiceRequest'; resource: ServiceRequest });

export function transactionOf(resource: Resource, method: 'POST' | 'PUT', id?: string): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [{ resource: id ? { ...resource, id } : resource, request: { method, url: id ? `${resource.resourceType}/${id}` : resource.resourceType } }],
  };
}

/** The entries of a (validated) transaction Bundle, in the order they apply: Patients first, then ServiceRequests. */
export function planTransaction(bundle: Bundle): Result<PlannedEntry[], FhirError> {
  const issues: OperationOutcomeIssue[] = [];
  if (bundle.type !== 'transaction') {
    return { ok: false, error: fhirError('FHIR_UNPROCESSABLE', [issue('not-supported', `Bundle.type ${bundle.type} is not accepted here: post a transaction`, 'Bundle.type')]) };
  }
  const entries = bundle.entry ?? [];
  if (entries.length === 0) return { ok: false, error: fhirError('FHIR_INVALID', [issue('required', 'the transaction has no entries', 'Bundle.entry')]) };
  const planned: PlannedEntry[] = [];
  const fullUrls = new Set<string>();
  entries.forEach((e, index) => {
    const at = `Bundle.entry[${index}]`;
    const r = e.resource;
    const req = e.request;
    if (!r || !req) {
      issues.push(issue('required', 'an entry needs a resource and a request', at));
      return;
    }
    if (!(WRITABLE_TYPES as readonly string[]).includes(r.resourceType)) {
      issues.push(issue('not-supported', `${r.resourceType} is not accepted in a transaction here (${WRITABLE_TYPES.join(', ')} are)`, `${at}.resource`));
      return;
    }
    if (e.fullUrl) {
      if (fullUrls.has(e.fullUrl)) issues.push(issue('invalid', `fullUrl ${e.fullUrl} is used twice`, `${at}.fullUrl`));
      fullUrls.add(e.fullUrl);
    }
    const [path = '', query] = req.url.split('?', 2) as [string, string?];
    const [type, id, extra] = path.replace(/^\/+/, '').split('/');
    if (type !== r.resourceType || extra !== undefined) {
      issues.push(issue('invalid', `request.url ${JSON.stringify(req.url)} does not name the entry's ${r.resourceType}`, `${at}.request.url`));
      return;
    }
    let method: 'POST' | 'PUT';
    let conditional: string | undefined;
    let entryId: string | undefined;
    if (req.method === 'POST' && id === undefined && query === undefined) {
      method = 'POST';
    } else if (req.method === 'PUT' && id !== undefined && query === undefined) {
      method = 'PUT';
      if (!FHIR_ID.test(id)) {
        issues.push(issue('invalid', `${JSON.stringify(id)} is not a FHIR id ([A-Za-z0-9-.]{1,64})`, `${at}.request.url`));
        return;
      }
      if (r.id !== undefined && r.id !== id) {
        issues.push(issue('invalid', `resource.id ${r.id} differs from the id in request.url (${id})`, `${at}.resource.id`));
        return;
      }
      entryId = id;
    } else if (req.method === 'PUT' && id === undefined && query !== undefined && /^identifier=/.test(query)) {
      method = 'PUT';
      conditional = query;
    } else {
      issues.push(issue('not-supported', `${req.method} ${req.url} is not supported in a transaction here (POST Type, PUT Type/id, PUT Type?identifier=...)`, `${at}.request`));
      return;
    }
    const common = { index, fullUrl: e.fullUrl, id: entryId, method, conditional };
    planned.push(r.resourceType === 'Patient' ? { ...common, type: 'Patient', resource: r as Patient } : { ...common, type: 'ServiceRequest', resource: r as ServiceRequest });
  });
  if (issues.length) {
    const unsupported = issues.every((i) => i.code === 'not-supported');
    return { ok: false, error: fhirError(unsupported ? 'FHIR_UNPROCESSABLE' : 'FHIR_INVALID', issues) };
  }
  return { ok: true, value: [...planned.filter((p) => p.type === 'Patient'), ...planned.filter((p) => p.type === 'ServiceRequest')] };
}

/** The resource with every `reference` that names another entry's fullUrl replaced by `Type/id`. */
export function resolveReferences<T>(value: T, ids: ReadonlyMap<string, string>): T {
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') return key === 'reference' && ids.has(v) ? ids.get(v) : v;
    if (Array.isArray(v)) return v.map((x) => walk(x));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  return walk(value) as T;
}
