// The DICOM JSON model of PS3.18 Annex F: tag-keyed objects ("0020000D") holding {vr, Value} or
// {vr, InlineBinary} or {vr, BulkDataURI}. The folder's one in-memory shape for data sets:
// C-FIND identifiers, the metadata kept in the index, and responses are all built from it.
export type PersonNameValue = { Alphabetic?: string; Ideographic?: string; Phonetic?: string };

export type DicomJsonValue = string | number | null | PersonNameValue | DicomJson;

export type DicomJsonElement = {
  vr: string;
  Value?: DicomJsonValue[];
  InlineBinary?: string;
  BulkDataURI?: string;
};

export type DicomJson = { [tag: string]: DicomJsonElement };

/** The first value of an element as trimmed text ('' when absent or empty). PN gives its Alphabetic group. */
export function firstText(ds: DicomJson, tag: string): string {
  const v = ds[tag]?.Value?.[0];
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  if (isPersonName(v)) return (v.Alphabetic ?? '').trim();
  return '';
}

/** Every value as trimmed text (multi-valued strings, UID lists). */
export function allTexts(ds: DicomJson, tag: string): string[] {
  return (ds[tag]?.Value ?? []).map((v) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : isPersonName(v) ? (v?.Alphabetic ?? '').trim() : ''));
}

/** The first value as an integer, or undefined (IS values that are not whole numbers are ignored). */
export function firstInteger(ds: DicomJson, tag: string): number | undefined {
  const v = ds[tag]?.Value?.[0];
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v.trim()) : NaN;
  return Number.isSafeInteger(n) && Math.abs(n) < 2 ** 31 ? n : undefined;
}

export function isPersonName(v: unknown): v is PersonNameValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && ('Alphabetic' in v || 'Ideographic' in v || 'Phonetic' in v || Object.keys(v).length === 0);
}

/** Tag "0010,0010" / "(0010,0010)" / "00100010" -> "00100010". */
export function normalizeTag(tag: string): string {
  return tag.replace(/[(),\s]/g, '').toUpperCase();
}
