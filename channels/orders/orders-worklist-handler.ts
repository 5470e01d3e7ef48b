// The orders channel's sync destination: maps each ORM^O01, OMI^O23 and ADT message and applies
// it to the worklist store inside the transaction that stores the message, before the ACK. A
// failure (a required field missing, an unknown order for XO/CA) is returned, never thrown: the
// engine rolls this handler's writes back to its savepoint and answers AE with an ERR naming the
// field, and the message stays in the store with status error (reprocessable).
import { randomUUID } from 'node:crypto';
import type { Hl7Message } from '@medplum/core';
import { cancelOrder, changeOrderStatus, createOrder, mergePatients, updateOrder, updatePatient } from '../../dicom/index.ts';
import type { OrderOutcome, WorklistError, WorklistEvent } from '../../dicom/index.ts';
import { getValue } from '../../engine/index.ts';
import type { HandlerContext, HandlerFn, ProcessingError, Result } from '../../engine/index.ts';
import { adtA40ToPatientMerge } from './adt-a40-to-patient-merge.ts';
import { adtToPatientUpdate } from './adt-to-patient-update.ts';
import { formatLocation } from './mapping-issues.ts';
import type { Hl7Location, MappingIssue } from './mapping-issues.ts';
import { omiO23ToWorklistItems } from './omi-o23-to-worklist-items.ts';
import type { MappedOrder, OrderMessage } from './order-message-to-worklist.ts';
import { ormO01ToWorklistItems } from './orm-o01-to-worklist-items.ts';
import type { WorklistTables } from './worklist-tables.ts';

/** The handler's own failures (the mapping's are in mapping-issues.ts), each with its HL7 error code. */
export const HANDLER_FAILURES = {
  CHANNEL_ORDER_NOT_HL7: { hl7ErrorCode: '207', meaning: 'the delivery carries no parsed HL7 message (the channel is not an hl7v2 channel)' },
  CHANNEL_ORDER_UNKNOWN: { hl7ErrorCode: '204', meaning: 'XO, CA, DC or SC for an order the worklist does not know (ORC-2/ORC-3)' },
  CHANNEL_ORDER_CONFLICT: { hl7ErrorCode: '207', meaning: 'ORC-2 and ORC-3 name two different known orders' },
  CHANNEL_ORDER_CLOSED: { hl7ErrorCode: '207', meaning: 'XO for an order that is cancelled or discontinued' },
  CHANNEL_ORDER_REFUSED: { hl7ErrorCode: '207', meaning: 'a status change the order cannot make (cancelling a completed procedure)' },
  CHANNEL_ORDER_INVALID: { hl7ErrorCode: '207', meaning: 'the worklist cannot store the order as mapped (two steps with one SPS ID)' },
  CHANNEL_ORDER_INTERNAL: { hl7ErrorCode: '207', meaning: 'an unexpected error while applying the message; the log has the details' },
} as const;

export type OrdersWorklistOptions = {
  tables: WorklistTables;
  /** Study Instance UIDs for orders that send none; default `2.25.<random UUID as decimal>`. */
  newUid?: () => string;
};

/** A UID from a random UUID (PS3.5 B.2: `2.25.` and the UUID as one decimal integer). */
export function newUuidUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replaceAll('-', '')}`).toString()}`;
}

export function createOrdersWorklistHandler(options: OrdersWorklistOptions): HandlerFn {
  const newUid = options.newUid ?? newUuidUid;
  return async (delivery, ctx) => {
    const msg = delivery.hl7;
    if (!msg) return failure('CHANNEL_ORDER_NOT_HL7', 'the orders worklist handler needs an HL7 v2 message');
    const event: WorklistEvent = { source: 'hl7', messageId: delivery.messageId };
    try {
      return await apply(msg, ctx, event, options.tables, newUid);
    } catch (err) {
      // A bug or a database failure: refuse this message (its writes are rolled back) and keep serving.
      ctx.log.error({ err, messageId: delivery.messageId }, 'orders worklist handler failed');
      return failure('CHANNEL_ORDER_INTERNAL', `the worklist could not be updated: ${(err as Error).message}`, undefined, false);
    }
  };
}

async function apply(msg: Hl7Message, ctx: HandlerContext, event: WorklistEvent, tables: WorklistTables, newUid: () => string): Promise<Result<{ response?: string }, ProcessingError>> {
  const type = getValue(msg, 'MSH-9.1').toUpperCase();
  const trigger = getValue(msg, 'MSH-9.2').toUpperCase();
  const mappingCtx = { tables, newUid };
  if (type === 'ORM' || type === 'OMI') {
    const expected = type === 'ORM' ? 'O01' : 'O23';
    if (trigger !== expected) return unsupported('CHANNEL_ORDER_UNSUPPORTED_EVENT', `${type}^${trigger} is not mapped to the worklist (${type}^${expected} is)`, 2);
    const mapped = type === 'ORM' ? ormO01ToWorklistItems(msg, mappingCtx) : omiO23ToWorklistItems(msg, mappingCtx);
    if (!mapped.ok) return mappingFailure(mapped.error);
    return applyOrders(ctx, mapped.value, event);
  }
  if (type === 'ADT') {
    if (trigger === 'A01' || trigger === 'A04' || trigger === 'A08') {
      const mapped = adtToPatientUpdate(msg, { tables });
      if (!mapped.ok) return mappingFailure(mapped.error);
      const r = await updatePatient(ctx.db, mapped.value.patient, { ...event, note: `ADT^${trigger}` });
      if (!r.ok) return storeFailure(r.error, undefined);
      const what = r.value.created ? 'patient created' : r.value.changed ? 'patient updated' : 'patient unchanged';
      return { ok: true, value: { response: `${what}; ${r.value.itemIds.length} open worklist item(s) updated${r.value.itemIds.length ? ` (${r.value.itemIds.join(', ')})` : ''}${warningText(mapped.value.warnings)}` } };
    }
    if (trigger === 'A40') {
      const mapped = adtA40ToPatientMerge(msg, { tables });
      if (!mapped.ok) return mappingFailure(mapped.error);
      const lines: string[] = [];
      for (const m of mapped.value.merges) {
        const r = await mergePatients(ctx.db, m.mergedFrom, m.patient, { ...event, note: 'ADT^A40' });
        if (!r.ok) return storeFailure(r.error, { segment: 'MRG', sequence: 1, field: 1 });
        lines.push(`patient ${m.mergedFrom.PatientID} merged into ${m.patient.PatientID}: ${r.value.movedItemIds.length} worklist item(s), ${r.value.movedOrders} order(s) moved`);
      }
      return { ok: true, value: { response: lines.join('; ') + warningText(mapped.value.warnings) } };
    }
    // Other ADT events (A02 transfer, A03 discharge ...) change nothing on the worklist: accepted.
    return { ok: true, value: { response: `ADT^${trigger}: no worklist change` } };
  }
  return unsupported('CHANNEL_ORDER_UNSUPPORTED_TYPE', `${type}^${trigger} is not mapped to the worklist (ORM^O01, OMI^O23, ADT^A01/A04/A08/A40 are)`, 1);
}

async function applyOrders(ctx: HandlerContext, mapped: OrderMessage, event: WorklistEvent): Promise<Result<{ response?: string }, ProcessingError>> {
  const lines: string[] = [];
  let patientDone = false;
  for (const order of mapped.orders) {
    const ev: WorklistEvent = { ...event, note: `${mapped.messageType} ORC-1 ${order.orderControl}${order.orderStatus ? ` ORC-5 ${order.orderStatus}` : ''}` };
    const ref = { placer: order.placer, filler: order.filler, studyInstanceUid: order.studyInstanceUid };
    let r: Result<OrderOutcome, WorklistError>;
    switch (order.action) {
      case 'create':
        // A new order creates or updates its patient (1.4 "patient upsert from PID/PV1").
        if (!patientDone) {
          const p = await updatePatient(ctx.db, mapped.patient, ev);
          if (!p.ok) return storeFailure(p.error, order.location);
          patientDone = true;
        }
        r = await createOrder(ctx.db, { placer: order.placer, filler: order.filler, items: order.items, studyInstanceUidGenerated: order.studyInstanceUidGenerated }, ev);
        break;
      case 'update':
        r = await updateOrder(
          ctx.db,
          ref,
          { placer: order.placer, filler: order.filler, items: order.items, studyInstanceUidGenerated: order.studyInstanceUidGenerated, patientAndVisit: 'keep', status: order.status },
          ev,
        );
        break;
      case 'cancel':
      case 'discontinue':
        r = await cancelOrder(ctx.db, ref, order.status === 'DISCONTINUED' ? 'DISCONTINUED' : 'CANCELLED', ev);
        break;
      case 'status':
        r = await changeOrderStatus(ctx.db, ref, order.status, ev);
        break;
      case 'ignore':
        lines.push(`ORC-1 ${order.orderControl}: nothing to do`);
        continue;
    }
    if (!r.ok) return storeFailure(r.error, order.location, order);
    lines.push(describeOutcome(order, r.value));
    const unoffered = r.value.items.filter((i) => i.missingType1.length && (i.status === 'SCHEDULED' || i.status === 'IN PROGRESS'));
    if (unoffered.length) {
      ctx.log.warn({ messageId: event.messageId, orderId: r.value.orderId, items: unoffered.map((i) => ({ id: i.id, missingType1: i.missingType1 })) }, 'worklist items stored without all Type 1 keys: not offered to modalities');
    }
  }
  return { ok: true, value: { response: lines.join('; ') + warningText(mapped.warnings) } };
}

function describeOutcome(order: MappedOrder, o: OrderOutcome): string {
  const id = order.filler?.number ?? order.placer?.number ?? '';
  const items = o.items.map((i) => `item ${i.id} ${i.spsId} ${i.action} ${i.status}${i.missingType1.length ? ` (not offered: missing ${i.missingType1.join(', ')})` : ''}`);
  return `order ${o.orderId} ${id} ${o.action}${o.note ? ` (${o.note})` : ''}: ${items.join(', ')}`;
}

function warningText(warnings: MappingIssue[]): string {
  return warnings.length ? `; warnings: ${warnings.map((w) => w.message).join('; ')}` : '';
}

function failure(code: keyof typeof HANDLER_FAILURES | MappingIssue['code'], message: string, location?: Hl7Location, permanent = true, hl7ErrorCode?: string): { ok: false; error: ProcessingError } {
  const hl7Code = hl7ErrorCode ?? (code in HANDLER_FAILURES ? HANDLER_FAILURES[code as keyof typeof HANDLER_FAILURES].hl7ErrorCode : '207');
  return { ok: false, error: { code, message, permanent, hl7: { hl7ErrorCode: hl7Code, ...(location ? { location } : {}) } } };
}

function unsupported(code: 'CHANNEL_ORDER_UNSUPPORTED_TYPE' | 'CHANNEL_ORDER_UNSUPPORTED_EVENT', message: string, component: number) {
  return failure(code, message, { segment: 'MSH', sequence: 1, field: 9, component }, true, code === 'CHANNEL_ORDER_UNSUPPORTED_TYPE' ? '200' : '201');
}

/** The first error names the field (ERR); the text lists every error found. */
function mappingFailure(issues: MappingIssue[]): { ok: false; error: ProcessingError } {
  const errors = issues.filter((i) => i.severity === 'error');
  const first = errors[0];
  if (!first) return failure('CHANNEL_ORDER_INTERNAL', 'the mapping failed without saying why');
  return failure(first.code, errors.map((e) => e.message).join('; '), first.location, true, first.hl7ErrorCode);
}

function storeFailure(e: WorklistError, orc: Hl7Location | undefined, order?: MappedOrder): { ok: false; error: ProcessingError } {
  const seg = orc ? { segment: orc.segment, sequence: orc.sequence } : undefined;
  switch (e.code) {
    case 'DICOM_WORKLIST_ORDER_NOT_FOUND': {
      const field = order?.filler && !order.placer ? 3 : 2;
      const where = seg && { ...seg, field };
      return failure('CHANNEL_ORDER_UNKNOWN', `${where ? `${formatLocation(where)}: ` : ''}${e.message}`, where);
    }
    case 'DICOM_WORKLIST_ORDER_CONFLICT':
      return failure('CHANNEL_ORDER_CONFLICT', e.message, seg && { ...seg, field: 2 });
    case 'DICOM_WORKLIST_ORDER_CLOSED':
      return failure('CHANNEL_ORDER_CLOSED', e.message, seg && { ...seg, field: 1 });
    case 'DICOM_WORKLIST_STATUS_REFUSED':
      return failure('CHANNEL_ORDER_REFUSED', e.message, seg && { ...seg, field: 1 });
    default:
      return failure('CHANNEL_ORDER_INVALID', e.message, orc);
  }
}
