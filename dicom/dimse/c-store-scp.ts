// Storage SCP (PS3.4 B) for every storage SOP class, in the transfer syntax the sender chose.
// Success is answered only once the file is durably in place and its index row committed.
import type { Logger } from '../../engine/index.ts';
import { InstanceReceiver } from '../ingest/instance-receiver.ts';
import type { InstanceIngest, InstanceStoredEvent } from '../ingest/ingest-instance.ts';
import { part10Header } from '../parse/part10-header.ts';
import { isStorageSopClass } from '../sop-classes.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { chooseAsSent } from '../transfer-syntaxes.ts';
import type { DimseAnswer, StoreService } from './dimse-service.ts';
import { DIMSE_STATUS_FOR, DimseStatus, errorComment } from './dimse-status.ts';

export type StoreScpOptions = {
  ingest: InstanceIngest;
  store: BlobStore;
  log: Logger;
  /** Called after each new instance is stored and indexed (not for duplicates); errors are logged. */
  onInstanceStored?: (event: InstanceStoredEvent) => void | Promise<void>;
  /** Objects larger than this are streamed to a staged file while they arrive (default 64 MiB). */
  spillBytes?: number;
  /** Larger objects are refused with Out of Resources (default 8 GiB). */
  maxObjectBytes?: number;
};

export function createStoreScp(o: StoreScpOptions): StoreService {
  const spillBytes = o.spillBytes ?? 64 << 20;
  const maxBytes = o.maxObjectBytes ?? 8 * 2 ** 30;
  return {
    kind: 'C-STORE',
    name: 'storage',
    handles: isStorageSopClass,
    chooseTransferSyntax: chooseAsSent,
    begin(start) {
      const cmd = {
        sopClassUid: start.sopClassUid,
        sopInstanceUid: start.sopInstanceUid,
        transferSyntaxUid: start.transferSyntaxUid,
        sourceAe: start.association.callingAeTitle || undefined,
      };
      const header = part10Header({ ...cmd, sourceAeTitle: cmd.sourceAe });
      const receiver = new InstanceReceiver({ store: o.store, header, spillBytes, maxBytes });
      const log = o.log.child({ association: start.association.id, callingAe: start.association.callingAeTitle });
      const failed = (code: keyof typeof DIMSE_STATUS_FOR, message: string): DimseAnswer => {
        log.warn({ code }, 'C-STORE refused');
        log.debug({ code, message, sopInstanceUid: cmd.sopInstanceUid }, 'C-STORE refused');
        return { status: DIMSE_STATUS_FOR[code], comment: errorComment(message) };
      };
      return {
        write: (chunk) => receiver.write(chunk),
        end: () => receiver.end(),
        abort: () => receiver.abort(),
        async result() {
          const received = await receiver.done;
          if (!received.ok) return failed(received.error.code, received.error.message);
          const r = await o.ingest.ingest(received.value, cmd);
          if (!r.ok) return failed(r.error.code, r.error.message);
          if (r.value.warning) log.warn({ warning: r.value.warning }, 'instance stored with a warning');
          const event = r.value.event;
          if (event && o.onInstanceStored) {
            try {
              await o.onInstanceStored(event);
            } catch (err) {
              log.error({ err }, 'onInstanceStored failed');
            }
          }
          return { status: DimseStatus.Success };
        },
      };
    },
  };
}
