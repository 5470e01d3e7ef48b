// The life of a worklist item. DICOM itself defines SCHEDULED/ARRIVED/READY/STARTED/DEPARTED for
// (0040,0020); COMPLETED, DISCONTINUED and CANCELLED follow dcm4chee (standards-mappings.md 1.4,
// "convention"), and IN PROGRESS is the MPPS state (4.1). Only open items are offered to modalities.

export const WORKLIST_STATUSES = ['SCHEDULED', 'IN PROGRESS', 'COMPLETED', 'DISCONTINUED', 'CANCELLED'] as const;
export type WorklistStatus = (typeof WORKLIST_STATUSES)[number];

/** Items a modality may still perform; demographics updates flow to these. */
export const OPEN_STATUSES: readonly WorklistStatus[] = ['SCHEDULED', 'IN PROGRESS'];

export function isWorklistStatus(value: unknown): value is WorklistStatus {
  return typeof value === 'string' && (WORKLIST_STATUSES as readonly string[]).includes(value);
}

export function isOpenStatus(status: WorklistStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

export type StatusDecision =
  | { ok: true; next: WorklistStatus; changed: boolean; note?: string }
  | { ok: false; reason: string };

/**
 * What asking an item in `current` to become `requested` does:
 * - CANCELLED: a SCHEDULED item is cancelled; a started one (IN PROGRESS) is DISCONTINUED instead,
 *   because a cancel is allowed only while no procedure step has started (1.4);
 * - DISCONTINUED: open items stop;
 * - COMPLETED: open items complete;
 * - IN PROGRESS: a SCHEDULED item starts (MPPS N-CREATE);
 * - SCHEDULED: only confirms a SCHEDULED item.
 * Asking for the state an item is in already changes nothing (a repeated cancel is answered like
 * the first); a cancelled or discontinued item stays closed, and a completed one cannot be cancelled.
 */
export function decideStatus(current: WorklistStatus, requested: WorklistStatus): StatusDecision {
  const same = { ok: true as const, next: current, changed: false };
  const closed = current === 'CANCELLED' || current === 'DISCONTINUED';
  switch (requested) {
    case 'CANCELLED':
      if (current === 'SCHEDULED') return { ok: true, next: 'CANCELLED', changed: true };
      if (current === 'IN PROGRESS') return { ok: true, next: 'DISCONTINUED', changed: true, note: 'the procedure had started: discontinued rather than cancelled' };
      if (closed) return same;
      return { ok: false, reason: 'the procedure is COMPLETED and cannot be cancelled' };
    case 'DISCONTINUED':
      if (current === 'SCHEDULED' || current === 'IN PROGRESS') return { ok: true, next: 'DISCONTINUED', changed: true };
      if (closed) return same;
      return { ok: false, reason: 'the procedure is COMPLETED and cannot be discontinued' };
    case 'COMPLETED':
      if (current === 'SCHEDULED' || current === 'IN PROGRESS') return { ok: true, next: 'COMPLETED', changed: true };
      if (current === 'COMPLETED') return same;
      return { ok: false, reason: `the procedure is ${current} and cannot be completed` };
    case 'IN PROGRESS':
      if (current === 'SCHEDULED') return { ok: true, next: 'IN PROGRESS', changed: true };
      if (current === 'IN PROGRESS') return same;
      return { ok: false, reason: `the procedure is ${current} and cannot start` };
    case 'SCHEDULED':
      if (current === 'SCHEDULED') return same;
      return { ok: false, reason: `the procedure is ${current} and cannot be scheduled again` };
  }
}

/**
 * An order's status from its items': IN PROGRESS while any step runs, SCHEDULED while any waits,
 * else COMPLETED when any completed, DISCONTINUED when any stopped, CANCELLED when all were.
 */
export function rollUpStatus(statuses: readonly WorklistStatus[]): WorklistStatus {
  for (const s of ['IN PROGRESS', 'SCHEDULED', 'COMPLETED', 'DISCONTINUED'] as const) if (statuses.includes(s)) return s;
  return 'CANCELLED';
}
