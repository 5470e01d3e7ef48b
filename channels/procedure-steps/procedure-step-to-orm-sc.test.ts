// MPPS event -> ORM^O01 status report (standards-mappings.md 4.2), one row per case: the message
// built is compared with the checked-in one in __fixtures__ (one segment per line there).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { LinkedOrder, MppsEvent } from '../../dicom/index.ts';
import { dicomDateTimeToTs, personNameToXpn, procedureStepToOrmSc } from './procedure-step-to-orm-sc.ts';
import type { OrmScContext } from './procedure-step-to-orm-sc.ts';
import type { ProcedureStepMessage } from './procedure-step-message.ts';

function event(over: Partial<MppsEvent> = {}): MppsEvent {
  return {
    kind: 'create',
    sopInstanceUid: '1.2.3.4.5',
    callingAeTitle: 'CT01',
    status: 'IN PROGRESS',
    performedProcedureStepId: 'PPS-1',
    performedStationAeTitle: 'CT01',
    modality: 'CT',
    patientId: 'MRN12345',
    issuerOfPatientId: 'HOSP',
    patientName: 'DOE^JANE^Q',
    startDate: '20250301',
    startTime: '094112.123',
    endDate: '',
    endTime: '',
    description: '',
    scheduledSteps: [],
    performedSeries: 0,
    performedImages: 0,
    dataset: {},
    ...over,
  };
}

function order(over: Partial<LinkedOrder> = {}): LinkedOrder {
  return {
    orderId: 1,
    placer: { number: 'PO-1001', issuer: 'EPIC' },
    filler: { number: 'FO-2001', issuer: 'RIS' },
    accessionNumber: 'ACC-0001',
    studyInstanceUid: '1.2.840.99999.1.2.3.4.5',
    status: 'IN PROGRESS',
    patientId: 'MRN12345',
    issuerOfPatientId: 'HOSP',
    patientName: 'DOE^JANE^Q',
    patientBirthDate: '19800115',
    patientSex: 'F',
    requestedProcedure: { CodeValue: 'CTCHEST', CodingSchemeDesignator: 'LOCAL', CodeMeaning: 'CT Chest with contrast' },
    requestedProcedureDescription: 'CT Chest with contrast',
    steps: [{ itemId: 11, spsId: 'SPS-0001', requestedProcedureId: 'RP-0001', status: 'IN PROGRESS' }],
    ...over,
  };
}

const ctx = (controlId: string, hh: number, mm: number, app = 'MWLBROKER'): OrmScContext => ({ now: new Date(2025, 2, 1, hh, mm, 0), controlId, sendingApplication: app });
const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8').trimEnd().split('\n').join('\r') + '\r';

type Row = { name: string; input: [ProcedureStepMessage, OrmScContext]; expected: string };

const ROWS: Row[] = [
  {
    name: 'N-CREATE IN PROGRESS: ORC-1 SC, ORC-5 IP, OBR-7 the step start (the 4.2 example)',
    input: [{ event: event(), links: { itemIds: [11], orders: [order()] } }, ctx('MSG00003', 9, 45)],
    expected: 'orm-sc-ip.hl7',
  },
  {
    name: 'N-SET COMPLETED: ORC-5 CM, the start from the recorded N-CREATE, OBR-8 the end',
    input: [
      {
        event: event({ kind: 'set', status: 'COMPLETED', startDate: '', startTime: '', endDate: '20250301', endTime: '100730' }),
        links: { itemIds: [11], orders: [order({ status: 'COMPLETED' })], recorded: { status: 'IN PROGRESS', startDate: '20250301', startTime: '094112' } },
      },
      ctx('MSG00004', 10, 15),
    ],
    expected: 'orm-sc-cm.hl7',
  },
  {
    name: 'N-SET DISCONTINUED over two orders: ORC-5 DC with the reason in ORC-16, one ORC/OBR per order',
    input: [
      {
        event: event({
          kind: 'set',
          status: 'DISCONTINUED',
          startDate: '',
          startTime: '',
          endDate: '20250301',
          endTime: '0949',
          discontinuationReason: { codeValue: '110514', codingSchemeDesignator: 'DCM', codeMeaning: 'Incorrect worklist entry selected' },
        }),
        links: {
          itemIds: [11, 12],
          orders: [
            order(),
            order({
              orderId: 2,
              placer: { number: 'PO-1002', issuer: 'EPIC' },
              filler: undefined,
              accessionNumber: 'ACC-0002',
              requestedProcedure: undefined,
              requestedProcedureDescription: 'CT Abdomen',
              steps: [{ itemId: 12, spsId: 'SPS-0002', requestedProcedureId: 'RP-0002', status: 'DISCONTINUED' }],
            }),
          ],
          recorded: { status: 'IN PROGRESS', startDate: '20250301', startTime: '094112' },
        },
      },
      ctx('MSG00005', 9, 50),
    ],
    expected: 'orm-sc-dc-two-orders.hl7',
  },
  {
    name: 'delimiters in values are escaped; a non-ASCII name declares UTF-8 in MSH-18; PN prefix/suffix swap',
    input: [
      { event: event({ startTime: '0941' }), links: { itemIds: [11], orders: [order({ placer: { number: 'PO|9', issuer: '' }, filler: undefined, patientId: 'MRN^7', issuerOfPatientId: '', patientName: 'ØSTERGÅRD^SØREN^^DR^JR', patientBirthDate: '19700101', patientSex: 'M', accessionNumber: 'ACC&9', requestedProcedure: undefined, requestedProcedureDescription: '', steps: [{ itemId: 11, spsId: 'S', requestedProcedureId: '', status: 'IN PROGRESS' }] })] } },
      ctx('MSG00006', 9, 45, 'PACS'),
    ],
    expected: 'orm-sc-escaped.hl7',
  },
];

describe('procedureStepToOrmSc', () => {
  for (const row of ROWS) {
    test(row.name, () => {
      const r = procedureStepToOrmSc(...row.input);
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      assert.equal(r.value.text, fixture(row.expected));
    });
  }

  const NOTHING: { name: string; input: ProcedureStepMessage }[] = [
    { name: 'an unscheduled step (no order)', input: { event: event(), links: { itemIds: [], orders: [] } } },
    { name: 'an intermediate N-SET (still IN PROGRESS)', input: { event: event({ kind: 'set', status: 'IN PROGRESS' }), links: { itemIds: [11], orders: [order()] } } },
    { name: 'an N-SET without a status', input: { event: event({ kind: 'set', status: undefined }), links: { itemIds: [11], orders: [order()] } } },
  ];
  for (const row of NOTHING) {
    test(`nothing to report: ${row.name}`, () => {
      const r = procedureStepToOrmSc(row.input, ctx('X', 9, 0));
      assert.ok(!r.ok);
      assert.equal(r.error.code, 'CHANNEL_MPPS_NOTHING_TO_REPORT');
    });
  }
});

test('personNameToXpn: PN family^given^middle^prefix^suffix -> XPN family^given^middle^suffix^prefix', () => {
  const rows: [string, string][] = [
    ['DOE^JANE^Q', 'DOE^JANE^Q'],
    ['DOE^JANE^^DR^PHD', 'DOE^JANE^^PHD^DR'],
    ['YAMADA^TARO=山田^太郎', 'YAMADA^TARO'],
    ['', ''],
  ];
  for (const [pn, xpn] of rows) assert.equal(personNameToXpn(pn), xpn, pn);
});

test('dicomDateTimeToTs: DA + TM -> TS without fraction', () => {
  const rows: [string, string, string][] = [
    ['20250301', '094112.123456', '20250301094112'],
    ['20250301', '0941', '202503010941'],
    ['20250301', '09:41:12', '20250301094112'],
    ['20250301', '', '20250301'],
    ['', '094112', ''],
  ];
  for (const [da, tm, ts] of rows) assert.equal(dicomDateTimeToTs(da, tm), ts, `${da} ${tm}`);
});
