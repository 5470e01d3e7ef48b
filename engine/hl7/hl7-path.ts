// Field paths as the specs write them, counting from 1: PID-3, PID-3.1, PID-5.1.2, PID-3[2].1,
// OBX[3]-5, MSH-9.2. MSH-1 is the field separator and MSH-2 the encoding characters, so MSH-9 is
// the message type as everywhere else (standards-mappings.md, "Conventions").
import { Hl7Field, Hl7Message, Hl7Segment } from '@medplum/core';
import type { Result } from '../result.ts';
import { escapeHl7, unescapeHl7 } from './hl7-escape.ts';
import type { Hl7Delimiters } from './hl7-escape.ts';

export type FieldPath = {
  /** Segment ID, e.g. 'PID'. */
  segment: string;
  /** Which segment of that ID, from 1 (`OBX[3]`); absent: the first (or all, for getValues). */
  segmentIndex?: number;
  /** Field number from 1. */
  field: number;
  /** Which repetition, from 1 (`PID-3[2]`); absent: the first (or all, for getValues). */
  repetition?: number;
  component?: number;
  subcomponent?: number;
};

export type Hl7PathError = { code: 'HL7_BAD_PATH'; message: string };

const MAX_INDEX = 9999;
const PATH = /^([A-Z0-9]{3})(?:\[(\d+)\])?-(\d+)(?:\[(\d+)\])?(?:\.(\d+)(?:\.(\d+))?)?$/;

/** Parses `SEG[-n]-F[[r]][.C[.S]]`; the segment ID may be written in lower case. */
export function parseFieldPath(text: string): Result<FieldPath, Hl7PathError> {
  const m = PATH.exec(text.trim().toUpperCase());
  if (!m) {
    return {
      ok: false,
      error: { code: 'HL7_BAD_PATH', message: `${JSON.stringify(text)} is not a field path like PID-3, PID-3.1, PID-5.1.2, PID-3[2].1 or OBX[3]-5` },
    };
  }
  const [, segment, segmentIndex, field, repetition, component, subcomponent] = m;
  const path: FieldPath = { segment: segment!, field: Number(field) };
  const numbers: [keyof FieldPath, string | undefined][] = [
    ['segmentIndex', segmentIndex],
    ['repetition', repetition],
    ['component', component],
    ['subcomponent', subcomponent],
  ];
  for (const [key, value] of numbers) if (value !== undefined) Object.assign(path, { [key]: Number(value) });
  for (const n of [path.field, path.segmentIndex, path.repetition, path.component, path.subcomponent]) {
    if (n !== undefined && (n < 1 || n > MAX_INDEX)) {
      return { ok: false, error: { code: 'HL7_BAD_PATH', message: `${JSON.stringify(text)}: positions count from 1 (up to ${MAX_INDEX})` } };
    }
  }
  return { ok: true, value: path };
}

/** The path as the specs write it (`OBX[3]-5[2].1.2`). */
export function formatFieldPath(path: FieldPath): string {
  let text = path.segment;
  if (path.segmentIndex !== undefined) text += `[${path.segmentIndex}]`;
  text += `-${path.field}`;
  if (path.repetition !== undefined) text += `[${path.repetition}]`;
  if (path.component !== undefined) text += `.${path.component}`;
  if (path.component !== undefined && path.subcomponent !== undefined) text += `.${path.subcomponent}`;
  return text;
}

/**
 * The message's delimiters, with the v2.7 truncation character when MSH-2 has a 5th character
 * (medplum's Hl7Context does not keep it).
 */
export function messageDelimiters(msg: Hl7Message): Hl7Delimiters {
  const c = msg.context;
  const msh2 = msg.header?.name === 'MSH' ? (msg.header.fields[1]?.toString() ?? '') : '';
  const truncation = [...msh2][4];
  return {
    fieldSeparator: c.fieldSeparator,
    componentSeparator: c.componentSeparator,
    repetitionSeparator: c.repetitionSeparator,
    escapeCharacter: c.escapeCharacter,
    subcomponentSeparator: c.subcomponentSeparator,
    ...(truncation ? { truncationCharacter: truncation } : {}),
  };
}

/**
 * The value at a path, unescaped. '' when absent. Without [n], the first segment and the first
 * repetition. A value that still has structure below the path (PID-3 is `ID^^^HOSP&…^MR`) is
 * returned as written, escapes included, because unescaping would make a `\S\` in the data
 * indistinguishable from a component separator; leaves are unescaped.
 */
export function getValue(msg: Hl7Message, path: FieldPath | string): string {
  const p = toPath(path);
  const raw = getRawValue(msg, p);
  if (isMshDelimiterField(p)) return raw;
  const c = msg.context;
  if (raw.includes(c.componentSeparator) || raw.includes(c.subcomponentSeparator) || raw.includes(c.repetitionSeparator)) return raw;
  return unescapeHl7(raw, messageDelimiters(msg));
}

/** Like getValue, but every matching segment and every repetition (one value per repetition present). */
export function getValues(msg: Hl7Message, path: FieldPath | string): string[] {
  const p = toPath(path);
  const delimiters = messageDelimiters(msg);
  const c = msg.context;
  return getRawValues(msg, p).map((raw) =>
    isMshDelimiterField(p) || raw.includes(c.componentSeparator) || raw.includes(c.subcomponentSeparator) ? raw : unescapeHl7(raw, delimiters),
  );
}

/** The text at a path as written (escapes kept). '' when absent. */
export function getRawValue(msg: Hl7Message, path: FieldPath | string): string {
  const p = toPath(path);
  const segment = findSegment(msg, p.segment, p.segmentIndex ?? 1);
  if (!segment) return '';
  const field = fieldText(msg, segment, p.field);
  if (field === undefined) return '';
  if (isMshDelimiterField(p)) return p.component === undefined ? field : '';
  const repetition = field.split(msg.context.repetitionSeparator)[(p.repetition ?? 1) - 1] ?? '';
  return below(msg, repetition, p);
}

/**
 * The texts at a path as written, for every matching segment (all of them unless [n] is given)
 * and every repetition present (all of them unless [r] is given). A field with empty text has no
 * repetitions; a repetition present gives one value, '' when its component is empty.
 */
export function getRawValues(msg: Hl7Message, path: FieldPath | string): string[] {
  const p = toPath(path);
  const segments =
    p.segmentIndex === undefined ? msg.segments.filter((s) => s.name === p.segment) : [findSegment(msg, p.segment, p.segmentIndex)].filter((s) => s !== undefined);
  const values: string[] = [];
  for (const segment of segments) {
    const field = fieldText(msg, segment, p.field);
    if (field === undefined || field === '') continue;
    if (isMshDelimiterField(p)) {
      if (p.component === undefined) values.push(field);
      continue;
    }
    const repetitions = field.split(msg.context.repetitionSeparator);
    const chosen = p.repetition === undefined ? repetitions : repetitions.slice(p.repetition - 1, p.repetition);
    for (const repetition of chosen) values.push(below(msg, repetition, p));
  }
  return values;
}

/**
 * A new message with `value` at the path, escaped with the message's delimiters. Missing fields,
 * repetitions, components and segments are created (a new segment goes after the last one with
 * the same ID, or at the end). Without [n] the first segment and first repetition are set;
 * other repetitions are kept. Setting '' where nothing exists changes nothing.
 * Throws on a malformed path string or on MSH-1/MSH-2 (programming errors; check paths from
 * configuration with parseFieldPath first).
 */
export function setValue(msg: Hl7Message, path: FieldPath | string, value: string): Hl7Message {
  return setRawValue(msg, path, escapeHl7(value, messageDelimiters(msg)));
}

/**
 * Like setValue, but `raw` is HL7 text in the message's delimiters and keeps its escapes and any
 * structure below the path (e.g. `ID^^^HOSP` into PID-3). Delimiters of the path's own level and
 * above (field separator; repetition separator for a field; component separator for a component;
 * sub-component separator for a sub-component), CR and LF are escaped so they cannot shift the
 * positions of other values.
 */
export function setRawValue(msg: Hl7Message, path: FieldPath | string, raw: string): Hl7Message {
  const p = toPath(path);
  if (isMshDelimiterField(p)) throw new Error(`${formatFieldPath(p)} holds the delimiters and cannot be set`);
  const c = msg.context;
  const copy = cloneMessage(msg);
  const n = p.segmentIndex ?? 1;
  let segment = findSegment(copy, p.segment, n);
  if (!segment && raw === '') return copy;
  if (!segment) segment = appendSegments(copy, p.segment, n);

  const old = fieldText(copy, segment, p.field);
  if (old === undefined && raw === '') return copy;
  const repetitions = (old ?? '').split(c.repetitionSeparator);
  const r = (p.repetition ?? 1) - 1;
  if (r >= repetitions.length && raw === '') return copy;
  while (repetitions.length <= r) repetitions.push('');

  if (p.component === undefined) {
    repetitions[r] = protect(raw, c, [c.repetitionSeparator]);
  } else {
    const components = repetitions[r]!.split(c.componentSeparator);
    const k = p.component - 1;
    if (k >= components.length && raw === '') return copy;
    while (components.length <= k) components.push('');
    if (p.subcomponent === undefined) {
      components[k] = protect(raw, c, [c.repetitionSeparator, c.componentSeparator]);
    } else {
      const subcomponents = components[k]!.split(c.subcomponentSeparator);
      const s = p.subcomponent - 1;
      if (s >= subcomponents.length && raw === '') return copy;
      while (subcomponents.length <= s) subcomponents.push('');
      subcomponents[s] = protect(raw, c, [c.repetitionSeparator, c.componentSeparator, c.subcomponentSeparator]);
      components[k] = subcomponents.join(c.subcomponentSeparator);
    }
    repetitions[r] = components.join(c.componentSeparator);
  }

  const fields = segment.fields.map((f) => f.toString());
  const index = segment.name === 'MSH' ? p.field - 1 : p.field;
  while (fields.length <= index) fields.push('');
  fields[index] = repetitions.join(c.repetitionSeparator);
  const position = copy.segments.indexOf(segment);
  copy.segments[position] = Hl7Segment.parse(fields.join(c.fieldSeparator), copy.context);
  return copy;
}

/** A deep copy sharing the (immutable) context. */
export function cloneMessage(msg: Hl7Message): Hl7Message {
  const c = msg.context;
  return new Hl7Message(
    msg.segments.map((s) => new Hl7Segment(s.fields.map((f) => new Hl7Field(f.components.map((r) => [...r]), c)), c)),
    c,
  );
}

function toPath(path: FieldPath | string): FieldPath {
  if (typeof path !== 'string') return path;
  const parsed = parseFieldPath(path);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
}

function isMshDelimiterField(p: FieldPath): boolean {
  return p.segment === 'MSH' && (p.field === 1 || p.field === 2);
}

function findSegment(msg: Hl7Message, id: string, n: number): Hl7Segment | undefined {
  let seen = 0;
  for (const segment of msg.segments) if (segment.name === id && ++seen === n) return segment;
  return undefined;
}

/** The whole text of a field (all repetitions), or undefined past the end of the segment. */
function fieldText(msg: Hl7Message, segment: Hl7Segment, field: number): string | undefined {
  if (segment.name === 'MSH') {
    if (field === 1) return msg.context.fieldSeparator;
    return segment.fields[field - 1]?.toString();
  }
  return segment.fields[field]?.toString();
}

function below(msg: Hl7Message, repetition: string, p: FieldPath): string {
  if (p.component === undefined) return repetition;
  const component = repetition.split(msg.context.componentSeparator)[p.component - 1] ?? '';
  if (p.subcomponent === undefined) return component;
  return component.split(msg.context.subcomponentSeparator)[p.subcomponent - 1] ?? '';
}

function appendSegments(msg: Hl7Message, id: string, n: number): Hl7Segment {
  const existing = msg.segments.filter((s) => s.name === id).length;
  const last = msg.segments.findLastIndex((s) => s.name === id);
  const created = Array.from({ length: n - existing }, () => new Hl7Segment([id], msg.context));
  msg.segments.splice(last < 0 ? msg.segments.length : last + 1, 0, ...created);
  return created[created.length - 1]!;
}

function protect(raw: string, c: Hl7Delimiters, extra: string[]): string {
  const roles: [string, string][] = [
    [c.fieldSeparator, 'F'],
    [c.repetitionSeparator, 'R'],
    [c.componentSeparator, 'S'],
    [c.subcomponentSeparator, 'T'],
  ];
  let out = '';
  for (const ch of raw) {
    const role = roles.find(([d]) => d === ch && (d === c.fieldSeparator || extra.includes(d)));
    if (role) out += `${c.escapeCharacter}${role[1]}${c.escapeCharacter}`;
    else if (ch === '\r') out += `${c.escapeCharacter}X0D${c.escapeCharacter}`;
    else if (ch === '\n') out += `${c.escapeCharacter}X0A${c.escapeCharacter}`;
    else out += ch;
  }
  return out;
}
