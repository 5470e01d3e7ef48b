// The bulk data references of the stored metadata ("bulkdata/<tag>[/<item>/<tag>...]", see
// parse/dcmjs-to-dicom-json.ts) resolved to values: the path is parsed, the data set before the
// pixel data decoded with dcmjs, and the binary value found by walking the path. Pure.
import type { Result } from '../../engine/index.ts';
import { dcmjs, EXPLICIT_VR_LE, IMPLICIT_VR_LE } from '../dcmjs.ts';
import type { DcmjsDict } from '../dcmjs.ts';
import type { DicomwebError } from './dicomweb-error.ts';

export type BulkPath = { tags: string[]; items: number[] };

const notFound = (message: string): { ok: false; error: DicomwebError } => ({ ok: false, error: { code: 'DICOM_BULKDATA_NOT_FOUND', message } });

/** "00420011" or "00540016/0/00181072" -> tags and item indexes, alternating. */
export function parseBulkPath(segments: readonly string[]): Result<BulkPath, DicomwebError> {
  const tags: string[] = [];
  const items: number[] = [];
  segments.forEach((s, i) => {
    if (i % 2 === 0) tags.push(/^[0-9A-Fa-f]{8}$/.test(s) ? s.toUpperCase() : '');
    else items.push(/^\d{1,6}$/.test(s) ? Number(s) : -1);
  });
  if (segments.length % 2 === 0 || tags.includes('') || items.includes(-1)) return notFound(`"${segments.join('/').slice(0, 120)}" is not a bulk data path (tag[/item/tag...])`);
  return { ok: true, value: { tags, items } };
}

function binary(values: unknown[]): Buffer {
  const parts: Buffer[] = [];
  for (const v of values) {
    if (v instanceof ArrayBuffer) parts.push(Buffer.from(v));
    else if (ArrayBuffer.isView(v)) parts.push(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
  }
  return Buffer.concat(parts);
}

function find(dict: DcmjsDict, tag: string) {
  return dict[tag] ?? dict[tag.toLowerCase()] ?? Object.entries(dict).find(([k]) => k.toUpperCase() === tag)?.[1];
}

/** The value at `path` in the data set part `prefix` (everything before the pixel data). */
export function bulkValue(prefix: Buffer, explicit: boolean, path: BulkPath): Result<Buffer, DicomwebError> {
  let dict: DcmjsDict;
  try {
    const ab = prefix.buffer.slice(prefix.byteOffset, prefix.byteOffset + prefix.length) as ArrayBuffer;
    const stream = new dcmjs.data.ReadBufferStream(ab, true, { noCopy: true });
    dict = dcmjs.data.DicomMessage._read(stream, explicit ? EXPLICIT_VR_LE : IMPLICIT_VR_LE, { ignoreErrors: true });
  } catch (err) {
    return notFound(`the data set cannot be read: ${(err as Error).message}`);
  }
  for (let i = 0; i < path.tags.length; i++) {
    const el = find(dict, path.tags[i]!);
    if (!el) return notFound(`no element ${path.tags[i]} at this path`);
    if (i === path.tags.length - 1) {
      if (el.vr === 'SQ') return notFound(`${path.tags[i]} is a sequence, not bulk data`);
      return { ok: true, value: binary(Array.isArray(el.Value) ? el.Value : []) };
    }
    const item = Array.isArray(el.Value) ? el.Value[path.items[i]!] : undefined;
    if (el.vr !== 'SQ' || !item || typeof item !== 'object') return notFound(`no item ${path.items[i]} in ${path.tags[i]}`);
    dict = item as DcmjsDict;
  }
  return notFound('empty bulk data path');
}
