// A series' note, the one thing in the archive people write (PUT /api/series/:id), with a button
// that edits it in a dialog for the roles the server lets write notes.
import EditNoteIcon from '@mui/icons-material/EditNote';
import { Box, Button as MuiButton, Dialog, DialogActions, DialogContent, DialogTitle, IconButton, TextField, Tooltip, Typography } from '@mui/material';
import { useState } from 'react';
import type { MouseEvent } from 'react';
import { useNotify, usePermissions, useUpdate } from 'react-admin';
import type { Series } from '../api-records';
import { writesSeriesNotes } from '../roles';
import type { Role } from '../roles';

const seriesLabel = (s: Series) => `${s.number === null ? 'the series' : `series ${s.number}`}${s.description ? ` (${s.description})` : ''}`;

// The dialog is a portal but React still bubbles its clicks through the table row, whose click
// would open the series.
const stop = (event: MouseEvent) => event.stopPropagation();

function NoteDialog({ series, onClose }: { series: Series; onClose: () => void }) {
  const [text, setText] = useState(series.note ?? '');
  const [update, { isPending }] = useUpdate<Series>();
  const notify = useNotify();
  const save = () =>
    update(
      'series',
      { id: series.id, data: { note: text.trim() ? text.trim() : null }, previousData: series },
      {
        mutationMode: 'pessimistic',
        onSuccess: () => {
          notify('Note saved', { type: 'info' });
          onClose();
        },
        onError: (error) => notify(error instanceof Error ? error.message : String(error), { type: 'error' }),
      },
    );
  return (
    <Dialog open onClose={onClose} onClick={stop} fullWidth maxWidth="sm" aria-labelledby="series-note-title">
      <DialogTitle id="series-note-title">Note on {seriesLabel(series)}</DialogTitle>
      <DialogContent>
        <TextField autoFocus multiline minRows={3} fullWidth label="Note" value={text} onChange={(e) => setText(e.target.value)} slotProps={{ htmlInput: { maxLength: 10_000 } }} sx={{ mt: 1 }} />
      </DialogContent>
      <DialogActions>
        <MuiButton onClick={onClose}>Cancel</MuiButton>
        <MuiButton variant="contained" disabled={isPending} onClick={save}>
          Save
        </MuiButton>
      </DialogActions>
    </Dialog>
  );
}

/** The note (or nothing) and, for those who may write it, an edit button. */
export function SeriesNote({ series }: { series: Series }) {
  const { permissions } = usePermissions<Role>();
  const [open, setOpen] = useState(false);
  const canWrite = writesSeriesNotes(permissions);
  return (
    <Box sx={{ display: 'flex', alignItems: 'flex-start', gap: 0.5 }}>
      <Typography variant="body2" sx={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', pt: canWrite ? 0.75 : 0 }} data-testid={`note-${series.id}`}>
        {series.note}
      </Typography>
      {canWrite && (
        <Tooltip title={series.note ? 'Edit the note' : 'Add a note'}>
          <IconButton
            size="small"
            aria-label={`Edit the note on ${seriesLabel(series)}`}
            onClick={(event) => {
              stop(event);
              setOpen(true);
            }}
          >
            <EditNoteIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      )}
      {open && <NoteDialog series={series} onClose={() => setOpen(false)} />}
    </Box>
  );
}
