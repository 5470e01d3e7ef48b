// Start / Pause / Stop for one channel (the record in context); each button is off in the state it leads to.
import PauseIcon from '@mui/icons-material/Pause';
import PlayArrowIcon from '@mui/icons-material/PlayArrow';
import StopIcon from '@mui/icons-material/Stop';
import { Stack } from '@mui/material';
import type { ReactElement } from 'react';
import { Button, useDataProvider, useNotify, useRecordContext, useRefresh } from 'react-admin';
import type { Channel, ChannelState } from '../api-records';
import type { AppDataProvider, ChannelAction } from '../data-provider';
import { useAction } from '../use-action';

const ACTIONS: { action: ChannelAction; label: string; leadsTo: ChannelState; icon: ReactElement }[] = [
  { action: 'start', label: 'Start', leadsTo: 'started', icon: <PlayArrowIcon /> },
  { action: 'pause', label: 'Pause', leadsTo: 'paused', icon: <PauseIcon /> },
  { action: 'stop', label: 'Stop', leadsTo: 'stopped', icon: <StopIcon /> },
];

export function ChannelStateButtons() {
  const channel = useRecordContext<Channel>();
  const dataProvider = useDataProvider<AppDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const { pending, run } = useAction();
  if (!channel) return null;
  return (
    <Stack direction="row" spacing={0.5}>
      {ACTIONS.map(({ action, label, leadsTo, icon }) => (
        <Button
          key={action}
          label={label}
          disabled={pending || (channel.state === leadsTo && channel.desiredState === leadsTo)}
          onClick={(event) => {
            event.stopPropagation(); // not a click on the row
            void run(
              () => dataProvider.setChannelState(channel.id, action),
              (summary) => {
                notify(`Channel ${summary.name} is ${summary.state}`, { type: 'info' });
                refresh();
              },
            );
          }}
        >
          {icon}
        </Button>
      ))}
    </Stack>
  );
}
