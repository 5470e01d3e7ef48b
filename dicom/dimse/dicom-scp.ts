// The only code that touches dcmjs-dimse: one Scp per association, which negotiates with
// association-policy.ts and hands each request to the service registered for its SOP class.
// Everything crossing into a service is a plain value (DICOM JSON, numbers, Buffers).
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import type * as DcmjsDimse from 'dcmjs-dimse';
import type { Logger } from '../../engine/index.ts';
import { dcmjs } from '../dcmjs.ts';
import type { DcmjsDict } from '../dcmjs.ts';
import type { DicomJson } from '../dicom-json.ts';
import { toDicomJson } from '../parse/dcmjs-to-dicom-json.ts';
import { fromDicomJson } from '../parse/dicom-json-to-dcmjs.ts';
import { IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from '../parse/part10-header.ts';
import { negotiate, sameAeTitle, serviceFor } from './association-policy.ts';
import type { AssociationInfo, DimseAnswer, DimseService, EchoService, FindService, StoreReception, StoreService } from './dimse-service.ts';
import { DimseStatus, errorComment } from './dimse-status.ts';

const require = createRequire(import.meta.url);
const dimse = require('dcmjs-dimse') as typeof DcmjsDimse;
const { Scp, Dataset, Implementation, constants } = dimse;
const { CEchoResponse, CFindResponse, CStoreResponse } = dimse.responses;
type Association = DcmjsDimse.association.Association;
type PresentationContext = DcmjsDimse.association.PresentationContext;
type CStoreRequest = DcmjsDimse.requests.CStoreRequest;
type CFindRequest = DcmjsDimse.requests.CFindRequest;
type CEchoRequest = DcmjsDimse.requests.CEchoRequest;
type CCancelRequest = DcmjsDimse.requests.CCancelRequest;

export type LibraryOptions = {
  maxPduLength: number;
  /** Abort when no A-ASSOCIATE-RQ arrives this long after connecting. */
  associationTimeoutMs: number;
  /** Abort an association idle for this long. */
  pduTimeoutMs: number;
};

/**
 * Process-wide settings of the library, applied when a listener starts: our implementation
 * identity, the largest PDU we accept, and its logging routed into ours at debug level (the
 * library logs every PDU at info by default).
 */
export function configureDimseLibrary(opts: { maxPduLength: number; log: Logger }): void {
  Implementation.setImplementationClassUid(IMPLEMENTATION_CLASS_UID);
  Implementation.setImplementationVersion(IMPLEMENTATION_VERSION_NAME);
  Implementation.setMaxPduLength(opts.maxPduLength);
  const libLog = dimse.log as unknown as { methodFactory: (name: string) => (...args: unknown[]) => void; setLevel(l: string): void; rebuild?: () => void };
  const target = opts.log.child({ component: 'dcmjs-dimse' });
  libLog.methodFactory = (name: string) => (...args: unknown[]) => target.debug({ level: name }, args.map(String).join(' '));
  libLog.setLevel('warn');
  dcmjs.log.setLevel('error');
}

export type ScpContext = {
  aeTitle: string;
  /** Refuse associations that call another AE title. */
  strictCalledAe: boolean;
  services: readonly DimseService[];
  log: Logger;
  associationId: number;
  library: LibraryOptions;
  /** Registers work the listener waits for when it stops. */
  track(work: Promise<unknown>): void;
};

/** The library's store stream: a Writable that hands each P-DATA fragment to the reception. */
class ReceptionWritable extends Writable {
  private readonly reception: StoreReception | undefined;
  constructor(reception: StoreReception | undefined) {
    // A high-water mark the library never reaches: it would otherwise wait for 'drain' mid-PDU.
    super({ highWaterMark: 2 ** 30 });
    this.reception = reception;
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.reception?.write(chunk);
    cb();
  }
  override _final(cb: (err?: Error | null) => void): void {
    this.reception?.end();
    cb();
  }
}

class DicomScp extends Scp {
  private readonly ctx: ScpContext;
  private readonly sock: Socket;
  private info: AssociationInfo;
  private assoc: Association | undefined;
  private readonly receptions = new WeakMap<CStoreRequest, StoreReception>();
  private readonly openReceptions = new Set<StoreReception>();
  private readonly finds = new Map<number, AbortController>();
  private readonly counts = { stored: 0, refused: 0, finds: 0, started: Date.now() };

  constructor(socket: Socket, ctx: ScpContext) {
    super(socket, {
      associationTimeout: ctx.library.associationTimeoutMs,
      pduTimeout: ctx.library.pduTimeoutMs,
      connectTimeout: ctx.library.pduTimeoutMs,
    });
    this.ctx = ctx;
    this.sock = socket;
    this.info = { id: ctx.associationId, callingAeTitle: '', calledAeTitle: '', remoteAddress: socket.remoteAddress ?? '' };
    this.on('close', () => {
      this.dropOpenWork();
      if (this.info.callingAeTitle) {
        const { stored, refused, finds, started } = this.counts;
        ctx.log.info({ association: this.info.id, callingAe: this.info.callingAeTitle, remote: this.info.remoteAddress, stored, refused, finds, ms: Date.now() - started }, 'association closed');
      }
    });
    this.on('networkError', (err: Error) => {
      ctx.log.debug({ association: this.info.id, err: err.message }, 'association network error');
      this.dropOpenWork();
      socket.destroy();
    });
  }

  private guard(what: string, work: () => Promise<void>): void {
    const run = work().catch((err: unknown) => this.ctx.log.error({ err, association: this.info.id }, `${what} failed`));
    this.ctx.track(run);
  }

  private dropOpenWork(): void {
    for (const r of this.openReceptions) r.abort();
    this.openReceptions.clear();
    for (const c of this.finds.values()) c.abort();
  }

  private datasetTransferSyntax(request: CFindRequest): string {
    return this.assoc?.getAcceptedPresentationContextFromRequest(request)?.getAcceptedTransferSyntaxUid() ?? '1.2.840.10008.1.2';
  }

  override associationRequested(association: Association): void {
    this.assoc = association;
    this.info = { ...this.info, callingAeTitle: association.getCallingAeTitle().trim(), calledAeTitle: association.getCalledAeTitle().trim() };
    const log = this.ctx.log.child({ association: this.info.id, callingAe: this.info.callingAeTitle });
    if (this.ctx.strictCalledAe && !sameAeTitle(this.info.calledAeTitle, this.ctx.aeTitle)) {
      log.warn({ calledAe: this.info.calledAeTitle, remote: this.info.remoteAddress }, 'association refused: called AE title is not ours');
      this.sendAssociationReject(constants.RejectResult.Permanent, constants.RejectSource.ServiceUser, constants.RejectReason.CalledAeNotRecognized);
      return;
    }
    const proposed = association.getPresentationContexts().map(({ id, context }) => ({
      id,
      abstractSyntax: context.getAbstractSyntaxUid(),
      transferSyntaxes: context.getTransferSyntaxUids(),
    }));
    const R = constants.PresentationContextResult;
    let accepted = 0;
    for (const d of negotiate(proposed, this.ctx.services)) {
      const pc: PresentationContext = association.getPresentationContext(d.id);
      if (d.result === 'accept') {
        pc.setResult(R.Accept, d.transferSyntax);
        accepted++;
      } else pc.setResult(d.result === 'abstract-syntax-not-supported' ? R.RejectAbstractSyntaxNotSupported : R.RejectTransferSyntaxesNotSupported);
    }
    log.debug({ remote: this.info.remoteAddress, proposed: proposed.length, accepted }, 'association accepted');
    // The library answers min(their maximum, ours) as the PDU size we receive, which would hold
    // senders to their own (often 16 KiB) limit. Announce ours; keep theirs for what we send.
    const theirs = association.getMaxPduLength();
    association.setMaxPduLength(this.ctx.library.maxPduLength);
    this.sendAssociationAccept();
    association.setMaxPduLength(theirs);
  }

  override associationReleaseRequested(): void {
    this.sendAssociationReleaseResponse();
  }

  override abort(): void {
    this.dropOpenWork();
  }

  override cEchoRequest(request: CEchoRequest, callback: (response: DcmjsDimse.responses.CEchoResponse) => void): void {
    this.guard('C-ECHO', async () => {
      const service = serviceFor(this.ctx.services, request.getAffectedSopClassUid());
      const answer: DimseAnswer = service?.kind === 'C-ECHO' ? await (service as EchoService).echo(this.info) : { status: DimseStatus.SopClassNotSupported };
      const response = CEchoResponse.fromRequest(request);
      response.setStatus(answer.status);
      callback(response);
    });
  }

  override createStoreWritableStream(pc: PresentationContext, request: CStoreRequest): Writable {
    const service = serviceFor(this.ctx.services, request.getAffectedSopClassUid());
    let reception: StoreReception | undefined;
    if (service?.kind === 'C-STORE') {
      reception = (service as StoreService).begin({
        association: this.info,
        sopClassUid: request.getAffectedSopClassUid(),
        sopInstanceUid: request.getAffectedSopInstanceUid(),
        transferSyntaxUid: pc.getAcceptedTransferSyntaxUid() ?? '',
        messageId: request.getMessageId(),
      });
      this.receptions.set(request, reception);
      this.openReceptions.add(reception);
    }
    return new ReceptionWritable(reception);
  }

  override createDatasetFromStoreWritableStream(_w: Writable, pc: PresentationContext, callback: (dataset: DcmjsDimse.Dataset) => void): void {
    // The data set went to the reception as it arrived; the library only needs a placeholder.
    callback(new Dataset({}, pc.getAcceptedTransferSyntaxUid()));
  }

  override cStoreRequest(request: CStoreRequest, callback: (response: DcmjsDimse.responses.CStoreResponse) => void): void {
    const reception = this.receptions.get(request);
    this.guard('C-STORE', async () => {
      let answer: DimseAnswer;
      try {
        answer = reception ? await reception.result() : { status: DimseStatus.SopClassNotSupported };
      } catch (err) {
        this.ctx.log.error({ err, association: this.info.id }, 'C-STORE failed');
        answer = { status: DimseStatus.OutOfResources, comment: errorComment(`processing failed: ${(err as Error).message}`) };
      } finally {
        if (reception) this.openReceptions.delete(reception);
      }
      if (answer.status === DimseStatus.Success) this.counts.stored++;
      else this.counts.refused++;
      const response = CStoreResponse.fromRequest(request);
      response.setStatus(answer.status);
      if (answer.comment) response.setErrorComment(answer.comment);
      callback(response);
    });
  }

  // Responses go out through sendResponse(), one per match as it is read: the library's callback
  // may be called only once, which would hold every match in memory until the end.
  override cFindRequest(request: CFindRequest, _callback: (responses: DcmjsDimse.responses.CFindResponse[]) => void): void {
    const controller = new AbortController();
    const messageId = request.getMessageId();
    this.counts.finds++;
    this.finds.set(messageId, controller);
    const ts = this.datasetTransferSyntax(request);
    const send = (answer: { status: number; identifier?: DicomJson; comment?: string }) => {
      const response = CFindResponse.fromRequest(request);
      response.setAffectedSopClassUid(request.getAffectedSopClassUid());
      response.setStatus(answer.status);
      if (answer.comment) response.setErrorComment(answer.comment);
      if (answer.identifier) response.setDataset(new Dataset(dcmjs.data.DicomMetaDictionary.naturalizeDataset(fromDicomJson(answer.identifier)), ts));
      this.sendResponse(request, response);
    };
    this.guard('C-FIND', async () => {
      try {
        const service = serviceFor(this.ctx.services, request.getAffectedSopClassUid());
        if (service?.kind !== 'C-FIND') return send({ status: DimseStatus.SopClassNotSupported });
        const elements = request.getDataset()?.getElements() ?? {};
        const identifier = toDicomJson(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(elements) as DcmjsDict);
        const req = { association: this.info, sopClassUid: request.getAffectedSopClassUid(), messageId, identifier };
        for await (const answer of (service as FindService).find(req, controller.signal)) {
          if (this.sock.destroyed) return;
          send(answer);
          // Let a slow reader catch up rather than queueing every match in memory, and give the
          // event loop a turn so that a C-CANCEL arriving meanwhile is seen before the next match.
          if (this.sock.writableNeedDrain) {
            await new Promise<void>((resolve) => {
              const done = () => {
                this.sock.off('drain', done);
                this.sock.off('close', done);
                resolve();
              };
              this.sock.on('drain', done);
              this.sock.on('close', done);
            });
          } else await setImmediate();
        }
      } catch (err) {
        this.ctx.log.error({ err, association: this.info.id }, 'C-FIND failed');
        if (!this.sock.destroyed) send({ status: DimseStatus.CannotUnderstand, comment: errorComment(`processing failed: ${(err as Error).message}`) });
      } finally {
        this.finds.delete(messageId);
      }
    });
  }

  override cCancelRequest(request: CCancelRequest): void {
    this.finds.get(request.getMessageIdBeingRespondedTo())?.abort();
  }
}

/** Serves one accepted TCP connection as a DICOM association. */
export function serveAssociation(socket: Socket, ctx: ScpContext): { close(): void } {
  const scp = new DicomScp(socket, ctx);
  // What dcmjs-dimse's own Server does for each connection: the socket is connected already.
  (scp as unknown as { connected: boolean; connectedTime: number }).connected = true;
  (scp as unknown as { connected: boolean; connectedTime: number }).connectedTime = Date.now();
  return { close: () => socket.destroy() };
}
