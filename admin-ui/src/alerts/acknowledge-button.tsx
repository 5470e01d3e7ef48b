// Acknowledges one alert (PUT /api/alerts/:id); the list and the menu's open-alerts badge refresh.
import DoneIcon from '@mui/icons-material/Done';
import { Button, useNotify, useRecordContext, useRefresh, useUpdate } from 'react-admin';
import type { Alert } from '../api-records';

export function AcknowledgeButton() {
  const alert = useRecordContext<Alert>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [update, { isPending }] = useUpdate<Alert>();
  if (!alert) return null;
  if (alert.acknowledgedAt) return null;
  return (
    <Button
      label="Acknowledge"
      disabled={isPending}
      onClick={(event) => {
        event.stopPropagation();
        void update(
          'alerts',
          { id: alert.id, data: {}, previousData: alert },
          {
            mutationMode: 'pessimistic',
            onSuccess: () => {
              notify('Alert acknowledged', { type: 'info' });
              refresh();
            },
            onError: (error) => notify(error instanceof Error ? error.message : String(error), { type: 'error' }),
          },
        );
      }}
    >
      <DoneIcon />
    </Button>
  );
}
