// Patient -> the worklist's patient attributes (standards-mappings.md 2.2), from the 2.4 example.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patient24, patient24Worklist } from './__fixtures__/fixtures.ts';
import type { Patient } from './fhir-types.ts';
import { patientToDemographics } from './patient-to-demographics.ts';
import type { MwlPatient } from './worklist-shapes.ts';

const MR = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] };

test('the 2.4 Patient maps to the checked-in attributes', () => {
  const r = patientToDemographics(patient24(), { patientIdDomain: null });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  assert.deepEqual(r.value.patient, patient24Worklist());
});

type Row = { name: string; change: (p: Patient) => Patient; domain?: string; expect: ((p: MwlPatient, warnings: string[]) => void) | { error: string } };

const rows: Row[] = [
  { name: 'no identifier: refused', change: (p) => ({ ...p, identifier: [] }), expect: { error: 'Patient.identifier' } },
  { name: 'no name: refused', change: (p) => ({ ...p, name: undefined }), expect: { error: 'Patient.name' } },
  {
    name: 'the MR identifier is the Patient ID, the others are other IDs',
    change: (p) => ({ ...p, identifier: [{ system: 'urn:oid:9.9', value: 'INS-1', assigner: { display: 'INSURER' } }, ...p.identifier!] }),
    expect: (a) => {
      assert.equal(a.PatientID, 'MRN12345');
      assert.deepEqual(a.OtherPatientIDsSequence, [{ PatientID: 'INS-1', IssuerOfPatientID: 'INSURER', TypeOfPatientID: 'TEXT' }]);
    },
  },
  {
    name: 'a configured Patient ID domain chooses the identifier',
    domain: 'CITY',
    change: (p) => ({ ...p, identifier: [...p.identifier!, { value: 'C-9', assigner: { display: 'CITY' } }] }),
    expect: (a) => assert.deepEqual([a.PatientID, a.IssuerOfPatientID], ['C-9', 'CITY']),
  },
  { name: 'a domain no identifier has: refused', domain: 'NOWHERE', change: (p) => p, expect: { error: 'Patient.identifier' } },
  {
    name: 'without assigner the issuer is the system (OID without urn:oid:)',
    change: (p) => ({ ...p, identifier: [{ type: MR, system: 'urn:oid:1.2.3.4', value: 'X1' }] }),
    expect: (a) => assert.deepEqual([a.IssuerOfPatientID, a.IssuerOfPatientIDQualifiersSequence], ['1.2.3.4', [{ UniversalEntityID: '1.2.3.4', UniversalEntityIDType: 'ISO' }]]),
  },
  {
    name: 'a system too long for LO without assigner: refused',
    change: (p) => ({ ...p, identifier: [{ type: MR, system: `https://example.org/${'x'.repeat(60)}`, value: 'X1' }] }),
    expect: { error: 'Patient.identifier[0].system' },
  },
  ...(
    [
      ['male', 'M'],
      ['female', 'F'],
      ['other', 'O'],
      ['unknown', ''],
    ] as const
  ).map(([gender, sex]): Row => ({ name: `gender ${gender} is sex ${JSON.stringify(sex)}`, change: (p) => ({ ...p, gender }), expect: (a) => assert.equal(a.PatientSex, sex) })),
  {
    name: 'a partial birth date is left out with a warning',
    change: (p) => ({ ...p, birthDate: '1980-01' }),
    expect: (a, w) => {
      assert.equal(a.PatientBirthDate, undefined);
      assert.match(w.join(), /not a full date/);
    },
  },
  {
    name: 'the official name wins; prefix and suffix take their PN places',
    change: (p) => ({ ...p, name: [{ use: 'nickname', given: ['Janie'] }, { use: 'official', family: 'Doe', given: ['Jane', 'Quinn', 'R'], prefix: ['Dr'], suffix: ['PhD'] }] }),
    expect: (a) => assert.equal(a.PatientName, 'Doe^Jane^Quinn R^Dr^PhD'),
  },
  {
    name: 'non-ASCII names set ISO_IR 192',
    change: (p) => ({ ...p, name: [{ family: 'Østergård', given: ['Søren'] }] }),
    expect: (a) => assert.deepEqual([a.SpecificCharacterSet, a.PatientName], ['ISO_IR 192', 'Østergård^Søren']),
  },
];

for (const row of rows) {
  test(row.name, () => {
    const r = patientToDemographics(row.change(patient24()), { patientIdDomain: row.domain ?? null });
    if ('error' in row.expect) {
      const want = row.expect.error;
      assert.ok(!r.ok, 'refused');
      assert.ok(r.error.some((i) => i.severity === 'error' && i.expression?.includes(want)), JSON.stringify(r.error));
      return;
    }
    assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
    row.expect(r.value.patient, r.value.warnings.map((w) => w.diagnostics ?? ''));
  });
}
