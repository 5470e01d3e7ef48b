// ORC-1 (order control, HL7 table 0119) and ORC-5 (order status, table 0038) -> what happens to
// the worklist (standards-mappings.md 1.4).
import type { WorklistStatus } from '../../dicom/index.ts';

export type OrderAction = 'create' | 'update' | 'cancel' | 'discontinue' | 'status' | 'ignore';

/** The action, and the status it asks for (none: keep the current one). */
export type OrderControl = { action: OrderAction; status?: WorklistStatus };

/**
 * - NW (new), SN (send number: a filler-initiated order): create, SCHEDULED;
 * - XO (change), XR (changed as requested): update; with ORC-5 CM the steps become COMPLETED;
 * - CA (cancel), OC (cancelled by the filler), CR (cancelled as requested): CANCELLED;
 * - DC (discontinue), OD, DR: DISCONTINUED;
 * - SC (status changed): by ORC-5: CM or A -> COMPLETED, CA -> CANCELLED, DC -> DISCONTINUED,
 *   IP, SC, HD or empty -> no change (recorded);
 * - OK, UA, UC, UD, UX, NA (answers in a placer/filler conversation): nothing to do.
 * undefined: not a table 0119 code the worklist knows.
 */
export function orderControl(orc1: string, orc5: string): OrderControl | undefined {
  const status = orc5.toUpperCase();
  switch (orc1.toUpperCase()) {
    case 'NW':
    case 'SN':
      return { action: 'create', status: 'SCHEDULED' };
    case 'XO':
    case 'XR':
      return status === 'CM' ? { action: 'update', status: 'COMPLETED' } : { action: 'update' };
    case 'CA':
    case 'OC':
    case 'CR':
      return { action: 'cancel', status: 'CANCELLED' };
    case 'DC':
    case 'OD':
    case 'DR':
      return { action: 'discontinue', status: 'DISCONTINUED' };
    case 'SC':
      if (status === 'CM' || status === 'A') return { action: 'status', status: 'COMPLETED' };
      if (status === 'CA') return { action: 'status', status: 'CANCELLED' };
      if (status === 'DC') return { action: 'status', status: 'DISCONTINUED' };
      return { action: 'status' };
    case 'OK':
    case 'UA':
    case 'UC':
    case 'UD':
    case 'UX':
    case 'NA':
      return { action: 'ignore' };
    default:
      return undefined;
  }
}
