import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toDicomJson } from '../parse/dcmjs-to-dicom-json.ts';
import { dcmjs, EXPLICIT_VR_LE } from '../dcmjs.ts';
import { bulkValue, parseBulkPath } from './bulk-data.ts';

function el(group: number, elem: number, vr: string, value: Buffer): Buffer {
  const long = ['OB', 'OW', 'SQ', 'UN', 'UT'].includes(vr);
  const h = Buffer.alloc(long ? 12 : 8);
  h.writeUInt16LE(group, 0);
  h.writeUInt16LE(elem, 2);
  h.write(vr, 4, 'latin1');
  if (long) h.writeUInt32LE(value.length, 8);
  else h.writeUInt16LE(value.length, 6);
  return Buffer.concat([h, value]);
}
function item(value: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16LE(0xfffe, 0);
  h.writeUInt16LE(0xe000, 2);
  h.writeUInt32LE(value.length, 4);
  return Buffer.concat([h, value]);
}

test('the BulkDataURIs that ingest wrote into the metadata resolve to the values, top level and inside a sequence', () => {
  const doc = Buffer.alloc(3000, 7);
  const icon = Buffer.alloc(1500, 9);
  const ds = Buffer.concat([
    el(0x0008, 0x0060, 'CS', Buffer.from('DOC ')),
    el(0x0042, 0x0011, 'OB', doc),
    el(0x0088, 0x0200, 'SQ', item(el(0x7fe0, 0x0010, 'OB', icon))),
  ]);
  // What ingest stores as metadata (parse/instance-metadata.ts does the same read).
  const ab = ds.buffer.slice(ds.byteOffset, ds.byteOffset + ds.length) as ArrayBuffer;
  const metadata = toDicomJson(dcmjs.data.DicomMessage._read(new dcmjs.data.ReadBufferStream(ab, true, { noCopy: true }), EXPLICIT_VR_LE, {}));
  const top = metadata['00420011']!.BulkDataURI!;
  const nested = (metadata['00880200']!.Value![0] as Record<string, { BulkDataURI?: string }>)['7FE00010']!.BulkDataURI!;
  assert.equal(top, 'bulkdata/00420011');
  assert.equal(nested, 'bulkdata/00880200/0/7FE00010');
  for (const [uri, expected] of [[top, doc], [nested, icon]] as const) {
    const path = parseBulkPath(uri.split('/').slice(1));
    assert.ok(path.ok);
    const value = bulkValue(ds, true, path.value);
    assert.ok(value.ok && value.value.equals(expected), uri);
  }
  const missing = bulkValue(ds, true, { tags: ['00880200', '7FE00010'], items: [3] });
  assert.equal(missing.ok, false);
  if (!missing.ok) assert.equal(missing.error.code, 'DICOM_BULKDATA_NOT_FOUND');
});
