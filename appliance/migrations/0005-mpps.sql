-- Modality Performed Procedure Steps (MPPS, PS3.4 Annex F): one row per SOP Instance a modality
-- created with N-CREATE, updated by its N-SETs. dicom/worklist/worklist-mpps.ts writes it inside
-- the transaction of the procedure-steps channel that also moves the linked worklist items.
create table performed_procedure_steps (
  id bigint generated always as identity primary key,
  sop_instance_uid text collate "C" not null unique,     -- Affected SOP Instance UID of the N-CREATE
  status text not null check (status in ('IN PROGRESS', 'COMPLETED', 'DISCONTINUED')), -- (0040,0252)
  calling_ae_title text not null default '',              -- the modality's AE title (association)
  performed_procedure_step_id text not null default '',   -- (0040,0253)
  modality text not null default '',                      -- (0008,0060)
  patient_id text collate "C" not null default '',        -- (0010,0020)
  study_instance_uids text[] collate "C" not null default '{}', -- (0040,0270)>(0020,000D)
  accession_numbers text[] collate "C" not null default '{}',   -- (0040,0270)>(0008,0050)
  -- the worklist items (Scheduled Procedure Steps) it performs; empty for an unscheduled procedure
  worklist_item_ids bigint[] not null default '{}',
  -- the instance as DICOM JSON: the N-CREATE's data set with each N-SET's attributes merged in
  attributes jsonb not null,
  created_message_id bigint, -- the engine messages that created and last updated it (no foreign key: messages are pruned)
  updated_message_id bigint,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  ended_at timestamptz -- when it became COMPLETED or DISCONTINUED
);
create index performed_procedure_steps_items on performed_procedure_steps using gin (worklist_item_ids);
create index performed_procedure_steps_patient on performed_procedure_steps (patient_id);
create index performed_procedure_steps_open on performed_procedure_steps (created_at) where status = 'IN PROGRESS';
