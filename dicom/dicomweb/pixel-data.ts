// Finds an instance's pixel data in its stored data set and cuts it into frames (PS3.5 8.2 native,
// A.4 encapsulated), reading only element headers and offset tables: the frames themselves are
// byte ranges of the file, handed out as stored. Pure over a ByteSource.
import type { Result } from '../../engine/index.ts';
import type { DicomError } from '../dicom-error.ts';
import type { ByteSource } from '../parse/byte-source.ts';
import { scanDataset } from '../parse/dataset-scan.ts';
import type { DicomwebError } from './dicomweb-error.ts';

export type ByteRange = { offset: number; length: number };

export type PixelData =
  | { encapsulated: false; tag: string; vr: string; value: ByteRange }
  | { encapsulated: true; tag: string; vr: string; offsetTable: number[]; fragments: (ByteRange & { itemOffset: number })[] };

const ITEM = 0xfffee000;
const SEQUENCE_END = 0xfffee0dd;
const LONG_VRS: ReadonlySet<string> = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);
/** Pixel Data, Float Pixel Data, Double Float Pixel Data. */
const PIXEL_TAGS: ReadonlySet<number> = new Set([0x7fe00010, 0x7fe00008, 0x7fe00009]);

const hexTag = (tag: number) => (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');

function header(src: ByteSource, pos: number, explicit: boolean): { tag: number; vr: string; length: number; size: number } | undefined {
  const b = src.read(pos, 12);
  if (b.length < 8) return undefined;
  const tag = ((b.readUInt16LE(0) << 16) | b.readUInt16LE(2)) >>> 0;
  if (tag >>> 16 === 0xfffe || !explicit) return { tag, vr: tag === 0x7fe00010 ? 'OW' : 'UN', length: b.readUInt32LE(4), size: 8 };
  const vr = b.toString('latin1', 4, 6);
  if (!LONG_VRS.has(vr)) return { tag, vr, length: b.readUInt16LE(6), size: 8 };
  if (b.length < 12) return undefined;
  return { tag, vr, length: b.readUInt32LE(8), size: 12 };
}

/** The pixel data element of a data set, undefined when it has none. The structure is checked by the same walk that ingest uses. */
export function findPixelData(src: ByteSource, explicit: boolean): Result<PixelData | undefined, DicomError> {
  const layout = scanDataset(src, explicit);
  if (!layout.ok) return layout;
  let pos = layout.value.bulkStart;
  while (pos < src.length) {
    const h = header(src, pos, explicit);
    if (!h) break;
    const valueAt = pos + h.size;
    if (PIXEL_TAGS.has(h.tag)) {
      if (h.length !== 0xffffffff) return { ok: true, value: { encapsulated: false, tag: hexTag(h.tag), vr: h.vr, value: { offset: valueAt, length: h.length } } };
      return { ok: true, value: fragmentsOf(src, valueAt, hexTag(h.tag), h.vr === 'UN' ? 'OB' : h.vr) };
    }
    if (h.length === 0xffffffff) break; // another undefined-length element after the pixel data group: nothing to look for there
    pos = valueAt + h.length;
  }
  return { ok: true, value: undefined };
}

function fragmentsOf(src: ByteSource, pos: number, tag: string, vr: string): PixelData {
  const items: (ByteRange & { itemOffset: number })[] = [];
  const first = pos;
  for (;;) {
    const b = src.read(pos, 8);
    const itemTag = ((b.readUInt16LE(0) << 16) | b.readUInt16LE(2)) >>> 0;
    const length = b.readUInt32LE(4);
    if (itemTag === SEQUENCE_END) break;
    if (itemTag !== ITEM) break; // scanDataset has checked the structure; be defensive anyway
    items.push({ itemOffset: pos - first, offset: pos + 8, length });
    pos += 8 + length;
  }
  const [bot, ...fragments] = items;
  const offsetTable: number[] = [];
  if (bot && bot.length >= 4) {
    const table = src.read(bot.offset, bot.length);
    for (let i = 0; i + 4 <= table.length; i += 4) offsetTable.push(table.readUInt32LE(i));
  }
  // Offsets in the Basic Offset Table count from the first fragment's item tag.
  const base = fragments[0]?.itemOffset ?? 0;
  return { encapsulated: true, tag, vr, offsetTable, fragments: fragments.map((f) => ({ ...f, itemOffset: f.itemOffset - base })) };
}

export type ImageGeometry = { rows: number; columns: number; samplesPerPixel: number; bitsAllocated: number; numberOfFrames: number };

/** Where each frame's bytes are: one range for native pixel data, one or more fragments when encapsulated. */
export function frameRanges(pixels: PixelData, g: ImageGeometry, firstBytes?: (r: ByteRange) => Buffer): Result<ByteRange[][], DicomwebError> {
  const frames = Math.max(1, g.numberOfFrames);
  if (!pixels.encapsulated) {
    const bits = g.rows * g.columns * g.samplesPerPixel * g.bitsAllocated;
    if (bits <= 0) return { ok: false, error: { code: 'DICOM_FRAME_NOT_FOUND', message: 'the instance has no image geometry (Rows, Columns, Bits Allocated)' } };
    if (bits % 8 !== 0) return { ok: false, error: { code: 'DICOM_NOT_ACCEPTABLE', message: 'frames of bit-packed pixel data that do not end on a byte boundary cannot be cut out' } };
    const size = bits / 8;
    const out: ByteRange[][] = [];
    for (let i = 0; i < frames; i++) {
      const offset = pixels.value.offset + i * size;
      if (offset + size > pixels.value.offset + pixels.value.length) break;
      out.push([{ offset, length: size }]);
    }
    return { ok: true, value: out };
  }
  const f = pixels.fragments;
  if (f.length === 0) return { ok: true, value: [] };
  if (frames === 1) return { ok: true, value: [f] };
  if (pixels.offsetTable.length === frames) {
    const out: ByteRange[][] = pixels.offsetTable.map(() => []);
    let k = -1;
    for (const frag of f) {
      while (k + 1 < frames && pixels.offsetTable[k + 1]! <= frag.itemOffset) k++;
      if (k >= 0) out[k]!.push(frag);
    }
    return { ok: true, value: out };
  }
  if (f.length === frames) return { ok: true, value: f.map((x) => [x]) };
  // No usable offset table: a frame begins with each fragment that starts a JPEG/JPEG-LS (FFD8),
  // a JPEG 2000 codestream (FF4F) or a JP2 box.
  if (firstBytes) {
    const out: ByteRange[][] = [];
    for (const frag of f) {
      const head = firstBytes(frag);
      const starts = (head[0] === 0xff && (head[1] === 0xd8 || head[1] === 0x4f)) || head.subarray(4, 8).toString('latin1') === 'jP  ';
      if (starts || out.length === 0) out.push([frag]);
      else out[out.length - 1]!.push(frag);
    }
    if (out.length === frames) return { ok: true, value: out };
  }
  return { ok: false, error: { code: 'DICOM_NOT_ACCEPTABLE', message: `cannot tell the ${frames} frames apart among ${f.length} fragments (no offset table)` } };
}

/**
 * Frame numbers of a /frames/{list} path: "1,2,3" (PS3.18 8.3.3.3), counted from 1, each at most once, in
 * the order asked. Fails on anything else.
 */
export function parseFrameList(text: string): Result<number[], DicomError> {
  const parts = text.split(',').map((s) => s.trim());
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,9}$/.test(p) || Number(p) < 1) return { ok: false, error: { code: 'DICOM_QUERY_INVALID', message: `frame list "${text.slice(0, 100)}": frame numbers are whole numbers from 1, separated by commas` } };
    out.push(Number(p));
  }
  return { ok: true, value: out };
}
