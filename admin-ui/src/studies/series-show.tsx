// One series: what the modality recorded, its note, a way back to its study, and its instances
// by number with SOP class, transfer syntax, size and the AE that sent them.
import { Box, Stack, Typography } from '@mui/material';
import { DataTable, Link, Pagination, ReferenceManyField, Show, useRecordContext } from 'react-admin';
import type { Instance, Series } from '../api-records';
import { dateAndTime, formatBytes, sopClassName, transferSyntaxName } from './dicom-values';
import { SeriesNote } from './series-note';
import { Item } from './study-show';

function Named({ uid, name }: { uid: string; name: string | undefined }) {
  return (
    <Box>
      {name ?? uid}
      {name && (
        <Typography variant="caption" color="text.secondary" sx={{ display: 'block', fontFamily: 'monospace' }}>
          {uid}
        </Typography>
      )}
    </Box>
  );
}

function InstanceTable() {
  return (
    <ReferenceManyField<Series, Instance> reference="instances" target="seriesInstanceUid" sort={{ field: 'number', order: 'ASC' }} perPage={50} pagination={<Pagination rowsPerPageOptions={[50, 100, 250]} />}>
      <DataTable<Instance> rowClick={false} bulkActionButtons={false} empty={<Typography color="text.secondary">No instances.</Typography>}>
        <DataTable.NumberCol source="number" label="Number" />
        <DataTable.Col<Instance> label="SOP class" disableSort render={(i) => <Named uid={i.sopClassUid} name={sopClassName(i.sopClassUid)} />} />
        <DataTable.Col<Instance> label="Transfer syntax" disableSort render={(i) => transferSyntaxName(i.transferSyntaxUid) ?? i.transferSyntaxUid} />
        <DataTable.Col<Instance> source="size" label="Size" align="right" render={(i) => <Box sx={{ whiteSpace: 'nowrap' }}>{formatBytes(i.size)}</Box>} />
        <DataTable.Col source="sourceAe" label="Sent by" disableSort />
        <DataTable.Col<Instance> source="receivedAt" label="Received" render={(i) => new Date(i.receivedAt).toLocaleString()} />
        <DataTable.Col<Instance> label="SOP Instance UID" disableSort render={(i) => <Box sx={{ fontFamily: 'monospace', fontSize: 12, wordBreak: 'break-all' }}>{i.sopInstanceUid}</Box>} />
      </DataTable>
    </ReferenceManyField>
  );
}

function SeriesView() {
  const series = useRecordContext<Series>();
  if (!series) return null;
  return (
    <Box sx={{ p: 2 }}>
      <Typography variant="h6">
        Series {series.number ?? ''} {series.description ? `· ${series.description}` : ''}
      </Typography>
      <Link to={`/studies/${encodeURIComponent(series.studyInstanceUid)}/show`}>Back to the study</Link>
      <Stack direction="row" spacing={4} useFlexGap sx={{ flexWrap: 'wrap', mt: 2 }}>
        <Item label="Modality">{series.modality}</Item>
        <Item label="Number">{series.number}</Item>
        <Item label="Description">{series.description}</Item>
        <Item label="Body part">{series.bodyPart}</Item>
        <Item label="Date">{dateAndTime(series.date, series.time)}</Item>
        <Item label="Instances">{series.numberOfInstances}</Item>
        <Item label="Size">{formatBytes(series.size)}</Item>
        <Item label="Patient ID">{series.patientId}</Item>
        <Item label="Series Instance UID">{series.seriesInstanceUid}</Item>
      </Stack>
      <Box sx={{ mt: 2, maxWidth: 720 }}>
        <Typography variant="subtitle2" color="text.secondary">
          Note
        </Typography>
        <SeriesNote series={series} />
      </Box>
      <Typography variant="subtitle1" sx={{ mt: 3 }} gutterBottom>
        Instances
      </Typography>
      <InstanceTable />
    </Box>
  );
}

export function SeriesShow() {
  return (
    <Show<Series>>
      <SeriesView />
    </Show>
  );
}
