// What a known peer may do, enforced around the storage and query services: a peer in the
// registry whose `store` (or `query`) permission is off is refused with Refused: Not Authorized
// (0x0124). Calling AE titles the registry does not know are not restricted (interfaces.md).
import type { Logger } from '../../engine/index.ts';
import type { FindAnswer, FindService, StoreReception, StoreService } from '../dimse/dimse-service.ts';
import type { PeerDirectory } from './peer-directory.ts';

/** Refused: Not Authorized, a status every DIMSE service may answer (PS3.7 Annex C). */
export const NOT_AUTHORIZED = 0x0124;

/** A reception that reads and drops the data set, then answers Not Authorized. */
function refusedReception(comment: string): StoreReception {
  return {
    write: () => undefined,
    end: () => undefined,
    abort: () => undefined,
    result: async () => ({ status: NOT_AUTHORIZED, comment }),
  };
}

/** C-STORE only from peers allowed to store. Decided from the directory's snapshot when the C-STORE begins. */
export function restrictStore(service: StoreService, peers: PeerDirectory, log: Logger): StoreService {
  return {
    ...service,
    begin(start) {
      const aet = start.association.callingAeTitle;
      const peer = peers.peek(aet);
      if (peer && !peer.store) {
        log.warn({ association: start.association.id, callingAe: aet, sopInstanceUid: start.sopInstanceUid }, 'C-STORE refused: the peer may not store');
        return refusedReception(`${aet} may not store here`.slice(0, 64));
      }
      return service.begin(start);
    },
  };
}

/** C-FIND only from peers allowed to query. */
export function restrictFind(service: FindService, peers: PeerDirectory, log: Logger): FindService {
  return {
    ...service,
    async *find(request, signal): AsyncGenerator<FindAnswer> {
      const aet = request.association.callingAeTitle;
      const peer = await peers.find(aet);
      if (peer && !peer.query) {
        log.warn({ association: request.association.id, callingAe: aet }, 'C-FIND refused: the peer may not query');
        yield { status: NOT_AUTHORIZED, comment: `${aet} may not query here`.slice(0, 64) };
        return;
      }
      yield* service.find(request, signal);
    },
  };
}
