import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bufferSource } from '../parse/byte-source.ts';
import { findPixelData, frameRanges, parseFrameList } from './pixel-data.ts';
import type { ByteRange, PixelData } from './pixel-data.ts';

/** An explicit VR little endian element. */
function el(group: number, elem: number, vr: string, value: Buffer, undefinedLength = false): Buffer {
  const long = ['OB', 'OW', 'SQ', 'UN', 'UT'].includes(vr);
  const h = Buffer.alloc(long ? 12 : 8);
  h.writeUInt16LE(group, 0);
  h.writeUInt16LE(elem, 2);
  h.write(vr, 4, 'latin1');
  if (long) h.writeUInt32LE(undefinedLength ? 0xffffffff : value.length, 8);
  else h.writeUInt16LE(value.length, 6);
  return Buffer.concat([h, value]);
}
const us = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
};
function item(tagElem: number, value: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16LE(0xfffe, 0);
  h.writeUInt16LE(tagElem, 2);
  h.writeUInt32LE(value.length, 4);
  return Buffer.concat([h, value]);
}
const header = (frames: number) => [el(0x0028, 0x0008, 'IS', Buffer.from(frames > 9 ? String(frames) : `${frames} `)), el(0x0028, 0x0010, 'US', us(2)), el(0x0028, 0x0011, 'US', us(3))];

function encapsulated(fragments: Buffer[], offsets: number[] = []): Buffer {
  const bot = Buffer.alloc(offsets.length * 4);
  offsets.forEach((o, i) => bot.writeUInt32LE(o, i * 4));
  const body = Buffer.concat([item(0xe000, bot), ...fragments.map((f) => item(0xe000, f)), item(0xe0dd, Buffer.alloc(0))]);
  return el(0x7fe0, 0x0010, 'OB', body, true);
}

const read = (ds: Buffer, frames: ByteRange[][]) => frames.map((f) => Buffer.concat(f.map((r) => ds.subarray(r.offset, r.offset + r.length))).toString('latin1'));
const geometry = (n: number, bits = 8) => ({ rows: 2, columns: 3, samplesPerPixel: 1, bitsAllocated: bits, numberOfFrames: n });

test('native pixel data: frames are consecutive slices of the value', () => {
  const ds = Buffer.concat([...header(2), el(0x7fe0, 0x0010, 'OB', Buffer.from('abcdefABCDEF'))]);
  const px = findPixelData(bufferSource(ds), true);
  assert.ok(px.ok && px.value && !px.value.encapsulated);
  const frames = frameRanges(px.value as PixelData, geometry(2));
  assert.ok(frames.ok);
  assert.deepEqual(read(ds, frames.value), ['abcdef', 'ABCDEF']);
  const px16 = frameRanges(px.value as PixelData, { ...geometry(1), bitsAllocated: 16 });
  assert.ok(px16.ok);
  assert.deepEqual(read(ds, px16.value), ['abcdefABCDEF']);
});

test('encapsulated: one frame is every fragment; fragments map by the offset table', () => {
  const one = Buffer.concat([...header(1), encapsulated([Buffer.from('\xff\xd8ab', 'latin1'), Buffer.from('cd')])]);
  let px = findPixelData(bufferSource(one), true);
  assert.ok(px.ok && px.value?.encapsulated);
  let frames = frameRanges(px.value!, geometry(1));
  assert.ok(frames.ok);
  assert.deepEqual(read(one, frames.value), ['\xff\xd8abcd']);

  // Three fragments, two frames; offsets count from the first fragment's item tag (8 + 4 bytes per item).
  const two = Buffer.concat([...header(2), encapsulated([Buffer.from('aaaa'), Buffer.from('bb'), Buffer.from('cccc')], [0, 22])]);
  px = findPixelData(bufferSource(two), true);
  assert.ok(px.ok && px.value?.encapsulated);
  frames = frameRanges(px.value!, geometry(2));
  assert.ok(frames.ok);
  assert.deepEqual(read(two, frames.value), ['aaaabb', 'cccc']);
});

test('encapsulated without an offset table: one fragment per frame, or split at JPEG start markers', () => {
  const even = Buffer.concat([...header(2), encapsulated([Buffer.from('xx'), Buffer.from('yy')])]);
  let px = findPixelData(bufferSource(even), true);
  assert.ok(px.ok && px.value);
  let frames = frameRanges(px.value!, geometry(2));
  assert.ok(frames.ok);
  assert.deepEqual(read(even, frames.value), ['xx', 'yy']);

  const jpeg = Buffer.concat([...header(2), encapsulated([Buffer.from('\xff\xd81', 'latin1'), Buffer.from('23'), Buffer.from('\xff\xd84', 'latin1')])]);
  px = findPixelData(bufferSource(jpeg), true);
  assert.ok(px.ok && px.value);
  frames = frameRanges(px.value!, geometry(2), (r) => jpeg.subarray(r.offset, r.offset + 8));
  assert.ok(frames.ok);
  assert.deepEqual(read(jpeg, frames.value), ['\xff\xd8123', '\xff\xd84']);

  const unknown = Buffer.concat([...header(2), encapsulated([Buffer.from('ab'), Buffer.from('cd'), Buffer.from('ef')])]);
  px = findPixelData(bufferSource(unknown), true);
  assert.ok(px.ok && px.value);
  assert.equal(frameRanges(px.value!, geometry(2), (r) => unknown.subarray(r.offset, r.offset + 8)).ok, false);
});

test('no pixel data, and a truncated data set', () => {
  const none = Buffer.concat(header(1));
  const px = findPixelData(bufferSource(none), true);
  assert.ok(px.ok);
  assert.equal(px.value, undefined);
  const cut = Buffer.concat([...header(1), el(0x7fe0, 0x0010, 'OB', Buffer.from('abcdef'))]).subarray(0, -2);
  const bad = findPixelData(bufferSource(cut), true);
  assert.equal(bad.ok, false);
});

test('parseFrameList', () => {
  assert.deepEqual(parseFrameList('1,3, 2'), { ok: true, value: [1, 3, 2] });
  for (const bad of ['0', '1,,2', 'a', '-1', '1.5']) assert.equal(parseFrameList(bad).ok, false, bad);
});
