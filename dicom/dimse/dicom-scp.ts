// With dicom-scu.ts (our associations to peers), the only code that touches dcmjs-dimse: one Scp
// per association, which negotiates with association-policy.ts and hands each request to the
// service registered for its SOP class.
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
import { findIdentifierDataset, useFastCommandSet } from './find-response-dataset.ts';
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
// N-CREATE / N-SET (normalized services, e.g. MPPS)
import type { NormalizedAnswer, NormalizedRequest, NormalizedService } from './dimse-service.ts';
const { NCreateResponse, NSetResponse } = dimse.responses;
type NCreateRequest = DcmjsDimse.requests.NCreateRequest;
type NSetRequest = DcmjsDimse.requests.NSetRequest;
// N-ACTION, and N-EVENT-REPORTs of ours on the requester's association (Storage Commitment)
import type { EventReport, EventReportTarget } from './dimse-service.ts';
import { sendEventReportRaw } from './dicom-scu.ts';
const { NActionResponse } = dimse.responses;
type NActionRequest = DcmjsDimse.requests.NActionRequest;
/** PS3.7 C.4: the SOP class is served but not this operation on it. */
const UNRECOGNIZED_OPERATION = 0x0211;
// C-MOVE / C-GET (retrieve services)
import type { RetrieveAnswer, RetrieveService, StoreTarget, SubOperationInstance } from './dimse-service.ts';
import { storeRaw } from './dicom-scu.ts';
const { CMoveResponse, CGetResponse } = dimse.responses;
type CMoveRequest = DcmjsDimse.requests.CMoveRequest;
type CGetRequest = DcmjsDimse.requests.CGetRequest;

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
  /** The requester asked for a release (or aborted): no more requests of ours on this association. */
  private releasing = false;

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
      // SCP/SCU Role Selection: the library sets these (else undefined) from the request's items.
      scuRole: context.getUserRole(),
      scpRole: context.getProviderRole(),
    }));
    const R = constants.PresentationContextResult;
    let accepted = 0;
    for (const d of negotiate(proposed, this.ctx.services)) {
      const pc: PresentationContext = association.getPresentationContext(d.id);
      if (d.result === 'accept') {
        pc.setResult(R.Accept, d.transferSyntax);
        accepted++;
      } else pc.setResult(d.result === 'abstract-syntax-not-supported' ? R.RejectAbstractSyntaxNotSupported : R.RejectTransferSyntaxesNotSupported);
      if (d.roles) {
        // Answered in the A-ASSOCIATE-AC's role selection item for this SOP class.
        pc.setUserRole(d.roles.scu);
        pc.setProviderRole(d.roles.scp);
      }
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
    this.releasing = true;
    this.sendAssociationReleaseResponse();
  }

  override abort(): void {
    this.releasing = true;
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
      // Written by find-response-encoder.ts where it can (the same bytes as dcmjs, ~20x cheaper).
      if (answer.identifier) response.setDataset(findIdentifierDataset(answer.identifier, ts));
      useFastCommandSet(response);
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

  // C-MOVE and C-GET: the service yields a Pending answer as each sub-operation completes, sent at
  // once through sendResponse() (the library's callback may be called only once), then the final
  // one. They share C-FIND's map of cancellable operations: a C-CANCEL, or the association going
  // away, aborts them the same way.
  override cMoveRequest(request: CMoveRequest, _callback: (responses: DcmjsDimse.responses.CMoveResponse[]) => void): void {
    const destination = request.getCommandDataset().getElement('MoveDestination');
    this.retrieve('C-MOVE', request, typeof destination === 'string' ? destination : '');
  }

  override cGetRequest(request: CGetRequest, _callback: (responses: DcmjsDimse.responses.CGetResponse[]) => void): void {
    this.retrieve('C-GET', request, undefined);
  }

  private retrieve(kind: 'C-MOVE' | 'C-GET', request: CMoveRequest | CGetRequest, moveDestination: string | undefined): void {
    const controller = new AbortController();
    const messageId = request.getMessageId();
    this.finds.set(messageId, controller);
    const ts = this.assoc?.getAcceptedPresentationContextFromRequest(request)?.getAcceptedTransferSyntaxUid() ?? '1.2.840.10008.1.2';
    const send = (answer: RetrieveAnswer) => {
      const response = kind === 'C-MOVE' ? CMoveResponse.fromRequest(request as CMoveRequest) : CGetResponse.fromRequest(request as CGetRequest);
      response.setAffectedSopClassUid(request.getAffectedSopClassUid());
      response.setStatus(answer.status);
      if (answer.comment) response.setErrorComment(answer.comment);
      const p = answer.progress;
      if (p) {
        // Remaining only while sub-operations go on (Pending) or were cut short (Cancel): PS3.7 C.4.2.1.
        if (answer.status === DimseStatus.Pending || answer.status === DimseStatus.Cancel) response.setRemaining(p.remaining);
        response.setCompleted(p.completed);
        response.setFailures(p.failed);
        response.setWarnings(p.warning);
      }
      if (answer.failedSopInstanceUids?.length) response.setDataset(new Dataset({ FailedSOPInstanceUIDList: answer.failedSopInstanceUids }, ts));
      this.sendResponse(request, response);
    };
    this.guard(kind, async () => {
      try {
        const service = serviceFor(this.ctx.services, request.getAffectedSopClassUid());
        if (service?.kind !== kind) return send({ status: DimseStatus.SopClassNotSupported });
        const elements = request.getDataset()?.getElements() ?? {};
        const identifier = toDicomJson(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(elements) as DcmjsDict);
        const req = { association: this.info, sopClassUid: request.getAffectedSopClassUid(), messageId, identifier, ...(moveDestination !== undefined ? { moveDestination: moveDestination.trim() } : {}) };
        for await (const answer of (service as RetrieveService).retrieve(req, controller.signal, this.requesterTarget())) {
          if (this.sock.destroyed) return;
          send(answer);
        }
      } catch (err) {
        this.ctx.log.error({ err, association: this.info.id }, `${kind} failed`);
        if (!this.sock.destroyed) send({ status: DimseStatus.CannotUnderstand, comment: errorComment(`processing failed: ${(err as Error).message}`) });
      } finally {
        this.finds.delete(messageId);
      }
    });
  }

  /** C-GET's sub-operations: C-STOREs back to the requester over the storage contexts it proposed. */
  private requesterTarget(): StoreTarget {
    return {
      acceptedTransferSyntaxes: (sopClassUid) => {
        const out: string[] = [];
        for (const { context } of this.assoc?.getPresentationContexts() ?? []) {
          const ts = context.getAcceptedTransferSyntaxUid();
          if (context.getAbstractSyntaxUid() === sopClassUid && context.getResult() === constants.PresentationContextResult.Accept && ts && !out.includes(ts)) out.push(ts);
        }
        return out;
      },
      store: (instance) => this.storeOnAssociation(instance),
    };
  }

  /**
   * One C-STORE sent as a request of our own on this association (through sendRequests(), the way
   * getscu can parse), resolved with the requester's answer. The data set goes out as given.
   */
  private storeOnAssociation(instance: SubOperationInstance): Promise<DimseAnswer> {
    return storeRaw(this, this.sock, instance);
  }

  override cCancelRequest(request: CCancelRequest): void {
    this.finds.get(request.getMessageIdBeingRespondedTo())?.abort();
  }

  // N-CREATE and N-SET go to the normalized service of the SOP class, the data set as DICOM JSON;
  // the answer is sent once the service has decided (for MPPS: after the engine committed).
  override nCreateRequest(request: NCreateRequest, callback: (response: DcmjsDimse.responses.NCreateResponse) => void): void {
    this.guard('N-CREATE', async () => {
      const answer = await this.normalized('create', request, request.getAffectedSopClassUid(), request.getAffectedSopInstanceUid() ?? '');
      const response = NCreateResponse.fromRequest(request);
      this.fillNormalizedResponse(response, request, answer);
      callback(response);
    });
  }

  override nSetRequest(request: NSetRequest, callback: (response: DcmjsDimse.responses.NSetResponse) => void): void {
    this.guard('N-SET', async () => {
      const answer = await this.normalized('set', request, request.getRequestedSopClassUid(), request.getRequestedSopInstanceUid() ?? '');
      const response = NSetResponse.fromRequest(request);
      this.fillNormalizedResponse(response, request, answer);
      callback(response);
    });
  }

  // N-ACTION: answered as the service decides; its follow-up (the Storage Commitment event report,
  // sent on this association while it is open) starts once the response has gone out.
  override nActionRequest(request: NActionRequest, callback: (response: DcmjsDimse.responses.NActionResponse) => void): void {
    this.guard('N-ACTION', async () => {
      const answer = await this.normalized('action', request, request.getRequestedSopClassUid(), request.getRequestedSopInstanceUid() ?? '');
      const response = NActionResponse.fromRequest(request);
      response.setActionTypeId(request.getActionTypeId());
      this.fillNormalizedResponse(response, request, answer);
      callback(response);
      if (answer.followUp) await answer.followUp();
    });
  }

  /** The requester's association as a target for our N-EVENT-REPORTs (in the SCP role of the SOP class). */
  private eventReportTarget(): EventReportTarget {
    return {
      isOpen: () => !this.sock.destroyed && !this.releasing,
      sendEventReport: (report: EventReport) => {
        if (this.sock.destroyed || this.releasing) return Promise.resolve({ status: DimseStatus.ProcessingFailure, comment: 'the association is closed' });
        let ts: string | undefined;
        for (const { context } of this.assoc?.getPresentationContexts() ?? []) {
          if (context.getAbstractSyntaxUid() === report.sopClassUid && context.getResult() === constants.PresentationContextResult.Accept) ts ??= context.getAcceptedTransferSyntaxUid();
        }
        if (!ts) return Promise.resolve({ status: DimseStatus.SopClassNotSupported, comment: 'no accepted presentation context' });
        return sendEventReportRaw(this, this.sock, report, ts, { timeoutMs: this.ctx.library.pduTimeoutMs });
      },
    };
  }

  private async normalized(op: 'create' | 'set' | 'action', request: NCreateRequest | NSetRequest | NActionRequest, sopClassUid: string, sopInstanceUid: string): Promise<NormalizedAnswer> {
    const service = serviceFor(this.ctx.services, sopClassUid);
    if (service?.kind !== 'normalized') return { status: DimseStatus.SopClassNotSupported };
    const n = service as NormalizedService;
    const fn = op === 'create' ? n.create : op === 'set' ? n.set : n.action;
    if (!fn) return { status: UNRECOGNIZED_OPERATION };
    try {
      const elements = request.getDataset()?.getElements() ?? {};
      const dataset = toDicomJson(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(elements) as DcmjsDict);
      const actionTypeId = op === 'action' ? (request as NActionRequest).getActionTypeId() : undefined;
      const req: NormalizedRequest = { association: this.info, sopClassUid, sopInstanceUid: sopInstanceUid.trim(), messageId: request.getMessageId(), dataset, ...(actionTypeId !== undefined ? { actionTypeId } : {}) };
      return await fn.call(n, req, this.eventReportTarget());
    } catch (err) {
      this.ctx.log.error({ err, association: this.info.id }, `N-${op.toUpperCase()} failed`);
      return { status: DimseStatus.ProcessingFailure, comment: errorComment(`processing failed: ${(err as Error).message}`) };
    }
  }

  private fillNormalizedResponse(
    response: DcmjsDimse.responses.NCreateResponse | DcmjsDimse.responses.NSetResponse | DcmjsDimse.responses.NActionResponse,
    request: NCreateRequest | NSetRequest | NActionRequest,
    answer: NormalizedAnswer,
  ): void {
    response.setStatus(answer.status);
    if (answer.comment) response.setErrorComment(answer.comment);
    if (answer.errorId !== undefined) {
      // The library's types allow only strings; ErrorID (0000,0903) is a US, which it writes from a number.
      (response.getCommandDataset() as unknown as { setElement(tag: string, value: number): void }).setElement('ErrorID', answer.errorId);
    }
    if (answer.sopInstanceUid) response.setAffectedSopInstanceUid(answer.sopInstanceUid);
    if (answer.dataset) {
      const ts = this.assoc?.getAcceptedPresentationContextFromRequest(request)?.getAcceptedTransferSyntaxUid() ?? '1.2.840.10008.1.2';
      response.setDataset(new Dataset(dcmjs.data.DicomMetaDictionary.naturalizeDataset(fromDicomJson(answer.dataset)), ts));
    }
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
