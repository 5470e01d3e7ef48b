// Declarative conditions and field mappings that an analyst writes in a channel's YAML.
//
// Values are written in HL7 notation with the standard delimiters whatever the message uses:
// `^` separates components, `&` sub-components, `\S\` etc. are escapes. So `MSH-9 = ORM^O01`
// compares two components, and a mapping `value: ORM^O01` writes two.
//
// Comparisons (equals, notEquals, in, notIn): a value compares the components it spells out and
// ignores those after: `MSH-9 = ORM^O01` is true for `ORM^O01^ORM_O01`, `MSH-9 = ORM` for any ORM,
// `PID-3 = MRN12345` for `MRN12345^^^HOSP^MR`. The same holds for sub-components inside a
// component. Write the trailing parts (`MSH-9 = ORM^O01^ORM_O01`) or a deeper path (`MSH-9.3`) to
// be stricter. Text is compared exactly (case and spaces), after unescaping.
//
// Occurrences: a path without [n] looks at every matching segment and every repetition; a
// positive test (equals, in, exists, matches, startsWith) holds when one of them passes, and the
// negative ops are the negation of their positive (`!=` is "no occurrence equals"). Empty values
// do not count as occurrences, and a path with none is tested as ''. Hence `PID-3.1 != ''` is
// "PID-3.1 has a value" and `= ''` is "has none". startsWith and matches test the text with
// components joined by `^` (and sub-components by `&`); regexes are JavaScript, `/…/i` for flags.
// In the compact form `""` is a quoted empty value; HL7's explicit null is written `'""'`.
import { z } from 'zod';
import type { Hl7Message } from '@medplum/core';
import type { Result } from '../result.ts';
import { DEFAULT_DELIMITERS, escapeHl7, unescapeHl7 } from './hl7-escape.ts';
import type { Hl7Delimiters } from './hl7-escape.ts';
import { getRawValue, getRawValues, messageDelimiters, parseFieldPath, setRawValue } from './hl7-path.ts';
import type { FieldPath } from './hl7-path.ts';

/** Condition operators and how the compact form writes them. */
export const CONDITION_OPS = {
  equals: '=',
  notEquals: '!=',
  in: 'in',
  notIn: 'not in',
  exists: 'exists',
  notExists: 'not exists',
  matches: 'matches',
  startsWith: 'startsWith',
} as const;
export type ConditionOp = keyof typeof CONDITION_OPS;

export type FieldCondition = { field: string; op: ConditionOp; value?: string; values?: string[] };
export type AllCondition = { all: Condition[] };
export type AnyCondition = { any: Condition[] };
export type Condition = FieldCondition | AllCondition | AnyCondition;

/** How YAML may write a condition: the compact string or the object, numbers for text. */
export type ConditionInput =
  | string
  | { field: string; op: ConditionOp; value?: string | number; values?: (string | number)[] }
  | { all: ConditionInput[] }
  | { any: ConditionInput[] };

/**
 * One step of a mapping, applied in order:
 * - `value`: write this literal (HL7 notation, see above);
 * - else take the value at `from` (as written, structure included), or the target's own value
 *   when there is no `from`;
 * - `table`: look that value up (its unescaped text, components joined by `^`); a miss takes
 *   `default`, and without a default is an error (e.g. OBR-24 `RAD` must not become a modality);
 * - `default`: written whenever the result would be empty (`{ set, default }` alone fills in
 *   a missing value).
 * The target path without [r] writes the first repetition; repetition separators in the value
 * are escaped, not split.
 */
export type Mapping = { set: string; value?: string; from?: string; table?: Record<string, string>; default?: string };
export type MappingInput = {
  set: string;
  value?: string | number;
  from?: string;
  table?: Record<string, string | number>;
  default?: string | number;
};

export type RuleError = { code: 'HL7_BAD_CONDITION' | 'HL7_BAD_MAPPING' | 'HL7_MAPPING_NO_MATCH'; message: string };

const COMPACT_FORMS = "`PATH = VALUE`, `PATH != VALUE`, `PATH in (A, B)`, `PATH not in (A, B)`, `PATH matches REGEX`, `PATH startsWith VALUE`, `exists PATH` or `not exists PATH`";

/**
 * Parses the compact form: `MSH-9 = ORM^O01`, `OBR-24 in (CT, MR)`, `PID-3.1 != ''`,
 * `exists PID-3`, `MSH-9.1 matches ^OR[MU]$`, `not exists ZDS-1`, `OBR-4.1 startsWith CT`.
 * Values may be quoted with '…' or "…" (double the quote inside); `''` is the empty value.
 */
export function parseCondition(text: string): Result<FieldCondition, RuleError> {
  const s = text.trim();
  let condition: FieldCondition | string;
  const exists = /^(not\s+)?exists\s+(\S+)$/i.exec(s);
  const symbol = /^([^\s=!]+)\s*(!=|==|=)\s*(.*)$/s.exec(s);
  const word = /^([^\s=!]+)\s+(not\s+in|in|matches|startswith|starts\s+with)(?:\s+(.*))?$/is.exec(s);
  if (exists) {
    condition = { field: exists[2]!, op: exists[1] ? 'notExists' : 'exists' };
  } else if (symbol) {
    const value = parseScalar(symbol[3]!);
    condition = typeof value === 'string' ? { field: symbol[1]!, op: symbol[2] === '!=' ? 'notEquals' : 'equals', value } : value.error;
  } else if (word) {
    const op = word[2]!.toLowerCase().replace(/\s+/g, ' ');
    const rest = word[3] ?? '';
    if (op === 'in' || op === 'not in') {
      const values = parseList(rest);
      condition = Array.isArray(values) ? { field: word[1]!, op: op === 'in' ? 'in' : 'notIn', values } : values.error;
    } else {
      const value = parseScalar(rest);
      condition = typeof value === 'string' ? { field: word[1]!, op: op === 'matches' ? 'matches' : 'startsWith', value } : value.error;
    }
  } else {
    condition = `expected ${COMPACT_FORMS}`;
  }
  if (typeof condition === 'string') return fail('HL7_BAD_CONDITION', `${JSON.stringify(text)}: ${condition}`);
  const problem = checkFieldCondition(condition);
  return problem ? fail('HL7_BAD_CONDITION', `${JSON.stringify(text)}: ${problem}`) : { ok: true, value: condition };
}

/** The compact form of a field condition (parseCondition reads it back). */
export function formatCondition(condition: FieldCondition): string {
  const { field, op } = condition;
  switch (op) {
    case 'exists':
    case 'notExists':
      return `${CONDITION_OPS[op]} ${field}`;
    case 'in':
    case 'notIn':
      return `${field} ${CONDITION_OPS[op]} (${(condition.values ?? []).map((v) => quote(v)).join(', ')})`;
    case 'matches':
    {
      // Regexes are often full of ( , ' so they are quoted only when they would not read back.
      const value = condition.value ?? '';
      return `${field} matches ${value === '' || /^\s|\s$|^['"]/.test(value) ? quote(value, true) : value}`;
    }
    default:
      return `${field} ${CONDITION_OPS[op]} ${quote(condition.value ?? '')}`;
  }
}

/**
 * Whether the message meets the condition. The condition must be valid (from conditionSchema or
 * parseCondition); a malformed path or regex throws.
 */
export function evaluateCondition(condition: Condition, msg: Hl7Message): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluateCondition(c, msg));
  if ('any' in condition) return condition.any.some((c) => evaluateCondition(c, msg));
  const path = toPath(condition.field);
  const d = messageDelimiters(msg);
  const raw = getRawValues(msg, path);
  const occurrences = (isDelimiterField(path) ? raw.map((r) => [[r]]) : raw.map((r) => structure(r, d))).filter((v) => !isEmpty(v));
  const values = occurrences.length > 0 ? occurrences : [[['']]];
  const equals = (expected: string) => {
    const e = structure(expected, DEFAULT_DELIMITERS);
    return values.some((v) => e.every((subs, k) => subs.every((sub, j) => (v[k]?.[j] ?? '') === sub)));
  };
  switch (condition.op) {
    case 'exists':
      return occurrences.length > 0;
    case 'notExists':
      return occurrences.length === 0;
    case 'equals':
      return equals(condition.value ?? '');
    case 'notEquals':
      return !equals(condition.value ?? '');
    case 'in':
      return (condition.values ?? []).some(equals);
    case 'notIn':
      return !(condition.values ?? []).some(equals);
    case 'startsWith': {
      const prefix = text(structure(condition.value ?? '', DEFAULT_DELIMITERS));
      return values.some((v) => text(v).startsWith(prefix));
    }
    case 'matches': {
      const regex = compileRegex(condition.value ?? '');
      if (typeof regex === 'string') throw new Error(`invalid regex ${JSON.stringify(condition.value)}: ${regex}`);
      return values.some((v) => regex.test(text(v)));
    }
  }
}

/** Applies mappings in order, each to the result of the one before. */
export function applyMappings(msg: Hl7Message, mappings: readonly Mapping[]): Result<Hl7Message, RuleError> {
  let current = msg;
  for (const [index, mapping] of mappings.entries()) {
    const where = `mapping ${index + 1} (set ${mapping.set})`;
    const problem = checkMapping(mapping);
    if (problem) return fail('HL7_BAD_MAPPING', `${where}: ${problem}`);
    const target = toPath(mapping.set);
    const d = messageDelimiters(current);
    let raw: string;
    if (mapping.value !== undefined) {
      raw = toMessageNotation(mapping.value, d);
    } else {
      const source = mapping.from !== undefined ? toPath(mapping.from) : target;
      raw = getRawValue(current, source);
      if (mapping.table) {
        const key = text(structure(raw, d));
        const entry = Object.entries(mapping.table).find(([k]) => text(structure(k, DEFAULT_DELIMITERS)) === key);
        if (entry) raw = toMessageNotation(entry[1], d);
        else if (mapping.default !== undefined) raw = toMessageNotation(mapping.default, d);
        else return fail('HL7_MAPPING_NO_MATCH', `${where}: ${mapping.from ?? mapping.set} ${JSON.stringify(key)} is not in the table and there is no default`);
      }
    }
    if (mapping.default !== undefined && isEmpty(structure(raw, d))) raw = toMessageNotation(mapping.default, d);
    current = setRawValue(current, target, raw);
  }
  return { ok: true, value: current };
}

const scalar = z.union([z.string(), z.number()]).transform(String);

const fieldConditionSchema = z
  .strictObject({ field: z.string(), op: z.enum(Object.keys(CONDITION_OPS) as [ConditionOp, ...ConditionOp[]]), value: scalar.optional(), values: z.array(scalar).optional() })
  .superRefine((condition, ctx) => {
    const problem = checkFieldCondition(condition);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const compactConditionSchema = z.string().transform((text, ctx) => {
  const parsed = parseCondition(text);
  if (parsed.ok) return parsed.value;
  ctx.addIssue({ code: 'custom', message: parsed.error.message });
  return z.NEVER;
});

const allConditionSchema = z.strictObject({ all: z.array(z.lazy(() => conditionSchema)).min(1) });
const anyConditionSchema = z.strictObject({ any: z.array(z.lazy(() => conditionSchema)).min(1) });

/**
 * A condition in a channel definition: the compact string, a field condition object, or
 * `{ all: [...] }` / `{ any: [...] }` of conditions (nestable, not empty). The form is chosen by
 * the input's shape, so an analyst gets the errors of that form rather than of every form.
 */
export const conditionSchema = z.unknown().transform((input, ctx): Condition => {
  const schema =
    typeof input === 'string'
      ? compactConditionSchema
      : isObject(input) && 'all' in input
        ? allConditionSchema
        : isObject(input) && 'any' in input
          ? anyConditionSchema
          : isObject(input)
            ? fieldConditionSchema
            : undefined;
  if (!schema) {
    ctx.addIssue({ code: 'custom', message: `a condition is a string (${COMPACT_FORMS}) or an object {field, op, value | values}, {all: [...]} or {any: [...]}` });
    return z.NEVER;
  }
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data as Condition;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
}) as unknown as z.ZodType<Condition, ConditionInput>;

/** A mapping step in a channel definition (see Mapping). */
export const mappingSchema: z.ZodType<Mapping, MappingInput> = z
  .strictObject({ set: z.string(), value: scalar.optional(), from: z.string().optional(), table: z.record(z.string(), scalar).optional(), default: scalar.optional() })
  .superRefine((mapping, ctx) => {
    const problem = checkMapping(mapping);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

function checkFieldCondition(c: FieldCondition): string | undefined {
  const path = parseFieldPath(c.field);
  if (!path.ok) return path.error.message;
  const list = c.op === 'in' || c.op === 'notIn';
  const none = c.op === 'exists' || c.op === 'notExists';
  if (list && (c.values === undefined || c.values.length === 0)) return `${c.op} needs a non-empty list of values`;
  if (list && c.value !== undefined) return `${c.op} takes values, not value`;
  if (!list && c.values !== undefined) return `${c.op} takes value, not values`;
  if (none && c.value !== undefined) return `${c.op} takes no value`;
  if (!list && !none && c.value === undefined) return `${c.op} needs a value`;
  if (c.op === 'matches') {
    const regex = compileRegex(c.value ?? '');
    if (typeof regex === 'string') return `invalid regex ${JSON.stringify(c.value)}: ${regex}`;
  }
  return undefined;
}

function checkMapping(m: Mapping): string | undefined {
  const target = parseFieldPath(m.set);
  if (!target.ok) return target.error.message;
  if (isDelimiterField(target.value)) return 'MSH-1 and MSH-2 hold the delimiters and cannot be set';
  if (m.from !== undefined) {
    const source = parseFieldPath(m.from);
    if (!source.ok) return source.error.message;
  }
  if (m.value !== undefined && (m.from !== undefined || m.table !== undefined)) return 'value is a literal: it cannot be combined with from or table';
  if (m.value === undefined && m.from === undefined && m.table === undefined && m.default === undefined) return 'needs value, from, table or default';
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toPath(text: string): FieldPath {
  const path = parseFieldPath(text);
  if (!path.ok) throw new Error(path.error.message);
  return path.value;
}

function isDelimiterField(p: FieldPath): boolean {
  return p.segment === 'MSH' && (p.field === 1 || p.field === 2);
}

/** Components x sub-components, unescaped. */
function structure(raw: string, d: Hl7Delimiters): string[][] {
  return raw.split(d.componentSeparator).map((component) => component.split(d.subcomponentSeparator).map((sub) => unescapeHl7(sub, d)));
}

function isEmpty(value: string[][]): boolean {
  return value.every((subs) => subs.every((s) => s === ''));
}

function text(value: string[][]): string {
  return value.map((subs) => subs.join('&')).join('^');
}

/** HL7 notation with the standard delimiters -> the message's delimiters. */
function toMessageNotation(value: string, d: Hl7Delimiters): string {
  const std = DEFAULT_DELIMITERS;
  const map = new Map([
    [std.componentSeparator, d.componentSeparator],
    [std.repetitionSeparator, d.repetitionSeparator],
    [std.subcomponentSeparator, d.subcomponentSeparator],
    [std.escapeCharacter, d.escapeCharacter],
  ]);
  let out = '';
  for (const ch of value) out += map.get(ch) ?? escapeHl7(ch, d);
  return out;
}

function compileRegex(value: string): RegExp | string {
  const literal = /^\/(.*)\/([dgimsuvy]*)$/s.exec(value);
  try {
    // g and y would make test() remember where it stopped: dropped.
    return literal ? new RegExp(literal[1]!, literal[2]!.replace(/[gy]/g, '')) : new RegExp(value);
  } catch (error) {
    return (error as Error).message;
  }
}

function parseScalar(rest: string): string | { error: string } {
  const s = rest.trim();
  if (s === '') return { error: "no value (write '' for the empty value)" };
  return unquote(s);
}

function unquote(s: string): string | { error: string } {
  const q = s[0];
  if (q !== "'" && q !== '"') return s;
  if (s.length < 2 || s[s.length - 1] !== q) return { error: `unterminated quote in ${s}` };
  const inner = s.slice(1, -1);
  if (inner.replaceAll(q + q, '').includes(q)) return { error: `a quote inside ${s} must be doubled` };
  return inner.replaceAll(q + q, q);
}

function parseList(rest: string): string[] | { error: string } {
  const s = rest.trim();
  if (!s.startsWith('(') || !s.endsWith(')')) return { error: 'a list is written (A, B, C)' };
  const items: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const ch of s.slice(1, -1)) {
    if (quote) {
      current += ch;
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      current += ch;
    } else if (ch === ',') {
      items.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  items.push(current);
  const values: string[] = [];
  for (const item of items) {
    const value = parseScalar(item);
    if (typeof value !== 'string') return { error: `in the list: ${value.error}` };
    values.push(value);
  }
  return values;
}

function quote(value: string, always = false): string {
  if (!always && value !== '' && !/^\s|\s$|[,()'"]/.test(value)) return value;
  return `'${value.replaceAll("'", "''")}'`;
}

function fail(code: RuleError['code'], message: string): { ok: false; error: RuleError } {
  return { ok: false, error: { code, message } };
}
