// Query/Retrieve C-MOVE SCP (PS3.4 C.4.2), Study Root and Patient Root, at every level: the
// instances go to the Move Destination over an association of our own, and only to a peer in the
// registry that is allowed to receive them (unknown: Refused: Move Destination Unknown, A801).
import { SopClass } from '../sop-classes.ts';
import { findPeerByAeTitle } from '../peers/peer-store.ts';
import { chooseUncompressed } from '../transfer-syntaxes.ts';
import { openStoreAssociation } from './dicom-scu.ts';
import type { StoreAssociation, StoreAssociationOptions, ScuError } from './dicom-scu.ts';
import type { RetrieveAnswer, RetrieveService } from './dimse-service.ts';
import { errorComment } from './dimse-status.ts';
import { prepareRetrieve, RetrieveStatus, runSubOperations } from './retrieve-scp.ts';
import type { RetrieveScpOptions } from './retrieve-scp.ts';
import { proposeContexts } from './retrieve-scp-transcode.ts';
import type { Result } from '../../engine/index.ts';

export type MoveScpOptions = RetrieveScpOptions & {
  /** Our AE title: the calling AE of the associations to move destinations. */
  aeTitle: string;
  /** Opens the association to the destination (default: dicom-scu.ts). */
  connect?: (o: StoreAssociationOptions) => Promise<Result<StoreAssociation, ScuError>>;
  connectTimeoutMs?: number;
};

export function createMoveScp(o: MoveScpOptions): RetrieveService {
  const connect = o.connect ?? openStoreAssociation;
  return {
    kind: 'C-MOVE',
    name: 'retrieve-move',
    handles: (uid) => uid === SopClass.StudyRootMove || uid === SopClass.PatientRootMove,
    chooseTransferSyntax: chooseUncompressed,
    async *retrieve(request, signal): AsyncGenerator<RetrieveAnswer> {
      const destinationAe = (request.moveDestination ?? '').trim();
      const log = o.log.child({ association: request.association.id, callingAe: request.association.callingAeTitle, op: 'C-MOVE', messageId: request.messageId, destination: destinationAe });
      const model = request.sopClassUid === SopClass.PatientRootMove ? 'PATIENT_ROOT' : 'STUDY_ROOT';
      const prepared = await prepareRetrieve(o, request, model, log);
      if (!prepared.ok) return yield prepared.answer;
      const destination = destinationAe ? await findPeerByAeTitle(o.db, destinationAe) : undefined;
      if (!destination) {
        log.warn({}, 'C-MOVE refused: the move destination is not a known peer');
        return yield { status: RetrieveStatus.MoveDestinationUnknown, comment: errorComment(`move destination "${destinationAe}" is not a known peer`) };
      }
      if (!destination.moveDestination) {
        log.warn({}, 'C-MOVE refused: the peer is not allowed as a move destination');
        return yield { status: RetrieveStatus.NotAuthorized, comment: errorComment(`${destinationAe} is not allowed as a move destination`) };
      }
      const instances = prepared.instances;
      log.info({ level: prepared.selection.level, keys: prepared.selection.keys, instances: instances.length, peer: `${destination.host}:${destination.port}` }, 'C-MOVE started');
      if (instances.length === 0) return yield { status: RetrieveStatus.Success, progress: { remaining: 0, completed: 0, failed: 0, warning: 0 } };
      const { contexts, dropped } = proposeContexts(instances);
      if (dropped.length) log.warn({ dropped: dropped.length }, 'more presentation contexts than an association holds: some SOP classes cannot be sent');
      const opened = await connect({
        host: destination.host,
        port: destination.port,
        callingAeTitle: o.aeTitle,
        calledAeTitle: destination.aet,
        contexts,
        moveOriginator: { aeTitle: request.association.callingAeTitle, messageId: request.messageId },
        log,
        ...(o.connectTimeoutMs ? { connectTimeoutMs: o.connectTimeoutMs } : {}),
      });
      if (!opened.ok) {
        log.warn({ code: opened.error.code, message: opened.error.message }, 'C-MOVE failed: no association with the destination');
        return yield {
          status: RetrieveStatus.OutOfResourcesSubOperations,
          progress: { remaining: 0, completed: 0, failed: instances.length, warning: 0 },
          comment: errorComment(opened.error.message),
          failedSopInstanceUids: instances.map((i) => i.sopInstanceUid),
        };
      }
      try {
        yield* runSubOperations(o, instances, opened.value, signal, log);
      } finally {
        await opened.value.release();
      }
    },
  };
}
