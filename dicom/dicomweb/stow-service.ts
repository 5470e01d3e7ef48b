// STOW-RS (PS3.18 10.5): POST …/studies[/{study}] with multipart/related; type="application/dicom".
// The body is read as it arrives; each part (a Part 10 file) goes through the same durable ingest
// as a C-STORE (checked to its last byte, fsynced, linked into place, indexed) before the next part
// is read, and is kept exactly as sent. A part that fails leaves nothing behind and is reported in
// the FailedSOPSequence with its reason; the others are stored.
import type { Result } from '../../engine/index.ts';
import type { DicomError } from '../dicom-error.ts';
import { InstanceReceiver } from '../ingest/instance-receiver.ts';
import type { ReceivedObject } from '../ingest/instance-receiver.ts';
import { readReceivedMetadata } from '../ingest/ingest-instance.ts';
import type { IngestCommand } from '../ingest/ingest-instance.ts';
import { isStorageSopClass } from '../sop-classes.ts';
import { isSupportedTransferSyntax } from '../transfer-syntaxes.ts';
import type { DicomwebError } from './dicomweb-error.ts';
import { acceptsDicomJson, parseMediaType } from './media-types.ts';
import { MultipartReader } from './multipart-reader.ts';
import { readPart10Meta } from './part10-meta.ts';
import { isUid } from './qido-query.ts';
import { FailureReason, failureReasonFor, stowResponse } from './stow-response.ts';
import type { StowOutcome } from './stow-response.ts';
import { jsonResponse, warningHeader } from './web-response.ts';
import type { DicomWebDeps, WebRequest, WebResponse } from './web-response.ts';

export type StowOptions = { spillBytes?: number; maxObjectBytes?: number };

const MAX_META_BYTES = 1 << 20;

/** The Study Instance UID of a received object, read the way ingest reads it. */
function studyOf(received: ReceivedObject, ts: string): Result<string, DicomError> {
  const parsed = readReceivedMetadata(received, ts);
  return parsed.ok ? { ok: true, value: parsed.value.attributes.studyInstanceUid } : parsed;
}

async function dropReceived(r: ReceivedObject): Promise<void> {
  if (r.kind === 'staged') await r.staged.discard();
}

/** One part being received. */
type PartState = {
  failure?: { reason: number; message: string };
  head: Buffer[];
  headBytes: number;
  cmd?: IngestCommand;
  receiver?: InstanceReceiver;
};

export async function storeInstances(
  deps: DicomWebDeps,
  req: WebRequest,
  contentType: string | undefined,
  body: AsyncIterable<Buffer>,
  studyInPath: string | undefined,
  o: StowOptions = {},
): Promise<Result<WebResponse, DicomwebError>> {
  const { ingest, stagingStore, log } = deps;
  if (!ingest || !stagingStore) throw new Error('STOW-RS needs the ingest and a staging store');
  if (studyInPath !== undefined && !isUid(studyInPath)) return { ok: false, error: { code: 'DICOM_QUERY_INVALID', message: `"${studyInPath.slice(0, 70)}" is not a UID` } };
  if (!acceptsDicomJson(req.accept)) return { ok: false, error: { code: 'DICOM_NOT_ACCEPTABLE', message: 'the store response is available as application/dicom+json only' } };
  const ct = parseMediaType(contentType ?? '');
  if (ct.type !== 'multipart/related' || (ct.params.type !== undefined && ct.params.type.toLowerCase() !== 'application/dicom')) {
    return { ok: false, error: { code: 'DICOM_MEDIA_TYPE_UNSUPPORTED', message: `send multipart/related; type="application/dicom" (Part 10 files), not ${(contentType ?? 'no Content-Type').slice(0, 100)}` } };
  }
  if (!ct.params.boundary) return { ok: false, error: { code: 'DICOM_BODY_INVALID', message: 'the multipart/related Content-Type has no boundary' } };

  const spillBytes = o.spillBytes ?? 64 << 20;
  const maxBytes = o.maxObjectBytes ?? 8 * 2 ** 30;
  const reader = new MultipartReader(ct.params.boundary);
  const outcomes: StowOutcome[] = [];
  const patients = new Set<string>();
  let part: PartState | undefined;

  const fail = (p: PartState, reason: number, message: string) => {
    p.failure ??= { reason, message };
    p.receiver?.abort();
    p.head = [];
  };

  const feed = (p: PartState, chunk: Buffer) => {
    if (p.failure) return;
    if (p.receiver) {
      p.receiver.write(chunk);
      return;
    }
    p.head.push(chunk);
    p.headBytes += chunk.length;
    const head = Buffer.concat(p.head);
    const meta = readPart10Meta(head);
    if (!meta.ok) return fail(p, FailureReason.CannotUnderstand, meta.error.message);
    if (!meta.value) {
      if (p.headBytes > MAX_META_BYTES) fail(p, FailureReason.CannotUnderstand, 'no end to the file meta information');
      return;
    }
    const m = meta.value;
    p.cmd = { sopClassUid: m.sopClassUid, sopInstanceUid: m.sopInstanceUid, transferSyntaxUid: m.transferSyntaxUid, sourceAe: m.sourceAeTitle };
    if (!isSupportedTransferSyntax(m.transferSyntaxUid)) return fail(p, FailureReason.TransferSyntaxNotSupported, `transfer syntax ${m.transferSyntaxUid} is not supported`);
    if (!isStorageSopClass(m.sopClassUid)) return fail(p, FailureReason.SopClassNotSupported, `SOP class ${m.sopClassUid || '(none)'} is not a storage SOP class`);
    // The file is kept as sent: its own meta information goes in front of the data set.
    p.receiver = new InstanceReceiver({ store: stagingStore, header: head.subarray(0, m.datasetOffset), spillBytes, maxBytes });
    p.head = [];
    if (head.length > m.datasetOffset) p.receiver.write(head.subarray(m.datasetOffset));
  };

  const finish = async (p: PartState): Promise<StowOutcome> => {
    const ids = { sopClassUid: p.cmd?.sopClassUid ?? '', sopInstanceUid: p.cmd?.sopInstanceUid ?? '' };
    if (!p.failure && !p.receiver) fail(p, FailureReason.CannotUnderstand, 'the part is not a DICOM Part 10 file (too short for its file meta information)');
    if (p.failure) return { ok: false, ...ids, failureReason: p.failure.reason, message: p.failure.message };
    p.receiver!.end();
    const received = await p.receiver!.done;
    if (!received.ok) return { ok: false, ...ids, failureReason: failureReasonFor(received.error.code), message: received.error.message };
    const cmd = p.cmd!;
    if (studyInPath !== undefined) {
      const study = studyOf(received.value, cmd.transferSyntaxUid);
      if (!study.ok || study.value !== studyInPath) {
        await dropReceived(received.value);
        if (!study.ok) return { ok: false, ...ids, failureReason: failureReasonFor(study.error.code), message: study.error.message };
        return { ok: false, ...ids, failureReason: FailureReason.DataSetDoesNotMatch, message: `the instance belongs to study ${study.value}, not ${studyInPath}` };
      }
    }
    const r = await ingest.ingest(received.value, cmd);
    if (!r.ok) return { ok: false, ...ids, failureReason: failureReasonFor(r.error.code), message: r.error.message };
    if (r.value.warning) log.warn({ warning: r.value.warning }, 'instance stored with a warning');
    const event = r.value.event;
    if (event) {
      patients.add(event.patientId);
      if (deps.onInstanceStored) {
        try {
          await deps.onInstanceStored(event);
        } catch (err) {
          log.error({ err }, 'onInstanceStored failed');
        }
      }
    }
    // A duplicate is a success (the first copy is kept, as for C-STORE); its UIDs come from the index row's study.
    const where = event ? { study: event.studyInstanceUid, series: event.seriesInstanceUid } : await storedStudy(deps, cmd.sopInstanceUid);
    return { ok: true, ...ids, studyInstanceUid: where.study, seriesInstanceUid: where.series };
  };

  try {
    for await (const chunk of body) {
      const events = reader.push(chunk);
      if (!events.ok) {
        if (part) {
          fail(part, FailureReason.CannotUnderstand, events.error.message);
          outcomes.push(await finish(part));
          part = undefined;
        }
        break;
      }
      for (const e of events.value) {
        if (e.kind === 'part') {
          part = { head: [], headBytes: 0 };
          const partType = parseMediaType(e.headers['content-type'] ?? 'application/dicom').type;
          if (partType !== 'application/dicom') fail(part, FailureReason.CannotUnderstand, `a part of type ${partType} is not a Part 10 file (application/dicom)`);
        } else if (e.kind === 'data' && part) feed(part, e.chunk);
        else if (e.kind === 'end-part' && part) {
          outcomes.push(await finish(part));
          part = undefined;
        }
      }
      if (reader.finished) break;
    }
    const ended = reader.end();
    if (part) {
      fail(part, FailureReason.CannotUnderstand, 'the body ends inside this part');
      outcomes.push(await finish(part));
      part = undefined;
    }
    if (!ended.ok && outcomes.length === 0) return ended;
  } finally {
    part?.receiver?.abort();
  }
  if (outcomes.length === 0) return { ok: false, error: { code: 'DICOM_BODY_INVALID', message: 'the multipart body holds no part' } };

  const { status, body: payload } = stowResponse(outcomes, req.base, studyInPath);
  const failures = outcomes.filter((x): x is Extract<StowOutcome, { ok: false }> => !x.ok);
  for (const f of failures) log.warn({ reason: `0x${f.failureReason.toString(16).toUpperCase()}` }, 'STOW-RS part refused');
  const stored = outcomes.filter((x): x is Extract<StowOutcome, { ok: true }> => x.ok);
  return {
    ok: true,
    value: jsonResponse(status, payload, warningHeader(failures.slice(0, 10).map((f) => `${f.sopInstanceUid || 'part'}: ${f.message}`)), {
      action: 'dicomweb.store',
      patientIds: [...patients],
      studyUids: [...new Set(stored.map((s) => s.studyInstanceUid))],
      detail: { stored: stored.length, failed: failures.length, sopInstanceUids: stored.map((s) => s.sopInstanceUid).slice(0, 100) },
    }),
  };
}

async function storedStudy(deps: DicomWebDeps, sopInstanceUid: string): Promise<{ study: string; series: string }> {
  const { rows } = await deps.db.query<{ study: string; series: string }>(
    'select s.study_uid as study, se.series_uid as series from instances i join series se on se.id = i.series_ref join studies s on s.id = i.study_ref where i.sop_instance_uid = $1',
    [sopInstanceUid],
  );
  return rows[0] ?? { study: '', series: '' };
}
