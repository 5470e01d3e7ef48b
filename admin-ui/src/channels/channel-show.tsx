// One channel: its state and counters (refreshed every 5 s), its destinations, and its definition
// as YAML, with Start / Pause / Stop, Edit and Delete (undeploy).
import { Box, Divider, Stack, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { EditButton, Labeled, Show, TopToolbar, useRecordContext } from 'react-admin';
import type { Channel } from '../api-records';
import { ErrorCountLink } from '../messages/message-browser-link';
import { channelTotals } from './channel-counts';
import { ChannelDestinations } from './channel-destinations';
import { ChannelDeleteButton } from './channel-delete-button';
import { CHANNEL_REFRESH_MS } from './channel-list';
import { ChannelStateButtons } from './channel-state-buttons';
import { ChannelStateChip, sourceLabel } from './channel-state-chip';
import { definitionToYaml } from './channel-yaml';

const actions = (
  <TopToolbar>
    <ChannelStateButtons />
    <EditButton />
    <ChannelDeleteButton />
  </TopToolbar>
);

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Labeled label={label}>
      <Box component="span">{children}</Box>
    </Labeled>
  );
}

function ChannelOverview() {
  const channel = useRecordContext<Channel>();
  if (!channel) return null;
  const totals = channelTotals(channel);
  return (
    <Box sx={{ p: 2 }}>
      <Typography variant="h6">{channel.name}</Typography>
      {channel.description && <Typography color="text.secondary">{channel.description}</Typography>}
      <Stack direction="row" spacing={4} useFlexGap sx={{ flexWrap: 'wrap', my: 2 }}>
        <Item label="Id">{channel.id}</Item>
        <Item label="State">
          <ChannelStateChip channel={channel} />
        </Item>
        <Item label="Source">{sourceLabel(channel.source)}</Item>
        <Item label="Revision">{channel.revision}</Item>
        <Item label="Received">{totals.received}</Item>
        <Item label="Filtered">{totals.filtered}</Item>
        <Item label="Sent">{totals.sent}</Item>
        <Item label="Errored">
          <ErrorCountLink channelId={channel.id} count={totals.errored} />
        </Item>
        <Item label="Queued">{channel.queued}</Item>
      </Stack>
      <Typography variant="subtitle1" sx={{ mt: 2 }}>
        Destinations
      </Typography>
      <ChannelDestinations />
      <Divider sx={{ my: 2 }} />
      <Typography variant="subtitle1">Definition</Typography>
      <Box
        component="pre"
        data-testid="channel-definition"
        sx={{ fontFamily: 'monospace', fontSize: 13, bgcolor: 'action.hover', p: 1.5, borderRadius: 1, overflowX: 'auto', m: 0 }}
      >
        {definitionToYaml(channel.definition)}
      </Box>
    </Box>
  );
}

export function ChannelShow() {
  return (
    <Show<Channel> actions={actions} queryOptions={{ refetchInterval: CHANNEL_REFRESH_MS }}>
      <ChannelOverview />
    </Show>
  );
}
