// What C-MOVE and C-GET share (PS3.4 C.4.2, C.4.3): the identifier resolved to stored instances,
// one C-STORE sub-operation per instance (as stored when the peer takes that), a Pending answer
// with the counts after each, and the final status with the Failed SOP Instance UID List.
import type { Logger } from '../../engine/index.ts';
import type { InformationModel } from '../query/parse-find-identifier.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import type { IndexDb } from '../study-index/index-db.ts';
import { findPeerByAeTitle } from '../peers/peer-store.ts';
import type { PeerDb } from '../peers/peer-store.ts';
import type { DimseAnswer, RetrieveAnswer, RetrieveProgress, RetrieveRequest, StoreTarget } from './dimse-service.ts';
import { errorComment } from './dimse-status.ts';
import { parseRetrieveIdentifier } from './retrieve-scp-identifier.ts';
import type { RetrieveSelection } from './retrieve-scp-identifier.ts';
import { readInstance, selectInstances } from './retrieve-scp-instances.ts';
import type { StoredInstance } from './retrieve-scp-instances.ts';
import { chooseSendSyntax, convertDataset } from './retrieve-scp-transcode.ts';

/** C-MOVE and C-GET response statuses (PS3.4 C.4.2.1.5, C.4.3.1.4; PS3.7 C). */
export const RetrieveStatus = {
  Success: 0x0000,
  Pending: 0xff00,
  Cancel: 0xfe00,
  /** Warning: sub-operations complete, one or more failures. */
  SubOperationsFailed: 0xb000,
  /** Refused: out of resources, unable to calculate the number of matches. */
  OutOfResourcesMatches: 0xa701,
  /** Refused: out of resources, unable to perform sub-operations. */
  OutOfResourcesSubOperations: 0xa702,
  MoveDestinationUnknown: 0xa801,
  IdentifierDoesNotMatchSopClass: 0xa900,
  UnableToProcess: 0xc000,
  NotAuthorized: 0x0124,
} as const;

export type RetrieveScpOptions = {
  db: IndexDb & PeerDb;
  /** The storage tier of each name ('hot': PACS_DATA_DIR/storage). */
  tiers: (name: string) => BlobStore | undefined;
  log: Logger;
};

/** A C-STORE answer as a sub-operation outcome: Success, Warning (0001, Bxxx) or anything else failed. */
export function subOperationOutcome(status: number): 'completed' | 'warning' | 'failed' {
  if (status === 0x0000) return 'completed';
  if (status === 0x0001 || (status & 0xf000) === 0xb000) return 'warning';
  return 'failed';
}

/** The final answer once the sub-operations stopped (PS3.4 C.4.2.3.1). */
export function finalAnswer(p: RetrieveProgress, failedUids: readonly string[], cancelled: boolean): RetrieveAnswer {
  const { completed, failed, warning } = p;
  const list = failedUids.length ? { failedSopInstanceUids: [...failedUids] } : {};
  if (cancelled) return { status: RetrieveStatus.Cancel, progress: p, ...list };
  const counts = { remaining: 0, completed, failed, warning };
  if (failed === 0) return { status: RetrieveStatus.Success, progress: counts };
  if (completed + warning > 0) return { status: RetrieveStatus.SubOperationsFailed, progress: counts, ...list };
  return { status: RetrieveStatus.OutOfResourcesSubOperations, progress: counts, comment: 'every sub-operation failed', ...list };
}

export type PreparedRetrieve = { ok: true; selection: RetrieveSelection; instances: StoredInstance[] } | { ok: false; answer: RetrieveAnswer };

/** The identifier parsed, the requester's permission checked and the instances it selects read from the index. */
export async function prepareRetrieve(o: RetrieveScpOptions, request: RetrieveRequest, model: InformationModel, log: Logger): Promise<PreparedRetrieve> {
  const parsed = parseRetrieveIdentifier(request.identifier, model);
  if (!parsed.ok) {
    log.warn({ message: parsed.error.message }, 'retrieve refused: identifier');
    return { ok: false, answer: { status: RetrieveStatus.IdentifierDoesNotMatchSopClass, comment: errorComment(parsed.error.message) } };
  }
  const caller = await findPeerByAeTitle(o.db, request.association.callingAeTitle);
  if (caller && !caller.retrieve) {
    log.warn({}, 'retrieve refused: the peer may not retrieve');
    return { ok: false, answer: { status: RetrieveStatus.NotAuthorized, comment: errorComment(`${caller.aet} may not retrieve from here`) } };
  }
  try {
    return { ok: true, selection: parsed.value, instances: await selectInstances(o.db, parsed.value.query) };
  } catch (err) {
    log.error({ err }, 'retrieve failed: the index could not be read');
    return { ok: false, answer: { status: RetrieveStatus.OutOfResourcesMatches, comment: 'the study index could not be read' } };
  }
}

/**
 * One C-STORE per instance through `target`, a Pending answer with the counts after each, then the
 * final answer. Stops with Cancel when `signal` aborts (C-CANCEL); when the target's association
 * is gone the remaining instances count as failed.
 */
export async function* runSubOperations(
  o: RetrieveScpOptions,
  instances: readonly StoredInstance[],
  target: StoreTarget & { isOpen?(): boolean },
  signal: AbortSignal,
  log: Logger,
): AsyncGenerator<RetrieveAnswer> {
  const p: RetrieveProgress = { remaining: instances.length, completed: 0, failed: 0, warning: 0 };
  const failedUids: string[] = [];
  const fail = (i: StoredInstance, reason: string, level: 'warn' | 'error' = 'warn') => {
    log[level]({ sopInstanceUid: i.sopInstanceUid, sopClassUid: i.sopClassUid, transferSyntaxUid: i.transferSyntaxUid, reason }, 'sub-operation failed');
    failedUids.push(i.sopInstanceUid);
    p.failed++;
  };
  const started = Date.now();
  for (const instance of instances) {
    if (signal.aborted) break;
    if (target.isOpen && !target.isOpen()) {
      fail(instance, 'the association for the sub-operations is closed');
    } else {
      const outcome = await sendOne(o, instance, target);
      if (outcome.kind === 'not-sent') fail(instance, outcome.reason, outcome.level);
      else {
        const result = subOperationOutcome(outcome.answer.status);
        if (result === 'failed') fail(instance, `the peer answered 0x${outcome.answer.status.toString(16).padStart(4, '0')}${outcome.answer.comment ? `: ${outcome.answer.comment}` : ''}`);
        else p[result]++;
      }
    }
    p.remaining--;
    yield { status: RetrieveStatus.Pending, progress: { ...p } };
  }
  const final = finalAnswer({ ...p }, failedUids, signal.aborted);
  log.info({ ...p, instances: instances.length, cancelled: signal.aborted, status: `0x${final.status.toString(16).padStart(4, '0')}`, ms: Date.now() - started }, 'retrieve done');
  yield final;
}

type SendOutcome = { kind: 'sent'; answer: DimseAnswer } | { kind: 'not-sent'; reason: string; level: 'warn' | 'error' };

async function sendOne(o: RetrieveScpOptions, instance: StoredInstance, target: StoreTarget): Promise<SendOutcome> {
  const accepted = target.acceptedTransferSyntaxes(instance.sopClassUid);
  if (accepted.length === 0) return { kind: 'not-sent', reason: `the peer accepted no presentation context for SOP class ${instance.sopClassUid}`, level: 'warn' };
  // Decide before reading the file whether the instance can go at all.
  if (!chooseSendSyntax(instance.transferSyntaxUid, accepted)) {
    return { kind: 'not-sent', reason: `stored as ${instance.transferSyntaxUid}, which the peer did not accept (it took ${accepted.join(', ')}); the archive does not decompress`, level: 'warn' };
  }
  let read;
  try {
    read = await readInstance(o.tiers, instance);
  } catch (err) {
    return { kind: 'not-sent', reason: `the file could not be read: ${(err as Error).message}`, level: 'error' };
  }
  if (!read.ok) return { kind: 'not-sent', reason: read.reason, level: 'error' };
  // The file's own meta header is what the bytes are encoded in.
  const stored = read.value.transferSyntaxUid;
  const ts = chooseSendSyntax(stored, accepted);
  if (!ts) return { kind: 'not-sent', reason: `stored as ${stored}, which the peer did not accept`, level: 'warn' };
  let dataset: Buffer;
  try {
    dataset = convertDataset(read.value.dataset, stored, ts);
  } catch (err) {
    return { kind: 'not-sent', reason: `could not convert from ${stored} to ${ts}: ${(err as Error).message}`, level: 'error' };
  }
  try {
    return { kind: 'sent', answer: await target.store({ sopClassUid: instance.sopClassUid, sopInstanceUid: instance.sopInstanceUid, transferSyntaxUid: ts, dataset }) };
  } catch (err) {
    return { kind: 'not-sent', reason: `sending failed: ${(err as Error).message}`, level: 'error' };
  }
}
