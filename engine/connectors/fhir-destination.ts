// Sends a FHIR resource or Bundle to a FHIR server: create (POST [base]/[type]), update
// (PUT [base]/[type]/[id]) or transaction (POST [base] with a Bundle). An OperationOutcome in a
// 4xx answer is a permanent refusal; 5xx and network errors are retried.
import type { DestinationConnector } from './destination-connector.ts';
import { httpDestination } from './http-destination.ts';

export function fhirDestination(opts: {
  baseUrl: string;
  operation: 'create' | 'update' | 'transaction';
  headers: Record<string, string>;
  timeoutMs?: number | undefined;
}): DestinationConnector {
  const base = opts.baseUrl.replace(/\/+$/, '');
  return {
    async send(delivery) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(delivery.content);
      } catch {
        return { ok: false, error: { message: 'the content is not JSON, so not a FHIR resource', permanent: true } };
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return { ok: false, error: { message: 'the content is not a JSON object, so not a FHIR resource', permanent: true } };
      }
      const resource = parsed as { resourceType?: unknown; id?: unknown };
      const type = typeof resource.resourceType === 'string' ? resource.resourceType : '';
      if (!/^[A-Z][A-Za-z]+$/.test(type)) return { ok: false, error: { message: 'the content has no resourceType', permanent: true } };
      let url: string;
      let method: 'POST' | 'PUT' = 'POST';
      if (opts.operation === 'transaction') {
        if (type !== 'Bundle') return { ok: false, error: { message: `a transaction needs a Bundle, not ${type}`, permanent: true } };
        url = base;
      } else if (opts.operation === 'update') {
        if (typeof resource.id !== 'string') return { ok: false, error: { message: `an update needs ${type}.id`, permanent: true } };
        url = `${base}/${type}/${encodeURIComponent(resource.id)}`;
        method = 'PUT';
      } else {
        url = `${base}/${type}`;
      }
      return httpDestination({
        url,
        method,
        headers: { accept: 'application/fhir+json', ...opts.headers },
        contentType: 'application/fhir+json',
        timeoutMs: opts.timeoutMs,
      }).send(delivery);
    },
    async close() {},
  };
}
