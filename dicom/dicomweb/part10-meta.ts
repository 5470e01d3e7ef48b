// Reads the File Meta Information of a Part 10 file (PS3.10 7.1): the 128-byte preamble, "DICM",
// then group 0002 in explicit VR little endian. Tells where the data set begins and in which
// transfer syntax it is encoded. Pure: works on the first bytes of a file.
import type { Result } from '../../engine/index.ts';
import type { DicomError } from '../dicom-error.ts';

export type Part10Meta = {
  /** Offset of the data set (the end of group 0002). */
  datasetOffset: number;
  transferSyntaxUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
  sourceAeTitle?: string;
};

const LONG_VRS: ReadonlySet<string> = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV']);
const PREAMBLE = 128;

/** undefined when more bytes are needed to see the whole group. */
export function readPart10Meta(bytes: Buffer): Result<Part10Meta | undefined, DicomError> {
  const invalid = (message: string): { ok: false; error: DicomError } => ({ ok: false, error: { code: 'DICOM_INVALID_DATASET', message } });
  if (bytes.length < PREAMBLE + 4) return { ok: true, value: undefined };
  if (bytes.toString('latin1', PREAMBLE, PREAMBLE + 4) !== 'DICM') return invalid('not a DICOM Part 10 file (no "DICM" after the 128-byte preamble)');
  const values: Record<string, string> = {};
  let pos = PREAMBLE + 4;
  for (;;) {
    if (pos + 8 > bytes.length) return { ok: true, value: undefined };
    const group = bytes.readUInt16LE(pos);
    if (group !== 0x0002) break;
    const elem = bytes.readUInt16LE(pos + 2);
    const vr = bytes.toString('latin1', pos + 4, pos + 6);
    if (!/^[A-Z]{2}$/.test(vr)) return invalid(`file meta element (0002,${elem.toString(16).padStart(4, '0')}) has no valid VR`);
    let length: number;
    let head: number;
    if (LONG_VRS.has(vr)) {
      if (pos + 12 > bytes.length) return { ok: true, value: undefined };
      length = bytes.readUInt32LE(pos + 8);
      head = 12;
    } else {
      length = bytes.readUInt16LE(pos + 6);
      head = 8;
    }
    if (length === 0xffffffff) return invalid('a file meta element has an undefined length');
    if (pos + head + length > bytes.length) return { ok: true, value: undefined };
    if (vr !== 'OB' && vr !== 'UN') values[elem.toString(16).padStart(4, '0')] = bytes.toString('latin1', pos + head, pos + head + length).replace(/[\0 ]+$/, '');
    pos += head + length;
    if (pos - PREAMBLE - 4 > 1 << 20) return invalid('the file meta information is implausibly long');
  }
  const transferSyntaxUid = values['0010'] ?? '';
  if (!transferSyntaxUid) return invalid('the file meta information has no Transfer Syntax UID (0002,0010)');
  return {
    ok: true,
    value: {
      datasetOffset: pos,
      transferSyntaxUid,
      sopClassUid: values['0002'] ?? '',
      sopInstanceUid: values['0003'] ?? '',
      ...(values['0016'] ? { sourceAeTitle: values['0016'] } : {}),
    },
  };
}
