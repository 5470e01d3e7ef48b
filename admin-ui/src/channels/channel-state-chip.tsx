// A channel's run state as a coloured chip; a channel that could not reach the state asked for says so.
import { Chip, Tooltip } from '@mui/material';
import type { ChipProps } from '@mui/material';
import type { Channel, ChannelState } from '../api-records';

const COLOURS: Record<ChannelState, ChipProps['color']> = { started: 'success', paused: 'warning', stopped: 'default' };

export function ChannelStateChip({ channel }: { channel: Pick<Channel, 'state' | 'desiredState'> }) {
  const chip = <Chip size="small" label={channel.state} color={COLOURS[channel.state]} />;
  if (channel.state === channel.desiredState) return chip;
  return (
    <Tooltip title={`Asked to be ${channel.desiredState}, but it is ${channel.state} here: see the appliance's log`}>
      <Chip size="small" variant="outlined" label={`${channel.state} (asked: ${channel.desiredState})`} color="error" />
    </Tooltip>
  );
}

/** How a channel receives: `mllp :2575`, `http` or `internal`. */
export function sourceLabel(source: Channel['source']): string {
  return source.port === undefined ? source.type : `${source.type} :${source.port}`;
}
