// What a DIMSE service is, independent of the DICOM network library: each service file under
// dimse/ implements one of these, and dicom-scp.ts (the only code that touches dcmjs-dimse)
// passes it the requests of the SOP classes it handles. Services never see library objects.
import type { DicomJson } from '../dicom-json.ts';

export type AssociationInfo = {
  /** A number for log lines, unique per listener. */
  id: number;
  callingAeTitle: string;
  calledAeTitle: string;
  remoteAddress: string;
};

export type DimseAnswer = { status: number; comment?: string };

type ServiceBase = {
  readonly name: string;
  handles(sopClassUid: string): boolean;
  /** The transfer syntax accepted from those proposed for one presentation context, or undefined. */
  chooseTransferSyntax(proposed: readonly string[]): string | undefined;
};

export type EchoService = ServiceBase & {
  readonly kind: 'C-ECHO';
  echo(association: AssociationInfo): Promise<DimseAnswer>;
};

export type StoreStart = {
  association: AssociationInfo;
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
  messageId: number;
};

/** One C-STORE being received: the data set arrives through write(), then result() answers. */
export type StoreReception = {
  write(chunk: Buffer): void;
  end(): void;
  /** The association ended before the data set was complete. */
  abort(): void;
  result(): Promise<DimseAnswer>;
};

export type StoreService = ServiceBase & {
  readonly kind: 'C-STORE';
  begin(start: StoreStart): StoreReception;
};

export type FindRequest = {
  association: AssociationInfo;
  sopClassUid: string;
  messageId: number;
  identifier: DicomJson;
};

export type FindAnswer = { status: number; identifier?: DicomJson; comment?: string };

export type FindService = ServiceBase & {
  readonly kind: 'C-FIND';
  /** Pending answers, one per match, then a final one; stops with Cancel when `signal` aborts (C-CANCEL). */
  find(request: FindRequest, signal: AbortSignal): AsyncIterable<FindAnswer>;
};

/** An N-CREATE, N-SET or N-ACTION request on one SOP Instance (MPPS, Storage Commitment). */
export type NormalizedRequest = {
  association: AssociationInfo;
  sopClassUid: string;
  /** Affected (N-CREATE) or Requested (N-SET, N-ACTION) SOP Instance UID; N-CREATE may leave it '' for the SCP to assign. */
  sopInstanceUid: string;
  messageId: number;
  /** N-ACTION only: the Action Type ID. */
  actionTypeId?: number;
  dataset: DicomJson;
};

export type NormalizedAnswer = DimseAnswer & {
  /** The SOP Instance UID the response names (one the SCP assigned for an N-CREATE without one). */
  sopInstanceUid?: string;
  dataset?: DicomJson;
  /** Error ID (0000,0903) of a failure, e.g. 0xA710 for an MPPS that may no longer be updated (PS3.4 F.7.2.2). */
  errorId?: number;
  /** N-ACTION: work started once the response has gone out (Storage Commitment's event report). */
  followUp?: () => Promise<void>;
};

/** An N-EVENT-REPORT the SCP sends (Storage Commitment results, PS3.4 J.3.3). */
export type EventReport = { sopClassUid: string; sopInstanceUid: string; eventTypeId: number; dataset: DicomJson };

/** Where an N-EVENT-REPORT goes: the association the request came on, or one opened to the requester. */
export type EventReportTarget = {
  /** False once the association is released, aborted or closed. */
  isOpen(): boolean;
  /** Sends the report and resolves with the peer's answer (a failure status when the association is gone). */
  sendEventReport(report: EventReport): Promise<DimseAnswer>;
};

/** Normalized services (PS3.4 annexes F and J): each operation it supports is a method. */
export type NormalizedService = ServiceBase & {
  readonly kind: 'normalized';
  create?(request: NormalizedRequest): Promise<NormalizedAnswer>;
  set?(request: NormalizedRequest): Promise<NormalizedAnswer>;
  /** `requester`: the requesting association, for event reports sent on it (PS3.4 J.3.3). */
  action?(request: NormalizedRequest, requester: EventReportTarget): Promise<NormalizedAnswer>;
};

export type RetrieveRequest = {
  association: AssociationInfo;
  sopClassUid: string;
  messageId: number;
  identifier: DicomJson;
  /** C-MOVE only: the AE title the instances go to. */
  moveDestination?: string;
};

/** Sub-operation counts reported in C-MOVE/C-GET responses (PS3.7 C.4.2/C.4.3). */
export type RetrieveProgress = { remaining: number; completed: number; failed: number; warning: number };

export type RetrieveAnswer = { status: number; progress?: RetrieveProgress; comment?: string; failedSopInstanceUids?: string[] };

/** One instance to send in a C-STORE sub-operation: its data set (no Part 10 header) in `transferSyntaxUid`. */
export type SubOperationInstance = { sopClassUid: string; sopInstanceUid: string; transferSyntaxUid: string; dataset: Buffer };

/**
 * Where C-STORE sub-operations go: the requesting association (C-GET, with the storage contexts the
 * requester proposed in the SCP role) or an association opened to the move destination (C-MOVE).
 */
export type StoreTarget = {
  /** The transfer syntaxes accepted for a SOP class on this association (none: it cannot be sent). */
  acceptedTransferSyntaxes(sopClassUid: string): readonly string[];
  /** Sends one C-STORE and resolves with the peer's answer (a failure status when the association is gone). */
  store(instance: SubOperationInstance): Promise<DimseAnswer>;
};

export type RetrieveService = ServiceBase & {
  readonly kind: 'C-MOVE' | 'C-GET';
  /**
   * Pending answers with progress as sub-operations complete, then a final one; stops with
   * Cancel when `signal` aborts. C-GET sends through `requester` (the same association); C-MOVE
   * opens its own association to the destination and ignores it.
   */
  retrieve(request: RetrieveRequest, signal: AbortSignal, requester: StoreTarget): AsyncIterable<RetrieveAnswer>;
};

export type DimseService = EchoService | StoreService | FindService | NormalizedService | RetrieveService;
