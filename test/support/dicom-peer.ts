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

/** A free TCP port on 127.0.0.1 (closed again, so a tool can bind it). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export type StoreScp = { aeTitle: string; port: number; dir: string; stop(): Promise<void> };

/**
 * DCMTK's storescp as a C-MOVE destination: AE `aeTitle` on a free port, every object written
 * bit-preserving (+B: the data set as it came off the wire) into a fresh folder. `extra` adds
 * options (`+xa` accepts every transfer syntax, `+xi` implicit VR only).
 */
export async function startStorescp(aeTitle: string, extra: string[] = []): Promise<StoreScp> {
  const { spawn } = await import('node:child_process');
  const { connect } = await import('node:net');
  const dir = mkdtempSync(join(tmpdir(), `storescp-${aeTitle.toLowerCase()}-`));
  const port = await freePort();
  const child = spawn('storescp', ['-aet', aeTitle, '-od', dir, '+B', ...extra, String(port)], { env: { ...process.env, TCP_NODELAY: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Listening once a connection succeeds.
  for (let i = 0; ; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) break;
    if (i > 100 || child.exitCode !== null) throw new Error(`storescp did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    aeTitle,
    port,
    dir,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The files a storescp (or getscu) wrote, each with the SOP Instance UID it holds. */
export function receivedFiles(dir: string): { path: string; sopInstanceUid: string }[] {
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.'))
    .map((f) => join(dir, f))
    .map((path) => ({ path, sopInstanceUid: String(readDicomFile(path).SOPInstanceUID) }));
}

export type RetrieveResponse = { status: number; remaining?: number; completed?: number; failed?: number; warning?: number; failedSopInstanceUids?: string[] };

/**
 * A Study Root C-MOVE of one study with dcmjs-dimse's client, every response as it came (counts and
 * Failed SOP Instance UID List, which movescu does not print). `cancelAfter`: send a C-CANCEL once
 * that many Pending responses have arrived.
 */
export function moveStudy(port: number, destination: string, studyInstanceUid: string, opts: { cancelAfter?: number; callingAe?: string } = {}): Promise<RetrieveResponse[]> {
  const { Client } = dimse;
  const { CMoveRequest } = dimse.requests;
  dimse.log.setLevel('silent');
  const request = CMoveRequest.createStudyMoveRequest(destination, studyInstanceUid);
  const responses: RetrieveResponse[] = [];
  const client = new Client();
  request.on('response', (r: DcmjsDimse.responses.CMoveResponse) => {
    const list = r.getDataset()?.getElement('FailedSOPInstanceUIDList') as unknown as string | string[] | undefined;
    responses.push({
      status: r.getStatus(),
      remaining: r.getRemaining(),
      completed: r.getCompleted(),
      failed: r.getFailures(),
      warning: r.getWarnings(),
      ...(list !== undefined ? { failedSopInstanceUids: Array.isArray(list) ? list : [list] } : {}),
    });
    if (opts.cancelAfter !== undefined && r.getStatus() === 0xff00 && responses.length === opts.cancelAfter) client.cancel(request);
  });
  client.addRequest(request);
  return new Promise((resolve) => {
    client.on('closed', () => resolve(responses));
    client.on('networkError', () => resolve(responses));
    client.send('127.0.0.1', port, opts.callingAe ?? 'MOVECLIENT', 'PACS');
  });
}

/**
 * A Study Root C-GET at SERIES level with dcmjs-dimse's client (proposing the storage classes in
 * implicit and explicit VR little endian, SCP role): every C-GET response as it came, and the SOP
 * Instance UIDs of the C-STOREs received. getscu does not read a final response's identifier.
 */
export function getSeries(port: number, studyInstanceUid: string, seriesInstanceUid: string): Promise<{ responses: RetrieveResponse[]; received: string[] }> {
  const { Client } = dimse;
  const { CGetRequest } = dimse.requests;
  const { CStoreResponse } = dimse.responses;
  dimse.log.setLevel('silent');
  const request = CGetRequest.createSeriesGetRequest(studyInstanceUid, seriesInstanceUid);
  const responses: RetrieveResponse[] = [];
  const received: string[] = [];
  const client = new Client();
  request.on('response', (r: DcmjsDimse.responses.CGetResponse) => {
    const list = r.getDataset()?.getElement('FailedSOPInstanceUIDList') as unknown as string | string[] | undefined;
    responses.push({
      status: r.getStatus(),
      remaining: r.getRemaining(),
      completed: r.getCompleted(),
      failed: r.getFailures(),
      warning: r.getWarnings(),
      ...(list !== undefined ? { failedSopInstanceUids: Array.isArray(list) ? list : [list] } : {}),
    });
  });
  client.on('cStoreRequest', (req: DcmjsDimse.requests.CStoreRequest, callback: (r: DcmjsDimse.responses.CStoreResponse) => void) => {
    received.push(req.getAffectedSopInstanceUid());
    const response = CStoreResponse.fromRequest(req);
    response.setStatus(0);
    callback(response);
  });
  client.addRequest(request);
  return new Promise((resolve) => {
    client.on('closed', () => resolve({ responses, received }));
    client.on('networkError', () => resolve({ responses, received }));
    client.send('127.0.0.1', port, 'GETCLIENT', 'PACS');
  });
}
