// The study page's way to its report: "Open report" when the study has one the user may read
// (referrers: final or amended only, which is all the server lists for them), else "Write report"
// for radiologists and admins, which creates the draft (the server fills Indication from the
// order) and opens the editor.
import DescriptionIcon from '@mui/icons-material/Description';
import NoteAddIcon from '@mui/icons-material/NoteAdd';
import { CircularProgress } from '@mui/material';
import { Button, Link, useCreate, useGetList, useNotify, usePermissions, useRedirect } from 'react-admin';
import type { Report } from '../api-records';
import { readsReports, writesReports } from '../roles';
import type { Role } from '../roles';

export function StudyReportButton({ studyInstanceUid }: { studyInstanceUid: string }) {
  const { permissions } = usePermissions<Role>();
  const notify = useNotify();
  const redirect = useRedirect();
  const canRead = readsReports(permissions);
  const { data, isPending, error } = useGetList<Report>('reports', { filter: { studyInstanceUid }, pagination: { page: 1, perPage: 1 } }, { enabled: canRead });
  const [create, { isPending: creating }] = useCreate<Report>();
  if (!canRead || error) return null;
  if (isPending) return <CircularProgress size={20} aria-label="Looking for the report" />;
  const report = data?.[0];
  if (report) {
    return (
      <Button label="Open report" component={Link} to={`/reports/${report.id}/show`} variant="outlined">
        <DescriptionIcon />
      </Button>
    );
  }
  if (!writesReports(permissions)) return null;
  const write = () =>
    create(
      'reports',
      { data: { studyInstanceUid } },
      {
        onSuccess: (created) => redirect('edit', 'reports', created.id),
        onError: (e) => notify(e instanceof Error ? e.message : String(e), { type: 'error' }),
      },
    );
  return (
    <Button label="Write report" variant="contained" disabled={creating} onClick={write}>
      <NoteAddIcon />
    </Button>
  );
}
