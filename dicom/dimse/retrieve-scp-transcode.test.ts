// Transfer syntaxes of retrieved instances: as stored when accepted, uncompressed ones converted,
// compressed ones never; conversions keep every value and the pixel data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dcmjs } from '../dcmjs.ts';
import type { DcmjsDict } from '../dcmjs.ts';
import { chooseSendSyntax, convertDataset, proposeContexts } from './retrieve-scp-transcode.ts';

const IMPLICIT = '1.2.840.10008.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';
const DEFLATED = '1.2.840.10008.1.2.1.99';
const JPEG_LOSSLESS = '1.2.840.10008.1.2.4.70';
const RLE = '1.2.840.10008.1.2.5';
const CT = '1.2.840.10008.5.1.4.1.1.2';
const MR = '1.2.840.10008.5.1.4.1.1.4';

test('chooseSendSyntax: as stored when accepted, else an uncompressed one for uncompressed instances', () => {
  const rows: [string, string[], string | undefined][] = [
    [EXPLICIT, [IMPLICIT, EXPLICIT], EXPLICIT],
    [EXPLICIT, [IMPLICIT], IMPLICIT],
    [IMPLICIT, [EXPLICIT], EXPLICIT],
    [DEFLATED, [IMPLICIT, EXPLICIT], EXPLICIT],
    [DEFLATED, [DEFLATED, EXPLICIT], DEFLATED],
    [JPEG_LOSSLESS, [JPEG_LOSSLESS], JPEG_LOSSLESS],
    [JPEG_LOSSLESS, [EXPLICIT, IMPLICIT], undefined],
    [EXPLICIT, [JPEG_LOSSLESS], undefined],
    [EXPLICIT, [], undefined],
  ];
  for (const [stored, accepted, expected] of rows) assert.equal(chooseSendSyntax(stored, accepted), expected, `${stored} with ${accepted.join(',')}`);
});

test('proposeContexts: uncompressed per class, each compressed syntax as stored', () => {
  const { contexts, dropped } = proposeContexts([
    { sopClassUid: CT, transferSyntaxUid: EXPLICIT },
    { sopClassUid: CT, transferSyntaxUid: IMPLICIT },
    { sopClassUid: CT, transferSyntaxUid: JPEG_LOSSLESS },
    { sopClassUid: MR, transferSyntaxUid: RLE },
    { sopClassUid: MR, transferSyntaxUid: DEFLATED },
  ]);
  assert.deepEqual(contexts, [
    { sopClassUid: CT, transferSyntaxes: [EXPLICIT, IMPLICIT] },
    { sopClassUid: CT, transferSyntaxes: [JPEG_LOSSLESS] },
    { sopClassUid: MR, transferSyntaxes: [EXPLICIT, IMPLICIT] },
    { sopClassUid: MR, transferSyntaxes: [RLE] },
    { sopClassUid: MR, transferSyntaxes: [DEFLATED] },
  ]);
  assert.deepEqual(dropped, []);
  const many = Array.from({ length: 130 }, (_, i) => ({ sopClassUid: `1.2.3.${i}`, transferSyntaxUid: EXPLICIT }));
  const capped = proposeContexts(many);
  assert.equal(capped.contexts.length, 128);
  assert.equal(capped.dropped.length, 2);
});

type WriteStream = { getBuffer(): ArrayBuffer };
const data = dcmjs.data as typeof dcmjs.data & {
  WriteBufferStream: new () => WriteStream;
  DicomMessage: { write(dict: DcmjsDict, stream: WriteStream, syntax: string, options?: Record<string, unknown>): number };
};

function encode(naturalized: Record<string, unknown>, syntax: string): Buffer {
  const out = new data.WriteBufferStream();
  data.DicomMessage.write(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(naturalized), out, syntax, {});
  return Buffer.from(out.getBuffer());
}

function decode(dataset: Buffer, syntax: string): Record<string, unknown> {
  const ab = dataset.buffer.slice(dataset.byteOffset, dataset.byteOffset + dataset.length) as ArrayBuffer;
  return dcmjs.data.DicomMetaDictionary.naturalizeDataset(dcmjs.data.DicomMessage._read(new dcmjs.data.ReadBufferStream(ab), syntax));
}

test('convertDataset: explicit -> implicit -> deflated -> explicit keeps the values and pixel data', () => {
  const px = new Uint16Array(16 * 16).map((_, i) => (i * 37) % 4096);
  const explicit = encode(
    {
      SOPClassUID: CT,
      SOPInstanceUID: '1.2.3.4',
      PatientName: [{ Alphabetic: 'DOE^JANE' }],
      ReferencedSeriesSequence: [{ SeriesInstanceUID: '1.2.3' }],
      Rows: 16,
      Columns: 16,
      BitsAllocated: 16,
      PixelData: [px.buffer],
      _vrMap: { PixelData: 'OW' },
    },
    EXPLICIT,
  );
  const implicit = convertDataset(explicit, EXPLICIT, IMPLICIT);
  assert.notDeepEqual(implicit, explicit, 'the encoding changed');
  const deflated = convertDataset(implicit, IMPLICIT, DEFLATED);
  assert.ok(deflated.length < implicit.length);
  const back = convertDataset(deflated, DEFLATED, EXPLICIT);
  assert.deepEqual(back, explicit, 'explicit again, byte for byte');
  const viaImplicit = decode(implicit, IMPLICIT);
  assert.equal(viaImplicit.SOPInstanceUID, '1.2.3.4');
  assert.deepEqual(Buffer.from((viaImplicit.PixelData as ArrayBuffer[])[0]!), Buffer.from(px.buffer));
  assert.throws(() => convertDataset(explicit, JPEG_LOSSLESS, EXPLICIT), /cannot convert/);
});
