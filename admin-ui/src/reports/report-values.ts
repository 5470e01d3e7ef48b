// Report fields as people read them: the status in words, a user by their name, a time in the
// browser's zone, and the body a save sends.
import type { Report, ReportSections, ReportStatus, ReportUser } from '../api-records';
import { personName } from '../studies/dicom-values';

export const REPORT_STATUS_CHOICES: { id: ReportStatus; name: string }[] = [
  { id: 'draft', name: 'Draft' },
  { id: 'preliminary', name: 'Preliminary' },
  { id: 'final', name: 'Final' },
  { id: 'amended', name: 'Amended' },
];

export const SECTIONS: { key: keyof ReportSections; label: string }[] = [
  { key: 'indication', label: 'Indication' },
  { key: 'technique', label: 'Technique' },
  { key: 'findings', label: 'Findings' },
  { key: 'impression', label: 'Impression' },
];

/** Signed reports are corrected by amending them, never edited. */
export const isSigned = (status: ReportStatus | undefined) => status === 'final' || status === 'amended';

/** A user's full name (written `FAMILY^GIVEN^^PREFIX` to fill the ORU's signer parts) or else their username. */
export function userName(u: ReportUser | null | undefined): string {
  if (!u) return '';
  return (u.fullName && (u.fullName.includes('^') ? personName(u.fullName) : u.fullName)) || u.username;
}

export function localTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '';
}

/**
 * What PUT /api/reports/:id gets from the editor: the four sections, the revision the editor
 * started from (so a save over someone else's change is refused), and the status it asks for
 * (absent: keep the current one).
 */
export function reportSaveBody(values: Partial<ReportSections>, record: Pick<Report, 'revision'> | undefined, status?: ReportStatus): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const { key } of SECTIONS) body[key] = values[key] ?? '';
  if (record) body.revision = record.revision;
  if (status) body.status = status;
  return body;
}
