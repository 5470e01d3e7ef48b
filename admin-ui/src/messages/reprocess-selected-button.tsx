// Bulk action: runs each selected message through its channel again, one after the other.
import ReplayIcon from '@mui/icons-material/Replay';
import { Button, useDataProvider, useListContext, useNotify, useRefresh } from 'react-admin';
import type { Message } from '../api-records';
import type { AppDataProvider } from '../data-provider';
import { useAction } from '../use-action';

export function ReprocessSelectedButton() {
  const { selectedIds, onUnselectItems } = useListContext<Message>();
  const dataProvider = useDataProvider<AppDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const { pending, run } = useAction();
  const reprocessAll = async () => {
    let done = 0;
    for (const id of selectedIds) {
      await dataProvider.reprocessMessage(Number(id));
      done += 1;
    }
    return done;
  };
  return (
    <Button
      label="Reprocess"
      disabled={pending}
      onClick={() =>
        void run(reprocessAll, (done) => {
          notify(`Reprocessed ${done} message${done === 1 ? '' : 's'}`, { type: 'info' });
          onUnselectItems();
          refresh();
        })
      }
    >
      <ReplayIcon />
    </Button>
  );
}
