// Search parameters parsed once; the in-memory matchers read the same value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Patient, ServiceRequest } from './fhir-types.ts';
import { matchesPatient, matchesServiceRequest, parsePatientSearch, parseServiceRequestSearch, parseToken } from './search-request.ts';

test('tokens: value, system|value, |value', () => {
  assert.deepEqual(parseToken('ACC-1'), { value: 'ACC-1' });
  assert.deepEqual(parseToken('urn:oid:1.2|ACC-1'), { system: 'urn:oid:1.2', value: 'ACC-1' });
  assert.deepEqual(parseToken('|ACC-1'), { system: undefined, value: 'ACC-1' });
});

test('ServiceRequest search: identifier, patient as id or reference, status list, paging', () => {
  const r = parseServiceRequestSearch({ identifier: 'ACC-1,urn:x|ACC-2', patient: 'Patient/p1', status: 'active,on-hold', _count: '10', _offset: '20' });
  assert.ok(r.ok);
  assert.deepEqual(r.value, { identifier: [{ value: 'ACC-1' }, { system: 'urn:x', value: 'ACC-2' }], patient: ['p1'], status: ['active', 'on-hold'], count: 10, offset: 20 });
});

const refused: [string, Record<string, unknown>][] = [
  ['an unknown parameter', { code: 'CT' }],
  ['a repeated parameter', { identifier: ['a', 'b'] }],
  ['an empty value', { identifier: 'a,' }],
  ['a negative _count', { _count: '-1' }],
];
for (const [name, q] of refused) {
  test(`refused: ${name}`, () => {
    const r = parseServiceRequestSearch(q);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'FHIR_INVALID');
  });
}

test('matching a ServiceRequest: the token system must agree when given', () => {
  const sr: ServiceRequest = { resourceType: 'ServiceRequest', status: 'active', intent: 'order', subject: { reference: 'Patient/p1' }, identifier: [{ system: 'urn:oid:1.2', value: 'ACC-1' }] };
  assert.ok(matchesServiceRequest(sr, { identifier: [{ value: 'ACC-1' }] }));
  assert.ok(matchesServiceRequest(sr, { identifier: [{ system: 'urn:oid:1.2', value: 'ACC-1' }], patient: ['p1'], status: ['active'] }));
  assert.ok(!matchesServiceRequest(sr, { identifier: [{ system: 'urn:oid:9', value: 'ACC-1' }] }));
  assert.ok(!matchesServiceRequest(sr, { status: ['revoked'] }));
  assert.ok(!matchesServiceRequest(sr, { patient: ['p2'] }));
});

test('Patient name search: any part starts with the text, case and accents ignored', () => {
  const p: Patient = { resourceType: 'Patient', name: [{ family: 'Østergård', given: ['Søren', 'Kierkegaard'] }] };
  const q = (name: string) => {
    const r = parsePatientSearch({ name });
    assert.ok(r.ok);
    return matchesPatient(p, r.value);
  };
  assert.ok(q('ØSTER'));
  assert.ok(q('kierk'));
  assert.ok(!q('gard'));
});
