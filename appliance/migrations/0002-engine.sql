-- The channel engine: definitions, the message store, per-destination delivery queues, counters, alerts.
create extension if not exists pg_trgm;

create table channels (
  id text primary key,
  definition json not null, -- json, not jsonb: keeps the key order the analyst wrote, for readable exports
  -- desired run state, shared by every appliance process on this database
  state text not null default 'started' check (state in ('started', 'paused', 'stopped')),
  revision int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table messages (
  id bigint generated always as identity primary key,
  channel_id text not null,
  received_at timestamptz not null default now(),
  -- received | filtered | queued | sent | error: the roll-up of the deliveries below
  status text not null check (status in ('received', 'filtered', 'queued', 'sent', 'error')),
  data_type text not null,
  raw text not null,
  transformed text,
  charset text,
  message_type text,
  control_id text,
  patient_id text,
  accession text,
  source jsonb,
  response text,
  error text,
  reprocessed_from bigint
);
create index messages_channel_id on messages (channel_id, id desc);
create index messages_received_at on messages (received_at);
create index messages_status on messages (status, id desc) where status in ('error', 'queued');
create index messages_control_id on messages (control_id);
create index messages_patient_id on messages (patient_id) where patient_id is not null;
create index messages_accession on messages (accession) where accession is not null;
-- Substring search over raw and transformed content that stays fast at millions of rows.
create index messages_raw_trgm on messages using gin (raw gin_trgm_ops);
create index messages_transformed_trgm on messages using gin (transformed gin_trgm_ops);

create table deliveries (
  id bigint generated always as identity primary key,
  message_id bigint not null references messages (id) on delete cascade,
  channel_id text not null,
  destination_id text not null,
  -- queued -> sending -> sent | queued (retry) | error (parked); filtered; cancelled
  status text not null check (status in ('queued', 'sending', 'sent', 'error', 'filtered', 'cancelled')),
  content text, -- what is sent, when it differs from the message's transformed content
  order_key text, -- strict per-patient ordering key
  attempts int not null default 0,
  next_attempt_at timestamptz not null default now(),
  lease_until timestamptz,
  leased_by text,
  last_error text,
  response text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  sent_at timestamptz,
  unique (message_id, destination_id)
);
create index deliveries_due on deliveries (channel_id, destination_id, id) where status = 'queued';
create index deliveries_unfinished on deliveries (channel_id, destination_id, order_key, id) where status in ('queued', 'sending', 'error');
create index deliveries_leases on deliveries (lease_until) where status = 'sending';

create table channel_stats (
  channel_id text not null,
  destination_id text not null default '', -- '' = the channel's source
  received bigint not null default 0,
  filtered bigint not null default 0,
  sent bigint not null default 0,
  errored bigint not null default 0,
  primary key (channel_id, destination_id)
);

create table alerts (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  channel_id text not null,
  destination_id text,
  kind text not null, -- error_count | queue_depth
  message text not null,
  value bigint not null,
  threshold bigint not null,
  acknowledged_at timestamptz,
  acknowledged_by text
);
create index alerts_at on alerts (at desc);

-- Appliance processes working the queues; a process that stops beating has its leases reaped.
create table engine_processes (
  id text primary key,
  started_at timestamptz not null default now(),
  last_seen timestamptz not null default now()
);
