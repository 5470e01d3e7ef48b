import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hl7Message } from '@medplum/core';
import { parseHl7 } from './hl7-parse.ts';
import { formatFieldPath, getRawValue, getValue, getValues, messageDelimiters, parseFieldPath, setRawValue, setValue } from './hl7-path.ts';
import type { FieldPath } from './hl7-path.ts';
import { fixture } from './__fixtures__/fixtures.ts';

function parse(text: string): Hl7Message {
  const result = parseHl7(text);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const ORM = parse(fixture('orm-o01-v231-zds.hl7'));
const OMI = parse(fixture('omi-o23-v251-ipc.hl7'));
const ORU = parse(fixture('oru-r01-v251.hl7'));
const ADT = parse(fixture('adt-a01-epic.hl7'));
const A40 = parse(fixture('adt-a40-merge.hl7'));
const ODD = parse('MSH#$%*@#A#B#C#D#20250101##ADT$A01#1#P#2.5\rPID#1##X1$$$H1%X2$$$H2##M*S*LLER$ANN');
const V27 = parse('MSH|^~\\&#|A|B|C|D|20250101||ADT^A01^ADT_A01|1|P|2.7\rPID|1||X||A\\P\\B');

const pathRows: { name: string; input: string; expected: FieldPath | string }[] = [
  { name: 'field', input: 'PID-3', expected: { segment: 'PID', field: 3 } },
  { name: 'component', input: 'PID-3.1', expected: { segment: 'PID', field: 3, component: 1 } },
  { name: 'sub-component', input: 'PID-5.1.2', expected: { segment: 'PID', field: 5, component: 1, subcomponent: 2 } },
  { name: 'repetition', input: 'PID-3[2].1', expected: { segment: 'PID', field: 3, repetition: 2, component: 1 } },
  { name: 'segment occurrence', input: 'OBX[3]-5', expected: { segment: 'OBX', segmentIndex: 3, field: 5 } },
  { name: 'everything', input: 'OBX[3]-5[2].1.2', expected: { segment: 'OBX', segmentIndex: 3, field: 5, repetition: 2, component: 1, subcomponent: 2 } },
  { name: 'MSH-9.2', input: 'MSH-9.2', expected: { segment: 'MSH', field: 9, component: 2 } },
  { name: 'Z-segment, lower case, spaces', input: ' zds-1.1 ', expected: { segment: 'ZDS', field: 1, component: 1 } },
  { name: 'segment with digit', input: 'PV1-19', expected: { segment: 'PV1', field: 19 } },
  { name: 'dot instead of dash', input: 'PID.3', expected: 'HL7_BAD_PATH' },
  { name: 'HAPI terser dashes', input: 'PID-3-1', expected: 'HL7_BAD_PATH' },
  { name: 'zero field', input: 'PID-0', expected: 'HL7_BAD_PATH' },
  { name: 'zero repetition', input: 'PID-3[0]', expected: 'HL7_BAD_PATH' },
  { name: 'no field', input: 'PID', expected: 'HL7_BAD_PATH' },
  { name: 'empty', input: '', expected: 'HL7_BAD_PATH' },
  { name: 'four-letter segment', input: 'PIDX-1', expected: 'HL7_BAD_PATH' },
  { name: 'too deep', input: 'PID-3.1.2.3', expected: 'HL7_BAD_PATH' },
  { name: 'huge index', input: 'OBX[100000]-5', expected: 'HL7_BAD_PATH' },
];

for (const row of pathRows) {
  test(`parseFieldPath: ${row.name}`, () => {
    const result = parseFieldPath(row.input);
    if (typeof row.expected === 'string') {
      assert.equal(result.ok ? 'ok' : result.error.code, row.expected);
    } else {
      assert.deepEqual(result, { ok: true, value: row.expected });
      assert.equal(formatFieldPath(row.expected), row.input.trim().toUpperCase());
    }
  });
}

const getRows: { name: string; input: [Hl7Message, string]; expected: string }[] = [
  { name: 'MSH-1 is the field separator', input: [ORM, 'MSH-1'], expected: '|' },
  { name: 'MSH-2 is the encoding characters', input: [ORM, 'MSH-2'], expected: '^~\\&' },
  { name: 'MSH-2 with truncation character', input: [V27, 'MSH-2'], expected: '^~\\&#' },
  { name: 'MSH-3 sending application', input: [ORM, 'MSH-3'], expected: 'RIS' },
  { name: 'MSH-9 message type (as written)', input: [OMI, 'MSH-9'], expected: 'OMI^O23^OMI_O23' },
  { name: 'MSH-9.2 trigger', input: [ORM, 'MSH-9.2'], expected: 'O01' },
  { name: 'MSH-10 control ID', input: [ORM, 'MSH-10'], expected: 'MSG00001' },
  { name: 'MSH-12 version', input: [ORM, 'MSH-12'], expected: '2.3.1' },
  { name: 'MSH-18 charset', input: [ORM, 'MSH-18'], expected: '8859/1' },
  { name: 'PID-3 first repetition as written', input: [ORM, 'PID-3'], expected: 'MRN12345^^^HOSP&2.16.840.1.113883.19.5&ISO^MR' },
  { name: 'PID-3.1 patient ID', input: [ORM, 'PID-3.1'], expected: 'MRN12345' },
  { name: 'PID-3.4 as written (sub-components)', input: [ORM, 'PID-3.4'], expected: 'HOSP&2.16.840.1.113883.19.5&ISO' },
  { name: 'PID-3.4.1 issuer', input: [ORM, 'PID-3.4.1'], expected: 'HOSP' },
  { name: 'PID-3.4.2 universal ID', input: [ORM, 'PID-3.4.2'], expected: '2.16.840.1.113883.19.5' },
  { name: 'PID-3[3].1 third identifier (Epic)', input: [ADT, 'PID-3[3].1'], expected: 'MRN12345' },
  { name: 'PID-3[2].4 second identifier issuer', input: [ADT, 'PID-3[2].4'], expected: 'SSA' },
  { name: 'PID-5[2].1 maiden name', input: [ADT, 'PID-5[2].1'], expected: 'SMITH' },
  { name: 'PID-3[9] absent repetition', input: [ADT, 'PID-3[9]'], expected: '' },
  { name: 'PID-99 absent field', input: [ORM, 'PID-99'], expected: '' },
  { name: 'absent segment', input: [ORM, 'IPC-1'], expected: '' },
  { name: 'absent component', input: [ORM, 'ORC-1.5'], expected: '' },
  { name: 'ORC-7.4 TQ start', input: [ORM, 'ORC-7.4'], expected: '20250301093000' },
  { name: 'ORC-7.6 TQ priority', input: [ORM, 'ORC-7.6'], expected: 'R' },
  { name: 'OBR-18 accession', input: [ORM, 'OBR-18'], expected: 'ACC-0001' },
  { name: 'OBR-20 SPS ID', input: [ORM, 'OBR-20'], expected: 'SPS-0001' },
  { name: 'OBR-24 modality', input: [ORM, 'OBR-24'], expected: 'CT' },
  { name: 'OBR-34.1.2 technician family name', input: [ORM, 'OBR-34.1.2'], expected: 'TECH' },
  { name: 'OBR-44.2 procedure text', input: [ORM, 'OBR-44.2'], expected: 'CT Chest with contrast' },
  { name: 'ZDS-1.1 Study Instance UID', input: [ORM, 'ZDS-1.1'], expected: '1.2.840.99999.1.2.3.4.5' },
  { name: 'IPC-1.1 accession', input: [OMI, 'IPC-1.1'], expected: 'ACC-0001' },
  { name: 'IPC-9 station AE', input: [OMI, 'IPC-9'], expected: 'CT01' },
  { name: 'TQ1-7 start', input: [OMI, 'TQ1-7'], expected: '20250301093000' },
  { name: 'OBX[3]-5 first line of findings', input: [ORU, 'OBX[3]-5'], expected: 'No pulmonary embolism.' },
  { name: 'OBX[3]-5[2] second line', input: [ORU, 'OBX[3]-5[2]'], expected: 'Lungs are clear. No effusion.' },
  { name: 'OBX[5]-5 Study Instance UID', input: [ORU, 'OBX[5]-5'], expected: '1.2.840.99999.1.2.3.4.5' },
  { name: 'OBX[6] absent', input: [ORU, 'OBX[6]-5'], expected: '' },
  { name: 'OBR-32.1.2 interpreter family name', input: [ORU, 'OBR-32.1.2'], expected: 'REED' },
  { name: 'leaf is unescaped (\\T\\)', input: [ADT, 'AL1-5'], expected: 'Hives & wheezing' },
  { name: 'explicit null "" is kept', input: [ADT, 'ZPD-2'], expected: '""' },
  { name: 'MRG-1.1 prior MRN', input: [A40, 'MRG-1.1'], expected: 'MRN99999' },
  { name: 'MRG-1[2].1 prior Epic ID', input: [A40, 'MRG-1[2].1'], expected: 'E9999999' },
  { name: 'odd delimiters: PID-3[2].4', input: [ODD, 'PID-3[2].4'], expected: 'H2' },
  { name: 'odd delimiters: unescaped leaf', input: [ODD, 'PID-5.1'], expected: 'M$LLER' },
  { name: 'v2.7: \\P\\ is the truncation character', input: [V27, 'PID-5'], expected: 'A#B' },
];

for (const row of getRows) {
  test(`getValue ${row.input[1]}: ${row.name}`, () => {
    assert.equal(getValue(...row.input), row.expected);
  });
}

test('getValue: the leaf test uses the structure, escaped component separators are unescaped', () => {
  const msg = parse('MSH|^~\\&|A|B|C|D|20250101||ADT^A01|1|P|2.5\rOBX|1|TX|X||a\\S\\b');
  assert.equal(getValue(msg, 'OBX-5'), 'a^b');
  assert.equal(getRawValue(msg, 'OBX-5'), 'a\\S\\b');
});

const getAllRows: { name: string; input: [Hl7Message, string]; expected: string[] }[] = [
  { name: 'every repetition', input: [ADT, 'PID-3.1'], expected: ['E1234567', '123-45-6789', 'MRN12345'] },
  { name: 'every repetition, whole', input: [A40, 'MRG-1'], expected: ['MRN99999^^^HOSP^MR', 'E9999999^^^EPI^MR'] },
  { name: 'every segment', input: [ORU, 'OBX-3.1'], expected: ['121109', '121064', '121070', '121072', '113014'] },
  { name: 'every segment and repetition', input: [ORU, 'OBX-5'], expected: ['Chest pain.', 'CT chest with IV contrast, 1 mm axial.', 'No pulmonary embolism.', 'Lungs are clear. No effusion.', 'No acute cardiopulmonary abnormality.', '1.2.840.99999.1.2.3.4.5'] },
  { name: 'one segment', input: [ORU, 'OBX[3]-5'], expected: ['No pulmonary embolism.', 'Lungs are clear. No effusion.'] },
  { name: 'one repetition of every segment', input: [ADT, 'PID-3[2].1'], expected: ['123-45-6789'] },
  { name: 'empty component per repetition', input: [ADT, 'PID-13.4'], expected: ['', 'jane.doe@example.org'] },
  { name: 'nothing', input: [ORM, 'IPC-1'], expected: [] },
  { name: 'empty field', input: [ORM, 'PID-2'], expected: [] },
];

for (const row of getAllRows) {
  test(`getValues ${row.input[1]}: ${row.name}`, () => {
    assert.deepEqual(getValues(...row.input), row.expected);
  });
}

/** The changed segments of a message after a set, as text. */
function changed(before: Hl7Message, after: Hl7Message): string[] {
  const old = new Set(before.segments.map((s) => s.toString()));
  return after.segments.map((s) => s.toString()).filter((s) => !old.has(s));
}

const A = parse('MSH|^~\\&|A|B|C|D|20250101||ADT^A08|1|P|2.5\rPID|1||MRN1^^^HOSP^MR~E1^^^EPI^MR||DOE^JANE\rOBX|1|TX|X||one');

const setRows: { name: string; input: [Hl7Message, string, string]; expected: string[] }[] = [
  { name: 'replace a component', input: [A, 'PID-3.1', 'MRN9'], expected: ['PID|1||MRN9^^^HOSP^MR~E1^^^EPI^MR||DOE^JANE'] },
  { name: 'escape delimiters in the value', input: [A, 'PID-5.1', "O'NEIL|SMITH^JR & SONS~\\"], expected: ["PID|1||MRN1^^^HOSP^MR~E1^^^EPI^MR||O'NEIL\\F\\SMITH\\S\\JR \\T\\ SONS\\R\\\\E\\^JANE"] },
  { name: 'field level sets the first repetition only', input: [A, 'PID-3', 'X^Y'], expected: ['PID|1||X\\S\\Y~E1^^^EPI^MR||DOE^JANE'] },
  { name: 'second repetition', input: [A, 'PID-3[2].4', 'EPIC'], expected: ['PID|1||MRN1^^^HOSP^MR~E1^^^EPIC^MR||DOE^JANE'] },
  { name: 'new repetition', input: [A, 'PID-3[3].1', 'S1'], expected: ['PID|1||MRN1^^^HOSP^MR~E1^^^EPI^MR~S1||DOE^JANE'] },
  { name: 'new component', input: [A, 'PID-5.3', 'Q'], expected: ['PID|1||MRN1^^^HOSP^MR~E1^^^EPI^MR||DOE^JANE^Q'] },
  { name: 'new sub-component', input: [A, 'PID-3.4.2', '1.2.3'], expected: ['PID|1||MRN1^^^HOSP&1.2.3^MR~E1^^^EPI^MR||DOE^JANE'] },
  { name: 'new field', input: [A, 'PID-8', 'F'], expected: ['PID|1||MRN1^^^HOSP^MR~E1^^^EPI^MR||DOE^JANE|||F'] },
  { name: 'MSH field (MSH-1 is the separator)', input: [A, 'MSH-5', 'PACS'], expected: ['MSH|^~\\&|A|B|PACS|D|20250101||ADT^A08|1|P|2.5'] },
  { name: 'MSH-18 beyond the end', input: [A, 'MSH-18', 'UNICODE UTF-8'], expected: ['MSH|^~\\&|A|B|C|D|20250101||ADT^A08|1|P|2.5||||||UNICODE UTF-8'] },
  { name: 'missing segment is appended', input: [A, 'ZDS-1.1', '1.2.3.4'], expected: ['ZDS|1.2.3.4'] },
  { name: 'new OBX after the last OBX', input: [A, 'OBX[2]-5', 'two'], expected: ['OBX|||||two'] },
  { name: 'CR in the value', input: [A, 'OBX-5', 'line 1\rline 2'], expected: ['OBX|1|TX|X||line 1\\X0D\\line 2'] },
  { name: "'' where nothing exists changes nothing", input: [A, 'PID-30.2', ''], expected: [] },
  { name: "'' on a missing segment creates nothing", input: [A, 'ZDS-1', ''], expected: [] },
  { name: "'' clears a value", input: [A, 'PID-5.2', ''], expected: ['PID|1||MRN1^^^HOSP^MR~E1^^^EPI^MR||DOE^'] },
  { name: 'odd delimiters', input: [ODD, 'PID-5.1', 'O$NEIL'], expected: ['PID#1##X1$$$H1%X2$$$H2##O*S*NEIL$ANN'] },
];

for (const row of setRows) {
  test(`setValue ${row.input[1]}: ${row.name}`, () => {
    const before = row.input[0].toString();
    const after = setValue(...row.input);
    assert.deepEqual(changed(row.input[0], after), row.expected);
    assert.equal(row.input[0].toString(), before, 'the input message is unchanged');
    const [, path, value] = row.input;
    if (value !== '') assert.equal(getValue(after, path), value, 'getValue reads back what setValue wrote');
  });
}

test('setValue: segment order of a new OBX', () => {
  const after = setValue(A, 'OBX[2]-5', 'two');
  assert.deepEqual(after.segments.map((s) => s.name), ['MSH', 'PID', 'OBX', 'OBX']);
  const zds = setValue(ORM, 'ZDS[2]-1', 'X');
  assert.deepEqual(zds.segments.map((s) => s.name), ['MSH', 'PID', 'PV1', 'ORC', 'OBR', 'ZDS', 'ZDS']);
});

test('setValue: the result parses back to the same text', () => {
  let msg = ORM;
  msg = setValue(msg, 'PID-5.1', 'MÜLLER & SÖHNE');
  msg = setValue(msg, 'OBR-18', 'ACC|0002');
  msg = setValue(msg, 'ZDS-1.1', '1.2.3');
  const again = parseHl7(msg.toString());
  assert.ok(again.ok);
  assert.equal(again.value.toString(), msg.toString());
  assert.equal(getValue(again.value, 'PID-5.1'), 'MÜLLER & SÖHNE');
  assert.equal(getValue(again.value, 'OBR-18'), 'ACC|0002');
});

const rawRows: { name: string; input: [Hl7Message, string, string]; expected: string[] }[] = [
  { name: 'structure below the path is kept', input: [A, 'PID-3', 'X9^^^HOSP&1.2&ISO^MR'], expected: ['PID|1||X9^^^HOSP&1.2&ISO^MR~E1^^^EPI^MR||DOE^JANE'] },
  { name: 'repetition separator at field level is escaped', input: [A, 'PID-3', 'A~B'], expected: ['PID|1||A\\R\\B~E1^^^EPI^MR||DOE^JANE'] },
  { name: 'component separator at component level is escaped', input: [A, 'PID-5.1', 'A^B&C'], expected: ['PID|1||MRN1^^^HOSP^MR~E1^^^EPI^MR||A\\S\\B&C^JANE'] },
  { name: 'escapes are kept', input: [A, 'OBX-5', 'a\\T\\b'], expected: ['OBX|1|TX|X||a\\T\\b'] },
];

for (const row of rawRows) {
  test(`setRawValue ${row.input[1]}: ${row.name}`, () => {
    assert.deepEqual(changed(row.input[0], setRawValue(...row.input)), row.expected);
  });
}

test('setValue throws on MSH-1/MSH-2 and malformed paths (programming errors)', () => {
  assert.throws(() => setValue(A, 'MSH-2', 'x'), /holds the delimiters/);
  assert.throws(() => setValue(A, 'PID.3', 'x'), /not a field path/);
  assert.throws(() => getValue(A, 'PID'), /not a field path/);
});

test('messageDelimiters keeps the v2.7 truncation character', () => {
  assert.equal(messageDelimiters(V27).truncationCharacter, '#');
  assert.equal(messageDelimiters(ORM).truncationCharacter, undefined);
});
