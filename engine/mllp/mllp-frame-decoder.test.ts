import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MllpFrameDecoder } from './mllp-frame-decoder.ts';
import type { MllpDecodeEvent } from './mllp-frame-decoder.ts';
import { frameMllp } from './mllp-frame.ts';
import { mulberry32 } from './__fixtures__/seeded-random.ts';

type Shown = { frame: string } | { garbage: number } | { oversize: number };

// Events as plain values so deepEqual shows readable payloads.
function show(events: MllpDecodeEvent[]): Shown[] {
  return events.map((e) => (e.type === 'frame' ? { frame: e.payload.toString('latin1') } : e.type === 'garbage' ? { garbage: e.bytes } : { oversize: e.bytes }));
}

function decode(stream: Buffer, cuts: number[], maxFrameBytes = 64): { events: MllpDecodeEvent[]; maxBuffered: number } {
  const d = new MllpFrameDecoder({ maxFrameBytes });
  const events: MllpDecodeEvent[] = [];
  let at = 0;
  let maxBuffered = 0;
  for (const cut of [...cuts, stream.length]) {
    events.push(...d.push(stream.subarray(at, cut)));
    maxBuffered = Math.max(maxBuffered, d.bufferedBytes);
    at = cut;
  }
  events.push(...d.end());
  return { events, maxBuffered };
}

const bytes = (s: string): Buffer => Buffer.from(s.replace(/<VT>/g, '\x0b').replace(/<FS>/g, '\x1c').replace(/<CR>/g, '\r'), 'latin1');

const rows: { name: string; input: string; max?: number; expected: Shown[] }[] = [
  { name: 'one frame', input: '<VT>MSH|A<CR><FS><CR>', expected: [{ frame: 'MSH|A\r' }] },
  { name: 'empty payload', input: '<VT><FS><CR>', expected: [{ frame: '' }] },
  { name: 'two frames back to back', input: '<VT>a<FS><CR><VT>b<FS><CR>', expected: [{ frame: 'a' }, { frame: 'b' }] },
  { name: 'bytes before VT are garbage', input: 'xyz<VT>a<FS><CR>', expected: [{ garbage: 3 }, { frame: 'a' }] },
  { name: 'LF after FS CR is garbage', input: '<VT>a<FS><CR>\n<VT>b<FS><CR>\n', expected: [{ frame: 'a' }, { garbage: 1 }, { frame: 'b' }, { garbage: 1 }] },
  { name: 'VT inside a frame starts a new one', input: '<VT>abc<VT>d<FS><CR>', expected: [{ garbage: 4 }, { frame: 'd' }] },
  { name: 'FS without CR drops the frame', input: '<VT>ab<FS>x<VT>c<FS><CR>', expected: [{ garbage: 4 }, { garbage: 1 }, { frame: 'c' }] },
  { name: 'FS then VT: malformed, VT starts the next frame', input: '<VT>ab<FS><VT>c<FS><CR>', expected: [{ garbage: 4 }, { frame: 'c' }] },
  { name: 'FS FS CR: the first FS is not followed by CR', input: '<VT>a<FS><FS><CR><VT>b<FS><CR>', expected: [{ garbage: 3 }, { garbage: 2 }, { frame: 'b' }] },
  { name: 'CR alone does not end a frame', input: '<VT>a<CR>b<CR><FS><CR>', expected: [{ frame: 'a\rb\r' }] },
  { name: 'frame of exactly maxFrameBytes', input: '<VT>12345678<FS><CR>', max: 8, expected: [{ frame: '12345678' }] },
  { name: 'frame one byte over is dropped up to the next VT', input: '<VT>123456789<FS><CR>zz<VT>ok<FS><CR>', max: 8, expected: [{ oversize: 10 }, { garbage: 4 }, { frame: 'ok' }] },
  { name: 'garbage run over the limit', input: '0123456789<VT>ok<FS><CR>', max: 8, expected: [{ oversize: 9 }, { garbage: 1 }, { frame: 'ok' }] },
  { name: 'garbage run at the limit', input: '01234567<VT>ok<FS><CR>', max: 8, expected: [{ garbage: 8 }, { frame: 'ok' }] },
  { name: 'unfinished frame at end', input: '<VT>abc', expected: [{ garbage: 4 }] },
  { name: 'unfinished frame ending in FS at end', input: '<VT>abc<FS>', expected: [{ garbage: 5 }] },
  { name: 'nothing', input: '', expected: [] },
];

for (const row of rows) {
  test(`decode: ${row.name}`, () => {
    const input = bytes(row.input);
    const whole = decode(input, [], row.max);
    assert.deepEqual(show(whole.events), row.expected);
    const byByte = decode(input, Array.from({ length: input.length }, (_, k) => k), row.max);
    assert.deepEqual(show(byByte.events), row.expected, 'byte by byte');
  });
}

test('a frame split between FS and CR is one frame', () => {
  const d = new MllpFrameDecoder({ maxFrameBytes: 100 });
  assert.deepEqual(d.push(bytes('<VT>abc<FS>')), []);
  assert.deepEqual(show(d.push(bytes('<CR>'))), [{ frame: 'abc' }]);
});

test('the payload is a copy: changing the pushed chunk later does not change it', () => {
  const d = new MllpFrameDecoder({ maxFrameBytes: 100 });
  const chunk = bytes('<VT>abc<FS><CR>');
  const [event] = d.push(chunk);
  chunk.fill(0);
  assert.deepEqual(show(event ? [event] : []), [{ frame: 'abc' }]);
});

test('random chunkings of a stream give the same events as byte-by-byte feeding', () => {
  const random = mulberry32(2575);
  for (let round = 0; round < 200; round++) {
    // A stream of frames with binary payloads (no framing bytes inside), plus some noise between.
    const pieces: Buffer[] = [];
    const expected: Buffer[] = [];
    const frameCount = 1 + Math.floor(random() * 6);
    for (let f = 0; f < frameCount; f++) {
      const payload = Buffer.from(Array.from({ length: Math.floor(random() * 60) }, () => {
        const b = Math.floor(random() * 256);
        return b === 0x0b || b === 0x1c ? 0x41 : b;
      }));
      expected.push(payload);
      if (random() < 0.2) pieces.push(Buffer.from('\r\n'));
      pieces.push(frameMllp(payload));
    }
    const stream = Buffer.concat(pieces);
    const reference = decode(stream, Array.from({ length: stream.length }, (_, k) => k), 64);
    assert.deepEqual(reference.events.filter((e) => e.type === 'frame').map((e) => e.payload), expected);
    for (let c = 0; c < 5; c++) {
      const cuts = Array.from({ length: Math.floor(random() * 8) }, () => Math.floor(random() * (stream.length + 1))).sort((a, b) => a - b);
      assert.deepEqual(decode(stream, cuts, 64).events, reference.events, `round ${round}, cuts ${cuts.join(',')}`);
    }
  }
});

test('random byte soup: same events for every chunking, every byte accounted for, bounded buffer', () => {
  const random = mulberry32(7);
  const alphabet = [0x0b, 0x1c, 0x0d, 0x41, 0x42, 0x0a];
  for (let round = 0; round < 300; round++) {
    const stream = Buffer.from(Array.from({ length: Math.floor(random() * 200) }, () => alphabet[Math.floor(random() * alphabet.length)]!));
    const max = 1 + Math.floor(random() * 20);
    const reference = decode(stream, Array.from({ length: stream.length }, (_, k) => k), max);
    const cuts = Array.from({ length: Math.floor(random() * 10) }, () => Math.floor(random() * (stream.length + 1))).sort((a, b) => a - b);
    const split = decode(stream, cuts, max);
    assert.deepEqual(split.events, reference.events);
    const accounted = reference.events.reduce((n, e) => n + (e.type === 'frame' ? e.payload.length + 3 : e.bytes), 0);
    assert.equal(accounted, stream.length, `round ${round}`);
    assert.ok(reference.maxBuffered <= max && split.maxBuffered <= max);
    for (const e of reference.events) if (e.type === 'frame') assert.ok(e.payload.length <= max);
  }
});

test('10 MB without VT buffers nothing and reports one oversize', () => {
  const d = new MllpFrameDecoder({ maxFrameBytes: 1024 * 1024 });
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  const events: MllpDecodeEvent[] = [];
  for (let k = 0; k < 160; k++) {
    events.push(...d.push(chunk));
    assert.equal(d.bufferedBytes, 0);
  }
  assert.deepEqual(events, [{ type: 'oversize', bytes: 1024 * 1024 + 1 }]);
  assert.deepEqual(d.end(), [{ type: 'garbage', bytes: 160 * 64 * 1024 - (1024 * 1024 + 1) }]);
});

test('a large frame in many small chunks is not joined on every chunk', { timeout: 10_000 }, () => {
  const payload = Buffer.alloc(4 * 1024 * 1024, 0x41);
  const stream = frameMllp(payload);
  const d = new MllpFrameDecoder({ maxFrameBytes: 16 * 1024 * 1024 });
  const events: MllpDecodeEvent[] = [];
  for (let at = 0; at < stream.length; at += 16) events.push(...d.push(stream.subarray(at, at + 16)));
  assert.equal(events.length, 1);
  assert.ok(events[0]?.type === 'frame' && events[0].payload.equals(payload));
});

test('maxFrameBytes must be a positive integer', () => {
  assert.throws(() => new MllpFrameDecoder({ maxFrameBytes: 0 }), RangeError);
});
