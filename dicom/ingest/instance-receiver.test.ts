// Receiving a data set: kept in memory, or streamed to a staged file past the spill size;
// refused past the maximum; dropped when the association goes away mid-transfer.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemBlobStore } from '../storage/filesystem-blob-store.ts';
import { InstanceReceiver } from './instance-receiver.ts';

const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

async function store() {
  const root = mkdtempSync(join(tmpdir(), 'receiver-'));
  roots.push(root);
  const s = new FilesystemBlobStore({ name: 'hot', root });
  await s.open();
  return { s, tmp: join(root, '.tmp') };
}

const header = Buffer.from('HEADER');

test('small objects stay in memory as their chunks', async () => {
  const { s } = await store();
  const r = new InstanceReceiver({ store: s, header, spillBytes: 100, maxBytes: 1000 });
  r.write(Buffer.from('abc'));
  r.write(Buffer.from('def'));
  r.end();
  const got = await r.done;
  assert.ok(got.ok);
  assert.equal(got.value.kind, 'memory');
  if (got.value.kind === 'memory') assert.deepEqual(Buffer.concat(got.value.chunks).toString(), 'abcdef');
});

test('large objects are streamed to a staged file, header first', async () => {
  const { s } = await store();
  const r = new InstanceReceiver({ store: s, header, spillBytes: 10, maxBytes: 1000 });
  for (let i = 0; i < 10; i++) r.write(Buffer.from('0123456789'));
  r.end();
  const got = await r.done;
  assert.ok(got.ok);
  assert.equal(got.value.kind, 'staged');
  if (got.value.kind === 'staged') {
    assert.equal(got.value.staged.size, header.length + 100);
    assert.equal(got.value.staged.bytes(header.length).read(95, 5).toString(), '56789');
    await got.value.staged.discard();
  }
});

test('too large: refused, and the staged file removed', async () => {
  const { s, tmp } = await store();
  const r = new InstanceReceiver({ store: s, header, spillBytes: 10, maxBytes: 50 });
  for (let i = 0; i < 10; i++) r.write(Buffer.from('0123456789'));
  r.end();
  const got = await r.done;
  assert.equal(got.ok, false);
  if (!got.ok) assert.equal(got.error.code, 'DICOM_TOO_LARGE');
  await new Promise((res) => setTimeout(res, 50));
  assert.deepEqual(readdirSync(tmp), []);
});

test('the association ends mid-transfer: truncated, nothing left', async () => {
  const { s, tmp } = await store();
  const r = new InstanceReceiver({ store: s, header, spillBytes: 10, maxBytes: 1000 });
  r.write(Buffer.from('0123456789abcdef'));
  r.abort();
  const got = await r.done;
  assert.equal(got.ok, false);
  if (!got.ok) assert.equal(got.error.code, 'DICOM_TRUNCATED');
  await new Promise((res) => setTimeout(res, 50));
  assert.deepEqual(readdirSync(tmp), []);
});
