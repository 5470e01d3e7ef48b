// Query SCP (PS3.4 C.4.1), Patient Root and Study Root, at the PATIENT, STUDY, SERIES and IMAGE
// levels: the identifier is parsed once into a StudyQuery, matches are read a page at a time and
// answered Pending one by one, then Success, or Cancel after a C-CANCEL.
import type { Logger } from '../../engine/index.ts';
import { findResponse } from '../query/find-response.ts';
import { parseFindIdentifier } from '../query/parse-find-identifier.ts';
import { ATTRIBUTE_BY_TAG } from '../query/query-attributes.ts';
import { SopClass } from '../sop-classes.ts';
import type { IndexDb } from '../study-index/index-db.ts';
import { searchStudyIndex } from '../study-index/search-index.ts';
import { chooseUncompressed } from '../transfer-syntaxes.ts';
import type { FindAnswer, FindService } from './dimse-service.ts';
import { DIMSE_STATUS_FOR, DimseStatus, errorComment } from './dimse-status.ts';

export type FindScpOptions = { db: IndexDb; aeTitle: string; log: Logger; pageSize?: number };

/** Keys answered without the index (QueryRetrieveLevel, RetrieveAETitle, InstanceAvailability, SpecificCharacterSet). */
const SERVICE_KEYS = new Set(['00080052', '00080054', '00080056', '00080005']);

export function createFindScp(o: FindScpOptions): FindService {
  const pageSize = o.pageSize ?? 200;
  return {
    kind: 'C-FIND',
    name: 'query',
    handles: (uid) => uid === SopClass.StudyRootFind || uid === SopClass.PatientRootFind,
    chooseTransferSyntax: chooseUncompressed,
    async *find(request, signal): AsyncGenerator<FindAnswer> {
      const model = request.sopClassUid === SopClass.PatientRootFind ? 'PATIENT_ROOT' : 'STUDY_ROOT';
      const parsed = parseFindIdentifier(request.identifier, model);
      if (!parsed.ok) {
        o.log.warn({ association: request.association.id, code: parsed.error.code, message: parsed.error.message }, 'C-FIND refused');
        yield { status: DIMSE_STATUS_FOR[parsed.error.code], comment: errorComment(parsed.error.message) };
        return;
      }
      const q = parsed.value;
      const withMetadata = q.level === 'IMAGE' && q.returnKeys.some((k) => !ATTRIBUTE_BY_TAG.has(k.tag) && !SERVICE_KEYS.has(k.tag));
      let after = 0;
      let matches = 0;
      for (;;) {
        const rows = await searchStudyIndex(o.db, q, { afterId: after, limit: pageSize, withMetadata });
        for (const row of rows) {
          if (signal.aborted) break;
          matches++;
          yield { status: DimseStatus.Pending, identifier: findResponse(q, row, { model, retrieveAeTitle: o.aeTitle, metadata: row._metadata ?? null }) };
          after = row._id;
        }
        if (signal.aborted || rows.length < pageSize) break;
      }
      o.log.debug({ association: request.association.id, level: q.level, matches, cancelled: signal.aborted }, 'C-FIND answered');
      yield { status: signal.aborted ? DimseStatus.Cancel : DimseStatus.Success };
    },
  };
}
