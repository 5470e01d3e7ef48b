// The history of a worklist item's order, oldest first: when, what happened, the status before
// and after, where it came from (hl7, fhir, mpps, api) and the message that caused it, which opens
// in the message browser for those who may read messages.
import ArrowRightIcon from '@mui/icons-material/ArrowRightAlt';
import { Box, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { Link, usePermissions } from 'react-admin';
import type { WorklistHistoryEntry } from '../api-records';
import { worksWithChannels } from '../roles';
import type { Role } from '../roles';
import { keywordLabel } from './dicom-dictionary';
import { WorklistStatusChip } from './worklist-status-chip';

const show = (v: unknown) => (v === null || v === undefined || v === '' ? '(empty)' : typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v));

/** The detail object as lines a person reads: reason, changed attributes, merge source, missing keys. */
export function historyDetailLines(detail: Record<string, unknown> | null): string[] {
  if (!detail) return [];
  const lines: string[] = [];
  const { note, reason, changes, missingType1, from, ...rest } = detail;
  for (const text of [reason, note]) if (typeof text === 'string' && text) lines.push(text);
  if (changes && typeof changes === 'object') {
    for (const [key, change] of Object.entries(changes as Record<string, unknown>)) {
      lines.push(Array.isArray(change) && change.length === 2 ? `${keywordLabel(key)}: ${show(change[0])} → ${show(change[1])}` : `${keywordLabel(key)} changed`);
    }
  }
  if (Array.isArray(missingType1) && missingType1.length) lines.push(`missing ${missingType1.map(String).map(keywordLabel).join(', ')}`);
  if (from && typeof from === 'object') {
    const f = from as { patientId?: string; issuer?: string };
    lines.push(`from patient ${f.patientId ?? '?'}${f.issuer ? ` (${f.issuer})` : ''}`);
  }
  for (const [key, value] of Object.entries(rest)) lines.push(`${key}: ${show(value)}`);
  return lines;
}

function StatusChange({ entry }: { entry: WorklistHistoryEntry }) {
  if (!entry.fromStatus && !entry.toStatus) return null;
  if (entry.fromStatus === entry.toStatus) return <WorklistStatusChip status={entry.toStatus} />;
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 0.5, whiteSpace: 'nowrap' }}>
      {entry.fromStatus ? <WorklistStatusChip status={entry.fromStatus} /> : <Typography variant="body2" color="text.secondary">new</Typography>}
      <ArrowRightIcon fontSize="small" color="action" aria-label="to" />
      <WorklistStatusChip status={entry.toStatus} />
    </Box>
  );
}

function MessageCell({ messageId, canOpen }: { messageId: number | null; canOpen: boolean }) {
  if (messageId === null) return null;
  return canOpen ? <Link to={`/messages/${messageId}/show`}>message #{messageId}</Link> : <>message #{messageId}</>;
}

export function WorklistHistory({ history }: { history: WorklistHistoryEntry[] }) {
  const { permissions } = usePermissions<Role>();
  const canOpen = worksWithChannels(permissions);
  if (history.length === 0) return <Typography color="text.secondary">No history recorded.</Typography>;
  return (
    <Table size="small" aria-label="History">
      <TableHead>
        <TableRow>
          <TableCell>Time</TableCell>
          <TableCell>Action</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Source</TableCell>
          <TableCell>Message</TableCell>
          <TableCell>Details</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {history.map((h) => (
          <TableRow key={h.id} data-testid={`history-${h.id}`} sx={{ verticalAlign: 'top' }}>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>{new Date(h.at).toLocaleString()}</TableCell>
            <TableCell>{h.action}</TableCell>
            <TableCell>
              <StatusChange entry={h} />
            </TableCell>
            <TableCell>{h.source}</TableCell>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>
              <MessageCell messageId={h.messageId} canOpen={canOpen} />
            </TableCell>
            <TableCell sx={{ maxWidth: 480, wordBreak: 'break-word' }}>
              {historyDetailLines(h.detail).map((line, i) => (
                <Typography key={i} variant="body2">
                  {line}
                </Typography>
              ))}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
