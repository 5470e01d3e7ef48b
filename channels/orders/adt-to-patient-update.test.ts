// ADT^A01/A04/A08 -> patient demographics, one row per sample message and table; the whole
// result is compared with the checked-in JSON beside the message.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { adtToPatientUpdate } from './adt-to-patient-update.ts';
import type { PatientUpdate } from './adt-to-patient-update.ts';
import type { MappingIssue } from './mapping-issues.ts';
import type { Result } from '../../engine/index.ts';
import { assertMatchesFixture, fixtureMessage, fixtureTables } from './__fixtures__/fixtures.ts';

type Row = { name: string; input: string; tables?: string; check: (r: Result<PatientUpdate, MappingIssue[]>) => void };

const ok = (r: Result<PatientUpdate, MappingIssue[]>) => {
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.error));
  return r.value;
};

const ROWS: Row[] = [
  {
    name: 'Epic A01 without a configured domain: the first PID-3 repetition is the Patient ID',
    input: 'adt-a01-epic.hl7',
    check: (r) => {
      const p = ok(r).patient;
      assert.deepEqual([p.PatientID, p.IssuerOfPatientID, p.PatientName], ['E1234567', 'EPI', 'DOE^JANE^Q']);
      assert.deepEqual(p.OtherPatientIDsSequence?.map((o) => o.PatientID), ['123-45-6789', 'MRN12345']);
    },
  },
  {
    name: 'Epic A01 with patientIdDomain HOSP: MRN12345 is the Patient ID',
    input: 'adt-a01-epic.hl7',
    tables: 'test-tables.yaml',
    check: (r) => assert.deepEqual([ok(r).patient.PatientID, ok(r).patient.IssuerOfPatientID], ['MRN12345', 'HOSP']),
  },
  {
    name: 'Epic A08 in Latin-1 without MSH-18: the name keeps its accents, ISO_IR 192',
    input: 'adt-a08-epic-latin1.hl7',
    check: (r) => {
      const u = ok(r);
      assert.equal(u.messageType, 'ADT^A08');
      assert.deepEqual([u.patient.PatientName, u.patient.PatientSex, u.patient.SpecificCharacterSet], ['MÜLLER^RENÉ', 'M', 'ISO_IR 192']);
    },
  },
  {
    name: 'no PID-3: refused with 101 at PID-3',
    input: 'adt-a08-missing-pid3.hl7',
    check: (r) => {
      assert.ok(!r.ok);
      assert.deepEqual([r.error[0]!.hl7ErrorCode, r.error[0]!.location], ['101', { segment: 'PID', sequence: 1, field: 3 }]);
    },
  },
];

describe('ADT^A01/A04/A08 -> patient demographics', () => {
  for (const row of ROWS) {
    test(row.name, () => {
      const r = adtToPatientUpdate(fixtureMessage(row.input), { tables: fixtureTables(row.tables) });
      assertMatchesFixture(row.input.replace(/\.hl7$/, row.tables ? `.${row.tables.replace(/\.yaml$/, '')}.json` : '.json'), r);
      row.check(r);
    });
  }
});
