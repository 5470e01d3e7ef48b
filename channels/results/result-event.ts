// The results channel's message: one released report version as JSON, with everything a result
// needs (the report, who signed it, the patient, order and study it is about), so that the
// ORU^R01 built from it, and later a FHIR DiagnosticReport, need no database. Stored as the
// message's raw content, so the message browser shows exactly what went out and why.
import { z } from 'zod';
import type { Result } from '../../engine/index.ts';

const text = z.string();
const opt = z.string().optional();

export const codedValueSchema = z.object({ code: text, meaning: text, scheme: text });
export type CodedValue = z.infer<typeof codedValueSchema>;

/** An identifier with its namespace (HL7 EI: number ^ namespace). */
const entityIdSchema = z.object({ number: text, issuer: text.default('') });

/** A person: DICOM PN (`FAMILY^GIVEN^MIDDLE^PREFIX^SUFFIX`) and an ID where one is known. */
export const personSchema = z.object({ id: opt, name: text });
export type Person = z.infer<typeof personSchema>;

export const reportContextSchema = z.object({
  patient: z.object({
    id: text,
    /** Issuer of Patient ID (namespace) and its universal ID (PID-3.4.2/.3). */
    issuer: text.default(''),
    universalId: opt,
    universalIdType: opt,
    /** PID-3.5; only when the source said so. */
    identifierType: opt,
    name: text.default(''),
    birthDate: text.default(''),
    sex: text.default(''),
  }),
  visit: z
    .object({
      /** PV1-2 (table 0004). */
      patientClass: opt,
      /** PV1-3 as its components (point of care, room, bed, facility). */
      location: z.array(text).optional(),
      /** PV1-19: the visit (Admission ID) and its issuer. */
      number: opt,
      numberIssuer: opt,
    })
    .default({}),
  referringPhysician: personSchema.optional(),
  orderingProvider: personSchema.optional(),
  /** The worklist order the study was done for (found by accession number), when there is one. */
  order: z
    .object({
      placer: entityIdSchema.optional(),
      filler: entityIdSchema.optional(),
      requestedProcedureId: text.default(''),
      procedure: codedValueSchema.optional(),
      procedureDescription: text.default(''),
      reason: text.default(''),
      reasonCode: codedValueSchema.optional(),
    })
    .optional(),
  study: z.object({
    studyInstanceUid: text.min(1),
    accessionNumber: text.default(''),
    /** DICOM DA and TM as in the images (local time). */
    date: text.default(''),
    time: text.default(''),
    modalities: z.array(text).default([]),
    description: text.default(''),
  }),
});
export type ReportContext = z.infer<typeof reportContextSchema>;

export const RESULT_EVENTS = { preliminary: 'report.preliminary', final: 'report.final', amended: 'report.amended' } as const;

export const resultEventSchema = z.object({
  event: z.enum(['report.preliminary', 'report.final', 'report.amended']),
  report: z.object({
    id: z.number().int().positive(),
    status: z.enum(['preliminary', 'final', 'amended']),
    /** The save this event makes (reports.revision after it); the record must be at revision - 1. */
    revision: z.number().int().positive(),
    /** Signed versions after this event (1 = the first final report); unchanged by a preliminary one. */
    version: z.number().int().min(0),
    studyInstanceUid: text.min(1),
    indication: text,
    technique: text,
    findings: text,
    impression: text,
    author: z.object({ id: z.number().int(), username: text, fullName: text.nullable() }),
    /** Who released this version and when (ISO 8601): the signing radiologist for final and amended. */
    releasedBy: z.object({ id: z.number().int(), username: text, fullName: text.nullable() }),
    releasedAt: z.iso.datetime({ offset: true }),
  }),
  context: reportContextSchema,
});
export type ResultEvent = z.infer<typeof resultEventSchema>;
export type ResultEventInput = z.input<typeof resultEventSchema>;

export type ResultEventError = { code: 'CHANNEL_REPORT_EVENT_INVALID'; message: string };

/** Reads a results channel message. */
export function parseResultEvent(content: string): Result<ResultEvent, ResultEventError> {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (err) {
    return { ok: false, error: { code: 'CHANNEL_REPORT_EVENT_INVALID', message: `not JSON: ${(err as Error).message}` } };
  }
  const parsed = resultEventSchema.safeParse(json);
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'CHANNEL_REPORT_EVENT_INVALID', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'event'}: ${i.message}`).join('; ') },
    };
  }
  return { ok: true, value: parsed.data };
}
