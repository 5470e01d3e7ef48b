// Worklist patient -> Patient, and back (round trip with patient-to-demographics.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patient24, patient24Worklist } from './__fixtures__/fixtures.ts';
import { patientToDemographics } from './patient-to-demographics.ts';
import { validateFhirResource } from './validate-resource.ts';
import { patientFromWorklist } from './worklist-to-patient.ts';

const at = new Date('2025-03-01T08:00:00Z');

test('the 2.4 patient as the worklist holds it reads as a valid Patient and maps back unchanged', () => {
  const p = patientFromWorklist('patient-3', { attributes: patient24Worklist(), updatedAt: at }, undefined);
  assert.ok(validateFhirResource(JSON.parse(JSON.stringify(p))).ok, JSON.stringify(p));
  assert.deepEqual(p.identifier, [
    { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, system: 'urn:oid:2.16.840.1.113883.19.5', value: 'MRN12345', assigner: { display: 'HOSP' } },
  ]);
  assert.deepEqual([p.name, p.gender, p.birthDate, p.active], [[{ family: 'DOE', given: ['JANE', 'Q'] }], 'female', '1980-01-15', true]);
  const back = patientToDemographics(p, { patientIdDomain: null });
  assert.ok(back.ok);
  assert.deepEqual(back.value.patient, patient24Worklist());
});

test('a patient posted over FHIR keeps its telecom and address, and the worklist wins where it changed', () => {
  const posted = { ...patient24(), telecom: [{ system: 'phone', value: '+49 30 1234' }], address: [{ city: 'Berlin' }] };
  const mapped = patientToDemographics(posted, { patientIdDomain: null });
  assert.ok(mapped.ok);
  const now = { ...mapped.value.patient, PatientName: 'DOE^JANE^QUINN' };
  const p = patientFromWorklist('pat-mrn12345', { attributes: now, updatedAt: at }, { resource: posted, mapped: mapped.value.patient, updatedAt: at });
  assert.deepEqual([p.telecom, p.address, p.identifier], [posted.telecom, posted.address, posted.identifier]);
  assert.deepEqual(p.name, [{ family: 'DOE', given: ['JANE', 'QUINN'] }], 'an ADT renamed the patient since');
});

test('a merged patient is inactive and names the one it was merged into', () => {
  const p = patientFromWorklist('patient-4', { attributes: patient24Worklist(), mergedInto: { reference: 'Patient/patient-9' }, updatedAt: at }, undefined);
  assert.equal(p.active, false);
  assert.deepEqual(p.link, [{ other: { reference: 'Patient/patient-9' }, type: 'replaced-by' }]);
});
