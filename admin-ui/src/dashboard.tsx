// The start page: who is logged in, with which role, and which appliance version answers; for
// analysts also how many channel alerts are open.
import { useEffect, useState } from 'react';
import { Card, CardContent, Link, Typography } from '@mui/material';
import { Link as RouterLink, Title, useGetIdentity, usePermissions } from 'react-admin';
import { useOpenAlertCount } from './alerts/open-alerts-icon';
import type { Health } from './api-records';
import { httpClient } from './http-client';
import { worksWithChannels } from './roles';
import type { Role } from './roles';

function useHealth(): { health?: Health; error?: string } {
  const [state, setState] = useState<{ health?: Health; error?: string }>({});
  useEffect(() => {
    const controller = new AbortController();
    httpClient('/healthz', { signal: controller.signal }).then(
      ({ json }) => setState({ health: json as Health }),
      (err: Error) => {
        if (!controller.signal.aborted) setState({ error: err.message });
      },
    );
    return () => controller.abort();
  }, []);
  return state;
}

function OpenAlerts() {
  const count = useOpenAlertCount();
  return (
    <Typography>
      Open channel alerts:{' '}
      <RouterLink to="/alerts">
        <strong>{count ?? '…'}</strong>
      </RouterLink>
    </Typography>
  );
}

export function Dashboard() {
  const { identity } = useGetIdentity();
  const { permissions } = usePermissions<Role>();
  const { health, error } = useHealth();
  return (
    <Card sx={{ mt: 2 }}>
      <Title title="Dashboard" />
      <CardContent>
        <Typography variant="h5" gutterBottom>
          Welcome{identity?.fullName ? `, ${identity.fullName}` : ''}
        </Typography>
        <Typography>
          Your role: <strong>{permissions ?? '…'}</strong>
        </Typography>
        <Typography>
          Appliance version: <strong>{health ? health.version : (error ?? '…')}</strong>
        </Typography>
        {worksWithChannels(permissions) && <OpenAlerts />}
        <Typography sx={{ mt: 2 }}>
          The REST API is described at <Link href="/api/docs">/api/docs</Link> (OpenAPI).
        </Typography>
      </CardContent>
    </Card>
  );
}
