// QIDO-RS query parameters (PS3.18 8.3.4, 10.6.1) -> the StudyQuery that C-FIND and /api share,
// plus what to return and which page. Attribute names are PS3.6 keywords or 8-hex-digit tags;
// values match as in C-FIND (PS3.4 C.2.2.2): wildcards, date/time ranges, UID lists (comma or
// backslash separated), ModalitiesInStudy. Pure.
import type { Result } from '../../engine/index.ts';
import type { DicomError } from '../dicom-error.ts';
import { parseMatcher } from '../query/parse-matcher.ts';
import { ATTRIBUTE_BY_TAG, LEVEL_RANK } from '../query/query-attributes.ts';
import type { QueryLevel } from '../query/query-attributes.ts';
import type { Condition, StudyQuery } from '../query/study-query.ts';
import { lookupAttribute } from './attribute-dictionary.ts';

export type QidoLevel = 'STUDY' | 'SERIES' | 'IMAGE';

export type QidoScope = { studyInstanceUid?: string; seriesInstanceUid?: string };

export type QidoRequest = {
  level: QidoLevel;
  scope: QidoScope;
  query: StudyQuery;
  /** includefield=all */
  includeAll: boolean;
  /** Attributes to return besides the level's defaults: includefield and the matching keys, in order, once each. */
  includeTags: { tag: string; vr: string }[];
  limit: number | undefined;
  offset: number;
  fuzzy: boolean;
  /** Texts for Warning: 299 headers (parameters accepted but not honoured). */
  warnings: string[];
};

const invalid = (message: string): { ok: false; error: DicomError } => ({ ok: false, error: { code: 'DICOM_QUERY_INVALID', message } });

const UID = /^[0-9]+(\.[0-9]+)*$/;

export function isUid(v: string): boolean {
  return v.length <= 64 && UID.test(v);
}

/** Parameters that are not attributes (PS3.18 Table 8.3.4-1, 8.3.3.1). */
const RESERVED = new Set(['limit', 'offset', 'fuzzymatching', 'includefield', 'emptyvaluematching', 'multiplevaluematching', 'accept', 'charset']);

function booleanParam(name: string, value: string): Result<boolean, DicomError> {
  if (value === 'true') return { ok: true, value: true };
  if (value === 'false') return { ok: true, value: false };
  return invalid(`${name} must be true or false, not "${value.slice(0, 40)}"`);
}

function integerParam(name: string, value: string, min: number): Result<number, DicomError> {
  if (!/^\d{1,9}$/.test(value) || Number(value) < min) return invalid(`${name} must be a whole number of at least ${min}, not "${value.slice(0, 40)}"`);
  return { ok: true, value: Number(value) };
}

/** A query value -> its values: UIDs and code strings may be listed with commas (PS3.18) or backslashes (PS3.4, and what OHIF sends). */
function splitValues(value: string, vr: string): string[] {
  return vr === 'UI' || vr === 'CS' ? value.split(/[,\\]/) : value.split('\\');
}

/** fuzzymatching=true: each word of a person name matches any part of the name, in any case. */
function fuzzyConditions(c: Condition): Condition[] {
  if (c.matcher.type !== 'single') return [c];
  const words = c.matcher.value.split(/[\s^,]+/).filter(Boolean);
  return words.map((w) => ({ keyword: c.keyword, matcher: { type: 'wildcard', pattern: `*${w}*` } }));
}

/**
 * `params` are the query string's name/value pairs in order (names may repeat). `scope` holds the
 * UIDs of the resource path (/studies/{study}/series...), checked by the caller to be UIDs.
 */
export function parseQidoQuery(level: QidoLevel, scope: QidoScope, params: readonly (readonly [string, string])[]): Result<QidoRequest, DicomError> {
  const conditions: Condition[] = [];
  const includeTags: { tag: string; vr: string }[] = [];
  const seen = new Set<string>();
  const include = (tag: string, vr: string) => {
    if (seen.has(tag)) return;
    seen.add(tag);
    includeTags.push({ tag, vr });
  };
  const warnings: string[] = [];
  const unsupported: string[] = [];
  let includeAll = false;
  let limit: number | undefined;
  let offset = 0;
  let fuzzy = false;
  const values = new Map<string, string[]>(); // tag -> values, repeated parameters add to the list

  for (const [rawName, value] of params) {
    const name = rawName.trim();
    if (RESERVED.has(name.toLowerCase())) {
      const key = name.toLowerCase();
      if (key === 'limit') {
        const n = integerParam('limit', value, 1);
        if (!n.ok) return n;
        limit = n.value;
      } else if (key === 'offset') {
        const n = integerParam('offset', value, 0);
        if (!n.ok) return n;
        offset = n.value;
      } else if (key === 'fuzzymatching') {
        const b = booleanParam('fuzzymatching', value);
        if (!b.ok) return b;
        fuzzy = b.value;
      } else if (key === 'emptyvaluematching' || key === 'multiplevaluematching') {
        const b = booleanParam(key, value);
        if (!b.ok) return b;
        if (b.value && key === 'emptyvaluematching') warnings.push('The emptyvaluematching parameter is not supported. Only non-empty values have been matched.');
      } else if (key === 'includefield') {
        for (const item of value.split(',').map((s) => s.trim()).filter(Boolean)) {
          if (item === 'all') {
            includeAll = true;
            continue;
          }
          const path = item.split('.');
          const attr = lookupAttribute(path[0]!);
          if (!attr || path.slice(1).some((p) => !lookupAttribute(p))) return invalid(`includefield: "${item.slice(0, 80)}" is not a DICOM keyword or tag`);
          include(attr.tag, attr.vr);
        }
      }
      continue;
    }
    const path = name.split('.');
    const attrs = path.map((p) => lookupAttribute(p));
    if (attrs.some((a) => !a)) return invalid(`unknown query parameter "${name.slice(0, 80)}": not a DICOM keyword or tag, nor a QIDO-RS parameter`);
    const attr = attrs[0]!;
    include(attr.tag, attr.vr);
    if (path.length > 1) {
      unsupported.push(name);
      continue;
    }
    const indexed = ATTRIBUTE_BY_TAG.get(attr.tag);
    if (!indexed || LEVEL_RANK[indexed.level] > LEVEL_RANK[level]) {
      if (value.trim() !== '' && value.trim() !== '*') unsupported.push(attr.keyword ?? attr.tag);
      continue;
    }
    values.set(attr.tag, [...(values.get(attr.tag) ?? []), ...splitValues(value, attr.vr)]);
  }

  for (const [tag, vs] of values) {
    const attr = ATTRIBUTE_BY_TAG.get(tag)!;
    const m = parseMatcher(attr.kind, vs, attr.keyword);
    if (!m.ok) return m;
    if (!m.value) continue;
    const c: Condition = { keyword: attr.keyword, matcher: m.value };
    conditions.push(...(fuzzy && attr.kind === 'pn' ? fuzzyConditions(c) : [c]));
  }
  if (scope.studyInstanceUid) conditions.push({ keyword: 'StudyInstanceUID', matcher: { type: 'single', value: scope.studyInstanceUid } });
  if (scope.seriesInstanceUid) conditions.push({ keyword: 'SeriesInstanceUID', matcher: { type: 'single', value: scope.seriesInstanceUid } });
  if (unsupported.length) {
    warnings.push(`The following attributes are not supported for matching at this level and were ignored: ${unsupported.slice(0, 20).join(', ')}`);
  }
  const queryLevel: QueryLevel = level;
  return {
    ok: true,
    value: { level, scope, query: { level: queryLevel, conditions, returnKeys: [] }, includeAll, includeTags, limit, offset, fuzzy, warnings },
  };
}
