// Orders become worklist items, as a RIS and the people at the modality see it: python3-hl7's
// mllp_send sends ORM^O01, OMI^O23 and ADT messages to the orders channel (PACS_MLLP_PORT), reads
// the ACKs, and /api/worklist shows the items created, updated, cancelled, renamed and merged.
// Bad orders are answered AE with an ERR naming the field and kept in the message store.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { basic, startTestAppliance } from './support/test-appliance.ts';
import type { TestAppliance } from './support/test-appliance.ts';

const run = promisify(execFile);

type Item = {
  id: number;
  orderId: number;
  status: string;
  patientId: string;
  patientName: string;
  accessionNumber: string;
  modality: string;
  stationAeTitles: string[];
  scheduledDate: string;
  scheduledTime: string;
  studyInstanceUid: string;
  placerOrderNumber: string | null;
  missingType1: string[];
};
type ItemDetail = Item & { item: Record<string, unknown> & { ScheduledProcedureStepSequence: Record<string, unknown>[] }; history: { action: string; toStatus: string | null; messageId: number | null }[] };
type Msg = { id: number; status: string; controlId: string };
type MsgDetail = Msg & { raw: string; response: string; deliveries: { destinationId: string; status: string; lastError: string | null }[] };

/** An ORM^O01 v2.3.1 in the shape of standards-mappings.md 1.5, with the parts a test varies. */
function orm(o: { control: string; orc1: string; orc5?: string; placer: string; patient?: string; name?: string; accession?: string; start?: string; station?: string; zds?: string; pid3?: string }): string {
  const pid3 = o.pid3 ?? `${o.patient ?? 'MRN-W1'}^^^HOSP^MR`;
  const start = o.start ?? '20300301093000';
  return [
    `MSH|^~\\&|RIS|RADIOLOGY|PACS|HOSPITAL|20300301083000||ORM^O01|${o.control}|P|2.3.1||||||8859/1`,
    `PID|1||${pid3}||${o.name ?? 'DOE^JANE^Q'}||19800115|F`,
    `PV1|1|O|RAD^CT1^^HOSP|||||1234^SMITH^JOHN^^^DR|||||||||||V0001^^^HOSP`,
    `ORC|${o.orc1}|${o.placer}^EPIC|||${o.orc5 ?? 'SC'}||1^^^${start}^^R||20300301083000|||5678^JONES^ALICE^^^DR||||||${o.station ?? 'CT01'}`,
    `OBR|1|${o.placer}^EPIC||CTCHEST^CT Chest with contrast^LOCAL^CTP01^CT chest routine protocol^LOCAL|||||||||Contrast allergy|||5678^JONES^ALICE^^^DR||${o.accession ?? `ACC-${o.placer}`}|RP-${o.placer}|SPS-${o.placer}||||CT|||1^^^${start}^^R`,
    ...(o.zds ? [`ZDS|${o.zds}^RIS^Application^DICOM`] : []),
  ].join('\r');
}

describe('orders become worklist items (mllp_send -> orders channel -> /api/worklist)', () => {
  let app: TestAppliance;
  let dir: string;
  before(async () => {
    app = await startTestAppliance();
    dir = mkdtempSync(join(tmpdir(), 'orders-worklist-'));
  });
  after(async () => {
    await app.stop();
    await app.testEnv.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  let files = 0;
  /** Sends the messages with `mllp_send --loose -f FILE -p PORT 127.0.0.1`; returns each ACK (segments split). */
  async function send(...messages: string[]): Promise<string[][]> {
    const file = join(dir, `m${++files}.hl7`);
    // --loose: a file of messages, each starting with MSH, segments on their own lines.
    writeFileSync(file, messages.map((m) => m.replaceAll('\r', '\n')).join('\n') + '\n', 'utf8');
    const { stdout } = await run('mllp_send', ['--loose', '-f', file, '-p', String(app.ports.mllp), '127.0.0.1']);
    // mllp_send prints each answer as received, MLLP frame bytes included.
    const acks = stdout
      .replaceAll('\u000b', '')
      .replaceAll('\u001c', '')
      .split(/(?=MSH\|)/)
      .map((a) => a.split(/[\r\n]+/).filter(Boolean))
      .filter((a) => a.length);
    assert.equal(acks.length, messages.length, stdout);
    return acks;
  }
  const msa = (ack: string[]) => ack.find((s) => s.startsWith('MSA|'))!.split('|')[1];
  const err = (ack: string[]) => ack.find((s) => s.startsWith('ERR|'));

  async function json<T>(path: string, auth?: string): Promise<{ status: number; body: T; total: string | null }> {
    const res = await app.fetch(path, auth ? { auth } : {});
    return { status: res.status, body: (await res.json()) as T, total: res.headers.get('x-total-count') };
  }
  const worklist = async (filter: Record<string, unknown>) => (await json<Item[]>(`/api/worklist?filter=${encodeURIComponent(JSON.stringify(filter))}`)).body;
  const detail = async (id: number) => (await json<ItemDetail>(`/api/worklist/${id}`)).body;
  const messages = async (filter: Record<string, unknown>) => (await json<Msg[]>(`/api/messages?filter=${encodeURIComponent(JSON.stringify(filter))}`)).body;

  test('NW creates the item, XO moves its start time, CA cancels it', async () => {
    const [nw] = await send(orm({ control: 'W-NW-1', orc1: 'NW', placer: 'PO-W1', zds: '1.2.840.99999.30.1' }));
    assert.equal(msa(nw!), 'AA', nw!.join('\n'));
    let [item] = await worklist({ accessionNumber: 'ACC-PO-W1' });
    assert.ok(item, 'the item is listed');
    assert.deepEqual(
      [item.status, item.patientId, item.patientName, item.modality, item.stationAeTitles, item.scheduledDate, item.scheduledTime, item.studyInstanceUid, item.missingType1],
      ['SCHEDULED', 'MRN-W1', 'DOE^JANE^Q', 'CT', ['CT01'], '20300301', '093000', '1.2.840.99999.30.1', []],
    );
    const created = await detail(item.id);
    assert.equal(created.item.AccessionNumber, 'ACC-PO-W1');
    assert.equal(created.item.SpecificCharacterSet, 'ISO_IR 100');
    assert.equal(created.item.RequestedProcedurePriority, 'ROUTINE');

    const [xo] = await send(orm({ control: 'W-XO-1', orc1: 'XO', placer: 'PO-W1', start: '20300301141500', name: 'IGNORED^BY^XO' }));
    assert.equal(msa(xo!), 'AA', xo!.join('\n'));
    [item] = await worklist({ accessionNumber: 'ACC-PO-W1' });
    assert.deepEqual([item!.status, item!.scheduledTime, item!.patientName, item!.studyInstanceUid], ['SCHEDULED', '141500', 'DOE^JANE^Q', '1.2.840.99999.30.1']);

    const [ca] = await send(orm({ control: 'W-CA-1', orc1: 'CA', orc5: 'CA', placer: 'PO-W1' }));
    assert.equal(msa(ca!), 'AA', ca!.join('\n'));
    [item] = await worklist({ accessionNumber: 'ACC-PO-W1' });
    assert.equal(item!.status, 'CANCELLED');
    assert.equal((await worklist({ accessionNumber: 'ACC-PO-W1', status: 'SCHEDULED' })).length, 0);
    const history = (await detail(item!.id)).history.map((h) => h.action);
    assert.deepEqual(history, ['created', 'updated', 'cancelled']);
  });

  test('OMI^O23 keeps the Study Instance UID of IPC-3 and takes the station from IPC-9', async () => {
    const omi = [
      'MSH|^~\\&|RIS|RADIOLOGY|PACS|HOSPITAL|20300301083000||OMI^O23^OMI_O23|W-OMI-1|P|2.5.1||||||UNICODE UTF-8',
      'PID|1||MRN-W2^^^HOSP^MR||ØSTERGÅRD^SØREN||19700101|M',
      'ORC|NW|PO-W2^EPIC|FO-W2^RIS||SC||||20300301083000',
      'TQ1|1||||||20300302100000||S^Stat^HL70485',
      'OBR|1|PO-W2^EPIC|FO-W2^RIS|MRKNEE^MR Knee^LOCAL',
      'IPC|ACC-W2^HOSP|RP-W2|1.2.840.99999.30.2|SPS-W2|MR^Magnetic Resonance^DCM|MRP1^Knee protocol^LOCAL|MRSTATION|MR-ROOM|MR01',
    ].join('\r');
    const [ack] = await send(omi);
    assert.equal(msa(ack!), 'AA', ack!.join('\n'));
    const [item] = await worklist({ accessionNumber: 'ACC-W2' });
    assert.deepEqual(
      [item!.studyInstanceUid, item!.modality, item!.stationAeTitles, item!.scheduledDate, item!.scheduledTime, item!.patientName],
      ['1.2.840.99999.30.2', 'MR', ['MR01'], '20300302', '100000', 'ØSTERGÅRD^SØREN'],
    );
    const d = await detail(item!.id);
    assert.deepEqual([d.item.SpecificCharacterSet, d.item.RequestedProcedurePriority, d.item.ScheduledProcedureStepSequence[0]!.ScheduledStationName], ['ISO_IR 192', 'STAT', 'MRSTATION']);
  });

  test('without ZDS a Study Instance UID is generated once and kept by the updates', async () => {
    await send(orm({ control: 'W-NW-3', orc1: 'NW', placer: 'PO-W3' }));
    const [first] = await worklist({ accessionNumber: 'ACC-PO-W3' });
    assert.match(first!.studyInstanceUid, /^2\.25\.\d+$/);
    await send(orm({ control: 'W-XO-3', orc1: 'XO', placer: 'PO-W3', start: '20300301160000' }));
    const [after] = await worklist({ accessionNumber: 'ACC-PO-W3' });
    assert.deepEqual([after!.studyInstanceUid, after!.scheduledTime], [first!.studyInstanceUid, '160000']);
  });

  test('ADT^A08 renames the patient on open items, not on cancelled ones', async () => {
    await send(
      orm({ control: 'W-NW-4', orc1: 'NW', placer: 'PO-W4', patient: 'MRN-W4', name: 'SMITH^ANN' }),
      orm({ control: 'W-NW-5', orc1: 'NW', placer: 'PO-W5', patient: 'MRN-W4', name: 'SMITH^ANN' }),
      orm({ control: 'W-CA-5', orc1: 'CA', orc5: 'CA', placer: 'PO-W5', patient: 'MRN-W4', name: 'SMITH^ANN' }),
    );
    const a08 = ['MSH|^~\\&|EPIC|EPICADT|PACS|RADIOLOGY|20300302101500||ADT^A08|W-A08-1|P|2.3', 'EVN|A08|20300302101500', 'PID|1||MRN-W4^^^HOSP^MR||JONES^ANN^MARIE||19800115|F'].join('\r');
    const [ack] = await send(a08);
    assert.equal(msa(ack!), 'AA', ack!.join('\n'));
    const items = await worklist({ patientId: 'MRN-W4' });
    assert.deepEqual(
      items.map((i) => [i.accessionNumber, i.status, i.patientName]).sort(),
      [
        ['ACC-PO-W4', 'SCHEDULED', 'JONES^ANN^MARIE'],
        ['ACC-PO-W5', 'CANCELLED', 'SMITH^ANN'],
      ],
    );
  });

  test('ADT^A40 moves the items of the old Patient ID to the surviving one', async () => {
    await send(orm({ control: 'W-NW-6', orc1: 'NW', placer: 'PO-W6', patient: 'MRN-OLD6', name: 'ROE^RITA' }));
    const a40 = [
      'MSH|^~\\&|EPIC|EPICADT|PACS|RADIOLOGY|20300303120000||ADT^A40^ADT_A39|W-A40-1|P|2.5.1',
      'EVN|A40|20300303120000',
      'PID|1||MRN-NEW6^^^HOSP^MR||ROE^RITA^R||19800115|F',
      'MRG|MRN-OLD6^^^HOSP^MR',
    ].join('\r');
    const [ack] = await send(a40);
    assert.equal(msa(ack!), 'AA', ack!.join('\n'));
    assert.equal((await worklist({ patientId: 'MRN-OLD6' })).length, 0);
    const [item] = await worklist({ patientId: 'MRN-NEW6' });
    assert.deepEqual([item!.accessionNumber, item!.patientName], ['ACC-PO-W6', 'ROE^RITA^R']);
    assert.ok((await detail(item!.id)).history.some((h) => h.action === 'merged'));
  });

  test('an order without PID-3 is answered AE with ERR naming PID-3 and kept with status error', async () => {
    const [ack] = await send(orm({ control: 'W-BAD-1', orc1: 'NW', placer: 'PO-WBAD', pid3: '' }));
    assert.equal(msa(ack!), 'AE', ack!.join('\n'));
    // v2.3.1: ERR-1 is segment^sequence^field^code&text&HL70357.
    assert.equal(err(ack!), 'ERR|PID^1^3^101&Required field missing&HL70357', ack!.join('\n'));
    assert.match(ack!.find((s) => s.startsWith('MSA|'))!, /PID-3 Patient Identifier List is empty/);
    const [stored] = await messages({ controlId: 'W-BAD-1' });
    assert.equal(stored?.status, 'error');
    const kept = (await json<MsgDetail>(`/api/messages/${stored!.id}`)).body;
    assert.match(kept.raw, /^MSH\|/);
    assert.match(kept.response, /MSA\|AE\|W-BAD-1/);
    assert.match(kept.deliveries[0]!.lastError!, /^CHANNEL_ORDER_FIELD_MISSING: PID-3/);
    assert.equal((await worklist({ accessionNumber: 'ACC-PO-WBAD' })).length, 0, 'nothing was created');
  });

  test('XO and CA for an order nobody sent are answered AE (unknown key 204) and change nothing', async () => {
    const [xo, ca] = await send(orm({ control: 'W-XO-404', orc1: 'XO', placer: 'PO-NEVER' }), orm({ control: 'W-CA-404', orc1: 'CA', orc5: 'CA', placer: 'PO-NEVER' }));
    for (const ack of [xo!, ca!]) {
      assert.equal(msa(ack), 'AE', ack.join('\n'));
      assert.equal(err(ack), 'ERR|ORC^1^2^204&Unknown key identifier&HL70357', ack.join('\n'));
    }
    assert.equal((await messages({ controlId: 'W-XO-404' }))[0]?.status, 'error');
    assert.equal((await worklist({ accessionNumber: 'ACC-PO-NEVER' })).length, 0);
  });

  test('the same NW twice gives one item and two AAs; the repeat is in the history', async () => {
    const nw = orm({ control: 'W-NW-7', orc1: 'NW', placer: 'PO-W7' });
    const acks = await send(nw, nw.replace('|W-NW-7|', '|W-NW-7B|'));
    assert.deepEqual(acks.map(msa), ['AA', 'AA']);
    const items = await worklist({ accessionNumber: 'ACC-PO-W7' });
    assert.equal(items.length, 1);
    assert.deepEqual((await detail(items[0]!.id)).history.map((h) => h.action), ['created', 'duplicate']);
  });

  test('technicians and radiologists read the worklist, referrers may not; reads are audited with the patient', async () => {
    for (const [username, role] of [
      ['tech-w', 'technician'],
      ['rad-w', 'radiologist'],
      ['ref-w', 'referrer'],
    ]) {
      const res = await app.fetch('/api/users', { method: 'POST', body: JSON.stringify({ username, password: `${username}-password`, role }) });
      assert.equal(res.status, 201);
    }
    const page = await json<Item[]>('/api/worklist?range=[0,0]&sort=["scheduledDate","ASC"]', basic('tech-w', 'tech-w-password'));
    assert.equal(page.status, 200);
    assert.equal(page.body.length, 1);
    assert.ok(Number(page.total) > 1);
    assert.equal((await json<ItemDetail>(`/api/worklist/${page.body[0]!.id}`, basic('rad-w', 'rad-w-password'))).status, 200);
    assert.equal((await json<unknown>('/api/worklist', basic('ref-w', 'ref-w-password'))).status, 403);
    const missing = await json<{ code: string }>('/api/worklist/999999');
    assert.deepEqual([missing.status, missing.body.code], [404, 'WORKLIST_ITEM_NOT_FOUND']);
    const bad = await json<{ code: string }>(`/api/worklist?filter=${encodeURIComponent(JSON.stringify({ status: 'LOST' }))}`);
    assert.deepEqual([bad.status, bad.body.code], [400, 'REQUEST_INVALID']);

    await worklist({ patientId: 'MRN-W1' });
    const audit = (await json<{ username: string; action: string; patientId: string | null }[]>(`/api/audit?filter=${encodeURIComponent(JSON.stringify({ action: 'worklist.*' }))}`)).body;
    assert.ok(audit.some((a) => a.action === 'worklist.search' && a.patientId === 'MRN-W1'));
    assert.ok(audit.some((a) => a.action === 'worklist.read' && a.username === 'rad-w' && a.patientId));
  });

  test('the worklist filters by scheduled date range, modality, station and patient name', async () => {
    const day = await worklist({ scheduledFrom: '2030-03-02', scheduledTo: '2030-03-02' });
    assert.deepEqual(day.map((i) => i.accessionNumber), ['ACC-W2']);
    assert.deepEqual((await worklist({ modality: 'MR' })).map((i) => i.accessionNumber), ['ACC-W2']);
    assert.deepEqual((await worklist({ stationAeTitle: 'MR01' })).map((i) => i.accessionNumber), ['ACC-W2']);
    assert.deepEqual((await worklist({ patientName: 'ØSTER*' })).map((i) => i.accessionNumber), ['ACC-W2']);
  });
});
