import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeIso2022Jp, encodeIso2022Jp } from './iso-2022-jp.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// Byte strings written out by hand from the JIS tables; the WHATWG decoder in Node's ICU
// (TextDecoder 'iso-2022-jp') is used as an independent check where it applies.
const rows: { name: string; input: Buffer; expected: string }[] = [
  { name: 'ASCII only', input: Buffer.from('PID|1||X'), expected: 'PID|1||X' },
  { name: 'JIS X 0208 (ESC $ B) and back (ESC ( B)', input: hex('1b2442 467c 4b5c 1b2842'), expected: '日本' },
  { name: 'old JIS designation ESC $ @', input: hex('1b2440 467c 4b5c 1b2842'), expected: '日本' },
  { name: 'name in a field', input: Buffer.concat([Buffer.from('PID|1||X||'), hex('1b2442 3b33 4544 1b2842'), Buffer.from('^'), hex('1b2442 4240 4f3a 1b2842')]), expected: 'PID|1||X||山田^太郎' },
  { name: 'JIS X 0201 Roman (ESC ( J) read as ASCII', input: Buffer.concat([hex('1b2442 467c 1b284a'), Buffer.from('|\\F\\|')]), expected: '日|\\F\\|' },
  { name: 'half-width katakana (ESC ( I)', input: hex('1b2849 3132 1b2842'), expected: 'ｱｲ' },
  { name: 'half-width katakana as 8-bit bytes (ISO IR13 in G1)', input: hex('b1b2'), expected: 'ｱｲ' },
  { name: 'JIS X 0212 (ESC $ ( D)', input: hex('1b242844 3021 1b2842'), expected: '丂' },
  { name: 'CR inside double-byte mode passes through', input: hex('1b2442 467c 0d 4b5c 1b2842'), expected: '日\r本' },
];

for (const row of rows) {
  test(`decodeIso2022Jp: ${row.name}`, () => {
    assert.equal(decodeIso2022Jp(row.input), row.expected);
  });
}

const encodeRows: { name: string; input: string; expected: Buffer }[] = [
  { name: 'ASCII only', input: 'MSA|AA|1', expected: Buffer.from('MSA|AA|1') },
  { name: 'kanji between delimiters', input: '山田^太郎', expected: Buffer.concat([hex('1b2442 3b33 4544 1b2842'), Buffer.from('^'), hex('1b2442 4240 4f3a 1b2842')]) },
  { name: 'half-width katakana', input: 'ｱ', expected: hex('1b2849 31 1b2842') },
  { name: 'JIS X 0212', input: '丂', expected: hex('1b242844 3021 1b2842') },
  { name: 'no JIS code: ?', input: '€', expected: Buffer.from('?') },
  { name: 'yen sign would be a backslash: ?', input: '¥', expected: Buffer.from('?') },
];

for (const row of encodeRows) {
  test(`encodeIso2022Jp: ${row.name}`, () => {
    assert.deepEqual(encodeIso2022Jp(row.input), row.expected);
  });
}

for (const text of ['MSH|^~\\&|病院|放射線科', '患者 山田 太郎 (ﾔﾏﾀﾞ ﾀﾛｳ)', 'ＣＴ胸部\r所見なし']) {
  test(`round trip and WHATWG decoder agree: ${JSON.stringify(text)}`, () => {
    const bytes = encodeIso2022Jp(text);
    assert.equal(decodeIso2022Jp(bytes), text);
    if (!/[\uFF61-\uFF9F]/.test(text)) assert.equal(new TextDecoder('iso-2022-jp').decode(bytes), text);
  });
}
