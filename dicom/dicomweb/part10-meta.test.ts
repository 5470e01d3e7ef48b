import { test } from 'node:test';
import assert from 'node:assert/strict';
import { part10Header } from '../parse/part10-header.ts';
import { readPart10Meta } from './part10-meta.ts';

test('reads the file meta information written by part10Header, and asks for more bytes when cut short', () => {
  const head = part10Header({ sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: '1.2.3.4', transferSyntaxUid: '1.2.840.10008.1.2.4.70', sourceAeTitle: 'CT1' });
  const file = Buffer.concat([head, Buffer.from([0x08, 0x00, 0x05, 0x00, 0x43, 0x53, 0x00, 0x00])]);
  assert.deepEqual(readPart10Meta(file), {
    ok: true,
    value: { datasetOffset: head.length, transferSyntaxUid: '1.2.840.10008.1.2.4.70', sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: '1.2.3.4', sourceAeTitle: 'CT1' },
  });
  for (const n of [10, 132, 150, head.length - 1]) assert.deepEqual(readPart10Meta(file.subarray(0, n)), { ok: true, value: undefined }, `${n} bytes`);
});

test('refuses what is not Part 10', () => {
  const r = readPart10Meta(Buffer.alloc(200));
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.error.message, /DICM/);
});
