-- The FHIR facade's own records (/fhir/R4). The worklist (0004) stays the one model of orders and
-- patients, whichever way they came; this table only remembers, for what came over FHIR, the id
-- the resource has, the resource as posted (references between Bundle entries resolved), and the
-- worklist attributes it mapped to, so that reads can give back the posted form of what did not
-- change since. Orders and patients that came over HL7 have no row: their ids are order-<id> and
-- patient-<id> of the worklist tables.
create table fhir_resources (
  resource_type text not null check (resource_type in ('Patient', 'ServiceRequest')),
  id text not null check (id ~ '^[A-Za-z0-9.-]{1,64}$'),
  -- the worklist order of a ServiceRequest; null while it is not on the worklist (draft, not an order)
  order_id bigint references worklist_orders (id),
  -- the worklist patient of a Patient
  patient_row_id bigint references worklist_patients (id),
  resource jsonb not null,
  -- the worklist item (ServiceRequest) or patient attributes (Patient) the resource mapped to, as applied
  mapped jsonb,
  message_id bigint, -- the engine message that last wrote it (no foreign key: messages are pruned)
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (resource_type, id),
  check (resource_type <> 'Patient' or patient_row_id is not null),
  check (resource_type <> 'ServiceRequest' or patient_row_id is null)
);
create unique index fhir_resources_order on fhir_resources (order_id) where order_id is not null;
create unique index fhir_resources_patient on fhir_resources (patient_row_id) where patient_row_id is not null;
