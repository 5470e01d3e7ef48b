-- The DICOM study index: patients, studies, series and instances with what C-FIND, QIDO-RS and the
-- UI need, and each instance's metadata as DICOM JSON (PS3.18 F, without pixel data and other bulk
-- data) captured at ingest. Filled by dicom_index_instance(), one statement per stored instance.
-- Dates are DICOM DA text (YYYYMMDD) and times TM text (HHMMSS.FFFFFF): they sort and compare as text,
-- in the "C" collation (as UIDs and codes do) so that ranges and LIKE prefixes mean the same on every server.

create table patients (
  id bigint generated always as identity primary key,
  patient_id text collate "C" not null default '', -- (0010,0020); '' when the images carry none
  issuer text not null default '', -- (0010,0021) Issuer of Patient ID
  name text, -- (0010,0010), the alphabetic group, components joined by ^
  birth_date text collate "C", -- (0010,0030)
  sex text, -- (0010,0040)
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- One patient per Patient ID and issuer. Images without a Patient ID get a patient of their own per study.
create unique index patients_key on patients (patient_id, issuer) where patient_id <> '';
create index patients_name on patients (lower(name) text_pattern_ops);

create table studies (
  id bigint generated always as identity primary key,
  study_uid text collate "C" not null unique, -- (0020,000D)
  patient_ref bigint not null references patients (id),
  study_date text collate "C", -- (0008,0020)
  study_time text collate "C", -- (0008,0030)
  accession text collate "C", -- (0008,0050)
  study_id text, -- (0020,0010)
  description text, -- (0008,1030)
  referring_physician text, -- (0008,0090)
  modalities text[] collate "C" not null default '{}', -- (0008,0061) Modalities in Study, kept as series arrive
  num_series int not null default 0, -- (0020,1206)
  num_instances int not null default 0, -- (0020,1208)
  size_bytes bigint not null default 0,
  received_at timestamptz not null default now(), -- first instance
  updated_at timestamptz not null default now() -- latest instance: a study is stable when this is old enough
);
create index studies_patient on studies (patient_ref);
create index studies_date on studies (study_date, study_time);
create index studies_accession on studies (accession) where accession is not null;
create index studies_received on studies (received_at desc, id desc);
create index studies_modalities on studies using gin (modalities);

create table series (
  id bigint generated always as identity primary key,
  series_uid text collate "C" not null unique, -- (0020,000E)
  study_ref bigint not null references studies (id) on delete cascade,
  modality text collate "C", -- (0008,0060)
  series_number int, -- (0020,0011)
  description text, -- (0008,103E)
  body_part text, -- (0018,0015)
  series_date text collate "C", -- (0008,0021)
  series_time text collate "C", -- (0008,0031)
  note text, -- free text about the series, written in the UI
  num_instances int not null default 0, -- (0020,1209)
  size_bytes bigint not null default 0,
  received_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index series_study on series (study_ref, series_number);
create index series_modality on series (modality);

create table instances (
  id bigint generated always as identity primary key,
  sop_instance_uid text collate "C" not null unique, -- (0008,0018)
  series_ref bigint not null references series (id) on delete cascade,
  study_ref bigint not null references studies (id) on delete cascade,
  sop_class_uid text collate "C" not null, -- (0008,0016)
  instance_number int, -- (0020,0013)
  transfer_syntax_uid text not null, -- as received and stored
  size_bytes bigint not null, -- the stored Part 10 file
  tier text not null, -- the storage tier holding the file ('hot': PACS_DATA_DIR/storage)
  storage_key text not null, -- the file's path inside its tier
  metadata jsonb not null, -- DICOM JSON without pixel data; large binary values as BulkDataURI "bulkdata/<tag path>"
  source_ae text, -- calling AE title of the association that stored it
  duplicates_received int not null default 0, -- later copies of the same SOP Instance UID (the first is kept)
  last_duplicate_at timestamptz,
  received_at timestamptz not null default now()
);
create index instances_series on instances (series_ref, instance_number);
create index instances_study on instances (study_ref);

-- Indexes one stored instance: matches or creates its patient (Patient ID + issuer), study and
-- series, inserts the instance and keeps the counters and Modalities in Study. An instance whose
-- SOP Instance UID is indexed already is not touched: the resend is counted on the first copy and
-- 'duplicate' answered. Safe against concurrent associations storing into the same study.
-- p: {sopInstanceUid, sopClassUid, studyUid, seriesUid, patientId, issuer, patientName, birthDate,
--     sex, studyDate, studyTime, accession, studyId, studyDescription, referringPhysician, modality,
--     seriesNumber, seriesDescription, bodyPart, seriesDate, seriesTime, instanceNumber,
--     transferSyntaxUid, size, tier, storageKey, sourceAe, metadata}
create function dicom_index_instance(p jsonb) returns jsonb language plpgsql as $$
declare
  v_patient bigint;
  v_study bigint;
  v_series bigint;
  v_series_study bigint;
  v_instance bigint;
  v_key text;
  v_new_study boolean := false;
  v_new_series boolean := false;
  v_pid text := coalesce(p->>'patientId', '');
  v_issuer text := coalesce(p->>'issuer', '');
  v_modality text := nullif(p->>'modality', '');
  v_size bigint := (p->>'size')::bigint;
begin
  update instances i set duplicates_received = i.duplicates_received + 1, last_duplicate_at = now()
   where i.sop_instance_uid = p->>'sopInstanceUid'
   returning i.id, i.storage_key into v_instance, v_key;
  if found then
    return jsonb_build_object('outcome', 'duplicate', 'instanceRef', v_instance, 'storageKey', v_key);
  end if;

  -- The study, or else its patient and then the study. A lost race (another association created
  -- the row first) goes round the loop again and reads the winner's row.
  loop
    select s.id, s.patient_ref into v_study, v_patient from studies s where s.study_uid = p->>'studyUid';
    exit when found;
    if v_pid <> '' then
      loop
        select pa.id into v_patient from patients pa where pa.patient_id = v_pid and pa.issuer = v_issuer;
        exit when found;
        insert into patients (patient_id, issuer, name, birth_date, sex)
        values (v_pid, v_issuer, p->>'patientName', p->>'birthDate', p->>'sex')
        on conflict (patient_id, issuer) where patient_id <> '' do nothing
        returning id into v_patient;
        exit when v_patient is not null;
      end loop;
    else
      insert into patients (patient_id, issuer, name, birth_date, sex)
      values ('', v_issuer, p->>'patientName', p->>'birthDate', p->>'sex')
      returning id into v_patient;
    end if;
    insert into studies (study_uid, patient_ref, study_date, study_time, accession, study_id, description, referring_physician)
    values (p->>'studyUid', v_patient, p->>'studyDate', p->>'studyTime', p->>'accession', p->>'studyId', p->>'studyDescription', p->>'referringPhysician')
    on conflict (study_uid) do nothing
    returning id into v_study;
    if v_study is not null then
      v_new_study := true;
      exit;
    end if;
    if v_pid = '' then
      delete from patients where id = v_patient;
    end if;
  end loop;

  -- A series belongs to the study it was first seen in. (SELECT INTO sets its targets to null when
  -- nothing is found, hence the separate variable for the series' study.)
  loop
    select se.id, se.study_ref into v_series, v_series_study from series se where se.series_uid = p->>'seriesUid';
    if found then
      v_study := v_series_study;
      exit;
    end if;
    insert into series (series_uid, study_ref, modality, series_number, description, body_part, series_date, series_time)
    values (p->>'seriesUid', v_study, v_modality, (p->>'seriesNumber')::int, p->>'seriesDescription', p->>'bodyPart', p->>'seriesDate', p->>'seriesTime')
    on conflict (series_uid) do nothing
    returning id into v_series;
    if v_series is not null then
      v_new_series := true;
      exit;
    end if;
  end loop;

  insert into instances (sop_instance_uid, series_ref, study_ref, sop_class_uid, instance_number, transfer_syntax_uid, size_bytes, tier, storage_key, metadata, source_ae)
  values (p->>'sopInstanceUid', v_series, v_study, p->>'sopClassUid', (p->>'instanceNumber')::int, p->>'transferSyntaxUid', v_size, p->>'tier', p->>'storageKey', p->'metadata', p->>'sourceAe')
  on conflict (sop_instance_uid) do nothing
  returning id into v_instance;
  if v_instance is null then
    update instances i set duplicates_received = i.duplicates_received + 1, last_duplicate_at = now()
     where i.sop_instance_uid = p->>'sopInstanceUid'
     returning i.id, i.storage_key into v_instance, v_key;
    return jsonb_build_object('outcome', 'duplicate', 'instanceRef', v_instance, 'storageKey', v_key);
  end if;

  update series se set num_instances = se.num_instances + 1, size_bytes = se.size_bytes + v_size, updated_at = now()
   where se.id = v_series;
  update studies s set
    num_instances = s.num_instances + 1,
    num_series = s.num_series + (case when v_new_series then 1 else 0 end),
    size_bytes = s.size_bytes + v_size,
    modalities = case when v_modality is null or v_modality = any(s.modalities) then s.modalities else array_append(s.modalities, v_modality) end,
    updated_at = now()
   where s.id = v_study;

  return jsonb_build_object('outcome', 'stored', 'instanceRef', v_instance, 'seriesRef', v_series, 'studyRef', v_study,
    'patientRef', v_patient, 'newStudy', v_new_study, 'newSeries', v_new_series, 'storageKey', p->>'storageKey');
end
$$;
