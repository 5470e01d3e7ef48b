import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CR, FS, VT, frameMllp } from './mllp-frame.ts';

test('framing bytes are the ones of standards-mappings 7.1', () => {
  assert.deepEqual([VT, FS, CR], [0x0b, 0x1c, 0x0d]);
});

test('frameMllp wraps the payload in VT ... FS CR and copies it', () => {
  const payload = Buffer.from('MSH|^~\\&|A\rPID|1\r', 'latin1');
  const framed = frameMllp(payload);
  assert.deepEqual(framed, Buffer.concat([Buffer.from([0x0b]), payload, Buffer.from([0x1c, 0x0d])]));
  payload[0] = 0x58;
  assert.equal(framed[1], 0x4d, 'the frame does not share memory with the payload');
});

test('an empty payload gives a three-byte frame', () => {
  assert.deepEqual(frameMllp(Buffer.alloc(0)), Buffer.from([0x0b, 0x1c, 0x0d]));
});
