// The fhir-orders channel's sync destination: validates a ServiceRequest or a transaction Bundle
// (Patient + ServiceRequest, `urn:uuid:` references between entries), maps each entry
// (fhir/, standards-mappings.md 2) and applies it to the worklist store inside the transaction
// that stores the message, with the same functions and tables the HL7 orders channel uses. The
// answer is the transaction-response Bundle. A failure is returned, never thrown: the engine rolls
// the handler's writes back to its savepoint, so nothing of the transaction stays, and the
// message stays in the store with status error; the error carries the OperationOutcome.
import { randomUUID } from 'node:crypto';
import { cancelOrder, changeOrderStatus, createOrder, updateOrder, updatePatient } from '../../dicom/index.ts';
import type { OrderOutcome, WorklistError, WorklistEvent } from '../../dicom/index.ts';
import {
  fhirError,
  fhirMessageMeta,
  identifierRoles,
  issue,
  issuerKey,
  operationOutcome,
  patientToDemographics,
  planTransaction,
  resolveReferences,
  SERVER_ID,
  serviceRequestToOrder,
  transactionOf,
  transactionResponse,
  validateFhirResource,
  withheldFromModalities,
  worklistAction,
  WRITABLE_TYPES,
} from '../../fhir/index.ts';
import type { Bundle, EntryResult, FhirError, MwlItem, MwlOrderNumber, MwlPatient, OperationOutcome, OperationOutcomeIssue, Patient, PlannedEntry, Resource, ServiceRequest, ServiceRequestContext } from '../../fhir/index.ts';
import type { HandlerContext, HandlerFn, ProcessingError, Result, TransformerFn } from '../../engine/index.ts';
import { lookupModality, routeStation } from '../orders/worklist-tables.ts';
import type { WorklistTables } from '../orders/worklist-tables.ts';
import { newUuidUid } from '../orders/orders-worklist-handler.ts';
import { createFhirOrderRepository } from './fhir-order-repository.ts';
import { fhirIdOfOrder, fhirIdOfPatient, fhirRowById, orderById, ordersByNumbers, patientRowByIdentity, saveFhirRow } from './fhir-resource-rows.ts';
import type { KnownOrder } from './fhir-resource-rows.ts';

export type FhirOrdersOptions = {
  /** The orders channel's tables: Patient ID domain, modality table, station rules. */
  tables: WorklistTables;
  /** The modalities' time zone (scheduled start DA/TM); default: the appliance's. */
  timeZone?: string;
  newUid?: () => string;
  /** Ids for resources POSTed without one; default: a random UUID. */
  newId?: () => string;
  now?: () => Date;
};

/** A handler failure carrying the OperationOutcome for the FHIR answer (the engine passes the error through). */
export type FhirProcessingError = ProcessingError & { outcome: OperationOutcome };

type Failure = { ok: false; error: FhirError };
type Step<T> = { ok: true; value: T } | Failure;

function processingError(e: FhirError, permanent = true): { ok: false; error: FhirProcessingError } {
  return { ok: false, error: { code: e.code, message: e.message, permanent, outcome: operationOutcome(e.issues) } };
}

const fail = (code: FhirError['code'], type: OperationOutcomeIssue['code'], text: string, expression?: string): Failure => ({ ok: false, error: fhirError(code, [issue(type, text, expression)]) });

function storeFailure(e: WorklistError, at: string): Failure {
  switch (e.code) {
    case 'DICOM_WORKLIST_ORDER_NOT_FOUND':
    case 'DICOM_WORKLIST_ITEM_NOT_FOUND':
      return fail('FHIR_NOT_FOUND', 'not-found', e.message, at);
    case 'DICOM_WORKLIST_ORDER_CONFLICT':
    case 'DICOM_WORKLIST_ORDER_CLOSED':
    case 'DICOM_WORKLIST_STATUS_REFUSED':
      return fail('FHIR_CONFLICT', 'conflict', e.message, at);
    default:
      return fail('FHIR_UNPROCESSABLE', 'business-rule', e.message, at);
  }
}

/** The message browser's columns (type, Patient ID, accession) for a FHIR message; the content stays as posted. */
export const fhirOrdersMetaTransformer: TransformerFn = (msg) => {
  try {
    const meta = fhirMessageMeta(JSON.parse(msg.content));
    return { ok: true, value: { content: msg.content, ...(meta ? { meta } : {}) } };
  } catch {
    return { ok: true, value: { content: msg.content } };
  }
};

export function createFhirOrdersHandler(options: FhirOrdersOptions): HandlerFn {
  const deps: Deps = {
    tables: options.tables,
    timeZone: options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    newUid: options.newUid ?? newUuidUid,
    newId: options.newId ?? randomUUID,
    now: options.now ?? (() => new Date()),
  };
  return async (delivery, ctx) => {
    try {
      const r = await apply(delivery.content, ctx, { source: 'fhir', messageId: delivery.messageId }, deps);
      return r.ok ? { ok: true, value: { response: JSON.stringify(r.value) } } : processingError(r.error);
    } catch (err) {
      // A bug or a database failure: refuse this message (its writes are rolled back) and keep serving.
      ctx.log.error({ err, messageId: delivery.messageId }, 'fhir-orders handler failed');
      return processingError(fhirError('FHIR_UNPROCESSABLE', [issue('exception', `the worklist could not be updated: ${(err as Error).message}`)]), false);
    }
  };
}

type Deps = Required<FhirOrdersOptions>;

type State = {
  db: HandlerContext['db'];
  event: WorklistEvent;
  deps: Deps;
  repo: ReturnType<typeof createFhirOrderRepository>;
  /** fullUrl -> `Type/id` of the entries applied so far. */
  ids: Map<string, string>;
  /** `Patient/id` -> attributes, for the patients of this transaction. */
  patients: Map<string, MwlPatient>;
  results: EntryResult[];
};

async function apply(content: string, ctx: HandlerContext, event: WorklistEvent, deps: Deps): Promise<Step<Bundle>> {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (err) {
    return fail('FHIR_INVALID', 'structure', `the message is not JSON: ${(err as Error).message}`);
  }
  const valid = validateFhirResource(value);
  if (!valid.ok) return valid;
  const resource = valid.value;
  let bundle: Bundle;
  if (resource.resourceType === 'Bundle') bundle = resource as Bundle;
  else if ((WRITABLE_TYPES as readonly string[]).includes(resource.resourceType)) bundle = transactionOf(resource, resource.id ? 'PUT' : 'POST', resource.id);
  else return fail('FHIR_UNPROCESSABLE', 'not-supported', `${resource.resourceType} is not accepted here (${WRITABLE_TYPES.join(', ')} or a transaction Bundle are)`);
  const plan = planTransaction(bundle);
  if (!plan.ok) return plan;

  const state: State = { db: ctx.db, event, deps, repo: createFhirOrderRepository(ctx.db, { timeZone: deps.timeZone }), ids: new Map(), patients: new Map(), results: [] };
  for (const entry of plan.value) {
    const r = entry.type === 'Patient' ? await applyPatient(state, entry) : await applyServiceRequest(state, entry);
    if (!r.ok) return r;
  }
  return { ok: true, value: transactionResponse(state.results) };
}

const atOf = (entry: PlannedEntry) => `Bundle.entry[${entry.index}].resource`;

/** The resource as kept: its id, references resolved, no meta (the server's). */
function keptForm<T extends Resource>(resource: T, id: string): T & { id: string } {
  const { meta: _meta, ...rest } = resource;
  return { ...(rest as T), id };
}

function outcomeOf(issues: OperationOutcomeIssue[]): OperationOutcome | undefined {
  return issues.length ? operationOutcome(issues) : undefined;
}

async function applyPatient(s: State, entry: PlannedEntry & { type: 'Patient' }): Promise<Step<void>> {
  const at = atOf(entry);
  const resource = resolveReferences(entry.resource, s.ids);
  const mapped = patientToDemographics(resource, { patientIdDomain: s.deps.tables.patientIdDomain }, at);
  if (!mapped.ok) return { ok: false, error: fhirError('FHIR_UNPROCESSABLE', mapped.error) };
  const patient = mapped.value.patient;
  const known = await patientRowByIdentity(s.db, patient.PatientID, patient.IssuerOfPatientID ?? '');
  const knownId = known && ((await fhirIdOfPatient(s.db, known.id)) ?? `patient-${known.id}`);
  let fhirId: string;
  let existed = known !== undefined;
  if (entry.id !== undefined) {
    const row = await fhirRowById(s.db, 'Patient', entry.id);
    if (row) {
      existed = true;
      if (!known || row.patientRowId !== known.id) {
        return fail('FHIR_CONFLICT', 'conflict', `Patient/${entry.id} has another Patient ID: a patient's identifier does not change here (merge patients with ADT^A40)`, `${at}.identifier`);
      }
    } else if (SERVER_ID.test(entry.id) && knownId !== entry.id) {
      return fail('FHIR_UNPROCESSABLE', 'business-rule', `ids of the form ${entry.id.replace(/\d+$/, 'N')} are given by the server, and Patient/${entry.id} is not this patient`, `${at}.id`);
    } else if (knownId && knownId !== entry.id) {
      return fail('FHIR_CONFLICT', 'conflict', `the patient with this identifier is Patient/${knownId}`, `${at}.identifier`);
    }
    fhirId = entry.id;
  } else {
    fhirId = knownId ?? s.deps.newId();
  }
  const updated = await updatePatient(s.db, patient, { ...s.event, note: `FHIR ${entry.method} Patient/${fhirId}` });
  if (!updated.ok) return storeFailure(updated.error, at);
  await saveFhirRow(s.db, { resource: keptForm(resource, fhirId), patientRowId: updated.value.patientRowId, mapped: patient, messageId: s.event.messageId ?? 0 });
  const ref = `Patient/${fhirId}`;
  if (entry.fullUrl) s.ids.set(entry.fullUrl, ref);
  s.patients.set(ref, patient);
  s.results.push({ index: entry.index, resourceType: 'Patient', id: fhirId, created: !existed, outcome: outcomeOf(mapped.value.warnings) });
  return { ok: true, value: undefined };
}

/** The subject's worklist attributes: contained, in this transaction, stored, or by identifier. A contained one is upserted. */
async function resolveSubject(s: State, sr: ServiceRequest, at: string): Promise<Step<MwlPatient>> {
  const ref = sr.subject.reference;
  if (ref?.startsWith('#')) {
    const index = (sr.contained ?? []).findIndex((c) => c.resourceType === 'Patient' && c.id === ref.slice(1));
    if (index < 0) return fail('FHIR_UNPROCESSABLE', 'not-found', `no contained Patient ${ref}`, `${at}.subject`);
    const mapped = patientToDemographics(sr.contained![index] as Patient, { patientIdDomain: s.deps.tables.patientIdDomain }, `${at}.contained[${index}]`);
    if (!mapped.ok) return { ok: false, error: fhirError('FHIR_UNPROCESSABLE', mapped.error) };
    const updated = await updatePatient(s.db, mapped.value.patient, { ...s.event, note: 'FHIR contained Patient' });
    if (!updated.ok) return storeFailure(updated.error, `${at}.contained[${index}]`);
    return { ok: true, value: mapped.value.patient };
  }
  if (ref && s.patients.has(ref)) return { ok: true, value: s.patients.get(ref)! };
  if (ref?.startsWith('urn:')) return fail('FHIR_UNPROCESSABLE', 'not-found', `${ref} names no entry of this transaction`, `${at}.subject`);
  const m = ref ? /^(?:.*\/)?Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(ref) : null;
  if (m) {
    const found = await s.repo.patientById(m[1]!);
    if (!found) return fail('FHIR_UNPROCESSABLE', 'not-found', `no Patient/${m[1]}: post the patient in the same transaction, or before`, `${at}.subject`);
    return { ok: true, value: found.attributes };
  }
  const logical = sr.subject.identifier;
  if (logical?.value) {
    const found = await patientRowByIdentity(s.db, logical.value, issuerKey(logical));
    if (!found) return fail('FHIR_UNPROCESSABLE', 'not-found', `no patient with identifier ${logical.value}`, `${at}.subject.identifier`);
    return { ok: true, value: found.attributes };
  }
  return fail('FHIR_UNPROCESSABLE', 'required', 'the subject must be a Patient (a reference or an identifier)', `${at}.subject`);
}

/** The order numbers as the worklist keys them, read without the rest of the mapping (a revoke needs only these). */
function orderNumbers(sr: ServiceRequest): { placer?: MwlOrderNumber; filler?: MwlOrderNumber } {
  const roles = identifierRoles(sr.identifier ?? []);
  const num = (r: { id: { value?: string; system?: string; assigner?: { display?: string } } } | undefined) => (r?.id.value ? { number: r.id.value, issuer: issuerKey(r.id) } : undefined);
  const placer = num(roles.placer);
  const filler = num(roles.filler) ?? (placer ? undefined : num(roles.accession));
  return { ...(placer ? { placer } : {}), ...(filler ? { filler } : {}) };
}

const orderIdText = async (s: State, orderId: number) => (await fhirIdOfOrder(s.db, orderId)) ?? `order-${orderId}`;

async function applyServiceRequest(s: State, entry: PlannedEntry & { type: 'ServiceRequest' }): Promise<Step<void>> {
  const at = atOf(entry);
  const sr = resolveReferences(entry.resource, s.ids);
  const subject = await resolveSubject(s, sr, at);
  if (!subject.ok) return subject;
  const ctx: ServiceRequestContext = {
    patient: subject.value,
    timeZone: s.deps.timeZone,
    now: s.deps.now,
    newUid: s.deps.newUid,
    modalityFor: (code, scheme) => {
      const m = lookupModality(s.deps.tables, code, scheme);
      return m.modality === undefined ? undefined : { modality: m.modality, defaulted: m.how === 'default' };
    },
    routeStation: (facts) => routeStation(s.deps.tables, { ...facts, enteringDevices: [] }),
  };
  const mapped = serviceRequestToOrder(sr, ctx, at);
  const numbers = mapped.ok ? { placer: mapped.value.order.placer, filler: mapped.value.order.filler } : orderNumbers(sr);
  const numbered = numbers.placer || numbers.filler ? await ordersByNumbers(s.db, numbers.placer, numbers.filler) : [];
  if (numbered.length > 1) {
    return fail('FHIR_CONFLICT', 'conflict', `the placer and filler order numbers belong to two orders (ServiceRequest/${await orderIdText(s, numbered[0]!.id)}, ServiceRequest/${await orderIdText(s, numbered[1]!.id)})`, `${at}.identifier`);
  }
  const byNumbers = numbered[0];

  let order: KnownOrder | undefined;
  let existed: boolean;
  let fhirId: string;
  if (entry.id !== undefined) {
    const row = await fhirRowById(s.db, 'ServiceRequest', entry.id);
    const server = SERVER_ID.exec(entry.id);
    if (row) {
      order = row.orderId !== null ? await orderById(s.db, row.orderId) : undefined;
    } else if (server) {
      order = server[1] === 'order' ? await orderById(s.db, Number(server[2])) : undefined;
      if (!order || (await fhirIdOfOrder(s.db, order.id))) {
        return fail('FHIR_UNPROCESSABLE', 'business-rule', `ids of the form order-N are given by the server, and there is no ServiceRequest/${entry.id}`, `${at}.id`);
      }
    }
    if (byNumbers && byNumbers.id !== order?.id) {
      return fail('FHIR_CONFLICT', 'conflict', `these order numbers belong to ServiceRequest/${await orderIdText(s, byNumbers.id)}`, `${at}.identifier`);
    }
    existed = row !== undefined || order !== undefined;
    fhirId = entry.id;
  } else {
    order = byNumbers;
    existed = order !== undefined;
    fhirId = order ? await orderIdText(s, order.id) : s.deps.newId();
  }

  const action = worklistAction(sr.status, sr.intent, order !== undefined);
  const notes: OperationOutcomeIssue[] = mapped.ok ? [...mapped.value.warnings] : [];
  let applied: MwlItem | null = mapped.ok ? mapped.value.order.items[0]! : null;
  let orderId = order?.id ?? null;
  const ev: WorklistEvent = { ...s.event, note: `FHIR ${entry.method} ServiceRequest/${fhirId} status ${sr.status}` };
  const ref = order && { placer: order.placer, filler: order.filler };
  let r: Result<OrderOutcome, WorklistError> | undefined;
  switch (action.kind) {
    case 'schedule':
    case 'hold': {
      if (!mapped.ok) return { ok: false, error: fhirError('FHIR_UNPROCESSABLE', mapped.error) };
      const input = action.kind === 'hold' ? withheldFromModalities(mapped.value.order) : mapped.value.order;
      applied = input.items[0]!;
      if (action.kind === 'hold') notes.push(issue('informational', `${action.reason}: the order is kept but offered to no modality until it is active again`, undefined, 'information'));
      r = ref ? await updateOrder(s.db, ref, { ...input, patientAndVisit: 'replace' }, ev) : await createOrder(s.db, input, ev);
      break;
    }
    case 'cancel':
      r = await cancelOrder(s.db, ref!, 'CANCELLED', { ...ev, note: `${ev.note}: ${action.reason}` });
      break;
    case 'complete':
      r = await changeOrderStatus(s.db, ref!, 'COMPLETED', ev);
      break;
    case 'none':
      notes.push(issue('informational', `${action.reason}; the worklist is not changed`, undefined, 'information'));
      break;
  }
  if (r && !r.ok) return storeFailure(r.error, at);
  if (r?.ok) orderId = r.value.orderId;
  await saveFhirRow(s.db, { resource: keptForm(sr, fhirId), orderId, mapped: orderId === null ? null : applied, messageId: s.event.messageId ?? 0 });
  if (entry.fullUrl) s.ids.set(entry.fullUrl, `ServiceRequest/${fhirId}`);
  s.results.push({ index: entry.index, resourceType: 'ServiceRequest', id: fhirId, created: !existed, outcome: outcomeOf(notes) });
  return { ok: true, value: undefined };
}

/** The channel the FHIR facade dispatches orders to (fhir-orders.channel.yaml). */
export const FHIR_ORDERS_CHANNEL_ID = 'fhir-orders';
