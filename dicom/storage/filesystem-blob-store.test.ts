// The filesystem tier: staged writes appear only on commit, a first copy is never replaced unless
// asked, nothing is left in the temporary folder, and stale temporary files are cleaned at open.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemBlobStore } from './filesystem-blob-store.ts';
import { instanceKey } from './storage-layout.ts';

const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
const tempRoot = () => {
  const r = mkdtempSync(join(tmpdir(), 'blob-'));
  roots.push(r);
  return r;
};

async function text(store: FilesystemBlobStore, key: string): Promise<string | undefined> {
  const s = await store.get(key);
  if (!s) return undefined;
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts).toString();
}

test('stage, commit without replacing, replace, put, get, exists, delete', async () => {
  const root = tempRoot();
  const store = new FilesystemBlobStore({ name: 'hot', root });
  await store.open();
  const key = 'ab/1.2/1.2.3/1.2.3.4.dcm';

  const first = await store.stage();
  await first.write([Buffer.from('first '), Buffer.from('copy')]);
  assert.equal(first.size, 10);
  assert.equal(first.bytes(6).read(0, 4).toString(), 'copy');
  await first.sync();
  assert.equal(await store.exists(key), false, 'not visible before commit');
  assert.equal(await store.commit(first, key), 'stored');
  assert.equal(await text(store, key), 'first copy');

  const second = await store.stage();
  await second.write([Buffer.from('second')]);
  assert.equal(await store.commit(second, key), 'exists');
  assert.equal(await text(store, key), 'first copy', 'the first copy is kept');
  assert.equal(await store.commit(second, key, { replace: true }), 'stored');
  assert.equal(await text(store, key), 'second');

  const third = await store.stage();
  await third.write([Buffer.from('dropped')]);
  await third.discard();
  assert.deepEqual(readdirSync(join(root, '.tmp')), [], 'no temporary file left');

  await store.put('x/y.dcm', Buffer.from('put'));
  assert.equal(readFileSync(join(root, 'x', 'y.dcm'), 'utf8'), 'put');
  assert.equal(await store.delete('x/y.dcm'), true);
  assert.equal(await store.delete('x/y.dcm'), false);
  assert.equal(await store.get('x/y.dcm'), undefined);
  await assert.rejects(() => store.put('../escape.dcm', Buffer.from('no')), /invalid storage key/);
  await assert.rejects(() => store.put('.tmp/x.dcm', Buffer.from('no')), /invalid storage key/);
});

test('open() removes temporary files left by a crash a day ago, and keeps recent ones', async () => {
  const root = tempRoot();
  mkdirSync(join(root, '.tmp'), { recursive: true });
  writeFileSync(join(root, '.tmp', 'old.part'), 'x');
  writeFileSync(join(root, '.tmp', 'new.part'), 'x');
  const old = new Date(Date.now() - 2 * 86400_000);
  utimesSync(join(root, '.tmp', 'old.part'), old, old);
  await new FilesystemBlobStore({ name: 'hot', root }).open();
  assert.deepEqual(readdirSync(join(root, '.tmp')), ['new.part']);
});

test('instanceKey: bucket/study/series/instance.dcm, and only UIDs', () => {
  assert.match(instanceKey('1.2.3', '1.2.3.4', '1.2.3.4.5'), /^[0-9a-f]{2}\/1\.2\.3\/1\.2\.3\.4\/1\.2\.3\.4\.5\.dcm$/);
  assert.equal(instanceKey('1.2.3', '1.2.3.4', '1.2.3.4.5').slice(0, 2), instanceKey('1.2.3', '9.9', '9.9.9').slice(0, 2), 'one bucket per study');
  assert.throws(() => instanceKey('1.2.3', '../x', '1.2'), /not a UID/);
});
