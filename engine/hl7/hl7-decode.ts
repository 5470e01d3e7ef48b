// Bytes <-> text for HL7 v2, driven by MSH-18 (HL7 table 0211), and MSH-18 -> DICOM Specific
// Character Set (0008,0005) per standards-mappings.md 7.6.
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { decodeIso2022Jp, encodeIso2022Jp } from './iso-2022-jp.ts';

export type DecodedHl7 = {
  text: string;
  /**
   * The encoding the bytes were read with, as an iconv-lite name ('utf8', 'iso-8859-1', 'gb18030',
   * …) or 'iso-2022-jp'. Pass it to encodeHl7 to answer in the same encoding.
   */
  charset: string;
  /** MSH-18 as sent ('' when empty). */
  declared: string;
  /** Set when the bytes did not match MSH-18 or MSH-18 was not understood, and what was done. */
  warning?: string;
};

/** Table 0211 (S8) -> how to read the bytes. Keys are upper case with single spaces. */
const TABLE_0211: Record<string, string> = {
  ASCII: 'ascii',
  'ISO IR6': 'ascii',
  '8859/1': 'iso-8859-1',
  '8859/2': 'iso-8859-2',
  '8859/3': 'iso-8859-3',
  '8859/4': 'iso-8859-4',
  '8859/5': 'iso-8859-5',
  '8859/6': 'iso-8859-6',
  '8859/7': 'iso-8859-7',
  '8859/8': 'iso-8859-8',
  '8859/9': 'iso-8859-9',
  '8859/15': 'iso-8859-15',
  'ISO IR14': 'shift_jis', // JIS X 0201: ASCII plus 8-bit katakana A1-DF, as in Shift_JIS
  'ISO IR87': 'iso-2022-jp',
  'ISO IR159': 'iso-2022-jp',
  'JIS X 0202': 'iso-2022-jp',
  JAS2020: 'iso-2022-jp',
  'GB 18030-2000': 'gb18030',
  'KS X 1001': 'euc-kr', // 8-bit form (EUC-KR) as Korean senders send it
  'BIG-5': 'big5',
  // The MSH could be read as ASCII, so a plain UNICODE here is the ASCII-compatible form.
  UNICODE: 'utf8',
  'UNICODE UTF-8': 'utf8',
  'UNICODE UTF-16': 'utf16',
  'UNICODE UTF-32': 'utf32',
};

/** Spellings seen from real senders that are not table 0211 codes. */
const ALIASES: Record<string, string> = {
  'UTF-8': 'UNICODE UTF-8',
  UTF8: 'UNICODE UTF-8',
  'ISO-8859-1': '8859/1',
  'ISO8859-1': '8859/1',
  'ISO_8859-1': '8859/1',
  LATIN1: '8859/1',
  'ISO-8859-15': '8859/15',
  'ISO_IR 100': '8859/1',
  'ISO_IR 192': 'UNICODE UTF-8',
  'ISO IR 87': 'ISO IR87',
  'ISO IR 14': 'ISO IR14',
  'ISO IR 159': 'ISO IR159',
  GB18030: 'GB 18030-2000',
};

/** Sets that only exist as ISO 2022 code extensions (escape sequences in an ASCII message). */
const ISO_2022_JP_SETS = new Set(['ISO IR87', 'ISO IR159', 'JIS X 0202', 'JAS2020']);

/**
 * Decodes a message's bytes. MSH is ASCII, so MSH-18 is read from the raw first line first; a
 * UTF-16 byte order mark or NUL-interleaved `MSH` is recognised before that. Rules:
 * - MSH-18 empty: UTF-8, or ISO-8859-1 when the bytes are not valid UTF-8 (senders often send
 *   Latin-1 without saying so; Latin-1 maps every byte, so nothing is lost).
 * - MSH-18 `ASCII`/`UNICODE UTF-8` but the bytes are not that: the same fallback, with a warning.
 * - a repetition naming a Japanese ISO 2022 set (`~ISO IR87`): ISO-2022-JP.
 * - an unknown or unsupported MSH-18 (e.g. CNS 11643-1992): the empty-MSH-18 rule, with a warning.
 * A UTF-8 byte order mark is removed.
 */
export function decodeHl7(bytes: Buffer): DecodedHl7 {
  const utf16 = sniffUtf16(bytes);
  if (utf16) {
    const text = iconv.decode(bytes, utf16).replace(/^\uFEFF/, '');
    return { text, charset: utf16, declared: readMsh18(text.split(/[\r\n]/, 1)[0] ?? '') };
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  const declared = readMsh18(firstLine(body));
  const names = splitMsh18(declared, firstLine(body));
  const primary = names[0] ?? '';
  const resolved = resolveDeclared(names);

  if (bom && resolved !== 'utf8' && resolved !== undefined) {
    return { text: body.toString('utf8'), charset: 'utf8', declared, warning: `UTF-8 byte order mark, read as UTF-8 although MSH-18 is ${JSON.stringify(declared)}` };
  }
  if (resolved === 'iso-2022-jp') return { text: decodeIso2022Jp(body), charset: resolved, declared };
  // UTF-16/32 would have been recognised above: an MSH readable as ASCII says otherwise.
  if (resolved === undefined || resolved === 'utf8' || resolved === 'ascii' || resolved === 'utf16' || resolved === 'utf32') {
    const fallback = undeclared(body);
    if (resolved === 'ascii' && body.every((b) => b < 0x80)) return { text: fallback.text, charset: 'ascii', declared };
    const result: DecodedHl7 = { text: fallback.text, charset: fallback.charset, declared };
    const readAs = fallback.charset === 'utf8' ? 'UTF-8' : 'ISO-8859-1 (not valid UTF-8)';
    if (primary !== '' && resolved === undefined) {
      result.warning = `MSH-18 ${JSON.stringify(declared)} is not a supported character set; read as ${readAs}`;
    } else if (resolved !== undefined && !(resolved === 'utf8' && fallback.charset === 'utf8')) {
      result.warning = `MSH-18 is ${JSON.stringify(declared)} but the bytes are not; read as ${readAs}`;
    }
    return result;
  }
  const text = iconv.decode(body, resolved);
  if (!Object.hasOwn(TABLE_0211, primary)) {
    return { text, charset: resolved, declared, warning: `MSH-18 ${JSON.stringify(declared)} is not a table 0211 code; read as ${resolved}` };
  }
  if (resolved.startsWith('iso-8859') && !body.every((b) => b < 0x80) && isUtf8(body)) {
    return { text, charset: resolved, declared, warning: `MSH-18 is ${JSON.stringify(declared)} but the bytes look like UTF-8; read as declared` };
  }
  return { text, charset: resolved, declared };
}

/**
 * Encodes text for sending. `charset` is what decodeHl7 returned, an iconv-lite encoding name,
 * or an MSH-18 value (table 0211, e.g. `8859/1`, `UNICODE UTF-8`, `~ISO IR87`; empty = UTF-8).
 * Throws for a name neither table 0211 nor iconv-lite knows: a configuration error.
 */
export function encodeHl7(text: string, charset: string): Buffer {
  const encoding = resolveEncoding(charset);
  if (encoding === undefined) throw new RangeError(`unknown character set ${JSON.stringify(charset)}`);
  if (encoding === 'iso-2022-jp') return encodeIso2022Jp(text);
  return iconv.encode(text, encoding);
}

/** Table 0211 -> DICOM (0008,0005), single values (standards-mappings.md 7.6). */
const DICOM_SINGLE: Record<string, string | undefined> = {
  ASCII: undefined,
  'ISO IR6': undefined,
  '8859/1': 'ISO_IR 100',
  '8859/2': 'ISO_IR 101',
  '8859/3': 'ISO_IR 109',
  '8859/4': 'ISO_IR 110',
  '8859/5': 'ISO_IR 144',
  '8859/6': 'ISO_IR 127',
  '8859/7': 'ISO_IR 126',
  '8859/8': 'ISO_IR 138',
  '8859/9': 'ISO_IR 148',
  'ISO IR14': 'ISO_IR 13',
  'ISO IR87': 'ISO 2022 IR 87',
  'ISO IR159': 'ISO 2022 IR 159',
  'KS X 1001': 'ISO 2022 IR 149',
  'UNICODE UTF-8': 'ISO_IR 192',
  'GB 18030-2000': 'GB18030',
};
/** Sets DICOM cannot name: the text is transcoded to UTF-8 (7.6; CNS 11643 per 9.10). */
const DICOM_TRANSCODE = new Set(['8859/15', 'BIG-5', 'UNICODE', 'UNICODE UTF-16', 'UNICODE UTF-32', 'CNS 11643-1992', 'JIS X 0202', 'JAS2020']);
/** The ISO 2022 form of each set, for MSH-18 with several repetitions (code extensions). */
const DICOM_ISO_2022: Record<string, string> = {
  '': '',
  ASCII: '',
  'ISO IR6': '',
  '8859/1': 'ISO 2022 IR 100',
  '8859/2': 'ISO 2022 IR 101',
  '8859/3': 'ISO 2022 IR 109',
  '8859/4': 'ISO 2022 IR 110',
  '8859/5': 'ISO 2022 IR 144',
  '8859/6': 'ISO 2022 IR 127',
  '8859/7': 'ISO 2022 IR 126',
  '8859/8': 'ISO 2022 IR 138',
  '8859/9': 'ISO 2022 IR 148',
  'ISO IR14': 'ISO 2022 IR 13',
  'ISO IR87': 'ISO 2022 IR 87',
  'ISO IR159': 'ISO 2022 IR 159',
  'KS X 1001': 'ISO 2022 IR 149',
};

/**
 * MSH-18 -> DICOM Specific Character Set (0008,0005), as one value with backslashes between
 * DICOM values. undefined = leave (0008,0005) out (default repertoire: MSH-18 empty or ASCII).
 * Sets DICOM has no term for, and unknown values, give `ISO_IR 192`: the text, already decoded,
 * is written as UTF-8. Several repetitions (`~ISO IR87`: ASCII plus JIS X 0208 by ISO 2022
 * escapes) give the ISO 2022 terms, first value empty for the default repertoire
 * (`\ISO 2022 IR 87`). Pass the whole MSH-18 field (or its repetitions as an array).
 */
export function hl7CharsetToDicom(msh18: string | readonly string[]): string | undefined {
  const names = typeof msh18 === 'string' ? splitMsh18(msh18) : msh18.map(normalise);
  while (names.length > 1 && names[names.length - 1] === '') names.pop();
  const primary = names[0] ?? '';
  if (names.length <= 1) {
    if (primary === '' || primary === 'ASCII' || primary === 'ISO IR6') return undefined;
    if (Object.hasOwn(DICOM_SINGLE, primary) && !DICOM_TRANSCODE.has(primary)) return DICOM_SINGLE[primary];
    return 'ISO_IR 192';
  }
  const terms = names.map((n) => (Object.hasOwn(DICOM_ISO_2022, n) ? DICOM_ISO_2022[n] : undefined));
  if (terms.every((t) => t !== undefined)) return terms.join('\\');
  return 'ISO_IR 192';
}

/** How to read the bytes for the MSH-18 repetitions, or undefined for "not said / not known". */
function resolveDeclared(names: string[]): string | undefined {
  if (names.some((n) => ISO_2022_JP_SETS.has(n))) return 'iso-2022-jp';
  const primary = names[0] ?? '';
  if (primary === '') return undefined;
  if (Object.hasOwn(TABLE_0211, primary)) return TABLE_0211[primary];
  return iconv.encodingExists(primary) ? primary.toLowerCase() : undefined;
}

function resolveEncoding(charset: string): string | undefined {
  const names = splitMsh18(charset);
  if (names.some((n) => ISO_2022_JP_SETS.has(n)) || charset.toLowerCase() === 'iso-2022-jp') return 'iso-2022-jp';
  const primary = names[0] ?? '';
  if (primary === '') return 'utf8';
  if (Object.hasOwn(TABLE_0211, primary)) return TABLE_0211[primary];
  return iconv.encodingExists(charset) ? charset : undefined;
}

function undeclared(body: Buffer): { text: string; charset: string } {
  return isUtf8(body) ? { text: body.toString('utf8'), charset: 'utf8' } : { text: body.toString('latin1'), charset: 'iso-8859-1' };
}

function sniffUtf16(b: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  if (b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  if (b[0] === 0x4d && b[1] === 0 && b[2] === 0x53 && b[3] === 0) return 'utf-16le';
  if (b[0] === 0 && b[1] === 0x4d && b[2] === 0 && b[3] === 0x53) return 'utf-16be';
  return undefined;
}

function firstLine(bytes: Buffer): string {
  let end = 0;
  while (end < bytes.length && bytes[end] !== 0x0d && bytes[end] !== 0x0a) end++;
  return bytes.subarray(0, end).toString('latin1');
}

/** MSH-18 of a first line, as written ('' when absent or when the line is not an MSH). */
function readMsh18(line: string): string {
  if (!line.startsWith('MSH') || line.length < 4) return '';
  return line.split(line.charAt(3))[17]?.trim() ?? '';
}

/** The repetitions of MSH-18, first component each, normalised to table 0211 spelling. */
function splitMsh18(value: string, line?: string): string[] {
  const repetition = line?.startsWith('MSH') ? line.charAt(5) || '~' : '~';
  const component = line?.startsWith('MSH') ? line.charAt(4) || '^' : '^';
  if (value.trim() === '') return [];
  return value.split(repetition).map((r) => normalise(r.split(component)[0] ?? ''));
}

function normalise(name: string): string {
  const key = name.trim().replace(/\s+/g, ' ').toUpperCase();
  return ALIASES[key] ?? key;
}
