-- Radiology reports: one per study, written in the browser (draft, preliminary) and signed (final),
-- then corrected by amending. Every signed version (final and each amendment) is kept in
-- report_versions with who signed it and when; channels/results/ reads and writes these tables.
-- The patient and accession columns are what the report was about when last saved (from the order
-- or the study index), so lists and filters work even after the images are gone.
create table reports (
  id bigint generated always as identity primary key,
  study_instance_uid text collate "C" not null unique, -- (0020,000D)
  accession_number text collate "C" not null default '', -- (0008,0050)
  patient_id text collate "C" not null default '', -- (0010,0020)
  issuer_of_patient_id text collate "C" not null default '', -- (0010,0021)
  patient_name text not null default '', -- (0010,0010) PN
  status text not null check (status in ('draft', 'preliminary', 'final', 'amended')),
  indication text not null default '',
  technique text not null default '',
  findings text not null default '',
  impression text not null default '',
  author_id bigint not null references users (id), -- who created it
  released_by bigint references users (id), -- who last released it (preliminary) or signed it (final, amended)
  released_at timestamptz,
  signed_by bigint references users (id), -- the signing radiologist of the current final/amended version
  signed_at timestamptz,
  version int not null default 0, -- signed versions so far (1 = the first final report)
  revision int not null default 1, -- every save; a save names the revision it changes (optimistic locking)
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check ((status in ('final', 'amended')) = (signed_by is not null and signed_at is not null and version > 0))
);
create index reports_updated on reports (updated_at desc, id desc);
create index reports_status on reports (status, updated_at desc);
create index reports_patient on reports (patient_id, issuer_of_patient_id);
create index reports_patient_name on reports using gin (patient_name gin_trgm_ops); -- pg_trgm: 0002
create index reports_accession on reports (accession_number);

-- Each signed version as it went out, never changed afterwards.
create table report_versions (
  id bigint generated always as identity primary key,
  report_id bigint not null references reports (id) on delete cascade,
  version int not null,
  status text not null check (status in ('final', 'amended')),
  indication text not null,
  technique text not null,
  findings text not null,
  impression text not null,
  signed_by bigint not null references users (id),
  signed_at timestamptz not null,
  message_id bigint, -- the results channel message that released it (no foreign key: messages are pruned)
  unique (report_id, version)
);
