-- "Study stable" events: a study is announced once no instance has arrived for the configured quiet
-- time, and again if more arrive later. A process claims due studies with a lease (SKIP LOCKED, so
-- several processes share the work) and marks them announced after the engine has stored the event:
-- a crash in between announces twice, never not at all.
alter table studies add column stable_announced_at timestamptz; -- the updated_at value last announced
alter table studies add column stability_lease_until timestamptz;
create index studies_unannounced on studies (updated_at)
  where stable_announced_at is null or stable_announced_at < updated_at;
