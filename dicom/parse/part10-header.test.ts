// The file meta information written in front of received data sets reads back as DCMTK and
// dcmjs expect: even lengths, the group length right, the source AE title kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dcmjs } from '../dcmjs.ts';
import { IMPLEMENTATION_CLASS_UID, part10Header } from './part10-header.ts';

test('part10Header: preamble, DICM and a group 0002 that dcmjs reads back', () => {
  const header = part10Header({ sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: '1.2.3.4.5', transferSyntaxUid: '1.2.840.10008.1.2.4.70', sourceAeTitle: 'CT1' });
  assert.equal(header.length % 2, 0);
  assert.equal(header.toString('latin1', 128, 132), 'DICM');
  const dataset = Buffer.from([0x10, 0x00, 0x20, 0x00, 0x4c, 0x4f, 0x02, 0x00, 0x50, 0x31]); // (0010,0020) LO "P1"
  const file = Buffer.concat([header, dataset]);
  const read = dcmjs.data.DicomMessage.readFile(file.buffer.slice(file.byteOffset, file.byteOffset + file.length) as ArrayBuffer);
  const meta = dcmjs.data.DicomMetaDictionary.naturalizeDataset(read.meta);
  assert.equal(meta.MediaStorageSOPClassUID, '1.2.840.10008.5.1.4.1.1.2');
  assert.equal(meta.MediaStorageSOPInstanceUID, '1.2.3.4.5');
  assert.equal(meta.TransferSyntaxUID, '1.2.840.10008.1.2.4.70');
  assert.equal(meta.ImplementationClassUID, IMPLEMENTATION_CLASS_UID);
  assert.equal(meta.SourceApplicationEntityTitle, 'CT1');
  assert.equal(dcmjs.data.DicomMetaDictionary.naturalizeDataset(read.dict).PatientID, 'P1');
  const groupLength = header.readUInt32LE(132 + 8);
  assert.equal(132 + 12 + groupLength, header.length);
});

test('part10Header: no source AE title element when there is none', () => {
  const header = part10Header({ sopClassUid: '1.2', sopInstanceUid: '1.2.3', transferSyntaxUid: '1.2.840.10008.1.2' });
  assert.equal(header.includes(Buffer.from([0x02, 0x00, 0x16, 0x00])), false);
});
