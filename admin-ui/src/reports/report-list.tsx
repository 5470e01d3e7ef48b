// Reports, most recently changed first: the patient, the study (date and description from the
// archive), the accession, the status and who signed it when. Referrers get final and amended
// reports only (the server filters them).
import { Box, Typography } from '@mui/material';
import { DataTable, List, ReferenceField, SelectArrayInput, TextInput, WithRecord } from 'react-admin';
import type { Report, Study } from '../api-records';
import { dateAndTime, personName } from '../studies/dicom-values';
import { ReportStatusChip } from './report-status-chip';
import { localTime, REPORT_STATUS_CHOICES, userName } from './report-values';

const filters = [
  <TextInput key="patient" source="patient" label="Patient (name or ID)" alwaysOn sx={{ width: 220 }} />,
  <SelectArrayInput key="status" source="status" label="Status" choices={REPORT_STATUS_CHOICES} alwaysOn sx={{ minWidth: 180 }} />,
  <TextInput key="accessionNumber" source="accessionNumber" label="Accession" />,
];

function Patient({ report }: { report: Report }) {
  return (
    <Box>
      {personName(report.patientName) || <Typography component="span" color="text.disabled">(no name)</Typography>}
      <Typography variant="caption" color="text.secondary" sx={{ display: 'block', whiteSpace: 'nowrap' }}>
        {report.patientId}
      </Typography>
    </Box>
  );
}

/** A field of the report's study, read from the archive (one request for the page's studies). */
function StudyField({ render }: { render: (s: Study) => string | null }) {
  return (
    <ReferenceField<Report, Study> source="studyInstanceUid" reference="studies" link={false} emptyText="—">
      <WithRecord<Study> render={(s) => <Box sx={{ whiteSpace: 'nowrap' }}>{render(s) || '—'}</Box>} />
    </ReferenceField>
  );
}

function Signed({ report }: { report: Report }) {
  if (!report.signedBy) return null;
  return (
    <Box>
      {userName(report.signedBy)}
      <Typography variant="caption" color="text.secondary" sx={{ display: 'block', whiteSpace: 'nowrap' }}>
        {localTime(report.signedAt)}
      </Typography>
    </Box>
  );
}

export const reportName = (r: Report) => [personName(r.patientName) || r.patientId, r.accessionNumber].filter(Boolean).join(' · ');

export function ReportList() {
  // Reports hold patient data, so no export; the server audits every search.
  return (
    <List<Report> filters={filters} sort={{ field: 'updatedAt', order: 'DESC' }} perPage={25} exporter={false} empty={false}>
      <DataTable<Report> rowClick="show" bulkActionButtons={false}>
        <DataTable.Col<Report> source="patientName" label="Patient" render={(r) => <Patient report={r} />} />
        <DataTable.Col<Report> label="Study date" disableSort render={() => <StudyField render={(s) => dateAndTime(s.date, s.time)} />} />
        <DataTable.Col<Report> label="Description" disableSort render={() => <StudyField render={(s) => s.description} />} />
        <DataTable.Col source="accessionNumber" label="Accession" />
        <DataTable.Col<Report> source="status" label="Status" render={(r) => <ReportStatusChip status={r.status} />} />
        <DataTable.Col<Report> source="signedAt" label="Signed" render={(r) => <Signed report={r} />} />
      </DataTable>
    </List>
  );
}
