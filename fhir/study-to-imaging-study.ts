// A study of the archive -> FHIR R4 ImagingStudy (standards-mappings.md 5): the study UID as a
// `urn:dicom:uid` identifier, the accession as an ACSN identifier, series and instances with their
// modality (DCM) and SOP Class (urn:ietf:rfc:3986), and our DICOMweb base as a contained Endpoint
// (dicom-wado-rs), so a client needs no second read to retrieve the images. Pure: the caller resolves
// the subject and the ServiceRequest (the order with the study's accession number).
import { localToDateTime } from './dicom-values.ts';
import type { Coding, Identifier, Reference, Resource } from './fhir-types.ts';
import { V2_0203 } from './patient-to-demographics.ts';
import { DCM_SYSTEM, DICOM_UID_SYSTEM } from './service-request-to-order.ts';

/** The study as the index holds it: DICOM DA/TM text, counts kept as instances arrive. */
export type StudyView = {
  studyInstanceUid: string;
  date: string | null;
  time: string | null;
  accession: string | null;
  studyId: string | null;
  description: string | null;
  referringPhysician: string | null;
  modalities: readonly string[];
  numberOfSeries: number;
  numberOfInstances: number;
  series: readonly SeriesView[];
};

export type SeriesView = {
  seriesInstanceUid: string;
  modality: string | null;
  number: number | null;
  description: string | null;
  date: string | null;
  time: string | null;
  numberOfInstances: number;
  instances: readonly { sopInstanceUid: string; sopClassUid: string; number: number | null }[];
};

export type ImagingStudyContext = {
  /** The ImagingStudy's id (`study-<n>`, see appliance/fhir-imaging-repository.ts). */
  id: string;
  subject: Reference;
  /** The ServiceRequest of the order with the study's accession number, when there is one. */
  basedOn?: Reference | undefined;
  /** Where WADO-RS answers: scheme, authority and path, no `/studies`, no trailing slash. */
  dicomWebBase: string;
  /** The modalities' time zone: StudyDate/Time are local there. */
  timeZone: string;
  lastUpdated?: string | undefined;
};

export type ImagingStudy = Resource & { resourceType: 'ImagingStudy' };

export const ENDPOINT_CONNECTION_TYPES = 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type';
const SOP_CLASS_SYSTEM = 'urn:ietf:rfc:3986';
/** Not acquisition modalities (CID 29): documents and presentation objects stay out of ImagingStudy.modality (5.1). */
const NOT_ACQUISITION = ['SR', 'KO', 'PR', 'DOC'];

const dcm = (code: string): Coding => ({ system: DCM_SYSTEM, code });

/** The accession as an ACSN identifier (5.1); no system: the appliance keeps no accession issuer. */
export function accessionIdentifier(accession: string): Identifier {
  return { type: { coding: [{ system: V2_0203, code: 'ACSN' }] }, value: accession };
}

export function studyToImagingStudy(study: StudyView, ctx: ImagingStudyContext): ImagingStudy {
  const started = localToDateTime(study.date ?? undefined, study.time ?? undefined, ctx.timeZone);
  const modalities = study.modalities.filter((m) => m && !NOT_ACQUISITION.includes(m));
  const identifier: Identifier[] = [{ system: DICOM_UID_SYSTEM, value: `urn:oid:${study.studyInstanceUid}` }];
  if (study.accession) identifier.push(accessionIdentifier(study.accession));
  if (study.studyId) identifier.push({ value: study.studyId });
  const basedOn = ctx.basedOn ?? (study.accession ? { identifier: accessionIdentifier(study.accession) } : undefined);
  return {
    resourceType: 'ImagingStudy',
    id: ctx.id,
    ...(ctx.lastUpdated ? { meta: { lastUpdated: ctx.lastUpdated } } : {}),
    contained: [
      {
        resourceType: 'Endpoint',
        id: 'dicomweb',
        status: 'active',
        connectionType: { system: ENDPOINT_CONNECTION_TYPES, code: 'dicom-wado-rs' },
        payloadType: [{ text: 'DICOM' }],
        payloadMimeType: ['application/dicom'],
        address: ctx.dicomWebBase.replace(/\/+$/, ''),
      },
    ],
    identifier,
    status: study.numberOfInstances > 0 ? 'available' : 'registered',
    ...(modalities.length ? { modality: modalities.map(dcm) } : {}),
    subject: ctx.subject,
    ...(started ? { started } : {}),
    ...(basedOn ? { basedOn: [basedOn] } : {}),
    ...(study.referringPhysician ? { referrer: { display: study.referringPhysician } } : {}),
    endpoint: [{ reference: '#dicomweb' }],
    numberOfSeries: study.numberOfSeries,
    numberOfInstances: study.numberOfInstances,
    ...(study.description ? { description: study.description } : {}),
    ...(study.series.length
      ? {
          series: study.series.map((s) => {
            const seriesStarted = localToDateTime(s.date ?? undefined, s.time ?? undefined, ctx.timeZone);
            return {
              uid: s.seriesInstanceUid,
              ...(s.number !== null && s.number >= 0 ? { number: s.number } : {}),
              // series.modality is required: an image without (0008,0060) is "OT" (other).
              modality: dcm(s.modality || 'OT'),
              ...(s.description ? { description: s.description } : {}),
              numberOfInstances: s.numberOfInstances,
              ...(seriesStarted ? { started: seriesStarted } : {}),
              ...(s.instances.length
                ? {
                    instance: s.instances.map((i) => ({
                      uid: i.sopInstanceUid,
                      sopClass: { system: SOP_CLASS_SYSTEM, code: `urn:oid:${i.sopClassUid}` },
                      ...(i.number !== null && i.number >= 0 ? { number: i.number } : {}),
                    })),
                  }
                : {}),
            };
          }),
        }
      : {}),
  };
}
