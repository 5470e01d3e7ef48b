import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hl7Message } from '@medplum/core';
import { ackCode, buildAck, buildAckForUnparseable, isPositiveAck } from './hl7-ack.ts';
import type { AckContext, AckOptions } from './hl7-ack.ts';
import { HL7_ERROR_CODES, hl7ErrorText } from './hl7-error-codes.ts';
import { parseHl7 } from './hl7-parse.ts';
import { fixture } from './__fixtures__/fixtures.ts';

function parse(text: string): Hl7Message {
  const result = parseHl7(text);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** A fixed clock (local time, as MSH-7 is written) and a fixed control ID. */
const at = (iso: string, controlId: string): AckContext => {
  const [y, mo, d, h, mi, s] = iso.split(/\D/).map(Number) as [number, number, number, number, number, number];
  return { now: () => new Date(y, mo - 1, d, h, mi, s), newControlId: () => controlId };
};

const ORM = parse(fixture('orm-o01-v231-zds.hl7'));
const ORU = parse(fixture('oru-r01-v251.hl7'));
const ADT = parse(fixture('adt-a01-epic.hl7'));
const ODD = parse('MSH#$%*@#A#B#C#D#20250101##ADT$A01#1#P#2.5');
const PID3_MISSING = { hl7ErrorCode: '101', location: { segment: 'PID', sequence: 1, field: 3, component: 1 }, message: 'PID-3 Patient Identifier List is empty' };

const rows: { name: string; input: [Hl7Message, AckOptions, AckContext]; expected: string }[] = [
  {
    name: 'AA to the ORU^R01 of mappings 6.5 (7.3 example 1)',
    input: [ORU, { code: 'AA' }, at('2025-03-01 11:55:01', 'ACK00002')],
    expected: fixture('ack-oru-r01-aa.hl7').trimEnd(),
  },
  {
    name: 'AE with ERR, v2.5.1 layout (7.3 example 2)',
    input: [ORU, { code: 'AE', errors: [PID3_MISSING] }, at('2025-03-01 11:55:01', 'ACK00003')],
    expected: fixture('ack-oru-r01-ae-pid3.hl7').trimEnd(),
  },
  {
    name: 'AE with ERR, v2.3.1 layout (7.3 "v2.3.1 equivalent")',
    input: [ORM, { code: 'AE', text: 'Required field missing', errors: [PID3_MISSING] }, at('2025-03-01 08:30:01', 'ACK00001')],
    expected: fixture('ack-orm-o01-ae-pid3.hl7').trimEnd(),
  },
  {
    name: 'v2.3.1: MSA-3 defaults to the first error message; several errors repeat ERR-1',
    input: [
      ORM,
      {
        code: 'AE',
        errors: [PID3_MISSING, { hl7ErrorCode: '103', location: { segment: 'OBR', sequence: 1, field: 24 }, message: 'OBR-24 RAD is not a modality' }],
      },
      at('2025-03-01 08:30:01', 'ACK00001'),
    ],
    expected: [
      'MSH|^~\\&|MWLBROKER|HOSPITAL|RIS|RADIOLOGY|20250301083001||ACK^O01|ACK00001|P|2.3.1||||||8859/1',
      'MSA|AE|MSG00001|PID-3 Patient Identifier List is empty',
      'ERR|PID^1^3^101&Required field missing&HL70357~OBR^1^24^103&Table value not found&HL70357',
    ].join('\r'),
  },
  {
    name: 'v2.3 Epic ADT: ACK^A01, no third component, MSH-11 copied',
    input: [ADT, { code: 'AA' }, at('2025-03-01 08:15:03', 'ACK1')],
    expected: 'MSH|^~\\&|PACS|RADIOLOGY|EPIC|EPICADT|20250301081503||ACK^A01|ACK1|P|2.3\rMSA|AA|4812345',
  },
  {
    name: 'v2.5.1: text escaped, warning severity, segment-level location, no location',
    input: [
      ORU,
      {
        code: 'AE',
        text: 'OBR|ORC mismatch & more',
        errors: [
          { hl7ErrorCode: '100', location: { segment: 'ZDS', sequence: 1, field: 0 }, message: 'ZDS missing', severity: 'W' },
          { hl7ErrorCode: '207', message: 'database ^ down' },
        ],
      },
      at('2025-03-01 11:55:01', 'A|1'),
    ],
    expected: [
      'MSH|^~\\&|EHR|HOSPITAL|RIS|RADIOLOGY|20250301115501||ACK^R01^ACK|A\\F\\1|P|2.5.1||||||UNICODE UTF-8',
      'MSA|AE|MSG00002|OBR\\F\\ORC mismatch \\T\\ more',
      'ERR||ZDS^1|100^Segment sequence error^HL70357|W||||ZDS missing',
      'ERR|||207^Application error^HL70357|E||||database \\S\\ down',
    ].join('\r'),
  },
  {
    name: 'enhanced mode commit accept',
    input: [ORU, { code: 'CA' }, at('2025-03-01 11:55:01', 'C1')],
    expected: 'MSH|^~\\&|EHR|HOSPITAL|RIS|RADIOLOGY|20250301115501||ACK^R01^ACK|C1|P|2.5.1||||||UNICODE UTF-8\rMSA|CA|MSG00002',
  },
  {
    name: 'the request delimiters are kept',
    input: [ODD, { code: 'AE', errors: [{ hl7ErrorCode: '101', location: { segment: 'PID', sequence: 1, field: 3 }, message: 'a#b' }] }, at('2025-01-01 00:00:00', 'X')],
    expected: 'MSH#$%*@#C#D#A#B#20250101000000##ACK$A01$ACK#X#P#2.5\rMSA#AE#1\rERR##PID$1$3$1#101$Required field missing$HL70357#E####a*F*b',
  },
];

for (const row of rows) {
  test(`buildAck: ${row.name}`, () => {
    const ack = buildAck(...row.input);
    assert.equal(ack.toString(), row.expected);
    assert.ok(parseHl7(ack.toString()).ok, 'the ACK parses');
  });
}

const ctx = at('2025-03-01 08:30:01', 'ACK9');
const unparseableRows: { name: string; input: string; expected: string }[] = [
  {
    name: 'not HL7: all defaults, AR',
    input: '{"resourceType":"Patient"}',
    expected: 'MSH|^~\\&|||||20250301083001||ACK^^ACK|ACK9||2.5.1\rMSA|AR|\rERR|||100^Segment sequence error^HL70357|E||||the text does not start with an MSH segment',
  },
  {
    name: 'bad MSH-2: plain header values kept, default delimiters, AR (MSH-9 is not plain: no trigger)',
    input: 'MSH|^^\\&|RIS|RADIOLOGY|MWLBROKER|HOSPITAL|20250301083000||ORM^O01|MSG00001|P|2.3.1\rPID|1',
    expected:
      'MSH|^~\\&|MWLBROKER|HOSPITAL|RIS|RADIOLOGY|20250301083001||ACK|ACK9|P|2.3.1\rMSA|AR|MSG00001|MSH-2 (encoding characters) "\\S\\\\S\\\\E\\\\E\\\\T\\" repeats a character or the field separator\rERR|MSH^1^2^102&Data type error&HL70357',
  },
  {
    name: 'bad MSH-2: structured values are dropped',
    input: 'MSH|^^\\&|RIS^1.2.3^ISO|RADIOLOGY|||20250301083000||ORM^O01|MSG00001|P|2.5.1',
    expected:
      'MSH|^~\\&||||RADIOLOGY|20250301083001||ACK^^ACK|ACK9|P|2.5.1\rMSA|AR|MSG00001\rERR||MSH^1^2^1|102^Data type error^HL70357|E||||MSH-2 (encoding characters) "\\S\\\\S\\\\E\\\\E\\\\T\\" repeats a character or the field separator',
  },
  {
    name: 'missing MSH-12: AE, delimiters and header kept, version 2.5.1',
    input: 'MSH|^~\\&|RIS|RADIOLOGY|MWLBROKER|HOSPITAL|20250301083000||ORM^O01^ORM_O01|MSG00001|P\rPID|1',
    expected:
      'MSH|^~\\&|MWLBROKER|HOSPITAL|RIS|RADIOLOGY|20250301083001||ACK^O01^ACK|ACK9|P|2.5.1\rMSA|AE|MSG00001\rERR||MSH^1^12^1|101^Required field missing^HL70357|E||||MSH-12 (version ID) is empty',
  },
  {
    name: 'missing MSH-10: MSA-2 empty, MSH-18 copied, v2.3.1 layout',
    input: 'MSH|^~\\&|RIS^1.2.3^ISO|RADIOLOGY|MWLBROKER|HOSPITAL|20250301083000||ORM^O01||P|2.3.1||||||8859/1',
    expected:
      'MSH|^~\\&|MWLBROKER|HOSPITAL|RIS^1.2.3^ISO|RADIOLOGY|20250301083001||ACK^O01|ACK9|P|2.3.1||||||8859/1\rMSA|AE||MSH-10 (message control ID) is empty\rERR|MSH^1^10^101&Required field missing&HL70357',
  },
  {
    name: 'bad segment: AE, no location',
    input: 'MSH|^~\\&|RIS|RADIOLOGY|PACS|HOSPITAL|20250301115500||ORU^R01^ORU_R01|MSG00002|P|2.5.1\rOBX|1|TX|X||a\nb',
    expected:
      'MSH|^~\\&|PACS|HOSPITAL|RIS|RADIOLOGY|20250301083001||ACK^R01^ACK|ACK9|P|2.5.1\rMSA|AE|MSG00002\rERR|||100^Segment sequence error^HL70357|E||||segment 3: ID "b" is not 3 upper-case letters or digits',
  },
];

for (const row of unparseableRows) {
  test(`buildAckForUnparseable: ${row.name}`, () => {
    const parsed = parseHl7(row.input);
    assert.ok(!parsed.ok, 'the input must not parse');
    const ack = buildAckForUnparseable(row.input, parsed.error, ctx);
    assert.equal(ack, row.expected);
    assert.ok(parseHl7(ack).ok, 'the ACK parses');
  });
}

const codeRows: { name: string; input: string; expected: [string | undefined, boolean] }[] = [
  { name: 'AA', input: fixture('ack-oru-r01-aa.hl7'), expected: ['AA', true] },
  { name: 'AE', input: fixture('ack-oru-r01-ae-pid3.hl7'), expected: ['AE', false] },
  { name: 'CA', input: 'MSH|^~\\&|A|B|C|D|20250101||ACK^R01^ACK|1|P|2.5.1\rMSA|CA|X', expected: ['CA', true] },
  { name: 'CR', input: 'MSH|^~\\&|A|B|C|D|20250101||ACK^R01^ACK|1|P|2.5.1\rMSA|CR|X', expected: ['CR', false] },
  { name: 'not an ACK', input: fixture('orm-o01-v231-zds.hl7'), expected: [undefined, false] },
];

for (const row of codeRows) {
  test(`ackCode/isPositiveAck: ${row.name}`, () => {
    const msg = parse(row.input);
    assert.deepEqual([ackCode(msg), isPositiveAck(msg)], row.expected);
  });
}

test('table 0357 texts', () => {
  assert.equal(hl7ErrorText('101'), 'Required field missing');
  assert.equal(hl7ErrorText('999'), '');
  assert.equal(Object.keys(HL7_ERROR_CODES).length, 16);
});
