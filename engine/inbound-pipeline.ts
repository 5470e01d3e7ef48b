// What happens between a source receiving bytes and answering: decode, parse, filter, transform,
// then, in one transaction, store the message, run the sync destinations and queue the others.
// The answer (an HL7 ACK) is built only after that transaction commits: nothing acknowledged is
// lost. Input that cannot be parsed or is rejected is stored too, with the negative ACK sent.
import type { Hl7Message } from '@medplum/core';
import type { ChannelDefinition, DestinationDefinition } from './channel-definition.ts';
import { applyMappings, buildAck, buildAckForUnparseable, decodeHl7, encodeHl7, evaluateCondition, messageMetadata, parseHl7 } from './hl7/index.ts';
import type { Condition, Hl7ErrorDetail, Mapping } from './hl7/index.ts';
import type { Logger } from './logger.ts';
import { finishMessage, insertMessage, insertMessageWithDeliveries, rollUp } from './message-store.ts';
import type { MessageStatus, NewDelivery } from './message-store.ts';
import type { EngineMessage, EngineRegistry, MessageMeta, ProcessingError } from './registry.ts';
import type { SqlDatabase } from './sql-client.ts';

export type InboundInput = {
  /** Bytes as received (MLLP); the charset comes from MSH-18. */
  bytes?: Buffer;
  /** Text already decoded (HTTP, in-process). */
  text?: string;
  source: Record<string, unknown>;
  reprocessedFrom?: number;
};

export type InboundOutcome = {
  messageId: number;
  status: MessageStatus;
  /** The answer for the sender: an HL7 ACK for hl7v2 channels. */
  response?: string;
  responseBytes?: Buffer;
  error?: ProcessingError;
  /** Deliveries queued: the workers of these destinations should look now. */
  queued: string[];
  counts: { filtered: boolean; sent: string[]; errored: string[]; filteredDestinations: string[] };
};

export type PipelineDeps = {
  db: SqlDatabase;
  registry: EngineRegistry;
  log: Logger;
  ackContext: { now: () => Date; newControlId: () => string };
};

type Stage = { ok: true; msg: EngineMessage } | { ok: false; filtered: true } | { ok: false; filtered: false; error: ProcessingError };

function runFilter(deps: PipelineDeps, filter: { rules: unknown[]; script?: string | undefined } | undefined, msg: EngineMessage): boolean | ProcessingError {
  if (!filter) return true;
  if (msg.hl7) {
    for (const rule of filter.rules as Condition[]) if (!evaluateCondition(rule, msg.hl7)) return false;
  }
  if (filter.script) {
    const fn = deps.registry.filter(filter.script);
    if (!fn) return { code: 'CHANNEL_SCRIPT_MISSING', message: `filter "${filter.script}" is not registered` };
    return fn(msg);
  }
  return true;
}

function runTransformer(
  deps: PipelineDeps,
  t: { mappings: unknown[]; script?: string | undefined } | undefined,
  msg: EngineMessage,
): { ok: true; msg: EngineMessage } | { ok: false; error: ProcessingError } {
  if (!t) return { ok: true, msg };
  let current = msg;
  if (t.mappings.length && current.hl7) {
    const mapped = applyMappings(current.hl7, t.mappings as Mapping[]);
    if (!mapped.ok) return { ok: false, error: { code: 'CHANNEL_MAPPING_FAILED', message: mapped.error.message } };
    current = { ...current, hl7: mapped.value, content: mapped.value.toString() };
  }
  if (t.script) {
    const fn = deps.registry.transformer(t.script);
    if (!fn) return { ok: false, error: { code: 'CHANNEL_SCRIPT_MISSING', message: `transformer "${t.script}" is not registered` } };
    const out = fn(current);
    if (!out.ok) return out;
    current = { ...current, content: out.value.content, hl7: out.value.hl7 ?? current.hl7, meta: { ...current.meta, ...out.value.meta } };
  }
  return { ok: true, msg: current };
}

function stage(deps: PipelineDeps, channel: ChannelDefinition, msg: EngineMessage): Stage {
  const passed = runFilter(deps, channel.filter, msg);
  if (typeof passed === 'object') return { ok: false, filtered: false, error: passed };
  if (!passed) return { ok: false, filtered: true };
  const t = runTransformer(deps, channel.transformer, msg);
  return t.ok ? { ok: true, msg: t.msg } : { ok: false, filtered: false, error: t.error };
}

function toErrDetail(e: ProcessingError): Hl7ErrorDetail {
  return { hl7ErrorCode: e.hl7?.hl7ErrorCode ?? '207', message: e.message, severity: 'E', ...(e.hl7?.location ? { location: e.hl7.location } : {}) };
}

export async function processInbound(deps: PipelineDeps, channel: ChannelDefinition, input: InboundInput): Promise<InboundOutcome> {
  const base = { channelId: channel.id, dataType: channel.dataType, source: input.source, reprocessedFrom: input.reprocessedFrom };
  const noCounts = { filtered: false, sent: [], errored: [], filteredDestinations: [] };
  let text: string;
  let charset: string | undefined;
  if (input.bytes && channel.dataType === 'hl7v2') {
    const decoded = decodeHl7(input.bytes);
    text = decoded.text;
    charset = decoded.charset;
  } else {
    text = input.text ?? input.bytes?.toString('utf8') ?? '';
  }
  const encode = (s: string) => (charset ? encodeHl7(s, charset) : Buffer.from(s, 'utf8'));

  let hl7: Hl7Message | undefined;
  let meta: MessageMeta = {};
  if (channel.dataType === 'hl7v2') {
    const parsed = parseHl7(text);
    if (!parsed.ok) {
      const response = buildAckForUnparseable(text, parsed.error, deps.ackContext);
      const error: ProcessingError = { code: parsed.error.code, message: parsed.error.message };
      const messageId = await insertMessage(deps.db, { ...base, status: 'error', raw: text, charset, response, error: `${parsed.error.code}: ${parsed.error.message}` });
      return { messageId, status: 'error', response, responseBytes: encode(response), error, queued: [], counts: noCounts };
    }
    hl7 = parsed.value;
    const m = messageMetadata(hl7);
    meta = { messageType: m.messageType, controlId: m.controlId, patientId: m.patientId, accession: m.accession };
  }

  if (channel.dataType === 'json') {
    try {
      JSON.parse(text);
    } catch (err) {
      const error: ProcessingError = { code: 'CHANNEL_NOT_JSON', message: `the message is not JSON: ${(err as Error).message}`, permanent: true };
      const messageId = await insertMessage(deps.db, { ...base, status: 'error', raw: text, error: `${error.code}: ${error.message}` });
      return { messageId, status: 'error', error, queued: [], counts: noCounts };
    }
  }

  const msg: EngineMessage = { channelId: channel.id, dataType: channel.dataType, raw: text, content: text, hl7, meta, source: input.source };
  const ack = (code: 'AA' | 'AE' | 'AR', error?: ProcessingError): string | undefined => {
    if (!hl7) return undefined;
    return buildAck(hl7, { code, ...(error ? { text: error.message, errors: [toErrDetail(error)] } : {}) }, deps.ackContext).toString();
  };
  const metaCols = { messageType: meta.messageType, controlId: meta.controlId, patientId: meta.patientId, accession: meta.accession };

  const staged = stage(deps, channel, msg);
  if (!staged.ok) {
    const status: MessageStatus = staged.filtered ? 'filtered' : 'error';
    const error = staged.filtered ? undefined : staged.error;
    const response = staged.filtered ? ack(channel.filteredAck) : ack('AE', error);
    const messageId = await insertMessage(deps.db, { ...base, ...metaCols, status, raw: text, charset, response, error: error && `${error.code}: ${error.message}` });
    const out: InboundOutcome = { messageId, status, queued: [], counts: { ...noCounts, filtered: staged.filtered } };
    if (error) out.error = error;
    if (response) {
      out.response = response;
      out.responseBytes = encode(response);
    }
    return out;
  }

  const final = staged.msg;
  const finalMeta = final.meta;
  const row = {
    ...base,
    raw: text,
    transformed: final.content === text ? undefined : final.content,
    charset,
    messageType: finalMeta.messageType,
    controlId: finalMeta.controlId,
    patientId: finalMeta.patientId,
    accession: finalMeta.accession,
  };

  // Plan each destination with the pure steps (filter, transformer) before writing anything.
  const counts = { filtered: false, sent: [] as string[], errored: [] as string[], filteredDestinations: [] as string[] };
  const planned: { dest: DestinationDefinition; delivery: NewDelivery; msg?: EngineMessage }[] = [];
  let syncError: ProcessingError | undefined;
  for (const dest of channel.destinations) {
    if (!dest.enabled) continue;
    const passed = runFilter(deps, dest.filter, final);
    if (passed !== true) {
      planned.push({ dest, delivery: { destinationId: dest.id, status: 'filtered', lastError: typeof passed === 'object' ? passed.message : undefined } });
      counts.filteredDestinations.push(dest.id);
      continue;
    }
    const t = runTransformer(deps, dest.transformer, final);
    if (!t.ok) {
      planned.push({ dest, delivery: { destinationId: dest.id, status: 'error', lastError: `${t.error.code}: ${t.error.message}` } });
      counts.errored.push(dest.id);
      if (dest.mode === 'sync') syncError ??= t.error;
      continue;
    }
    const content = t.msg.content === final.content ? undefined : t.msg.content;
    planned.push({ dest, delivery: { destinationId: dest.id, status: 'queued', content, orderKey: finalMeta.patientId }, msg: t.msg });
  }
  const syncs = syncError ? [] : planned.filter((p) => p.dest.mode === 'sync' && p.delivery.status === 'queued');

  const finish = (messageId: number): InboundOutcome => {
    if (syncError) {
      // The message was refused: queued destinations must not act on it.
      for (const p of planned) if (p.delivery.status === 'queued') p.delivery.status = 'cancelled';
    }
    const deliveries = planned.map((p) => p.delivery);
    const status: MessageStatus = syncError ? 'error' : deliveries.length === 0 ? 'received' : rollUp(deliveries.map((d) => d.status));
    const response = syncError ? ack('AE', syncError) : ack('AA');
    const queued = syncError ? [] : planned.filter((p) => p.delivery.status === 'queued').map((p) => p.dest.id);
    const out: InboundOutcome = { messageId, status, queued, counts };
    if (syncError) out.error = syncError;
    if (response) {
      out.response = response;
      out.responseBytes = encode(response);
    }
    return out;
  };

  if (syncs.length === 0) {
    // The common case: one statement stores the message, its deliveries and the answer.
    const out = finish(0);
    const deliveries = planned.map((p) => p.delivery);
    out.messageId = await insertMessageWithDeliveries(deps.db, { ...row, status: out.status, response: out.response }, deliveries);
    return out;
  }

  // Sync destinations run inside the transaction that stores the message; a savepoint undoes a
  // failing handler's writes. The answer is built from their outcome, after they ran.
  return deps.db.transaction(async (tx) => {
    const messageId = await insertMessage(tx, { ...row, status: 'received' });
    for (const p of syncs) {
      if (syncError) break;
      if (p.dest.connector.type !== 'handler') throw new Error(`sync destination ${channel.id}/${p.dest.id} must be a handler`);
      const fn = deps.registry.handler(p.dest.connector.name);
      if (!fn) throw new Error(`handler "${p.dest.connector.name}" is not registered`);
      await tx.query('savepoint sync_destination');
      const m = p.msg!;
      const r = await fn(
        { messageId, channelId: channel.id, destinationId: p.dest.id, content: m.content, hl7: m.hl7, meta: m.meta, attempt: 1 },
        { db: tx, log: deps.log },
      );
      if (r.ok) {
        await tx.query('release savepoint sync_destination');
        p.delivery.status = 'sent';
        p.delivery.response = r.value.response;
        counts.sent.push(p.dest.id);
      } else {
        await tx.query('rollback to savepoint sync_destination');
        p.delivery.status = 'error';
        p.delivery.lastError = `${r.error.code}: ${r.error.message}`;
        counts.errored.push(p.dest.id);
        syncError = r.error;
      }
    }
    const out = finish(messageId);
    await finishMessage(tx, messageId, channel.id, planned.map((p) => p.delivery), out.status, out.response);
    return out;
  });
}
