// A report's life: draft -> preliminary -> final -> amended (-> amended ...). Drafts are saved as
// they are; every other status is *released*: it goes out on the results channel (ORU^R01 with
// OBR-25 P, F or C) in the transaction that records it. A released final report is never edited:
// it is corrected by amending it, which keeps the earlier version. Pure: no I/O.
import type { Result } from '../../engine/index.ts';

export const REPORT_STATUSES = ['draft', 'preliminary', 'final', 'amended'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** Statuses that went out signed and are kept as versions. */
export const SIGNED_STATUSES: readonly ReportStatus[] = ['final', 'amended'];
export type ReleasedStatus = 'preliminary' | 'final' | 'amended';

export function isReportStatus(v: unknown): v is ReportStatus {
  return typeof v === 'string' && (REPORT_STATUSES as readonly string[]).includes(v);
}

export const SECTION_KEYS = ['indication', 'technique', 'findings', 'impression'] as const;
export type ReportSections = Record<(typeof SECTION_KEYS)[number], string>;

export type ReportChangeError = { code: 'CHANNEL_REPORT_STATUS_INVALID'; message: string };

/**
 * What a save asks for: `none` (nothing changes), `save` (a draft, stored directly), or `release`
 * (preliminary, final or amended: through the results channel).
 */
export type ReportChange =
  | { action: 'none' }
  | { action: 'save'; status: 'draft'; sections: ReportSections }
  | { action: 'release'; status: ReleasedStatus; sections: ReportSections };

const refuse = (message: string): Result<never, ReportChangeError> => ({ ok: false, error: { code: 'CHANNEL_REPORT_STATUS_INVALID', message } });

/** The sections after a save: the current ones with the sections the request sends. */
export function mergeSections(current: ReportSections, changes: Partial<ReportSections>): ReportSections {
  const out = { ...current };
  for (const k of SECTION_KEYS) {
    const v = changes[k];
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

function sameSections(a: ReportSections, b: ReportSections): boolean {
  return SECTION_KEYS.every((k) => a[k] === b[k]);
}

/**
 * Decides what a save of a report (`status` absent: keep the current one) does:
 * - draft: edit (draft), release as preliminary, or sign (final); never `amended`.
 * - preliminary: edit and release again (preliminary), or sign (final); never back to draft.
 * - final: only `amended` changes it (an unchanged save of the same record is `none`).
 * - amended: amended again when something changed; never back to an earlier status.
 */
export function planReportChange(
  current: { status: ReportStatus; sections: ReportSections },
  request: { status?: ReportStatus | undefined; sections: Partial<ReportSections> },
): Result<ReportChange, ReportChangeError> {
  const from = current.status;
  const to = request.status ?? from;
  const sections = mergeSections(current.sections, request.sections);
  const changed = !sameSections(current.sections, sections);
  switch (from) {
    case 'draft':
      if (to === 'draft') return { ok: true, value: changed ? { action: 'save', status: 'draft', sections } : { action: 'none' } };
      if (to === 'amended') return refuse('a draft is signed with status "final"; only a final report is amended');
      return { ok: true, value: { action: 'release', status: to, sections } };
    case 'preliminary':
      if (to === 'draft') return refuse('a preliminary report cannot go back to draft');
      if (to === 'amended') return refuse('a preliminary report is signed with status "final"; only a final report is amended');
      if (to === 'preliminary' && !changed) return { ok: true, value: { action: 'none' } };
      return { ok: true, value: { action: 'release', status: to, sections } };
    case 'final':
      if (to === 'amended') return { ok: true, value: { action: 'release', status: 'amended', sections } };
      if (to === 'final' && !changed) return { ok: true, value: { action: 'none' } };
      if (to === 'final') return refuse('a final report is not edited: correct it with status "amended" (the signed version is kept)');
      return refuse(`a final report cannot go back to ${to}`);
    case 'amended':
      if (to === 'amended') return { ok: true, value: changed ? { action: 'release', status: 'amended', sections } : { action: 'none' } };
      if (to === 'final' && !changed) return { ok: true, value: { action: 'none' } };
      if (to === 'final') return refuse('an amended report is not edited: correct it again with status "amended"');
      return refuse(`an amended report cannot go back to ${to}`);
  }
}

/** Whether a recorded report may move from `from` to the released status `to` (the channel handler's check). */
export function canRelease(from: ReportStatus, to: ReleasedStatus): boolean {
  if (to === 'preliminary') return from === 'draft' || from === 'preliminary';
  if (to === 'final') return from === 'draft' || from === 'preliminary';
  return from === 'final' || from === 'amended';
}

/** HL7 OBR-25 / OBX-11 for a released status (standards-mappings.md 6.2): P, F, or C for a correction. */
export function resultStatusCode(status: ReleasedStatus): 'P' | 'F' | 'C' {
  return status === 'preliminary' ? 'P' : status === 'final' ? 'F' : 'C';
}
