// One report: its patient and study, the four sections, and the history of its signed versions
// (who signed, when, final or amended). Radiologists and admins edit a draft or preliminary report
// and amend a signed one.
import EditIcon from '@mui/icons-material/Edit';
import EditNoteIcon from '@mui/icons-material/EditNote';
import { Box, LinearProgress, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { EditButton, Link, Show, TopToolbar, usePermissions, useRecordContext } from 'react-admin';
import type { Report, ReportDetail, ReportVersion } from '../api-records';
import { readsStudies, worksWithChannels, writesReports } from '../roles';
import type { Role } from '../roles';
import { Item } from '../studies/study-show';
import { personName } from '../studies/dicom-values';
import { ReportStatusChip } from './report-status-chip';
import { isSigned, localTime, SECTIONS, userName } from './report-values';

function ReportActions() {
  const report = useRecordContext<Report>();
  const { permissions } = usePermissions<Role>();
  if (!report || !writesReports(permissions)) return null;
  return (
    <TopToolbar>
      {isSigned(report.status) ? <EditButton label="Amend" icon={<EditNoteIcon />} /> : <EditButton label="Edit" icon={<EditIcon />} />}
    </TopToolbar>
  );
}

/** The four sections as written, line breaks kept. */
export function ReportSectionsView({ report }: { report: Report }) {
  return (
    <Stack spacing={2} sx={{ mt: 3, maxWidth: 900 }}>
      {SECTIONS.map(({ key, label }) => (
        <Box key={key} component="section" aria-label={label}>
          <Typography variant="subtitle1">{label}</Typography>
          {report[key] ? (
            <Typography sx={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{report[key]}</Typography>
          ) : (
            <Typography color="text.disabled">(empty)</Typography>
          )}
        </Box>
      ))}
    </Stack>
  );
}

function VersionHistory({ versions }: { versions: ReportVersion[] }) {
  const { permissions } = usePermissions<Role>();
  const canOpen = worksWithChannels(permissions);
  if (versions.length === 0) return <Typography color="text.secondary">Not signed yet.</Typography>;
  return (
    <Table size="small" aria-label="Versions" sx={{ maxWidth: 900 }}>
      <TableHead>
        <TableRow>
          <TableCell>Version</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Signed by</TableCell>
          <TableCell>Signed at</TableCell>
          <TableCell>Sent as</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {versions.map((v) => (
          <TableRow key={v.version}>
            <TableCell>{v.version}</TableCell>
            <TableCell>
              <ReportStatusChip status={v.status} />
            </TableCell>
            <TableCell>{userName(v.signedBy)}</TableCell>
            <TableCell sx={{ whiteSpace: 'nowrap' }}>{localTime(v.signedAt)}</TableCell>
            <TableCell>{v.messageId === null ? '' : canOpen ? <Link to={`/messages/${v.messageId}/show`}>message #{v.messageId}</Link> : `message #${v.messageId}`}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** The patient and study a report is about, above the show page and the editor. */
export function ReportHeader({ report }: { report: Report }) {
  const { permissions } = usePermissions<Role>();
  return (
    <>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Typography variant="h6">{personName(report.patientName) || report.patientId}</Typography>
        <ReportStatusChip status={report.status} />
      </Stack>
      <Stack direction="row" spacing={4} useFlexGap sx={{ flexWrap: 'wrap', mt: 2 }}>
        <Item label="Patient ID">{report.issuerOfPatientId ? `${report.patientId} (${report.issuerOfPatientId})` : report.patientId}</Item>
        <Item label="Accession">{report.accessionNumber}</Item>
        <Item label="Study">
          {readsStudies(permissions) ? <Link to={`/studies/${encodeURIComponent(report.studyInstanceUid)}/show`}>{report.studyInstanceUid}</Link> : report.studyInstanceUid}
        </Item>
        <Item label="Author">{userName(report.author)}</Item>
        <Item label="Signed by">{userName(report.signedBy)}</Item>
        <Item label="Signed at">{localTime(report.signedAt)}</Item>
        <Item label="Updated">{localTime(report.updatedAt)}</Item>
      </Stack>
    </>
  );
}

function ReportView() {
  const report = useRecordContext<Report | ReportDetail>();
  if (!report) return null;
  // The list's row stands in until GET /api/reports/:id answers with the versions.
  const versions = 'versions' in report ? report.versions : undefined;
  return (
    <Box sx={{ p: 2 }}>
      <ReportHeader report={report} />
      <ReportSectionsView report={report} />
      <Typography variant="subtitle1" sx={{ mt: 3 }} gutterBottom>
        Versions
      </Typography>
      {versions ? <VersionHistory versions={versions} /> : <LinearProgress />}
    </Box>
  );
}

export function ReportShow() {
  return (
    <Show<Report | ReportDetail> actions={<ReportActions />}>
      <ReportView />
    </Show>
  );
}
