// Runs one of the data provider's actions from a button: says while it is under way (to disable
// the button) and shows a failure as the server's message.
import { useCallback, useState } from 'react';
import { useNotify } from 'react-admin';

export function useAction(): { pending: boolean; run: <T>(action: () => Promise<T>, onDone: (value: T) => void) => Promise<void> } {
  const notify = useNotify();
  const [pending, setPending] = useState(false);
  const run = useCallback(
    async <T,>(action: () => Promise<T>, onDone: (value: T) => void) => {
      setPending(true);
      try {
        onDone(await action());
      } catch (error) {
        notify(error instanceof Error ? error.message : String(error), { type: 'error' });
      } finally {
        setPending(false);
      }
    },
    [notify],
  );
  return { pending, run };
}
