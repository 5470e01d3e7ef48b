// The message browser: full-text search and filters over every channel's messages, newest first,
// with reprocessing of the selected messages or of everything the filter matches.
import { Typography } from '@mui/material';
import { DataTable, DateField, FilterButton, List, TopToolbar } from 'react-admin';
import type { Message } from '../api-records';
import { messageFilters } from './message-filters';
import { ReprocessMatchingButton } from './reprocess-matching-button';
import { ReprocessSelectedButton } from './reprocess-selected-button';
import { StatusChip } from './status-chip';

const actions = (
  <TopToolbar>
    <FilterButton />
    <ReprocessMatchingButton />
  </TopToolbar>
);

function ErrorText({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <Typography variant="body2" color="error" noWrap title={error} sx={{ maxWidth: 320 }}>
      {error}
    </Typography>
  );
}

export function MessageList() {
  // The server sorts by id or receivedAt only; a message's content can hold patient data, so no export.
  return (
    <List<Message> filters={messageFilters} actions={actions} sort={{ field: 'id', order: 'DESC' }} perPage={25} exporter={false}>
      <DataTable<Message> rowClick="show" bulkActionButtons={<ReprocessSelectedButton />}>
        <DataTable.Col source="receivedAt" label="Received">
          <DateField source="receivedAt" showTime />
        </DataTable.Col>
        <DataTable.Col source="channelId" label="Channel" disableSort />
        <DataTable.Col source="messageType" label="Type" disableSort />
        <DataTable.Col source="controlId" label="Control ID" disableSort />
        <DataTable.Col source="patientId" label="Patient ID" disableSort />
        <DataTable.Col source="accession" label="Accession" disableSort />
        <DataTable.Col<Message> source="status" disableSort render={(m) => <StatusChip status={m.status} />} />
        <DataTable.Col<Message> source="error" disableSort render={(m) => <ErrorText error={m.error} />} />
      </DataTable>
    </List>
  );
}
