// The one copy of dcmjs, loaded through its CommonJS build so that this folder and dcmjs-dimse
// share the same instance (the package's ESM build would be a second copy in memory).
// dcmjs ships no types: this file declares the small part of it the folder uses.
import { createRequire } from 'node:module';

export type DcmjsElement = { vr: string; Value?: unknown[]; _rawValue?: unknown };
export type DcmjsDict = Record<string, DcmjsElement>;

type ReadOptions = { ignoreErrors?: boolean; untilTag?: string | null; includeUntilTagValue?: boolean; noCopy?: boolean };

type Dcmjs = {
  data: {
    DicomMessage: {
      _read(stream: unknown, syntax: string, options?: ReadOptions): DcmjsDict;
      readFile(buffer: ArrayBuffer, options?: ReadOptions): { meta: DcmjsDict; dict: DcmjsDict };
    };
    ReadBufferStream: new (buffer: ArrayBuffer, littleEndian?: boolean | null, options?: { noCopy?: boolean }) => object;
    DicomMetaDictionary: {
      naturalizeDataset(dict: DcmjsDict): Record<string, unknown>;
      denaturalizeDataset(naturalized: Record<string, unknown>): DcmjsDict;
    };
    DicomDict: new (meta: DcmjsDict) => { dict: DcmjsDict; write(options?: Record<string, unknown>): ArrayBuffer };
  };
  log: { setLevel(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent'): void };
};

const require = createRequire(import.meta.url);

export const dcmjs = require('dcmjs') as Dcmjs;

export const IMPLICIT_VR_LE = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LE = '1.2.840.10008.1.2.1';
