// HL7 v2 escape sequences (standards-mappings.md 7.5), with the message's own delimiters from
// MSH-1/MSH-2 rather than assuming `|^~\&`. Escape before joining, unescape after splitting.
import { isUtf8 } from 'node:buffer';

/** The delimiters of one message. medplum's `Hl7Context` fits this type. */
export type Hl7Delimiters = {
  readonly fieldSeparator: string;
  readonly componentSeparator: string;
  readonly repetitionSeparator: string;
  readonly escapeCharacter: string;
  readonly subcomponentSeparator: string;
  /** v2.7+ truncation character (5th character of MSH-2), escaped as \P\. */
  readonly truncationCharacter?: string;
};

export const DEFAULT_DELIMITERS: Hl7Delimiters = Object.freeze({
  fieldSeparator: '|',
  componentSeparator: '^',
  repetitionSeparator: '~',
  escapeCharacter: '\\',
  subcomponentSeparator: '&',
});

export type UnescapeOptions = {
  /** What `\.br\` and `\.sp\` become. Default '\n'. */
  lineBreak?: string;
};

/**
 * Escapes text for one HL7 value: every delimiter becomes \F\ \S\ \T\ \R\ \E\ (\P\ for the
 * truncation character), CR and LF become \X0D\ and \X0A\ (a raw CR would end the segment).
 * Other characters, accents included, are left to the character set (MSH-18).
 */
export function escapeHl7(text: string, delimiters: Hl7Delimiters): string {
  const d = delimiters;
  const e = d.escapeCharacter;
  let out = '';
  for (const ch of text) {
    if (ch === e) out += `${e}E${e}`;
    else if (ch === d.fieldSeparator) out += `${e}F${e}`;
    else if (ch === d.componentSeparator) out += `${e}S${e}`;
    else if (ch === d.subcomponentSeparator) out += `${e}T${e}`;
    else if (ch === d.repetitionSeparator) out += `${e}R${e}`;
    else if (d.truncationCharacter && ch === d.truncationCharacter) out += `${e}P${e}`;
    else if (ch === '\r') out += `${e}X0D${e}`;
    else if (ch === '\n') out += `${e}X0A${e}`;
    else out += ch;
  }
  return out;
}

/**
 * Turns escape sequences back into text:
 * - \F\ \S\ \T\ \R\ \E\ \P\: the delimiter characters;
 * - \Xhh..\: the bytes, read as UTF-8 when they are valid UTF-8, else as ISO-8859-1; pairs of
 *   `00 hh` (HAPI writes CR as \X000d\) as UTF-16 code units;
 * - \.br\ and \.sp<n>\: line breaks; \.sk<n>\: n spaces;
 * - \H\ \N\ \.ce\ \.fi\ \.nf\ \.in<n>\ \.ti<n>\ (highlighting, layout): dropped;
 * - anything else (\Zxx\ local, \Cxxyy\ \Mxxyyzz\ charset switches, a lone escape character):
 *   kept as written, so no data is lost.
 */
export function unescapeHl7(text: string, delimiters: Hl7Delimiters, options: UnescapeOptions = {}): string {
  const e = delimiters.escapeCharacter;
  if (!text.includes(e)) return text;
  const lineBreak = options.lineBreak ?? '\n';
  let out = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf(e, i);
    if (start < 0) break;
    const end = text.indexOf(e, start + 1);
    if (end < 0) break;
    out += text.slice(i, start);
    const sequence = text.slice(start + 1, end);
    const replacement = translate(sequence, delimiters, lineBreak);
    out += replacement ?? `${e}${sequence}${e}`;
    i = end + 1;
  }
  return out + text.slice(i);
}

function translate(sequence: string, d: Hl7Delimiters, lineBreak: string): string | undefined {
  switch (sequence) {
    case 'F':
      return d.fieldSeparator;
    case 'S':
      return d.componentSeparator;
    case 'T':
      return d.subcomponentSeparator;
    case 'R':
      return d.repetitionSeparator;
    case 'E':
      return d.escapeCharacter;
    case 'P':
      return d.truncationCharacter ?? '#';
    case 'H':
    case 'N':
    case '.ce':
    case '.fi':
    case '.nf':
      return '';
    case '.br':
      return lineBreak;
  }
  if (/^X(?:[0-9A-Fa-f]{2})+$/.test(sequence)) return hexToText(sequence.slice(1));
  const sp = /^\.sp ?([+]?\d{0,3})$/.exec(sequence);
  if (sp) return lineBreak.repeat(sp[1] ? Number(sp[1]) : 1);
  const sk = /^\.sk ?([+]?\d{0,3})$/.exec(sequence);
  if (sk) return ' '.repeat(sk[1] ? Number(sk[1]) : 1);
  if (/^\.(?:in|ti) ?[+-]?\d{0,3}$/.test(sequence)) return '';
  return undefined;
}

function hexToText(hex: string): string {
  const bytes = Buffer.from(hex, 'hex');
  const utf16 = bytes.length % 2 === 0 && bytes.every((b, i) => i % 2 === 1 || b === 0);
  if (utf16) return bytes.swap16().toString('utf16le');
  return isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('latin1');
}
