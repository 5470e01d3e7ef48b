// One attribute's query value -> a Matcher (PS3.4 C.2.2.2), or undefined for universal matching.
import type { Result } from '../../engine/index.ts';
import type { DicomError } from '../dicom-error.ts';
import type { MatchKind } from './query-attributes.ts';
import type { Matcher } from './study-query.ts';

const invalid = (message: string): { ok: false; error: DicomError } => ({ ok: false, error: { code: 'DICOM_QUERY_INVALID', message } });

const DATE = /^\d{8}$/;
const TIME = /^\d{2}(\d{2}(\d{2}(\.\d{1,6})?)?)?$/;

/** A PN query value: the alphabetic group, without trailing empty components. */
function personName(v: string): string {
  return v.split('=')[0]!.replace(/[\^ ]+$/, '').trim();
}

function range(value: string, ok: RegExp, name: string, clean: (s: string) => string): Result<Matcher | undefined, DicomError> {
  const v = clean(value);
  const dash = v.indexOf('-');
  if (dash < 0) return ok.test(v) ? { ok: true, value: { type: 'single', value: v } } : invalid(`${name} "${value}" is not a valid value or range`);
  const from = v.slice(0, dash);
  const to = v.slice(dash + 1);
  if ((from && !ok.test(from)) || (to && !ok.test(to))) return invalid(`${name} "${value}" is not a valid range`);
  if (!from && !to) return { ok: true, value: undefined };
  return { ok: true, value: { type: 'range', ...(from ? { from } : {}), ...(to ? { to } : {}) } };
}

/**
 * `values` are the attribute's values as text (several for a backslash-separated list).
 * `name` is used in error messages.
 */
export function parseMatcher(kind: MatchKind, rawValues: readonly string[], name: string): Result<Matcher | undefined, DicomError> {
  const values = rawValues.map((v) => v.trim()).filter((v) => v !== '');
  if (values.length === 0 || kind === 'count') return { ok: true, value: undefined };
  if (values.length === 1 && values[0] === '*') return { ok: true, value: undefined };
  switch (kind) {
    case 'uid':
      if (values.some((v) => !/^[0-9.]+$/.test(v))) return invalid(`${name}: UID values hold digits and dots only (no wildcards)`);
      return { ok: true, value: values.length === 1 ? { type: 'single', value: values[0]! } : { type: 'list', values } };
    case 'date':
      if (values.length > 1) return invalid(`${name}: one date or date range only`);
      return range(values[0]!, DATE, name, (s) => s.replace(/\./g, ''));
    case 'time':
      if (values.length > 1) return invalid(`${name}: one time or time range only`);
      return range(values[0]!, TIME, name, (s) => s.replace(/:/g, ''));
    case 'int':
      if (values.some((v) => !/^[-+]?\d{1,9}$/.test(v))) return invalid(`${name}: whole numbers only`);
      return { ok: true, value: values.length === 1 ? { type: 'single', value: String(Number(values[0])) } : { type: 'list', values: values.map((v) => String(Number(v))) } };
    case 'pn':
    case 'text':
    case 'modalities': {
      const vs = kind === 'pn' ? values.map(personName).filter(Boolean) : values;
      if (vs.length === 0) return { ok: true, value: undefined };
      if (vs.length > 1) return { ok: true, value: { type: 'list', values: vs } };
      const v = vs[0]!;
      if (/^\*+$/.test(v)) return { ok: true, value: undefined };
      return { ok: true, value: /[*?]/.test(v) ? { type: 'wildcard', pattern: v } : { type: 'single', value: v } };
    }
  }
}
