// One matching worklist item as a C-FIND response identifier (PS3.4 K.6, C.2.2.1): every key
// asked for and no other, zero-length when the item has no value; a sequence key with an item
// returns, for each stored item that matches it, only the keys of that item; an empty sequence
// key returns the whole sequence. Type 1 keys have values because items missing one are never
// offered (missing_type1). SpecificCharacterSet is answered when asked for or when a value needs
// it: text goes on the wire as UTF-8, so any non-ASCII value makes it ISO_IR 192.
import type { DicomJson, DicomJsonElement } from '../dicom-json.ts';
import type { MwlAttribute } from './worklist-find-attributes.ts';
import { hasConditions } from './worklist-find.ts';
import type { MwlKey, WorklistFind, WorklistView } from './worklist-find.ts';
import { matchesLevel } from './worklist-find-match.ts';

const NUMBER_VRS: ReadonlySet<string> = new Set(['US', 'SS', 'UL', 'SL', 'FL', 'FD', 'IS', 'DS']);

function element(attr: MwlAttribute, v: unknown): DicomJsonElement {
  const values = (Array.isArray(v) ? v : [v]).filter((x) => x !== undefined && x !== null && x !== '');
  if (values.length === 0) return { vr: attr.vr };
  if (attr.vr === 'PN') return { vr: 'PN', Value: values.map((x) => ({ Alphabetic: String(x) })) };
  if (NUMBER_VRS.has(attr.vr)) {
    const numbers = values.map(Number).filter(Number.isFinite);
    return numbers.length ? { vr: attr.vr, Value: numbers } : { vr: attr.vr };
  }
  return { vr: attr.vr, Value: values.map(String) };
}

function storedItems(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x)) : [];
}

const sequence = (items: DicomJson[]): DicomJsonElement => (items.length ? { vr: 'SQ', Value: items } : { vr: 'SQ' });

const sorted = (ds: DicomJson): DicomJson => Object.fromEntries(Object.entries(ds).sort(([a], [b]) => (a < b ? -1 : 1)));

/** A stored sequence item in full (universal sequence matching): every attribute that has a value. */
function wholeItem(attributes: readonly MwlAttribute[], obj: Record<string, unknown>): DicomJson {
  const out: DicomJson = {};
  for (const attr of attributes) {
    const v = obj[attr.keyword];
    if (attr.kind === 'sequence') {
      const items = storedItems(v);
      if (items.length) out[attr.tag] = sequence(items.map((item) => wholeItem(attr.items ?? [], item)));
      continue;
    }
    const el = element(attr, v);
    if (el.Value) out[attr.tag] = el;
  }
  return sorted(out);
}

function level(keys: readonly MwlKey[], obj: Record<string, unknown>): DicomJson {
  const out: DicomJson = {};
  for (const key of keys) {
    const attr = key.attribute;
    if (!attr) out[key.tag] = { vr: key.vr || 'UN' };
    else if (attr.kind === 'sequence') {
      const items = storedItems(obj[attr.keyword]);
      const asked = key.items ?? [];
      if (asked.length === 0) out[key.tag] = sequence(items.map((item) => wholeItem(attr.items ?? [], item)));
      else {
        const matching = hasConditions(asked) ? items.filter((item) => matchesLevel(asked, item)) : items;
        out[key.tag] = sequence(matching.map((item) => level(asked, item)));
      }
    } else out[key.tag] = element(attr, obj[attr.keyword]);
  }
  return sorted(out);
}

const NON_ASCII = /[\u0080-\uffff]/;

function hasNonAscii(ds: DicomJson): boolean {
  for (const el of Object.values(ds)) {
    for (const v of el.Value ?? []) {
      if (typeof v === 'string' && NON_ASCII.test(v)) return true;
      if (v === null || typeof v !== 'object') continue;
      if (el.vr === 'SQ' ? hasNonAscii(v as DicomJson) : Object.values(v).some((x) => typeof x === 'string' && NON_ASCII.test(x))) return true;
    }
  }
  return false;
}

export function worklistFindResponse(find: WorklistFind, view: WorklistView): DicomJson {
  const out = level(find.keys, view);
  const stored = typeof view.SpecificCharacterSet === 'string' && view.SpecificCharacterSet !== '' ? view.SpecificCharacterSet : undefined;
  if (hasNonAscii(out)) out['00080005'] = { vr: 'CS', Value: ['ISO_IR 192'] };
  else if (find.charsetRequested || stored) out['00080005'] = stored ? { vr: 'CS', Value: [stored] } : { vr: 'CS' };
  return sorted(out);
}
