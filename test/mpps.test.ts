// MPPS as a modality and a RIS see it: an order arrives over MLLP and becomes a worklist item; a
// modality (dcmjs-dimse's client: DCMTK has no MPPS tool) sends N-CREATE IN PROGRESS and N-SET
// COMPLETED or DISCONTINUED; /api/worklist shows the item move, a stand-in RIS on
// PACS_RESULTS_MLLP receives ORM^O01 with ORC-1 SC and ORC-5 IP / CM / DC, and the steps are in
// the message browser on the procedure-steps channel. Refusals answer the statuses of PS3.4 F.7.2.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type * as DcmjsDimse from 'dcmjs-dimse';
import { startTestAppliance } from './support/test-appliance.ts';
import type { TestAppliance } from './support/test-appliance.ts';
import { mllpExchange, msa, startMllpPeer } from './support/mllp-peer.ts';
import type { MllpPeer, Received } from './support/mllp-peer.ts';

const require = createRequire(import.meta.url);
const dimse = require('dcmjs-dimse') as typeof DcmjsDimse;
const MPPS = '1.2.840.10008.3.1.2.3.3';
const EXPLICIT_LE = '1.2.840.10008.1.2.1';

type Answer = { status: number | undefined; sopInstanceUid: string | undefined; comment: string | undefined; errorId: number | undefined };

/** One N-CREATE or N-SET on its own association, as a modality sends them (start, later end). */
function mpps(port: number, op: 'create' | 'set', sopInstanceUid: string, elements: Record<string, unknown>): Promise<Answer> {
  const { Client, Dataset } = dimse;
  dimse.log.setLevel('silent');
  const request = op === 'create' ? new dimse.requests.NCreateRequest(MPPS, sopInstanceUid) : new dimse.requests.NSetRequest(MPPS, sopInstanceUid);
  request.setDataset(new Dataset(elements, EXPLICIT_LE));
  const answer: Answer = { status: undefined, sopInstanceUid: undefined, comment: undefined, errorId: undefined };
  request.on('response', (r: DcmjsDimse.responses.NCreateResponse | DcmjsDimse.responses.NSetResponse) => {
    const command = r.getCommandDataset().getElements() as Record<string, unknown>;
    answer.status = r.getStatus();
    answer.sopInstanceUid = r.getAffectedSopInstanceUid();
    answer.comment = command.ErrorComment as string | undefined;
    answer.errorId = command.ErrorID as number | undefined;
  });
  const client = new Client();
  client.addRequest(request);
  return new Promise((resolve) => {
    client.on('closed', () => resolve(answer));
    client.on('networkError', () => resolve(answer));
    client.send('127.0.0.1', port, 'CT01', 'PACS');
  });
}

function orm(control: string, placer: string, study: string): string {
  return [
    `MSH|^~\\&|RIS|RADIOLOGY|PACS|HOSPITAL|20300301083000||ORM^O01|${control}|P|2.3.1`,
    `PID|1||MRN-${placer}^^^HOSP^MR||DOE^JANE^Q||19800115|F`,
    `ORC|NW|${placer}^EPIC|F${placer}^RIS||SC||1^^^20300301093000^^R||20300301083000||||||||CT01`,
    `OBR|1|${placer}^EPIC|F${placer}^RIS|CTCHEST^CT Chest with contrast^LOCAL||||||||||||||ACC-${placer}|RP-${placer}|SPS-${placer}||||CT`,
    `ZDS|${study}^RIS^Application^DICOM`,
  ].join('\r') + '\r';
}

function create(placer: string, study: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Modality: 'CT',
    PatientName: 'DOE^JANE^Q',
    PatientID: `MRN-${placer}`,
    PerformedStationAETitle: 'CT01',
    PerformedProcedureStepStartDate: '20300301',
    PerformedProcedureStepStartTime: '094112',
    PerformedProcedureStepEndDate: '',
    PerformedProcedureStepEndTime: '',
    PerformedProcedureStepStatus: 'IN PROGRESS',
    PerformedProcedureStepID: `PPS-${placer}`,
    PerformedProcedureStepDescription: 'CT Chest',
    ScheduledStepAttributesSequence: [
      { StudyInstanceUID: study, AccessionNumber: `ACC-${placer}`, RequestedProcedureID: `RP-${placer}`, ScheduledProcedureStepID: `SPS-${placer}`, RequestedProcedureDescription: 'CT Chest', ScheduledProcedureStepDescription: 'CT Chest' },
    ],
    PerformedSeriesSequence: [],
    ...over,
  };
}

/** HL7 field n (MSH counted as the standard does) of the first segment `id`. */
function field(text: string, id: string, n: number): string | undefined {
  const seg = text.split('\r').find((s) => s.startsWith(`${id}|`));
  if (!seg) return undefined;
  return seg.split('|')[id === 'MSH' ? n - 1 : n];
}

describe('MPPS: N-CREATE / N-SET move the worklist and report to the ordering system (ORM^O01 SC)', () => {
  let app: TestAppliance;
  let ris: MllpPeer;
  before(async () => {
    ris = await startMllpPeer();
    app = await startTestAppliance(undefined, { PACS_RESULTS_MLLP: `127.0.0.1:${ris.port}` });
  });
  after(async () => {
    await app?.stop();
    await app?.testEnv.cleanup();
    await ris?.close();
  });

  async function json<T>(path: string): Promise<T> {
    const res = await app.fetch(path);
    assert.equal(res.status, 200, path);
    return (await res.json()) as T;
  }
  const item = async (accession: string) => (await json<{ id: number; status: string }[]>(`/api/worklist?filter=${encodeURIComponent(JSON.stringify({ accessionNumber: accession }))}`))[0];
  async function order(placer: string, study: string) {
    const [ack] = await mllpExchange(app.ports.mllp!, [orm(`C-${placer}`, placer, study)]);
    assert.equal(msa(ack), 'AA', ack);
    const it = await item(`ACC-${placer}`);
    assert.equal(it?.status, 'SCHEDULED');
    return it!;
  }
  const sc = (status: string, placer: string) => (all: Received[]) => all.some((r) => field(r.text, 'ORC', 5) === status && field(r.text, 'ORC', 2) === `${placer}^EPIC`);
  const received = (status: string, placer: string) => ris.received.filter((r) => sc(status, placer)([r]));

  test('N-CREATE IN PROGRESS then N-SET COMPLETED: the item starts and completes, the RIS gets SC IP then SC CM', async () => {
    const study = '1.2.840.99999.40.1';
    const it = await order('PO-M1', study);
    const started = await mpps(app.ports.dicom, 'create', '1.2.840.99999.41.1', create('PO-M1', study));
    assert.deepEqual([started.status, started.sopInstanceUid], [0x0000, '1.2.840.99999.41.1']);
    assert.equal((await item('ACC-PO-M1'))!.status, 'IN PROGRESS');
    await ris.waitFor(sc('IP', 'PO-M1'));

    const completed = await mpps(app.ports.dicom, 'set', '1.2.840.99999.41.1', {
      PerformedProcedureStepStatus: 'COMPLETED',
      PerformedProcedureStepEndDate: '20300301',
      PerformedProcedureStepEndTime: '100730',
      PerformedSeriesSequence: [{ SeriesInstanceUID: '1.2.840.99999.42.1', RetrieveAETitle: 'PACS', SeriesDescription: 'Chest', PerformingPhysicianName: '', OperatorsName: '', ProtocolName: 'CT', ReferencedImageSequence: [] }],
    });
    assert.equal(completed.status, 0x0000);
    assert.equal((await item('ACC-PO-M1'))!.status, 'COMPLETED');
    await ris.waitFor(sc('CM', 'PO-M1'));

    // What the RIS received, in order: ORM^O01 SC IP, then SC CM, naming its order numbers and accession.
    const reports = ris.received.filter((r) => field(r.text, 'ORC', 2) === 'PO-M1^EPIC');
    assert.deepEqual(reports.map((r) => field(r.text, 'ORC', 5)), ['IP', 'CM']);
    for (const r of reports) {
      assert.deepEqual(
        [field(r.text, 'MSH', 9), field(r.text, 'MSH', 12), field(r.text, 'PID', 3), field(r.text, 'ORC', 1), field(r.text, 'ORC', 3), field(r.text, 'OBR', 2), field(r.text, 'OBR', 3), field(r.text, 'OBR', 18), field(r.text, 'OBR', 19)],
        ['ORM^O01', '2.3.1', 'MRN-PO-M1^^^HOSP', 'SC', 'FPO-M1^RIS', 'PO-M1^EPIC', 'FPO-M1^RIS', 'ACC-PO-M1', 'RP-PO-M1'],
        r.text,
      );
      assert.equal(field(r.text, 'OBR', 7), '20300301094112');
    }
    assert.equal(field(reports[1]!.text, 'OBR', 8), '20300301100730');

    // The item's history names MPPS as the source.
    const detail = await json<{ history: { action: string; toStatus: string | null }[] }>(`/api/worklist/${it.id}`);
    assert.deepEqual(detail.history.map((h) => h.action), ['created', 'started', 'completed']);

    // Both steps are in the message browser, delivered to the ordering system.
    const messages = await json<{ id: number; status: string; messageType: string; controlId: string; accession: string }[]>(
      `/api/messages?filter=${encodeURIComponent(JSON.stringify({ channelId: 'procedure-steps', accession: 'ACC-PO-M1' }))}&sort=${encodeURIComponent('["id","ASC"]')}`,
    );
    assert.deepEqual(messages.map((m) => [m.messageType, m.controlId]), [
      ['MPPS N-CREATE', '1.2.840.99999.41.1'],
      ['MPPS N-SET', '1.2.840.99999.41.1'],
    ]);
    const last = await json<{ status: string; deliveries: { destinationId: string; status: string; content: string | null; response: string | null }[] }>(`/api/messages/${messages[1]!.id}`);
    assert.deepEqual(last.deliveries.map((d) => [d.destinationId, d.status]), [
      ['worklist', 'sent'],
      ['ordering-system', 'sent'],
    ]);
    assert.match(last.deliveries[0]!.response ?? '', /IN PROGRESS -> COMPLETED/);
    assert.equal(field(last.deliveries[1]!.content ?? '', 'ORC', 5), 'CM');

    // Ended: a further N-SET is refused (0110, Error ID A710); the same N-CREATE again is a duplicate.
    const again = await mpps(app.ports.dicom, 'set', '1.2.840.99999.41.1', { PerformedProcedureStepStatus: 'DISCONTINUED' });
    assert.deepEqual([again.status, again.errorId, again.comment], [0x0110, 0xa710, 'Performed Procedure Step Object may no longer be updated']);
    const duplicate = await mpps(app.ports.dicom, 'create', '1.2.840.99999.41.1', create('PO-M1', study));
    assert.equal(duplicate.status, 0x0111);
    assert.equal((await item('ACC-PO-M1'))!.status, 'COMPLETED');
    assert.equal(received('DC', 'PO-M1').length, 0);
  });

  test('N-SET DISCONTINUED: the item stops and the RIS gets SC DC with the reason', async () => {
    const study = '1.2.840.99999.40.2';
    await order('PO-M2', study);
    assert.equal((await mpps(app.ports.dicom, 'create', '1.2.840.99999.41.2', create('PO-M2', study))).status, 0x0000);
    const stopped = await mpps(app.ports.dicom, 'set', '1.2.840.99999.41.2', {
      PerformedProcedureStepStatus: 'DISCONTINUED',
      PerformedProcedureStepEndDate: '20300301',
      PerformedProcedureStepEndTime: '095000',
      PerformedProcedureStepDiscontinuationReasonCodeSequence: [{ CodeValue: '110514', CodingSchemeDesignator: 'DCM', CodeMeaning: 'Incorrect worklist entry selected' }],
    });
    assert.equal(stopped.status, 0x0000);
    assert.equal((await item('ACC-PO-M2'))!.status, 'DISCONTINUED');
    await ris.waitFor(sc('DC', 'PO-M2'));
    const [dc] = received('DC', 'PO-M2');
    assert.deepEqual([field(dc!.text, 'ORC', 1), field(dc!.text, 'ORC', 3), field(dc!.text, 'ORC', 16), field(dc!.text, 'OBR', 18)], ['SC', 'FPO-M2^RIS', '110514^Incorrect worklist entry selected^DCM', 'ACC-PO-M2']);
  });

  test('refusals: N-SET of an unknown instance 0112, N-CREATE COMPLETED 0106; nothing changes', async () => {
    const study = '1.2.840.99999.40.3';
    await order('PO-M3', study);
    const unknown = await mpps(app.ports.dicom, 'set', '1.2.840.99999.41.404', { PerformedProcedureStepStatus: 'COMPLETED' });
    assert.equal(unknown.status, 0x0112);
    const completedAtOnce = await mpps(app.ports.dicom, 'create', '1.2.840.99999.41.3', create('PO-M3', study, { PerformedProcedureStepStatus: 'COMPLETED' }));
    assert.equal(completedAtOnce.status, 0x0106);
    assert.equal((await item('ACC-PO-M3'))!.status, 'SCHEDULED');
    // The refused N-CREATE created nothing: an N-SET on its UID is unknown too.
    assert.equal((await mpps(app.ports.dicom, 'set', '1.2.840.99999.41.3', { PerformedProcedureStepStatus: 'COMPLETED' })).status, 0x0112);
    assert.equal(ris.received.filter((r) => field(r.text, 'ORC', 2) === 'PO-M3^EPIC').length, 0);
  });

  test('an unscheduled procedure (no worklist step) is recorded and answered Success, with nothing sent to the RIS', async () => {
    const before = ris.received.length;
    const walkIn = create('WALKIN', '1.2.840.99999.40.9', {
      ScheduledStepAttributesSequence: [{ StudyInstanceUID: '1.2.840.99999.40.9', AccessionNumber: '', RequestedProcedureID: '', ScheduledProcedureStepID: '' }],
    });
    assert.equal((await mpps(app.ports.dicom, 'create', '1.2.840.99999.41.9', walkIn)).status, 0x0000);
    assert.equal((await mpps(app.ports.dicom, 'set', '1.2.840.99999.41.9', { PerformedProcedureStepStatus: 'COMPLETED' })).status, 0x0000);
    const messages = await json<{ id: number }[]>(`/api/messages?filter=${encodeURIComponent(JSON.stringify({ channelId: 'procedure-steps', controlId: '1.2.840.99999.41.9' }))}`);
    assert.equal(messages.length, 2);
    const detail = await json<{ status: string; deliveries: { destinationId: string; status: string }[] }>(`/api/messages/${messages[0]!.id}`);
    assert.deepEqual(detail.deliveries.map((d) => [d.destinationId, d.status]), [
      ['worklist', 'sent'],
      ['ordering-system', 'filtered'],
    ]);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(ris.received.length, before);
  });
});
