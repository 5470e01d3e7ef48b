import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hl7Message } from '@medplum/core';
import { parseHl7 } from './hl7-parse.ts';
import { getValue } from './hl7-path.ts';
import { applyMappings, conditionSchema, evaluateCondition, formatCondition, mappingSchema, parseCondition } from './rules.ts';
import type { Condition, FieldCondition, Mapping } from './rules.ts';
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
const ODD = parse('MSH#$%*@#A#B#C#D#20250101##ORM$O01#1#P#2.3.1\rPID#1##X1$$$H1%X2$$$H2##M*S*LLER$ANN\rOBR#1#######################RAD');

const compactRows: { name: string; input: string; expected: FieldCondition | string }[] = [
  { name: 'equals', input: 'MSH-9 = ORM^O01', expected: { field: 'MSH-9', op: 'equals', value: 'ORM^O01' } },
  { name: '== and no spaces', input: 'MSH-9.1==ORM', expected: { field: 'MSH-9.1', op: 'equals', value: 'ORM' } },
  { name: 'not equals empty', input: "PID-3.1 != ''", expected: { field: 'PID-3.1', op: 'notEquals', value: '' } },
  { name: 'in', input: 'OBR-24 in (CT, MR)', expected: { field: 'OBR-24', op: 'in', values: ['CT', 'MR'] } },
  { name: 'not in, quoted items', input: "ORC-1 not in ('CA', \"DC\", 'a, b')", expected: { field: 'ORC-1', op: 'notIn', values: ['CA', 'DC', 'a, b'] } },
  { name: 'exists', input: 'exists PID-3', expected: { field: 'PID-3', op: 'exists' } },
  { name: 'not exists', input: 'not exists ZDS-1', expected: { field: 'ZDS-1', op: 'notExists' } },
  { name: 'matches', input: 'MSH-9.1 matches ^OR[MU]$', expected: { field: 'MSH-9.1', op: 'matches', value: '^OR[MU]$' } },
  { name: 'matches with spaces and =', input: 'OBR-4.2 matches ^CT (Chest|Abd) a=b', expected: { field: 'OBR-4.2', op: 'matches', value: '^CT (Chest|Abd) a=b' } },
  { name: 'matches with flags', input: 'OBR-4.2 matches /chest/i', expected: { field: 'OBR-4.2', op: 'matches', value: '/chest/i' } },
  { name: 'startsWith', input: 'OBR-4.1 startsWith CT', expected: { field: 'OBR-4.1', op: 'startsWith', value: 'CT' } },
  { name: 'starts with (two words, any case)', input: 'OBR-4.1 STARTS WITH CT', expected: { field: 'OBR-4.1', op: 'startsWith', value: 'CT' } },
  { name: 'quoted value with spaces and doubled quote', input: "PID-5.1 = ' O''NEIL '", expected: { field: 'PID-5.1', op: 'equals', value: " O'NEIL " } },
  { name: 'segment occurrence and repetition', input: 'OBX[3]-5[2] = Lungs are clear. No effusion.', expected: { field: 'OBX[3]-5[2]', op: 'equals', value: 'Lungs are clear. No effusion.' } },
  { name: 'no value', input: 'MSH-9 =', expected: 'HL7_BAD_CONDITION' },
  { name: 'bad path', input: 'PID.3 = X', expected: 'HL7_BAD_CONDITION' },
  { name: 'bad regex', input: 'PID-3 matches (', expected: 'HL7_BAD_CONDITION' },
  { name: 'list without parentheses', input: 'OBR-24 in CT, MR', expected: 'HL7_BAD_CONDITION' },
  { name: 'empty list item', input: 'OBR-24 in (CT,,MR)', expected: 'HL7_BAD_CONDITION' },
  { name: 'unterminated quote', input: "PID-3 = 'abc", expected: 'HL7_BAD_CONDITION' },
  { name: 'unknown operator', input: 'PID-3 > 5', expected: 'HL7_BAD_CONDITION' },
  { name: 'nothing', input: '', expected: 'HL7_BAD_CONDITION' },
];

for (const row of compactRows) {
  test(`parseCondition: ${row.name}`, () => {
    const result = parseCondition(row.input);
    if (typeof row.expected === 'string') {
      assert.equal(result.ok ? 'ok' : result.error.code, row.expected);
    } else {
      assert.deepEqual(result, { ok: true, value: row.expected });
      const again = parseCondition(formatCondition(row.expected));
      assert.deepEqual(again, { ok: true, value: row.expected }, `formatCondition gave ${formatCondition(row.expected)}`);
    }
  });
}

test('parseCondition: the error message names the input and the forms', () => {
  const result = parseCondition('PID-3 > 5');
  assert.ok(!result.ok);
  assert.match(result.error.message, /^"PID-3 > 5": expected `PATH = VALUE`/);
});

const c = (text: string): Condition => {
  const result = parseCondition(text);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
};

const evalRows: { name: string; input: [Condition, Hl7Message]; expected: boolean }[] = [
  { name: 'ORM^O01 (v2.3.1 has no MSH-9.3)', input: [c('MSH-9 = ORM^O01'), ORM], expected: true },
  { name: 'OMI^O23 against OMI^O23^OMI_O23: trailing components ignored', input: [c('MSH-9 = OMI^O23'), OMI], expected: true },
  { name: 'full value with MSH-9.3', input: [c('MSH-9 = OMI^O23^OMI_O23'), OMI], expected: true },
  { name: 'wrong MSH-9.3', input: [c('MSH-9 = OMI^O23^OMG_O19'), OMI], expected: false },
  { name: 'message type only', input: [c('MSH-9 = ORM'), ORM], expected: true },
  { name: 'more components than sent', input: [c('MSH-9 = ORM^O01^ORM_O01'), ORM], expected: false },
  { name: 'wrong trigger', input: [c('MSH-9 = ORM^O02'), ORM], expected: false },
  { name: 'case-sensitive', input: [c('MSH-9.1 = orm'), ORM], expected: false },
  { name: 'PID-3 = ID ignores the rest of the CX', input: [c('PID-3 = MRN12345'), ORM], expected: true },
  { name: 'sub-components compared by prefix too', input: [c('PID-3.4 = HOSP'), ORM], expected: true },
  { name: 'sub-components spelled out', input: [c('PID-3.4 = HOSP&2.16.840.1.113883.19.5&ISO'), ORM], expected: true },
  { name: 'any repetition: third Epic identifier', input: [c('PID-3.1 = MRN12345'), ADT], expected: true },
  { name: 'a given repetition', input: [c('PID-3[1].1 = MRN12345'), ADT], expected: false },
  { name: 'in: CT', input: [c('OBR-24 in (CT, MR)'), ORM], expected: true },
  { name: 'in: RAD is not a modality', input: [c('OBR-24 in (CT, MR)'), ODD], expected: false },
  { name: 'not in', input: [c('ORC-1 not in (CA, DC)'), ORM], expected: true },
  { name: "!= '' with a value", input: [c("PID-3.1 != ''"), ORM], expected: true },
  { name: "!= '' without", input: [c("PID-2 != ''"), ORM], expected: false },
  { name: "= '' without", input: [c("PID-2 = ''"), ORM], expected: true },
  { name: "= '' on a missing segment", input: [c("IPC-1 = ''"), ORM], expected: true },
  { name: 'exists PID-3', input: [c('exists PID-3'), ORM], expected: true },
  { name: 'exists on empty components only', input: [c('exists PV1-3'), OMI], expected: false },
  { name: 'not exists ZDS-1 on an ORM with ZDS', input: [c('not exists ZDS-1'), ORM], expected: false },
  { name: 'not exists ZDS-1 on an OMI', input: [c('not exists ZDS-1'), OMI], expected: true },
  { name: 'exists MRG-1 on A40', input: [c('exists MRG-1'), A40], expected: true },
  { name: 'matches ^OR[MU]$ on ORM', input: [c('MSH-9.1 matches ^OR[MU]$'), ORM], expected: true },
  { name: 'matches ^OR[MU]$ on ADT', input: [c('MSH-9.1 matches ^OR[MU]$'), ADT], expected: false },
  { name: 'matches whole field with ^ joined', input: [c('MSH-9 matches ^ADT\\^A(01|04|08)$'), ADT], expected: true },
  { name: 'matches with flags', input: [c('OBR-4.2 matches /chest/i'), ORM], expected: true },
  { name: 'matches any OBX: findings section', input: [c('OBX-3.1 matches ^12107[02]$'), ORU], expected: true },
  { name: 'matches on absent is tested as empty', input: [c('ZDS-1 matches ^$'), OMI], expected: true },
  { name: 'startsWith', input: [c('OBR-4.1 startsWith CT'), ORM], expected: true },
  { name: 'startsWith no', input: [c('OBR-4.1 startsWith MR'), ORM], expected: false },
  { name: 'unescaped before comparing (\\T\\)', input: [c('AL1-5 = Hives & wheezing'), ADT], expected: false },
  { name: 'literal & written escaped', input: [c('AL1-5 = Hives \\T\\ wheezing'), ADT], expected: true },
  { name: "explicit null is a value, written quoted: '\"\"'", input: [c('ZPD-2 = \'""\''), ADT], expected: true },
  { name: 'a bare "" is the empty value', input: [c('ZPD-2 = ""'), ADT], expected: false },
  { name: 'odd delimiters: value written with ^', input: [c('MSH-9 = ORM^O01'), ODD], expected: true },
  { name: 'odd delimiters: *S* in the data is the character $', input: [c('PID-5.1 = M$LLER'), ODD], expected: true },
  { name: 'odd delimiters: ^ in the value is a component separator', input: [c('PID-5.1 = M^LLER'), ODD], expected: false },
  { name: 'odd delimiters: second repetition', input: [c('PID-3.4 = H2'), ODD], expected: true },
  { name: 'all', input: [{ all: [c('MSH-9 = ORM^O01'), c('ORC-1 = NW'), c('exists ZDS-1.1')] }, ORM], expected: true },
  { name: 'all, one false', input: [{ all: [c('MSH-9 = ORM^O01'), c('ORC-1 = CA')] }, ORM], expected: false },
  { name: 'any', input: [{ any: [c('MSH-9 = OMI^O23'), c('MSH-9 = ORM^O01')] }, ORM], expected: true },
  { name: 'nested', input: [{ all: [c('MSH-9.1 in (ORM, OMI)'), { any: [c('exists ZDS-1'), c('exists IPC-3')] }] }, OMI], expected: true },
  { name: 'nested false', input: [{ all: [c('MSH-9.1 in (ORM, OMI)'), { any: [c('exists ZDS-1'), c('exists IPC-3')] }] }, ORU], expected: false },
  { name: 'object form', input: [{ field: 'OBR-25', op: 'equals', value: 'F' }, ORU], expected: true },
];

for (const row of evalRows) {
  test(`evaluateCondition: ${row.name}`, () => {
    assert.equal(evaluateCondition(...row.input), row.expected);
  });
}

const schemaRows: { name: string; input: unknown; expected: Condition | string }[] = [
  { name: 'compact string', input: 'MSH-9 = ORM^O01', expected: { field: 'MSH-9', op: 'equals', value: 'ORM^O01' } },
  { name: 'object with a number value', input: { field: 'OBR-1', op: 'equals', value: 1 }, expected: { field: 'OBR-1', op: 'equals', value: '1' } },
  {
    name: 'nested groups of both forms',
    input: { all: ['MSH-9.1 in (ORM, OMI)', { any: [{ field: 'ZDS-1', op: 'exists' }, 'exists IPC-3'] }] },
    expected: { all: [{ field: 'MSH-9.1', op: 'in', values: ['ORM', 'OMI'] }, { any: [{ field: 'ZDS-1', op: 'exists' }, { field: 'IPC-3', op: 'exists' }] }] },
  },
  { name: 'bad compact string in a group: path to it', input: { all: ['exists PID-3', 'bad'] }, expected: 'all.1: "bad": expected' },
  { name: 'empty group', input: { any: [] }, expected: 'any: Too small' },
  { name: 'in without values', input: { field: 'PID-3', op: 'in' }, expected: ': in needs a non-empty list of values' },
  { name: 'exists with a value', input: { field: 'PID-3', op: 'exists', value: 'x' }, expected: ': exists takes no value' },
  { name: 'equals without a value', input: { field: 'PID-3', op: 'equals' }, expected: ': equals needs a value' },
  { name: 'unknown op', input: { field: 'PID-3', op: 'greater', value: '1' }, expected: 'op: Invalid option' },
  { name: 'misspelt key', input: { field: 'PID-3', op: 'equals', vale: '1' }, expected: ': Unrecognized key' },
  { name: 'a number', input: 42, expected: ': a condition is a string' },
];

for (const row of schemaRows) {
  test(`conditionSchema: ${row.name}`, () => {
    const result = conditionSchema.safeParse(row.input);
    if (typeof row.expected === 'string') {
      assert.ok(!result.success);
      const first = result.error.issues[0]!;
      assert.ok(`${first.path.join('.')}: ${first.message}`.startsWith(row.expected), `${first.path.join('.')}: ${first.message}`);
    } else {
      assert.deepEqual(result, { success: true, data: row.expected });
    }
  });
}

const M = parse('MSH|^~\\&|RIS|RADIOLOGY|MWLBROKER|HOSPITAL|20250301083000||ORM^O01|MSG00001|P|2.3.1\rPID|1||MRN1^^^HOSP^MR||DOE^JANE\rORC|NW|PO-1\rOBR|1|PO-1||||||||||||||||ACC-1||||||RAD');

/** Values at some paths after applying the mappings, or the error code. */
const mapRows: { name: string; input: [Hl7Message, Mapping[], string[]]; expected: string[] | string }[] = [
  { name: 'literal value', input: [M, [{ set: 'MSH-5', value: 'PACS' }], ['MSH-5']], expected: ['PACS'] },
  { name: 'literal with components (HL7 notation)', input: [M, [{ set: 'ZDS-1', value: '1.2.3^RIS^Application^DICOM' }], ['ZDS-1.1', 'ZDS-1.4']], expected: ['1.2.3', 'DICOM'] },
  { name: 'literal with an escaped ^', input: [M, [{ set: 'NTE-3', value: 'a\\S\\b' }], ['NTE-3']], expected: ['a^b'] },
  { name: 'literal | is escaped', input: [M, [{ set: 'NTE-3', value: 'a|b' }], ['NTE-3']], expected: ['a|b'] },
  { name: 'copy a whole field with its structure', input: [M, [{ set: 'PID-2', from: 'PID-3' }], ['PID-2.1', 'PID-2.4']], expected: ['MRN1', 'HOSP'] },
  { name: 'copy a component', input: [M, [{ set: 'OBR-19', from: 'OBR-18' }], ['OBR-19']], expected: ['ACC-1'] },
  { name: 'table from another field', input: [M, [{ set: 'ZDS-2', from: 'OBR-24', table: { RAD: 'CR', CT: 'CT' } }], ['ZDS-2']], expected: ['CR'] },
  { name: 'table in place', input: [M, [{ set: 'OBR-24', table: { RAD: 'CR' } }], ['OBR-24']], expected: ['CR'] },
  { name: 'table miss takes the default', input: [M, [{ set: 'OBR-24', table: { CT: 'CT' }, default: 'OT' }], ['OBR-24']], expected: ['OT'] },
  { name: 'table miss without default is an error', input: [M, [{ set: 'OBR-24', table: { CT: 'CT' } }], ['OBR-24']], expected: 'HL7_MAPPING_NO_MATCH' },
  { name: 'table keyed by a whole message type', input: [M, [{ set: 'ZPI-1', from: 'MSH-9', table: { 'ORM^O01': 'order' } }], ['ZPI-1']], expected: ['order'] },
  { name: 'default fills a missing value', input: [M, [{ set: 'MSH-11', default: 'T' }, { set: 'PID-8', default: 'U' }], ['MSH-11', 'PID-8']], expected: ['P', 'U'] },
  { name: 'copy of an empty value takes the default', input: [M, [{ set: 'OBR-20', from: 'IPC-4', default: 'SPS-1' }], ['OBR-20']], expected: ['SPS-1'] },
  { name: 'mappings see the result of the ones before', input: [M, [{ set: 'OBR-20', value: 'S1' }, { set: 'ZDS-3', from: 'OBR-20' }], ['ZDS-3']], expected: ['S1'] },
  { name: 'MSH-2 cannot be set', input: [M, [{ set: 'MSH-2', value: 'x' }], []], expected: 'HL7_BAD_MAPPING' },
  { name: 'bad path', input: [M, [{ set: 'PID.3', value: 'x' }], []], expected: 'HL7_BAD_MAPPING' },
  { name: 'value with from', input: [M, [{ set: 'PID-3', value: 'x', from: 'PID-2' }], []], expected: 'HL7_BAD_MAPPING' },
  { name: 'nothing to do', input: [M, [{ set: 'PID-3' }], []], expected: 'HL7_BAD_MAPPING' },
  { name: 'odd delimiters: literal written with ^', input: [ODD, [{ set: 'ZDS-1', value: '1.2.3^RIS' }], ['ZDS-1.2', 'ZDS-1']], expected: ['RIS', '1.2.3$RIS'] },
  { name: 'odd delimiters: table', input: [ODD, [{ set: 'OBR-24', table: { RAD: 'CR' } }], ['OBR-24']], expected: ['CR'] },
];

for (const row of mapRows) {
  test(`applyMappings: ${row.name}`, () => {
    const [msg, mappings, paths] = row.input;
    const before = msg.toString();
    const result = applyMappings(msg, mappings);
    assert.equal(msg.toString(), before, 'the input message is unchanged');
    if (typeof row.expected === 'string') {
      assert.equal(result.ok ? 'ok' : result.error.code, row.expected);
    } else {
      assert.ok(result.ok, result.ok ? '' : result.error.message);
      assert.deepEqual(paths.map((p) => getValue(result.value, p)), row.expected);
      assert.ok(parseHl7(result.value.toString()).ok, 'the result parses');
    }
  });
}

const mappingSchemaRows: { name: string; input: unknown; expected: Mapping | string }[] = [
  { name: 'table with numbers', input: { set: 'OBR-24', table: { RAD: 'CR', 1: 2 } }, expected: { set: 'OBR-24', table: { 1: '2', RAD: 'CR' } } },
  { name: 'from and default', input: { set: 'OBR-20', from: 'IPC-4', default: 'X' }, expected: { set: 'OBR-20', from: 'IPC-4', default: 'X' } },
  { name: 'MSH-2', input: { set: 'MSH-2', value: 'x' }, expected: 'MSH-1 and MSH-2 hold the delimiters' },
  { name: 'misspelt key', input: { set: 'PID-3', vlaue: 'x' }, expected: 'Unrecognized key' },
  { name: 'bad from', input: { set: 'PID-3', from: 'PID3' }, expected: '"PID3" is not a field path' },
];

for (const row of mappingSchemaRows) {
  test(`mappingSchema: ${row.name}`, () => {
    const result = mappingSchema.safeParse(row.input);
    if (typeof row.expected === 'string') {
      assert.ok(!result.success);
      assert.ok(result.error.issues[0]!.message.startsWith(row.expected), result.error.issues[0]!.message);
    } else {
      assert.deepEqual(result, { success: true, data: row.expected });
    }
  });
}
