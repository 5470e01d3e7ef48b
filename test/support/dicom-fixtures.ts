// Small DICOM test data written with dcmjs: CT instances with real pixel data in a few studies and
// series, DCMTK-compressed copies, and the raw data set bytes for sending broken objects.
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

type DcmjsDataModule = {
  DicomMetaDictionary: { denaturalizeDataset(d: Record<string, unknown>): Record<string, unknown> };
  DicomDict: new (meta: Record<string, unknown>) => { dict: Record<string, unknown>; write(): ArrayBuffer };
};
const { DicomMetaDictionary, DicomDict } = (require('dcmjs') as { data: DcmjsDataModule }).data;

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
export const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const ROOT = '1.2.826.0.1.3680043.9.7433';

export type CtSpec = {
  patientName: string;
  patientId: string;
  birthDate?: string;
  sex?: string;
  studyUid: string;
  studyDate: string;
  studyTime?: string;
  accession: string;
  studyDescription: string;
  referringPhysician?: string;
  seriesUid: string;
  seriesNumber: number;
  seriesDescription: string;
  modality?: string;
  bodyPart?: string;
  sopUid: string;
  instanceNumber: number;
  /** Pixel size of the square image (default 64). */
  size?: number;
};

/** A Part 10 file (explicit VR little endian) with a synthetic gradient as pixel data. */
export function ctFile(spec: CtSpec): Buffer {
  const n = spec.size ?? 64;
  const px = new Uint16Array(n * n);
  for (let i = 0; i < px.length; i++) px[i] = (i * 7 + spec.instanceNumber * 13) % 4096;
  const ds: Record<string, unknown> = {
    SpecificCharacterSet: 'ISO_IR 192',
    ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
    SOPClassUID: CT_IMAGE_STORAGE,
    SOPInstanceUID: spec.sopUid,
    StudyDate: spec.studyDate,
    SeriesDate: spec.studyDate,
    StudyTime: spec.studyTime ?? '101500',
    AccessionNumber: spec.accession,
    Modality: spec.modality ?? 'CT',
    Manufacturer: 'TEST',
    InstitutionName: 'Test Hospital',
    ReferringPhysicianName: [{ Alphabetic: spec.referringPhysician ?? 'WHO^REFERRED' }],
    StudyDescription: spec.studyDescription,
    SeriesDescription: spec.seriesDescription,
    PatientName: [{ Alphabetic: spec.patientName }],
    PatientID: spec.patientId,
    PatientBirthDate: spec.birthDate ?? '19800115',
    PatientSex: spec.sex ?? 'F',
    BodyPartExamined: spec.bodyPart ?? 'CHEST',
    SliceThickness: 1.25,
    StudyInstanceUID: spec.studyUid,
    SeriesInstanceUID: spec.seriesUid,
    StudyID: '1',
    SeriesNumber: spec.seriesNumber,
    InstanceNumber: spec.instanceNumber,
    ImagePositionPatient: [0, 0, spec.instanceNumber * 1.25],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    Rows: n,
    Columns: n,
    PixelSpacing: [0.5, 0.5],
    BitsAllocated: 16,
    BitsStored: 12,
    HighBit: 11,
    PixelRepresentation: 0,
    WindowCenter: 40,
    WindowWidth: 400,
    PixelData: [px.buffer],
    _vrMap: { PixelData: 'OW' },
  };
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: CT_IMAGE_STORAGE,
    MediaStorageSOPInstanceUID: spec.sopUid,
    TransferSyntaxUID: EXPLICIT_LE,
    ImplementationClassUID: `${ROOT}.1`,
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = DicomMetaDictionary.denaturalizeDataset(ds);
  return Buffer.from(dict.write());
}

/** The data set of a Part 10 file: what follows the preamble and the file meta group. */
export function datasetOf(part10: Buffer): Buffer {
  if (part10.toString('latin1', 128, 132) !== 'DICM') throw new Error('not a Part 10 file');
  const groupLength = part10.readUInt32LE(132 + 8);
  return part10.subarray(132 + 12 + groupLength);
}

export type Fixture = { spec: CtSpec; path: string };

export type Dataset = {
  dir: string;
  /** Study 1 (patient DOE^JANE): series 1 with 3 CT images, series 2 with 2. */
  study1: Fixture[];
  /** Study 2 (patient ROE^RICHARD): one series of 4 MR images, for several associations at once. */
  study2: Fixture[];
};

export const STUDY1 = `${ROOT}.2.1`;
export const STUDY2 = `${ROOT}.2.2`;

export function writeDataset(dir: string): Dataset {
  mkdirSync(dir, { recursive: true });
  const study1: Fixture[] = [];
  const base1 = {
    patientName: 'DOE^JANE',
    patientId: 'PAT-001',
    birthDate: '19800115',
    sex: 'F',
    studyUid: STUDY1,
    studyDate: '20250301',
    studyTime: '094112',
    accession: 'ACC-0001',
    studyDescription: 'CT Chest with contrast',
    referringPhysician: 'SMITH^JOHN',
  };
  for (const [s, count, description] of [[1, 3, 'Axial 1.25 mm'], [2, 2, 'Coronal MPR']] as const) {
    for (let i = 1; i <= count; i++) {
      const spec: CtSpec = { ...base1, seriesUid: `${STUDY1}.${s}`, seriesNumber: s, seriesDescription: description, sopUid: `${STUDY1}.${s}.${i}`, instanceNumber: i };
      const path = join(dir, `s1-${s}-${i}.dcm`);
      writeFileSync(path, ctFile(spec));
      study1.push({ spec, path });
    }
  }
  const study2: Fixture[] = [];
  for (let i = 1; i <= 4; i++) {
    const spec: CtSpec = {
      patientName: 'ROE^RICHARD',
      patientId: 'PAT-002',
      birthDate: '19650704',
      sex: 'M',
      studyUid: STUDY2,
      studyDate: '20250415',
      studyTime: '143000',
      accession: 'ACC-0002',
      studyDescription: 'MR Knee',
      seriesUid: `${STUDY2}.1`,
      seriesNumber: 1,
      seriesDescription: 'Sagittal PD',
      modality: 'MR',
      bodyPart: 'KNEE',
      sopUid: `${STUDY2}.1.${i}`,
      instanceNumber: i,
    };
    // MR images stored under the CT SOP class keep the fixture simple; the index reads Modality.
    const path = join(dir, `s2-${i}.dcm`);
    writeFileSync(path, ctFile(spec));
    study2.push({ spec, path });
  }
  return { dir, study1, study2 };
}

/** Compresses a file with DCMTK (dcmcjpeg: JPEG lossless SV1; dcmcrle: RLE; dcmcjpls: JPEG-LS lossless). */
export async function compress(tool: 'dcmcjpeg' | 'dcmcrle' | 'dcmcjpls', from: string, to: string): Promise<string> {
  await run(tool, [from, to]);
  return to;
}

/** Reads a file's transfer syntax and pixel data bytes with dcmdump (an independent reader). */
export async function dcmdumpValue(path: string, tag: string): Promise<string> {
  const { stdout } = await run('dcmdump', ['+P', tag, '-q', path], { maxBuffer: 1 << 26 });
  return stdout;
}
