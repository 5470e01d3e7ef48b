// One worklist item: the procedure and patient at a glance, why modalities do not get it (when
// they do not), the history of its order with links to the messages behind it, and the item's
// DICOM attributes as the MWL SCP answers a modality.
import { Box, LinearProgress, Stack, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { Labeled, Link, Show, useRecordContext } from 'react-admin';
import type { WorklistItem, WorklistItemDetail } from '../api-records';
import { dateAndTime, dicomDate, personName } from '../studies/dicom-values';
import { DicomAttributeTable } from './dicom-attribute-table';
import { MissingType1Alert } from './missing-type1';
import { WorklistHistory } from './worklist-history';
import { WorklistStatusChip } from './worklist-status-chip';

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Labeled label={label}>
      <Box component="span">{children || '—'}</Box>
    </Labeled>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Box sx={{ mt: 3 }}>
      <Typography variant="subtitle1" gutterBottom>
        {title}
      </Typography>
      {children}
    </Box>
  );
}

/** The study in the archive, found by its UID (an empty list until the modality has sent it). */
export function archivePath(studyInstanceUid: string): string {
  return `/studies?filter=${encodeURIComponent(JSON.stringify({ studyInstanceUid }))}`;
}

function WorklistItemView() {
  const item = useRecordContext<WorklistItem | WorklistItemDetail>();
  if (!item) return null;
  const detail = 'item' in item ? item : undefined;
  return (
    <Box sx={{ p: 2 }}>
      <Stack direction="row" spacing={2} sx={{ alignItems: 'center' }}>
        <Typography variant="h6">{personName(item.patientName) || item.patientId}</Typography>
        <WorklistStatusChip status={item.status} />
      </Stack>
      <Typography color="text.secondary">
        {[item.modality, item.spsDescription || item.requestedProcedureDescription, dateAndTime(item.scheduledDate, item.scheduledTime)].filter(Boolean).join(' · ')}
      </Typography>
      <MissingType1Alert missing={item.missingType1} />
      <Stack direction="row" spacing={4} useFlexGap sx={{ flexWrap: 'wrap', mt: 2 }}>
        <Item label="Scheduled">{dateAndTime(item.scheduledDate, item.scheduledTime)}</Item>
        <Item label="Patient ID">{item.issuerOfPatientId ? `${item.patientId} (${item.issuerOfPatientId})` : item.patientId}</Item>
        <Item label="Birth date">{dicomDate(item.patientBirthDate)}</Item>
        <Item label="Sex">{item.patientSex}</Item>
        <Item label="Accession">{item.accessionNumber}</Item>
        <Item label="Modality">{item.modality}</Item>
        <Item label="Station AE">{item.stationAeTitles.join(', ')}</Item>
        <Item label="Step ID">{item.spsId}</Item>
        <Item label="Step description">{item.spsDescription}</Item>
        <Item label="Requested procedure">{[item.requestedProcedureId, item.requestedProcedureDescription].filter(Boolean).join(': ')}</Item>
        <Item label="Placer order">{item.placerOrderNumber}</Item>
        <Item label="Filler order">{item.fillerOrderNumber}</Item>
        <Item label="Order">{item.orderId}</Item>
        <Item label="Study Instance UID">{item.studyInstanceUid && <Link to={archivePath(item.studyInstanceUid)} title="Find the study in the archive">{item.studyInstanceUid}</Link>}</Item>
        <Item label="Created">{new Date(item.createdAt).toLocaleString()}</Item>
        <Item label="Updated">{new Date(item.updatedAt).toLocaleString()}</Item>
      </Stack>
      {detail ? (
        <>
          <Section title="History">
            <WorklistHistory history={detail.history} />
          </Section>
          <Section title="DICOM attributes">
            <DicomAttributeTable attributes={detail.item} label="DICOM attributes" />
          </Section>
        </>
      ) : (
        <LinearProgress sx={{ mt: 3 }} />
      )}
    </Box>
  );
}

export function WorklistShow() {
  return (
    <Show<WorklistItem | WorklistItemDetail>>
      <WorklistItemView />
    </Show>
  );
}
