// ORM^O01 v2.3.1 -> worklist items, one row per sample message: the whole result is compared
// with the checked-in JSON beside the message; `check` spells out what the row is about.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ormO01ToWorklistItems } from './orm-o01-to-worklist-items.ts';
import type { OrderMessage } from './order-message-to-worklist.ts';
import type { MappingIssue } from './mapping-issues.ts';
import type { Result } from '../../engine/index.ts';
import { assertMatchesFixture, fixtureMessage, fixtureTables, sequentialUids } from './__fixtures__/fixtures.ts';

type Row = { name: string; input: string; tables?: string; check: (r: Result<OrderMessage, MappingIssue[]>) => void };

const ok = (r: Result<OrderMessage, MappingIssue[]>) => {
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.error));
  return r.value;
};
const errors = (r: Result<OrderMessage, MappingIssue[]>) => {
  assert.ok(!r.ok, 'expected the message to be refused');
  return r.error.filter((i) => i.severity === 'error');
};
const step = (m: OrderMessage, order = 0, item = 0) => m.orders[order]!.items[item]!.ScheduledProcedureStepSequence[0];

const ROWS: Row[] = [
  {
    name: 'the 1.5 example (ZDS, station in ORC-18) gives the 1.6 item',
    input: 'orm-o01-v231-zds.hl7',
    check: (r) => {
      const m = ok(r);
      const item = m.orders[0]!.items[0]!;
      assert.equal(m.orders[0]!.action, 'create');
      assert.equal(item.StudyInstanceUID, '1.2.840.99999.1.2.3.4.5');
      assert.equal(item.AccessionNumber, 'ACC-0001');
      assert.equal(item.SpecificCharacterSet, 'ISO_IR 100');
      assert.equal(item.RequestedProcedurePriority, 'ROUTINE');
      assert.deepEqual(step(m).ScheduledStationAETitle, ['CT01']);
      assert.equal(step(m).ScheduledPerformingPhysicianName, 'TECH^TOM');
      assert.equal(step(m).ScheduledProcedureStepStartTime, '093000');
      assert.deepEqual(m.warnings, []);
    },
  },
  {
    name: 'without ZDS the Study Instance UID comes from the context, once; no station rule: a warning',
    input: 'orm-o01-v231-no-zds.hl7',
    check: (r) => {
      const m = ok(r);
      assert.equal(m.orders[0]!.items[0]!.StudyInstanceUID, '2.25.1001');
      assert.equal(m.orders[0]!.studyInstanceUidGenerated, true);
      assert.equal(m.orders[0]!.items[0]!.RequestedProcedurePriority, 'STAT');
      assert.equal(step(m).ScheduledProcedureStepStartTime, '101500');
      assert.deepEqual(m.warnings.map((w) => w.code), ['CHANNEL_ORDER_UNROUTED']);
    },
  },
  {
    name: 'the configured Patient ID domain picks PID-3; station rules by modality and procedure code; visit, NTE, technicians',
    input: 'orm-o01-v231-routed.hl7',
    tables: 'test-tables.yaml',
    check: (r) => {
      const m = ok(r);
      const item = m.orders[0]!.items[0]!;
      assert.equal(item.PatientID, 'MRN12345');
      assert.deepEqual(item.OtherPatientIDsSequence?.map((o) => o.PatientID), ['E1234567', '123-45-6789']);
      assert.equal(item.PatientName, 'DOE^JANE^Q^MRS^JR PHD');
      assert.deepEqual(step(m).ScheduledStationAETitle, ['CT02']);
      assert.equal(step(m).ScheduledStationName, 'CT-ROOM-2');
      assert.equal(item.PregnancyStatus, 3);
      assert.equal(item.AdmissionID, 'ACCT98765');
      assert.equal(item.RequestedProcedureComments, 'Patient is claustrophobic.\nNeeds interpreter.');
      assert.equal(item.RequestedProcedureID, 'ACC-0003');
      assert.equal(step(m).ScheduledProcedureStepID, 'ACC-0003');
    },
  },
  {
    name: 'XO is an update with the new start time; "" in OBR-13 clears the medical alerts',
    input: 'orm-o01-v231-xo.hl7',
    check: (r) => {
      const m = ok(r);
      assert.equal(m.orders[0]!.action, 'update');
      assert.equal(m.orders[0]!.status, undefined);
      assert.equal(step(m).ScheduledProcedureStepStartTime, '111500');
      assert.equal(m.orders[0]!.items[0]!.MedicalAlerts, '');
    },
  },
  {
    name: 'CA with an ORC only cancels by order number',
    input: 'orm-o01-v231-ca.hl7',
    check: (r) => {
      const m = ok(r);
      assert.deepEqual({ action: m.orders[0]!.action, status: m.orders[0]!.status, items: m.orders[0]!.items.length }, { action: 'cancel', status: 'CANCELLED', items: 0 });
      assert.deepEqual(m.orders[0]!.filler, { number: 'FO-2001', issuer: 'RIS' });
    },
  },
  {
    name: 'SC with ORC-5 CM asks for COMPLETED and carries the Study Instance UID to find the order',
    input: 'orm-o01-v231-sc-cm.hl7',
    check: (r) => {
      const m = ok(r);
      assert.deepEqual({ action: m.orders[0]!.action, status: m.orders[0]!.status, uid: m.orders[0]!.studyInstanceUid }, { action: 'status', status: 'COMPLETED', uid: '1.2.840.99999.1.2.3.4.5' });
    },
  },
  {
    name: 'no PID-3: refused with 101 at PID-3',
    input: 'orm-o01-missing-pid3.hl7',
    check: (r) => {
      const [e] = errors(r);
      assert.deepEqual({ code: e!.code, hl7: e!.hl7ErrorCode, location: e!.location }, { code: 'CHANNEL_ORDER_FIELD_MISSING', hl7: '101', location: { segment: 'PID', sequence: 1, field: 3 } });
      assert.match(e!.message, /^PID-3 Patient Identifier List is empty/);
    },
  },
  {
    name: 'no procedure and no accession: both named, OBR-4 first',
    input: 'orm-o01-missing-accession-and-procedure.hl7',
    check: (r) => {
      assert.deepEqual(
        errors(r).map((e) => [e.hl7ErrorCode, e.location?.segment, e.location?.field]),
        [
          ['101', 'OBR', 4],
          ['101', 'OBR', 18],
        ],
      );
    },
  },
  {
    name: 'identifiers that do not fit are refused: accession over 16 (104), a backslash (102), a bad UID (102)',
    input: 'orm-o01-accession-too-long.hl7',
    check: (r) => {
      assert.deepEqual(
        errors(r).map((e) => [e.hl7ErrorCode, `${e.location?.segment}-${e.location?.field}`]),
        [
          ['104', 'OBR-18'],
          ['102', 'OBR-19'],
          ['102', 'ZDS-1'],
        ],
      );
    },
  },
  {
    name: 'descriptive text is cut to its VR with warnings; a code over 16 characters goes to LongCodeValue',
    input: 'orm-o01-truncated.hl7',
    check: (r) => {
      const m = ok(r);
      const item = m.orders[0]!.items[0]!;
      assert.equal([...item.RequestedProcedureDescription!].length, 64);
      assert.equal([...item.PatientName!].length, 64);
      assert.match(item.RequestedProcedureDescription!, /^CT Thorax&Abdomen\/Pelvis/);
      assert.equal(item.RequestedProcedureCodeSequence![0]!.LongCodeValue, 'CT-THORAX-ABDOMEN-PELVIS-WITH-CONTRAST');
      assert.equal(item.RequestedProcedureCodeSequence![0]!.CodingSchemeDesignator, 'LOCAL-PROCEDURE-');
      assert.ok(m.warnings.filter((w) => w.code === 'CHANNEL_ORDER_TRUNCATED').length >= 3);
    },
  },
  {
    name: 'an OBR-24 not in the modality table is refused with 103 (never passed through)',
    input: 'orm-o01-unknown-modality.hl7',
    check: (r) => {
      const [e] = errors(r);
      assert.deepEqual([e!.hl7ErrorCode, e!.location], ['103', { segment: 'OBR', sequence: 1, field: 24 }]);
    },
  },
  {
    name: 'with a default modality, an unlisted OBR-24 becomes the default',
    input: 'orm-o01-unknown-modality.hl7',
    tables: 'test-tables.yaml',
    check: (r) => assert.equal(step(ok(r)).Modality, 'OT'),
  },
  {
    name: 'two ORC/OBR pairs of one order are two steps of it; another order is separate',
    input: 'orm-o01-two-orders.hl7',
    check: (r) => {
      const m = ok(r);
      assert.deepEqual(
        m.orders.map((o) => [o.placer?.number, o.items.map((i) => i.ScheduledProcedureStepSequence[0].ScheduledProcedureStepID)]),
        [
          ['PO-1012', ['SPS-0012A', 'SPS-0012B']],
          ['PO-1013', ['SPS-0013']],
        ],
      );
      assert.equal(step(m, 1).Modality, 'US');
      assert.equal(m.orders[1]!.items[0]!.StudyInstanceUID, '2.25.1001');
    },
  },
  {
    name: 'MSH-18 8859/1: Latin-1 text, ISO_IR 100',
    input: 'orm-o01-latin1.hl7',
    check: (r) => {
      const item = ok(r).orders[0]!.items[0]!;
      assert.equal(item.PatientName, 'MÜLLER^RENÉ');
      assert.equal(item.SpecificCharacterSet, 'ISO_IR 100');
      assert.equal(item.MedicalAlerts, 'Kontrastmittelallergie (Jod) äöü');
    },
  },
  {
    name: 'non-ASCII text without MSH-18: ISO_IR 192',
    input: 'orm-o01-utf8-no-msh18.hl7',
    check: (r) => {
      const m = ok(r);
      assert.equal(m.orders[0]!.items[0]!.SpecificCharacterSet, 'ISO_IR 192');
      assert.equal(m.patient.SpecificCharacterSet, 'ISO_IR 192');
    },
  },
  {
    name: 'a start that is not a timestamp is refused with 102 at ORC-7.4',
    input: 'orm-o01-bad-start.hl7',
    check: (r) => assert.deepEqual(errors(r)[0]!.location, { segment: 'ORC', sequence: 1, field: 7, component: 4 }),
  },
  {
    name: 'a minimal order: start from MSH-7, RP and SPS IDs from the accession, each with a warning',
    input: 'orm-o01-minimal.hl7',
    check: (r) => {
      const m = ok(r);
      assert.deepEqual([step(m).ScheduledProcedureStepStartDate, step(m).ScheduledProcedureStepStartTime], ['20261123', '120000']);
      assert.equal(step(m).ScheduledProcedureStepDescription, 'CT Head');
      assert.deepEqual(m.warnings.map((w) => w.code), ['CHANNEL_ORDER_DEFAULTED', 'CHANNEL_ORDER_DEFAULTED', 'CHANNEL_ORDER_DEFAULTED', 'CHANNEL_ORDER_UNROUTED']);
    },
  },
  {
    name: 'an ORC-1 the worklist does not know is refused with 103',
    input: 'orm-o01-unknown-control.hl7',
    check: (r) => assert.deepEqual([errors(r)[0]!.hl7ErrorCode, errors(r)[0]!.location], ['103', { segment: 'ORC', sequence: 1, field: 1 }]),
  },
  {
    name: 'no placer and no filler order number: 101 at ORC-2',
    input: 'orm-o01-no-order-number.hl7',
    check: (r) => assert.deepEqual([errors(r)[0]!.hl7ErrorCode, errors(r)[0]!.location], ['101', { segment: 'ORC', sequence: 1, field: 2 }]),
  },
];

describe('ORM^O01 v2.3.1 -> worklist items', () => {
  for (const row of ROWS) {
    test(row.name, () => {
      const r = ormO01ToWorklistItems(fixtureMessage(row.input), { tables: fixtureTables(row.tables), newUid: sequentialUids() });
      const expected = row.input.replace(/\.hl7$/, row.tables ? `.${row.tables.replace(/\.yaml$/, '')}.json` : '.json');
      assertMatchesFixture(expected, r);
      row.check(r);
    });
  }
});
