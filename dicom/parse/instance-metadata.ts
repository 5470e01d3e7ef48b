// A received instance's metadata: its data set up to the pixel data, decoded once at ingest into
// DICOM JSON (kept in the index so viewers never re-read files) plus the attributes the study
// index is keyed and searched by. Pure: bytes in, values out.
import type { Result } from '../../engine/index.ts';
import { dcmjs, EXPLICIT_VR_LE, IMPLICIT_VR_LE } from '../dcmjs.ts';
import type { DcmjsDict } from '../dcmjs.ts';
import type { DicomError } from '../dicom-error.ts';
import { firstInteger, firstText } from '../dicom-json.ts';
import type { DicomJson } from '../dicom-json.ts';
import { toDicomJson } from './dcmjs-to-dicom-json.ts';

export type InstanceAttributes = {
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  patient: { patientId: string; issuer: string; name: string | null; birthDate: string | null; sex: string | null };
  study: {
    date: string | null;
    time: string | null;
    accession: string | null;
    studyId: string | null;
    description: string | null;
    referringPhysician: string | null;
  };
  series: { modality: string | null; number: number | null; description: string | null; bodyPart: string | null; date: string | null; time: string | null };
  instance: { number: number | null };
};

export type ParsedInstance = { metadata: DicomJson; attributes: InstanceAttributes; warning?: string };

const UID = /^[0-9]+(\.[0-9]+)*$/;

/** DA as 8 digits (dots of the old ACR-NEMA form removed), or null. */
export function normalizeDate(text: string): string | null {
  const d = text.replace(/\./g, '').trim();
  return /^\d{8}$/.test(d) ? d : null;
}

/** TM as HHMMSS.FFFFFF (colons of the old form removed), or null. */
export function normalizeTime(text: string): string | null {
  const t = text.replace(/:/g, '').trim();
  return /^\d{2}(\d{2}(\d{2}(\.\d{1,6})?)?)?$/.test(t) ? t : null;
}

/** A PN's alphabetic group without trailing empty components: "DOE^JANE^^^" -> "DOE^JANE". */
export function normalizePersonName(text: string): string | null {
  const n = text.split('=')[0]!.replace(/[\^ ]+$/, '').trim();
  return n === '' ? null : n;
}

const orNull = (s: string) => (s === '' ? null : s);

/** The index attributes of a DICOM JSON data set; fails when a UID the index is keyed by is missing. */
export function indexAttributes(ds: DicomJson): Result<InstanceAttributes, DicomError> {
  const uids = {
    sopClassUid: firstText(ds, '00080016'),
    sopInstanceUid: firstText(ds, '00080018'),
    studyInstanceUid: firstText(ds, '0020000D'),
    seriesInstanceUid: firstText(ds, '0020000E'),
  };
  for (const [name, value] of Object.entries(uids)) {
    if (!value) return { ok: false, error: { code: 'DICOM_MISSING_ATTRIBUTE', message: `${name[0]!.toUpperCase()}${name.slice(1).replace('Uid', 'UID')} is missing` } };
    if (value.length > 64 || !UID.test(value)) return { ok: false, error: { code: 'DICOM_INVALID_DATASET', message: `${name} "${value.slice(0, 70)}" is not a valid UID` } };
  }
  return {
    ok: true,
    value: {
      ...uids,
      patient: {
        patientId: firstText(ds, '00100020'),
        issuer: firstText(ds, '00100021'),
        name: normalizePersonName(firstText(ds, '00100010')),
        birthDate: normalizeDate(firstText(ds, '00100030')),
        sex: orNull(firstText(ds, '00100040')),
      },
      study: {
        date: normalizeDate(firstText(ds, '00080020')),
        time: normalizeTime(firstText(ds, '00080030')),
        accession: orNull(firstText(ds, '00080050')),
        studyId: orNull(firstText(ds, '00200010')),
        description: orNull(firstText(ds, '00081030')),
        referringPhysician: normalizePersonName(firstText(ds, '00080090')),
      },
      series: {
        modality: orNull(firstText(ds, '00080060')),
        number: firstInteger(ds, '00200011') ?? null,
        description: orNull(firstText(ds, '0008103E')),
        bodyPart: orNull(firstText(ds, '00180015')),
        date: normalizeDate(firstText(ds, '00080021')),
        time: normalizeTime(firstText(ds, '00080031')),
      },
      instance: { number: firstInteger(ds, '00200013') ?? null },
    },
  };
}

function readDict(prefix: Buffer, explicit: boolean, ignoreErrors: boolean): DcmjsDict {
  const ab = prefix.buffer.slice(prefix.byteOffset, prefix.byteOffset + prefix.length) as ArrayBuffer;
  const stream = new dcmjs.data.ReadBufferStream(ab, true, { noCopy: true });
  return dcmjs.data.DicomMessage._read(stream, explicit ? EXPLICIT_VR_LE : IMPLICIT_VR_LE, { ignoreErrors });
}

/**
 * Decodes the metadata part of a data set (everything before the pixel data; see dataset-scan.ts).
 * A strict parse first; if that fails on something dcmjs can read past (an unsupported character
 * set, say) a lenient one, reported as a warning.
 */
export function parseInstanceMetadata(prefix: Buffer, explicit: boolean): Result<ParsedInstance, DicomError> {
  let dict: DcmjsDict;
  let warning: string | undefined;
  try {
    dict = readDict(prefix, explicit, false);
  } catch (err) {
    warning = `read leniently: ${(err as Error).message}`;
    try {
      dict = readDict(prefix, explicit, true);
    } catch (err2) {
      return { ok: false, error: { code: 'DICOM_INVALID_DATASET', message: `cannot decode the data set: ${(err2 as Error).message}` } };
    }
  }
  const metadata = toDicomJson(dict);
  const attrs = indexAttributes(metadata);
  if (!attrs.ok) return attrs;
  return { ok: true, value: warning ? { metadata, attributes: attrs.value, warning } : { metadata, attributes: attrs.value } };
}
