-- Storage Commitment Push Model (PS3.4 Annex J): one row per N-ACTION accepted, kept until its
-- N-EVENT-REPORT was delivered, so that a restart still reports the requests it had accepted.
-- dicom/dimse/storage-commitment-store.ts reads and writes it.
create table storage_commitments (
  transaction_uid text collate "C" primary key,             -- (0008,1195) Transaction UID
  calling_ae_title text not null,                            -- the requesting AE: where a report on a new association goes
  refs jsonb not null,                                       -- [{sopClassUid, sopInstanceUid}] of the Referenced SOP Sequence
  state text not null check (state in ('pending', 'reported', 'failed')),
  attempts int not null default 0,                           -- event reports tried on new associations
  next_attempt_at timestamptz not null default now(),        -- when the reporter may try (again)
  last_error text,
  event_type_id int,                                         -- 1 all committed, 2 some failed, once reported
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index storage_commitments_due on storage_commitments (next_attempt_at) where state = 'pending';
