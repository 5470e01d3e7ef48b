// Query/Retrieve C-GET SCP (PS3.4 C.4.3), Study Root and Patient Root, at every level: the
// instances go back on the requesting association, over the storage contexts the requester
// proposed in the SCP role (dicom-scp.ts accepts that role when a C-GET context is present).
import { SopClass } from '../sop-classes.ts';
import { chooseUncompressed } from '../transfer-syntaxes.ts';
import type { RetrieveAnswer, RetrieveService } from './dimse-service.ts';
import { prepareRetrieve, RetrieveStatus, runSubOperations } from './retrieve-scp.ts';
import type { RetrieveScpOptions } from './retrieve-scp.ts';

export type GetScpOptions = RetrieveScpOptions;

export function createGetScp(o: GetScpOptions): RetrieveService {
  return {
    kind: 'C-GET',
    name: 'retrieve-get',
    handles: (uid) => uid === SopClass.StudyRootGet || uid === SopClass.PatientRootGet,
    chooseTransferSyntax: chooseUncompressed,
    async *retrieve(request, signal, requester): AsyncGenerator<RetrieveAnswer> {
      const log = o.log.child({ association: request.association.id, callingAe: request.association.callingAeTitle, op: 'C-GET', messageId: request.messageId });
      const model = request.sopClassUid === SopClass.PatientRootGet ? 'PATIENT_ROOT' : 'STUDY_ROOT';
      const prepared = await prepareRetrieve(o, request, model, log);
      if (!prepared.ok) return yield prepared.answer;
      log.info({ level: prepared.selection.level, keys: prepared.selection.keys, instances: prepared.instances.length }, 'C-GET started');
      if (prepared.instances.length === 0) return yield { status: RetrieveStatus.Success, progress: { remaining: 0, completed: 0, failed: 0, warning: 0 } };
      yield* runSubOperations(o, prepared.instances, requester, signal, log);
    },
  };
}
