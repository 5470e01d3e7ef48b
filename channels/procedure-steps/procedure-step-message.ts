// The procedure-steps channel's message: one MPPS event (N-CREATE or N-SET, as the DIMSE service
// read it) and the worklist items and orders it performs, resolved when it arrived. JSON, so the
// message browser shows it as it was applied, and reprocessing applies the same thing again.
import { z } from 'zod';
import { PPS_STATUSES } from '../../dicom/index.ts';
import type { MppsEvent, ProcedureStepLinks } from '../../dicom/index.ts';
import type { ProcessingError, Result } from '../../engine/index.ts';

export type ProcedureStepMessage = { event: MppsEvent; links: ProcedureStepLinks };

/** ORC-5 (table 0038) for the event (standards-mappings.md 4.2); undefined: nothing to report. */
export type ReportedOrderStatus = 'IP' | 'CM' | 'DC';

export function reportedOrderStatus(event: Pick<MppsEvent, 'kind' | 'status'>): ReportedOrderStatus | undefined {
  if (event.kind === 'create') return 'IP';
  if (event.status === 'COMPLETED') return 'CM';
  if (event.status === 'DISCONTINUED') return 'DC';
  return undefined; // an intermediate N-SET: the step still runs, the order's status is unchanged
}

export const PROCEDURE_STEP_MESSAGE_FAILURES = {
  CHANNEL_MPPS_INVALID_MESSAGE: 'the message is not a procedure-step event ({ event, links }) as the DICOM listener writes it',
} as const;

// The parts the channel relies on are checked; the rest (the data set, order details) passes as is.
const status = z.enum(PPS_STATUSES);
const messageSchema = z.object({
  event: z.looseObject({
    kind: z.enum(['create', 'set']),
    sopInstanceUid: z.string().min(1),
    callingAeTitle: z.string(),
    status: status.optional(),
    scheduledSteps: z.array(z.looseObject({ studyInstanceUid: z.string() })),
    dataset: z.record(z.string(), z.unknown()),
  }),
  links: z.looseObject({
    itemIds: z.array(z.number().int()),
    orders: z.array(z.looseObject({ orderId: z.number().int(), steps: z.array(z.looseObject({ itemId: z.number().int() })) })),
  }),
});

export function parseProcedureStepMessage(text: string): Result<ProcedureStepMessage, ProcessingError> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: { code: 'CHANNEL_MPPS_INVALID_MESSAGE', message: `not JSON: ${(err as Error).message}`, permanent: true } };
  }
  const parsed = messageSchema.safeParse(json);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ');
    return { ok: false, error: { code: 'CHANNEL_MPPS_INVALID_MESSAGE', message, permanent: true } };
  }
  // Checked above in the parts used here; the loose objects carry the remaining fields as written.
  return { ok: true, value: json as ProcedureStepMessage };
}
