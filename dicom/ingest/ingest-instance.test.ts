// Ingest end to end against a real filesystem tier and a recording index: what ends up on disk
// and in the index for good objects (in memory or spilled, deflated), and that every failure
// leaves nothing behind.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync } from 'node:zlib';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dcmjs } from '../dcmjs.ts';
import { part10Header } from '../parse/part10-header.ts';
import { FilesystemBlobStore } from '../storage/filesystem-blob-store.ts';
import { instanceKey } from '../storage/storage-layout.ts';
import type { IndexDb } from '../study-index/index-db.ts';
import { InstanceIngest } from './ingest-instance.ts';
import { InstanceReceiver } from './instance-receiver.ts';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';
const DEFLATED = '1.2.840.10008.1.2.1.99';
const noop = { error() {}, warn() {}, info() {}, debug() {}, child() { return noop; } };

function dataset(sop: string, patientName = 'DOE^JANE'): Buffer {
  const ds = {
    SOPClassUID: CT,
    SOPInstanceUID: sop,
    StudyInstanceUID: '1.2.3',
    SeriesInstanceUID: '1.2.3.4',
    PatientID: 'P1',
    PatientName: [{ Alphabetic: patientName }],
    Modality: 'CT',
    Rows: 16,
    Columns: 16,
    BitsAllocated: 16,
    PixelData: [new Uint16Array(256).fill(9).buffer],
    _vrMap: { PixelData: 'OW' },
  };
  const dict = new dcmjs.data.DicomDict({ '00020010': { vr: 'UI', Value: [EXPLICIT] } });
  dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(ds);
  const file = Buffer.from(dict.write());
  return file.subarray(132 + 12 + file.readUInt32LE(140));
}

type Call = { p: Record<string, unknown> };

/** Answers dicom_index_instance() with `answer`, and isIndexed() from what it answered 'stored'. */
function recordingIndex(answer: (p: Record<string, unknown>) => Record<string, unknown> | Error): IndexDb & { calls: Call[] } {
  const calls: Call[] = [];
  const indexed = new Set<unknown>();
  return {
    calls,
    async query<T>(sql: string, params?: readonly unknown[]) {
      if (sql.includes('dicom_index_instance')) {
        const p = JSON.parse(String(params![0])) as Record<string, unknown>;
        calls.push({ p });
        const a = answer(p);
        if (a instanceof Error) throw a;
        if (a.outcome === 'stored') indexed.add(p.sopInstanceUid);
        return { rows: [{ r: a }] as T[], rowCount: 1 };
      }
      const rows = indexed.has(params?.[0]) ? [{}] : [];
      return { rows: rows as T[], rowCount: rows.length };
    },
  };
}

const stored = (p: Record<string, unknown>) => ({ outcome: 'stored', instanceRef: 1, seriesRef: 1, studyRef: 1, patientRef: 1, newStudy: true, newSeries: true, storageKey: p.storageKey });

const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

async function setup(answer: (p: Record<string, unknown>) => Record<string, unknown> | Error = stored) {
  const root = mkdtempSync(join(tmpdir(), 'ingest-'));
  roots.push(root);
  const store = new FilesystemBlobStore({ name: 'hot', root });
  await store.open();
  const db = recordingIndex(answer);
  return { root, store, db, ingest: new InstanceIngest({ db, store, log: noop }) };
}

async function receive(store: FilesystemBlobStore, sop: string, bytes: Buffer, ts = EXPLICIT, spillBytes = 1 << 20) {
  const r = new InstanceReceiver({ store, header: part10Header({ sopClassUid: CT, sopInstanceUid: sop, transferSyntaxUid: ts }), spillBytes, maxBytes: 1 << 30 });
  for (let i = 0; i < bytes.length; i += 100) r.write(bytes.subarray(i, i + 100));
  r.end();
  const got = await r.done;
  assert.ok(got.ok);
  return got.value;
}

function files(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(join(d, e.name)) : out.push(join(d, e.name))));
  walk(root);
  return out;
}

for (const [name, spill] of [['in memory', 1 << 20], ['spilled to a staged file', 64]] as const) {
  test(`a good object (${name}) is placed under its key and indexed`, async () => {
    const { root, store, db, ingest } = await setup();
    const bytes = dataset('1.2.3.4.1');
    const r = await ingest.ingest(await receive(store, '1.2.3.4.1', bytes, EXPLICIT, spill), { sopClassUid: CT, sopInstanceUid: '1.2.3.4.1', transferSyntaxUid: EXPLICIT, sourceAe: 'CT1' });
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.equal(r.value.outcome, 'stored');
    const key = instanceKey('1.2.3', '1.2.3.4', '1.2.3.4.1');
    const file = readFileSync(join(root, key));
    assert.equal(file.toString('latin1', 128, 132), 'DICM');
    assert.deepEqual(file.subarray(file.length - bytes.length), bytes);
    assert.equal(db.calls.length, 1);
    assert.equal(db.calls[0]!.p.storageKey, key);
    assert.equal(db.calls[0]!.p.patientName, 'DOE^JANE');
    assert.equal(db.calls[0]!.p.size, file.length);
    assert.equal((db.calls[0]!.p.metadata as Record<string, unknown>)['7FE00010'], undefined);
    assert.deepEqual(readdirSync(join(root, '.tmp')), []);
    assert.equal(r.value.event?.sourceAe, 'CT1');
  });
}

test('a deflated data set is checked inflated and kept deflated', async () => {
  const { root, store, db, ingest } = await setup();
  const deflated = deflateRawSync(dataset('1.2.3.4.2'));
  const r = await ingest.ingest(await receive(store, '1.2.3.4.2', deflated, DEFLATED), { sopClassUid: CT, sopInstanceUid: '1.2.3.4.2', transferSyntaxUid: DEFLATED, sourceAe: undefined });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  const file = readFileSync(join(root, instanceKey('1.2.3', '1.2.3.4', '1.2.3.4.2')));
  assert.deepEqual(file.subarray(file.length - deflated.length), deflated);
  assert.equal(db.calls[0]!.p.transferSyntaxUid, DEFLATED);
});

test('failures leave nothing behind: truncated, wrong UID, index down', async () => {
  const cases = [
    { sop: '1.2.3.4.1', bytes: dataset('1.2.3.4.1').subarray(0, 300), code: 'DICOM_TRUNCATED' },
    { sop: '1.2.3.4.9', bytes: dataset('1.2.3.4.1'), code: 'DICOM_UID_MISMATCH' },
    { sop: '1.2.3.4.1', bytes: dataset('1.2.3.4.1'), code: 'DICOM_INDEX_FAILED', indexDown: true },
  ];
  for (const c of cases) {
    const { root, store, ingest } = await setup(c.indexDown ? () => new Error('connection refused') : stored);
    const r = await ingest.ingest(await receive(store, c.sop, c.bytes), { sopClassUid: CT, sopInstanceUid: c.sop, transferSyntaxUid: EXPLICIT, sourceAe: undefined });
    assert.equal(r.ok, false, c.code);
    if (!r.ok) assert.equal(r.error.code, c.code);
    assert.deepEqual(files(root), [], `${c.code}: no file left`);
  }
});

test('the same SOP Instance UID again: the first file stays, the index answers duplicate', async () => {
  const { root, store, db, ingest } = await setup((p) => (db.calls.length === 1 ? stored(p) : { outcome: 'duplicate', instanceRef: 1, storageKey: p.storageKey }));
  const first = dataset('1.2.3.4.1');
  const cmd = { sopClassUid: CT, sopInstanceUid: '1.2.3.4.1', transferSyntaxUid: EXPLICIT, sourceAe: undefined };
  assert.ok((await ingest.ingest(await receive(store, '1.2.3.4.1', first), cmd)).ok);
  const again = await ingest.ingest(await receive(store, '1.2.3.4.1', dataset('1.2.3.4.1', 'OTHER^NAME')), cmd);
  assert.ok(again.ok);
  assert.equal(again.value.outcome, 'duplicate');
  assert.equal(db.calls.length, 2, 'the resend is recorded');
  const file = readFileSync(join(root, instanceKey('1.2.3', '1.2.3.4', '1.2.3.4.1')));
  assert.deepEqual(file.subarray(file.length - first.length), first, 'the first copy is kept');
  assert.deepEqual(readdirSync(join(root, '.tmp')), []);
});

test('a file left without its index row (a store that failed after the move) is replaced', async () => {
  const { root, store, ingest } = await setup();
  const key = instanceKey('1.2.3', '1.2.3.4', '1.2.3.4.1');
  await store.put(key, Buffer.from('orphan'));
  const bytes = dataset('1.2.3.4.1');
  const r = await ingest.ingest(await receive(store, '1.2.3.4.1', bytes), { sopClassUid: CT, sopInstanceUid: '1.2.3.4.1', transferSyntaxUid: EXPLICIT, sourceAe: undefined });
  assert.ok(r.ok);
  assert.equal(r.value.outcome, 'stored');
  const file = readFileSync(join(root, key));
  assert.deepEqual(file.subarray(file.length - bytes.length), bytes);
});
