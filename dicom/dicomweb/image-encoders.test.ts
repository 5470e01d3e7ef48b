// The PNG is read back with zlib as a PNG decoder would; the JPEG's structure is checked here and
// its pixels by DCMTK's decoder in test/dicomweb.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { encodeJpeg } from './jpeg-encoder.ts';
import { encodePng } from './png-encoder.ts';
import { resizeRgba } from './render-image.ts';

function gradient(w: number, h: number, gray: boolean): Uint8Array {
  const rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const p = (y * w + x) * 4;
      rgba[p] = (x * 3 + y) & 255;
      rgba[p + 1] = gray ? rgba[p]! : (y * 5) & 255;
      rgba[p + 2] = gray ? rgba[p]! : 77;
      rgba[p + 3] = 255;
    }
  return rgba;
}

/** Chunks of a PNG, and its pixels unfiltered (filter Up only, as written). */
function decodePng(png: Buffer): { width: number; height: number; colorType: number; pixels: Buffer } {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let pos = 8;
  let ihdr: Buffer | undefined;
  const idat: Buffer[] = [];
  let end = false;
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    if (type === 'IEND') end = true;
    pos += 12 + len;
  }
  assert.ok(ihdr && end);
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const colorType = ihdr[9]!;
  const channels = colorType === 0 ? 1 : 4;
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    assert.equal(raw[y * (stride + 1)], 2);
    for (let i = 0; i < stride; i++) pixels[y * stride + i] = (raw[y * (stride + 1) + 1 + i]! + (y ? pixels[(y - 1) * stride + i]! : 0)) & 255;
  }
  return { width, height, colorType, pixels };
}

test('PNG: gray images as 8-bit grayscale, others as RGBA, pixels exact', () => {
  const g = decodePng(encodePng(gradient(37, 11, true), 37, 11));
  assert.deepEqual([g.width, g.height, g.colorType], [37, 11, 0]);
  assert.equal(g.pixels[5 * 37 + 10], (10 * 3 + 5) & 255);
  const rgba = gradient(20, 9, false);
  const c = decodePng(encodePng(rgba, 20, 9));
  assert.equal(c.colorType, 6);
  assert.deepEqual(c.pixels, Buffer.from(rgba));
});

test('JPEG: baseline markers, size in SOF0, one component for gray, three for color', () => {
  for (const gray of [true, false]) {
    const jpg = encodeJpeg(gradient(33, 17, gray), 33, 17, 80);
    assert.deepEqual([...jpg.subarray(0, 2)], [0xff, 0xd8]);
    assert.deepEqual([...jpg.subarray(-2)], [0xff, 0xd9]);
    const sof = jpg.indexOf(Buffer.from([0xff, 0xc0]));
    assert.ok(sof > 0);
    assert.equal(jpg.readUInt16BE(sof + 5), 17);
    assert.equal(jpg.readUInt16BE(sof + 7), 33);
    assert.equal(jpg[sof + 9], gray ? 1 : 3);
  }
  assert.ok(encodeJpeg(gradient(64, 64, true), 64, 64, 20).length < encodeJpeg(gradient(64, 64, true), 64, 64, 95).length, 'quality changes the size');
});

test('resizeRgba averages when shrinking', () => {
  const src = { width: 4, height: 2, rgba: new Uint8Array([0, 0, 0, 255, 100, 100, 100, 255, 10, 10, 10, 255, 30, 30, 30, 255, 0, 0, 0, 255, 100, 100, 100, 255, 10, 10, 10, 255, 30, 30, 30, 255]) };
  const out = resizeRgba(src, 2, 1);
  assert.deepEqual([...out.rgba], [50, 50, 50, 255, 20, 20, 20, 255]);
});
