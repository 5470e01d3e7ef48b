// The peers registry against a real database (PGlite, or PostgreSQL with DATABASE_URL): CRUD by
// id with unique AE titles, seeding from PACS_DICOM_PEERS that follows the variable but never
// overrides an admin's edit, and the directory the DIMSE services read.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPeersDb } from './__fixtures__/peers-db.ts';
import type { TestDb } from './__fixtures__/peers-db.ts';
import { createPeer, deletePeer, findPeerByAeTitle, getPeer, listPeers, seedPeers, updatePeer } from './peer-store.ts';
import { PeerDirectory } from './peer-directory.ts';

describe('peers registry', () => {
  let db: TestDb;
  before(async () => {
    db = await openPeersDb();
  });
  after(async () => {
    await db?.close();
  });

  test('create, read, update, delete; AE titles are unique and stored without padding', async () => {
    const made = await createPeer(db, { aet: ' WS1 ', host: 'ws1.local', port: 104, description: 'Reading room 1', store: false });
    assert.ok(made.ok);
    if (!made.ok) return;
    assert.deepEqual(
      { aet: made.value.aet, host: made.value.host, port: made.value.port, store: made.value.store, query: made.value.query, retrieve: made.value.retrieve, moveDestination: made.value.moveDestination, source: made.value.source },
      { aet: 'WS1', host: 'ws1.local', port: 104, store: false, query: true, retrieve: true, moveDestination: true, source: 'api' },
    );
    assert.equal(typeof made.value.id, 'number');
    assert.match(made.value.createdAt, /^\d{4}-\d\d-\d\dT/);
    const again = await createPeer(db, { aet: 'WS1', host: 'other', port: 11112 });
    assert.deepEqual(again.ok ? undefined : again.error.code, 'DICOM_PEER_EXISTS');

    const other = await createPeer(db, { aet: 'WS2', host: 'ws2.local', port: 104 });
    assert.ok(other.ok);
    if (!other.ok) return;
    const clash = await updatePeer(db, other.value.id, { aet: 'WS1' });
    assert.equal(clash.ok ? undefined : clash.error.code, 'DICOM_PEER_EXISTS');
    const changed = await updatePeer(db, other.value.id, { port: 4242, moveDestination: false, description: null });
    assert.ok(changed.ok);
    if (changed.ok) assert.deepEqual([changed.value.aet, changed.value.port, changed.value.moveDestination, changed.value.description], ['WS2', 4242, false, null]);
    assert.equal((await findPeerByAeTitle(db, 'WS2 '))?.port, 4242);
    assert.equal((await getPeer(db, other.value.id))?.aet, 'WS2');

    const page = await listPeers(db, { offset: 0, limit: 10, sort: 'aet', order: 'DESC' });
    assert.deepEqual(page.rows.map((p) => p.aet), ['WS2', 'WS1']);
    assert.equal(page.total, 2);
    assert.deepEqual((await listPeers(db, { offset: 0, limit: 10, q: 'reading' })).rows.map((p) => p.aet), ['WS1']);
    assert.deepEqual((await listPeers(db, { offset: 0, limit: 10, moveDestination: false })).rows.map((p) => p.aet), ['WS2']);

    assert.ok((await deletePeer(db, other.value.id)).ok);
    const gone = await deletePeer(db, other.value.id);
    assert.equal(gone.ok ? undefined : gone.error.code, 'DICOM_PEER_NOT_FOUND');
    assert.equal((await updatePeer(db, other.value.id, { port: 1 })).ok, false);
    assert.ok((await deletePeer(db, made.value.id)).ok);
  });

  test('seeding follows PACS_DICOM_PEERS by AE title and keeps what an admin edited', async () => {
    const first = await seedPeers(db, [
      { aet: 'ORTHANC', host: '127.0.0.1', port: 4242 },
      { aet: 'WS9', host: 'ws9', port: 104 },
      { aet: 'OLD', host: 'old', port: 104 },
    ]);
    assert.deepEqual(first, { added: ['ORTHANC', 'WS9', 'OLD'], updated: [], kept: [], removed: [] });
    const orthanc = (await findPeerByAeTitle(db, 'ORTHANC'))!;
    assert.deepEqual([orthanc.source, orthanc.store, orthanc.query, orthanc.retrieve, orthanc.moveDestination], ['config', true, true, true, true]);

    // The same variable again changes nothing.
    assert.deepEqual(await seedPeers(db, [{ aet: 'ORTHANC', host: '127.0.0.1', port: 4242 }, { aet: 'WS9', host: 'ws9', port: 104 }, { aet: 'OLD', host: 'old', port: 104 }]), { added: [], updated: [], kept: [], removed: [] });

    // An admin edits WS9 (permissions); OLD is an admin's too from then on.
    const ws9 = (await findPeerByAeTitle(db, 'WS9'))!;
    assert.ok((await updatePeer(db, ws9.id, { moveDestination: false })).ok);
    const old = (await findPeerByAeTitle(db, 'OLD'))!;
    assert.ok((await updatePeer(db, old.id, { description: 'keep me' })).ok);

    const second = await seedPeers(db, [
      { aet: 'ORTHANC', host: '10.0.0.5', port: 4242 },
      { aet: 'WS9', host: 'ws9-new', port: 104 },
    ]);
    assert.deepEqual(second, { added: [], updated: ['ORTHANC'], kept: ['WS9'], removed: [] });
    assert.equal((await findPeerByAeTitle(db, 'ORTHANC'))?.host, '10.0.0.5');
    const kept = (await findPeerByAeTitle(db, 'WS9'))!;
    assert.deepEqual([kept.host, kept.moveDestination, kept.source], ['ws9', false, 'api']);
    assert.equal((await findPeerByAeTitle(db, 'OLD'))?.description, 'keep me', 'edited, so not removed with the variable');

    const third = await seedPeers(db, []);
    assert.deepEqual(third.removed, ['ORTHANC']);
    assert.equal(await findPeerByAeTitle(db, 'ORTHANC'), undefined);
    assert.ok(await findPeerByAeTitle(db, 'WS9'));
    for (const p of (await listPeers(db, { offset: 0, limit: 100 })).rows) await deletePeer(db, p.id);
  });

  test('the directory serves a snapshot and reloads after invalidate()', async () => {
    const dir = new PeerDirectory(db, { ttlMs: 60_000 });
    await dir.load();
    assert.equal(dir.peek('NEWPEER'), undefined);
    const made = await createPeer(db, { aet: 'NEWPEER', host: 'h', port: 104, query: false });
    assert.ok(made.ok);
    assert.equal(await dir.find('NEWPEER'), undefined, 'still the old snapshot');
    await dir.invalidate();
    assert.equal(dir.peek('NEWPEER')?.aet, 'NEWPEER', 'current at once');
    assert.equal((await dir.find('NEWPEER '))?.query, false);
    if (made.ok) await deletePeer(db, made.value.id);
  });
});
