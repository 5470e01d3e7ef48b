// A channel's destinations with their counters, queue depth and parked (errored) deliveries; the
// parked count opens the message browser on this channel's errors. The list's expand panel and
// the channel page both show it.
import { Chip, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useRecordContext } from 'react-admin';
import type { Channel } from '../api-records';
import { ErrorCountLink } from '../messages/message-browser-link';

// The engine counts messages received per channel only; per destination it counts the outcomes.
const COUNTERS = ['filtered', 'sent', 'errored'] as const;

export function ChannelDestinations() {
  const channel = useRecordContext<Channel>();
  if (!channel) return null;
  return (
    <Table size="small" aria-label={`Destinations of ${channel.name}`}>
      <TableHead>
        <TableRow>
          <TableCell>Destination</TableCell>
          <TableCell>Connector</TableCell>
          <TableCell>Mode</TableCell>
          {COUNTERS.map((c) => (
            <TableCell key={c} align="right" sx={{ textTransform: 'capitalize' }}>
              {c}
            </TableCell>
          ))}
          <TableCell align="right">Queued</TableCell>
          <TableCell align="right">Parked</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {channel.destinations.map((d) => (
          <TableRow key={d.id}>
            <TableCell>
              {d.name}
              {d.name !== d.id && (
                <Typography component="span" variant="caption" color="text.secondary">
                  {' '}
                  ({d.id})
                </Typography>
              )}
              {!d.enabled && <Chip size="small" label="disabled" sx={{ ml: 1 }} />}
            </TableCell>
            <TableCell>{d.type}</TableCell>
            <TableCell>{d.mode}</TableCell>
            {COUNTERS.map((c) => (
              <TableCell key={c} align="right">
                {d.counts[c]}
              </TableCell>
            ))}
            <TableCell align="right">{d.queued}</TableCell>
            <TableCell align="right">
              <ErrorCountLink channelId={channel.id} count={d.errored} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
