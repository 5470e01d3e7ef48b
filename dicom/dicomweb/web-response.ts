// What the DICOMweb services answer, independent of the HTTP framework: a status, headers, a body
// (bytes, or a stream of them produced while the client reads), and what the audit trail must
// record. appliance/dicomweb-routes.ts writes it out (gzip, ETag checks, CORS, audit).
import { createHash } from 'node:crypto';
import type { Logger } from '../../engine/index.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import type { IndexDb } from '../study-index/index-db.ts';
import type { InstanceIngest, InstanceStoredEvent } from '../ingest/ingest-instance.ts';
import type { AcceptEntry } from './media-types.ts';

export type WebBody = Buffer | AsyncIterable<Buffer>;

export type WebAudit = { action: string; patientIds: string[]; studyUids: string[]; detail?: Record<string, unknown> };

export type WebResponse = {
  status: number;
  headers: Record<string, string | string[]>;
  body?: WebBody;
  /** The body is JSON: worth compressing. */
  json?: boolean;
  audit?: WebAudit;
  /** Releases what the body holds open (a file) when it is not read to its end, e.g. answered 304; may run after the body finished. */
  dispose?: () => Promise<void>;
};

export type DicomWebDeps = {
  db: IndexDb;
  /** The tier an instance's `tier` column names. */
  storeFor(tier: string): BlobStore | undefined;
  log: Logger;
  /** STOW-RS stores through the same ingest as C-STORE, staging large objects in `stagingStore`. */
  ingest?: InstanceIngest;
  stagingStore?: BlobStore;
  onInstanceStored?: (event: InstanceStoredEvent) => void | Promise<void>;
};

/** What every request brings: the DICOMweb root URL (…/dicom-web) and the accepted media types. */
export type WebRequest = { base: string; accept: AcceptEntry[] };

/** A strong ETag from the parts that identify a representation. */
export function etagOf(...parts: (string | number)[]): string {
  return `"${createHash('sha1').update(parts.join('\0')).digest('base64url').slice(0, 27)}"`;
}

/** An instance's bytes never change once stored (the first copy is kept): cache for a year, privately. */
export const IMMUTABLE = 'private, max-age=31536000, immutable';
/** Studies and series grow as instances arrive: revalidate with the ETag each time. */
export const REVALIDATE = 'private, no-cache';

export const DICOM_JSON = 'application/dicom+json';

export function jsonResponse(status: number, value: unknown, headers: Record<string, string | string[]> = {}, audit?: WebAudit): WebResponse {
  return { status, headers: { 'Content-Type': `${DICOM_JSON}; charset=utf-8`, ...headers }, body: Buffer.from(JSON.stringify(value), 'utf8'), json: true, ...(audit ? { audit } : {}) };
}

/** A JSON array written element by element (one page of rows at a time), never held whole. */
export async function* jsonArray<T>(items: AsyncIterable<T>, toJson: (item: T) => unknown): AsyncGenerator<Buffer> {
  let first = true;
  let pending: string[] = [];
  let size = 0;
  for await (const item of items) {
    const text = (first ? '[' : ',') + JSON.stringify(toJson(item));
    first = false;
    pending.push(text);
    size += text.length;
    if (size >= 64 * 1024) {
      yield Buffer.from(pending.join(''), 'utf8');
      pending = [];
      size = 0;
    }
  }
  pending.push(first ? '[]' : ']');
  yield Buffer.from(pending.join(''), 'utf8');
}

/** Warning headers in the form PS3.18 gives them (8.3.4.1, 10.6.3.1): `299 <service>: <text>`, one line each. */
export function warningHeader(texts: readonly string[]): Record<string, string[]> {
  return texts.length ? { Warning: texts.map((t) => `299 pacs: ${t.replace(/[\r\n]+/g, ' ')}`) } : {};
}
