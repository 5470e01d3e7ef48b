// ServiceRequest.status and .intent -> what happens on the worklist (standards-mappings.md 2.3,
// a convention), and the worklist status back to ServiceRequest.status.
import type { ServiceRequestStatus } from './fhir-types.ts';
import type { MwlStatus } from './worklist-shapes.ts';

/** Intents that schedule (2.3: S11 fixes `order`; the order-like sub-codes too). */
export const ORDER_INTENTS = ['order', 'original-order', 'filler-order', 'instance-order'] as const;

export type WorklistAction =
  /** active: create the order, or update it (SCHEDULED). */
  | { kind: 'schedule' }
  /** on-hold (or draft for an order that exists): keep it, offer it to no modality. */
  | { kind: 'hold'; reason: string }
  /** revoked, entered-in-error: cancel (a started procedure is discontinued instead). */
  | { kind: 'cancel'; reason: string }
  /** completed: all work done. */
  | { kind: 'complete' }
  /** Nothing on the worklist: draft (not published), unknown, or an intent that is not an order. */
  | { kind: 'none'; reason: string };

export function worklistAction(status: ServiceRequestStatus, intent: string, orderExists: boolean): WorklistAction {
  if (!(ORDER_INTENTS as readonly string[]).includes(intent)) return { kind: 'none', reason: `intent ${intent} is not an order: nothing is scheduled` };
  switch (status) {
    case 'active':
      return { kind: 'schedule' };
    case 'on-hold':
      return orderExists ? { kind: 'hold', reason: 'ServiceRequest on-hold' } : { kind: 'none', reason: 'on-hold: scheduled once it becomes active' };
    case 'draft':
      return orderExists ? { kind: 'hold', reason: 'ServiceRequest back to draft' } : { kind: 'none', reason: 'draft: not published to the worklist' };
    case 'revoked':
      return orderExists ? { kind: 'cancel', reason: 'ServiceRequest revoked' } : { kind: 'none', reason: 'revoked before it was scheduled' };
    case 'entered-in-error':
      return orderExists ? { kind: 'cancel', reason: 'ServiceRequest entered-in-error' } : { kind: 'none', reason: 'entered-in-error before it was scheduled' };
    case 'completed':
      return orderExists ? { kind: 'complete' } : { kind: 'none', reason: 'completed without being scheduled here' };
    case 'unknown':
      return { kind: 'none', reason: 'status unknown: no change' };
  }
}

/** The worklist status as ServiceRequest.status; `held` items (on hold or draft) keep what was posted. */
export function serviceRequestStatus(status: MwlStatus, held?: 'on-hold' | 'draft'): ServiceRequestStatus {
  switch (status) {
    case 'SCHEDULED':
    case 'IN PROGRESS':
      return held ?? 'active';
    case 'COMPLETED':
      return 'completed';
    case 'DISCONTINUED':
    case 'CANCELLED':
      return 'revoked';
  }
}

/** The worklist statuses a ServiceRequest.status search value stands for. */
export function worklistStatusesFor(status: string): MwlStatus[] {
  switch (status) {
    case 'active':
    case 'on-hold':
    case 'draft':
      return ['SCHEDULED', 'IN PROGRESS'];
    case 'completed':
      return ['COMPLETED'];
    case 'revoked':
    case 'entered-in-error':
      return ['CANCELLED', 'DISCONTINUED'];
    default:
      return [];
  }
}
