// The Modality Worklist as the technician at the modality and the analyst following orders see
// it: what is scheduled from today on (one click for today only or all dates), by start time,
// with status, station and procedure, and a warning on items modalities are not offered.
import { Box, Typography } from '@mui/material';
import { DataTable, DateInput, FilterButton, List, SelectArrayInput, TextInput, TopToolbar } from 'react-admin';
import type { WorklistItem } from '../api-records';
import { dateAndTime, dicomDate, personName } from '../studies/dicom-values';
import { MissingType1Marker } from './missing-type1';
import { WhenToggle } from './when-toggle';
import { DEFAULT_WORKLIST_FILTER } from './worklist-filters';
import { WORKLIST_STATUS_CHOICES, WorklistStatusChip } from './worklist-status-chip';

const filters = [
  <TextInput key="patientName" source="patientName" label="Patient name" alwaysOn sx={{ width: 180 }} />,
  <TextInput key="accessionNumber" source="accessionNumber" label="Accession" alwaysOn sx={{ width: 150 }} />,
  <SelectArrayInput key="status" source="status" choices={WORKLIST_STATUS_CHOICES} alwaysOn sx={{ minWidth: 150 }} />,
  <TextInput key="modality" source="modality" label="Modality" sx={{ width: 110 }} />,
  <TextInput key="stationAeTitle" source="stationAeTitle" label="Station AE" />,
  <TextInput key="patientId" source="patientId" label="Patient ID" />,
  <DateInput key="scheduledDate" source="scheduledDate" label="Scheduled on" />,
  // Set by the link from a study; an input so that it shows and can be removed.
  <TextInput key="studyInstanceUid" source="studyInstanceUid" label="Study Instance UID" sx={{ width: 320 }} />,
];

const actions = (
  <TopToolbar sx={{ alignItems: 'center' }}>
    <WhenToggle />
    <FilterButton />
  </TopToolbar>
);

/** The readable name, with birth date and sex below it as a check that it is the right patient. */
function Patient({ item }: { item: WorklistItem }) {
  const extra = [dicomDate(item.patientBirthDate), item.patientSex].filter(Boolean).join(' · ');
  return (
    <Box>
      {personName(item.patientName) || <Typography component="span" color="text.disabled">(no name)</Typography>}
      {extra && (
        <Typography variant="caption" color="text.secondary" sx={{ display: 'block', whiteSpace: 'nowrap' }}>
          {extra}
        </Typography>
      )}
    </Box>
  );
}

function Status({ item }: { item: WorklistItem }) {
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 0.5, whiteSpace: 'nowrap' }}>
      <WorklistStatusChip status={item.status} />
      <MissingType1Marker missing={item.missingType1} />
    </Box>
  );
}

export const worklistItemName = (item: WorklistItem) => [personName(item.patientName) || item.patientId, item.accessionNumber].filter(Boolean).join(' · ');

export function WorklistList() {
  // Items hold patient data, so no export; every search is audited by the server.
  return (
    <List<WorklistItem>
      filters={filters}
      filterDefaultValues={DEFAULT_WORKLIST_FILTER}
      actions={actions}
      sort={{ field: 'scheduledDate', order: 'ASC' }}
      perPage={50}
      exporter={false}
      title="Modality Worklist"
      empty={false}
    >
      <DataTable<WorklistItem> rowClick="show" bulkActionButtons={false}>
        <DataTable.Col<WorklistItem> source="scheduledDate" label="Scheduled" render={(i) => <Box sx={{ whiteSpace: 'nowrap' }}>{dateAndTime(i.scheduledDate, i.scheduledTime)}</Box>} />
        <DataTable.Col<WorklistItem> source="patientName" label="Patient" render={(i) => <Patient item={i} />} />
        <DataTable.Col source="patientId" label="Patient ID" />
        <DataTable.Col source="accessionNumber" label="Accession" />
        <DataTable.Col source="modality" label="Modality" />
        <DataTable.Col<WorklistItem> label="Station AE" disableSort render={(i) => i.stationAeTitles.join(', ')} />
        <DataTable.Col<WorklistItem> label="Procedure" disableSort render={(i) => i.spsDescription || i.requestedProcedureDescription} />
        <DataTable.Col<WorklistItem> source="status" label="Status" render={(i) => <Status item={i} />} />
      </DataTable>
    </List>
  );
}
