// Parses HL7 v2 text into medplum's Hl7Message after checking what medplum's parser assumes:
// the text starts with MSH, MSH-1/MSH-2 are usable delimiters, every line is a segment, and the
// header fields needed to route and acknowledge the message are there. Never throws.
import { Hl7Context, Hl7Message, Hl7Segment } from '@medplum/core';
import type { Result } from '../result.ts';
import type { Hl7ErrorLocation } from './hl7-error-codes.ts';

export type Hl7ParseErrorCode =
  | 'HL7_NOT_HL7'
  | 'HL7_BAD_MSH'
  | 'HL7_BAD_ENCODING_CHARACTERS'
  | 'HL7_BAD_SEGMENT'
  | 'HL7_REQUIRED_FIELD_MISSING';

export type Hl7ParseError = {
  code: Hl7ParseErrorCode;
  message: string;
  /** Table 0357 code for the ACK's ERR segment. */
  hl7ErrorCode: '100' | '101' | '102' | '199' | '200' | '201' | '203' | '207';
  location?: Hl7ErrorLocation;
};

/** MSH fields a message cannot be routed or acknowledged without (dcm4chee answers 101, S2). */
const REQUIRED_MSH_FIELDS = [
  { field: 9, name: 'message type' },
  { field: 10, name: 'message control ID' },
  { field: 12, name: 'version ID' },
] as const;

const SEGMENT_ID = /^[A-Z0-9]{3}$/;

/**
 * Parses one HL7 v2 message. Accepts CR, LF or CRLF between segments (normalised to CR), blank
 * lines, a trailing terminator and a leading byte order mark.
 */
export function parseHl7(text: string): Result<Hl7Message, Hl7ParseError> {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .filter((line) => line.trim() !== '');
  const first = lines[0] ?? '';
  const delimiters = readDelimiters(first);
  if (!delimiters.ok) return delimiters;
  const context = delimiters.value;

  const segments: Hl7Segment[] = [];
  for (const [index, line] of lines.entries()) {
    const id = line.split(context.fieldSeparator, 1)[0] ?? '';
    if (!SEGMENT_ID.test(id)) {
      return fail('HL7_BAD_SEGMENT', '100', `segment ${index + 1}: ID ${JSON.stringify(id.slice(0, 20))} is not 3 upper-case letters or digits`);
    }
    if (id === 'MSH' && index > 0) {
      return fail('HL7_BAD_SEGMENT', '100', `segment ${index + 1}: a second MSH (one message per text; batches are not supported)`);
    }
    segments.push(Hl7Segment.parse(line, context));
  }
  const message = new Hl7Message(segments, context);

  const msh = message.header;
  for (const { field, name } of REQUIRED_MSH_FIELDS) {
    if (msh.getComponent(field, 1) === '') {
      return fail('HL7_REQUIRED_FIELD_MISSING', '101', `MSH-${field} (${name}) is empty`, { segment: 'MSH', sequence: 1, field });
    }
  }
  return { ok: true, value: message };
}

/**
 * Reads the delimiters from a message's first line: MSH-1 (the character after `MSH`) and MSH-2
 * (4 encoding characters, 5 from v2.7 with the truncation character), all distinct.
 */
export function readDelimiters(firstLine: string): Result<Hl7Context, Hl7ParseError> {
  if (!firstLine.startsWith('MSH')) {
    const batch = /^(FHS|BHS)/.test(firstLine) ? ' (batches are not supported)' : '';
    return fail('HL7_NOT_HL7', '100', `the text does not start with an MSH segment${batch}`);
  }
  const fieldSeparator = firstLine.charAt(3);
  if (!isDelimiterCharacter(fieldSeparator)) {
    return fail('HL7_BAD_MSH', '102', `MSH-1 (field separator) ${JSON.stringify(fieldSeparator)} is not a single punctuation character`, { segment: 'MSH', sequence: 1, field: 1 });
  }
  const end = firstLine.indexOf(fieldSeparator, 4);
  const encoding = firstLine.slice(4, end < 0 ? undefined : end);
  const chars = [...encoding];
  const problem =
    chars.length < 4 || chars.length > 5
      ? `has ${chars.length} characters, not 4 (or 5 from v2.7)`
      : !chars.every(isDelimiterCharacter)
        ? 'contains a letter, digit, space or control character'
        : new Set([fieldSeparator, ...chars]).size !== chars.length + 1
          ? 'repeats a character or the field separator'
          : undefined;
  if (problem) {
    return fail('HL7_BAD_ENCODING_CHARACTERS', '102', `MSH-2 (encoding characters) ${JSON.stringify(encoding)} ${problem}`, { segment: 'MSH', sequence: 1, field: 2 });
  }
  const [component, repetition, escape, subcomponent] = chars as [string, string, string, string];
  return { ok: true, value: new Hl7Context('\r', fieldSeparator, component, repetition, escape, subcomponent) };
}

function isDelimiterCharacter(ch: string): boolean {
  return ch.length === 1 && /^[\x21-\x7E]$/.test(ch) && !/^[A-Za-z0-9]$/.test(ch);
}

function fail(code: Hl7ParseErrorCode, hl7ErrorCode: Hl7ParseError['hl7ErrorCode'], message: string, location?: Hl7ErrorLocation): { ok: false; error: Hl7ParseError } {
  return { ok: false, error: location ? { code, message, hl7ErrorCode, location } : { code, message, hl7ErrorCode } };
}
