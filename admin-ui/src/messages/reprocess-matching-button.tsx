// "Reprocess all matching": every message the current filter finds, after a confirmation that
// shows the filter and how many messages it matches. Disabled without a filter (the server refuses).
import ReplayIcon from '@mui/icons-material/Replay';
import { useState } from 'react';
import { Button, Confirm, useDataProvider, useListContext, useNotify, useRefresh } from 'react-admin';
import type { Message } from '../api-records';
import type { AppDataProvider } from '../data-provider';
import { useAction } from '../use-action';

/** How the filter form names each key, so the confirmation reads like the form. */
const FILTER_LABELS: Record<string, string> = {
  q: 'Text',
  channelId: 'Channel',
  status: 'Status',
  messageType: 'Message type',
  patientId: 'Patient ID',
  accession: 'Accession',
  controlId: 'Control ID',
  from: 'Received from',
  to: 'Received until',
};

function FilterSummary({ filter, total }: { filter: Record<string, unknown>; total: number | undefined }) {
  return (
    <>
      <p>Every message matching this filter runs through its channel again, as a new message:</p>
      <ul data-testid="reprocess-filter">
        {Object.entries(filter).map(([key, value]) => (
          <li key={key}>
            <strong>{FILTER_LABELS[key] ?? key}</strong>: {Array.isArray(value) ? value.join(', ') : String(value)}
          </li>
        ))}
      </ul>
      {total !== undefined && <p>{total === 1 ? '1 message matches.' : `${total} messages match.`}</p>}
    </>
  );
}

export function ReprocessMatchingButton() {
  const { filterValues, total } = useListContext<Message>();
  const [open, setOpen] = useState(false);
  const dataProvider = useDataProvider<AppDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const { pending, run } = useAction();
  const filter = Object.fromEntries(Object.entries(filterValues as Record<string, unknown>).filter(([, v]) => v !== '' && v != null));
  const empty = Object.keys(filter).length === 0;
  return (
    <>
      <Button label="Reprocess all matching" disabled={empty || total === 0} onClick={() => setOpen(true)}>
        <ReplayIcon />
      </Button>
      <Confirm
        isOpen={open}
        loading={pending}
        title="Reprocess all matching messages?"
        content={<FilterSummary filter={filter} total={total} />}
        confirm="Reprocess"
        onClose={() => setOpen(false)}
        onConfirm={() =>
          void run(
            () => dataProvider.reprocessMatching(filter),
            ({ count, results }) => {
              const failed = results.filter((r) => r.error).length;
              notify(`Reprocessed ${count} message${count === 1 ? '' : 's'}${failed ? `; ${failed} could not be` : ''}`, { type: failed ? 'warning' : 'info' });
              setOpen(false);
              refresh();
            },
          )
        }
      />
    </>
  );
}
