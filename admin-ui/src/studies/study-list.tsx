// The archive: studies with their patient, date, description, accession, modalities and counts,
// newest study date first, with search and the filters a radiologist or technician looks with.
import { Box, Chip, Stack, Typography } from '@mui/material';
import { DataTable, DateInput, FilterButton, List, SearchInput, TextInput, TopToolbar } from 'react-admin';
import type { Study } from '../api-records';
import { dicomTime, formatBytes, personName } from './dicom-values';

const filters = [
  <SearchInput key="q" source="q" alwaysOn placeholder="Name, ID, accession…" sx={{ width: 220 }} />,
  <TextInput key="patientName" source="patientName" label="Patient name" alwaysOn sx={{ width: 180 }} />,
  <TextInput key="patientId" source="patientId" label="Patient ID" sx={{ width: 150 }} />,
  <DateInput key="dateFrom" source="dateFrom" label="Study date from" alwaysOn />,
  <DateInput key="dateTo" source="dateTo" label="Study date to" alwaysOn />,
  <TextInput key="modality" source="modality" label="Modality" sx={{ width: 110 }} />,
  <TextInput key="accession" source="accession" label="Accession" />,
  // Set by the link from a worklist item; an input so that it shows and can be removed.
  <TextInput key="studyInstanceUid" source="studyInstanceUid" label="Study Instance UID" sx={{ width: 320 }} />,
];

const actions = (
  <TopToolbar>
    <FilterButton />
  </TopToolbar>
);

export function Modalities({ modalities }: { modalities: readonly string[] }) {
  return (
    <Stack direction="row" spacing={0.5}>
      {modalities.map((m) => (
        <Chip key={m} label={m} size="small" variant="outlined" />
      ))}
    </Stack>
  );
}

function Patient({ study }: { study: Study }) {
  const extra = [study.patient.birthDate, study.patient.sex].filter(Boolean).join(' · ');
  return (
    <Box>
      {personName(study.patient.name) || <Typography component="span" color="text.disabled">(no name)</Typography>}
      {extra && (
        <Typography variant="caption" color="text.secondary" sx={{ display: 'block', whiteSpace: 'nowrap' }}>
          {extra}
        </Typography>
      )}
    </Box>
  );
}

/** The date, with the time below it in small type, to keep the column narrow. */
function DateAndTime({ study }: { study: Study }) {
  return (
    <Box sx={{ whiteSpace: 'nowrap' }}>
      {study.date}
      {study.time && (
        <Typography variant="caption" color="text.secondary" sx={{ display: 'block' }}>
          {dicomTime(study.time)}
        </Typography>
      )}
    </Box>
  );
}

export const studyName = (s: Study) => [personName(s.patient.name) || s.patient.patientId, s.description, s.date].filter(Boolean).join(' · ');

export function StudyList() {
  // Studies hold patient data, so no export; the server audits every search.
  return (
    <List<Study> filters={filters} actions={actions} sort={{ field: 'date', order: 'DESC' }} perPage={25} exporter={false} empty={false}>
      <DataTable<Study> rowClick="show" bulkActionButtons={false}>
        <DataTable.Col<Study> source="patientName" label="Patient" render={(s) => <Patient study={s} />} />
        <DataTable.Col<Study> source="patientId" label="Patient ID" render={(s) => s.patient.patientId} />
        <DataTable.Col<Study> source="date" label="Study date" render={(s) => <DateAndTime study={s} />} />
        <DataTable.Col source="description" label="Description" />
        <DataTable.Col source="accession" label="Accession" />
        <DataTable.Col<Study> label="Modalities" disableSort render={(s) => <Modalities modalities={s.modalities} />} />
        <DataTable.NumberCol source="numberOfSeries" label="Series" disableSort />
        <DataTable.NumberCol source="numberOfInstances" label="Instances" />
        <DataTable.Col<Study> label="Size" align="right" disableSort render={(s) => <Box sx={{ whiteSpace: 'nowrap' }}>{formatBytes(s.size)}</Box>} />
      </DataTable>
    </List>
  );
}
