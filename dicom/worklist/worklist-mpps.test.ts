// MPPS and the worklist store against a real database (PGlite, or PostgreSQL with DATABASE_URL):
// which items a step performs, and what recording its N-CREATE and N-SETs does to them, their
// orders and the history; the refusals PS3.4 F.7.2 asks for.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openWorklistDb } from './__fixtures__/worklist-db.ts';
import type { TestDb } from './__fixtures__/worklist-db.ts';
import { createOrder, cancelOrder, getWorklistItem, linkProcedureStep, recordProcedureStep, worklistHistory } from './index.ts';
import type { MppsStoreError, ProcedureStepOutcome, WorklistItem } from './index.ts';
import type { MppsEvent } from '../dimse/mpps-scp-event.ts';
import type { Result } from '../../engine/index.ts';

const MIGRATION = new URL('../../appliance/migrations/0005-mpps.sql', import.meta.url);

function item(n: string, sps: string, over: Partial<WorklistItem> = {}): WorklistItem {
  return {
    AccessionNumber: `ACC-${n}`,
    PatientName: 'DOE^JANE',
    PatientID: 'P1',
    IssuerOfPatientID: 'HOSP',
    PatientBirthDate: '19800115',
    PatientSex: 'F',
    StudyInstanceUID: `1.2.3.${n}`,
    RequestedProcedureDescription: 'CT Chest',
    RequestedProcedureCodeSequence: [{ CodeValue: 'CTCHEST', CodingSchemeDesignator: 'LOCAL', CodeMeaning: 'CT Chest' }],
    RequestedProcedureID: `RP-${n}`,
    ScheduledProcedureStepSequence: [{ Modality: 'CT', ScheduledStationAETitle: ['CT01'], ScheduledProcedureStepStartDate: '20250301', ScheduledProcedureStepStartTime: '093000', ScheduledProcedureStepDescription: 'CT', ScheduledProcedureStepID: sps }],
    ...over,
  };
}

function create(uid: string, steps: { study: string; sps: string; rp?: string; accession?: string }[]): MppsEvent {
  return {
    kind: 'create',
    sopInstanceUid: uid,
    callingAeTitle: 'CT01',
    status: 'IN PROGRESS',
    performedProcedureStepId: 'PPS',
    performedStationAeTitle: 'CT01',
    modality: 'CT',
    patientId: 'P1',
    issuerOfPatientId: 'HOSP',
    patientName: 'DOE^JANE',
    startDate: '20250301',
    startTime: '094112',
    endDate: '',
    endTime: '',
    description: '',
    scheduledSteps: steps.map((s) => ({
      studyInstanceUid: s.study,
      accessionNumber: s.accession ?? '',
      requestedProcedureId: s.rp ?? '',
      scheduledProcedureStepId: s.sps,
      requestedProcedureDescription: '',
      scheduledProcedureStepDescription: '',
    })),
    performedSeries: 0,
    performedImages: 0,
    dataset: {
      '00100020': { vr: 'LO', Value: ['P1'] },
      '00400244': { vr: 'DA', Value: ['20250301'] },
      '00400245': { vr: 'TM', Value: ['094112'] },
      '00400252': { vr: 'CS', Value: ['IN PROGRESS'] },
    },
  };
}

function set(uid: string, status: MppsEvent['status'], dataset: MppsEvent['dataset'] = {}): MppsEvent {
  return { ...create(uid, []), kind: 'set', status, startDate: '', startTime: '', dataset: { ...(status ? { '00400252': { vr: 'CS', Value: [status] } } : {}), ...dataset } };
}

function value(r: Result<ProcedureStepOutcome, MppsStoreError>): ProcedureStepOutcome {
  assert.ok(r.ok, r.ok ? '' : `${r.error.code}: ${r.error.message}`);
  return r.value;
}
function error(r: Result<ProcedureStepOutcome, MppsStoreError>): string {
  assert.ok(!r.ok, 'expected a refusal');
  return r.error.code;
}

describe('MPPS in the worklist store', () => {
  let db: TestDb;
  const ev = (messageId: number) => ({ source: 'mpps' as const, messageId });
  /** Links then records, as the procedure-steps channel does. */
  async function record(event: MppsEvent, messageId: number) {
    const links = await linkProcedureStep(db, event);
    return { links, result: await recordProcedureStep(db, { event, itemIds: links.itemIds }, ev(messageId)) };
  }
  const status = async (id: number) => (await getWorklistItem(db, id))!.status;
  const stepRow = async (uid: string) =>
    (await db.query<{ status: string; attributes: Record<string, unknown>; ended: boolean }>(`select status, attributes, ended_at is not null as ended from performed_procedure_steps where sop_instance_uid = $1`, [uid])).rows[0];

  before(async () => {
    db = await openWorklistDb();
    for (const stmt of readFileSync(MIGRATION, 'utf8').split(/;\s*\n/).filter((s) => s.replace(/--.*$/gm, '').trim())) await db.query(stmt);
  });
  after(async () => {
    await db.close();
  });

  test('N-CREATE starts the items its scheduled steps name; N-SET COMPLETED completes them and their order', async () => {
    const o = await createOrder(db, { placer: { number: 'PO-1', issuer: 'EPIC' }, filler: { number: 'FO-1', issuer: 'RIS' }, items: [item('1', 'SPS-1a'), item('1', 'SPS-1b')] }, { source: 'hl7', messageId: 1 });
    assert.ok(o.ok);
    const [a, b] = o.value.items;

    const c = await record(create('1.9.1', [{ study: '1.2.3.1', sps: 'SPS-1a', rp: 'RP-1' }]), 10);
    assert.deepEqual(c.links.itemIds, [a!.id]);
    assert.deepEqual(c.links.orders.map((x) => [x.placer, x.filler, x.accessionNumber, x.patientId, x.patientName, x.requestedProcedure?.CodeValue]), [
      [{ number: 'PO-1', issuer: 'EPIC' }, { number: 'FO-1', issuer: 'RIS' }, 'ACC-1', 'P1', 'DOE^JANE', 'CTCHEST'],
    ]);
    const created = value(c.result);
    assert.deepEqual([created.status, created.items.map((i) => [i.id, i.status])], ['IN PROGRESS', [[a!.id, 'IN PROGRESS']]]);
    assert.deepEqual(created.changedOrders.map((x) => [x.orderId, x.status]), [[o.value.orderId, 'IN PROGRESS']]);
    assert.deepEqual([await status(a!.id), await status(b!.id)], ['IN PROGRESS', 'SCHEDULED']);

    const s = await record(set('1.9.1', 'COMPLETED', { '00400250': { vr: 'DA', Value: ['20250301'] } }), 11);
    assert.deepEqual(s.links.itemIds, [a!.id], 'the N-SET finds the items its N-CREATE linked');
    assert.deepEqual(s.links.recorded, { status: 'IN PROGRESS', startDate: '20250301', startTime: '094112' });
    const completed = value(s.result);
    assert.deepEqual([completed.previousStatus, completed.status], ['IN PROGRESS', 'COMPLETED']);
    assert.equal(await status(a!.id), 'COMPLETED');
    // The other step still waits: the order rolls up to SCHEDULED.
    assert.deepEqual(completed.changedOrders.map((x) => x.status), ['SCHEDULED']);
    const row = await stepRow('1.9.1');
    assert.deepEqual([row!.status, row!.ended, Object.keys(row!.attributes).sort()], ['COMPLETED', true, ['00100020', '00400244', '00400245', '00400250', '00400252']]);

    const history = await worklistHistory(db, { itemId: a!.id });
    assert.deepEqual(history.map((h) => [h.action, h.toStatus, h.source, h.messageId]), [
      ['created', 'SCHEDULED', 'hl7', 1],
      ['started', 'IN PROGRESS', 'mpps', 10],
      ['completed', 'COMPLETED', 'mpps', 11],
    ]);
  });

  test('refusals: a second N-CREATE, an N-SET of an unknown step, an N-SET after the end', async () => {
    value((await record(create('1.9.2', []), 20)).result);
    assert.equal(error((await record(create('1.9.2', []), 21)).result), 'DICOM_MPPS_DUPLICATE');
    assert.equal(error((await record(set('1.9.404', 'COMPLETED'), 22)).result), 'DICOM_MPPS_NOT_FOUND');
    value((await record(set('1.9.2', 'DISCONTINUED'), 23)).result);
    assert.equal(error((await record(set('1.9.2', 'COMPLETED'), 24)).result), 'DICOM_MPPS_FINAL');
    assert.equal(error((await record(set('1.9.2', undefined), 25)).result), 'DICOM_MPPS_FINAL');
  });

  test('an unscheduled step (no SPS ID) is recorded and links nothing', async () => {
    const c = await record(create('1.9.3', [{ study: '1.2.3.99', sps: '' }]), 30);
    assert.deepEqual(c.links, { itemIds: [], orders: [] });
    assert.match(value(c.result).notes.join(), /unscheduled/);
    assert.equal((await stepRow('1.9.3'))!.status, 'IN PROGRESS');
  });

  test('a modality that made its own Study Instance UID is matched by SPS ID and accession', async () => {
    const o = await createOrder(db, { placer: { number: 'PO-4', issuer: 'EPIC' }, items: [item('4', 'SPS-4')] }, { source: 'hl7', messageId: 2 });
    assert.ok(o.ok);
    const c = await record(create('1.9.4', [{ study: '2.25.777', sps: 'SPS-4', accession: 'ACC-4' }]), 40);
    assert.deepEqual(c.links.itemIds, [o.value.items[0]!.id]);
    assert.equal(await status(o.value.items[0]!.id), 'IN PROGRESS');
  });

  test('an intermediate N-SET merges attributes and moves nothing; identity attributes stay; DISCONTINUED stops the items', async () => {
    const o = await createOrder(db, { placer: { number: 'PO-5', issuer: 'EPIC' }, items: [item('5', 'SPS-5')] }, { source: 'hl7', messageId: 3 });
    assert.ok(o.ok);
    const id = o.value.items[0]!.id;
    value((await record(create('1.9.5', [{ study: '1.2.3.5', sps: 'SPS-5' }]), 50)).result);
    const mid = value((await record(set('1.9.5', undefined, { '00400254': { vr: 'LO', Value: ['CT chest'] }, '00100020': { vr: 'LO', Value: ['OTHER'] } }), 51)).result);
    assert.deepEqual([mid.status, mid.items], ['IN PROGRESS', []]);
    assert.match(mid.notes.join(), /\(0010,0020\) may not be changed/);
    const row = await stepRow('1.9.5');
    assert.deepEqual([row!.attributes['00400254'], row!.attributes['00100020']], [{ vr: 'LO', Value: ['CT chest'] }, { vr: 'LO', Value: ['P1'] }]);
    assert.equal(await status(id), 'IN PROGRESS');
    value((await record(set('1.9.5', 'DISCONTINUED'), 52)).result);
    assert.equal(await status(id), 'DISCONTINUED');
  });

  test('an item cancelled meanwhile does not refuse the step: it stays, with a note', async () => {
    const o = await createOrder(db, { placer: { number: 'PO-6', issuer: 'EPIC' }, items: [item('6', 'SPS-6')] }, { source: 'hl7', messageId: 4 });
    assert.ok(o.ok);
    assert.ok((await cancelOrder(db, { placer: { number: 'PO-6', issuer: 'EPIC' } }, 'CANCELLED', { source: 'hl7', messageId: 5 })).ok);
    const c = value((await record(create('1.9.6', [{ study: '1.2.3.6', sps: 'SPS-6' }]), 60)).result);
    assert.deepEqual(c.changedOrders, []);
    assert.match(c.notes.join(), /not moved to IN PROGRESS/);
    assert.equal(await status(o.value.items[0]!.id), 'CANCELLED');
  });
});
