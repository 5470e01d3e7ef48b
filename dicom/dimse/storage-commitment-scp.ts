// Storage Commitment Push Model SCP (PS3.4 J.3): an N-ACTION (Request Storage Commitment) is
// checked (storage-commitment-request.ts), recorded (storage-commitment-store.ts) and answered at
// once; then the referenced instances are looked up in the index and the N-EVENT-REPORT goes out
// on the requesting association while it is open. When it is not (or the report is refused), a
// reporter sends it on a new association to the requesting AE, looked up in the peers registry,
// with back-off, and gives up with a log line after the last attempt. Requests are durable, so a
// restart still reports the ones accepted before.
import type { Logger, Result } from '../../engine/index.ts';
import { SopClass } from '../sop-classes.ts';
import { chooseUncompressed, TransferSyntax } from '../transfer-syntaxes.ts';
import type { IndexDb } from '../study-index/index-db.ts';
import { openStoreAssociation } from './dicom-scu.ts';
import type { ScuError, StoreAssociation, StoreAssociationOptions } from './dicom-scu.ts';
import type { DimseAnswer, EventReportTarget, NormalizedAnswer, NormalizedRequest, NormalizedService } from './dimse-service.ts';
import { DimseStatus, errorComment } from './dimse-status.ts';
import { COMMITMENT_DIMSE_STATUS, commitmentResult, parseCommitmentRequest } from './storage-commitment-request.ts';
import type { CommitmentRequest, CommitmentResult } from './storage-commitment-request.ts';
import { claimDue, indexedInstances, markReported, markUndelivered, saveCommitment } from './storage-commitment-store.ts';
import type { PendingCommitment } from './storage-commitment-store.ts';

/** Where a requesting AE is reached: the peers registry (PeerDirectory fits). */
export type CommitmentPeers = { find(aeTitle: string): Promise<{ aet: string; host: string; port: number } | undefined> };

export type StorageCommitmentScpOptions = {
  db: IndexDb;
  /** Our AE title: Retrieve AE Title of the report, calling AE of new associations. */
  aeTitle: string;
  peers: CommitmentPeers;
  log: Logger;
  /** Waits between reports on new associations; one attempt more than entries (default 10 s, 1 min, 5 min, 30 min). */
  retryDelaysMs?: readonly number[];
  /** How often the reporter looks for due requests (default 5 s). */
  pollMs?: number;
  /** Opens the association to the requester (default: dicom-scu.ts). */
  connect?: (o: StoreAssociationOptions) => Promise<Result<StoreAssociation, ScuError>>;
  connectTimeoutMs?: number;
  /** Waiting for the requester's answer to a report (default 30 s). */
  responseTimeoutMs?: number;
};

export type StorageCommitmentScp = NormalizedService & {
  /** Starts the reporter (requests left pending by an earlier run are reported too). */
  start(): void;
  stop(): Promise<void>;
};

const DEFAULT_RETRY_DELAYS_MS = [10_000, 60_000, 300_000, 1_800_000];
/** How long a claimed request is left to one reporter (longer than any association it opens). */
const LEASE_MS = 10 * 60_000;
const delivered = (a: DimseAnswer) => a.status === DimseStatus.Success;

export function createStorageCommitmentScp(o: StorageCommitmentScpOptions): StorageCommitmentScp {
  const connect = o.connect ?? openStoreAssociation;
  const delays = o.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const pollMs = o.pollMs ?? 5_000;
  const log = o.log.child({ service: 'storage-commitment' });
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let tick: Promise<void> | undefined;
  let again = false;

  const result = async (request: CommitmentRequest): Promise<CommitmentResult> =>
    commitmentResult(request, await indexedInstances(o.db, request.refs.map((r) => r.sopInstanceUid)), o.aeTitle);

  const report = (r: CommitmentResult) => ({ sopClassUid: SopClass.StorageCommitmentPushModel, sopInstanceUid: SopClass.StorageCommitmentPushModelInstance, eventTypeId: r.eventTypeId, dataset: r.dataset });

  const logged = (transactionUid: string, r: CommitmentResult, how: string) =>
    log.info({ transactionUid, eventTypeId: r.eventTypeId, committed: r.committed.length, failed: r.failed.length, how }, 'storage commitment reported');

  /** The report on the requesting association; when that fails, the reporter takes over now. */
  async function reportOnRequester(request: CommitmentRequest, requester: EventReportTarget): Promise<void> {
    const r = await result(request);
    const answer = requester.isOpen() ? await requester.sendEventReport(report(r)) : { status: DimseStatus.ProcessingFailure, comment: 'the association is closed' };
    if (delivered(answer)) {
      await markReported(o.db, request.transactionUid, r.eventTypeId);
      return logged(request.transactionUid, r, 'same association');
    }
    log.info({ transactionUid: request.transactionUid, status: answer.status, comment: answer.comment }, 'storage commitment: not reported on the requesting association; a new one follows');
    await markUndelivered(o.db, request.transactionUid, { countAttempt: false, retryInMs: 0, error: answer.comment ?? `status ${answer.status}` });
    kick();
  }

  /** One report on a new association to the requesting AE (PS3.4 J.3.3: we request it, in the SCP role). */
  async function reportOnNewAssociation(p: PendingCommitment): Promise<void> {
    const attempt = p.attempts + 1;
    const undelivered = async (error: string) => {
      const retryInMs = delays[attempt - 1];
      await markUndelivered(o.db, p.transactionUid, { countAttempt: true, retryInMs, error });
      if (retryInMs === undefined) log.warn({ transactionUid: p.transactionUid, callingAe: p.callingAeTitle, attempts: attempt, error }, 'storage commitment report given up: the requesting AE could not be reached');
      else log.info({ transactionUid: p.transactionUid, callingAe: p.callingAeTitle, attempt, retryInMs, error }, 'storage commitment report not delivered; will retry');
    };
    const peer = await o.peers.find(p.callingAeTitle);
    if (!peer) return undelivered(`${p.callingAeTitle} is not a known peer`);
    const opened = await connect({
      host: peer.host,
      port: peer.port,
      callingAeTitle: o.aeTitle,
      calledAeTitle: peer.aet,
      contexts: [{ sopClassUid: SopClass.StorageCommitmentPushModel, transferSyntaxes: [TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ImplicitVRLittleEndian], scpRole: true }],
      log,
      responseTimeoutMs: o.responseTimeoutMs ?? 30_000,
      ...(o.connectTimeoutMs ? { connectTimeoutMs: o.connectTimeoutMs } : {}),
    });
    if (!opened.ok) return undelivered(opened.error.message);
    try {
      const r = await result(p);
      const answer = await opened.value.sendEventReport(report(r));
      if (!delivered(answer)) return await undelivered(answer.comment ?? `status 0x${answer.status.toString(16).padStart(4, '0')}`);
      await markReported(o.db, p.transactionUid, r.eventTypeId);
      logged(p.transactionUid, r, 'new association');
    } finally {
      await opened.value.release();
    }
  }

  async function runDue(): Promise<void> {
    for (;;) {
      again = false;
      const due = await claimDue(o.db, 10, LEASE_MS);
      await Promise.all(due.map((p) => reportOnNewAssociation(p).catch((err: unknown) => log.error({ err, transactionUid: p.transactionUid }, 'storage commitment report failed'))));
      if (!again && due.length < 10) return;
    }
  }

  function kick(): void {
    if (!running) return;
    if (tick) {
      again = true;
      return;
    }
    tick = runDue()
      .catch((err: unknown) => log.error({ err }, 'storage commitment reporter failed'))
      .finally(() => {
        tick = undefined;
        if (running) timer = setTimeout(kick, again ? 0 : pollMs);
      });
    if (timer) clearTimeout(timer);
  }

  async function action(request: NormalizedRequest, requester: EventReportTarget): Promise<NormalizedAnswer> {
    const alog = log.child({ association: request.association.id, callingAe: request.association.callingAeTitle });
    const parsed = parseCommitmentRequest(request.actionTypeId, request.sopInstanceUid, request.dataset);
    if (!parsed.ok) {
      alog.warn({ code: parsed.error.code, message: parsed.error.message }, 'storage commitment request refused');
      return { status: COMMITMENT_DIMSE_STATUS[parsed.error.code], comment: errorComment(parsed.error.message), sopInstanceUid: request.sopInstanceUid };
    }
    const req = parsed.value;
    // Recorded before the answer: once we said yes, a restart still reports it.
    await saveCommitment(o.db, req, request.association.callingAeTitle, LEASE_MS);
    alog.info({ transactionUid: req.transactionUid, refs: req.refs.length }, 'storage commitment requested');
    return { status: DimseStatus.Success, sopInstanceUid: request.sopInstanceUid, followUp: () => reportOnRequester(req, requester) };
  }

  return {
    kind: 'normalized',
    name: 'storage-commitment',
    handles: (uid) => uid === SopClass.StorageCommitmentPushModel,
    chooseTransferSyntax: chooseUncompressed,
    action,
    start() {
      if (running) return;
      running = true;
      kick();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await tick;
    },
  };
}
