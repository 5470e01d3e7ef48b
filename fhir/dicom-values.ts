// FHIR data types to DICOM values and back (standards-mappings.md 2.2), with the VR limits the
// orders channel applies to HL7 (PS3.5 Table 6.2-1): identifiers that do not fit are refused
// (cutting one would name another order), descriptive text is cut with a warning.
import type { CodeableConcept, Coding, HumanName, Identifier } from './fhir-types.ts';
import type { MappingIssues } from './mapping-issues.ts';
import type { MwlCode, MwlIssuer } from './worklist-shapes.ts';

export const VR_MAX_CHARS = { AE: 16, CS: 16, SH: 16, LO: 64, PN: 64, UI: 64, LT: 10240 } as const;

const chars = (s: string) => [...s].length;
const cut = (s: string, n: number) => [...s].slice(0, n).join('').trimEnd();
/** C0 controls and DEL; ESC stays (ISO 2022 text needs it). */
const isControl = (ch: string) => {
  const c = ch.charCodeAt(0);
  return (c < 0x20 && c !== 0x1b) || c === 0x7f;
};
const blank = (s: string, keep = '', also = '') => [...s].map((ch) => ((isControl(ch) && !keep.includes(ch)) || also.includes(ch) ? ' ' : ch)).join('');

export function isNotAscii(text: string): boolean {
  return [...text].some((ch) => ch.charCodeAt(0) > 0x7f);
}

/** Descriptive text fitted to SH/LO/LT: `\` becomes `/`, controls a space (LT keeps line breaks), cut with a warning. */
export function fitText(issues: MappingIssues, value: string | undefined, vr: 'SH' | 'LO' | 'LT', expression: string, name: string): string | undefined {
  if (value === undefined) return undefined;
  let v = (vr === 'LT' ? blank(value, '\t\n\f\r') : blank(value).replaceAll('\\', '/')).trim();
  const max = VR_MAX_CHARS[vr];
  if (chars(v) > max) {
    issues.warn(expression, `${name} has ${chars(v)} characters; cut to ${max} (${vr})`);
    v = cut(v, max);
  }
  return v;
}

/** An identifier as sent, or undefined with an error when DICOM cannot hold it unchanged. */
export function fitIdentifier(issues: MappingIssues, value: string | undefined, vr: 'SH' | 'LO' | 'AE', expression: string, name: string): string | undefined {
  if (value === undefined || value === '') return value;
  if ([...value].some((ch) => ch === '\\' || isControl(ch))) {
    issues.error('value', expression, `${name} ${JSON.stringify(value)} holds a backslash or control character, which ${vr} cannot`);
    return undefined;
  }
  if (chars(value) > VR_MAX_CHARS[vr]) {
    issues.error('value', expression, `${name} ${JSON.stringify(value)} has ${chars(value)} characters; DICOM (${vr}) allows ${VR_MAX_CHARS[vr]}`);
    return undefined;
  }
  return value;
}

/** `urn:oid:1.2.3` -> `1.2.3`; other systems as they are. */
export function stripOid(system: string): string {
  return system.startsWith('urn:oid:') ? system.slice(8) : system;
}

/** An identifier system as a DICOM issuer item: an OID is ISO, a URI is URI; assigner.display is the local namespace. */
export function issuerItem(id: Pick<Identifier, 'system' | 'assigner'>): MwlIssuer | undefined {
  const item: MwlIssuer = {};
  const ns = id.assigner?.display;
  if (ns) item.LocalNamespaceEntityID = ns;
  if (id.system) {
    item.UniversalEntityID = stripOid(id.system);
    item.UniversalEntityIDType = id.system.startsWith('urn:oid:') ? 'ISO' : 'URI';
  }
  return Object.keys(item).length ? item : undefined;
}

/** The issuer the worklist keys on, as HL7 EI/HD do: the namespace (assigner.display), else the system. */
export function issuerKey(id: Pick<Identifier, 'system' | 'assigner'>): string {
  return id.assigner?.display || (id.system ? stripOid(id.system) : '');
}

/** The FHIR system of a DICOM issuer item (the reverse of issuerItem). */
export function systemOf(issuer: MwlIssuer | undefined): string | undefined {
  const u = issuer?.UniversalEntityID;
  if (!u) return undefined;
  return issuer.UniversalEntityIDType === 'ISO' || /^[0-2](\.\d+)+$/.test(u) ? `urn:oid:${u}` : u;
}

const clean = (s: string | undefined) => blank(s ?? '', '', '\\^=').replace(/\s+/g, ' ').trim();

/** HumanName -> PN `family^given[0]^given[1..]^prefix^suffix` (2.2), cut to 64 characters with a warning. */
export function personName(issues: MappingIssues, name: HumanName | undefined, expression: string, what: string): string | undefined {
  if (!name) return undefined;
  const given = name.given ?? [];
  let parts = [clean(name.family), clean(given[0]), clean(given.slice(1).join(' ')), clean(name.prefix?.join(' ')), clean(name.suffix?.join(' '))];
  if (parts.every((p) => p === '') && name.text) parts = [clean(name.text)];
  while (parts.length && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 0) return undefined;
  let pn = parts.join('^');
  if (chars(pn) > VR_MAX_CHARS.PN) {
    issues.warn(expression, `${what} has ${chars(pn)} characters; cut to 64 (PN)`);
    pn = cut(pn, VR_MAX_CHARS.PN);
  }
  return pn;
}

/** A reference's display as PN: `JONES^ALICE` stays, free text becomes the family name component. */
export function displayName(issues: MappingIssues, display: string | undefined, expression: string, what: string): string | undefined {
  if (!display?.trim()) return undefined;
  const pn = display.includes('^') ? display.split('^').map(clean).join('^').replace(/\^+$/, '') : clean(display);
  if (chars(pn) > VR_MAX_CHARS.PN) {
    issues.warn(expression, `${what} has ${chars(pn)} characters; cut to 64 (PN)`);
    return cut(pn, VR_MAX_CHARS.PN);
  }
  return pn;
}

/** PN -> HumanName (the reverse of personName). */
export function humanName(pn: string | undefined): HumanName | undefined {
  if (!pn) return undefined;
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = pn.split('=')[0]!.split('^');
  const name: HumanName = {};
  if (family) name.family = family;
  const givens = [given, ...middle.split(' ')].filter(Boolean);
  if (givens.length) name.given = givens;
  if (prefix) name.prefix = [prefix];
  if (suffix) name.suffix = [suffix];
  return Object.keys(name).length ? name : undefined;
}

/** FHIR date `YYYY-MM-DD` -> DA; partial dates have no DA form (2.2): undefined. */
export function dateToDa(date: string | undefined): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date ?? '');
  return m ? `${m[1]}${m[2]}${m[3]}` : undefined;
}

export function daToDate(da: string | undefined): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da ?? '');
  return m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
}

function zoneParts(instant: Date, timeZone: string): Record<string, number> {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const out: Record<string, number> = {};
  for (const p of parts) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * A FHIR dateTime -> DA and TM in the modality's time zone (2.2: convert the instant before
 * splitting). A date alone gives DA only; a partial date (`YYYY`, `YYYY-MM`) nothing.
 */
export function dateTimeToLocal(value: string, timeZone: string): { date?: string; time?: string } | undefined {
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (dateOnly) return { date: `${dateOnly[1]}${dateOnly[2]}${dateOnly[3]}` };
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.exec(value);
  if (!m) return undefined;
  if (!m[8]) return { date: `${m[1]}${m[2]}${m[3]}`, time: `${m[4]}${m[5]}${m[6] ?? '00'}` };
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) return undefined;
  const p = zoneParts(instant, timeZone);
  return { date: `${p.year}${pad(p.month!)}${pad(p.day!)}`, time: `${pad(p.hour!)}${pad(p.minute!)}${pad(p.second!)}` };
}

/** DA (+ TM) in `timeZone` -> a FHIR dateTime with that zone's offset at the time (the reverse of dateTimeToLocal). */
export function localToDateTime(da: string | undefined, tm: string | undefined, timeZone: string): string | undefined {
  const d = /^(\d{4})(\d{2})(\d{2})$/.exec(da ?? '');
  if (!d) return undefined;
  const t = /^(\d{2})(\d{2})?(\d{2})?/.exec(tm ?? '');
  if (!t) return `${d[1]}-${d[2]}-${d[3]}`;
  const [y, mo, day, h, mi, s] = [Number(d[1]), Number(d[2]), Number(d[3]), Number(t[1]), Number(t[2] ?? 0), Number(t[3] ?? 0)];
  const asUtc = Date.UTC(y, mo - 1, day, h, mi, s);
  // The zone's offset at that wall-clock time: measured at the naive instant, then once more at
  // the corrected one (enough around DST changes).
  const offsetAt = (ms: number) => {
    const p = zoneParts(new Date(ms), timeZone);
    return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - ms;
  };
  let offset = offsetAt(asUtc);
  offset = offsetAt(asUtc - offset);
  const minutes = Math.round(offset / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${d[1]}-${d[2]}-${d[3]}T${pad(h)}:${pad(mi)}:${pad(s)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Code systems with a DICOM Coding Scheme Designator (PS3.16 8; 2.2 convention). */
export const CODING_SCHEMES: Readonly<Record<string, string>> = {
  'http://loinc.org': 'LN',
  'http://snomed.info/sct': 'SCT',
  'http://dicom.nema.org/resources/ontology/DCM': 'DCM',
  'http://www.radlex.org': 'RADLEX',
  'http://radlex.org': 'RADLEX',
  'http://hl7.org/fhir/sid/icd-10': 'I10',
  'http://unitsofmeasure.org': 'UCUM',
};

/** The designator of a system: the table's, else `99LOCAL` for a local code system (2.2: site designators start with 99). */
export function codingScheme(system: string | undefined): string {
  if (!system) return '99LOCAL';
  return CODING_SCHEMES[system] ?? '99LOCAL';
}

export function systemForScheme(designator: string): string | undefined {
  return Object.entries(CODING_SCHEMES).find(([, d]) => d === designator)?.[0];
}

/** A Coding with code and display -> a code sequence item (a long code goes to LongCodeValue). */
export function codeItem(issues: MappingIssues, coding: Coding, expression: string, what: string): MwlCode | undefined {
  if (!coding.code) return undefined;
  const value = blank(coding.code, '', '\\').trim();
  const meaning = fitText(issues, coding.display ?? coding.code, 'LO', expression, `${what} display`) ?? '';
  return { ...(chars(value) <= VR_MAX_CHARS.SH ? { CodeValue: value } : { LongCodeValue: value }), CodingSchemeDesignator: codingScheme(coding.system), CodeMeaning: meaning };
}

/** A code sequence item -> a Coding (the designator's system when known). */
export function codingOf(code: MwlCode): Coding {
  const system = systemForScheme(code.CodingSchemeDesignator);
  return { ...(system ? { system } : {}), code: code.CodeValue ?? code.LongCodeValue ?? '', display: code.CodeMeaning };
}

/** Text of a CodeableConcept: its text, else the first coding's display, else its code. */
export function conceptText(c: CodeableConcept | undefined): string | undefined {
  return c?.text || c?.coding?.find((x) => x.display)?.display || c?.coding?.find((x) => x.code)?.code || undefined;
}
