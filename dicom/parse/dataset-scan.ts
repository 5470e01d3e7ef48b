// Walks a data set's element structure without decoding any value: every element header, every
// sequence item and every encapsulated fragment must fit, and the last element must end exactly
// where the data set ends. This is what tells a complete object from a truncated one, cheaply:
// the pixel data is stepped over, never read. PS3.5 sections 7.1 (elements), 7.5 (sequences),
// A.4 (encapsulated pixel data), 6.2.2 (UN with undefined length is implicit VR inside).
import type { Result } from '../../engine/index.ts';
import type { DicomError } from '../dicom-error.ts';
import type { ByteSource } from './byte-source.ts';

export type DatasetLayout = {
  /** Offset of the first top-level element of group 7FE0 or above (pixel data, trailing padding); the length when there is none. */
  bulkStart: number;
  /** Number of top-level elements. */
  elements: number;
};

const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQUENCE_END = 0xfffee0dd;
const UNDEFINED = 0xffffffff;
const BULK_GROUP_START = 0x7fe00000;
const MAX_DEPTH = 32;
const LONG_VRS: ReadonlySet<string> = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);

class ScanFailure extends Error {
  readonly code: 'DICOM_TRUNCATED' | 'DICOM_INVALID_DATASET';
  constructor(code: 'DICOM_TRUNCATED' | 'DICOM_INVALID_DATASET', message: string) {
    super(message);
    this.code = code;
  }
}

type Header = { tag: number; vr: string; length: number; size: number };

const hex = (tag: number) => `(${(tag >>> 16).toString(16).padStart(4, '0')},${(tag & 0xffff).toString(16).padStart(4, '0')})`.toUpperCase();

class Walker {
  private readonly src: ByteSource;

  constructor(src: ByteSource) {
    this.src = src;
  }

  header(pos: number, explicit: boolean): Header {
    const b = this.src.read(pos, 12);
    if (b.length < 8) throw new ScanFailure('DICOM_TRUNCATED', `data set ends inside an element header at byte ${pos}`);
    const tag = ((b.readUInt16LE(0) << 16) | b.readUInt16LE(2)) >>> 0;
    if (tag >>> 16 === 0xfffe || !explicit) return { tag, vr: '', length: b.readUInt32LE(4), size: 8 };
    const vr = b.toString('latin1', 4, 6);
    if (!/^[A-Z]{2}$/.test(vr)) throw new ScanFailure('DICOM_INVALID_DATASET', `element ${hex(tag)} at byte ${pos} has no valid VR`);
    if (!LONG_VRS.has(vr)) return { tag, vr, length: b.readUInt16LE(6), size: 8 };
    if (b.length < 12) throw new ScanFailure('DICOM_TRUNCATED', `data set ends inside the header of ${hex(tag)}`);
    return { tag, vr, length: b.readUInt32LE(8), size: 12 };
  }

  /** Walks elements from pos; inside an undefined-length item it stops after the item delimiter. */
  dataset(pos: number, explicit: boolean, depth: number, inItem: boolean, top?: DatasetLayout): number {
    if (depth > MAX_DEPTH) throw new ScanFailure('DICOM_INVALID_DATASET', 'sequences nested too deeply');
    const end = this.src.length;
    while (pos < end) {
      const h = this.header(pos, explicit);
      if (h.tag === ITEM_END) {
        if (!inItem) throw new ScanFailure('DICOM_INVALID_DATASET', `item delimiter outside an item at byte ${pos}`);
        return pos + 8;
      }
      if (h.tag >>> 16 === 0xfffe) throw new ScanFailure('DICOM_INVALID_DATASET', `unexpected ${hex(h.tag)} at byte ${pos}`);
      if (top) {
        if (h.tag >= BULK_GROUP_START && top.bulkStart === end) top.bulkStart = pos;
        top.elements++;
      }
      pos += h.size;
      if (h.length === UNDEFINED) {
        if (!explicit || h.vr === 'SQ') pos = this.sequence(pos, explicit, depth + 1);
        else if (h.vr === 'UN') pos = this.sequence(pos, false, depth + 1);
        else if (h.vr === 'OB' || h.vr === 'OW') pos = this.fragments(pos, h.tag);
        else throw new ScanFailure('DICOM_INVALID_DATASET', `element ${hex(h.tag)} (${h.vr}) has an undefined length`);
      } else {
        if (pos + h.length > end) throw new ScanFailure('DICOM_TRUNCATED', `element ${hex(h.tag)} needs ${h.length} bytes, ${end - pos} remain`);
        pos += h.length;
      }
    }
    if (inItem) throw new ScanFailure('DICOM_TRUNCATED', 'data set ends inside a sequence item');
    return pos;
  }

  sequence(pos: number, explicit: boolean, depth: number): number {
    for (;;) {
      const h = this.header(pos, false);
      pos += 8;
      if (h.tag === SEQUENCE_END) return pos;
      if (h.tag !== ITEM) throw new ScanFailure('DICOM_INVALID_DATASET', `expected a sequence item at byte ${pos - 8}, found ${hex(h.tag)}`);
      if (h.length === UNDEFINED) pos = this.dataset(pos, explicit, depth, true);
      else if (pos + h.length > this.src.length) throw new ScanFailure('DICOM_TRUNCATED', `sequence item needs ${h.length} bytes, ${this.src.length - pos} remain`);
      else pos += h.length;
    }
  }

  fragments(pos: number, tag: number): number {
    for (;;) {
      const h = this.header(pos, false);
      pos += 8;
      if (h.tag === SEQUENCE_END) return pos;
      if (h.tag !== ITEM || h.length === UNDEFINED) throw new ScanFailure('DICOM_INVALID_DATASET', `bad fragment in encapsulated ${hex(tag)} at byte ${pos - 8}`);
      if (pos + h.length > this.src.length) throw new ScanFailure('DICOM_TRUNCATED', `fragment of ${hex(tag)} needs ${h.length} bytes, ${this.src.length - pos} remain`);
      pos += h.length;
    }
  }
}

/** Checks that `src` holds one complete data set and says where its bulk data (pixel data) begins. */
export function scanDataset(src: ByteSource, explicit: boolean): Result<DatasetLayout, DicomError> {
  if (src.length === 0) return { ok: false, error: { code: 'DICOM_INVALID_DATASET', message: 'the data set is empty' } };
  const layout: DatasetLayout = { bulkStart: src.length, elements: 0 };
  try {
    new Walker(src).dataset(0, explicit, 0, false, layout);
    return { ok: true, value: layout };
  } catch (err) {
    if (err instanceof ScanFailure) return { ok: false, error: { code: err.code, message: err.message } };
    throw err;
  }
}
