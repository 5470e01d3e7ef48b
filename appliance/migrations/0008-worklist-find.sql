-- The MWL C-FIND SCP (dicom/worklist/worklist-find-sql.ts) narrows on the GIN indexes of
-- 0004-worklist.sql: station AE titles (a modality asking for its own station) and patient names.
-- GIN's fast update keeps new entries in an unsorted pending list that every search reads in
-- full until a vacuum merges it; the embedded database (PGlite) never autovacuums, so the list
-- grew to megabytes and a station search over 100,000 items took ~10 ms instead of ~0.5 ms.
-- Items are written one order at a time, so inserting straight into the index costs little.
alter index worklist_items_station set (fastupdate = off);
alter index worklist_items_patient_name set (fastupdate = off);
select gin_clean_pending_list('worklist_items_station'::regclass);
select gin_clean_pending_list('worklist_items_patient_name'::regclass);
