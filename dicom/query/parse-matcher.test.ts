// Query values -> matchers, per PS3.4 C.2.2.2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MatchKind } from './query-attributes.ts';
import { parseMatcher } from './parse-matcher.ts';

const cases: { kind: MatchKind; values: string[]; expected: unknown }[] = [
  { kind: 'text', values: [''], expected: undefined },
  { kind: 'text', values: ['*'], expected: undefined },
  { kind: 'text', values: ['ACC1'], expected: { type: 'single', value: 'ACC1' } },
  { kind: 'text', values: ['ACC*'], expected: { type: 'wildcard', pattern: 'ACC*' } },
  { kind: 'text', values: ['A?C'], expected: { type: 'wildcard', pattern: 'A?C' } },
  { kind: 'pn', values: ['DOE^JANE^^'], expected: { type: 'single', value: 'DOE^JANE' } },
  { kind: 'pn', values: ['DOE*'], expected: { type: 'wildcard', pattern: 'DOE*' } },
  { kind: 'pn', values: ['^^^'], expected: undefined },
  { kind: 'uid', values: ['1.2.3'], expected: { type: 'single', value: '1.2.3' } },
  { kind: 'uid', values: ['1.2.3', '1.2.4'], expected: { type: 'list', values: ['1.2.3', '1.2.4'] } },
  { kind: 'uid', values: ['1.2.*'], expected: 'DICOM_QUERY_INVALID' },
  { kind: 'date', values: ['20250301'], expected: { type: 'single', value: '20250301' } },
  { kind: 'date', values: ['20250101-20250331'], expected: { type: 'range', from: '20250101', to: '20250331' } },
  { kind: 'date', values: ['-20250331'], expected: { type: 'range', to: '20250331' } },
  { kind: 'date', values: ['20250101-'], expected: { type: 'range', from: '20250101' } },
  { kind: 'date', values: ['2025.01.01-'], expected: { type: 'range', from: '20250101' } },
  { kind: 'date', values: ['-'], expected: undefined },
  { kind: 'date', values: ['2025'], expected: 'DICOM_QUERY_INVALID' },
  { kind: 'time', values: ['0800-1200'], expected: { type: 'range', from: '0800', to: '1200' } },
  { kind: 'time', values: ['09:41'], expected: { type: 'single', value: '0941' } },
  { kind: 'int', values: ['3'], expected: { type: 'single', value: '3' } },
  { kind: 'int', values: ['three'], expected: 'DICOM_QUERY_INVALID' },
  { kind: 'modalities', values: ['CT', 'MR'], expected: { type: 'list', values: ['CT', 'MR'] } },
  { kind: 'count', values: ['5'], expected: undefined },
];

for (const c of cases) {
  test(`parseMatcher ${c.kind} ${JSON.stringify(c.values)}`, () => {
    const r = parseMatcher(c.kind, c.values, 'Key');
    if (c.expected === 'DICOM_QUERY_INVALID') {
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.error.code, 'DICOM_QUERY_INVALID');
    } else {
      assert.ok(r.ok);
      assert.deepEqual(r.value, c.expected);
    }
  });
}
