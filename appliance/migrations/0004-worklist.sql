-- The Modality Worklist: patients as the RIS/EHR describes them, orders, their worklist items
-- (one per Scheduled Procedure Step) and the history of every change. dicom/worklist/ reads and
-- writes these tables; the MWL C-FIND SCP matches on the item columns and answers from `item`.

-- Patient demographics from ADT and orders, keyed by Patient ID and its issuer (PID-3.1, PID-3.4.1).
create table worklist_patients (
  id bigint generated always as identity primary key,
  patient_id text not null,
  issuer_of_patient_id text not null default '',
  -- PatientName, PatientBirthDate, PatientSex, OtherPatientIDsSequence, ... as DICOM keywords
  attributes jsonb not null,
  -- set by ADT^A40: this patient was merged into that one
  merged_into bigint references worklist_patients (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (patient_id, issuer_of_patient_id)
);

-- One order (Imaging Service Request / Requested Procedure): placer and filler order numbers are
-- unique per issuer (ORC-2, ORC-3 with their namespace).
create table worklist_orders (
  id bigint generated always as identity primary key,
  placer_order_number text,
  placer_issuer text not null default '',
  filler_order_number text,
  filler_issuer text not null default '',
  accession_number text not null default '',
  patient_id text not null,
  issuer_of_patient_id text not null default '',
  study_instance_uid text not null,
  status text not null check (status in ('SCHEDULED', 'IN PROGRESS', 'COMPLETED', 'DISCONTINUED', 'CANCELLED')),
  created_message_id bigint, -- the engine message that created it (no foreign key: messages are pruned)
  updated_message_id bigint,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (placer_order_number is not null or filler_order_number is not null)
);
create unique index worklist_orders_placer on worklist_orders (placer_issuer, placer_order_number) where placer_order_number is not null;
create unique index worklist_orders_filler on worklist_orders (filler_issuer, filler_order_number) where filler_order_number is not null;
create index worklist_orders_patient on worklist_orders (patient_id, issuer_of_patient_id);
create index worklist_orders_study on worklist_orders (study_instance_uid);

-- One worklist item per Scheduled Procedure Step. The columns are the DICOM attributes MWL
-- matching and /api/worklist filter on; `item` is the whole item as DICOM keywords
-- (ScheduledProcedureStepSequence with one step). Identifiers, codes, DA and TM compare in the
-- "C" collation, so that ranges and LIKE prefixes mean the same on every server (as in 0003).
create table worklist_items (
  id bigint generated always as identity primary key,
  order_id bigint not null references worklist_orders (id),
  status text not null check (status in ('SCHEDULED', 'IN PROGRESS', 'COMPLETED', 'DISCONTINUED', 'CANCELLED')),
  patient_id text collate "C" not null,              -- (0010,0020)
  issuer_of_patient_id text collate "C" not null default '', -- (0010,0021)
  patient_name text not null default '',             -- (0010,0010) PN as family^given^middle^prefix^suffix
  accession_number text collate "C" not null default '', -- (0008,0050)
  modality text collate "C" not null default '',     -- >(0008,0060)
  station_ae_titles text[] collate "C" not null default '{}', -- >(0040,0001), VM 1-n
  scheduled_date text collate "C" not null default '', -- >(0040,0002) DA YYYYMMDD
  scheduled_time text collate "C" not null default '', -- >(0040,0003) TM HHMMSS[.F], always at least HHMMSS
  sps_id text collate "C" not null,                  -- >(0040,0009)
  requested_procedure_id text collate "C" not null default '', -- (0040,1001)
  study_instance_uid text collate "C" not null,      -- (0020,000D)
  -- Type 1 return keys still empty (e.g. ScheduledStationAETitle): such an item is not offered to modalities
  missing_type1 text[] not null default '{}',
  item jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (order_id, sps_id)
);
create index worklist_items_open_schedule on worklist_items (scheduled_date, scheduled_time) where status in ('SCHEDULED', 'IN PROGRESS');
create index worklist_items_schedule on worklist_items (scheduled_date, scheduled_time);
create index worklist_items_patient on worklist_items (patient_id, issuer_of_patient_id);
create index worklist_items_patient_name on worklist_items using gin (patient_name gin_trgm_ops); -- pg_trgm: 0002
create index worklist_items_accession on worklist_items (accession_number);
create index worklist_items_study on worklist_items (study_instance_uid);
create index worklist_items_modality on worklist_items (modality, scheduled_date);
create index worklist_items_station on worklist_items using gin (station_ae_titles);

-- What happened to orders, items and patients, and which message (or service) caused it.
create table worklist_history (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  order_id bigint references worklist_orders (id),
  item_id bigint references worklist_items (id),
  patient_id text,
  issuer_of_patient_id text,
  -- created | updated | duplicate | cancelled | discontinued | status | demographics | merged
  action text not null,
  from_status text,
  to_status text,
  source text not null default 'hl7', -- hl7 | fhir | mpps | api
  message_id bigint,
  detail jsonb
);
create index worklist_history_order on worklist_history (order_id, id);
create index worklist_history_item on worklist_history (item_id, id) where item_id is not null;
create index worklist_history_patient on worklist_history (patient_id, id) where patient_id is not null;
create index worklist_history_message on worklist_history (message_id) where message_id is not null;
