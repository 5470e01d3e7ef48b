// The study index as WADO-RS reads it: a study, series or instance named by its UIDs (each
// within the one before), and the instances under it a page at a time, with where each file
// lives and, when asked, its metadata.
import type { DicomJson } from '../dicom-json.ts';
import type { IndexDb } from '../study-index/index-db.ts';

export type WadoTarget = { studyInstanceUid: string; seriesInstanceUid?: string; sopInstanceUid?: string };

export type ResolvedTarget = {
  studyRef: number;
  seriesRef?: number;
  instanceRef?: number;
  patientId: string;
  /** Instances under the target and when it last changed: what ETags of aggregate resources are made of. */
  numInstances: number;
  updatedAt: string;
};

export type InstanceFile = {
  id: number;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid: string;
  transferSyntaxUid: string;
  tier: string;
  storageKey: string;
  size: number;
  metadata?: DicomJson;
};

/** The target, or which level of it is missing. */
export async function resolveTarget(db: IndexDb, t: WadoTarget): Promise<{ found: ResolvedTarget } | { missing: 'study' | 'series' | 'instance' }> {
  const study = await db.query<{ id: number; patientId: string; n: number; updatedAt: Date | string }>(
    `select s.id, p.patient_id as "patientId", s.num_instances as n, s.updated_at as "updatedAt"
     from studies s join patients p on p.id = s.patient_ref where s.study_uid = $1`,
    [t.studyInstanceUid],
    { name: 'dicomweb-study' },
  );
  const s = study.rows[0];
  if (!s) return { missing: 'study' };
  const base = { studyRef: Number(s.id), patientId: s.patientId, numInstances: s.n, updatedAt: new Date(s.updatedAt).toISOString() };
  if (!t.seriesInstanceUid) return { found: base };
  const series = await db.query<{ id: number; n: number; updatedAt: Date | string }>(
    'select se.id, se.num_instances as n, se.updated_at as "updatedAt" from series se where se.series_uid = $1 and se.study_ref = $2',
    [t.seriesInstanceUid, base.studyRef],
    { name: 'dicomweb-series' },
  );
  const se = series.rows[0];
  if (!se) return { missing: 'series' };
  const withSeries = { ...base, seriesRef: Number(se.id), numInstances: se.n, updatedAt: new Date(se.updatedAt).toISOString() };
  if (!t.sopInstanceUid) return { found: withSeries };
  const instance = await db.query<{ id: number }>('select i.id from instances i where i.sop_instance_uid = $1 and i.series_ref = $2', [t.sopInstanceUid, withSeries.seriesRef], {
    name: 'dicomweb-instance',
  });
  const i = instance.rows[0];
  if (!i) return { missing: 'instance' };
  return { found: { ...withSeries, instanceRef: Number(i.id), numInstances: 1 } };
}

/** Up to `limit` instances of the target after row `afterId`, in id order (arrival order). */
export async function instanceFiles(db: IndexDb, target: ResolvedTarget, page: { afterId: number; limit: number; withMetadata: boolean }): Promise<InstanceFile[]> {
  const scope = target.instanceRef !== undefined ? 'i.id = $1' : target.seriesRef !== undefined ? 'i.series_ref = $1' : 'i.study_ref = $1';
  const ref = target.instanceRef ?? target.seriesRef ?? target.studyRef;
  const { rows } = await db.query<InstanceFile>(
    `select i.id, s.study_uid as "studyInstanceUid", se.series_uid as "seriesInstanceUid", i.sop_instance_uid as "sopInstanceUid",
            i.sop_class_uid as "sopClassUid", i.transfer_syntax_uid as "transferSyntaxUid", i.tier, i.storage_key as "storageKey",
            i.size_bytes as "size"${page.withMetadata ? ', i.metadata' : ''}
     from instances i join series se on se.id = i.series_ref join studies s on s.id = i.study_ref
     where ${scope} and i.id > $2 order by i.id limit $3`,
    [ref, page.afterId, page.limit],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id), size: Number(r.size) }));
}

/** Every instance of the target, a page at a time. */
export async function* allInstanceFiles(db: IndexDb, target: ResolvedTarget, o: { withMetadata: boolean; pageSize?: number }): AsyncGenerator<InstanceFile> {
  let afterId = 0;
  const limit = o.pageSize ?? 200;
  for (;;) {
    const rows = await instanceFiles(db, target, { afterId, limit, withMetadata: o.withMetadata });
    for (const r of rows) yield r;
    if (rows.length < limit) return;
    afterId = rows[rows.length - 1]!.id;
  }
}

/** The one instance of the target, with its metadata. */
export async function singleInstance(db: IndexDb, target: ResolvedTarget): Promise<InstanceFile | undefined> {
  const [row] = await instanceFiles(db, target, { afterId: 0, limit: 1, withMetadata: true });
  return row;
}

/**
 * The image that stands for a study or series in a thumbnail: the middle image (by instance
 * number) of the series, or of the study's first series (by series number) that has images.
 */
export async function representativeInstance(db: IndexDb, target: ResolvedTarget): Promise<InstanceFile | undefined> {
  if (target.instanceRef !== undefined) return singleInstance(db, target);
  let seriesRef = target.seriesRef;
  if (seriesRef === undefined) {
    const { rows } = await db.query<{ id: number }>(
      `select se.id from series se where se.study_ref = $1 and exists (select 1 from instances i where i.series_ref = se.id and i.metadata ? '00280010')
       order by se.series_number nulls last, se.id limit 1`,
      [target.studyRef],
    );
    if (!rows[0]) return undefined;
    seriesRef = Number(rows[0].id);
  }
  const { rows } = await db.query<{ id: number }>(
    `select i.id from instances i where i.series_ref = $1 and i.metadata ? '00280010' order by i.instance_number nulls last, i.id
     offset (select count(*) / 2 from instances x where x.series_ref = $1 and x.metadata ? '00280010') limit 1`,
    [seriesRef],
  );
  if (!rows[0]) return undefined;
  return singleInstance(db, { ...target, seriesRef, instanceRef: Number(rows[0].id) });
}
