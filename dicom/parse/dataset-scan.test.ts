// Structure checks on hand-built data sets: complete ones pass (and say where the pixel data
// starts), every kind of truncation and malformation fails with its code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bufferSource, ChunkSource } from './byte-source.ts';
import { scanDataset } from './dataset-scan.ts';

const LONG = new Set(['OB', 'OW', 'SQ', 'UN', 'UT']);
const u16 = (n: number) => Buffer.from([n & 0xff, n >> 8]);
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};
const UNDEF = 0xffffffff;

/** One element; `length` overrides the value's length (undefined length, lies). */
function el(group: number, elem: number, vr: string, value: Buffer, explicit = true, length = value.length): Buffer {
  const tag = Buffer.concat([u16(group), u16(elem)]);
  if (!explicit || group === 0xfffe) return Buffer.concat([tag, u32(length), value]);
  if (LONG.has(vr)) return Buffer.concat([tag, Buffer.from(vr), Buffer.alloc(2), u32(length), value]);
  return Buffer.concat([tag, Buffer.from(vr), u16(length), value]);
}
const item = (content: Buffer, length = content.length) => el(0xfffe, 0xe000, '', content, false, length);
const itemEnd = el(0xfffe, 0xe00d, '', Buffer.alloc(0), false);
const seqEnd = el(0xfffe, 0xe0dd, '', Buffer.alloc(0), false);
const ui = (s: string) => Buffer.from(s.length % 2 ? `${s}\0` : s, 'latin1');

const patient = el(0x0010, 0x0010, 'PN', Buffer.from('DOE^JANE'));
const sopUid = el(0x0008, 0x0018, 'UI', ui('1.2.3.4'));
const pixels = el(0x7fe0, 0x0010, 'OW', Buffer.alloc(64, 7));
const undefinedItemHeader = Buffer.concat([u16(0xfffe), u16(0xe000), u32(UNDEF)]);
const nestedUndefined = el(0x0008, 0x1140, 'SQ', Buffer.concat([undefinedItemHeader, sopUid, itemEnd, item(sopUid), seqEnd]), true, UNDEF);
const privateUn = el(0x0029, 0x1010, 'UN', Buffer.concat([item(el(0x0029, 0x1011, '', Buffer.alloc(4), false)), seqEnd]), true, UNDEF);
const encapsulated = el(0x7fe0, 0x0010, 'OB', Buffer.concat([item(Buffer.alloc(0)), item(Buffer.alloc(10, 1)), seqEnd]), true, UNDEF);

const cases: { name: string; bytes: Buffer; explicit?: boolean; expect: { bulkStart: number } | 'DICOM_TRUNCATED' | 'DICOM_INVALID_DATASET' }[] = [
  { name: 'explicit VR with pixel data', bytes: Buffer.concat([sopUid, patient, pixels]), expect: { bulkStart: sopUid.length + patient.length } },
  { name: 'no pixel data', bytes: Buffer.concat([sopUid, patient]), expect: { bulkStart: sopUid.length + patient.length } },
  { name: 'implicit VR', bytes: Buffer.concat([el(0x0008, 0x0018, 'UI', ui('1.2.3.4'), false), el(0x7fe0, 0x0010, 'OW', Buffer.alloc(8), false)]), explicit: false, expect: { bulkStart: 16 } },
  { name: 'sequence and item of undefined length', bytes: Buffer.concat([nestedUndefined, patient]), expect: { bulkStart: nestedUndefined.length + patient.length } },
  { name: 'encapsulated pixel data', bytes: Buffer.concat([patient, encapsulated]), expect: { bulkStart: patient.length } },
  { name: 'UN of undefined length (implicit VR inside)', bytes: Buffer.concat([patient, privateUn]), expect: { bulkStart: patient.length + privateUn.length } },
  { name: 'cut inside the pixel data', bytes: Buffer.concat([sopUid, patient, pixels]).subarray(0, sopUid.length + patient.length + 40), expect: 'DICOM_TRUNCATED' },
  { name: 'cut inside an element header', bytes: Buffer.concat([sopUid, patient]).subarray(0, sopUid.length + 5), expect: 'DICOM_TRUNCATED' },
  { name: 'cut inside a sequence', bytes: nestedUndefined.subarray(0, nestedUndefined.length - 8), expect: 'DICOM_TRUNCATED' },
  { name: 'cut among encapsulated fragments', bytes: Buffer.concat([patient, encapsulated]).subarray(0, patient.length + encapsulated.length - 12), expect: 'DICOM_TRUNCATED' },
  { name: 'text is not a data set', bytes: Buffer.from('this is not a DICOM data set at all'), expect: 'DICOM_INVALID_DATASET' },
  { name: 'an item delimiter at the top level', bytes: Buffer.concat([patient, itemEnd]), expect: 'DICOM_INVALID_DATASET' },
  { name: 'undefined length on a short-VR element', bytes: el(0x0010, 0x0020, 'UT', Buffer.alloc(0), true, UNDEF), expect: 'DICOM_INVALID_DATASET' },
  { name: 'empty', bytes: Buffer.alloc(0), expect: 'DICOM_INVALID_DATASET' },
];

for (const c of cases) {
  test(`scanDataset: ${c.name}`, () => {
    const r = scanDataset(bufferSource(c.bytes), c.explicit ?? true);
    if (typeof c.expect === 'string') {
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.error.code, c.expect, r.error.message);
    } else {
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      assert.equal(r.value.bulkStart, c.expect.bulkStart);
    }
  });
}

test('scanDataset reads across chunk boundaries as they came off the network', () => {
  const whole = Buffer.concat([sopUid, nestedUndefined, patient, encapsulated]);
  const chunks: Buffer[] = [];
  for (let i = 0; i < whole.length; i += 3) chunks.push(whole.subarray(i, i + 3));
  const r = scanDataset(new ChunkSource(chunks), true);
  assert.ok(r.ok);
  assert.equal(r.value.bulkStart, sopUid.length + nestedUndefined.length + patient.length);
  assert.deepEqual(new ChunkSource(chunks).read(5, 20), whole.subarray(5, 25));
});
