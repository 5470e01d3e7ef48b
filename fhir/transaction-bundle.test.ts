// Transaction Bundles as the worklist applies them: the interactions accepted, the order they
// apply in, and references between entries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Bundle, Resource } from './fhir-types.ts';
import { planTransaction, resolveReferences, transactionOf } from './transaction-bundle.ts';

const patient: Resource = { resourceType: 'Patient', identifier: [{ value: 'MRN1' }] };
const sr: Resource = { resourceType: 'ServiceRequest', status: 'active', intent: 'order', subject: { reference: 'urn:uuid:p' } };
const bundle = (...entry: NonNullable<Bundle['entry']>): Bundle => ({ resourceType: 'Bundle', type: 'transaction', entry });

test('Patients apply before ServiceRequests, whatever their order in the Bundle', () => {
  const r = planTransaction(bundle({ resource: sr, request: { method: 'POST', url: 'ServiceRequest' } }, { fullUrl: 'urn:uuid:p', resource: patient, request: { method: 'PUT', url: 'Patient/pat-1' } }));
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  assert.deepEqual(r.value.map((e) => [e.index, e.type, e.method, e.id]), [[1, 'Patient', 'PUT', 'pat-1'], [0, 'ServiceRequest', 'POST', undefined]]);
});

test('a conditional PUT by identifier is an upsert', () => {
  const r = planTransaction(bundle({ resource: patient, request: { method: 'PUT', url: 'Patient?identifier=urn:oid:1.2|MRN1' } }));
  assert.ok(r.ok);
  assert.deepEqual([r.value[0]!.method, r.value[0]!.id, r.value[0]!.conditional], ['PUT', undefined, 'identifier=urn:oid:1.2|MRN1']);
});

const refused: [string, Bundle, string, string][] = [
  ['a batch', { ...bundle({ resource: patient, request: { method: 'POST', url: 'Patient' } }), type: 'batch' }, 'FHIR_UNPROCESSABLE', 'Bundle.type'],
  ['an empty transaction', bundle(), 'FHIR_INVALID', 'Bundle.entry'],
  ['a resource type the worklist does not take', bundle({ resource: { resourceType: 'Encounter' }, request: { method: 'POST', url: 'Encounter' } }), 'FHIR_UNPROCESSABLE', 'Bundle.entry[0].resource'],
  ['a DELETE', bundle({ resource: patient, request: { method: 'DELETE', url: 'Patient/1' } }), 'FHIR_UNPROCESSABLE', 'Bundle.entry[0].request'],
  ['a url of another type', bundle({ resource: patient, request: { method: 'POST', url: 'ServiceRequest' } }), 'FHIR_INVALID', 'Bundle.entry[0].request.url'],
  ['an id that differs from the url', bundle({ resource: { ...patient, id: 'a' }, request: { method: 'PUT', url: 'Patient/b' } }), 'FHIR_INVALID', 'Bundle.entry[0].resource.id'],
  ['an id FHIR does not allow', bundle({ resource: patient, request: { method: 'PUT', url: 'Patient/a_b' } }), 'FHIR_INVALID', 'Bundle.entry[0].request.url'],
  [
    'a fullUrl used twice',
    bundle({ fullUrl: 'urn:uuid:x', resource: patient, request: { method: 'POST', url: 'Patient' } }, { fullUrl: 'urn:uuid:x', resource: sr, request: { method: 'POST', url: 'ServiceRequest' } }),
    'FHIR_INVALID',
    'Bundle.entry[1].fullUrl',
  ],
];
for (const [name, b, code, expression] of refused) {
  test(`refused: ${name}`, () => {
    const r = planTransaction(b);
    assert.ok(!r.ok);
    assert.equal(r.error.code, code);
    assert.ok(r.error.issues.some((i) => i.expression?.includes(expression)), JSON.stringify(r.error.issues));
  });
}

test('references to entries are replaced by the ids they got; others stay', () => {
  const out: Record<string, unknown> = resolveReferences({ ...sr, requester: { reference: 'Practitioner/1' }, note: [{ text: 'urn:uuid:p' }] }, new Map([['urn:uuid:p', 'Patient/abc']]));
  assert.deepEqual([(out.subject as { reference: string }).reference, (out.requester as { reference: string }).reference, (out.note as { text: string }[])[0]!.text], ['Patient/abc', 'Practitioner/1', 'urn:uuid:p']);
});

test('a single resource travels as a one-entry transaction', () => {
  assert.deepEqual(transactionOf(sr, 'PUT', 'x1').entry, [{ resource: { ...sr, id: 'x1' }, request: { method: 'PUT', url: 'ServiceRequest/x1' } }]);
  assert.deepEqual(transactionOf(sr, 'POST').entry![0]!.request, { method: 'POST', url: 'ServiceRequest' });
});
