// HL7 data types to DICOM values, as tables of inputs and the values DICOM gets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeItem, fitIdentifier, fitText, parseTimestamp, patientSex, personName, procedurePriority } from './hl7-to-dicom-values.ts';
import { IssueList } from './mapping-issues.ts';

const at = { segment: 'OBR', sequence: 1, field: 4 };

test('TS -> DA and TM (zone dropped, time padded to HHMMSS)', () => {
  const rows: [string, unknown][] = [
    ['20250301093000', { date: '20250301', time: '093000' }],
    ['202503010930', { date: '20250301', time: '093000' }],
    ['20250301093000.1234+0100', { date: '20250301', time: '093000.1234' }],
    ['20250301', { date: '20250301' }],
    ['2025', {}],
    ['2025-03-01', undefined],
    ['20251301', undefined],
    ['20250301250000', undefined],
  ];
  for (const [text, expected] of rows) assert.deepEqual(parseTimestamp(text), expected, text);
});

test('names: suffix and prefix swap, degree joins the suffix, over-long names keep every part', () => {
  const issues = new IssueList();
  const rows: [Parameters<typeof personName>[1], string | undefined][] = [
    [{ family: 'DOE', given: 'JANE', middle: 'Q', suffix: 'JR', prefix: 'MRS', degree: 'PHD' }, 'DOE^JANE^Q^MRS^JR PHD'],
    [{ family: 'SMITH', given: 'JOHN', middle: '', suffix: '', prefix: 'DR', degree: '' }, 'SMITH^JOHN^^DR'],
    [{ family: 'DOE', given: '', middle: '', suffix: '', prefix: '', degree: '' }, 'DOE'],
    [{ family: '', given: '', middle: '', suffix: '', prefix: '', degree: '' }, undefined],
    [{ family: 'A^B', given: 'C\\D', middle: '', suffix: '', prefix: '', degree: '' }, 'A B^C D'],
    [{ family: 'X'.repeat(70), given: 'ANNA', middle: '', suffix: '', prefix: '', degree: '' }, `${'X'.repeat(59)}^ANNA`],
  ];
  for (const [parts, expected] of rows) assert.equal(personName(issues, parts, at, 'name'), expected);
  assert.equal(issues.warnings.length, 1);
});

test('identifiers are refused, text is cut', () => {
  const issues = new IssueList();
  assert.equal(fitIdentifier(issues, 'A'.repeat(16), 'SH', at, 'id'), 'A'.repeat(16));
  assert.equal(fitIdentifier(issues, 'A'.repeat(17), 'SH', at, 'id'), undefined);
  assert.equal(fitIdentifier(issues, 'A\\B', 'LO', at, 'id'), undefined);
  assert.deepEqual(issues.errors.map((e) => e.hl7ErrorCode), ['104', '102']);
  assert.equal(fitText(issues, 'x'.repeat(70), 'LO', at, 'text'), 'x'.repeat(64));
  assert.equal(fitText(issues, 'a\\b\rc', 'LO', at, 'text'), 'a/b c');
  assert.equal(fitText(issues, 'line 1\r\nline\\2', 'LT', at, 'text'), 'line 1\r\nline\\2');
});

test('codes: all three parts needed; long values go to LongCodeValue', () => {
  const issues = new IssueList();
  assert.equal(codeItem(issues, 'X', '', 'L', at, 'c'), undefined);
  assert.deepEqual(codeItem(issues, 'CTCHEST', 'CT Chest', 'LOCAL', at, 'c'), { CodeValue: 'CTCHEST', CodingSchemeDesignator: 'LOCAL', CodeMeaning: 'CT Chest' });
  assert.deepEqual(codeItem(issues, 'A-CODE-OF-20-CHARS!!', 'm', 'S', at, 'c'), { LongCodeValue: 'A-CODE-OF-20-CHARS!!', CodingSchemeDesignator: 'S', CodeMeaning: 'm' });
});

test('sex and priority tables', () => {
  assert.deepEqual(['F', 'm', 'O', 'A', 'N', 'U', 'X', '', undefined].map(patientSex), ['F', 'M', 'O', 'O', 'O', '', '', '', undefined]);
  assert.deepEqual(['S', 'A', 'P', 'C', 'R', 'T', 'Z'].map(procedurePriority), ['STAT', 'HIGH', 'HIGH', 'HIGH', 'ROUTINE', 'MEDIUM', '']);
});
