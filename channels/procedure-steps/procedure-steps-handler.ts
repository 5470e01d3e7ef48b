// The procedure-steps channel's sync destination: records the MPPS event and moves its worklist
// items inside the transaction that stores the message (and queues the status report), so the
// modality's DIMSE answer, sent after the commit, means all of it happened. A refusal (a duplicate
// N-CREATE, an N-SET of an unknown or ended step) is returned with the store's code, which the
// MPPS SCP turns into its DIMSE status; the engine rolls this handler's writes back.
import { recordProcedureStep } from '../../dicom/index.ts';
import type { LinkedOrder, ProcedureStepOutcome, WorklistEvent } from '../../dicom/index.ts';
import type { HandlerFn } from '../../engine/index.ts';
import { parseProcedureStepMessage } from './procedure-step-message.ts';

export const PROCEDURE_STEPS_HANDLER_FAILURES = {
  CHANNEL_MPPS_INTERNAL: 'an unexpected error while recording the step; the log has the details',
} as const;

function orderText(o: LinkedOrder): string {
  const numbers = [o.placer?.number, o.filler?.number].filter(Boolean).join('/');
  return `order ${o.orderId}${numbers ? ` (${numbers})` : ''} ${o.status}`;
}

/** The delivery's response, shown in the message browser. */
export function describeOutcome(kind: 'create' | 'set', r: ProcedureStepOutcome): string {
  const parts = [`${kind === 'create' ? 'N-CREATE' : 'N-SET'} ${r.sopInstanceUid}: ${r.previousStatus && r.previousStatus !== r.status ? `${r.previousStatus} -> ` : ''}${r.status}`];
  const moved = r.items.filter((i) => i.action !== 'unchanged');
  if (moved.length) parts.push(`worklist item(s) ${moved.map((i) => `${i.id} ${i.status}`).join(', ')}`);
  if (r.changedOrders.length) parts.push(r.changedOrders.map(orderText).join(', '));
  return [...parts, ...r.notes].join('; ');
}

export function createProcedureStepsHandler(): HandlerFn {
  return async (delivery, ctx) => {
    const parsed = parseProcedureStepMessage(delivery.content);
    if (!parsed.ok) return parsed;
    const { event, links } = parsed.value;
    const we: WorklistEvent = { source: 'mpps', messageId: delivery.messageId, note: `MPPS ${event.kind === 'create' ? 'N-CREATE' : 'N-SET'} ${event.sopInstanceUid}` };
    try {
      const r = await recordProcedureStep(ctx.db, { event, itemIds: links.itemIds }, we);
      if (!r.ok) return { ok: false, error: { code: r.error.code, message: r.error.message, permanent: true } };
      return { ok: true, value: { response: describeOutcome(event.kind, r.value) } };
    } catch (err) {
      // A bug or a database failure: refuse this step (its writes are rolled back) and keep serving.
      ctx.log.error({ err, messageId: delivery.messageId }, 'procedure-steps handler failed');
      return { ok: false, error: { code: 'CHANNEL_MPPS_INTERNAL', message: `the step could not be recorded: ${(err as Error).message}` } };
    }
  };
}
