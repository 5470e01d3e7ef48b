// A baseline JPEG writer (ITU T.81, JFIF) for rendered images and thumbnails: one gray component
// when every pixel is gray, else YCbCr without subsampling; the example quantization tables of
// Annex K scaled by quality (libjpeg's formula) and the Annex K Huffman tables. Pure.

const ZIGZAG = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30,
  37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

// Annex K.1, in natural (row-major) order.
const LUMA_Q = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55,
  64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMA_Q = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
  99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

// Annex K.3: code counts by length (1..16), then the symbols.
type HuffSpec = { bits: number[]; values: number[] };
const DC_LUMA: HuffSpec = { bits: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] };
const DC_CHROMA: HuffSpec = { bits: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] };
const AC_LUMA: HuffSpec = {
  bits: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
  values: [
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1,
    0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39,
    0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75,
    0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
    0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8,
    0xd9, 0xda, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
  ],
};
const AC_CHROMA: HuffSpec = {
  bits: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
  values: [
    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09,
    0x23, 0x33, 0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38,
    0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74,
    0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
    0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6,
    0xd7, 0xd8, 0xd9, 0xda, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
  ],
};

type Code = { code: number; length: number };

/** Annex C: canonical codes from the counts by length. */
function huffmanCodes(spec: HuffSpec): Code[] {
  const out: Code[] = [];
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < spec.bits[len - 1]!; i++) out[spec.values[k++]!] = { code: code++, length: len };
    code <<= 1;
  }
  return out;
}

const TABLES = { dcLuma: huffmanCodes(DC_LUMA), acLuma: huffmanCodes(AC_LUMA), dcChroma: huffmanCodes(DC_CHROMA), acChroma: huffmanCodes(AC_CHROMA) };

function scaledTable(base: number[], quality: number): number[] {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const scale = q < 50 ? 5000 / q : 200 - q * 2;
  return base.map((v) => Math.min(255, Math.max(1, Math.floor((v * scale + 50) / 100))));
}

// cos((2x+1)uπ/16) * C(u)/2, for the separable forward DCT.
const DCT = (() => {
  const m = new Float64Array(64);
  for (let u = 0; u < 8; u++) for (let x = 0; x < 8; x++) m[u * 8 + x] = (u === 0 ? Math.SQRT1_2 : 1) * 0.5 * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
  return m;
})();

class BitWriter {
  private bytes: number[] = [];
  private acc = 0;
  private n = 0;
  write(code: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((code >>> i) & 1);
      if (++this.n === 8) this.flushByte();
    }
  }
  private flushByte(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0); // byte stuffing (F.1.2.3)
    this.acc = 0;
    this.n = 0;
  }
  finish(): Buffer {
    if (this.n > 0) this.write(0x7f, 8 - this.n); // pad with 1-bits
    return Buffer.from(this.bytes);
  }
}

/** Magnitude category and the bits of a coefficient (F.1.2.1). */
function category(v: number): { size: number; bits: number } {
  const a = Math.abs(v);
  let size = 0;
  while (a >> size) size++;
  return { size, bits: v < 0 ? v + (1 << size) - 1 : v };
}

function encodeBlock(block: Float64Array, q: number[], prevDc: number, dc: Code[], ac: Code[], out: BitWriter): number {
  // Forward DCT, rows then columns.
  const tmp = new Float64Array(64);
  for (let y = 0; y < 8; y++)
    for (let u = 0; u < 8; u++) {
      let s = 0;
      for (let x = 0; x < 8; x++) s += DCT[u * 8 + x]! * block[y * 8 + x]!;
      tmp[y * 8 + u] = s;
    }
  const coef = new Int32Array(64);
  for (let u = 0; u < 8; u++)
    for (let v = 0; v < 8; v++) {
      let s = 0;
      for (let y = 0; y < 8; y++) s += DCT[v * 8 + y]! * tmp[y * 8 + u]!;
      coef[v * 8 + u] = Math.round(s / q[v * 8 + u]!);
    }
  const d = coef[0]! - prevDc;
  const c = category(d);
  out.write(dc[c.size]!.code, dc[c.size]!.length);
  if (c.size) out.write(c.bits, c.size);
  let run = 0;
  for (let k = 1; k < 64; k++) {
    const v = coef[ZIGZAG[k]!]!;
    if (v === 0) {
      run++;
      continue;
    }
    while (run > 15) {
      out.write(ac[0xf0]!.code, ac[0xf0]!.length);
      run -= 16;
    }
    const a = category(v);
    const sym = (run << 4) | a.size;
    out.write(ac[sym]!.code, ac[sym]!.length);
    out.write(a.bits, a.size);
    run = 0;
  }
  if (run > 0) out.write(ac[0]!.code, ac[0]!.length);
  return coef[0]!;
}

function segment(marker: number, body: number[] | Buffer): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt16BE(marker, 0);
  b.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([b, Buffer.from(body)]);
}

function dht(cls: number, id: number, spec: HuffSpec): number[] {
  return [(cls << 4) | id, ...spec.bits, ...spec.values];
}

/** `rgba`: width * height * 4 bytes, rows top to bottom; alpha is ignored. `quality` 1..100. */
export function encodeJpeg(rgba: Uint8Array, width: number, height: number, quality = 90): Buffer {
  if (rgba.length !== width * height * 4) throw new Error(`encodeJpeg: ${rgba.length} bytes for ${width}x${height} RGBA`);
  if (width < 1 || height < 1 || width > 65535 || height > 65535) throw new Error('encodeJpeg: size out of range');
  let gray = true;
  for (let i = 0; i < rgba.length && gray; i += 4) gray = rgba[i] === rgba[i + 1] && rgba[i] === rgba[i + 2];
  const qLuma = scaledTable(LUMA_Q, quality);
  const qChroma = scaledTable(CHROMA_Q, quality);
  const comps = gray ? 1 : 3;

  const head: Buffer[] = [Buffer.from([0xff, 0xd8])];
  head.push(segment(0xffe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0])); // JFIF 1.01, no density
  head.push(segment(0xffdb, [0, ...ZIGZAG.map((i) => qLuma[i]!), ...(gray ? [] : [1, ...ZIGZAG.map((i) => qChroma[i]!)])]));
  const sof = [8, height >> 8, height & 0xff, width >> 8, width & 0xff, comps, 1, 0x11, 0];
  if (!gray) sof.push(2, 0x11, 1, 3, 0x11, 1);
  head.push(segment(0xffc0, sof));
  head.push(segment(0xffc4, [...dht(0, 0, DC_LUMA), ...dht(1, 0, AC_LUMA), ...(gray ? [] : [...dht(0, 1, DC_CHROMA), ...dht(1, 1, AC_CHROMA)])]));
  head.push(segment(0xffda, gray ? [1, 1, 0x00, 0, 63, 0] : [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]));

  const out = new BitWriter();
  const blocks = [new Float64Array(64), new Float64Array(64), new Float64Array(64)];
  const prev = [0, 0, 0];
  for (let by = 0; by < height; by += 8) {
    for (let bx = 0; bx < width; bx += 8) {
      for (let y = 0; y < 8; y++) {
        const sy = Math.min(by + y, height - 1); // edge pixels repeat into the partial blocks
        for (let x = 0; x < 8; x++) {
          const sx = Math.min(bx + x, width - 1);
          const p = (sy * width + sx) * 4;
          const r = rgba[p]!;
          const g = rgba[p + 1]!;
          const b = rgba[p + 2]!;
          if (gray) blocks[0]![y * 8 + x] = r - 128;
          else {
            blocks[0]![y * 8 + x] = 0.299 * r + 0.587 * g + 0.114 * b - 128;
            blocks[1]![y * 8 + x] = -0.168736 * r - 0.331264 * g + 0.5 * b;
            blocks[2]![y * 8 + x] = 0.5 * r - 0.418688 * g - 0.081312 * b;
          }
        }
      }
      prev[0] = encodeBlock(blocks[0]!, qLuma, prev[0]!, TABLES.dcLuma, TABLES.acLuma, out);
      if (!gray) {
        prev[1] = encodeBlock(blocks[1]!, qChroma, prev[1]!, TABLES.dcChroma, TABLES.acChroma, out);
        prev[2] = encodeBlock(blocks[2]!, qChroma, prev[2]!, TABLES.dcChroma, TABLES.acChroma, out);
      }
    }
  }
  return Buffer.concat([...head, out.finish(), Buffer.from([0xff, 0xd9])]);
}
