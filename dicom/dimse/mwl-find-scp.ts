// Modality Worklist Information Model - FIND SCP (PS3.4 K, standards-mappings.md 3): the
// identifier is parsed once into a WorklistFind, candidates are read a page at a time in
// schedule order (SQL narrows on the indexed columns, worklist-find-match.ts decides), and each
// match is answered Pending with the keys asked for, then Success, or Cancel after a C-CANCEL.
// Only open items with every Type 1 value are offered. Keys given a value this SCP does not match
// on are matched universally and the matches answered Pending FF01 (K.4.1.2.2).
import type { Logger } from '../../engine/index.ts';
import { SopClass } from '../sop-classes.ts';
import { chooseUncompressed } from '../transfer-syntaxes.ts';
import type { SqlClient } from '../worklist/sql-client.ts';
import { parseWorklistFind, worklistView } from '../worklist/worklist-find.ts';
import { matchesWorklistFind } from '../worklist/worklist-find-match.ts';
import { worklistFindResponse } from '../worklist/worklist-find-response.ts';
import { cursorOf, findWorklistPage } from '../worklist/worklist-find-sql.ts';
import type { WorklistFindCursor } from '../worklist/worklist-find-sql.ts';
import { missingType1Keys } from '../worklist/worklist-item.ts';
import type { FindAnswer, FindService } from './dimse-service.ts';
import { DIMSE_STATUS_FOR, DimseStatus, errorComment } from './dimse-status.ts';

export type WorklistFindScpOptions = { db: SqlClient; log: Logger; pageSize?: number };

/** Pending: matches are continuing, but one or more optional keys were not supported (PS3.4 C.4.1.1.4). */
export const PENDING_OPTIONAL_KEYS_UNSUPPORTED = 0xff01;

export function createWorklistFindScp(o: WorklistFindScpOptions): FindService {
  const pageSize = o.pageSize ?? 100;
  return {
    kind: 'C-FIND',
    name: 'worklist',
    handles: (uid) => uid === SopClass.ModalityWorklistFind,
    chooseTransferSyntax: chooseUncompressed,
    async *find(request, signal): AsyncGenerator<FindAnswer> {
      const started = performance.now();
      const association = request.association.id;
      // dcmjs-dimse offers no extended negotiation, so combined date-time matching is never agreed: date and time match independently.
      const parsed = parseWorklistFind(request.identifier, { combinedDateTime: false });
      if (!parsed.ok) {
        o.log.warn({ association, callingAe: request.association.callingAeTitle, code: parsed.error.code, message: parsed.error.message }, 'worklist C-FIND refused');
        yield { status: DIMSE_STATUS_FOR[parsed.error.code], comment: errorComment(parsed.error.message) };
        return;
      }
      const find = parsed.value;
      const pending = find.unsupported.length ? PENDING_OPTIONAL_KEYS_UNSUPPORTED : DimseStatus.Pending;
      let after: WorklistFindCursor | undefined;
      let matches = 0;
      while (!signal.aborted) {
        const rows = await findWorklistPage(o.db, find, after, pageSize);
        for (const row of rows) {
          if (signal.aborted) break;
          after = cursorOf(row);
          const view = worklistView(row.item, row.status);
          if (missingType1Keys(row.item).length > 0 || !matchesWorklistFind(find, view)) continue;
          matches++;
          yield { status: pending, identifier: worklistFindResponse(find, view) };
        }
        if (rows.length < pageSize) break;
      }
      o.log.debug(
        { association, callingAe: request.association.callingAeTitle, matches, unsupported: find.unsupported, cancelled: signal.aborted, ms: Math.round(performance.now() - started) },
        'worklist C-FIND answered',
      );
      yield { status: signal.aborted ? DimseStatus.Cancel : DimseStatus.Success };
    },
  };
}
