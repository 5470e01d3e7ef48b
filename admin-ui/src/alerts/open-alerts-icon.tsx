// The Alerts menu icon, with the number of open alerts as a badge so analysts see it on every page.
import NotificationsIcon from '@mui/icons-material/Notifications';
import { Badge } from '@mui/material';
import { useGetList } from 'react-admin';
import type { Alert } from '../api-records';

const REFRESH_MS = 15_000;

/** How many alerts nobody has acknowledged yet (the list's total; only one record is fetched). */
export function useOpenAlertCount(): number | undefined {
  const { total } = useGetList<Alert>(
    'alerts',
    { filter: { open: true }, pagination: { page: 1, perPage: 1 }, sort: { field: 'id', order: 'DESC' } },
    { refetchInterval: REFRESH_MS },
  );
  return total;
}

export function OpenAlertsIcon() {
  const count = useOpenAlertCount() ?? 0;
  return (
    <Badge badgeContent={count} color="error" max={99} title={`${count} open alert${count === 1 ? '' : 's'}`}>
      <NotificationsIcon />
    </Badge>
  );
}
