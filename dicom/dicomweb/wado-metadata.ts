// An instance's WADO-RS metadata (PS3.18 10.4.1.2, Annex F): the DICOM JSON captured at ingest,
// with its bulk data references made absolute, the pixel data offered as bulk data, and the
// transfer syntax it is stored in (AvailableTransferSyntaxUID, which viewers use to pick a
// decoder). Never re-reads the file. Pure.
import type { DicomJson, DicomJsonElement } from '../dicom-json.ts';
import { TransferSyntax } from '../transfer-syntaxes.ts';
import { isNativeSyntax } from './media-types.ts';

export type StoredInstanceRef = {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
};

export const PIXEL_DATA = '7FE00010';
const AVAILABLE_TRANSFER_SYNTAX = '00083002';

export function instanceUrl(base: string, i: StoredInstanceRef): string {
  return `${base}/studies/${i.studyInstanceUid}/series/${i.seriesInstanceUid}/instances/${i.sopInstanceUid}`;
}

/** Relative "bulkdata/<tag path>" references (dcmjs-to-dicom-json.ts) -> absolute URLs; elements without one are shared, not copied. */
function resolveBulk(ds: DicomJson, prefix: string): DicomJson {
  let out: DicomJson | undefined;
  for (const [tag, el] of Object.entries(ds)) {
    let next: DicomJsonElement = el;
    if (el.BulkDataURI !== undefined && el.BulkDataURI.startsWith('bulkdata/')) next = { vr: el.vr, BulkDataURI: `${prefix}/${el.BulkDataURI}` };
    else if (el.vr === 'SQ' && el.Value?.length) {
      const items = el.Value.map((item) => (item && typeof item === 'object' ? resolveBulk(item as DicomJson, prefix) : item));
      if (items.some((item, i) => item !== el.Value![i])) next = { vr: 'SQ', Value: items };
    }
    if (next !== el) {
      out ??= { ...ds };
      out[tag] = next;
    }
  }
  return out ?? ds;
}

/** Whether the instance holds an image (and so pixel data that the metadata stops short of). */
export function hasPixelData(ds: DicomJson): boolean {
  return ds['00280010']?.Value?.length === 1 && ds['00280011']?.Value?.length === 1;
}

/** The VR the pixel data was most likely written with: OB when encapsulated or 8-bit, else OW (PS3.5 8.2). */
function pixelDataVr(ds: DicomJson, ts: string): string {
  if (!isNativeSyntax(ts)) return 'OB';
  if (ts === TransferSyntax.ImplicitVRLittleEndian) return 'OW';
  const bits = Number(ds['00280100']?.Value?.[0] ?? 16);
  return bits > 8 ? 'OW' : 'OB';
}

export function instanceMetadata(base: string, i: StoredInstanceRef, stored: DicomJson): DicomJson {
  const url = instanceUrl(base, i);
  const ds = { ...resolveBulk(stored, url) };
  ds[AVAILABLE_TRANSFER_SYNTAX] = { vr: 'UI', Value: [i.transferSyntaxUid] };
  if (hasPixelData(stored) && !ds[PIXEL_DATA]) ds[PIXEL_DATA] = { vr: pixelDataVr(stored, i.transferSyntaxUid), BulkDataURI: `${url}/bulkdata/${PIXEL_DATA}` };
  return Object.fromEntries(Object.entries(ds).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
