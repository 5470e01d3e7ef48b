// Turns a received data set into a stored, indexed instance, in the order that makes "success"
// mean safe: check the whole structure and decode the metadata (while the bytes are being written
// and fsynced to a staged file), move the file into place, then commit the index row. Same SOP
// Instance UID again: the first copy is kept, the resend counted. Anything that fails leaves no
// file behind.
import { inflateRawSync } from 'node:zlib';
import type { Logger, Result } from '../../engine/index.ts';
import type { DicomError } from '../dicom-error.ts';
import type { DicomJson } from '../dicom-json.ts';
import { bufferSource, ChunkSource } from '../parse/byte-source.ts';
import type { ByteSource } from '../parse/byte-source.ts';
import { scanDataset } from '../parse/dataset-scan.ts';
import { parseInstanceMetadata } from '../parse/instance-metadata.ts';
import type { InstanceAttributes } from '../parse/instance-metadata.ts';
import type { BlobStore, StagedBlob } from '../storage/blob-store.ts';
import { instanceKey } from '../storage/storage-layout.ts';
import { indexInstance, isIndexed } from '../study-index/index-instance.ts';
import type { IndexDb } from '../study-index/index-db.ts';
import { datasetEncoding } from '../transfer-syntaxes.ts';
import type { ReceivedObject } from './instance-receiver.ts';

export type InstanceStoredEvent = {
  sopInstanceUid: string;
  sopClassUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  patientId: string;
  accession: string | null;
  modality: string | null;
  transferSyntaxUid: string;
  size: number;
  /** Calling AE title of the association that sent it. */
  sourceAe: string | undefined;
  newStudy: boolean;
  newSeries: boolean;
  tier: string;
  storageKey: string;
};

export type IngestResult = { outcome: 'stored' | 'duplicate'; sopInstanceUid: string; warning?: string; event?: InstanceStoredEvent };

export type IngestDeps = { db: IndexDb; store: BlobStore; log: Logger };

export type IngestCommand = { sopClassUid: string; sopInstanceUid: string; transferSyntaxUid: string; sourceAe: string | undefined };

type Checked = { metadata: DicomJson; attributes: InstanceAttributes; warning?: string };

/** Checks the whole structure of a received data set and decodes its metadata. */
export function readReceivedMetadata(received: ReceivedObject, transferSyntaxUid: string): Result<Checked, DicomError> {
  const { explicit, deflated } = datasetEncoding(transferSyntaxUid);
  let src: ByteSource =
    received.kind === 'memory' ? new ChunkSource(received.chunks) : received.staged.bytes(received.header.length);
  if (deflated) {
    try {
      src = bufferSource(inflateRawSync(src.read(0, src.length)));
    } catch (err) {
      return { ok: false, error: { code: 'DICOM_INVALID_DATASET', message: `the deflated data set does not inflate: ${(err as Error).message}` } };
    }
  }
  const layout = scanDataset(src, explicit);
  if (!layout.ok) return layout;
  return parseInstanceMetadata(src.read(0, layout.value.bulkStart), explicit);
}

/** Structure, metadata and UID checks: pure CPU work on the received bytes. */
function check(received: ReceivedObject, cmd: IngestCommand): Result<Checked, DicomError> {
  const parsed = readReceivedMetadata(received, cmd.transferSyntaxUid);
  if (!parsed.ok) return parsed;
  const a = parsed.value.attributes;
  if (a.sopInstanceUid !== cmd.sopInstanceUid) {
    return { ok: false, error: { code: 'DICOM_UID_MISMATCH', message: `SOP Instance UID ${a.sopInstanceUid} differs from the command's ${cmd.sopInstanceUid}` } };
  }
  if (a.sopClassUid !== cmd.sopClassUid) {
    return { ok: false, error: { code: 'DICOM_UID_MISMATCH', message: `SOP Class UID ${a.sopClassUid} differs from the command's ${cmd.sopClassUid}` } };
  }
  return { ok: true, value: parsed.value };
}

export class InstanceIngest {
  private readonly deps: IngestDeps;
  /** SOP Instance UIDs being stored now: a second copy waits for the first to finish. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(deps: IngestDeps) {
    this.deps = deps;
  }

  async ingest(received: ReceivedObject, cmd: IngestCommand): Promise<Result<IngestResult, DicomError>> {
    for (let prior = this.inFlight.get(cmd.sopInstanceUid); prior; prior = this.inFlight.get(cmd.sopInstanceUid)) await prior.catch(() => undefined);
    const run = this.run(received, cmd);
    this.inFlight.set(cmd.sopInstanceUid, run);
    try {
      return await run;
    } finally {
      if (this.inFlight.get(cmd.sopInstanceUid) === run) this.inFlight.delete(cmd.sopInstanceUid);
    }
  }

  private async run(received: ReceivedObject, cmd: IngestCommand): Promise<Result<IngestResult, DicomError>> {
    const { store, db, log } = this.deps;
    const t0 = performance.now();
    const lap = (what: string, t: number) => (timings[what] = Math.round((performance.now() - t) * 100) / 100);
    const timings: Record<string, number> = {};
    const size = received.kind === 'memory' ? received.header.length + received.size : received.staged.size;
    const storageFailed = (err: unknown) => ({
      ok: false as const,
      error: { code: 'DICOM_STORAGE_FAILED' as const, message: `cannot write to the storage tier: ${(err as Error).message}` },
    });
    let staged: StagedBlob;
    if (received.kind === 'staged') staged = received.staged;
    else {
      try {
        staged = await store.stage();
      } catch (err) {
        return storageFailed(err);
      }
    }
    // The write and fsync run in the thread pool while the checks run here.
    const durable = received.kind === 'staged' ? staged.sync() : staged.write([received.header, ...received.chunks]).then(() => staged.sync());
    durable.catch(() => undefined);
    let t = performance.now();
    const checked = check(received, cmd);
    lap('check', t);
    t = performance.now();
    try {
      await durable;
      lap('durable', t);
    } catch (err) {
      await staged.discard();
      return storageFailed(err);
    }
    if (!checked.ok) {
      await staged.discard();
      return checked;
    }
    const { attributes, metadata, warning } = checked.value;
    const key = instanceKey(attributes.studyInstanceUid, attributes.seriesInstanceUid, attributes.sopInstanceUid);

    // Move the file into place, then index it. The folder's fsync (making the move durable) runs
    // alongside the index commit; success is answered only when both are done. A crash between the
    // two leaves an index row whose file move was lost, which the sender's resend repairs: the
    // resent copy is linked into the empty place and the existing row answers 'duplicate'.
    let placed = false;
    let moved: Promise<void> = Promise.resolve();
    t = performance.now();
    try {
      let p = await store.place(staged, key);
      if (p.result === 'exists') {
        if (await isIndexed(db, attributes.sopInstanceUid)) {
          await staged.discard();
        } else {
          // A file without an index row: left by a store that failed after the move. Ours replaces it.
          p = await store.place(staged, key, { replace: true });
        }
      }
      placed = p.result === 'stored';
      moved = p.durable;
    } catch (err) {
      await staged.discard();
      return { ok: false, error: { code: 'DICOM_STORAGE_FAILED', message: `cannot move the object into place: ${(err as Error).message}` } };
    }
    lap('place', t);
    t = performance.now();
    const [indexing, moving] = await Promise.allSettled([
      indexInstance(db, { attributes, metadata, transferSyntaxUid: cmd.transferSyntaxUid, size, tier: store.name, storageKey: key, sourceAe: cmd.sourceAe }),
      moved,
    ]);
    if (indexing.status === 'rejected') {
      if (placed) await store.delete(key).catch(() => undefined);
      return { ok: false, error: { code: 'DICOM_INDEX_FAILED', message: `cannot record the instance in the index: ${(indexing.reason as Error).message}` } };
    }
    if (moving.status === 'rejected') {
      // Indexed, and the file is in place but perhaps not durably: not a success. A resend finds the row and the file.
      return { ok: false, error: { code: 'DICOM_STORAGE_FAILED', message: `cannot make the move durable: ${(moving.reason as Error).message}` } };
    }
    const indexed = indexing.value;
    lap('index', t);
    lap('total', t0);
    log.debug({ timings }, 'ingest timings (ms)');
    if (indexed.outcome === 'duplicate') {
      // Indexed already under another study or series: the file just placed belongs to nobody.
      if (placed && indexed.storageKey !== key) await store.delete(key).catch(() => undefined);
      log.info({ sourceAe: cmd.sourceAe }, 'instance received again; the first copy is kept');
      log.debug({ sopInstanceUid: cmd.sopInstanceUid }, 'duplicate instance');
      return { ok: true, value: { outcome: 'duplicate', sopInstanceUid: cmd.sopInstanceUid, ...(warning ? { warning } : {}) } };
    }
    const event: InstanceStoredEvent = {
      sopInstanceUid: attributes.sopInstanceUid,
      sopClassUid: attributes.sopClassUid,
      seriesInstanceUid: attributes.seriesInstanceUid,
      studyInstanceUid: attributes.studyInstanceUid,
      patientId: attributes.patient.patientId,
      accession: attributes.study.accession,
      modality: attributes.series.modality,
      transferSyntaxUid: cmd.transferSyntaxUid,
      size,
      sourceAe: cmd.sourceAe,
      newStudy: indexed.newStudy,
      newSeries: indexed.newSeries,
      tier: store.name,
      storageKey: key,
    };
    return { ok: true, value: { outcome: 'stored', sopInstanceUid: cmd.sopInstanceUid, event, ...(warning ? { warning } : {}) } };
  }
}
