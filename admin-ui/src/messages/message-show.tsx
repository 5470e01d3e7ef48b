// One message: where it came from, its content as received and as transformed, the answer sent
// back, and each destination's delivery. Polls while a delivery is still on its way.
import ReplayIcon from '@mui/icons-material/Replay';
import { Box, LinearProgress, Stack, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { Button, Labeled, Link, Show, TopToolbar, useDataProvider, useNotify, useRecordContext, useRedirect } from 'react-admin';
import type { Message, MessageDetail } from '../api-records';
import type { AppDataProvider } from '../data-provider';
import { useAction } from '../use-action';
import { DeliveryTable, hasPendingDelivery } from './delivery-table';
import { MessageText } from './message-text';
import { StatusChip } from './status-chip';

const POLL_MS = 2000;

function ReprocessButton() {
  const message = useRecordContext<Message>();
  const dataProvider = useDataProvider<AppDataProvider>();
  const notify = useNotify();
  const redirect = useRedirect();
  const { pending, run } = useAction();
  if (!message) return null;
  return (
    <Button
      label="Reprocess"
      disabled={pending}
      onClick={() =>
        void run(
          () => dataProvider.reprocessMessage(message.id),
          (result) => {
            notify(`Reprocessed as message ${result.id} (${result.status})`, { type: 'info' });
            redirect('show', 'messages', result.id);
          },
        )
      }
    >
      <ReplayIcon />
    </Button>
  );
}

const actions = (
  <TopToolbar>
    <ReprocessButton />
  </TopToolbar>
);

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

/** The content and deliveries, once they are there (the list's record, shown first, has neither). */
function MessageContent({ m }: { m: MessageDetail }) {
  return (
    <>
      <Section title="Raw message">
        <MessageText text={m.raw} dataType={m.dataType} testId="message-raw" />
      </Section>
      <Section title="Transformed">
        {m.transformed === null ? (
          <Typography color="text.secondary">Unchanged: the destinations received the raw message.</Typography>
        ) : (
          <MessageText text={m.transformed} dataType={m.dataType} testId="message-transformed" />
        )}
      </Section>
      <Section title="Answer sent back">
        {m.response ? <MessageText text={m.response} dataType={m.dataType} testId="message-response" /> : <Typography color="text.secondary">None.</Typography>}
      </Section>
      <Section title="Deliveries">
        <DeliveryTable message={m} />
      </Section>
    </>
  );
}

function MessageDetailView() {
  const m = useRecordContext<Message | MessageDetail>();
  if (!m) return null;
  const detail = 'raw' in m ? m : undefined;
  const source = detail?.source ? [detail.source.connector, detail.source.remoteAddress].filter(Boolean).join(' from ') : '';
  return (
    <Box sx={{ p: 2 }}>
      <Stack direction="row" spacing={4} useFlexGap sx={{ flexWrap: 'wrap' }}>
        <Item label="Message">{m.id}</Item>
        <Item label="Received">{new Date(m.receivedAt).toLocaleString()}</Item>
        <Item label="Channel">
          <Link to={`/channels/${encodeURIComponent(m.channelId)}/show`}>{m.channelId}</Link>
        </Item>
        <Item label="Status">
          <StatusChip status={m.status} />
        </Item>
        <Item label="Type">{m.messageType}</Item>
        <Item label="Control ID">{m.controlId}</Item>
        <Item label="Patient ID">{m.patientId}</Item>
        <Item label="Accession">{m.accession}</Item>
        <Item label="Character set">{detail?.charset}</Item>
        <Item label="Source">{source}</Item>
        {m.reprocessedFrom !== null && (
          <Item label="Reprocessed from">
            <Link to={`/messages/${m.reprocessedFrom}/show`}>message {m.reprocessedFrom}</Link>
          </Item>
        )}
      </Stack>
      {m.error && (
        <Typography color="error" sx={{ mt: 2 }}>
          {m.error}
        </Typography>
      )}
      {detail ? <MessageContent m={detail} /> : <LinearProgress sx={{ mt: 3 }} />}
    </Box>
  );
}

export function MessageShow() {
  return (
    <Show<Message | MessageDetail> actions={actions} queryOptions={{ refetchInterval: (query) => (hasPendingDelivery(query.state.data) ? POLL_MS : false) }}>
      <MessageDetailView />
    </Show>
  );
}
