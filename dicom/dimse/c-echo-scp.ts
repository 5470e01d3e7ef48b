// Verification SCP (PS3.4 A): C-ECHO answers Success while the listener runs.
import { SopClass } from '../sop-classes.ts';
import { chooseUncompressed } from '../transfer-syntaxes.ts';
import type { EchoService } from './dimse-service.ts';
import { DimseStatus } from './dimse-status.ts';

export function createEchoScp(): EchoService {
  return {
    kind: 'C-ECHO',
    name: 'verification',
    handles: (uid) => uid === SopClass.Verification,
    chooseTransferSyntax: chooseUncompressed,
    echo: async () => ({ status: DimseStatus.Success }),
  };
}
