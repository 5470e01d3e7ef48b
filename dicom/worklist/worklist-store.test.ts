// The worklist store against a real database (PGlite, or PostgreSQL with DATABASE_URL): orders
// created once however often they arrive, updates that keep what they must, cancels, status
// rules, demographics flowing to open items, merges, and the lists /api/worklist shows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openWorklistDb } from './__fixtures__/worklist-db.ts';
import type { TestDb } from './__fixtures__/worklist-db.ts';
import {
  cancelOrder,
  changeItemStatus,
  changeOrderStatus,
  createOrder,
  getWorklistItem,
  listWorklistItems,
  mergePatients,
  updateOrder,
  updatePatient,
  worklistHistory,
} from './index.ts';
import type { OrderOutcome, WorklistError, WorklistItem } from './index.ts';
import type { Result } from '../../engine/index.ts';

const ev = (messageId: number) => ({ source: 'hl7' as const, messageId });

function item(n: string, over: Partial<WorklistItem> = {}, sps: Record<string, unknown> = {}): WorklistItem {
  return {
    AccessionNumber: `ACC-${n}`,
    PatientName: 'DOE^JANE',
    PatientID: 'P1',
    IssuerOfPatientID: 'HOSP',
    PatientBirthDate: '19800115',
    PatientSex: 'F',
    ReferringPhysicianName: 'SMITH^JOHN',
    StudyInstanceUID: `1.2.3.${n.replace(/\D/g, '')}`,
    RequestedProcedureDescription: 'CT Chest',
    RequestedProcedureID: `RP-${n}`,
    ScheduledProcedureStepSequence: [
      {
        Modality: 'CT',
        ScheduledStationAETitle: ['CT01'],
        ScheduledProcedureStepStartDate: '20250301',
        ScheduledProcedureStepStartTime: '093000',
        ScheduledProcedureStepDescription: 'CT Chest',
        ScheduledProcedureStepID: `SPS-${n}`,
        ...sps,
      },
    ],
    ...over,
  };
}

function value<T>(r: Result<T, WorklistError>): T {
  assert.ok(r.ok, r.ok ? '' : `${r.error.code}: ${r.error.message}`);
  return r.value;
}

function error<T>(r: Result<T, WorklistError>): WorklistError {
  assert.ok(!r.ok, 'expected a failure');
  return r.error;
}

describe('worklist store', () => {
  let db: TestDb;
  before(async () => {
    db = await openWorklistDb();
  });
  after(async () => {
    await db.close();
  });

  const order = (n: string) => ({ placer: { number: `PO-${n}`, issuer: 'EPIC' }, filler: { number: `FO-${n}`, issuer: 'RIS' } });

  test('creates an order with a SCHEDULED item whose matching columns and history are filled', async () => {
    const o = value(await createOrder(db, { ...order('1'), items: [item('1')] }, ev(1)));
    assert.equal(o.action, 'created');
    assert.deepEqual(o.items.map((i) => [i.spsId, i.status, i.missingType1]), [['SPS-1', 'SCHEDULED', []]]);
    const [row] = (await listWorklistItems(db, { offset: 0, limit: 10, accessionNumber: 'ACC-1' })).items;
    assert.deepEqual(
      [row!.status, row!.patientId, row!.patientName, row!.modality, row!.stationAeTitles, row!.scheduledDate, row!.scheduledTime, row!.placerOrderNumber],
      ['SCHEDULED', 'P1', 'DOE^JANE', 'CT', ['CT01'], '20250301', '093000', 'PO-1'],
    );
    const history = await worklistHistory(db, { orderId: o.orderId });
    assert.deepEqual(history.map((h) => [h.action, h.toStatus, h.messageId]), [['created', 'SCHEDULED', 1]]);
  });

  test('the same new order twice makes one item; the second is recorded as a duplicate', async () => {
    const first = value(await createOrder(db, { ...order('2'), items: [item('2')] }, ev(2)));
    const again = value(await createOrder(db, { ...order('2'), items: [item('2')] }, ev(3)));
    assert.deepEqual([again.action, again.orderId], ['duplicate', first.orderId]);
    assert.equal((await listWorklistItems(db, { offset: 0, limit: 10, accessionNumber: 'ACC-2' })).total, 1);
    assert.deepEqual((await worklistHistory(db, { orderId: first.orderId })).map((h) => [h.action, h.messageId]), [
      ['created', 2],
      ['duplicate', 3],
    ]);
  });

  test('a repeated new order with other content updates the order instead of making another', async () => {
    const first = value(await createOrder(db, { ...order('3'), items: [item('3')] }, ev(4)));
    const again = value(await createOrder(db, { ...order('3'), items: [item('3', {}, { ScheduledProcedureStepStartTime: '101500' })] }, ev(5)));
    assert.deepEqual([again.action, again.orderId, again.items[0]!.action], ['updated', first.orderId, 'updated']);
    const history = await worklistHistory(db, { orderId: first.orderId });
    assert.deepEqual(history[1]!.detail?.changes, { ScheduledProcedureStepStartTime: ['093000', '101500'] });
  });

  test('an update (XO) changes the order but keeps patient and visit attributes; a generated UID does not replace the stored one', async () => {
    const o = value(await createOrder(db, { ...order('4'), items: [item('4')] }, ev(6)));
    const changed = item('4', { PatientName: 'OTHER^NAME', ReferringPhysicianName: 'WHO^ELSE', StudyInstanceUID: '2.25.999', MedicalAlerts: '' }, { ScheduledProcedureStepStartTime: '111500' });
    const u = value(await updateOrder(db, { filler: order('4').filler }, { ...order('4'), items: [changed], studyInstanceUidGenerated: true, patientAndVisit: 'keep' }, ev(7)));
    assert.equal(u.action, 'updated');
    const stored = await getWorklistItem(db, o.items[0]!.id);
    assert.deepEqual(
      [stored!.item.PatientName, stored!.item.ReferringPhysicianName, stored!.item.StudyInstanceUID, stored!.scheduledTime, stored!.item.MedicalAlerts],
      ['DOE^JANE', 'SMITH^JOHN', '1.2.3.4', '111500', ''],
    );
  });

  test('an update or a cancel of an unknown order fails and writes nothing', async () => {
    const ref = { placer: { number: 'PO-NOPE', issuer: 'EPIC' } };
    assert.equal(error(await updateOrder(db, ref, { items: [item('x')], patientAndVisit: 'keep' }, ev(8))).code, 'DICOM_WORKLIST_ORDER_NOT_FOUND');
    assert.equal(error(await cancelOrder(db, ref, 'CANCELLED', ev(8))).code, 'DICOM_WORKLIST_ORDER_NOT_FOUND');
    assert.equal((await db.query('select 1 from worklist_history where message_id = 8')).rows.length, 0);
  });

  test('cancel: SCHEDULED -> CANCELLED, a second cancel changes nothing, an update afterwards is refused', async () => {
    const o = value(await createOrder(db, { ...order('5'), items: [item('5')] }, ev(9)));
    const c = value(await cancelOrder(db, { placer: order('5').placer }, 'CANCELLED', ev(10)));
    assert.deepEqual([c.action, c.status, c.items[0]!.status], ['status', 'CANCELLED', 'CANCELLED']);
    assert.equal(value(await cancelOrder(db, { placer: order('5').placer }, 'CANCELLED', ev(11))).action, 'duplicate');
    assert.equal(error(await updateOrder(db, { placer: order('5').placer }, { items: [item('5')], patientAndVisit: 'keep' }, ev(12))).code, 'DICOM_WORKLIST_ORDER_CLOSED');
    assert.equal(value(await createOrder(db, { ...order('5'), items: [item('5')] }, ev(13))).action, 'duplicate');
    assert.equal((await getWorklistItem(db, o.items[0]!.id))!.status, 'CANCELLED');
  });

  test('a started step is discontinued, not cancelled; a completed one cannot be cancelled', async () => {
    const o = value(await createOrder(db, { ...order('6'), items: [item('6')] }, ev(14)));
    assert.equal(value(await changeItemStatus(db, o.items[0]!.id, 'IN PROGRESS', { source: 'mpps' })).status, 'IN PROGRESS');
    const c = value(await cancelOrder(db, { filler: order('6').filler }, 'CANCELLED', ev(15)));
    assert.equal(c.items[0]!.status, 'DISCONTINUED');
    const o2 = value(await createOrder(db, { ...order('7'), items: [item('7')] }, ev(16)));
    value(await changeOrderStatus(db, { filler: order('7').filler }, 'COMPLETED', ev(17)));
    const refused = error(await cancelOrder(db, { filler: order('7').filler }, 'CANCELLED', ev(18)));
    assert.equal(refused.code, 'DICOM_WORKLIST_STATUS_REFUSED');
    assert.equal((await getWorklistItem(db, o2.items[0]!.id))!.status, 'COMPLETED');
  });

  test('placer and filler numbers of two different orders are a conflict', async () => {
    value(await createOrder(db, { ...order('8'), items: [item('8')] }, ev(19)));
    value(await createOrder(db, { ...order('9'), items: [item('9')] }, ev(20)));
    const r = await updateOrder(db, { placer: order('8').placer, filler: order('9').filler }, { items: [], patientAndVisit: 'keep' }, ev(21));
    assert.equal(error(r).code, 'DICOM_WORKLIST_ORDER_CONFLICT');
  });

  test('two steps of one order with the same SPS ID are refused', async () => {
    const r = await createOrder(db, { ...order('10'), items: [item('10'), item('10')] }, ev(22));
    assert.equal(error(r).code, 'DICOM_WORKLIST_INVALID');
  });

  test("demographics flow to the patient's open items only", async () => {
    const p = { PatientID: 'P20', IssuerOfPatientID: 'HOSP' };
    const open = value(await createOrder(db, { ...order('20'), items: [item('20', p)] }, ev(30)));
    const closed = value(await createOrder(db, { ...order('21'), items: [item('21', p)] }, ev(31)));
    value(await cancelOrder(db, { placer: order('21').placer }, 'CANCELLED', ev(32)));
    const u = value(await updatePatient(db, { ...p, PatientName: 'DOE^JANE^MARIE', PatientBirthDate: '19800116' }, ev(33)));
    assert.deepEqual(u.itemIds, [open.items[0]!.id]);
    assert.equal((await getWorklistItem(db, open.items[0]!.id))!.patientName, 'DOE^JANE^MARIE');
    assert.equal((await getWorklistItem(db, open.items[0]!.id))!.item.PatientSex, 'F', 'attributes not sent keep their value');
    assert.equal((await getWorklistItem(db, closed.items[0]!.id))!.patientName, 'DOE^JANE');
  });

  test('a merge moves every item and order of the old Patient ID to the surviving one', async () => {
    const old = { PatientID: 'P30-OLD', IssuerOfPatientID: 'HOSP' };
    const a = value(await createOrder(db, { ...order('30'), items: [item('30', { ...old, IssuerOfPatientIDQualifiersSequence: [{ UniversalEntityID: '1.2.3' }] })] }, ev(40)));
    const m = value(await mergePatients(db, old, { PatientID: 'P30', IssuerOfPatientID: 'HOSP', PatientName: 'ROE^JANE' }, ev(41)));
    assert.deepEqual([m.movedItemIds, m.movedOrders], [[a.items[0]!.id], 1]);
    const moved = await getWorklistItem(db, a.items[0]!.id);
    assert.deepEqual([moved!.patientId, moved!.patientName, moved!.item.IssuerOfPatientIDQualifiersSequence], ['P30', 'ROE^JANE', undefined]);
    assert.equal((await listWorklistItems(db, { offset: 0, limit: 10, patientId: 'P30-OLD' })).total, 0);
    const merged = await db.query<{ merged_into: number | null }>("select merged_into from worklist_patients where patient_id = 'P30-OLD'");
    assert.equal(merged.rows.length, 0, 'the old patient was never registered: nothing to mark');
    assert.equal(error(await mergePatients(db, { PatientID: 'P30', IssuerOfPatientID: 'HOSP' }, { PatientID: 'P30', IssuerOfPatientID: 'HOSP' }, ev(42))).code, 'DICOM_WORKLIST_INVALID');
  });

  test('an update may add a step to an order', async () => {
    value(await createOrder(db, { ...order('40'), items: [item('40')] }, ev(50)));
    const second = item('40', {}, { ScheduledProcedureStepID: 'SPS-40B', ScheduledProcedureStepStartTime: '100000' });
    const u: OrderOutcome = value(await updateOrder(db, { placer: order('40').placer }, { items: [item('40'), second], patientAndVisit: 'keep' }, ev(51)));
    assert.deepEqual(u.items.map((i) => [i.spsId, i.action]), [
      ['SPS-40', 'unchanged'],
      ['SPS-40B', 'created'],
    ]);
  });

  test('the list filters by status, modality, station, date range, patient name (wildcards, any case) and sorts by schedule', async () => {
    const mk = (n: string, name: string, sps: Record<string, unknown>) => createOrder(db, { ...order(n), items: [item(n, { PatientID: `L${n}`, PatientName: name }, sps)] }, ev(60));
    value(await mk('60', 'ALPHA^ANNA', { ScheduledProcedureStepStartDate: '20300101', ScheduledProcedureStepStartTime: '120000' }));
    value(await mk('61', 'BETA^BOB', { ScheduledProcedureStepStartDate: '20300101', ScheduledProcedureStepStartTime: '080000', Modality: 'MR', ScheduledStationAETitle: ['MR01', 'MR02'] }));
    value(await mk('62', 'GAMMA^GUS', { ScheduledProcedureStepStartDate: '20300102', ScheduledProcedureStepStartTime: '080000' }));
    const q = { offset: 0, limit: 50, scheduledFrom: '20300101', scheduledTo: '20300101' };
    assert.deepEqual((await listWorklistItems(db, { ...q, sort: 'scheduled' })).items.map((i) => i.accessionNumber), ['ACC-61', 'ACC-60']);
    assert.deepEqual((await listWorklistItems(db, { ...q, sort: 'scheduled', order: 'DESC' })).items.map((i) => i.accessionNumber), ['ACC-60', 'ACC-61']);
    assert.deepEqual((await listWorklistItems(db, { ...q, modality: 'MR' })).items.map((i) => i.accessionNumber), ['ACC-61']);
    assert.deepEqual((await listWorklistItems(db, { offset: 0, limit: 50, stationAeTitle: 'MR02' })).items.map((i) => i.accessionNumber), ['ACC-61']);
    assert.deepEqual((await listWorklistItems(db, { offset: 0, limit: 50, patientName: 'gam*' })).items.map((i) => i.accessionNumber), ['ACC-62']);
    assert.deepEqual((await listWorklistItems(db, { offset: 0, limit: 50, patientName: 'bob' })).items.map((i) => i.accessionNumber), ['ACC-61']);
    assert.equal((await listWorklistItems(db, { ...q, status: ['CANCELLED'] })).total, 0);
    const page = await listWorklistItems(db, { offset: 1, limit: 1, scheduledFrom: '20300101', sort: 'scheduled' });
    assert.deepEqual([page.total, page.items.map((i) => i.accessionNumber)], [3, ['ACC-60']]);
  });
});
