// Message and delivery statuses as chips: error red, queued amber, sent green, filtered grey.
import { Chip } from '@mui/material';
import type { ChipProps } from '@mui/material';
import type { DeliveryStatus, MessageStatus } from '../api-records';

const COLOURS: Record<MessageStatus | DeliveryStatus, ChipProps['color']> = {
  received: 'info',
  queued: 'warning',
  sending: 'info',
  sent: 'success',
  error: 'error',
  filtered: 'default',
  cancelled: 'default',
};

export const MESSAGE_STATUS_CHOICES: { id: MessageStatus; name: string }[] = [
  { id: 'received', name: 'Received' },
  { id: 'queued', name: 'Queued' },
  { id: 'sent', name: 'Sent' },
  { id: 'error', name: 'Error' },
  { id: 'filtered', name: 'Filtered' },
];

export function StatusChip({ status }: { status: MessageStatus | DeliveryStatus }) {
  return <Chip size="small" label={status} color={COLOURS[status]} />;
}
