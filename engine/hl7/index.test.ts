import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import * as hl7 from './index.ts';

const here = new URL('./', import.meta.url);
const sources = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
const read = (f: string) => readFileSync(new URL(f, here), 'utf8');

const rows: { name: string; input: () => string[]; expected: string[] }[] = [
  {
    name: 'the public names',
    input: () => Object.keys(hl7).sort(),
    expected: [
      'ACK_CODES',
      'CONDITION_OPS',
      'DEFAULT_ACK_VERSION',
      'DEFAULT_DELIMITERS',
      'HL7_ERROR_CODES',
      'HL7_FAILURES',
      'HL7_SEVERITIES',
      'ackCode',
      'applyMappings',
      'buildAck',
      'buildAckForUnparseable',
      'cloneMessage',
      'conditionSchema',
      'decodeHl7',
      'encodeHl7',
      'escapeHl7',
      'evaluateCondition',
      'formatCondition',
      'formatFieldPath',
      'getRawValue',
      'getRawValues',
      'getValue',
      'getValues',
      'hl7CharsetToDicom',
      'hl7ErrorText',
      'isPositiveAck',
      'mappingSchema',
      'messageDelimiters',
      'messageMetadata',
      'parseCondition',
      'parseFieldPath',
      'parseHl7',
      'readDelimiters',
      'setRawValue',
      'setValue',
      'unescapeHl7',
    ],
  },
  {
    // fastify-style catalog check: every HL7_ code the source returns is in HL7_FAILURES, and
    // HL7_FAILURES lists no code that is no longer used.
    name: 'HL7_ error codes used in the source = HL7_FAILURES',
    input: () => [...new Set(sources.flatMap((f) => [...read(f).matchAll(/'(HL7_[A-Z0-9_]+)'/g)].map((m) => m[1]!)))].sort(),
    expected: Object.keys(hl7.HL7_FAILURES).sort(),
  },
  {
    name: 'index.ts has named exports only',
    input: () => read('index.ts').split('\n').filter((line) => /export \*|export default/.test(line)),
    expected: [],
  },
];

for (const row of rows) {
  test(`engine/hl7: ${row.name}`, () => {
    assert.deepEqual(row.input(), row.expected);
  });
}
