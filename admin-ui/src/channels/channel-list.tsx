// The channels as a dashboard: state, source, counters and queue depth, refreshed every 5 s. A
// row expands to its destinations; the errored count opens the message browser on its errors.
import { Box, Typography } from '@mui/material';
import { CreateButton, DataTable, List, TopToolbar } from 'react-admin';
import type { Channel } from '../api-records';
import { ErrorCountLink } from '../messages/message-browser-link';
import { channelTotals } from './channel-counts';
import { ChannelDestinations } from './channel-destinations';
import { ChannelStateButtons } from './channel-state-buttons';
import { ChannelStateChip, sourceLabel } from './channel-state-chip';

export const CHANNEL_REFRESH_MS = 5000;

function NameAndId({ channel }: { channel: Channel }) {
  return (
    <Box>
      {channel.name}
      <Typography variant="caption" color="text.secondary" sx={{ display: 'block' }}>
        {channel.id}
      </Typography>
    </Box>
  );
}

const actions = (
  <TopToolbar>
    <CreateButton />
  </TopToolbar>
);

export function ChannelList() {
  // The server returns every channel unpaged and in id order, so nothing here sorts or pages.
  return (
    <List<Channel> pagination={false} perPage={1000} exporter={false} actions={actions} queryOptions={{ refetchInterval: CHANNEL_REFRESH_MS }}>
      <DataTable<Channel> rowClick="show" bulkActionButtons={false} expand={<ChannelDestinations />}>
        <DataTable.Col<Channel> label="Channel" disableSort render={(c) => <NameAndId channel={c} />} />
        <DataTable.Col<Channel> label="State" disableSort render={(c) => <ChannelStateChip channel={c} />} />
        <DataTable.Col<Channel> label="Source" disableSort render={(c) => sourceLabel(c.source)} />
        <DataTable.Col<Channel> label="Received" align="right" disableSort render={(c) => channelTotals(c).received} />
        <DataTable.Col<Channel> label="Filtered" align="right" disableSort render={(c) => channelTotals(c).filtered} />
        <DataTable.Col<Channel> label="Sent" align="right" disableSort render={(c) => channelTotals(c).sent} />
        <DataTable.Col<Channel> label="Errored" align="right" disableSort render={(c) => <ErrorCountLink channelId={c.id} count={channelTotals(c).errored} />} />
        <DataTable.NumberCol source="queued" label="Queued" disableSort />
        <DataTable.Col label="" disableSort render={() => <ChannelStateButtons />} />
      </DataTable>
    </List>
  );
}
