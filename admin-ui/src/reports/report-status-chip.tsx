// Report statuses as chips: draft grey, preliminary amber, final green, amended blue.
import { Chip } from '@mui/material';
import type { ChipProps } from '@mui/material';
import type { ReportStatus } from '../api-records';

const COLOURS: Record<ReportStatus, ChipProps['color']> = { draft: 'default', preliminary: 'warning', final: 'success', amended: 'info' };

export function ReportStatusChip({ status }: { status: ReportStatus | null | undefined }) {
  if (!status) return null;
  return <Chip size="small" label={status} color={(COLOURS as Record<string, ChipProps['color']>)[status] ?? 'default'} variant={status === 'draft' ? 'outlined' : 'filled'} />;
}
