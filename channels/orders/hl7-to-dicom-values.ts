// HL7 v2 data types to DICOM values (standards-mappings.md 1.2), with the DICOM VR length limits
// (1.3, PS3.5 Table 6.2-1) enforced one of two ways:
// - identifiers (Patient ID, accession, RP and SPS IDs, order numbers, UIDs, AE titles) are
//   refused when too long (AE, ERR 104) or when they hold a backslash or control character
//   (ERR 102): cutting one would silently make it another identifier;
// - descriptive text (names, descriptions, reasons, code meanings) is cut to the VR length with
//   a warning: SH 16, LO 64, PN 64 per component group, LT 10240 characters. A backslash (the
//   DICOM value separator) becomes `/` and control characters a space (LT keeps line breaks).
// Long code values go to LongCodeValue (0008,0119) instead of being cut (PS3.3 8.8).
import type { CodeItem, IssuerItem } from '../../dicom/index.ts';
import { formatLocation } from './mapping-issues.ts';
import type { Hl7Location, IssueList } from './mapping-issues.ts';

export const VR_MAX_CHARS = { AE: 16, CS: 16, SH: 16, LO: 64, PN: 64, UI: 64, LT: 10240 } as const;

export type TextVr = 'SH' | 'LO' | 'LT';
export type IdVr = 'SH' | 'LO' | 'AE';

const chars = (s: string) => [...s].length;

/** C0 control characters and DEL (ESC, 0x1B, stays: ISO 2022 text needs it). */
const isControl = (ch: string) => {
  const c = ch.charCodeAt(0);
  return (c < 0x20 && c !== 0x1b) || c === 0x7f;
};

/** `text` with each control character (except those in `keep`) and each character of `also` replaced by a space. */
export function blankControls(text: string, keep = '', also = ''): string {
  return [...text].map((ch) => ((isControl(ch) && !keep.includes(ch)) || also.includes(ch) ? ' ' : ch)).join('');
}

/** True when the text has a backslash or a control character: DICOM string values cannot hold those unchanged. */
export function hasBackslashOrControl(text: string): boolean {
  return [...text].some((ch) => ch === '\\' || isControl(ch));
}

/** True when any character is outside ASCII. */
export function isNotAscii(text: string): boolean {
  return [...text].some((ch) => ch.charCodeAt(0) > 0x7f);
}
const cut = (s: string, n: number) => [...s].slice(0, n).join('').trimEnd();

/** Descriptive text fitted to its VR; undefined stays undefined ('' stays '', an explicit null). */
export function fitText(issues: IssueList, value: string | undefined, vr: TextVr, where: Hl7Location, name: string): string | undefined {
  if (value === undefined || value === '') return value;
  // LT keeps tab, line feed, form feed and carriage return; the others turn control characters into spaces.
  let v = vr === 'LT' ? blankControls(value, '\t\n\f\r') : blankControls(value).replaceAll('\\', '/');
  v = v.trimEnd();
  const max = VR_MAX_CHARS[vr];
  if (chars(v) > max) {
    issues.warn('CHANNEL_ORDER_TRUNCATED', where, `${formatLocation(where)} ${name} has ${chars(v)} characters; cut to ${max} (${vr})`);
    v = cut(v, max);
  }
  return v;
}

/** An identifier as sent, or undefined (with an error) when DICOM cannot hold it unchanged. */
export function fitIdentifier(issues: IssueList, value: string | undefined, vr: IdVr, where: Hl7Location, name: string): string | undefined {
  if (value === undefined || value === '') return value;
  if (hasBackslashOrControl(value)) {
    issues.error('CHANNEL_ORDER_BAD_VALUE', where, `${formatLocation(where)} ${name} ${JSON.stringify(value)} holds a backslash or control character, which ${vr} cannot`);
    return undefined;
  }
  const max = VR_MAX_CHARS[vr];
  if (chars(value) > max) {
    issues.error('CHANNEL_ORDER_TOO_LONG', where, `${formatLocation(where)} ${name} ${JSON.stringify(value)} has ${chars(value)} characters; DICOM (${vr}) allows ${max}`);
    return undefined;
  }
  return value;
}

/** A UID (UI): digits and dots, at most 64 characters. */
export function fitUid(issues: IssueList, value: string | undefined, where: Hl7Location, name: string): string | undefined {
  if (value === undefined || value === '') return value;
  if (!/^[0-9]+(\.[0-9]+)*$/.test(value)) {
    issues.error('CHANNEL_ORDER_BAD_VALUE', where, `${formatLocation(where)} ${name} ${JSON.stringify(value)} is not a DICOM UID (digits separated by dots)`);
    return undefined;
  }
  if (value.length > VR_MAX_CHARS.UI) {
    issues.error('CHANNEL_ORDER_TOO_LONG', where, `${formatLocation(where)} ${name} has ${value.length} characters; a UID has at most 64`);
    return undefined;
  }
  return value;
}

export type NameParts = { family: string; given: string; middle: string; suffix: string; prefix: string; degree: string };

/**
 * XPN/XCN/CN parts -> PN `family^given^middle^prefix^suffix`: HL7 has the suffix before the
 * prefix, DICOM the other way round, and the degree is appended to the suffix (dcm4chee
 * `pnAttr`). Empty trailing components are dropped; the group is cut to 64 characters.
 */
export function personName(issues: IssueList, p: NameParts, where: Hl7Location, name: string): string | undefined {
  const clean = (s: string) => blankControls(s, '', '\\^=').trim();
  const suffix = [clean(p.suffix), clean(p.degree)].filter(Boolean).join(' ');
  const parts = [clean(p.family), clean(p.given), clean(p.middle), clean(p.prefix), suffix];
  while (parts.length && parts[parts.length - 1] === '') parts.pop();
  if (parts.length === 0) return undefined;
  const length = chars(parts.join('^'));
  if (length > VR_MAX_CHARS.PN) {
    issues.warn('CHANNEL_ORDER_TRUNCATED', where, `${formatLocation(where)} ${name} has ${length} characters; cut to 64 (PN)`);
    // Shorten the longest component first, so that every part of the name keeps something.
    let excess = length - VR_MAX_CHARS.PN;
    while (excess > 0) {
      const longest = parts.reduce((best, p, i) => (chars(p) > chars(parts[best]!) ? i : best), 0);
      const keep = Math.max(1, chars(parts[longest]!) - excess);
      excess -= chars(parts[longest]!) - keep;
      parts[longest] = cut(parts[longest]!, keep);
      if (keep === 1 && excess > 0 && parts.every((p) => chars(p) <= 1)) break;
    }
  }
  return parts.join('^');
}

export type DateTime = { date?: string; time?: string };

/**
 * TS/DTM `YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ]` -> DA (first 8 characters) and TM (the rest,
 * zone removed, padded to HHMMSS so that stored times compare as text). `undefined` when the
 * text is not a timestamp; `{}` parts are missing when the text stops before them.
 */
export function parseTimestamp(text: string): DateTime | undefined {
  const m = /^(\d{4})(\d{2})?(\d{2})?(?:(\d{2})(\d{2})?(\d{2})?(\.\d{1,6})?)?([+-]\d{4})?$/.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, hh, mi, ss, frac] = m;
  const out: DateTime = {};
  if (mo && d) {
    const month = Number(mo);
    const day = Number(d);
    if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
    out.date = `${y}${mo}${d}`;
  }
  if (hh) {
    if (Number(hh) > 23 || (mi && Number(mi) > 59) || (ss && Number(ss) > 60)) return undefined;
    out.time = `${hh}${mi ?? '00'}${ss ?? '00'}${frac ?? ''}`;
  }
  return out;
}

/** PID-8 -> (0010,0040): F, M, O pass; A, N -> O; anything else (U) -> empty (dcm4chee `sex`). */
export function patientSex(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return value;
  const v = value.toUpperCase();
  if (v === 'F' || v === 'M' || v === 'O') return v;
  if (v === 'A' || v === 'N') return 'O';
  return '';
}

/** TQ priority / TQ1-9 -> (0040,1003): S STAT; A, P, C HIGH; R ROUTINE; T MEDIUM; other empty. */
export function procedurePriority(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return value;
  switch (value.toUpperCase()) {
    case 'S':
      return 'STAT';
    case 'A':
    case 'P':
    case 'C':
      return 'HIGH';
    case 'R':
      return 'ROUTINE';
    case 'T':
      return 'MEDIUM';
    default:
      return '';
  }
}

/**
 * A CE/CWE triplet -> a code sequence item, only when value, scheme and meaning are all there
 * (dcm4chee `codeItem`). A value longer than 16 characters goes to LongCodeValue.
 */
export function codeItem(issues: IssueList, code: string, meaning: string, scheme: string, where: Hl7Location, name: string): CodeItem | undefined {
  if (!code || !meaning || !scheme) return undefined;
  const value = blankControls(code, '', '\\').trim();
  return {
    ...(chars(value) <= VR_MAX_CHARS.SH ? { CodeValue: value } : { LongCodeValue: value }),
    CodingSchemeDesignator: fitText(issues, scheme, 'SH', where, `${name} coding scheme`)!,
    CodeMeaning: fitText(issues, meaning, 'LO', where, `${name} meaning`)!,
  };
}

/** HD/EI parts -> (0040,0031) LocalNamespaceEntityID, (0040,0032) UniversalEntityID, (0040,0033) UniversalEntityIDType. */
export function issuerItem(namespace: string, universalId: string, universalIdType: string): IssuerItem | undefined {
  const item: IssuerItem = {};
  if (namespace) item.LocalNamespaceEntityID = namespace;
  if (universalId) item.UniversalEntityID = universalId;
  if (universalId && universalIdType) item.UniversalEntityIDType = universalIdType;
  return Object.keys(item).length ? item : undefined;
}
