// A message's deliveries, one per destination: status, attempts, next attempt, last error and the
// receiver's answer, with Resend to queue one destination's delivery again.
import SendIcon from '@mui/icons-material/Send';
import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { Button, useDataProvider, useNotify, useRefresh } from 'react-admin';
import type { Delivery, Message, MessageDetail } from '../api-records';
import type { AppDataProvider } from '../data-provider';
import { useAction } from '../use-action';
import { MessageText } from './message-text';
import { StatusChip } from './status-chip';

const time = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '');

/** Deliveries still on their way: the page polls until none is. */
export function hasPendingDelivery(message: Message | MessageDetail | undefined): boolean {
  return !!message && 'deliveries' in message && message.deliveries.some((d) => d.status === 'queued' || d.status === 'sending');
}

function ResendButton({ message, delivery }: { message: MessageDetail; delivery: Delivery }) {
  const dataProvider = useDataProvider<AppDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const { pending, run } = useAction();
  return (
    <Button
      label="Resend"
      aria-label={`Resend to ${delivery.destinationId}`}
      disabled={pending || delivery.status === 'queued' || delivery.status === 'sending'}
      onClick={() =>
        void run(
          () => dataProvider.resendMessage(message.id, delivery.destinationId),
          ({ requeued }) => {
            notify(requeued ? `Queued again for ${delivery.destinationId}` : 'Nothing to resend', { type: 'info' });
            refresh();
          },
        )
      }
    >
      <SendIcon />
    </Button>
  );
}

export function DeliveryTable({ message }: { message: MessageDetail }) {
  if (message.deliveries.length === 0) return <Typography color="text.secondary">No deliveries: the message went to no destination.</Typography>;
  return (
    <Table size="small" aria-label="Deliveries">
      <TableHead>
        <TableRow>
          <TableCell>Destination</TableCell>
          <TableCell>Status</TableCell>
          <TableCell align="right">Attempts</TableCell>
          <TableCell>Next attempt</TableCell>
          <TableCell>Sent</TableCell>
          <TableCell>Last error</TableCell>
          <TableCell>Response</TableCell>
          <TableCell />
        </TableRow>
      </TableHead>
      <TableBody>
        {message.deliveries.map((d) => (
          <TableRow key={d.id} data-testid={`delivery-${d.destinationId}`} sx={{ verticalAlign: 'top' }}>
            <TableCell>{d.destinationId}</TableCell>
            <TableCell>
              <StatusChip status={d.status} />
            </TableCell>
            <TableCell align="right">{d.attempts}</TableCell>
            <TableCell>{d.status === 'queued' ? time(d.nextAttemptAt) : ''}</TableCell>
            <TableCell>{time(d.sentAt)}</TableCell>
            <TableCell sx={{ color: 'error.main', maxWidth: 320, wordBreak: 'break-word' }}>{d.lastError}</TableCell>
            <TableCell sx={{ maxWidth: 420 }}>{d.response && <MessageText text={d.response} dataType={message.dataType} />}</TableCell>
            <TableCell>
              <ResendButton message={message} delivery={d} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
