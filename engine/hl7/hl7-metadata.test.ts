import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeHl7 } from './hl7-decode.ts';
import { messageMetadata } from './hl7-metadata.ts';
import type { Hl7Metadata } from './hl7-metadata.ts';
import { parseHl7 } from './hl7-parse.ts';
import { fixture, fixtureBytes } from './__fixtures__/fixtures.ts';

const rows: { name: string; input: string; expected: Hl7Metadata }[] = [
  {
    name: 'ORM^O01 v2.3.1: accession from OBR-18',
    input: fixture('orm-o01-v231-zds.hl7'),
    expected: {
      messageType: 'ORM^O01',
      controlId: 'MSG00001',
      version: '2.3.1',
      sendingApplication: 'RIS',
      sendingFacility: 'RADIOLOGY',
      patientId: 'MRN12345',
      patientName: 'DOE^JANE^Q',
      accession: 'ACC-0001',
      orderControl: 'NW',
    },
  },
  {
    name: 'OMI^O23 v2.5.1: accession from IPC-1.1, structure from MSH-9.3',
    input: fixture('omi-o23-v251-ipc.hl7'),
    expected: {
      messageType: 'OMI^O23',
      messageStructure: 'OMI_O23',
      controlId: 'MSG00011',
      version: '2.5.1',
      sendingApplication: 'RIS',
      sendingFacility: 'RADIOLOGY',
      patientId: 'MRN12345',
      patientName: 'DOE^JANE^Q',
      accession: 'ACC-0001',
      orderControl: 'NW',
    },
  },
  {
    name: 'ORU^R01: accession from OBR-18 (6.3)',
    input: fixture('oru-r01-v251.hl7'),
    expected: {
      messageType: 'ORU^R01',
      messageStructure: 'ORU_R01',
      controlId: 'MSG00002',
      version: '2.5.1',
      sendingApplication: 'RIS',
      sendingFacility: 'RADIOLOGY',
      patientId: 'MRN12345',
      patientName: 'DOE^JANE^Q',
      accession: 'ACC-0001',
      orderControl: 'RE',
    },
  },
  {
    name: 'Epic ADT^A01: first PID-3 repetition, name type code left out',
    input: fixture('adt-a01-epic.hl7'),
    expected: {
      messageType: 'ADT^A01',
      controlId: '4812345',
      version: '2.3',
      sendingApplication: 'EPIC',
      sendingFacility: 'EPICADT',
      patientId: 'E1234567',
      patientName: 'DOE^JANE^Q',
    },
  },
  {
    name: 'Epic ADT^A08 in Latin-1',
    input: decodeHl7(fixtureBytes('adt-a08-epic-latin1.hl7')).text,
    expected: {
      messageType: 'ADT^A08',
      controlId: '4812399',
      version: '2.3',
      sendingApplication: 'EPIC',
      sendingFacility: 'EPICADT',
      patientId: 'E7654321',
      patientName: 'MÜLLER^RENÉ',
    },
  },
  {
    name: 'ADT^A40: the surviving patient',
    input: fixture('adt-a40-merge.hl7'),
    expected: {
      messageType: 'ADT^A40',
      messageStructure: 'ADT_A39',
      controlId: '4813000',
      version: '2.5.1',
      sendingApplication: 'EPIC',
      sendingFacility: 'EPICADT',
      patientId: 'MRN12345',
      patientName: 'DOE^JANE^Q',
    },
  },
  {
    name: 'ACK without trigger; HD with universal ID only; version with components',
    input: 'MSH|^~\\&|^1.2.3.4^ISO|^1.2.3.5^ISO|X|Y|20250101||ACK|A1|P|2.3.1^DEU\rMSA|AA|MSG1',
    expected: {
      messageType: 'ACK',
      controlId: 'A1',
      version: '2.3.1',
      sendingApplication: '1.2.3.4',
      sendingFacility: '1.2.3.5',
    },
  },
  {
    name: 'escaped values are unescaped',
    input: 'MSH|^~\\&|R\\T\\D|F|X|Y|20250101||ORM^O01|A\\F\\1|P|2.3.1\rPID|1||M\\S\\1||O\\E\\NEIL^ANN\rORC|NW\rOBR|1|||||||||||||||||AC\\T\\C1',
    expected: {
      messageType: 'ORM^O01',
      controlId: 'A|1',
      version: '2.3.1',
      sendingApplication: 'R&D',
      sendingFacility: 'F',
      patientId: 'M^1',
      patientName: 'O\\NEIL^ANN',
      accession: 'AC&C1',
      orderControl: 'NW',
    },
  },
];

for (const row of rows) {
  test(`messageMetadata: ${row.name}`, () => {
    const parsed = parseHl7(row.input);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
    assert.deepEqual(messageMetadata(parsed.value), row.expected);
  });
}
