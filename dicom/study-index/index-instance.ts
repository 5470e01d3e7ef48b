// Records a stored instance in the study index: one call of dicom_index_instance() (migration
// 0003), one round trip and one commit per instance.
import type { DicomJson } from '../dicom-json.ts';
import type { InstanceAttributes } from '../parse/instance-metadata.ts';
import type { IndexDb } from './index-db.ts';

export type IndexEntry = {
  attributes: InstanceAttributes;
  metadata: DicomJson;
  transferSyntaxUid: string;
  size: number;
  tier: string;
  storageKey: string;
  sourceAe: string | undefined;
};

export type IndexOutcome =
  | { outcome: 'stored'; instanceRef: number; seriesRef: number; studyRef: number; patientRef: number; newStudy: boolean; newSeries: boolean; storageKey: string }
  | { outcome: 'duplicate'; instanceRef: number; storageKey: string };

export async function indexInstance(db: IndexDb, e: IndexEntry): Promise<IndexOutcome> {
  const a = e.attributes;
  const p = {
    sopInstanceUid: a.sopInstanceUid,
    sopClassUid: a.sopClassUid,
    studyUid: a.studyInstanceUid,
    seriesUid: a.seriesInstanceUid,
    patientId: a.patient.patientId,
    issuer: a.patient.issuer,
    patientName: a.patient.name,
    birthDate: a.patient.birthDate,
    sex: a.patient.sex,
    studyDate: a.study.date,
    studyTime: a.study.time,
    accession: a.study.accession,
    studyId: a.study.studyId,
    studyDescription: a.study.description,
    referringPhysician: a.study.referringPhysician,
    modality: a.series.modality,
    seriesNumber: a.series.number,
    seriesDescription: a.series.description,
    bodyPart: a.series.bodyPart,
    seriesDate: a.series.date,
    seriesTime: a.series.time,
    instanceNumber: a.instance.number,
    transferSyntaxUid: e.transferSyntaxUid,
    size: e.size,
    tier: e.tier,
    storageKey: e.storageKey,
    sourceAe: e.sourceAe ?? null,
    metadata: e.metadata,
  };
  const { rows } = await db.query<{ r: IndexOutcome }>('select dicom_index_instance($1::jsonb) as r', [JSON.stringify(p)], { name: 'dicom-index-instance' });
  const r = rows[0]?.r;
  if (!r) throw new Error('dicom_index_instance returned nothing');
  return r;
}

/** Whether an instance is indexed (a file found in place without a row is an orphan of a failed store). */
export async function isIndexed(db: IndexDb, sopInstanceUid: string): Promise<boolean> {
  const { rows } = await db.query('select 1 from instances where sop_instance_uid = $1', [sopInstanceUid], { name: 'dicom-is-indexed' });
  return rows.length > 0;
}
