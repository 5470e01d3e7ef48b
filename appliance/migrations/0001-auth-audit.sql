-- Users, browser sessions, API tokens for machines, and the audit trail.
create table users (
  id bigint generated always as identity primary key,
  username text not null unique check (username ~ '^[a-z0-9][a-z0-9._@-]{0,63}$'),
  full_name text,
  role text not null check (role in ('admin', 'analyst', 'radiologist', 'referrer', 'technician')),
  password_hash text not null,
  disabled boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Only hashes of session and API tokens are stored: a copy of the database lets nobody log in.
create table sessions (
  token_hash text primary key,
  user_id bigint not null references users (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user_id on sessions (user_id);
create index sessions_expires_at on sessions (expires_at);

create table api_tokens (
  id bigint generated always as identity primary key,
  user_id bigint not null references users (id) on delete cascade,
  name text not null,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  last_used_at timestamptz
);

create table audit_events (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  username text,
  action text not null,
  outcome text not null default 'success' check (outcome in ('success', 'failure')),
  resource_type text,
  resource_id text,
  patient_id text,
  study_uid text,
  source_ip text,
  detail jsonb
);
create index audit_events_at on audit_events (at desc);
create index audit_events_username_at on audit_events (username, at desc);
create index audit_events_patient_at on audit_events (patient_id, at desc) where patient_id is not null;
create index audit_events_study_at on audit_events (study_uid, at desc) where study_uid is not null;
