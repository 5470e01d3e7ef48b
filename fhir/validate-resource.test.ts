// R4 validation with @medplum/core over the cut-down definitions: what a client gets back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patient24, serviceRequest24 } from './__fixtures__/fixtures.ts';
import { validateFhirResource } from './validate-resource.ts';

test('the 2.4 example resources are valid, and so is a transaction of them', () => {
  assert.ok(validateFhirResource(patient24()).ok);
  assert.ok(validateFhirResource(serviceRequest24()).ok);
  const bundle = {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { fullUrl: 'urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a', resource: { ...patient24(), id: undefined }, request: { method: 'POST', url: 'Patient' } },
      { resource: { ...serviceRequest24(), id: undefined, subject: { reference: 'urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a' } }, request: { method: 'POST', url: 'ServiceRequest' } },
    ],
  };
  const r = validateFhirResource(JSON.parse(JSON.stringify(bundle)));
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
});

const invalid: [string, unknown, string, string][] = [
  ['a missing required element', { ...serviceRequest24(), status: undefined }, 'ServiceRequest.status', 'Missing required property'],
  ['a wrong JSON type', { ...serviceRequest24(), priority: 5 }, 'ServiceRequest.priority', 'expected string'],
  ['a code outside its required value set', { ...serviceRequest24(), status: 'scheduled' }, 'ServiceRequest.status', 'required value set'],
  ['an element R4 does not have', { ...serviceRequest24(), scheduledFor: 'x' }, 'ServiceRequest.scheduledFor', 'additional property'],
  ['a malformed dateTime', { ...serviceRequest24(), occurrenceDateTime: '2025-13-45' }, 'ServiceRequest.occurrence[x]', 'dateTime'],
  ['a malformed date in a Patient', { ...patient24(), birthDate: '15.01.1980' }, 'Patient.birthDate', 'date'],
  ['a bad gender', { ...patient24(), gender: 'f' }, 'Patient.gender', 'required value set'],
  ['a transaction entry without request', { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: patient24() }] }, 'Bundle', 'bdl-3'],
  ['an invalid resource inside a Bundle', { resourceType: 'Bundle', type: 'transaction', entry: [{ resource: { ...patient24(), gender: 3 }, request: { method: 'POST', url: 'Patient' } }] }, 'Bundle.entry[0].resource.gender', 'expected string'],
];
for (const [name, value, expression, text] of invalid) {
  test(`refused: ${name}`, () => {
    const r = validateFhirResource(JSON.parse(JSON.stringify(value)));
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'FHIR_INVALID');
    const hit = r.error.issues.find((i) => i.expression?.includes(expression));
    assert.ok(hit, JSON.stringify(r.error.issues));
    assert.match(hit.diagnostics ?? '', new RegExp(text.replace(/[[\]()]/g, '\\$&')));
  });
}

test('a resource type without a definition here is not supported, not a crash', () => {
  const r = validateFhirResource({ resourceType: 'Observation', status: 'final' });
  assert.ok(!r.ok);
  assert.equal(r.error.issues[0]!.code, 'not-supported');
  const contained = validateFhirResource({ ...serviceRequest24(), contained: [{ resourceType: 'Specimen', id: 's' }] });
  assert.ok(!contained.ok);
  assert.match(contained.error.message, /Specimen is not supported/);
  assert.ok(!validateFhirResource([1, 2]).ok);
  assert.ok(!validateFhirResource(null).ok);
});
