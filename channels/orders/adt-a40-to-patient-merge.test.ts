// ADT^A40 -> patient merges, one row per sample message; the whole result is compared with the
// checked-in JSON beside the message.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { adtA40ToPatientMerge } from './adt-a40-to-patient-merge.ts';
import type { PatientMerge } from './adt-a40-to-patient-merge.ts';
import type { MappingIssue } from './mapping-issues.ts';
import type { Result } from '../../engine/index.ts';
import { assertMatchesFixture, fixtureMessage, fixtureTables } from './__fixtures__/fixtures.ts';

type Row = { name: string; input: string; tables?: string; check: (r: Result<PatientMerge, MappingIssue[]>) => void };

const ROWS: Row[] = [
  {
    name: 'MRG-1 MRN99999 is merged into PID-3 MRN12345 (same domain HOSP)',
    input: 'adt-a40-merge.hl7',
    tables: 'test-tables.yaml',
    check: (r) => {
      assert.ok(r.ok);
      assert.deepEqual(
        r.value.merges.map((m) => [m.mergedFrom, m.patient.PatientID, m.patient.IssuerOfPatientID]),
        [[{ PatientID: 'MRN99999', IssuerOfPatientID: 'HOSP' }, 'MRN12345', 'HOSP']],
      );
    },
  },
  {
    name: 'no MRG: refused with 101 at MRG-1',
    input: 'adt-a40-no-mrg.hl7',
    check: (r) => {
      assert.ok(!r.ok);
      assert.deepEqual([r.error[0]!.hl7ErrorCode, r.error[0]!.location], ['101', { segment: 'MRG', sequence: 1, field: 1 }]);
    },
  },
];

describe('ADT^A40 -> patient merges', () => {
  for (const row of ROWS) {
    test(row.name, () => {
      const r = adtA40ToPatientMerge(fixtureMessage(row.input), { tables: fixtureTables(row.tables) });
      assertMatchesFixture(row.input.replace(/\.hl7$/, row.tables ? `.${row.tables.replace(/\.yaml$/, '')}.json` : '.json'), r);
      row.check(r);
    });
  }
});
