// dcmjs-dimse Datasets that write themselves with find-response-encoder.ts: the C-FIND SCP hands
// these to sendResponse(), which asks each for its bytes (getDenaturalized[Command]Dataset).
// Whatever the fast path does not cover goes through dcmjs as before.
import { createRequire } from 'node:module';
import type * as DcmjsDimse from 'dcmjs-dimse';
import { dcmjs } from '../dcmjs.ts';
import type { DicomJson } from '../dicom-json.ts';
import { fromDicomJson } from '../parse/dicom-json-to-dcmjs.ts';
import { encodeCommand, encodeIdentifier } from './find-response-encoder.ts';

const require = createRequire(import.meta.url);
const { Dataset } = require('dcmjs-dimse') as typeof DcmjsDimse;
type Dataset = DcmjsDimse.Dataset;

/** An identifier already written in the accepted transfer syntax; its elements are only built if asked for (logging). */
class EncodedDataset extends Dataset {
  #bytes: Buffer;
  #json: DicomJson;
  #elements: Record<string, unknown> | undefined;
  constructor(json: DicomJson, bytes: Buffer, transferSyntaxUid: string) {
    super({}, transferSyntaxUid);
    this.#json = json;
    this.#bytes = bytes;
  }
  override getElements(): Record<string, unknown> {
    this.#elements ??= dcmjs.data.DicomMetaDictionary.naturalizeDataset(fromDicomJson(this.#json));
    return this.#elements;
  }
  override getElement(tag: string): string | undefined {
    return this.getElements()[tag] as string | undefined;
  }
  override getDenaturalizedDataset(): Buffer {
    return this.#bytes;
  }
}

/** A command set whose elements the library keeps reading and setting, written when it is sent. */
class FastCommandDataset extends Dataset {
  override getDenaturalizedCommandDataset(writeOptions?: Record<string, unknown>): Buffer {
    return encodeCommand(this.getElements()) ?? super.getDenaturalizedCommandDataset(writeOptions);
  }
}

/** The Dataset for a C-FIND response identifier. */
export function findIdentifierDataset(json: DicomJson, transferSyntaxUid: string): Dataset {
  const bytes = encodeIdentifier(json, transferSyntaxUid);
  if (bytes) return new EncodedDataset(json, bytes, transferSyntaxUid);
  return new Dataset(dcmjs.data.DicomMetaDictionary.naturalizeDataset(fromDicomJson(json)), transferSyntaxUid);
}

/** Has the response's command set written by the fast path (the same elements, the same bytes). */
export function useFastCommandSet(response: DcmjsDimse.responses.CFindResponse): void {
  response.setCommandDataset(new FastCommandDataset(response.getCommandDataset().getElements()));
}
