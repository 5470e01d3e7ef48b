import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_DELIMITERS, escapeHl7, unescapeHl7 } from './hl7-escape.ts';
import type { Hl7Delimiters } from './hl7-escape.ts';

// A sender with unusual delimiters: MSH#$%*@ (field #, component $, repetition %, escape *, sub-component @).
const ODD: Hl7Delimiters = {
  fieldSeparator: '#',
  componentSeparator: '$',
  repetitionSeparator: '%',
  escapeCharacter: '*',
  subcomponentSeparator: '@',
};
// v2.7+ MSH-2 `^~\&#` adds the truncation character.
const V27: Hl7Delimiters = { ...DEFAULT_DELIMITERS, truncationCharacter: '#' };

const escapeRows: { name: string; input: [string, Hl7Delimiters]; expected: string }[] = [
  { name: 'plain text is unchanged', input: ['CT Chest with contrast', DEFAULT_DELIMITERS], expected: 'CT Chest with contrast' },
  { name: 'field separator', input: ['A|B', DEFAULT_DELIMITERS], expected: 'A\\F\\B' },
  { name: 'component separator', input: ['A^B', DEFAULT_DELIMITERS], expected: 'A\\S\\B' },
  { name: 'sub-component separator', input: ['Smith & Sons', DEFAULT_DELIMITERS], expected: 'Smith \\T\\ Sons' },
  { name: 'repetition separator', input: ['~', DEFAULT_DELIMITERS], expected: '\\R\\' },
  { name: 'escape character first', input: ['C:\\temp\\S', DEFAULT_DELIMITERS], expected: 'C:\\E\\temp\\E\\S' },
  { name: 'CR and LF as hex', input: ['line 1\r\nline 2', DEFAULT_DELIMITERS], expected: 'line 1\\X0D\\\\X0A\\line 2' },
  { name: 'accents stay', input: ['Müller-Lüdenscheidt, Frédéric', DEFAULT_DELIMITERS], expected: 'Müller-Lüdenscheidt, Frédéric' },
  { name: 'odd delimiters', input: ['a#b$c%d*e@f|g^h', ODD], expected: 'a*F*b*S*c*R*d*E*e*T*f|g^h' },
  { name: 'truncation character only in v2.7+', input: ['#1', V27], expected: '\\P\\1' },
  { name: 'no truncation character before v2.7', input: ['#1', DEFAULT_DELIMITERS], expected: '#1' },
];

for (const row of escapeRows) {
  test(`escapeHl7: ${row.name}`, () => {
    assert.equal(escapeHl7(...row.input), row.expected);
  });
}

const unescapeRows: { name: string; input: [string, Hl7Delimiters]; expected: string }[] = [
  { name: 'delimiters', input: ['\\F\\\\S\\\\T\\\\R\\\\E\\', DEFAULT_DELIMITERS], expected: '|^&~\\' },
  { name: 'text without escapes', input: ['No acute abnormality.', DEFAULT_DELIMITERS], expected: 'No acute abnormality.' },
  { name: '\\.br\\ is a line break', input: ['Findings:\\.br\\Lungs clear.', DEFAULT_DELIMITERS], expected: 'Findings:\nLungs clear.' },
  { name: 'hex CR (\\X0D\\)', input: ['a\\X0D\\b', DEFAULT_DELIMITERS], expected: 'a\rb' },
  { name: 'hex CR LF in one sequence', input: ['a\\X0D0A\\b', DEFAULT_DELIMITERS], expected: 'a\r\nb' },
  { name: "HAPI's \\X000d\\", input: ['a\\X000d\\b', DEFAULT_DELIMITERS], expected: 'a\rb' },
  { name: 'hex UTF-8 bytes', input: ['Caf\\XC3A9\\', DEFAULT_DELIMITERS], expected: 'Café' },
  { name: 'hex Latin-1 byte', input: ['Caf\\XE9\\', DEFAULT_DELIMITERS], expected: 'Café' },
  { name: 'highlighting dropped', input: ['\\H\\IMPORTANT\\N\\ read', DEFAULT_DELIMITERS], expected: 'IMPORTANT read' },
  { name: '\\.sp2\\ and \\.sk3\\', input: ['a\\.sp2\\b\\.sk3\\c', DEFAULT_DELIMITERS], expected: 'a\n\nb   c' },
  { name: 'layout commands dropped', input: ['\\.ce\\Title\\.in+4\\x\\.fi\\', DEFAULT_DELIMITERS], expected: 'Titlex' },
  { name: 'local \\Z..\\ kept as written', input: ['x\\Zfoo\\y', DEFAULT_DELIMITERS], expected: 'x\\Zfoo\\y' },
  { name: 'charset switch kept as written', input: ['\\C2842\\abc', DEFAULT_DELIMITERS], expected: '\\C2842\\abc' },
  { name: 'lone escape character kept', input: ['C:\\temp', DEFAULT_DELIMITERS], expected: 'C:\\temp' },
  { name: 'empty hex kept', input: ['\\X\\', DEFAULT_DELIMITERS], expected: '\\X\\' },
  { name: 'odd delimiters', input: ['a*F*b*S*c*E*d|e', ODD], expected: 'a#b$c*d|e' },
  { name: '\\P\\ with v2.7 delimiters', input: ['\\P\\1', V27], expected: '#1' },
];

for (const row of unescapeRows) {
  test(`unescapeHl7: ${row.name}`, () => {
    assert.equal(unescapeHl7(...row.input), row.expected);
  });
}

test('unescapeHl7: lineBreak option', () => {
  assert.equal(unescapeHl7('a\\.br\\b', DEFAULT_DELIMITERS, { lineBreak: '\r\n' }), 'a\r\nb');
});

const tricky = [
  '',
  '|',
  '^',
  '&',
  '~',
  '\\',
  '\\F\\',
  '\r',
  '\n',
  '\r\n',
  '|^~\\&',
  'DOE^JANE',
  'Smith & Wesson | 50% ~ approx \\ done',
  'Ærøskøbing – Ñandú – Ďábel – 日本語 – 🩻',
  'ends with escape\\',
  '#$%*@',
];
const delimiterSets: [string, Hl7Delimiters][] = [
  ['default', DEFAULT_DELIMITERS],
  ['odd', ODD],
  ['v2.7', V27],
];

for (const [setName, delimiters] of delimiterSets) {
  for (const text of tricky) {
    test(`round trip (${setName}): ${JSON.stringify(text)}`, () => {
      const escaped = escapeHl7(text, delimiters);
      for (const ch of [delimiters.fieldSeparator, delimiters.componentSeparator, delimiters.repetitionSeparator, delimiters.subcomponentSeparator, '\r', '\n']) {
        assert.ok(!escaped.includes(ch), `escaped text contains ${JSON.stringify(ch)}: ${escaped}`);
      }
      assert.equal(unescapeHl7(escaped, delimiters), text);
    });
  }
}
