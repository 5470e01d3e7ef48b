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

// The Modality Worklist (/api/worklist): what technicians and analysts follow orders with.

/** (0040,0020) as the appliance keeps it; only SCHEDULED and IN PROGRESS items are offered to modalities. */
export type WorklistStatus = 'SCHEDULED' | 'IN PROGRESS' | 'COMPLETED' | 'DISCONTINUED' | 'CANCELLED';

/** A list row. Names are DICOM PN (`Family^Given^Middle`), dates DA `YYYYMMDD`, times TM `HHMMSS`. */
export type WorklistItem = {
  id: number;
  orderId: number;
  status: WorklistStatus;
  patientId: string;
  issuerOfPatientId: string;
  patientName: string;
  patientBirthDate: string;
  patientSex: string;
  accessionNumber: string;
  modality: string;
  stationAeTitles: string[];
  scheduledDate: string;
  scheduledTime: string;
  spsId: string;
  spsDescription: string;
  requestedProcedureId: string;
  requestedProcedureDescription: string;
  studyInstanceUid: string;
  placerOrderNumber: string | null;
  fillerOrderNumber: string | null;
  /** Type 1 keys still empty (DICOM keywords): the item is not offered to modalities until they are filled. */
  missingType1: string[];
  createdAt: string;
  updatedAt: string;
};

export type WorklistHistoryEntry = {
  id: number;
  at: string;
  orderId: number | null;
  itemId: number | null;
  patientId: string | null;
  action: string;
  fromStatus: WorklistStatus | null;
  toStatus: WorklistStatus | null;
  /** hl7, fhir, mpps or api. */
  source: string;
  /** The message in the message store that caused the change, when one did. */
  messageId: number | null;
  detail: Record<string, unknown> | null;
};

/** A DICOM data set by keyword: strings, numbers, lists of strings, and sequences as lists of items. */
export type DicomAttributes = { [keyword: string]: string | number | string[] | DicomAttributes[] | null | undefined };

/** GET /api/worklist/:id: the row plus the item as the MWL SCP answers it and its order's history (oldest first). */
export type WorklistItemDetail = WorklistItem & { item: DicomAttributes; history: WorklistHistoryEntry[] };

// The archive (/api/studies, /api/series, /api/instances). Ids are the DICOM UIDs; dates are ISO
// (`2025-03-01`), times `HH:MM:SS`, names DICOM PN.

export type PatientSummary = { id: number; patientId: string; issuer: string; name: string | null; birthDate: string | null; sex: string | null };

export type Study = {
  id: string;
  studyInstanceUid: string;
  patient: PatientSummary;
  date: string | null;
  time: string | null;
  description: string | null;
  accession: string | null;
  studyId: string | null;
  referringPhysician: string | null;
  modalities: string[];
  numberOfSeries: number;
  numberOfInstances: number;
  /** Bytes stored. */
  size: number;
  receivedAt: string;
  updatedAt: string;
};

export type Series = {
  id: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  patientId: string;
  modality: string | null;
  number: number | null;
  description: string | null;
  bodyPart: string | null;
  date: string | null;
  time: string | null;
  /** The one field people write (PUT /api/series/:id); the rest comes from the images. */
  note: string | null;
  numberOfInstances: number;
  size: number;
  receivedAt: string;
  updatedAt: string;
};

export type Instance = {
  id: string;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  patientId: string;
  number: number | null;
  sopClassUid: string;
  transferSyntaxUid: string;
  size: number;
  sourceAe: string | null;
  duplicatesReceived: number;
  receivedAt: string;
};

// Radiology reports (/api/reports): one per study, written and signed by radiologists.

/** draft -> preliminary -> final -> amended (again amended for each later correction). */
export type ReportStatus = 'draft' | 'preliminary' | 'final' | 'amended';

/** A user as a report names them; fullName may be a DICOM-style `FAMILY^GIVEN^^PREFIX`. */
export type ReportUser = { id: number; username: string; fullName: string | null };

/** The four sections, as multi-line text. */
export type ReportSections = { indication: string; technique: string; findings: string; impression: string };

export type Report = ReportSections & {
  id: number;
  studyInstanceUid: string;
  accessionNumber: string;
  patientId: string;
  issuerOfPatientId: string;
  /** DICOM PN. */
  patientName: string;
  status: ReportStatus;
  author: ReportUser;
  /** Who last released (preliminary) or signed (final, amended) it, and when. */
  releasedBy: ReportUser | null;
  releasedAt: string | null;
  /** The signer of the current final or amended version. */
  signedBy: ReportUser | null;
  signedAt: string | null;
  /** Signed versions so far. */
  version: number;
  /** Increases with every save; a save sends the revision it changes (409 when someone else saved meanwhile). */
  revision: number;
  createdAt: string;
  updatedAt: string;
};

/** A signed version as it was sent on the results channel. */
export type ReportVersion = ReportSections & {
  version: number;
  status: 'final' | 'amended';
  signedBy: ReportUser;
  signedAt: string;
  messageId: number | null;
};

/** GET /api/reports/:id: the report with its signed versions, oldest first. */
export type ReportDetail = Report & { versions: ReportVersion[] };
