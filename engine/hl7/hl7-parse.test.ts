import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHl7, readDelimiters } from './hl7-parse.ts';
import type { Hl7ParseError } from './hl7-parse.ts';
import { fixture } from './__fixtures__/fixtures.ts';

const ORM = fixture('orm-o01-v231-zds.hl7');
const OMI = fixture('omi-o23-v251-ipc.hl7');
const ORU = fixture('oru-r01-v251.hl7');
const ADT = fixture('adt-a01-epic.hl7');
const A40 = fixture('adt-a40-merge.hl7');

type Parsed = { segments: string[]; text: string };

const goodRows: { name: string; input: string; expected: Parsed }[] = [
  {
    name: 'ORM^O01 v2.3.1 with ZDS (mappings 1.5)',
    input: ORM,
    expected: { segments: ['MSH', 'PID', 'PV1', 'ORC', 'OBR', 'ZDS'], text: ORM.trimEnd() },
  },
  {
    name: 'OMI^O23 v2.5.1 with TQ1/IPC',
    input: OMI,
    expected: { segments: ['MSH', 'PID', 'PV1', 'ORC', 'TQ1', 'OBR', 'IPC'], text: OMI.trimEnd() },
  },
  {
    name: 'ORU^R01 v2.5.1 report',
    input: ORU,
    expected: { segments: ['MSH', 'PID', 'PV1', 'ORC', 'OBR', 'OBX', 'OBX', 'OBX', 'OBX', 'OBX'], text: ORU.trimEnd() },
  },
  {
    name: 'Epic ADT^A01 with trailing empty fields and "" nulls',
    input: ADT,
    expected: {
      segments: ['MSH', 'EVN', 'PID', 'PD1', 'NK1', 'PV1', 'PV2', 'OBX', 'OBX', 'AL1', 'DG1', 'GT1', 'IN1', 'ZPD'],
      text: ADT.trimEnd(),
    },
  },
  { name: 'ADT^A40 merge', input: A40, expected: { segments: ['MSH', 'EVN', 'PID', 'MRG', 'PV1'], text: A40.trimEnd() } },
  {
    name: 'LF terminators',
    input: ORM.replace(/\r/g, '\n'),
    expected: { segments: ['MSH', 'PID', 'PV1', 'ORC', 'OBR', 'ZDS'], text: ORM.trimEnd() },
  },
  {
    name: 'CRLF terminators',
    input: ORM.replace(/\r/g, '\r\n'),
    expected: { segments: ['MSH', 'PID', 'PV1', 'ORC', 'OBR', 'ZDS'], text: ORM.trimEnd() },
  },
  {
    name: 'no trailing terminator',
    input: A40.trimEnd(),
    expected: { segments: ['MSH', 'EVN', 'PID', 'MRG', 'PV1'], text: A40.trimEnd() },
  },
  {
    name: 'byte order mark, blank lines and several trailing terminators',
    input: `\uFEFF${A40.replace('\rEVN', '\r\r\nEVN')}\r\n\r\n`,
    expected: { segments: ['MSH', 'EVN', 'PID', 'MRG', 'PV1'], text: A40.trimEnd() },
  },
  {
    name: 'MSH only',
    input: 'MSH|^~\\&|A|B|C|D|20250101||ADT^A01|1|P|2.5',
    expected: { segments: ['MSH'], text: 'MSH|^~\\&|A|B|C|D|20250101||ADT^A01|1|P|2.5' },
  },
  {
    name: 'v2.7 truncation character (5 encoding characters)',
    input: 'MSH|^~\\&#|A|B|C|D|20250101||ADT^A01^ADT_A01|1|P|2.7\rPID|1||X',
    expected: { segments: ['MSH', 'PID'], text: 'MSH|^~\\&#|A|B|C|D|20250101||ADT^A01^ADT_A01|1|P|2.7\rPID|1||X' },
  },
  {
    name: 'unusual delimiters',
    input: 'MSH#$%*@#A#B#C#D#20250101##ADT$A01#1#P#2.5\rPID#1##X$$$H',
    expected: { segments: ['MSH', 'PID'], text: 'MSH#$%*@#A#B#C#D#20250101##ADT$A01#1#P#2.5\rPID#1##X$$$H' },
  },
];

for (const row of goodRows) {
  test(`parseHl7 accepts: ${row.name}`, () => {
    const result = parseHl7(row.input);
    assert.ok(result.ok, result.ok ? '' : result.error.message);
    assert.deepEqual(
      { segments: result.value.segments.map((s) => s.name), text: result.value.toString() },
      row.expected,
    );
  });
}

const MSH = 'MSH|^~\\&|RIS|RADIOLOGY|MWLBROKER|HOSPITAL|20250301083000||ORM^O01|MSG00001|P|2.3.1';

const badRows: { name: string; input: string; expected: Hl7ParseError }[] = [
  { name: 'empty text', input: '', expected: { code: 'HL7_NOT_HL7', hl7ErrorCode: '100', message: 'the text does not start with an MSH segment' } },
  { name: 'JSON', input: '{"resourceType":"Patient"}', expected: { code: 'HL7_NOT_HL7', hl7ErrorCode: '100', message: 'the text does not start with an MSH segment' } },
  { name: 'starts with PID', input: 'PID|1||X\rMSH|^~\\&|A', expected: { code: 'HL7_NOT_HL7', hl7ErrorCode: '100', message: 'the text does not start with an MSH segment' } },
  {
    name: 'batch header',
    input: 'BHS|^~\\&|RIS\rMSH|^~\\&|A',
    expected: { code: 'HL7_NOT_HL7', hl7ErrorCode: '100', message: 'the text does not start with an MSH segment (batches are not supported)' },
  },
  {
    name: 'MSH alone',
    input: 'MSH',
    expected: { code: 'HL7_BAD_MSH', hl7ErrorCode: '102', message: 'MSH-1 (field separator) "" is not a single punctuation character', location: { segment: 'MSH', sequence: 1, field: 1 } },
  },
  {
    name: 'MSH-1 is a letter',
    input: 'MSHA^~\\&A',
    expected: { code: 'HL7_BAD_MSH', hl7ErrorCode: '102', message: 'MSH-1 (field separator) "A" is not a single punctuation character', location: { segment: 'MSH', sequence: 1, field: 1 } },
  },
  {
    name: 'MSH-1 is a space',
    input: 'MSH ^~\\& RIS',
    expected: { code: 'HL7_BAD_MSH', hl7ErrorCode: '102', message: 'MSH-1 (field separator) " " is not a single punctuation character', location: { segment: 'MSH', sequence: 1, field: 1 } },
  },
  {
    name: 'MSH-2 repeats a character (^^\\&)',
    input: MSH.replace('^~\\&', '^^\\&'),
    expected: {
      code: 'HL7_BAD_ENCODING_CHARACTERS',
      hl7ErrorCode: '102',
      message: 'MSH-2 (encoding characters) "^^\\\\&" repeats a character or the field separator',
      location: { segment: 'MSH', sequence: 1, field: 2 },
    },
  },
  {
    name: 'MSH-2 contains the field separator',
    input: 'MSH#^~#&#A',
    expected: {
      code: 'HL7_BAD_ENCODING_CHARACTERS',
      hl7ErrorCode: '102',
      message: 'MSH-2 (encoding characters) "^~" has 2 characters, not 4 (or 5 from v2.7)',
      location: { segment: 'MSH', sequence: 1, field: 2 },
    },
  },
  {
    name: 'MSH-2 too short (^~\\)',
    input: MSH.replace('^~\\&', '^~\\'),
    expected: {
      code: 'HL7_BAD_ENCODING_CHARACTERS',
      hl7ErrorCode: '102',
      message: 'MSH-2 (encoding characters) "^~\\\\" has 3 characters, not 4 (or 5 from v2.7)',
      location: { segment: 'MSH', sequence: 1, field: 2 },
    },
  },
  {
    name: 'MSH-2 too long',
    input: MSH.replace('^~\\&', '^~\\&#!'),
    expected: {
      code: 'HL7_BAD_ENCODING_CHARACTERS',
      hl7ErrorCode: '102',
      message: 'MSH-2 (encoding characters) "^~\\\\&#!" has 6 characters, not 4 (or 5 from v2.7)',
      location: { segment: 'MSH', sequence: 1, field: 2 },
    },
  },
  {
    name: 'MSH-2 with a letter',
    input: MSH.replace('^~\\&', '^~\\A'),
    expected: {
      code: 'HL7_BAD_ENCODING_CHARACTERS',
      hl7ErrorCode: '102',
      message: 'MSH-2 (encoding characters) "^~\\\\A" contains a letter, digit, space or control character',
      location: { segment: 'MSH', sequence: 1, field: 2 },
    },
  },
  {
    name: 'lower-case segment ID',
    input: `${MSH}\rpid|1||X`,
    expected: { code: 'HL7_BAD_SEGMENT', hl7ErrorCode: '100', message: 'segment 2: ID "pid" is not 3 upper-case letters or digits' },
  },
  {
    name: 'report text broken by a raw line feed',
    input: `${MSH}\rOBX|1|TX|121070^Findings^DCM||Lungs are clear.\nNo effusion.||||||F`,
    expected: { code: 'HL7_BAD_SEGMENT', hl7ErrorCode: '100', message: 'segment 3: ID "No effusion." is not 3 upper-case letters or digits' },
  },
  {
    name: 'four-letter segment ID',
    input: `${MSH}\rPIDX|1`,
    expected: { code: 'HL7_BAD_SEGMENT', hl7ErrorCode: '100', message: 'segment 2: ID "PIDX" is not 3 upper-case letters or digits' },
  },
  {
    name: 'two messages in one text',
    input: `${MSH}\r${MSH}`,
    expected: { code: 'HL7_BAD_SEGMENT', hl7ErrorCode: '100', message: 'segment 2: a second MSH (one message per text; batches are not supported)' },
  },
  {
    name: 'MSH-9 missing',
    input: MSH.replace('ORM^O01', ''),
    expected: { code: 'HL7_REQUIRED_FIELD_MISSING', hl7ErrorCode: '101', message: 'MSH-9 (message type) is empty', location: { segment: 'MSH', sequence: 1, field: 9 } },
  },
  {
    name: 'MSH-9.1 missing (^O01)',
    input: MSH.replace('ORM^O01', '^O01'),
    expected: { code: 'HL7_REQUIRED_FIELD_MISSING', hl7ErrorCode: '101', message: 'MSH-9 (message type) is empty', location: { segment: 'MSH', sequence: 1, field: 9 } },
  },
  {
    name: 'MSH-10 missing',
    input: MSH.replace('MSG00001', ''),
    expected: { code: 'HL7_REQUIRED_FIELD_MISSING', hl7ErrorCode: '101', message: 'MSH-10 (message control ID) is empty', location: { segment: 'MSH', sequence: 1, field: 10 } },
  },
  {
    name: 'MSH-12 missing (header cut short)',
    input: 'MSH|^~\\&|RIS|RADIOLOGY|MWLBROKER|HOSPITAL|20250301083000||ORM^O01|MSG00001|P',
    expected: { code: 'HL7_REQUIRED_FIELD_MISSING', hl7ErrorCode: '101', message: 'MSH-12 (version ID) is empty', location: { segment: 'MSH', sequence: 1, field: 12 } },
  },
];

for (const row of badRows) {
  test(`parseHl7 rejects: ${row.name}`, () => {
    const result = parseHl7(row.input);
    assert.deepEqual(result, { ok: false, error: row.expected });
  });
}

test('readDelimiters gives the message context', () => {
  const result = readDelimiters('MSH#$%*@#A');
  assert.ok(result.ok);
  const c = result.value;
  assert.deepEqual(
    [c.segmentSeparator, c.fieldSeparator, c.componentSeparator, c.repetitionSeparator, c.escapeCharacter, c.subcomponentSeparator],
    ['\r', '#', '$', '%', '*', '@'],
  );
});
