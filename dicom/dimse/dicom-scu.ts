// The archive as an SCU: one association opened to a peer (a C-MOVE destination) carrying C-STORE
// sub-operations one after the other. Besides dicom-scp.ts the only code touching dcmjs-dimse.
// The library's Client takes all its requests up front and would re-encode each data set; here the
// association is driven directly, each data set goes out as the bytes it was given, and the next is
// read only once the peer has answered the previous one.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { createRequire } from 'node:module';
import type * as DcmjsDimse from 'dcmjs-dimse';
import type { Logger, Result } from '../../engine/index.ts';
import type { DimseAnswer, EventReport, StoreTarget, SubOperationInstance } from './dimse-service.ts';
import { DimseStatus, errorComment } from './dimse-status.ts';
import { dcmjs } from '../dcmjs.ts';
import { fromDicomJson } from '../parse/dicom-json-to-dcmjs.ts';

const require = createRequire(import.meta.url);
const dimse = require('dcmjs-dimse') as typeof DcmjsDimse;
const { Dataset, Scp, constants } = dimse;
const { Association } = dimse.association;
const { CStoreRequest, NEventReportRequest } = dimse.requests;
type CStoreResponse = DcmjsDimse.responses.CStoreResponse;
type Request = DcmjsDimse.requests.CStoreRequest | DcmjsDimse.requests.NEventReportRequest;
type AssociationT = DcmjsDimse.association.Association;

/** What the library's (unexported) Network class offers: Scp extends it, which is how we reach it. */
type NetworkLike = {
  on(event: string, listener: (...args: never[]) => void): void;
  sendAssociationRequest(association: AssociationT): void;
  sendAssociationReleaseRequest(): void;
  sendAbort(source?: number, reason?: number): void;
  sendRequests(requests: Request | Request[]): void;
};
type NetworkCtor = new (socket: Socket, opts: { connectTimeout?: number; associationTimeout?: number; pduTimeout?: number }) => NetworkLike;
const Network = Object.getPrototypeOf(Scp) as NetworkCtor;

/** `scpRole`: propose the SCP role for the SOP class (SCU role off), e.g. for a Storage Commitment event report (PS3.4 J.3.3). */
export type StoreContext = { sopClassUid: string; transferSyntaxes: readonly string[]; scpRole?: boolean };

export type StoreAssociationOptions = {
  host: string;
  port: number;
  callingAeTitle: string;
  calledAeTitle: string;
  contexts: readonly StoreContext[];
  /** C-MOVE sub-operations name the AE title and message that asked for them (PS3.7 9.1.1.1). */
  moveOriginator?: { aeTitle: string; messageId: number };
  log: Logger;
  /** Connecting and negotiating (default 10 s). */
  connectTimeoutMs?: number;
  /** Waiting for one C-STORE response (default 5 min). */
  responseTimeoutMs?: number;
  /** Largest PDU we receive (default 256 KiB). */
  maxPduLength?: number;
};

export type StoreAssociation = StoreTarget & {
  isOpen(): boolean;
  /** One N-EVENT-REPORT on this association (its SOP class must have been accepted). */
  sendEventReport(report: EventReport): Promise<DimseAnswer>;
  /** Releases the association (A-RELEASE), or aborts it when the peer does not answer in time. */
  release(): Promise<void>;
};

export type ScuError = { code: 'DICOM_PEER_UNREACHABLE' | 'DICOM_PEER_REJECTED'; message: string };

const failed = (comment: string): DimseAnswer => ({ status: DimseStatus.ProcessingFailure, comment: errorComment(comment) });

/** Opens an association proposing `contexts`; resolves once the peer accepted it (or why not). */
export function openStoreAssociation(o: StoreAssociationOptions): Promise<Result<StoreAssociation, ScuError>> {
  const connectTimeoutMs = o.connectTimeoutMs ?? 10_000;
  const responseTimeoutMs = o.responseTimeoutMs ?? 300_000;
  const where = `${o.calledAeTitle}@${o.host}:${o.port}`;
  const socket = connect({ host: o.host, port: o.port, noDelay: true });
  socket.setNoDelay(true);
  // The library's connectTimeout is the socket's idle timeout for the whole association: it must
  // outlast a slow C-STORE response. Connecting itself is bounded by the timer below.
  const network = new Network(socket, { connectTimeout: responseTimeoutMs, associationTimeout: connectTimeoutMs, pduTimeout: responseTimeoutMs });
  const association = new Association(o.callingAeTitle, o.calledAeTitle);
  association.setMaxPduLength(o.maxPduLength ?? 256 * 1024);
  for (const c of o.contexts) {
    const id = association.addPresentationContext(c.sopClassUid);
    for (const ts of c.transferSyntaxes) association.addTransferSyntaxToPresentationContext(id, ts);
    if (c.scpRole) {
      const pc = association.getPresentationContext(id);
      pc.setUserRole(false);
      pc.setProviderRole(true);
    }
  }

  let open = false;
  let closed = false;
  const closeListeners = new Set<() => void>();
  const close = () => {
    if (closed) return;
    closed = true;
    open = false;
    for (const l of closeListeners) l();
  };

  const accepted = new Map<string, string[]>();
  const target: StoreAssociation = {
    acceptedTransferSyntaxes: (sopClassUid) => accepted.get(sopClassUid) ?? [],
    isOpen: () => open,
    store(instance: SubOperationInstance): Promise<DimseAnswer> {
      if (!open) return Promise.resolve(failed(`the association to ${o.calledAeTitle} is closed`));
      return storeRaw(network, socket, instance, {
        moveOriginator: o.moveOriginator,
        timeoutMs: responseTimeoutMs,
        onTimeout: () => {
          o.log.warn({ peer: where, sopInstanceUid: instance.sopInstanceUid }, 'no C-STORE response in time: aborting the association');
          network.sendAbort();
          socket.destroy();
        },
      });
    },
    sendEventReport(report: EventReport): Promise<DimseAnswer> {
      if (!open) return Promise.resolve(failed(`the association to ${o.calledAeTitle} is closed`));
      const ts = accepted.get(report.sopClassUid)?.[0];
      if (!ts) return Promise.resolve(failed(`${o.calledAeTitle} did not accept ${report.sopClassUid}`));
      return sendEventReportRaw(network, socket, report, ts, { timeoutMs: responseTimeoutMs, onTimeout: () => socket.destroy() });
    },
    release() {
      if (closed) return Promise.resolve();
      return new Promise<void>((resolve) => {
        closeListeners.add(resolve);
        const timer = setTimeout(() => socket.destroy(), connectTimeoutMs);
        timer.unref();
        if (open) {
          open = false;
          network.sendAssociationReleaseRequest();
        } else socket.destroy();
      });
    },
  };

  return new Promise((resolve) => {
    let settled = false;
    const settle = (r: Result<StoreAssociation, ScuError>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!r.ok) socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => settle({ ok: false, error: { code: 'DICOM_PEER_UNREACHABLE', message: `no association with ${where} within ${connectTimeoutMs} ms` } }), connectTimeoutMs);
    network.on('connect', () => network.sendAssociationRequest(association));
    network.on('associationAccepted', () => {
      for (const { context } of association.getPresentationContexts()) {
        const ts = context.getAcceptedTransferSyntaxUid();
        if (context.getResult() !== constants.PresentationContextResult.Accept || !ts) continue;
        const list = accepted.get(context.getAbstractSyntaxUid()) ?? [];
        if (!list.includes(ts)) list.push(ts);
        accepted.set(context.getAbstractSyntaxUid(), list);
      }
      open = true;
      o.log.debug({ peer: where, proposed: o.contexts.length, accepted: [...accepted.values()].reduce((n, l) => n + l.length, 0) }, 'association to peer accepted');
      settle({ ok: true, value: target });
    });
    network.on('associationRejected', ((r: { result: number; source: number; reason: number }) => {
      settle({ ok: false, error: { code: 'DICOM_PEER_REJECTED', message: `${where} rejected the association (result ${r.result}, source ${r.source}, reason ${r.reason})` } });
    }) as (...args: never[]) => void);
    network.on('associationReleaseResponse', () => socket.end());
    network.on('abort', () => socket.destroy());
    network.on('networkError', ((err: Error) => {
      o.log.debug({ peer: where, err: err.message }, 'association to peer: network error');
      socket.destroy();
      settle({ ok: false, error: { code: 'DICOM_PEER_UNREACHABLE', message: `cannot reach ${where}: ${err.message}` } });
    }) as (...args: never[]) => void);
    socket.on('error', () => undefined); // reported through networkError
    socket.on('close', () => {
      close();
      settle({ ok: false, error: { code: 'DICOM_PEER_UNREACHABLE', message: `${where} closed the connection` } });
    });
  });
}

/**
 * One C-STORE on an association of the library (ours to a peer, or a requester's for C-GET): the
 * data set goes out as the bytes given, and the promise resolves with the peer's answer, or with a
 * failure when the connection closes (or `timeoutMs` passes) first.
 */
export function storeRaw(
  network: Pick<NetworkLike, 'sendRequests'>,
  socket: Socket,
  instance: SubOperationInstance,
  o: { moveOriginator?: { aeTitle: string; messageId: number } | undefined; timeoutMs?: number; onTimeout?: () => void } = {},
): Promise<DimseAnswer> {
  if (socket.destroyed) return Promise.resolve(failed('the association is closed'));
  const ds = new Dataset({ SOPClassUID: instance.sopClassUid, SOPInstanceUID: instance.sopInstanceUid }, instance.transferSyntaxUid);
  // The library writes whatever this returns as the data set: the bytes as stored (or converted).
  (ds as unknown as { getDenaturalizedDataset: () => Buffer }).getDenaturalizedDataset = () => instance.dataset;
  const request = new CStoreRequest(ds);
  if (o.moveOriginator) {
    request.getCommandDataset().setElement('MoveOriginatorApplicationEntityTitle', o.moveOriginator.aeTitle);
    // A US: the library's types allow only strings, it writes the number.
    request.getCommandDataset().setElement('MoveOriginatorMessageID', o.moveOriginator.messageId as unknown as string);
  }
  return new Promise<DimseAnswer>((resolve) => {
    let settled = false;
    const finish = (answer: DimseAnswer) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      socket.off('close', onClose);
      forgetRequest(network, request);
      resolve(answer);
    };
    const onClose = () => finish(failed('the association closed'));
    const timer = o.timeoutMs
      ? setTimeout(() => {
          o.onTimeout?.();
          finish(failed('no answer in time'));
        }, o.timeoutMs)
      : undefined;
    socket.once('close', onClose);
    request.on('response', (r: CStoreResponse) => {
      if (r.getStatus() === constants.Status.Pending) return;
      const comment = r.getErrorComment();
      finish({ status: r.getStatus(), ...(comment ? { comment } : {}) });
    });
    network.sendRequests(request);
  });
}

/**
 * One N-EVENT-REPORT on an association of the library (the requester's, or ours to it), its data
 * set encoded in `transferSyntaxUid`; resolves with the peer's answer, or a failure when the
 * connection closes (or `timeoutMs` passes) first.
 */
export function sendEventReportRaw(
  network: Pick<NetworkLike, 'sendRequests'>,
  socket: Socket,
  report: EventReport,
  transferSyntaxUid: string,
  o: { timeoutMs?: number; onTimeout?: () => void } = {},
): Promise<DimseAnswer> {
  if (socket.destroyed) return Promise.resolve(failed('the association is closed'));
  const request = new NEventReportRequest(report.sopClassUid, report.sopInstanceUid, report.eventTypeId);
  request.setDataset(new Dataset(dcmjs.data.DicomMetaDictionary.naturalizeDataset(fromDicomJson(report.dataset)), transferSyntaxUid));
  return new Promise<DimseAnswer>((resolve) => {
    let settled = false;
    const finish = (answer: DimseAnswer) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      socket.off('close', onClose);
      forgetRequest(network, request);
      resolve(answer);
    };
    const onClose = () => finish(failed('the association closed'));
    const timer = o.timeoutMs
      ? setTimeout(() => {
          o.onTimeout?.();
          finish(failed('no answer in time'));
        }, o.timeoutMs)
      : undefined;
    socket.once('close', onClose);
    request.on('response', (r: DcmjsDimse.responses.NEventReportResponse) => {
      const comment = r.getErrorComment();
      finish({ status: r.getStatus(), ...(comment ? { comment } : {}) });
    });
    network.sendRequests(request);
  });
}

/**
 * The library keeps every request it sent in a list it searches for each response and never
 * empties; drop ours once answered so a long retrieve does not grow it (or match a reused id).
 */
function forgetRequest(network: unknown, request: unknown): void {
  const pending = (network as { pending?: unknown[] }).pending;
  if (!Array.isArray(pending)) return;
  const i = pending.indexOf(request);
  if (i >= 0) pending.splice(i, 1);
}
