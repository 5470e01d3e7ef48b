// The records /api returns, as the UI reads them (see /api/docs).
import type { Role } from './roles';

export type Me = { id: number; username: string; role: Role; fullName: string | null };

export type User = Me & { disabled: boolean; createdAt: string; updatedAt: string };

export type AuditEvent = {
  id: number;
  at: string;
  username: string | null;
  action: string;
  outcome: string;
  resourceType: string | null;
  resourceId: string | null;
  patientId: string | null;
  studyUid: string | null;
  sourceIp: string | null;
  detail: unknown;
};

export type ApiToken = { id: number; name: string; createdAt: string; expiresAt: string | null; lastUsedAt: string | null };

/** POST /api/tokens answers the record plus the secret, which is never shown again. */
export type CreatedApiToken = ApiToken & { token: string };

export type Health = { status: string; version: string };

// The channel engine (/api/channels, /api/messages, /api/alerts): what integration analysts see.

export type ChannelState = 'started' | 'paused' | 'stopped';

export type Counts = { received: number; filtered: number; sent: number; errored: number };

export type DestinationSummary = {
  id: string;
  name: string;
  type: string;
  mode: 'queued' | 'sync';
  enabled: boolean;
  /** Deliveries waiting in this destination's queue. */
  queued: number;
  /** Deliveries parked as error, waiting for an analyst. */
  errored: number;
  counts: Counts;
};

export type Channel = {
  id: string;
  name: string;
  description?: string;
  /** The state this process runs the channel in. */
  state: ChannelState;
  /** The state asked for; differs from state when the channel could not start here. */
  desiredState: ChannelState;
  revision: number;
  source: { type: string; port?: number };
  counts: Counts;
  queued: number;
  destinations: DestinationSummary[];
  /** The definition as the analyst wrote it (the exported YAML's content). */
  definition: unknown;
};

export type MessageStatus = 'received' | 'filtered' | 'queued' | 'sent' | 'error';

export type Message = {
  id: number;
  channelId: string;
  receivedAt: string;
  status: MessageStatus;
  dataType: string;
  messageType: string | null;
  controlId: string | null;
  patientId: string | null;
  accession: string | null;
  error: string | null;
  reprocessedFrom: number | null;
};

export type DeliveryStatus = 'queued' | 'sending' | 'sent' | 'error' | 'filtered' | 'cancelled';

export type Delivery = {
  id: number;
  destinationId: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  /** What the receiver answered (an ACK for MLLP). */
  response: string | null;
  /** null: the same as the message's transformed (or raw) content. */
  content: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
};

export type MessageDetail = Message & {
  raw: string;
  /** null when the channel's transformer left the message unchanged. */
  transformed: string | null;
  charset: string | null;
  source: { connector?: string; remoteAddress?: string; [key: string]: unknown } | null;
  /** The answer (ACK) sent back to the sender. */
  response: string | null;
  deliveries: Delivery[];
};

export type ReprocessResult = { id: number; status: MessageStatus; reprocessedFrom: number };
export type ResendResult = { id: number; requeued: number };
export type BulkReprocessResult = { count: number; results: { from: number; id?: number; status?: string; error?: string }[] };

export type Alert = {
  id: number;
  at: string;
  channelId: string;
  destinationId: string | null;
  kind: string;
  message: string;
  value: number;
  threshold: number;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
};
