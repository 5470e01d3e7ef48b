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

export type DimseService = EchoService | StoreService | FindService;
