// A procedure step's status report to the ordering system (standards-mappings.md 4.2, RAD-3
// style, filler -> placer): ORM^O01 v2.3.1 with PID, then per order performed ORC-1 `SC`, ORC-2/3
// placer/filler order numbers, ORC-5 `IP` (N-CREATE), `CM` (N-SET COMPLETED) or `DC` (N-SET
// DISCONTINUED, with the reason in ORC-16), and OBR with the procedure (OBR-4), the performed
// step's start/end (OBR-7/8), accession (OBR-18) and Requested Procedure ID (OBR-19).
// Pure: the clock and the control ID come in `ctx`.
import { escapeHl7 } from '../../engine/index.ts';
import type { LinkedOrder } from '../../dicom/index.ts';
import { reportedOrderStatus } from './procedure-step-message.ts';
import type { ProcedureStepMessage, ReportedOrderStatus } from './procedure-step-message.ts';

export type OrmScContext = {
  now: Date;
  /** MSH-10, at most 20 characters. */
  controlId: string;
  /** MSH-3 (the appliance's AE title). */
  sendingApplication: string;
  sendingFacility?: string;
  receivingApplication?: string;
  receivingFacility?: string;
};

export const ORM_SC_FAILURES = {
  CHANNEL_MPPS_NOTHING_TO_REPORT: 'the step performs no known order, or the event (an intermediate N-SET) changes no order status',
} as const;

export type OrmScError = { code: keyof typeof ORM_SC_FAILURES; message: string };

const D = { fieldSeparator: '|', componentSeparator: '^', repetitionSeparator: '~', escapeCharacter: '\\', subcomponentSeparator: '&' };
const esc = (text: string) => escapeHl7(text, D);

/** Components joined with ^, each escaped, trailing empty ones dropped. */
function components(...parts: string[]): string {
  const out = parts.map(esc);
  while (out.length && out[out.length - 1] === '') out.pop();
  return out.join('^');
}

function segment(id: string, fields: Record<number, string>): string {
  const last = Math.max(0, ...Object.keys(fields).map(Number).filter((n) => fields[n] !== ''));
  const out = [id];
  for (let i = 1; i <= last; i++) out.push(fields[i] ?? '');
  return out.join('|');
}

function timestamp(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(date.getFullYear(), 4)}${p(date.getMonth() + 1)}${p(date.getDate())}${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

/** DICOM DA + TM -> HL7 TS (YYYYMMDD[HHMM[SS]]); the fraction and ACR-NEMA colons are dropped. */
export function dicomDateTimeToTs(date: string, time: string): string {
  const d = date.replace(/\D/g, '');
  if (d.length !== 8) return '';
  const t = time.split('.')[0]!.replace(/\D/g, '');
  return d + (t.length >= 4 ? t.slice(0, 6) : '');
}

/** DICOM PN `family^given^middle^prefix^suffix` (first component group) -> XPN `family^given^middle^suffix^prefix`. */
export function personNameToXpn(pn: string): string {
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = (pn.split('=')[0] ?? '').split('^');
  return components(family, given, middle, suffix, prefix);
}

function entityId(id: { number: string; issuer: string } | undefined): string {
  return id ? components(id.number, id.issuer) : '';
}

function orderSegments(order: LinkedOrder, setId: number, status: ReportedOrderStatus, msg: ProcedureStepMessage): string[] {
  const e = msg.event;
  const placer = entityId(order.placer);
  const filler = entityId(order.filler);
  const reason = status === 'DC' && e.discontinuationReason ? components(e.discontinuationReason.codeValue, e.discontinuationReason.codeMeaning, e.discontinuationReason.codingSchemeDesignator) : '';
  const code = order.requestedProcedure;
  const procedure = code
    ? components(code.CodeValue ?? code.LongCodeValue ?? '', code.CodeMeaning, code.CodingSchemeDesignator)
    : components('', order.requestedProcedureDescription);
  const start = dicomDateTimeToTs(e.startDate || msg.links.recorded?.startDate || '', e.startTime || msg.links.recorded?.startTime || '');
  const end = status === 'IP' ? '' : dicomDateTimeToTs(e.endDate, e.endTime);
  return [
    segment('ORC', { 1: 'SC', 2: placer, 3: filler, 5: status, 16: reason }),
    segment('OBR', { 1: String(setId), 2: placer, 3: filler, 4: procedure, 7: start, 8: end, 18: esc(order.accessionNumber), 19: esc(order.steps[0]?.requestedProcedureId ?? '') }),
  ];
}

/**
 * The ORM^O01 reporting `msg`'s event for every order it performs (one ORC/OBR pair each, under
 * the first order's patient), or CHANNEL_MPPS_NOTHING_TO_REPORT.
 */
export function procedureStepToOrmSc(msg: ProcedureStepMessage, ctx: OrmScContext): { ok: true; value: { text: string; orderStatus: ReportedOrderStatus } } | { ok: false; error: OrmScError } {
  const status = reportedOrderStatus(msg.event);
  const first = msg.links.orders[0];
  if (!status || !first) {
    const why = !first ? 'the step is linked to no worklist order (an unscheduled procedure, or an unknown instance)' : 'an N-SET that neither completes nor discontinues the step';
    return { ok: false, error: { code: 'CHANNEL_MPPS_NOTHING_TO_REPORT', message: why } };
  }
  const pid3 = first.issuerOfPatientId ? components(first.patientId, '', '', first.issuerOfPatientId) : esc(first.patientId);
  const lines = [
    '', // MSH, once the character set is known
    segment('PID', { 1: '1', 3: pid3, 5: personNameToXpn(first.patientName), 7: esc(first.patientBirthDate), 8: esc(first.patientSex) }),
    ...msg.links.orders.flatMap((order, i) => orderSegments(order, i + 1, status, msg)),
  ];
  // Sent as UTF-8 (the MLLP destination of a JSON channel encodes so); declared only when needed.
  const charset = lines.some((l) => /[^\u0020-\u007e]/.test(l)) ? 'UNICODE UTF-8' : '';
  const msh: Record<number, string> = {
    2: '^~\\&',
    3: esc(ctx.sendingApplication),
    4: esc(ctx.sendingFacility ?? ''),
    5: esc(ctx.receivingApplication ?? ''),
    6: esc(ctx.receivingFacility ?? ''),
    7: timestamp(ctx.now),
    9: 'ORM^O01',
    10: esc(ctx.controlId),
    11: 'P',
    12: '2.3.1',
    18: charset,
  };
  // MSH-1 is the field separator itself: MSH-n is the (n-1)th field after the segment name.
  lines[0] = segment('MSH', Object.fromEntries(Object.entries(msh).map(([n, v]) => [Number(n) - 1, v])));
  return { ok: true, value: { text: lines.join('\r') + '\r', orderStatus: status } };
}
