// FHIR data types <-> DICOM values: times across time zones and DST, names, codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeItem, codingOf, dateTimeToLocal, humanName, localToDateTime, personName } from './dicom-values.ts';
import { MappingIssues } from './mapping-issues.ts';

const times: [string, string, string, string][] = [
  ['2025-03-01T09:30:00+01:00', 'Europe/Berlin', '20250301', '093000'],
  ['2025-07-01T09:30:00+02:00', 'Europe/Berlin', '20250701', '093000'],
  ['2025-03-01T09:30:00+01:00', 'UTC', '20250301', '083000'],
  ['2025-03-01T00:30:00+01:00', 'America/New_York', '20250228', '183000'],
  ['2025-03-30T01:30:00Z', 'Europe/Berlin', '20250330', '033000'],
];
for (const [value, zone, date, time] of times) {
  test(`${value} in ${zone} is ${date} ${time}, and back`, () => {
    assert.deepEqual(dateTimeToLocal(value, zone), { date, time });
    assert.equal(new Date(localToDateTime(date, time, zone)!).getTime(), new Date(value).getTime());
  });
}

test('a date alone, and what is not a dateTime', () => {
  assert.deepEqual(dateTimeToLocal('2025-03-01', 'UTC'), { date: '20250301' });
  assert.equal(dateTimeToLocal('yesterday', 'UTC'), undefined);
  assert.equal(localToDateTime('20250301', undefined, 'UTC'), '2025-03-01');
});

test('names: HumanName -> PN and back', () => {
  const issues = new MappingIssues();
  assert.equal(personName(issues, { family: 'Doe', given: ['Jane', 'Q'], suffix: ['Jr'] }, 'x', 'n'), 'Doe^Jane^Q^^Jr');
  assert.equal(personName(issues, { text: 'Jane Doe' }, 'x', 'n'), 'Jane Doe');
  assert.equal(personName(issues, { family: 'A^B\\C' }, 'x', 'n'), 'A B C');
  assert.deepEqual(humanName('Doe^Jane^Q^^Jr'), { family: 'Doe', given: ['Jane', 'Q'], suffix: ['Jr'] });
  const long = personName(issues, { family: 'X'.repeat(80) }, 'x', 'n');
  assert.equal(long?.length, 64);
  assert.equal(issues.warnings.length, 1);
});

test('codes: known systems get their designator, long codes LongCodeValue, and back', () => {
  const issues = new MappingIssues();
  assert.deepEqual(codeItem(issues, { system: 'http://loinc.org', code: '36643-5', display: 'XR Chest 2V' }, 'x', 'c'), { CodeValue: '36643-5', CodingSchemeDesignator: 'LN', CodeMeaning: 'XR Chest 2V' });
  assert.deepEqual(codeItem(issues, { system: 'http://example.org/x', code: 'A-VERY-LONG-LOCAL-CODE' }, 'x', 'c'), { LongCodeValue: 'A-VERY-LONG-LOCAL-CODE', CodingSchemeDesignator: '99LOCAL', CodeMeaning: 'A-VERY-LONG-LOCAL-CODE' });
  assert.deepEqual(codingOf({ CodeValue: '36643-5', CodingSchemeDesignator: 'LN', CodeMeaning: 'XR Chest 2V' }), { system: 'http://loinc.org', code: '36643-5', display: 'XR Chest 2V' });
});
