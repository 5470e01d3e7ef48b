// The DICOM peers of the tests: DCMTK's command-line tools (an implementation nobody here wrote)
// with Nagle off, and dcmjs-dimse's client for what DCMTK refuses to send (broken objects).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as DcmjsDimse from 'dcmjs-dimse';

const require = createRequire(import.meta.url);

export type ToolResult = { code: number; stdout: string; stderr: string };

/** Runs a DCMTK tool; never throws on a non-zero exit (the test looks at the result). */
export function dcmtk(tool: string, args: string[], timeoutMs = 60_000): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(tool, args, { env: { ...process.env, TCP_NODELAY: '1' }, timeout: timeoutMs, maxBuffer: 1 << 26 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

type Naturalized = Record<string, unknown>;
const dcmjs = require('dcmjs') as {
  data: {
    DicomMessage: { readFile(b: ArrayBuffer): { dict: Record<string, unknown> } };
    DicomMetaDictionary: { naturalizeDataset(d: Record<string, unknown>): Naturalized };
  };
};

export function readDicomFile(path: string): Naturalized {
  const b = readFileSync(path);
  const { dict } = dcmjs.data.DicomMessage.readFile(b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer);
  return dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict);
}

/**
 * findscu with -X: each Pending response's identifier is written to a file, read back here with
 * dcmjs (names like PatientName, values as dcmjs gives them).
 */
export async function findscu(port: number, model: '-S' | '-P', keys: string[], extra: string[] = []): Promise<{ result: ToolResult; matches: Naturalized[] }> {
  const out = mkdtempSync(join(tmpdir(), 'findscu-'));
  const result = await dcmtk('findscu', [model, '-aec', 'PACS', '-X', '-od', out, ...extra, ...keys.flatMap((k) => ['-k', k]), '127.0.0.1', String(port)]);
  const files = readdirSync(out).filter((f) => f.startsWith('rsp')).sort();
  const matches = files.map((f) => readDicomFile(join(out, f)));
  rmSync(out, { recursive: true, force: true });
  return { result, matches };
}

const dimse = require('dcmjs-dimse') as typeof DcmjsDimse;

/**
 * Sends raw data set bytes in one C-STORE with dcmjs-dimse's client (DCMTK will not send a file
 * it cannot read). Resolves with the response status, or undefined when none came.
 */
export function storeRawBytes(port: number, bytes: Buffer, ids: { sopClassUid: string; sopInstanceUid: string; transferSyntaxUid: string }): Promise<number | undefined> {
  const { Client, Dataset } = dimse;
  const { CStoreRequest } = dimse.requests;
  dimse.log.setLevel('silent');
  const ds = new Dataset({ SOPClassUID: ids.sopClassUid, SOPInstanceUID: ids.sopInstanceUid }, ids.transferSyntaxUid);
  // The client writes whatever this returns as the data set.
  (ds as unknown as { getDenaturalizedDataset: () => Buffer }).getDenaturalizedDataset = () => bytes;
  const request = new CStoreRequest(ds);
  let status: number | undefined;
  request.on('response', (r: DcmjsDimse.responses.CStoreResponse) => (status = r.getStatus()));
  const client = new Client();
  client.addRequest(request);
  return new Promise((resolve) => {
    client.on('closed', () => resolve(status));
    client.on('networkError', () => resolve(status));
    client.send('127.0.0.1', port, 'RAWSCU', 'PACS');
  });
}

/**
 * A C-FIND at IMAGE level (Study Root) with a C-CANCEL sent right behind the request, with
 * dcmjs-dimse's client (findscu cancels only after reading responses, which races a fast server).
 */
export function findThenCancel(port: number, studyInstanceUid: string): Promise<number[]> {
  const { Client } = dimse;
  const { CFindRequest } = dimse.requests;
  dimse.log.setLevel('silent');
  const request = CFindRequest.createImageFindRequest({ StudyInstanceUID: studyInstanceUid, SOPInstanceUID: '' });
  const statuses: number[] = [];
  request.on('response', (r: DcmjsDimse.responses.CFindResponse) => statuses.push(r.getStatus()));
  const client = new Client();
  client.addRequest(request);
  client.on('associationAccepted', () => setImmediate(() => client.cancel(request)));
  return new Promise((resolve) => {
    client.on('closed', () => resolve(statuses));
    client.on('networkError', () => resolve(statuses));
    client.send('127.0.0.1', port, 'CANCELSCU', 'PACS');
  });
}
