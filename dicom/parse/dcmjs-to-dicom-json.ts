// dcmjs's parsed dictionary -> the DICOM JSON model (PS3.18 F.2): ascending tags, no group
// lengths, empty attributes as {vr} with no Value, empty values inside multi-valued ones as
// null, PN as {Alphabetic, Ideographic, Phonetic}, AT as 8 hex digits, numbers as numbers
// (IS/DS that are not numbers keep their text, which F.2.3.1 allows). Binary values up to
// INLINE_BINARY_MAX bytes become InlineBinary; larger ones are left out and marked with a
// relative BulkDataURI "bulkdata/<tag path>" that the DICOMweb layer resolves against the instance.
import type { DcmjsDict, DcmjsElement } from '../dcmjs.ts';
import type { DicomJson, DicomJsonElement, DicomJsonValue, PersonNameValue } from '../dicom-json.ts';

export const INLINE_BINARY_MAX = 1024;

const BINARY_VRS: ReadonlySet<string> = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);
const NUMBER_VRS: ReadonlySet<string> = new Set(['US', 'SS', 'UL', 'SL', 'FL', 'FD', 'SV', 'UV', 'IS', 'DS']);

function rawTexts(el: DcmjsElement): unknown[] {
  const raw = el._rawValue;
  return Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split('\\') : [];
}

function personName(v: unknown): PersonNameValue | null {
  if (typeof v === 'string') return v.trim() ? { Alphabetic: v.trim() } : null;
  if (typeof v !== 'object' || v === null) return null;
  const out: PersonNameValue = {};
  for (const key of ['Alphabetic', 'Ideographic', 'Phonetic'] as const) {
    const text = (v as Record<string, unknown>)[key];
    if (typeof text === 'string' && text.trim()) out[key] = text.trim();
  }
  return Object.keys(out).length ? out : null;
}

function numberValue(v: unknown, raw: unknown): number | string | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  const text = typeof raw === 'string' ? raw.trim() : typeof v === 'string' ? v.trim() : '';
  return text === '' ? null : text;
}

function attributeTag(v: unknown): string | null {
  if (typeof v === 'number') return (v >>> 0).toString(16).toUpperCase().padStart(8, '0');
  if (typeof v === 'string' && v.trim()) return v.replace(/[(),\s]/g, '').toUpperCase();
  return null;
}

function binaryBytes(values: unknown[]): Buffer {
  const parts: Buffer[] = [];
  for (const v of values) {
    if (v instanceof ArrayBuffer) parts.push(Buffer.from(v));
    else if (ArrayBuffer.isView(v)) parts.push(Buffer.from(v.buffer, v.byteOffset, v.byteLength));
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

function convertElement(el: DcmjsElement, path: string): DicomJsonElement {
  const vr = el.vr;
  const values = Array.isArray(el.Value) ? el.Value : [];
  if (vr === 'SQ') {
    const items = values.filter((item): item is DcmjsDict => typeof item === 'object' && item !== null);
    return items.length ? { vr, Value: items.map((item, i) => toDicomJson(item, `${path}/${i}`)) } : { vr };
  }
  if (BINARY_VRS.has(vr)) {
    const bytes = binaryBytes(values);
    if (bytes.length === 0) return { vr };
    if (bytes.length <= INLINE_BINARY_MAX) return { vr, InlineBinary: bytes.toString('base64') };
    return { vr, BulkDataURI: `bulkdata${path}` };
  }
  let out: DicomJsonValue[];
  if (vr === 'PN') out = values.map(personName);
  else if (vr === 'AT') out = values.map(attributeTag);
  else if (NUMBER_VRS.has(vr)) {
    const raw = rawTexts(el);
    out = values.map((v, i) => numberValue(v, raw[i]));
  } else out = values.map((v) => (typeof v === 'string' ? (v === '' ? null : v) : typeof v === 'number' ? String(v) : null));
  return out.some((v) => v !== null) ? { vr, Value: out } : { vr };
}

/** Converts one (nested) dcmjs dictionary; `path` names its position for BulkDataURIs. */
export function toDicomJson(dict: DcmjsDict, path = ''): DicomJson {
  const out: DicomJson = {};
  for (const tag of Object.keys(dict).sort()) {
    const el = dict[tag];
    if (!el || typeof el !== 'object' || tag.length !== 8 || tag.endsWith('0000')) continue;
    out[tag.toUpperCase()] = convertElement(el, `${path}/${tag.toUpperCase()}`);
  }
  return out;
}
