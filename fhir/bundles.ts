// The Bundles the facade answers with: a searchset for a search, a transaction-response for a
// transaction (one entry per request entry, in the request's order).
import type { Bundle, BundleEntry, OperationOutcome, Resource } from './fhir-types.ts';

export function searchsetBundle(resources: readonly Resource[], o: { total: number; self: string; next?: string | undefined; baseUrl: string }): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: o.total,
    link: [{ relation: 'self', url: o.self }, ...(o.next ? [{ relation: 'next', url: o.next }] : [])],
    entry: resources.map((r) => ({ fullUrl: `${o.baseUrl}/${r.resourceType}/${r.id}`, resource: r, search: { mode: 'match' as const } })),
  };
}

/** One request entry's result: `201 Created` or `200 OK`, where the resource now is, and any warnings. */
export type EntryResult = { index: number; resourceType: string; id: string; created: boolean; lastModified?: string | undefined; outcome?: OperationOutcome | undefined };

export function transactionResponse(results: readonly EntryResult[]): Bundle {
  const sorted = [...results].sort((a, b) => a.index - b.index);
  const entry: BundleEntry[] = sorted.map((r) => ({
    response: {
      status: r.created ? '201 Created' : '200 OK',
      location: `${r.resourceType}/${r.id}`,
      ...(r.lastModified ? { lastModified: r.lastModified } : {}),
      ...(r.outcome ? { outcome: r.outcome } : {}),
    },
  }));
  return { resourceType: 'Bundle', type: 'transaction-response', entry };
}
