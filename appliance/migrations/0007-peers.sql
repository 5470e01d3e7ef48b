-- The DICOM peers registry: the application entities the archive knows by AE title, where to reach
-- them, and what each may do. C-MOVE sends only to peers allowed as move destinations; a known peer
-- without a permission is refused that service (unknown calling AE titles may store, query and
-- C-GET). Rows seeded from PACS_DICOM_PEERS follow the variable at each start until an admin edits
-- them through /api/peers (source 'api'); from then on the admin's version is kept.
create table dicom_peers (
  id bigint generated always as identity primary key,
  ae_title text collate "C" not null unique, -- compared without padding: stored trimmed
  host text not null,
  port int not null check (port between 1 and 65535),
  description text,
  may_store boolean not null default true, -- may send us instances (C-STORE)
  may_query boolean not null default true, -- may query (C-FIND)
  may_retrieve boolean not null default true, -- may ask for C-MOVE / C-GET
  move_destination boolean not null default true, -- C-MOVE may send instances to it
  source text not null default 'api' check (source in ('config', 'api')), -- config: seeded from PACS_DICOM_PEERS
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
