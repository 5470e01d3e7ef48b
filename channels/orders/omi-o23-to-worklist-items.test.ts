// OMI^O23 v2.5.1 (TQ1/IPC) -> worklist items, one row per sample message; the whole result is
// compared with the checked-in JSON beside the message.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { omiO23ToWorklistItems } from './omi-o23-to-worklist-items.ts';
import type { OrderMessage } from './order-message-to-worklist.ts';
import type { MappingIssue } from './mapping-issues.ts';
import type { Result } from '../../engine/index.ts';
import { assertMatchesFixture, fixtureMessage, fixtureTables, sequentialUids } from './__fixtures__/fixtures.ts';

type Row = { name: string; input: string; tables?: string; check: (r: Result<OrderMessage, MappingIssue[]>) => void };

const ok = (r: Result<OrderMessage, MappingIssue[]>) => {
  assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.error));
  return r.value;
};

const ROWS: Row[] = [
  {
    name: 'the 1.5 OMI example: accession, RP, Study UID, SPS, modality, protocol and station from IPC, start and priority from TQ1',
    input: 'omi-o23-v251-ipc.hl7',
    check: (r) => {
      const item = ok(r).orders[0]!.items[0]!;
      const sps = item.ScheduledProcedureStepSequence[0];
      assert.equal(item.StudyInstanceUID, '1.2.840.99999.1.2.3.4.5');
      assert.deepEqual(item.IssuerOfAccessionNumberSequence, [{ LocalNamespaceEntityID: 'HOSP' }]);
      assert.deepEqual([sps.Modality, sps.ScheduledStationAETitle, sps.ScheduledStationName, sps.ScheduledProcedureStepLocation], ['CT', ['CT01'], 'CTSTATION1', 'CT-ROOM-1']);
      assert.deepEqual([sps.ScheduledProcedureStepStartDate, sps.ScheduledProcedureStepStartTime, item.RequestedProcedurePriority], ['20250301', '093000', 'ROUTINE']);
      assert.equal(item.SpecificCharacterSet, 'ISO_IR 192');
    },
  },
  {
    name: 'two IPCs are two steps of one order sharing one generated Study Instance UID; IPC-9 repetitions are several AE titles',
    input: 'omi-o23-two-steps.hl7',
    check: (r) => {
      const m = ok(r);
      assert.equal(m.orders.length, 1);
      const [a, b] = m.orders[0]!.items;
      assert.deepEqual([a!.StudyInstanceUID, b!.StudyInstanceUID], ['2.25.1001', '2.25.1001']);
      assert.deepEqual(a!.ScheduledProcedureStepSequence[0].ScheduledStationAETitle, ['CT02', 'CT03']);
      assert.deepEqual(a!.ScheduledProcedureStepSequence[0].ScheduledProtocolCodeSequence?.map((c) => c.CodeValue), ['CTP10', 'CTP11']);
      assert.equal(b!.ScheduledProcedureStepSequence[0].ScheduledProcedureStepID, 'SPS-2001B');
      assert.equal(a!.RequestedProcedurePriority, 'STAT');
      assert.deepEqual(a!.IssuerOfAccessionNumberSequence, [{ LocalNamespaceEntityID: 'HOSP', UniversalEntityID: '1.2.3.4', UniversalEntityIDType: 'ISO' }]);
    },
  },
  {
    name: 'no IPC-1: refused with 101 at IPC-1',
    input: 'omi-o23-missing-accession.hl7',
    check: (r) => {
      assert.ok(!r.ok);
      const e = r.error.find((i) => i.severity === 'error')!;
      assert.deepEqual([e.hl7ErrorCode, e.location], ['101', { segment: 'IPC', sequence: 1, field: 1 }]);
    },
  },
  {
    name: 'a DICOM modality in IPC-5 (coded DCM) is used as sent even when the table does not list it',
    input: 'omi-o23-dicom-modality.hl7',
    check: (r) => {
      const sps = ok(r).orders[0]!.items[0]!.ScheduledProcedureStepSequence[0];
      assert.deepEqual([sps.Modality, sps.ScheduledStationAETitle], ['OPT', ['EYE01']]);
    },
  },
];

describe('OMI^O23 v2.5.1 -> worklist items', () => {
  for (const row of ROWS) {
    test(row.name, () => {
      const r = omiO23ToWorklistItems(fixtureMessage(row.input), { tables: fixtureTables(row.tables), newUid: sequentialUids() });
      assertMatchesFixture(row.input.replace(/\.hl7$/, '.json'), r);
      row.check(r);
    });
  }
});
