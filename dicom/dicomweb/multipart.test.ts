import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MultipartReader } from './multipart-reader.ts';
import type { MultipartEvent } from './multipart-reader.ts';
import { MultipartWriter } from './multipart-writer.ts';

function parts(events: MultipartEvent[]): { headers: Record<string, string>; body: string }[] {
  const out: { headers: Record<string, string>; body: Buffer[] }[] = [];
  for (const e of events) {
    if (e.kind === 'part') out.push({ headers: e.headers, body: [] });
    else if (e.kind === 'data') out[out.length - 1]!.body.push(e.chunk);
  }
  return out.map((p) => ({ headers: p.headers, body: Buffer.concat(p.body).toString('latin1') }));
}

function readAll(body: Buffer, boundary: string, chunkSize: number) {
  const r = new MultipartReader(boundary);
  const events: MultipartEvent[] = [];
  for (let i = 0; i < body.length; i += chunkSize) {
    const e = r.push(body.subarray(i, i + chunkSize));
    assert.ok(e.ok, e.ok ? '' : e.error.message);
    if (e.ok) events.push(...e.value);
  }
  return { events, end: r.end() };
}

test('what the writer writes, the reader reads back, whatever the chunking', () => {
  const w = new MultipartWriter('b0undary');
  const payloads = ['first part', '', 'has --b0undary inside and \r\n--b0undar almost', 'x'.repeat(5000)];
  const body = Buffer.concat([...payloads.flatMap((p, i) => [w.head('application/dicom', { 'Content-ID': `<${i}>` }), Buffer.from(p, 'latin1')]), w.end()]);
  for (const size of [1, 2, 7, 64, 100000]) {
    const { events, end } = readAll(body, 'b0undary', size);
    assert.ok(end.ok);
    const got = parts(events);
    assert.deepEqual(got.map((p) => p.body), payloads, `chunk size ${size}`);
    assert.deepEqual(got[0]!.headers, { 'content-type': 'application/dicom', 'content-id': '<0>' });
    assert.equal(events.filter((e) => e.kind === 'end-part').length, payloads.length);
  }
  assert.equal(w.contentType('application/dicom'), 'multipart/related; type="application/dicom"; boundary=b0undary');
});

test('dicomweb-client style body: leading CRLF, quoted boundary, no final CRLF', () => {
  const body = Buffer.from('\r\n--abc\r\nContent-Type: application/dicom\r\n\r\nONE\r\n--abc\r\nContent-Type: application/dicom\r\n\r\nTWO\r\n--abc--', 'latin1');
  const { events, end } = readAll(body, 'abc', 3);
  assert.ok(end.ok);
  assert.deepEqual(parts(events).map((p) => p.body), ['ONE', 'TWO']);
});

test('a preamble is skipped, an epilogue ignored', () => {
  const body = Buffer.from('preamble text\r\n--abc\r\n\r\nDATA\r\n--abc--\r\nepilogue', 'latin1');
  const { events, end } = readAll(body, 'abc', 4);
  assert.ok(end.ok);
  assert.deepEqual(parts(events), [{ headers: {}, body: 'DATA' }]);
});

test('a body that stops before the closing boundary is an error at the end', () => {
  const body = Buffer.from('--abc\r\nContent-Type: application/dicom\r\n\r\nDATA that never ends', 'latin1');
  const { events, end } = readAll(body, 'abc', 5);
  assert.equal(events.filter((e) => e.kind === 'end-part').length, 0);
  assert.equal(end.ok, false);
});

test('garbage after a boundary is a syntax error', () => {
  const r = new MultipartReader('abc');
  const e = r.push(Buffer.from('--abc junk\r\n\r\n', 'latin1'));
  assert.equal(e.ok, false);
});
