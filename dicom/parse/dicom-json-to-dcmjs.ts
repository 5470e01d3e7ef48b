// The DICOM JSON model -> dcmjs's dictionary, to write responses (C-FIND identifiers) on the wire.
import type { DcmjsDict } from '../dcmjs.ts';
import type { DicomJson, DicomJsonValue } from '../dicom-json.ts';

export function fromDicomJson(json: DicomJson): DcmjsDict {
  const out: DcmjsDict = {};
  for (const [tag, el] of Object.entries(json)) {
    if (el.vr === 'SQ') {
      out[tag] = { vr: 'SQ', Value: (el.Value ?? []).map((item) => fromDicomJson(item as DicomJson)) };
    } else if (el.InlineBinary !== undefined) {
      const b = Buffer.from(el.InlineBinary, 'base64');
      out[tag] = { vr: el.vr, Value: [b.buffer.slice(b.byteOffset, b.byteOffset + b.length)] };
    } else if (el.vr === 'AT') {
      out[tag] = { vr: 'AT', Value: (el.Value ?? []).map((v: DicomJsonValue) => (typeof v === 'string' ? parseInt(v, 16) : v)) };
    } else {
      out[tag] = { vr: el.vr, Value: (el.Value ?? []).map((v) => (v === null ? '' : v)) };
    }
  }
  return out;
}
