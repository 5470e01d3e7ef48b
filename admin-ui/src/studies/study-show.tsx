// One study: its patient and what the modality recorded, and its series by number, each opening
// on its instances; the series' notes are edited in place by those who may write them. Its report
// opens from here, or is started here by a radiologist.
import { Box, Stack, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { DataTable, Labeled, Link, Pagination, ReferenceManyField, Show, usePermissions, useRecordContext } from 'react-admin';
import type { Series, Study } from '../api-records';
import { StudyReportButton } from '../reports/study-report-button';
import { readsWorklist } from '../roles';
import type { Role } from '../roles';
import { dateAndTime, formatBytes, personName } from './dicom-values';
import { SeriesNote } from './series-note';
import { Modalities } from './study-list';

export function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Labeled label={label}>
      <Box component="span">{children || children === 0 ? children : '—'}</Box>
    </Labeled>
  );
}

function SeriesTable() {
  return (
    <ReferenceManyField<Study, Series> reference="series" target="studyInstanceUid" sort={{ field: 'number', order: 'ASC' }} perPage={100} pagination={<Pagination rowsPerPageOptions={[100]} />}>
      <DataTable<Series> rowClick="show" bulkActionButtons={false} empty={<Typography color="text.secondary">No series.</Typography>}>
        <DataTable.NumberCol source="number" label="Number" />
        <DataTable.Col source="modality" label="Modality" />
        <DataTable.Col source="description" label="Description" />
        <DataTable.Col source="bodyPart" label="Body part" disableSort />
        <DataTable.Col<Series> label="Date" disableSort render={(s) => <Box sx={{ whiteSpace: 'nowrap' }}>{dateAndTime(s.date, s.time)}</Box>} />
        <DataTable.NumberCol source="numberOfInstances" label="Instances" disableSort />
        <DataTable.Col<Series> label="Size" align="right" disableSort render={(s) => <Box sx={{ whiteSpace: 'nowrap' }}>{formatBytes(s.size)}</Box>} />
        <DataTable.Col<Series> label="Note" disableSort render={(s) => <SeriesNote series={s} />} sx={{ minWidth: 200 }} />
      </DataTable>
    </ReferenceManyField>
  );
}

/** The worklist items of the order this study was made for, whatever their date. */
export function worklistPath(studyInstanceUid: string): string {
  return `/worklist?filter=${encodeURIComponent(JSON.stringify({ studyInstanceUid, when: 'all' }))}`;
}

function StudyView() {
  const study = useRecordContext<Study>();
  const { permissions } = usePermissions<Role>();
  if (!study) return null;
  const p = study.patient;
  return (
    <Box sx={{ p: 2 }}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'flex-start', justifyContent: 'space-between' }}>
        <Box>
          <Typography variant="h6">{personName(p.name) || p.patientId}</Typography>
          <Typography color="text.secondary">{[study.description, dateAndTime(study.date, study.time)].filter(Boolean).join(' · ')}</Typography>
        </Box>
        <StudyReportButton studyInstanceUid={study.studyInstanceUid} />
      </Stack>
      <Stack direction="row" spacing={4} useFlexGap sx={{ flexWrap: 'wrap', mt: 2 }}>
        <Item label="Patient ID">{p.issuer ? `${p.patientId} (${p.issuer})` : p.patientId}</Item>
        <Item label="Birth date">{p.birthDate}</Item>
        <Item label="Sex">{p.sex}</Item>
        <Item label="Study date">{dateAndTime(study.date, study.time)}</Item>
        <Item label="Accession">{study.accession}</Item>
        <Item label="Study ID">{study.studyId}</Item>
        <Item label="Referring physician">{personName(study.referringPhysician)}</Item>
        <Item label="Modalities">
          <Modalities modalities={study.modalities} />
        </Item>
        <Item label="Series">{study.numberOfSeries}</Item>
        <Item label="Instances">{study.numberOfInstances}</Item>
        <Item label="Size">{formatBytes(study.size)}</Item>
        <Item label="Received">{new Date(study.receivedAt).toLocaleString()}</Item>
        <Item label="Study Instance UID">{study.studyInstanceUid}</Item>
        {readsWorklist(permissions) && (
          <Item label="Order">
            <Link to={worklistPath(study.studyInstanceUid)}>Worklist items</Link>
          </Item>
        )}
      </Stack>
      <Typography variant="subtitle1" sx={{ mt: 3 }} gutterBottom>
        Series
      </Typography>
      <SeriesTable />
    </Box>
  );
}

export function StudyShow() {
  return (
    <Show<Study>>
      <StudyView />
    </Show>
  );
}
