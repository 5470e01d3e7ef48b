// A released radiology report -> FHIR R4 DiagnosticReport (standards-mappings.md 6.1, 6.6):
// category Radiology (LOINC LP29684-5 and v2-0074 RAD), code from the order's requested
// procedure, status as released (preliminary, final, amended), the signer as resultsInterpreter,
// the exam time as effective, the release time as issued, the impression as conclusion and the
// whole report as text/plain in presentedForm. Pure: the caller resolves subject, basedOn and
// imagingStudy. The input is structurally the results channel's event (report + context).
import { localToDateTime, systemForScheme } from './dicom-values.ts';
import type { CodeableConcept, Identifier, Reference, Resource } from './fhir-types.ts';
import { V2_0203 } from './patient-to-demographics.ts';

export type ReportSectionsView = { indication: string; technique: string; findings: string; impression: string };

export type ReportView = ReportSectionsView & {
  status: 'preliminary' | 'final' | 'amended';
  /** ISO 8601 instant (or a Date) of this version's release. */
  releasedAt: string | Date;
  /** Who released it: the signing radiologist for final and amended. */
  releasedBy: { username: string; fullName: string | null };
};

type EntityId = { number: string; issuer: string };
export type ReportContextView = {
  order?: { placer?: EntityId | undefined; filler?: EntityId | undefined; procedure?: { code: string; meaning: string; scheme: string } | undefined; procedureDescription: string } | undefined;
  study: { studyInstanceUid: string; date: string; time: string; description: string };
};

export type DiagnosticReportContext = {
  id: string;
  subject?: Reference | undefined;
  basedOn?: Reference | undefined;
  imagingStudy?: Reference | undefined;
  /** The modalities' time zone: StudyDate/Time are local there. */
  timeZone: string;
  lastUpdated?: string | undefined;
};

export type DiagnosticReport = Resource & { resourceType: 'DiagnosticReport'; status: ReportView['status']; conclusion?: string };

export const RADIOLOGY_CATEGORIES: readonly CodeableConcept[] = [
  { coding: [{ system: 'http://loinc.org', code: 'LP29684-5', display: 'Radiology' }] },
  { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'RAD', display: 'Radiology' }] },
];

/** The code when the study has no order: LOINC's generic imaging report (6.5, convention). */
const GENERIC_IMAGING_REPORT = { system: 'http://loinc.org', code: '18748-4', display: 'Diagnostic imaging study' };

const SECTIONS = [
  ['indication', 'INDICATION'],
  ['technique', 'TECHNIQUE'],
  ['findings', 'FINDINGS'],
  ['impression', 'IMPRESSION'],
] as const;

/** The report as plain text: one `HEADING: text` block per section that has text (6.6). */
export function reportPlainText(r: ReportSectionsView): string {
  return SECTIONS.filter(([key]) => r[key].trim() !== '')
    .map(([key, heading]) => `${heading}: ${r[key].trim()}\n`)
    .join('');
}

function orderIdentifier(id: EntityId | undefined, code: 'PLAC' | 'FILL'): Identifier[] {
  if (!id) return [];
  return [{ type: { coding: [{ system: V2_0203, code }] }, ...(id.issuer ? { system: `urn:pacs-appliance:order-issuer:${id.issuer}` } : {}), value: id.number }];
}

function reportCode(ctx: ReportContextView): CodeableConcept {
  const p = ctx.order?.procedure;
  const text = ctx.order?.procedureDescription || p?.meaning || ctx.study.description || undefined;
  if (p?.code) {
    const system = systemForScheme(p.scheme);
    return { coding: [{ ...(system ? { system } : {}), code: p.code, ...(p.meaning ? { display: p.meaning } : {}) }], ...(text ? { text } : {}) };
  }
  return { coding: [GENERIC_IMAGING_REPORT], ...(text ? { text } : {}) };
}

export function reportToDiagnosticReport(report: ReportView, context: ReportContextView, ctx: DiagnosticReportContext): DiagnosticReport {
  const identifier = [...orderIdentifier(context.order?.filler, 'FILL'), ...orderIdentifier(context.order?.placer, 'PLAC')];
  const effective = localToDateTime(context.study.date || undefined, context.study.time || undefined, ctx.timeZone);
  const issued = new Date(report.releasedAt).toISOString();
  const interpreter = report.releasedBy.fullName?.trim() || report.releasedBy.username;
  const code = reportCode(context);
  return {
    resourceType: 'DiagnosticReport',
    id: ctx.id,
    ...(ctx.lastUpdated ? { meta: { lastUpdated: ctx.lastUpdated } } : {}),
    ...(identifier.length ? { identifier } : {}),
    ...(ctx.basedOn ? { basedOn: [ctx.basedOn] } : {}),
    status: report.status,
    category: RADIOLOGY_CATEGORIES.map((c) => structuredClone(c)),
    code,
    ...(ctx.subject ? { subject: ctx.subject } : {}),
    ...(effective ? { effectiveDateTime: effective } : {}),
    issued,
    resultsInterpreter: [{ display: interpreter }],
    ...(ctx.imagingStudy ? { imagingStudy: [ctx.imagingStudy] } : {}),
    ...(report.impression.trim() ? { conclusion: report.impression.trim() } : {}),
    presentedForm: [
      {
        contentType: 'text/plain; charset=utf-8',
        data: Buffer.from(reportPlainText(report), 'utf8').toString('base64'),
        title: `${code.text ?? 'Radiology'} report`,
        creation: issued,
      },
    ],
  };
}
