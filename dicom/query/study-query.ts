// A query of the study index, parsed once from whatever asked (a C-FIND identifier, the /api
// list filters, later QIDO-RS) and then read by the SQL builder and the in-memory matcher alike.
import type { QueryLevel } from './query-attributes.ts';

/** PS3.4 C.2.2.2: single value, list of UIDs or values (any may match), wildcard (* and ?), range. */
export type Matcher =
  | { type: 'single'; value: string }
  | { type: 'list'; values: string[] }
  | { type: 'wildcard'; pattern: string }
  | { type: 'range'; from?: string; to?: string };

export type Condition = { keyword: string; matcher: Matcher };

export type StudyQuery = {
  level: QueryLevel;
  /** Every condition must hold; attributes with universal matching have none. */
  conditions: Condition[];
  /** Free text (the UI's search box): a case-insensitive substring of patient name or ID, accession or study description. */
  text?: string;
  /** Tags to return (8 hex digits), in the order asked, with the VR the requester gave. */
  returnKeys: { tag: string; vr: string }[];
};

export type SortOrder = 'ASC' | 'DESC';
