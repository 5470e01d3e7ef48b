// The results channel: its seeding (one MLLP destination per PACS_RESULTS_MLLP address, from
// results-mllp.destination.yaml, and one for PACS_FHIR_UPSTREAM from results-fhir-upstream.destination.yaml)
// and the functions results.channel.yaml names: the `results.report` handler, the
// `results.meta` transformer (message type, patient and accession for the message browser and
// per-patient ordering) and the `results.oruR01` and `results.diagnosticReport` destination transformers.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { EngineRegistry, HandlerFn, ProcessingError, TransformerFn } from '../../engine/index.ts';
import { recordRelease } from './report-store.ts';
import { reportToOruR01 } from './report-to-oru-r01.ts';
import type { OruContext } from './report-to-oru-r01.ts';
import { parseResultEvent } from './result-event.ts';
import { reportToUpstreamBundle } from './report-to-upstream-diagnostic-report.ts';
import type { UpstreamContext } from './report-to-upstream-diagnostic-report.ts';

export const RESULTS_CHANNEL_ID = 'results';

export type MllpTarget = { readonly host: string; readonly port: number };

/**
 * The shipped definition with one ORU^R01 destination per address (ids `ris`, `ris-2`, ...), from
 * the template beside the channel, and a `fhir-upstream` DiagnosticReport destination when a FHIR
 * server is given; other channels' definitions are returned as they are.
 */
export function seedResultsChannel(def: unknown, targets: readonly MllpTarget[], fhirUpstream?: string): unknown {
  if ((targets.length === 0 && !fhirUpstream) || typeof def !== 'object' || def === null) return def;
  const channel = def as { id?: unknown; destinations?: unknown[] };
  if (channel.id !== RESULTS_CHANNEL_ID) return def;
  const template = parse(readFileSync(new URL('./results-mllp.destination.yaml', import.meta.url), 'utf8')) as { id: string; name: string; connector: Record<string, unknown> };
  const added: unknown[] = targets.map((t, i) => ({
    ...template,
    id: i === 0 ? template.id : `${template.id}-${i + 1}`,
    name: `${template.name} ${t.host}:${t.port}`,
    connector: { ...template.connector, host: t.host, port: t.port },
  }));
  if (fhirUpstream) {
    const fhir = parse(readFileSync(new URL('./results-fhir-upstream.destination.yaml', import.meta.url), 'utf8')) as { name: string; connector: Record<string, unknown> };
    added.push({ ...fhir, name: `${fhir.name} ${fhirUpstream}`, connector: { ...fhir.connector, baseUrl: fhirUpstream } });
  }
  return { ...channel, destinations: [...(channel.destinations ?? []), ...added] };
}

const invalid = (message: string): ProcessingError => ({ code: 'CHANNEL_REPORT_EVENT_INVALID', message, permanent: true });

const resultsMeta: TransformerFn = (msg) => {
  const ev = parseResultEvent(msg.content);
  if (!ev.ok) return { ok: false, error: invalid(ev.error.message) };
  const { patient, study } = ev.value.context;
  return {
    ok: true,
    value: { content: msg.content, meta: { messageType: ev.value.event, patientId: patient.id || undefined, accession: study.accessionNumber || undefined } },
  };
};

/** MSH-10 values: unique across processes and restarts, at most 20 characters. */
function controlIds(): () => string {
  const proc = randomBytes(2).toString('hex');
  let seq = 0;
  return () => {
    seq = (seq + 1) % 1296;
    return `R${Date.now().toString(36)}${proc}${seq.toString(36).padStart(2, '0')}`.toUpperCase();
  };
}

function oruTransformer(ctx: () => OruContext): TransformerFn {
  return (msg) => {
    const ev = parseResultEvent(msg.content);
    if (!ev.ok) return { ok: false, error: invalid(ev.error.message) };
    return { ok: true, value: { content: reportToOruR01(ev.value, ctx()) } };
  };
}

function diagnosticReportTransformer(ctx: UpstreamContext): TransformerFn {
  return (msg) => {
    const ev = parseResultEvent(msg.content);
    if (!ev.ok) return { ok: false, error: invalid(ev.error.message) };
    return { ok: true, value: { content: JSON.stringify(reportToUpstreamBundle(ev.value, ctx)) } };
  };
}

const reportHandler: HandlerFn = async (delivery, ctx) => {
  const ev = parseResultEvent(delivery.content);
  if (!ev.ok) return { ok: false, error: invalid(ev.error.message) };
  const { id, status, version } = ev.value.report;
  try {
    const r = await recordRelease(ctx.db, ev.value, delivery.messageId);
    if (!r.ok) return { ok: false, error: { code: r.error.code, message: r.error.message, permanent: true } };
    return { ok: true, value: { response: r.value.recorded ? `report ${id} recorded as ${status}${version ? ` (version ${version})` : ''}` : `report ${id} ${status} version ${version} was recorded already` } };
  } catch (err) {
    // A bug or a database failure: the signing is refused (rolled back), the appliance keeps serving.
    // Only the message is logged: the error object may carry the statement's parameters (report text).
    ctx.log.error({ err: (err as Error).message, messageId: delivery.messageId, reportId: id }, 'results report handler failed');
    return { ok: false, error: { code: 'CHANNEL_REPORT_INTERNAL', message: `the report could not be recorded: ${(err as Error).message}` } };
  }
};

/** `sendingApplication` is MSH-3 of the ORU^R01 (the appliance's AE title). */
export function registerResultsFunctions(registry: EngineRegistry, opts: { sendingApplication?: string; now?: () => Date; newControlId?: () => string; timeZone?: string } = {}): void {
  const now = opts.now ?? (() => new Date());
  const newControlId = opts.newControlId ?? controlIds();
  const sendingApplication = opts.sendingApplication ?? 'PACS';
  registry.addHandler('results.report', reportHandler);
  registry.addTransformer('results.meta', resultsMeta);
  registry.addTransformer('results.oruR01', oruTransformer(() => ({ now: now(), controlId: newControlId(), sendingApplication })));
  registry.addTransformer('results.diagnosticReport', diagnosticReportTransformer({ aeTitle: sendingApplication, timeZone: opts.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone }));
}
