// A released report version -> the transaction Bundle the `fhir-upstream` destination posts to
// PACS_FHIR_UPSTREAM: one conditional update (PUT DiagnosticReport?identifier=<system>|<report id>),
// so the first version creates the resource and every later one (an amendment) replaces the same
// one. The upstream server knows none of our ids, so subject, basedOn and imagingStudy are
// identifier references (the Patient ID with its issuer, the accession as ACSN, the study UID).
// Keyed on our report id rather than the filler order number: an order may have no filler, or
// several studies, each with its own report.
import { accessionIdentifier, DICOM_UID_SYSTEM, reportToDiagnosticReport, V2_0203 } from '../../fhir/index.ts';
import type { Bundle, Identifier, Reference } from '../../fhir/index.ts';
import type { ResultEvent } from './result-event.ts';

export type UpstreamContext = {
  /** The appliance's AE title: names the report identifier's system, so two appliances never collide upstream. */
  aeTitle: string;
  /** The modalities' time zone: StudyDate/Time are local there. */
  timeZone: string;
};

/** The system of the identifier the upstream DiagnosticReport is found by (value: our report id). */
export function reportIdentifierSystem(aeTitle: string): string {
  return `urn:pacs-appliance:report:${encodeURIComponent(aeTitle.trim() || 'PACS')}`;
}

const OID = /^[0-2](\.\d+)+$/;

/**
 * The Patient ID as a FHIR identifier, as our own Patient shows it: the universal ID as system
 * (urn:oid: for ISO), else the namespace in the appliance's URN (as the order issuers are), and the
 * namespace as assigner.
 */
export function patientIdentifier(p: ResultEvent['context']['patient']): Identifier {
  const u = p.universalId?.trim();
  const system = u ? (p.universalIdType === 'ISO' || OID.test(u) ? `urn:oid:${u}` : u) : p.issuer ? `urn:pacs-appliance:patient-issuer:${encodeURIComponent(p.issuer)}` : undefined;
  return {
    type: { coding: [{ system: V2_0203, code: p.identifierType || 'MR' }] },
    ...(system ? { system } : {}),
    value: p.id,
    ...(p.issuer && p.issuer !== u ? { assigner: { display: p.issuer } } : {}),
  };
}

export function reportToUpstreamBundle(ev: ResultEvent, ctx: UpstreamContext): Bundle {
  const { report, context } = ev;
  const key: Identifier = { system: reportIdentifierSystem(ctx.aeTitle), value: String(report.id) };
  const subject: Reference | undefined = context.patient.id ? { identifier: patientIdentifier(context.patient) } : undefined;
  const accession = context.study.accessionNumber;
  const mapped = reportToDiagnosticReport(report, context, {
    id: `report-${report.id}`,
    subject,
    basedOn: accession ? { type: 'ServiceRequest', identifier: accessionIdentifier(accession) } : undefined,
    imagingStudy: { type: 'ImagingStudy', identifier: { system: DICOM_UID_SYSTEM, value: `urn:oid:${context.study.studyInstanceUid}` } },
    timeZone: ctx.timeZone,
  });
  // A conditional update carries no id: the upstream server assigns (or keeps) its own.
  const { id: _ours, identifier, ...rest } = mapped;
  const resource = { ...rest, identifier: [key, ...((identifier as Identifier[] | undefined) ?? [])] };
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        resource,
        request: { method: 'PUT', url: `DiagnosticReport?identifier=${encodeURIComponent(key.system!)}|${encodeURIComponent(key.value!)}` },
      },
    ],
  };
}
