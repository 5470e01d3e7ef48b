// The attributes the study index can match and return, per query level, with the column each
// lives in. One table read by the identifier parser, the SQL builder, the in-memory matcher and
// the response builder, so the four cannot disagree about what an attribute is.
export type QueryLevel = 'PATIENT' | 'STUDY' | 'SERIES' | 'IMAGE';

export const LEVEL_RANK: Record<QueryLevel, number> = { PATIENT: 0, STUDY: 1, SERIES: 2, IMAGE: 3 };

/** How values match: text (exact case), pn (case-insensitive), date/time (ranges), uid (lists), int, modalities (a set), count (return only). */
export type MatchKind = 'text' | 'pn' | 'date' | 'time' | 'uid' | 'int' | 'modalities' | 'count';

export type QueryAttribute = {
  keyword: string;
  tag: string;
  vr: string;
  level: QueryLevel;
  kind: MatchKind;
  /** SQL expression over the aliases p (patients), s (studies), se (series), i (instances). */
  column: string;
};

const A = (keyword: string, tag: string, vr: string, level: QueryLevel, kind: MatchKind, column: string): QueryAttribute => ({ keyword, tag, vr, level, kind, column });

export const QUERY_ATTRIBUTES: readonly QueryAttribute[] = [
  A('PatientName', '00100010', 'PN', 'PATIENT', 'pn', 'p.name'),
  A('PatientID', '00100020', 'LO', 'PATIENT', 'text', 'p.patient_id'),
  A('IssuerOfPatientID', '00100021', 'LO', 'PATIENT', 'text', 'p.issuer'),
  A('PatientBirthDate', '00100030', 'DA', 'PATIENT', 'date', 'p.birth_date'),
  A('PatientSex', '00100040', 'CS', 'PATIENT', 'text', 'p.sex'),
  A('NumberOfPatientRelatedStudies', '00201200', 'IS', 'PATIENT', 'count', '(select count(*)::int from studies x where x.patient_ref = p.id)'),
  A('NumberOfPatientRelatedSeries', '00201202', 'IS', 'PATIENT', 'count', '(select coalesce(sum(x.num_series), 0)::int from studies x where x.patient_ref = p.id)'),
  A('NumberOfPatientRelatedInstances', '00201204', 'IS', 'PATIENT', 'count', '(select coalesce(sum(x.num_instances), 0)::int from studies x where x.patient_ref = p.id)'),

  A('StudyInstanceUID', '0020000D', 'UI', 'STUDY', 'uid', 's.study_uid'),
  A('StudyDate', '00080020', 'DA', 'STUDY', 'date', 's.study_date'),
  A('StudyTime', '00080030', 'TM', 'STUDY', 'time', 's.study_time'),
  A('AccessionNumber', '00080050', 'SH', 'STUDY', 'text', 's.accession'),
  A('StudyID', '00200010', 'SH', 'STUDY', 'text', 's.study_id'),
  A('StudyDescription', '00081030', 'LO', 'STUDY', 'text', 's.description'),
  A('ReferringPhysicianName', '00080090', 'PN', 'STUDY', 'pn', 's.referring_physician'),
  A('ModalitiesInStudy', '00080061', 'CS', 'STUDY', 'modalities', 's.modalities'),
  A('NumberOfStudyRelatedSeries', '00201206', 'IS', 'STUDY', 'count', 's.num_series'),
  A('NumberOfStudyRelatedInstances', '00201208', 'IS', 'STUDY', 'count', 's.num_instances'),

  A('SeriesInstanceUID', '0020000E', 'UI', 'SERIES', 'uid', 'se.series_uid'),
  A('Modality', '00080060', 'CS', 'SERIES', 'text', 'se.modality'),
  A('SeriesNumber', '00200011', 'IS', 'SERIES', 'int', 'se.series_number'),
  A('SeriesDescription', '0008103E', 'LO', 'SERIES', 'text', 'se.description'),
  A('BodyPartExamined', '00180015', 'CS', 'SERIES', 'text', 'se.body_part'),
  A('SeriesDate', '00080021', 'DA', 'SERIES', 'date', 'se.series_date'),
  A('SeriesTime', '00080031', 'TM', 'SERIES', 'time', 'se.series_time'),
  A('NumberOfSeriesRelatedInstances', '00201209', 'IS', 'SERIES', 'count', 'se.num_instances'),

  A('SOPInstanceUID', '00080018', 'UI', 'IMAGE', 'uid', 'i.sop_instance_uid'),
  A('SOPClassUID', '00080016', 'UI', 'IMAGE', 'uid', 'i.sop_class_uid'),
  A('InstanceNumber', '00200013', 'IS', 'IMAGE', 'int', 'i.instance_number'),
];

export const ATTRIBUTE_BY_TAG: ReadonlyMap<string, QueryAttribute> = new Map(QUERY_ATTRIBUTES.map((a) => [a.tag, a]));
export const ATTRIBUTE_BY_KEYWORD: ReadonlyMap<string, QueryAttribute> = new Map(QUERY_ATTRIBUTES.map((a) => [a.keyword, a]));

/** The unique key of each level (PS3.4 C.3): always returned at its level and below. */
export const UNIQUE_KEY: Record<QueryLevel, string> = { PATIENT: 'PatientID', STUDY: 'StudyInstanceUID', SERIES: 'SeriesInstanceUID', IMAGE: 'SOPInstanceUID' };

/** Attributes that exist at a query level (its own and the levels above). */
export function attributesAt(level: QueryLevel): QueryAttribute[] {
  return QUERY_ATTRIBUTES.filter((a) => LEVEL_RANK[a.level] <= LEVEL_RANK[level]);
}
