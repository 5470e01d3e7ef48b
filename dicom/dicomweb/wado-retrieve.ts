// WADO-RS retrieval of whole instances and of metadata (PS3.18 10.4): a study, series or
// instance as multipart/related application/dicom parts streamed from the storage tier one file
// after another, and their metadata as DICOM JSON streamed from the index a page at a time.
import type { Readable } from 'node:stream';
import type { Result } from '../../engine/index.ts';
import type { IndexDb } from '../study-index/index-db.ts';
import type { DicomwebError } from './dicomweb-error.ts';
import { acceptsDicomJson, chooseInstanceSyntax } from './media-types.ts';
import { MultipartWriter } from './multipart-writer.ts';
import { isUid } from './qido-query.ts';
import { instanceMetadata } from './wado-metadata.ts';
import { allInstanceFiles, instanceFiles, resolveTarget } from './wado-lookup.ts';
import type { InstanceFile, ResolvedTarget, WadoTarget } from './wado-lookup.ts';
import { DICOM_JSON, etagOf, IMMUTABLE, jsonArray, REVALIDATE } from './web-response.ts';
import type { DicomWebDeps, WebAudit, WebRequest, WebResponse } from './web-response.ts';

export type Resolved = { target: WadoTarget; resolved: ResolvedTarget };

/** Checks the UIDs and finds the target in the index (404 codes for each level). */
export async function findTarget(db: IndexDb, t: WadoTarget): Promise<Result<Resolved, DicomwebError>> {
  for (const uid of [t.studyInstanceUid, t.seriesInstanceUid, t.sopInstanceUid]) {
    if (uid !== undefined && !isUid(uid)) return { ok: false, error: { code: 'DICOM_QUERY_INVALID', message: `"${uid.slice(0, 70)}" is not a UID` } };
  }
  const r = await resolveTarget(db, t);
  if ('missing' in r) {
    const code = r.missing === 'study' ? 'DICOM_STUDY_NOT_FOUND' : r.missing === 'series' ? 'DICOM_SERIES_NOT_FOUND' : 'DICOM_INSTANCE_NOT_FOUND';
    const uid = r.missing === 'study' ? t.studyInstanceUid : r.missing === 'series' ? t.seriesInstanceUid : t.sopInstanceUid;
    return { ok: false, error: { code, message: `no ${r.missing} ${uid} ${r.missing === 'study' ? 'in the archive' : 'in this ' + (r.missing === 'series' ? 'study' : 'series')}` } };
  }
  return { ok: true, value: { target: t, resolved: r.found } };
}

export function readAudit(r: Resolved, resource: string): WebAudit {
  return { action: 'dicomweb.retrieve', patientIds: [r.resolved.patientId], studyUids: [r.target.studyInstanceUid], detail: { resource, ...r.target } };
}

/** The ETag and caching of a representation: an instance never changes, a study or series does. */
function caching(r: Resolved, ...what: (string | number)[]): Record<string, string> {
  const single = r.resolved.instanceRef !== undefined;
  return {
    ETag: etagOf(r.target.studyInstanceUid, r.target.seriesInstanceUid ?? '', r.target.sopInstanceUid ?? '', single ? '' : `${r.resolved.numInstances}@${r.resolved.updatedAt}`, ...what),
    'Cache-Control': single ? IMMUTABLE : REVALIDATE,
  };
}

async function distinctSyntaxes(db: IndexDb, r: ResolvedTarget): Promise<string[]> {
  const scope = r.instanceRef !== undefined ? 'id = $1' : r.seriesRef !== undefined ? 'series_ref = $1' : 'study_ref = $1';
  const { rows } = await db.query<{ ts: string }>(`select distinct transfer_syntax_uid as ts from instances where ${scope}`, [r.instanceRef ?? r.seriesRef ?? r.studyRef]);
  return rows.map((x) => x.ts);
}

function openFile(deps: Pick<DicomWebDeps, 'storeFor'>, f: InstanceFile): Promise<Readable | undefined> {
  const store = deps.storeFor(f.tier);
  return store ? store.get(f.storageKey) : Promise.resolve(undefined);
}

async function* streamFile(deps: Pick<DicomWebDeps, 'storeFor'>, f: InstanceFile): AsyncGenerator<Buffer> {
  const stream = await openFile(deps, f);
  if (!stream) throw new Error(`instance ${f.sopInstanceUid}: stored object ${f.storageKey} is missing from tier ${f.tier}`);
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } finally {
    stream.destroy();
  }
}

async function* multipartInstances(deps: Pick<DicomWebDeps, 'db' | 'storeFor'>, files: AsyncIterable<InstanceFile>, writer: MultipartWriter): AsyncGenerator<Buffer> {
  for await (const f of files) {
    yield writer.head(`application/dicom; transfer-syntax=${f.transferSyntaxUid}`);
    yield* streamFile(deps, f);
  }
  yield writer.end();
}

async function* just<T>(item: T): AsyncGenerator<T> {
  yield item;
}

/** GET …/studies/{s}[/series/{se}[/instances/{i}]]: the instances as stored (Part 10 files). */
export async function retrieveInstances(deps: Pick<DicomWebDeps, 'db' | 'storeFor'>, req: WebRequest, t: WadoTarget): Promise<Result<WebResponse, DicomwebError>> {
  const found = await findTarget(deps.db, t);
  if (!found.ok) return found;
  const r = found.value;
  const syntaxes = await distinctSyntaxes(deps.db, r.resolved);
  const choices = syntaxes.map((ts) => chooseInstanceSyntax(req.accept, ts));
  if (choices.some((c) => !c)) {
    return { ok: false, error: { code: 'DICOM_NOT_ACCEPTABLE', message: `instances are returned as stored (transfer syntax ${syntaxes.join(', ')}); accept application/dicom with transfer-syntax=* or that syntax` } };
  }
  const writer = new MultipartWriter();
  const single = r.resolved.instanceRef !== undefined;
  let files: AsyncIterable<InstanceFile> = allInstanceFiles(deps.db, r.resolved, { withMetadata: false });
  if (single) {
    // Check the one object before answering, so a missing one is an error status, not a broken stream.
    const [file] = await instanceFiles(deps.db, r.resolved, { afterId: 0, limit: 1, withMetadata: false });
    const store = file && deps.storeFor(file.tier);
    if (!file || !store || !(await store.exists(file.storageKey))) return { ok: false, error: { code: 'DICOM_INSTANCE_UNAVAILABLE', message: `the stored object of instance ${t.sopInstanceUid} cannot be read` } };
    if (!choices[0]!.multipart) {
      return {
        ok: true,
        value: {
          status: 200,
          headers: { 'Content-Type': `application/dicom; transfer-syntax=${file.transferSyntaxUid}`, 'Content-Length': String(file.size), ...caching(r, 'single') },
          body: streamFile(deps, file),
          audit: readAudit(r, 'instance'),
        },
      };
    }
    files = just(file);
  }
  return {
    ok: true,
    value: {
      status: 200,
      headers: { 'Content-Type': writer.contentType('application/dicom'), ...caching(r, 'multipart') },
      body: multipartInstances(deps, files, writer),
      audit: readAudit(r, single ? 'instance' : r.target.seriesInstanceUid ? 'series' : 'study'),
    },
  };
}

/** GET …/metadata at study, series or instance level: the stored DICOM JSON of each instance, streamed. */
export async function retrieveMetadata(deps: Pick<DicomWebDeps, 'db'>, req: WebRequest, t: WadoTarget): Promise<Result<WebResponse, DicomwebError>> {
  if (!acceptsDicomJson(req.accept)) return { ok: false, error: { code: 'DICOM_NOT_ACCEPTABLE', message: 'metadata is available as application/dicom+json only' } };
  const found = await findTarget(deps.db, t);
  if (!found.ok) return found;
  const r = found.value;
  const rows = allInstanceFiles(deps.db, r.resolved, { withMetadata: true });
  return {
    ok: true,
    value: {
      status: 200,
      headers: { 'Content-Type': `${DICOM_JSON}; charset=utf-8`, ...caching(r, 'metadata', req.base) },
      body: jsonArray(rows, (f) => instanceMetadata(req.base, f, f.metadata ?? {})),
      json: true,
      audit: readAudit(r, 'metadata'),
    },
  };
}
