// The procedure-steps channel's TypeScript functions, registered by name, and the seeding of its
// ordering-system destinations from PACS_RESULTS_MLLP when the channel is first created.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { EngineMessage, EngineRegistry, MessageMeta } from '../../engine/index.ts';
import { createProcedureStepsHandler } from './procedure-steps-handler.ts';
import { parseProcedureStepMessage, reportedOrderStatus } from './procedure-step-message.ts';
import type { ProcedureStepMessage } from './procedure-step-message.ts';
import { procedureStepToOrmSc } from './procedure-step-to-orm-sc.ts';

export const PROCEDURE_STEPS_CHANNEL_ID = 'procedure-steps';

export type MllpAddress = { host: string; port: number };

/**
 * The shipped definition with one ordering-system destination per address (ids
 * `ordering-system`, `ordering-system-2`, ...), from the template beside the channel. Without
 * addresses the channel only records steps and moves the worklist.
 */
export function seedProcedureStepsChannel(def: unknown, addresses: readonly MllpAddress[]): unknown {
  if (addresses.length === 0 || typeof def !== 'object' || def === null) return def;
  const channel = def as { id?: unknown; destinations?: unknown[] };
  if (channel.id !== PROCEDURE_STEPS_CHANNEL_ID) return def;
  const template = parse(readFileSync(new URL('./ordering-system.destination.yaml', import.meta.url), 'utf8')) as { id: string; connector: Record<string, unknown> };
  const added = addresses.map((a, i) => ({
    ...template,
    id: i === 0 ? template.id : `${template.id}-${i + 1}`,
    ...(addresses.length > 1 ? { name: `${(template as { name?: string }).name ?? template.id} ${a.host}:${a.port}` } : {}),
    connector: { ...template.connector, host: a.host, port: a.port },
  }));
  return { ...channel, destinations: [...(channel.destinations ?? []), ...added] };
}

function message(msg: EngineMessage): ProcedureStepMessage | undefined {
  const parsed = parseProcedureStepMessage(msg.content);
  return parsed.ok ? parsed.value : undefined;
}

/** What the message browser searches on: the operation, the SOP Instance UID, patient and accession. */
export function procedureStepMeta(m: ProcedureStepMessage): MessageMeta {
  const order = m.links.orders[0];
  return {
    messageType: m.event.kind === 'create' ? 'MPPS N-CREATE' : 'MPPS N-SET',
    controlId: m.event.sopInstanceUid.slice(0, 64),
    patientId: order?.patientId || m.event.patientId || undefined,
    accession: order?.accessionNumber || m.event.scheduledSteps.find((s) => s.accessionNumber)?.accessionNumber || undefined,
  };
}

/** MSH-10: unique enough across processes and restarts, at most 20 characters. */
function newControlId(): string {
  return `SC${Date.now().toString(36).toUpperCase()}${randomBytes(3).toString('hex').toUpperCase()}`;
}

export function registerProcedureStepFunctions(registry: EngineRegistry, opts: { sendingApplication: string; now?: () => Date; newControlId?: () => string }): void {
  const now = opts.now ?? (() => new Date());
  const controlId = opts.newControlId ?? newControlId;
  registry.addHandler('procedure-steps.worklist', createProcedureStepsHandler());
  registry.addTransformer('procedure-steps.meta', (msg) => {
    const parsed = parseProcedureStepMessage(msg.content);
    if (!parsed.ok) return parsed;
    return { ok: true, value: { content: msg.content, meta: procedureStepMeta(parsed.value) } };
  });
  // Only a start, completion or discontinuation of a step linked to an order is reported.
  registry.addFilter('procedure-steps.reportable', (msg) => {
    const m = message(msg);
    return !!m && m.links.orders.length > 0 && reportedOrderStatus(m.event) !== undefined;
  });
  registry.addTransformer('procedure-steps.orm-sc', (msg) => {
    const parsed = parseProcedureStepMessage(msg.content);
    if (!parsed.ok) return parsed;
    const built = procedureStepToOrmSc(parsed.value, { now: now(), controlId: controlId(), sendingApplication: opts.sendingApplication });
    if (!built.ok) return { ok: false, error: { ...built.error, permanent: true } };
    return { ok: true, value: { content: built.value.text } };
  });
}
