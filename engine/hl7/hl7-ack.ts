// Acknowledgements as standards-mappings.md 7.3 describes them (HAPI's fillResponseHeader, S9).
// Differences from medplum's Hl7Message.buildAck: the clock and control ID come from ctx (medplum
// uses new Date() and the epoch milliseconds), MSH-7 is local time to the second (medplum: UTC
// with milliseconds, no offset), MSH-9 follows the version (medplum: the request's MSH-9.3),
// MSH-11 and MSH-18 are copied (medplum: 'P', no MSH-18), MSA-3 is only sent when there is text
// (medplum: 'OK', 'Application Error', …), and ERR is built here in the layout of the version.
import { Hl7Context, Hl7Message, Hl7Segment } from '@medplum/core';
import { escapeHl7 } from './hl7-escape.ts';
import type { Hl7Delimiters } from './hl7-escape.ts';
import { HL7_FAILURES, hl7ErrorText } from './hl7-error-codes.ts';
import type { Hl7ErrorDetail, Hl7ErrorLocation } from './hl7-error-codes.ts';
import { readDelimiters } from './hl7-parse.ts';
import type { Hl7ParseError } from './hl7-parse.ts';
import { getRawValue, getValue, messageDelimiters } from './hl7-path.ts';

/** Table 0008. */
export const ACK_CODES = {
  AA: 'Application Accept',
  AE: 'Application Error',
  AR: 'Application Reject',
  CA: 'Commit Accept',
  CE: 'Commit Error',
  CR: 'Commit Reject',
} as const;
export type AckCode = keyof typeof ACK_CODES;

export type AckOptions = {
  code: AckCode;
  /** MSA-3. Before v2.5, defaults to the first error's message. */
  text?: string;
  errors?: Hl7ErrorDetail[];
};

export type AckContext = { now: () => Date; newControlId: () => string };

/** Version used when the request's MSH-12 is missing or unreadable. */
export const DEFAULT_ACK_VERSION = '2.5.1';

/**
 * The ACK for a request:
 * - MSH-1/MSH-2 copied; MSH-3/4 <- request MSH-5/6 and MSH-5/6 <- request MSH-3/4;
 * - MSH-7 ctx.now() as YYYYMMDDHHMMSS in the appliance's local time (a TS without offset is the
 *   sender's local time);
 * - MSH-9 `ACK^<trigger>^ACK` for v2.5 and later, `ACK^<trigger>` before;
 * - MSH-10 ctx.newControlId(); MSH-11, MSH-12 and MSH-18 copied;
 * - MSA-1 code, MSA-2 request MSH-10, MSA-3 text;
 * - per error, v2.5+: `ERR||<ERR-2 location>|<code>^<text>^HL70357|<severity>||||<message>`;
 *   before v2.5: one ERR whose repeating ERR-1 is `<seg>^<seq>^<field>^<code>&<text>&HL70357`.
 */
export function buildAck(request: Hl7Message, opts: AckOptions, ctx: AckContext): Hl7Message {
  const context = request.context;
  const delimiters = messageDelimiters(request);
  const version = getRawValue(request, 'MSH-12') || DEFAULT_ACK_VERSION;
  const v25 = isAtLeast25(getValue(request, 'MSH-12.1') || DEFAULT_ACK_VERSION);
  const trigger = getRawValue(request, 'MSH-9.2');
  const c = context.componentSeparator;
  const msh = [
    'MSH',
    getRawValue(request, 'MSH-2'),
    getRawValue(request, 'MSH-5'),
    getRawValue(request, 'MSH-6'),
    getRawValue(request, 'MSH-3'),
    getRawValue(request, 'MSH-4'),
    formatTimestamp(ctx.now()),
    '',
    v25 ? ['ACK', trigger, 'ACK'].join(c) : trigger ? ['ACK', trigger].join(c) : 'ACK',
    escapeHl7(ctx.newControlId(), delimiters),
    getRawValue(request, 'MSH-11'),
    version,
  ];
  const charset = fieldText(request, 18);
  if (charset !== '') msh.push('', '', '', '', '', charset);

  const errors = opts.errors ?? [];
  const text = opts.text ?? (!v25 ? errors[0]?.message : undefined);
  const msa = ['MSA', opts.code, getRawValue(request, 'MSH-10')];
  if (text !== undefined && text !== '') msa.push(escapeHl7(text, delimiters));

  const segments = [segment(msh, context), segment(msa, context)];
  if (errors.length > 0) {
    if (v25) for (const error of errors) segments.push(segment(err25(error, delimiters), context));
    else segments.push(segment(['ERR', errors.map((e) => err231(e, delimiters)).join(context.repetitionSeparator)], context));
  }
  return new Hl7Message(segments, context);
}

/**
 * An ACK for text that could not be parsed, built from what the first line gives: the delimiters
 * when MSH-1/MSH-2 are sane (else `|^~\&`), MSH-3..6, the trigger, MSH-10, MSH-11, MSH-12 (else
 * 2.5.1) and MSH-18. Values from a header with broken delimiters are only kept when they are
 * plain (letters, digits, `._-:/` and spaces). The ACK code comes from HL7_FAILURES: AR for
 * HL7_NOT_HL7, HL7_BAD_MSH and HL7_BAD_ENCODING_CHARACTERS (message-level rejection); AE for
 * HL7_REQUIRED_FIELD_MISSING and HL7_BAD_SEGMENT (the header was understood, the content is
 * wrong, resending will not help).
 */
export function buildAckForUnparseable(rawText: string, error: Hl7ParseError, ctx: AckContext): string {
  const firstLine = rawText.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/, 1)[0] ?? '';
  const delimiters = readDelimiters(firstLine);
  const context = delimiters.ok ? delimiters.value : new Hl7Context();
  const fieldSeparator = firstLine.charAt(3);
  const fields = firstLine.startsWith('MSH') && /^[\x21-\x7E]$/.test(fieldSeparator) && !/^[A-Za-z0-9]$/.test(fieldSeparator) ? firstLine.split(fieldSeparator) : [];
  // fields[n - 1] is MSH-n (fields[0] is 'MSH', MSH-1 is the separator itself).
  const keep = (n: number): string => {
    const value = fields[n - 1] ?? '';
    return delimiters.ok || /^[A-Za-z0-9 ._\-:/]*$/.test(value) ? value : '';
  };
  const versionText = keep(12).split(context.componentSeparator)[0] ?? '';
  const trigger = keep(9).split(context.componentSeparator)[1] ?? '';
  const header = [
    'MSH',
    delimiters.ok ? (fields[1] ?? '') : context.getMsh2(),
    keep(3),
    keep(4),
    keep(5),
    keep(6),
    '',
    '',
    trigger ? ['', trigger].join(context.componentSeparator) : '',
    keep(10),
    keep(11),
    /^\d+(\.\d+)*$/.test(versionText) ? keep(12) : DEFAULT_ACK_VERSION,
  ];
  if (delimiters.ok && keep(18) !== '') header.push('', '', '', '', '', keep(18));

  const request = new Hl7Message([new Hl7Segment(header, context)], context);
  const code: AckCode = HL7_FAILURES[error.code].ack;
  const detail: Hl7ErrorDetail = { hl7ErrorCode: error.hl7ErrorCode, message: error.message, severity: 'E' };
  if (error.location) detail.location = error.location;
  return buildAck(request, { code, errors: [detail] }, ctx).toString();
}

/** MSA-1 of an acknowledgement, or undefined when there is none. */
export function ackCode(msg: Hl7Message): string | undefined {
  return getValue(msg, 'MSA-1') || undefined;
}

/** True for AA (application accept) and CA (commit accept). */
export function isPositiveAck(msg: Hl7Message): boolean {
  const code = ackCode(msg);
  return code === 'AA' || code === 'CA';
}

function err25(error: Hl7ErrorDetail, d: Hl7Delimiters): string[] {
  const code = [escapeHl7(error.hl7ErrorCode, d), escapeHl7(hl7ErrorText(error.hl7ErrorCode), d), 'HL70357'].join(d.componentSeparator);
  return ['ERR', '', error.location ? erl(error.location, d) : '', code, error.severity ?? 'E', '', '', '', escapeHl7(error.message, d)];
}

/** ERR-2 ERL: segment ^ sequence ^ field ^ field repetition ^ component ^ sub-component. */
function erl(location: Hl7ErrorLocation, d: Hl7Delimiters): string {
  const parts = [escapeHl7(location.segment, d), String(location.sequence)];
  if (location.field > 0) {
    parts.push(String(location.field), String(location.repetition ?? 1));
    if (location.component !== undefined) parts.push(String(location.component));
    if (location.component !== undefined && location.subcomponent !== undefined) parts.push(String(location.subcomponent));
  }
  return parts.join(d.componentSeparator);
}

/** One repetition of v2.3.1/v2.4 ERR-1: segment ^ sequence ^ field ^ code&text&HL70357. */
function err231(error: Hl7ErrorDetail, d: Hl7Delimiters): string {
  const l = error.location;
  const code = [escapeHl7(error.hl7ErrorCode, d), escapeHl7(hl7ErrorText(error.hl7ErrorCode), d), 'HL70357'].join(d.subcomponentSeparator);
  const field = l && l.field > 0 ? String(l.field) : '';
  return [l ? escapeHl7(l.segment, d) : '', l ? String(l.sequence) : '', field, code].join(d.componentSeparator);
}

function segment(fields: string[], context: Hl7Context): Hl7Segment {
  return new Hl7Segment(fields, context);
}

/** The whole text of an MSH field, all repetitions (getRawValue gives the first only). */
function fieldText(msg: Hl7Message, field: number): string {
  return msg.header?.fields[field - 1]?.toString() ?? '';
}

function isAtLeast25(version: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return true;
  const major = Number(m[1]);
  return major > 2 || (major === 2 && Number(m[2]) >= 5);
}

function formatTimestamp(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getFullYear(), 4)}${pad(date.getMonth() + 1)}${pad(date.getDate())}${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}
