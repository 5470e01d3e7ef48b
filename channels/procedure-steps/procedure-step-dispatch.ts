// The MPPS SCP's onStep: each N-CREATE / N-SET becomes a message of the procedure-steps channel,
// with the worklist items and orders it performs resolved first (the status report to the
// ordering system is planned from them before the transaction that records the step). Resolves
// after the engine committed; a refusal carries the code the SCP maps to its DIMSE status.
import { linkProcedureStep } from '../../dicom/index.ts';
import type { MppsEvent, MppsStepResult, WorklistSqlClient } from '../../dicom/index.ts';
import type { EngineError, InboundInput, InboundOutcome, Result } from '../../engine/index.ts';
import { PROCEDURE_STEPS_CHANNEL_ID } from './procedure-steps-channel.ts';
import type { ProcedureStepMessage } from './procedure-step-message.ts';

export type ProcedureStepDispatchDeps = {
  db: WorklistSqlClient;
  /** Engine.dispatch. */
  dispatch(channelId: string, input: InboundInput): Promise<Result<InboundOutcome, EngineError>>;
};

export function createProcedureStepDispatcher(deps: ProcedureStepDispatchDeps): (event: MppsEvent) => Promise<MppsStepResult> {
  return async (event) => {
    const links = await linkProcedureStep(deps.db, event);
    const message: ProcedureStepMessage = { event, links };
    const r = await deps.dispatch(PROCEDURE_STEPS_CHANNEL_ID, {
      text: JSON.stringify(message),
      source: { connector: 'dicom', service: 'MPPS', operation: event.kind === 'create' ? 'N-CREATE' : 'N-SET', callingAeTitle: event.callingAeTitle },
    });
    if (!r.ok) return { ok: false, error: { code: r.error.code, message: r.error.message } };
    // The sync destination's refusal; a failing status report alone (a queued destination) does not refuse the step.
    if (r.value.error) return { ok: false, error: { code: r.value.error.code, message: r.value.error.message } };
    return { ok: true, value: { note: `message ${r.value.messageId}` } };
  };
}
