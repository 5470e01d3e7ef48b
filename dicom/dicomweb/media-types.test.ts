import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptsDicomJson, acceptsOctetStream, chooseImageType, chooseInstanceSyntax, choosePixelRepresentation, mediaMatches, parseAccept, parseMediaType } from './media-types.ts';

const EXPLICIT = '1.2.840.10008.1.2.1';
const IMPLICIT = '1.2.840.10008.1.2';
const JPEG_LOSSLESS = '1.2.840.10008.1.2.4.70';
const J2K = '1.2.840.10008.1.2.4.90';

test('parseAccept: multipart ranges with type and transfer-syntax, ordered by q', () => {
  const a = parseAccept('multipart/related; type="application/octet-stream"; transfer-syntax=*;q=0.5, multipart/related; type="image/jpeg"; transfer-syntax=1.2.840.10008.1.2.4.70, application/dicom+json');
  assert.deepEqual(a, [
    { multipart: true, mediaType: 'image/jpeg', transferSyntax: JPEG_LOSSLESS, q: 1 },
    { multipart: false, mediaType: 'application/dicom+json', q: 1 },
    { multipart: true, mediaType: 'application/octet-stream', transferSyntax: '*', q: 0.5 },
  ]);
});

test('parseAccept: none is */*, the accept query parameter wins, q=0 is dropped', () => {
  assert.deepEqual(parseAccept(undefined), [{ multipart: false, mediaType: '*/*', q: 1 }]);
  assert.deepEqual(parseAccept('application/json', 'image/png'), [{ multipart: false, mediaType: 'image/png', q: 1 }]);
  assert.deepEqual(parseAccept('image/png;q=0, image/jpeg'), [{ multipart: false, mediaType: 'image/jpeg', q: 1 }]);
});

test('parseMediaType keeps quoted parameters whole', () => {
  assert.deepEqual(parseMediaType('multipart/related; type="application/dicom"; boundary="a;b=c"'), { type: 'multipart/related', params: { type: 'application/dicom', boundary: 'a;b=c' } });
});

test('mediaMatches: ranges and aliases', () => {
  assert.ok(mediaMatches('*/*', 'image/jls'));
  assert.ok(mediaMatches('image/*', 'image/jls'));
  assert.ok(mediaMatches('image/x-jls', 'image/jls'));
  assert.ok(!mediaMatches('image/jpeg', 'image/jls'));
});

const pixelCases: { name: string; accept: string; stored: string; expect: { mediaType: string; transferSyntax: string; multipart?: boolean } | undefined }[] = [
  { name: 'uncompressed, default octet-stream', accept: 'multipart/related; type="application/octet-stream"', stored: EXPLICIT, expect: { mediaType: 'application/octet-stream', transferSyntax: EXPLICIT, multipart: true } },
  { name: 'implicit stored goes out as explicit LE octets', accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2.1', stored: IMPLICIT, expect: { mediaType: 'application/octet-stream', transferSyntax: EXPLICIT, multipart: true } },
  { name: 'transfer-syntax=* on uncompressed', accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*', stored: EXPLICIT, expect: { mediaType: 'application/octet-stream', transferSyntax: EXPLICIT, multipart: true } },
  { name: 'transfer-syntax=* on JPEG lossless, octet-stream asked', accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*', stored: JPEG_LOSSLESS, expect: { mediaType: 'application/octet-stream', transferSyntax: JPEG_LOSSLESS, multipart: true } },
  { name: 'image/jpeg for JPEG lossless', accept: 'multipart/related; type="image/jpeg"', stored: JPEG_LOSSLESS, expect: { mediaType: 'image/jpeg', transferSyntax: JPEG_LOSSLESS, multipart: true } },
  { name: 'compressed, only uncompressed accepted: no transcoding', accept: 'multipart/related; type="application/octet-stream"', stored: JPEG_LOSSLESS, expect: undefined },
  { name: 'asks another compressed syntax', accept: 'multipart/related; type="image/jp2"; transfer-syntax=1.2.840.10008.1.2.4.90', stored: JPEG_LOSSLESS, expect: undefined },
  { name: 'second choice fits', accept: 'multipart/related; type="image/jp2", multipart/related; type="image/jpeg"', stored: JPEG_LOSSLESS, expect: { mediaType: 'image/jpeg', transferSyntax: JPEG_LOSSLESS, multipart: true } },
  { name: 'JPEG 2000 as image/jp2 with its syntax', accept: `multipart/related; type="image/jp2"; transfer-syntax=${J2K}`, stored: J2K, expect: { mediaType: 'image/jp2', transferSyntax: J2K, multipart: true } },
  { name: 'single part octet-stream', accept: 'application/octet-stream', stored: EXPLICIT, expect: { mediaType: 'application/octet-stream', transferSyntax: EXPLICIT, multipart: false } },
  { name: 'json is no pixel type', accept: 'application/dicom+json', stored: EXPLICIT, expect: undefined },
];
for (const c of pixelCases) {
  test(`choosePixelRepresentation: ${c.name}`, () => assert.deepEqual(choosePixelRepresentation(parseAccept(c.accept), c.stored), c.expect));
}

test('chooseInstanceSyntax: as stored, or refused when another syntax is demanded', () => {
  assert.deepEqual(chooseInstanceSyntax(parseAccept('multipart/related; type="application/dicom"'), JPEG_LOSSLESS), { transferSyntax: JPEG_LOSSLESS, multipart: true });
  assert.deepEqual(chooseInstanceSyntax(parseAccept('multipart/related; type="application/dicom"; transfer-syntax=*'), IMPLICIT), { transferSyntax: IMPLICIT, multipart: true });
  assert.deepEqual(chooseInstanceSyntax(parseAccept('application/dicom'), EXPLICIT), { transferSyntax: EXPLICIT, multipart: false });
  assert.equal(chooseInstanceSyntax(parseAccept(`multipart/related; type="application/dicom"; transfer-syntax=${EXPLICIT}`), JPEG_LOSSLESS), undefined);
  assert.equal(chooseInstanceSyntax(parseAccept('application/dicom+json'), EXPLICIT), undefined);
});

test('JSON, octet-stream and image choices', () => {
  assert.ok(acceptsDicomJson(parseAccept('application/dicom+json')));
  assert.ok(acceptsDicomJson(parseAccept('application/json')));
  assert.ok(acceptsDicomJson(parseAccept(undefined)));
  assert.ok(!acceptsDicomJson(parseAccept('multipart/related; type="application/dicom+xml"')));
  assert.deepEqual(acceptsOctetStream(parseAccept('multipart/related; type="application/octet-stream"')), { multipart: true });
  assert.equal(acceptsOctetStream(parseAccept('image/png')), undefined);
  assert.equal(chooseImageType(parseAccept(undefined)), 'image/jpeg');
  assert.equal(chooseImageType(parseAccept('image/png')), 'image/png');
  assert.equal(chooseImageType(parseAccept('image/gif')), undefined);
});
