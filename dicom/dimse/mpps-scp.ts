// Modality Performed Procedure Step SCP (PS3.4 F.7, standards-mappings.md 4): checks each
// N-CREATE / N-SET (mpps-scp-event.ts), hands it as a plain event to `onStep` (the appliance puts
// it through the procedure-steps channel, which records it and moves the worklist) and answers
// with the status of the one table below, once onStep has resolved, i.e. after the commit.
import { randomUUID } from 'node:crypto';
import type { Logger, Result } from '../../engine/index.ts';
import { SopClass } from '../sop-classes.ts';
import { chooseUncompressed } from '../transfer-syntaxes.ts';
import type { MppsStoreErrorCode } from '../worklist/worklist-mpps.ts';
import type { NormalizedAnswer, NormalizedRequest, NormalizedService } from './dimse-service.ts';
import { DimseStatus, errorComment } from './dimse-status.ts';
import { isValidUid, mppsCreateEvent, mppsSetEvent } from './mpps-scp-event.ts';
import type { MppsEvent, MppsRequestErrorCode } from './mpps-scp-event.ts';

export type MppsErrorCode = MppsRequestErrorCode | MppsStoreErrorCode;

/** A refusal from onStep: an MppsErrorCode, or any other code (engine, channel), answered 0110. */
export type MppsStepFailure = { code: string; message: string };
export type MppsStepResult = Result<{ note?: string | undefined }, MppsStepFailure>;

export type MppsScpOptions = {
  log: Logger;
  /** Records the event; resolves once it is committed (or refused). */
  onStep: (event: MppsEvent) => Promise<MppsStepResult>;
  /** A SOP Instance UID for an N-CREATE that sends none (PS3.4 F.7.2.1); default `2.25.<random UUID>`. */
  newUid?: () => string;
};

/**
 * The DIMSE status (and Error ID) answered for each MPPS failure (PS3.4 F.7.2.1.3 and F.7.2.2.3,
 * PS3.7 C; dcm4che for A710). Codes not listed (the engine's, a channel's) answer Processing failure.
 */
export const MPPS_DIMSE_STATUS: Record<MppsErrorCode, { status: number; errorId?: number; comment?: string }> = {
  DICOM_MPPS_INVALID_VALUE: { status: 0x0106 }, // Invalid attribute value
  DICOM_MPPS_MISSING_ATTRIBUTE: { status: 0x0120 }, // Missing attribute
  DICOM_MPPS_MISSING_VALUE: { status: 0x0121 }, // Missing attribute value
  DICOM_MPPS_INVALID_INSTANCE: { status: 0x0117 }, // Invalid object instance
  DICOM_MPPS_DUPLICATE: { status: 0x0111 }, // Duplicate SOP instance
  DICOM_MPPS_NOT_FOUND: { status: 0x0112 }, // No such object instance
  DICOM_MPPS_FINAL: { status: DimseStatus.ProcessingFailure, errorId: 0xa710, comment: 'Performed Procedure Step Object may no longer be updated' },
};

/** The answer for a refusal with `code` (see MPPS_DIMSE_STATUS). */
export function mppsFailureAnswer(failure: MppsStepFailure): NormalizedAnswer {
  const known = Object.hasOwn(MPPS_DIMSE_STATUS, failure.code) ? MPPS_DIMSE_STATUS[failure.code as MppsErrorCode] : undefined;
  return {
    status: known?.status ?? DimseStatus.ProcessingFailure,
    comment: errorComment(known?.comment ?? failure.message),
    ...(known?.errorId !== undefined ? { errorId: known.errorId } : {}),
  };
}

function newUuidUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replaceAll('-', '')}`).toString()}`;
}

export function createMppsScp(o: MppsScpOptions): NormalizedService {
  const newUid = o.newUid ?? newUuidUid;

  async function handle(kind: 'create' | 'set', request: NormalizedRequest): Promise<NormalizedAnswer> {
    const log = o.log.child({ association: request.association.id, callingAe: request.association.callingAeTitle });
    // An N-CREATE may leave the UID to the SCP; an N-SET must name the instance.
    const sopInstanceUid = kind === 'create' && request.sopInstanceUid === '' ? newUid() : request.sopInstanceUid;
    const ids = { sopInstanceUid, callingAeTitle: request.association.callingAeTitle };
    const parsed = isValidUid(sopInstanceUid)
      ? kind === 'create'
        ? mppsCreateEvent(request.dataset, ids)
        : mppsSetEvent(request.dataset, ids)
      : { ok: false as const, error: { code: 'DICOM_MPPS_INVALID_INSTANCE' as const, message: `SOP Instance UID ${JSON.stringify(sopInstanceUid)} is not a UID` } };
    if (!parsed.ok) {
      log.warn({ sopInstanceUid, code: parsed.error.code, message: parsed.error.message }, `MPPS N-${kind.toUpperCase()} refused`);
      return { ...mppsFailureAnswer(parsed.error), ...(kind === 'create' ? { sopInstanceUid } : {}) };
    }
    const event = parsed.value;
    const r = await o.onStep(event);
    if (!r.ok) {
      log.warn({ sopInstanceUid, code: r.error.code, message: r.error.message }, `MPPS N-${kind.toUpperCase()} refused`);
      return { ...mppsFailureAnswer(r.error), ...(kind === 'create' ? { sopInstanceUid } : {}) };
    }
    log.info({ sopInstanceUid, status: event.status ?? null, scheduledSteps: event.scheduledSteps.length }, `MPPS N-${kind.toUpperCase()}`);
    return { status: DimseStatus.Success, sopInstanceUid };
  }

  return {
    kind: 'normalized',
    name: 'mpps',
    handles: (uid) => uid === SopClass.ModalityPerformedProcedureStep,
    chooseTransferSyntax: chooseUncompressed,
    create: (request) => handle('create', request),
    set: (request) => handle('set', request),
  };
}
