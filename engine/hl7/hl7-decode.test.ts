import { test } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { decodeHl7, encodeHl7, hl7CharsetToDicom } from './hl7-decode.ts';
import type { DecodedHl7 } from './hl7-decode.ts';
import { fixtureBytes } from './__fixtures__/fixtures.ts';

const msh = (msh18: string) => `MSH|^~\\&|RIS|RADIOLOGY|PACS|HOSPITAL|20250301083000||ADT^A08|MSG1|P|2.5.1||||||${msh18}\r`;
const pid = 'PID|1||MRN1^^^HOSP^MR||MÜLLER^RENÉ\r';
const latin1 = (s: string) => Buffer.from(s, 'latin1');
const utf8 = (s: string) => Buffer.from(s, 'utf8');

const rows: { name: string; input: Buffer; expected: DecodedHl7 }[] = [
  { name: 'no MSH-18, UTF-8 bytes', input: utf8(msh('') + pid), expected: { text: msh('') + pid, charset: 'utf8', declared: '' } },
  { name: 'no MSH-18, Latin-1 bytes', input: latin1(msh('') + pid), expected: { text: msh('') + pid, charset: 'iso-8859-1', declared: '' } },
  {
    name: 'Epic ADT^A08 fixture: Latin-1 without MSH-18',
    input: fixtureBytes('adt-a08-epic-latin1.hl7'),
    expected: { text: fixtureBytes('adt-a08-epic-latin1.hl7').toString('latin1'), charset: 'iso-8859-1', declared: '' },
  },
  { name: 'no MSH-18, pure ASCII', input: utf8(msh('') + 'PID|1||X\r'), expected: { text: msh('') + 'PID|1||X\r', charset: 'utf8', declared: '' } },
  { name: '8859/1', input: latin1(msh('8859/1') + pid), expected: { text: msh('8859/1') + pid, charset: 'iso-8859-1', declared: '8859/1' } },
  {
    name: '8859/1 declared but UTF-8 sent: read as declared, warned',
    input: utf8(msh('8859/1') + pid),
    expected: {
      text: msh('8859/1') + utf8(pid).toString('latin1'),
      charset: 'iso-8859-1',
      declared: '8859/1',
      warning: 'MSH-18 is "8859/1" but the bytes look like UTF-8; read as declared',
    },
  },
  { name: '8859/2 (Polish)', input: iconv.encode(msh('8859/2') + 'PID|1||X||ŁĄCKA^ŻANETA\r', 'iso-8859-2'), expected: { text: msh('8859/2') + 'PID|1||X||ŁĄCKA^ŻANETA\r', charset: 'iso-8859-2', declared: '8859/2' } },
  { name: '8859/5 (Cyrillic)', input: iconv.encode(msh('8859/5') + 'PID|1||X||ИВАНОВ^ИВАН\r', 'iso-8859-5'), expected: { text: msh('8859/5') + 'PID|1||X||ИВАНОВ^ИВАН\r', charset: 'iso-8859-5', declared: '8859/5' } },
  { name: '8859/7 (Greek)', input: iconv.encode(msh('8859/7') + 'PID|1||X||ΠΑΠΑΔΟΠΟΥΛΟΣ\r', 'iso-8859-7'), expected: { text: msh('8859/7') + 'PID|1||X||ΠΑΠΑΔΟΠΟΥΛΟΣ\r', charset: 'iso-8859-7', declared: '8859/7' } },
  { name: '8859/15 (euro sign)', input: iconv.encode(msh('8859/15') + 'NTE|1||5 €\r', 'iso-8859-15'), expected: { text: msh('8859/15') + 'NTE|1||5 €\r', charset: 'iso-8859-15', declared: '8859/15' } },
  { name: 'UNICODE UTF-8', input: utf8(msh('UNICODE UTF-8') + pid), expected: { text: msh('UNICODE UTF-8') + pid, charset: 'utf8', declared: 'UNICODE UTF-8' } },
  {
    name: 'UNICODE UTF-8 declared but Latin-1 sent: Latin-1, warned',
    input: latin1(msh('UNICODE UTF-8') + pid),
    expected: { text: msh('UNICODE UTF-8') + pid, charset: 'iso-8859-1', declared: 'UNICODE UTF-8', warning: 'MSH-18 is "UNICODE UTF-8" but the bytes are not; read as ISO-8859-1 (not valid UTF-8)' },
  },
  { name: 'UNICODE (deprecated) in an ASCII-readable header is UTF-8', input: utf8(msh('UNICODE') + pid), expected: { text: msh('UNICODE') + pid, charset: 'utf8', declared: 'UNICODE' } },
  { name: 'ASCII', input: utf8(msh('ASCII') + 'PID|1||X\r'), expected: { text: msh('ASCII') + 'PID|1||X\r', charset: 'ascii', declared: 'ASCII' } },
  {
    name: 'ASCII declared but Latin-1 sent',
    input: latin1(msh('ASCII') + pid),
    expected: { text: msh('ASCII') + pid, charset: 'iso-8859-1', declared: 'ASCII', warning: 'MSH-18 is "ASCII" but the bytes are not; read as ISO-8859-1 (not valid UTF-8)' },
  },
  { name: 'GB 18030-2000', input: iconv.encode(msh('GB 18030-2000') + 'PID|1||X||王^小明\r', 'gb18030'), expected: { text: msh('GB 18030-2000') + 'PID|1||X||王^小明\r', charset: 'gb18030', declared: 'GB 18030-2000' } },
  { name: 'KS X 1001 (EUC-KR bytes)', input: iconv.encode(msh('KS X 1001') + 'PID|1||X||홍^길동\r', 'euc-kr'), expected: { text: msh('KS X 1001') + 'PID|1||X||홍^길동\r', charset: 'euc-kr', declared: 'KS X 1001' } },
  { name: 'BIG-5', input: iconv.encode(msh('BIG-5') + 'PID|1||X||陳^大文\r', 'big5'), expected: { text: msh('BIG-5') + 'PID|1||X||陳^大文\r', charset: 'big5', declared: 'BIG-5' } },
  {
    name: 'Japanese ISO 2022 (~ISO IR87)',
    input: Buffer.concat([utf8(msh('~ISO IR87') + 'PID|1||X||'), Buffer.from('1b24423b33454442404f3a1b2842', 'hex'), utf8('\r')]),
    expected: { text: msh('~ISO IR87') + 'PID|1||X||山田太郎\r', charset: 'iso-2022-jp', declared: '~ISO IR87' },
  },
  { name: 'ISO IR14 (8-bit katakana)', input: Buffer.concat([utf8(msh('ISO IR14') + 'PID|1||X||'), Buffer.from('d4cfc0de', 'hex'), utf8('\r')]), expected: { text: msh('ISO IR14') + 'PID|1||X||ﾔﾏﾀﾞ\r', charset: 'shift_jis', declared: 'ISO IR14' } },
  { name: 'common misspelling UTF-8', input: utf8(msh('UTF-8') + pid), expected: { text: msh('UTF-8') + pid, charset: 'utf8', declared: 'UTF-8' } },
  { name: 'common misspelling ISO-8859-1', input: latin1(msh('ISO-8859-1') + pid), expected: { text: msh('ISO-8859-1') + pid, charset: 'iso-8859-1', declared: 'ISO-8859-1' } },
  {
    name: 'not in table 0211 but known: windows-1252',
    input: iconv.encode(msh('WINDOWS-1252') + 'NTE|1||5 €\r', 'windows-1252'),
    expected: { text: msh('WINDOWS-1252') + 'NTE|1||5 €\r', charset: 'windows-1252', declared: 'WINDOWS-1252', warning: 'MSH-18 "WINDOWS-1252" is not a table 0211 code; read as windows-1252' },
  },
  {
    name: 'unsupported (CNS 11643-1992): the undeclared rule, warned',
    input: utf8(msh('CNS 11643-1992') + 'PID|1||X\r'),
    expected: { text: msh('CNS 11643-1992') + 'PID|1||X\r', charset: 'utf8', declared: 'CNS 11643-1992', warning: 'MSH-18 "CNS 11643-1992" is not a supported character set; read as UTF-8' },
  },
  { name: 'UTF-8 byte order mark is removed', input: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8(msh('UNICODE UTF-8') + pid)]), expected: { text: msh('UNICODE UTF-8') + pid, charset: 'utf8', declared: 'UNICODE UTF-8' } },
  { name: 'UTF-16LE with byte order mark', input: iconv.encode(`\uFEFF${msh('UNICODE UTF-16')}${pid}`, 'utf-16le'), expected: { text: msh('UNICODE UTF-16') + pid, charset: 'utf-16le', declared: 'UNICODE UTF-16' } },
  { name: 'UTF-16BE without byte order mark', input: iconv.encode(msh('UNICODE UTF-16') + pid, 'utf-16be'), expected: { text: msh('UNICODE UTF-16') + pid, charset: 'utf-16be', declared: 'UNICODE UTF-16' } },
  { name: 'LF terminators, MSH-18 still found', input: latin1((msh('8859/1') + pid).replace(/\r/g, '\n')), expected: { text: (msh('8859/1') + pid).replace(/\r/g, '\n'), charset: 'iso-8859-1', declared: '8859/1' } },
  { name: 'not HL7 at all', input: utf8('{"a":1}'), expected: { text: '{"a":1}', charset: 'utf8', declared: '' } },
  { name: 'empty', input: Buffer.alloc(0), expected: { text: '', charset: 'utf8', declared: '' } },
];

for (const row of rows) {
  test(`decodeHl7: ${row.name}`, () => {
    assert.deepEqual(decodeHl7(row.input), row.expected);
  });
}

const encodeRows: { name: string; input: [string, string]; expected: Buffer }[] = [
  { name: 'decodeHl7 name: iso-8859-1', input: ['MÜLLER', 'iso-8859-1'], expected: Buffer.from('4ddc4c4c4552', 'hex') },
  { name: 'table 0211: 8859/1', input: ['MÜLLER', '8859/1'], expected: Buffer.from('4ddc4c4c4552', 'hex') },
  { name: 'table 0211: UNICODE UTF-8', input: ['MÜLLER', 'UNICODE UTF-8'], expected: Buffer.from('4dc39c4c4c4552', 'hex') },
  { name: 'empty MSH-18: UTF-8', input: ['MÜLLER', ''], expected: Buffer.from('4dc39c4c4c4552', 'hex') },
  { name: 'ASCII: unencodable becomes ?', input: ['MÜLLER', 'ASCII'], expected: Buffer.from('M?LLER') },
  { name: 'MSH-18 with ISO 2022 repetition', input: ['山', '~ISO IR87'], expected: Buffer.from('1b24423b331b2842', 'hex') },
  { name: 'iconv name: gb18030', input: ['王', 'gb18030'], expected: iconv.encode('王', 'gb18030') },
];

for (const row of encodeRows) {
  test(`encodeHl7: ${row.name}`, () => {
    assert.deepEqual(encodeHl7(...row.input), row.expected);
  });
}

test('encodeHl7 throws for an unknown character set (configuration error)', () => {
  assert.throws(() => encodeHl7('x', 'KLINGON'), RangeError);
});

for (const row of rows.filter((r) => r.expected.text !== '' && !r.expected.charset.startsWith('utf-16'))) {
  test(`decode then encode gives the bytes back: ${row.name}`, () => {
    const decoded = decodeHl7(row.input);
    const start = row.input.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) ? 3 : 0;
    if (decoded.charset === 'iso-8859-1' || !decoded.warning) {
      assert.deepEqual(encodeHl7(decoded.text, decoded.charset), row.input.subarray(start));
    }
  });
}

// standards-mappings.md 7.6
const dicomRows: { name: string; input: string | string[]; expected: string | undefined }[] = [
  { name: 'empty', input: '', expected: undefined },
  { name: 'ASCII', input: 'ASCII', expected: undefined },
  { name: '8859/1', input: '8859/1', expected: 'ISO_IR 100' },
  { name: '8859/2', input: '8859/2', expected: 'ISO_IR 101' },
  { name: '8859/3', input: '8859/3', expected: 'ISO_IR 109' },
  { name: '8859/4', input: '8859/4', expected: 'ISO_IR 110' },
  { name: '8859/5', input: '8859/5', expected: 'ISO_IR 144' },
  { name: '8859/6', input: '8859/6', expected: 'ISO_IR 127' },
  { name: '8859/7', input: '8859/7', expected: 'ISO_IR 126' },
  { name: '8859/8', input: '8859/8', expected: 'ISO_IR 138' },
  { name: '8859/9', input: '8859/9', expected: 'ISO_IR 148' },
  { name: 'ISO IR14', input: 'ISO IR14', expected: 'ISO_IR 13' },
  { name: 'ISO IR87', input: 'ISO IR87', expected: 'ISO 2022 IR 87' },
  { name: 'ISO IR159', input: 'ISO IR159', expected: 'ISO 2022 IR 159' },
  { name: 'KS X 1001', input: 'KS X 1001', expected: 'ISO 2022 IR 149' },
  { name: 'UNICODE UTF-8', input: 'UNICODE UTF-8', expected: 'ISO_IR 192' },
  { name: 'GB 18030-2000', input: 'GB 18030-2000', expected: 'GB18030' },
  { name: '8859/15: transcode to UTF-8', input: '8859/15', expected: 'ISO_IR 192' },
  { name: 'BIG-5: transcode', input: 'BIG-5', expected: 'ISO_IR 192' },
  { name: 'UNICODE: transcode', input: 'UNICODE', expected: 'ISO_IR 192' },
  { name: 'UNICODE UTF-16: transcode', input: 'UNICODE UTF-16', expected: 'ISO_IR 192' },
  { name: 'CNS 11643-1992: not ISO_IR 166 (9.10), transcode', input: 'CNS 11643-1992', expected: 'ISO_IR 192' },
  { name: 'unknown: transcode', input: 'KLINGON', expected: 'ISO_IR 192' },
  { name: 'lower case and extra spaces', input: ' unicode  utf-8 ', expected: 'ISO_IR 192' },
  { name: 'Japanese code extension ~ISO IR87', input: '~ISO IR87', expected: '\\ISO 2022 IR 87' },
  { name: 'code extensions as an array', input: ['', 'ISO IR87', 'ISO IR159'], expected: '\\ISO 2022 IR 87\\ISO 2022 IR 159' },
  { name: 'katakana and kanji', input: 'ISO IR14~ISO IR87', expected: 'ISO 2022 IR 13\\ISO 2022 IR 87' },
  { name: 'trailing empty repetition ignored', input: '8859/1~', expected: 'ISO_IR 100' },
  { name: 'UTF-8 cannot take code extensions: transcode', input: 'UNICODE UTF-8~ISO IR87', expected: 'ISO_IR 192' },
];

for (const row of dicomRows) {
  test(`hl7CharsetToDicom: ${row.name}`, () => {
    assert.equal(hl7CharsetToDicom(row.input), row.expected);
  });
}
