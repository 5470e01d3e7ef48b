// Worklist statuses as chips: scheduled blue, in progress amber, completed green, discontinued red,
// cancelled grey. A status this UI does not know yet is shown as it is, in grey.
import { Chip } from '@mui/material';
import type { ChipProps } from '@mui/material';
import type { WorklistStatus } from '../api-records';

const COLOURS: Record<WorklistStatus, ChipProps['color']> = {
  SCHEDULED: 'info',
  'IN PROGRESS': 'warning',
  COMPLETED: 'success',
  DISCONTINUED: 'error',
  CANCELLED: 'default',
};

export const WORKLIST_STATUS_CHOICES: { id: WorklistStatus; name: string }[] = [
  { id: 'SCHEDULED', name: 'Scheduled' },
  { id: 'IN PROGRESS', name: 'In progress' },
  { id: 'COMPLETED', name: 'Completed' },
  { id: 'DISCONTINUED', name: 'Discontinued' },
  { id: 'CANCELLED', name: 'Cancelled' },
];

export function WorklistStatusChip({ status }: { status: WorklistStatus | null | undefined }) {
  if (!status) return null;
  return <Chip size="small" label={status} color={(COLOURS as Record<string, ChipProps['color']>)[status] ?? 'default'} variant={status === 'CANCELLED' ? 'outlined' : 'filled'} />;
}
