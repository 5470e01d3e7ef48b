// Retrieve as workstations see it: DCMTK's movescu sends studies, series and images to DCMTK
// storescp instances registered as peers (PACS_DICOM_PEERS), getscu pulls them over its own
// association, and what arrives is the data set as it was stored, byte for byte. Also the peers
// registry behind it (/api/peers), and what a peer's permissions refuse.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basic, createTestEnv, startTestAppliance } from './support/test-appliance.ts';
import type { TestAppliance, TestEnv } from './support/test-appliance.ts';
import { compress, ctFile, datasetOf, dcmdumpValue, STUDY1, STUDY2, writeDataset } from './support/dicom-fixtures.ts';
import type { Dataset } from './support/dicom-fixtures.ts';
import { dcmtk, findscu, freePort, getSeries, moveStudy, readDicomFile, receivedFiles, startStorescp } from './support/dicom-peer.ts';
import type { StoreScp } from './support/dicom-peer.ts';

const COMPRESSED_SOP = `${STUDY1}.3.1`;

type Peer = { id: number; aet: string; host: string; port: number; store: boolean; query: boolean; retrieve: boolean; moveDestination: boolean; source: string; description: string | null };

function clear(dir: string): void {
  for (const f of readdirSync(dir)) rmSync(join(dir, f), { force: true });
}

/** movescu (Study or Patient Root) with `keys`; its output says how it ended. */
function movescu(port: number, destination: string, keys: string[], model: '-S' | '-P' = '-S', callingAe = 'MOVESCU') {
  return dcmtk('movescu', ['-v', model, '-aet', callingAe, '-aec', 'PACS', '-aem', destination, ...keys.flatMap((k) => ['-k', k]), '127.0.0.1', String(port)]);
}

describe('DICOM retrieve (C-MOVE, C-GET) and peers', () => {
  let env: TestEnv;
  let app: TestAppliance;
  let data: Dataset;
  let dest: StoreScp;
  let implicitDest: StoreScp;
  let slowDest: StoreScp;
  /** Every file sent to the archive, by SOP Instance UID. */
  const sent = new Map<string, string>();
  const scratch: string[] = [];
  const peersEnv = () => `DEST@127.0.0.1:${dest.port},IMPLDEST@127.0.0.1:${implicitDest.port}, SLOWDEST@127.0.0.1:${slowDest.port}`;

  before(async () => {
    data = writeDataset(mkdtempSync(join(tmpdir(), 'retrieve-fixtures-')));
    scratch.push(data.dir);
    // storescp +B writes each data set as it came off the wire; +xa takes every transfer syntax,
    // +xi only implicit VR little endian; SLOWDEST takes a second per object.
    dest = await startStorescp('DEST', ['+xa']);
    implicitDest = await startStorescp('IMPLDEST', ['+xi']);
    slowDest = await startStorescp('SLOWDEST', ['--sleep-during', '1']);
    env = await createTestEnv();
    app = await startTestAppliance(env, { PACS_DICOM_PEERS: peersEnv() });
    const port = String(app.ports.dicom);
    const r = await dcmtk('storescu', ['-aec', 'PACS', '127.0.0.1', port, ...data.study1.map((f) => f.path), ...data.study2.map((f) => f.path)]);
    assert.equal(r.code, 0, r.stderr);
    for (const f of [...data.study1, ...data.study2]) sent.set(f.spec.sopUid, f.path);
    // One JPEG lossless image in a third series of study 1, kept compressed.
    const plain = join(data.dir, 'plain-3-1.dcm');
    writeFileSync(plain, ctFile({ ...data.study1[0]!.spec, seriesUid: `${STUDY1}.3`, seriesNumber: 3, seriesDescription: 'Compressed', sopUid: COMPRESSED_SOP, instanceNumber: 1 }));
    const jpeg = await compress('dcmcjpeg', plain, join(data.dir, 'jpeg-3-1.dcm'));
    const c = await dcmtk('storescu', ['-xs', '-aec', 'PACS', '127.0.0.1', port, jpeg]);
    assert.equal(c.code, 0, c.stderr);
    sent.set(COMPRESSED_SOP, jpeg);
  });

  after(async () => {
    await app?.stop();
    await env?.cleanup();
    for (const p of [dest, implicitDest, slowDest]) await p?.stop();
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
  });

  /** The received files of `dir` as SOP Instance UIDs, each checked byte for byte against what was stored. */
  function checkIdentical(dir: string): string[] {
    const files = receivedFiles(dir);
    for (const f of files) {
      const original = sent.get(f.sopInstanceUid);
      assert.ok(original, `unexpected ${f.sopInstanceUid}`);
      assert.ok(datasetOf(readFileSync(f.path)).equals(datasetOf(readFileSync(original))), `${f.sopInstanceUid}: the data set arrived byte for byte as stored`);
    }
    return files.map((f) => f.sopInstanceUid).sort();
  }

  test('movescu at STUDY level: every instance arrives, the compressed one as stored, byte for byte', async () => {
    clear(dest.dir);
    const r = await movescu(app.ports.dicom, 'DEST', ['QueryRetrieveLevel=STUDY', `StudyInstanceUID=${STUDY1}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr + r.stdout, /Final Move Response \(Success\)/);
    const expected = [...data.study1.map((f) => f.spec.sopUid), COMPRESSED_SOP].sort();
    assert.deepEqual(checkIdentical(dest.dir), expected);
    const jpeg = receivedFiles(dest.dir).find((f) => f.sopInstanceUid === COMPRESSED_SOP)!;
    assert.match(await dcmdumpValue(jpeg.path, '0002,0010'), /JPEGLossless:Non-hierarchical-1stOrderPrediction/);
  });

  test('movescu at SERIES level (Study Root and Patient Root) and IMAGE level with a list of instances', async () => {
    clear(dest.dir);
    const series = await movescu(app.ports.dicom, 'DEST', ['QueryRetrieveLevel=SERIES', `StudyInstanceUID=${STUDY1}`, `SeriesInstanceUID=${STUDY1}.2`]);
    assert.equal(series.code, 0, series.stderr);
    assert.deepEqual(checkIdentical(dest.dir), [`${STUDY1}.2.1`, `${STUDY1}.2.2`]);

    clear(dest.dir);
    const patientRoot = await movescu(app.ports.dicom, 'DEST', ['QueryRetrieveLevel=SERIES', 'PatientID=PAT-002', `StudyInstanceUID=${STUDY2}`, `SeriesInstanceUID=${STUDY2}.1`], '-P');
    assert.equal(patientRoot.code, 0, patientRoot.stderr);
    assert.deepEqual(checkIdentical(dest.dir), data.study2.map((f) => f.spec.sopUid).sort());

    clear(dest.dir);
    const images = await movescu(app.ports.dicom, 'DEST', ['QueryRetrieveLevel=IMAGE', `StudyInstanceUID=${STUDY1}`, `SeriesInstanceUID=${STUDY1}.1`, `SOPInstanceUID=${STUDY1}.1.1\\${STUDY1}.1.3`]);
    assert.equal(images.code, 0, images.stderr);
    assert.deepEqual(checkIdentical(dest.dir), [`${STUDY1}.1.1`, `${STUDY1}.1.3`]);

    // A Patient ID that does not go with the study selects nothing: Success, nothing sent.
    clear(dest.dir);
    const none = await movescu(app.ports.dicom, 'DEST', ['QueryRetrieveLevel=STUDY', 'PatientID=PAT-002', `StudyInstanceUID=${STUDY1}`], '-P');
    assert.equal(none.code, 0, none.stderr);
    assert.deepEqual(receivedFiles(dest.dir), []);
  });

  test('a destination taking only implicit VR: uncompressed images converted (same pixel data), the JPEG one failed: Warning with the Failed SOP Instance UID List', async () => {
    clear(implicitDest.dir);
    const responses = await moveStudy(app.ports.dicom, 'IMPLDEST', STUDY1);
    const pending = responses.filter((r) => r.status === 0xff00);
    assert.equal(pending.length, 6, 'a Pending response per sub-operation');
    assert.deepEqual(pending.map((r) => r.remaining), [5, 4, 3, 2, 1, 0]);
    const final = responses.at(-1)!;
    assert.equal(final.status, 0xb000);
    assert.deepEqual([final.completed, final.failed, final.warning], [5, 1, 0]);
    assert.deepEqual(final.failedSopInstanceUids, [COMPRESSED_SOP]);
    const files = receivedFiles(implicitDest.dir);
    assert.deepEqual(files.map((f) => f.sopInstanceUid).sort(), data.study1.map((f) => f.spec.sopUid).sort());
    for (const f of files) {
      assert.match(await dcmdumpValue(f.path, '0002,0010'), /LittleEndianImplicit/);
      const got = readDicomFile(f.path);
      const want = readDicomFile(sent.get(f.sopInstanceUid)!);
      assert.ok(Buffer.from((got.PixelData as ArrayBuffer[])[0]!).equals(Buffer.from((want.PixelData as ArrayBuffer[])[0]!)), 'pixel data unchanged');
      assert.deepEqual([got.PatientName, got.SeriesInstanceUID, got.InstanceNumber], [want.PatientName, want.SeriesInstanceUID, want.InstanceNumber]);
    }
  });

  test('movescu to an AE title that is not a peer: Refused: Move Destination Unknown (A801), nothing sent', async () => {
    const r = await movescu(app.ports.dicom, 'NOBODY', ['QueryRetrieveLevel=STUDY', `StudyInstanceUID=${STUDY1}`]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr + r.stdout, /MoveDestinationUnknown/);
    const responses = await moveStudy(app.ports.dicom, 'NOBODY', STUDY1);
    assert.deepEqual(responses.map((x) => x.status), [0xa801]);
  });

  test('an identifier without the unique key of its level is refused (A900)', async () => {
    const r = await movescu(app.ports.dicom, 'DEST', ['QueryRetrieveLevel=SERIES', `StudyInstanceUID=${STUDY1}`]);
    assert.notEqual(r.code, 0);
    // 0xA900: DCMTK names it after C-STORE's meaning of the same code.
    assert.match(r.stderr + r.stdout, /Final Move Response \((Error|Failed): (DataSet|Identifier)DoesNotMatchSOPClass\)/);
  });

  test('a move destination that does not answer: A702 with every instance in the Failed SOP Instance UID List', async () => {
    const made = await app.fetch('/api/peers', { method: 'POST', body: JSON.stringify({ aet: 'GONE', host: '127.0.0.1', port: await freePort() }) });
    assert.equal(made.status, 201);
    const responses = await moveStudy(app.ports.dicom, 'GONE', STUDY2);
    assert.equal(responses.length, 1);
    assert.deepEqual([responses[0]!.status, responses[0]!.completed, responses[0]!.failed], [0xa702, 0, 4]);
    assert.deepEqual(responses[0]!.failedSopInstanceUids?.sort(), data.study2.map((f) => f.spec.sopUid).sort());
    assert.equal((await app.fetch(`/api/peers/${((await made.json()) as Peer).id}`, { method: 'DELETE' })).status, 200);
  });

  test('C-CANCEL stops a C-MOVE: Cancel with the sub-operations still remaining', async () => {
    clear(slowDest.dir);
    const responses = await moveStudy(app.ports.dicom, 'SLOWDEST', STUDY2, { cancelAfter: 1 });
    const final = responses.at(-1)!;
    assert.equal(final.status, 0xfe00, JSON.stringify(responses));
    assert.ok((final.remaining ?? 0) > 0, `remaining ${final.remaining}`);
    assert.ok((final.completed ?? 0) >= 1 && (final.completed ?? 0) < 4, `completed ${final.completed}`);
    assert.equal((final.completed ?? 0) + (final.remaining ?? 0), 4);
  });

  test('getscu at STUDY level receives every instance, byte for byte', async () => {
    const out = mkdtempSync(join(tmpdir(), 'getscu-'));
    scratch.push(out);
    const r = await dcmtk('getscu', ['-v', '-S', '+B', '-aec', 'PACS', '-od', out, '-k', 'QueryRetrieveLevel=STUDY', '-k', `StudyInstanceUID=${STUDY2}`, '127.0.0.1', String(app.ports.dicom)]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr + r.stdout, /Number of Completed Suboperations : 4/);
    assert.match(r.stderr + r.stdout, /Number of Failed Suboperations\s+: 0/);
    assert.deepEqual(checkIdentical(out), data.study2.map((f) => f.spec.sopUid).sort());
  });

  test('getscu proposing JPEG lossless gets the compressed series as stored; a requester taking only uncompressed gets A702 naming the image, and the uncompressed series', async () => {
    const out = mkdtempSync(join(tmpdir(), 'getscu-jpeg-'));
    scratch.push(out);
    const jpeg = await dcmtk('getscu', ['-v', '-S', '+B', '+xs', '-aec', 'PACS', '-od', out, '-k', 'QueryRetrieveLevel=SERIES', '-k', `StudyInstanceUID=${STUDY1}`, '-k', `SeriesInstanceUID=${STUDY1}.3`, '127.0.0.1', String(app.ports.dicom)]);
    assert.equal(jpeg.code, 0, jpeg.stderr);
    assert.deepEqual(checkIdentical(out), [COMPRESSED_SOP]);

    const { responses, received } = await getSeries(app.ports.dicom, STUDY1, `${STUDY1}.3`);
    assert.deepEqual(received, []);
    const final = responses.at(-1)!;
    assert.deepEqual([final.status, final.completed, final.failed], [0xa702, 0, 1]);
    assert.deepEqual(final.failedSopInstanceUids, [COMPRESSED_SOP]);
    const plain = await getSeries(app.ports.dicom, STUDY1, `${STUDY1}.1`);
    assert.deepEqual(plain.received.sort(), [`${STUDY1}.1.1`, `${STUDY1}.1.2`, `${STUDY1}.1.3`]);
    assert.deepEqual(plain.responses.map((r) => r.status), [0xff00, 0xff00, 0xff00, 0x0000]);
  });

  test('C-FIND still answers next to retrieve', async () => {
    const { result, matches } = await findscu(app.ports.dicom, '-S', ['QueryRetrieveLevel=STUDY', 'StudyInstanceUID', 'NumberOfStudyRelatedInstances']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(matches.map((m) => [m.StudyInstanceUID, m.NumberOfStudyRelatedInstances]).sort(), [[STUDY1, 6], [STUDY2, 4]]);
  });

  test('/api/peers: the seeded peers; admins add and change, analysts and technicians read, others are refused', async () => {
    const res = await app.fetch('/api/peers');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-total-count'), '3');
    const peers = (await res.json()) as Peer[];
    const seeded = peers.find((p) => p.aet === 'DEST')!;
    assert.deepEqual(
      { host: seeded.host, port: seeded.port, store: seeded.store, query: seeded.query, retrieve: seeded.retrieve, moveDestination: seeded.moveDestination, source: seeded.source },
      { host: '127.0.0.1', port: dest.port, store: true, query: true, retrieve: true, moveDestination: true, source: 'config' },
    );

    for (const [username, role] of [['ana', 'analyst'], ['tech', 'technician'], ['rad', 'radiologist']] as const) {
      const made = await app.fetch('/api/users', { method: 'POST', body: JSON.stringify({ username, password: 'a-long-password-1', role }) });
      assert.equal(made.status, 201);
    }
    const as = (u: string) => basic(u, 'a-long-password-1');
    assert.equal((await app.fetch('/api/peers', { auth: as('ana') })).status, 200);
    assert.equal((await app.fetch(`/api/peers/${seeded.id}`, { auth: as('tech') })).status, 200);
    assert.equal((await app.fetch('/api/peers', { auth: as('rad') })).status, 403);
    const refused = await app.fetch('/api/peers', { method: 'POST', auth: as('ana'), body: JSON.stringify({ aet: 'WS1', host: 'ws1', port: 104 }) });
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { code: string }).code, 'AUTH_FORBIDDEN');

    const created = await app.fetch('/api/peers', { method: 'POST', body: JSON.stringify({ aet: 'WS1', host: 'ws1.example.org', port: 104, description: 'Reading room' }) });
    assert.equal(created.status, 201);
    const ws1 = (await created.json()) as Peer;
    assert.deepEqual([ws1.aet, ws1.moveDestination, ws1.source], ['WS1', true, 'api']);
    const dup = await app.fetch('/api/peers', { method: 'POST', body: JSON.stringify({ aet: 'WS1', host: 'x', port: 104 }) });
    assert.equal(dup.status, 409);
    assert.equal(((await dup.json()) as { code: string }).code, 'PEER_EXISTS');
    const bad = await app.fetch('/api/peers', { method: 'POST', body: JSON.stringify({ aet: 'A\\B', host: 'x', port: 70000 }) });
    assert.equal(bad.status, 400);
    assert.equal((await app.fetch('/api/peers/99999')).status, 404);
    assert.equal((await app.fetch(`/api/peers/${ws1.id}`, { method: 'DELETE' })).status, 200);
    assert.equal((await app.fetch(`/api/peers/${ws1.id}`)).status, 404);
  });

  test("a peer's permissions: not a move destination (0124), may not store, may not retrieve", async () => {
    const peers = (await (await app.fetch('/api/peers')).json()) as Peer[];
    const destId = peers.find((p) => p.aet === 'DEST')!.id;
    const off = await app.fetch(`/api/peers/${destId}`, { method: 'PUT', body: JSON.stringify({ moveDestination: false }) });
    assert.equal(off.status, 200);
    assert.deepEqual(((await off.json()) as Peer).source, 'api');
    assert.deepEqual((await moveStudy(app.ports.dicom, 'DEST', STUDY2)).map((r) => r.status), [0x0124]);
    assert.equal((await app.fetch(`/api/peers/${destId}`, { method: 'PUT', body: JSON.stringify({ moveDestination: true }) })).status, 200);

    // A known workstation that may query but neither store nor retrieve.
    const made = await app.fetch('/api/peers', { method: 'POST', body: JSON.stringify({ aet: 'VIEWONLY', host: '127.0.0.1', port: 104, store: false, retrieve: false }) });
    assert.equal(made.status, 201);
    const store = await dcmtk('storescu', ['-v', '-aet', 'VIEWONLY', '-aec', 'PACS', '127.0.0.1', String(app.ports.dicom), data.study1[0]!.path]);
    assert.match(store.stderr + store.stdout, /Received Store Response \(Unknown Status: 0x124\)/, 'Refused: Not Authorized');
    const find = await findscu(app.ports.dicom, '-S', ['QueryRetrieveLevel=STUDY', `StudyInstanceUID=${STUDY1}`], ['-aet', 'VIEWONLY']);
    assert.equal(find.matches.length, 1);
    assert.deepEqual((await moveStudy(app.ports.dicom, 'DEST', STUDY2, { callingAe: 'VIEWONLY' })).map((r) => r.status), [0x0124]);
  });

  test('at restart, PACS_DICOM_PEERS updates the peers it seeded and keeps what an admin edited', async () => {
    await app.stop();
    // DEST was edited through the API above; IMPLDEST and SLOWDEST were not. Move IMPLDEST, drop SLOWDEST.
    app = await startTestAppliance(env, { PACS_DICOM_PEERS: `DEST@10.1.1.1:104,IMPLDEST@localhost:${implicitDest.port}` });
    const peers = (await (await app.fetch('/api/peers')).json()) as Peer[];
    const by = new Map(peers.map((p) => [p.aet, p]));
    assert.deepEqual([by.get('DEST')?.host, by.get('DEST')?.port, by.get('DEST')?.source], ['127.0.0.1', dest.port, 'api']);
    assert.deepEqual([by.get('IMPLDEST')?.host, by.get('IMPLDEST')?.source], ['localhost', 'config']);
    assert.equal(by.has('SLOWDEST'), false);
    assert.ok(by.has('VIEWONLY'), 'peers added through the API stay');
    // The edited DEST still works as a destination.
    clear(dest.dir);
    const r = await movescu(app.ports.dicom, 'DEST', ['QueryRetrieveLevel=SERIES', `StudyInstanceUID=${STUDY1}`, `SeriesInstanceUID=${STUDY1}.2`]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(checkIdentical(dest.dir), [`${STUDY1}.2.1`, `${STUDY1}.2.2`]);
  });
});
