// DICOMweb as a viewer and a script see it: dicomweb-client (the library OHIF's DICOMweb data
// source uses) searches, retrieves and stores against a running appliance that also received
// images from DCMTK's storescu; rendered JPEGs are decoded by DCMTK; the rest with fetch.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import type * as DicomwebClientModule from 'dicomweb-client';
import { ADMIN_PASSWORD, basic, startTestAppliance } from './support/test-appliance.ts';
import type { TestAppliance } from './support/test-appliance.ts';
import { compress, ctFile, datasetOf, STUDY1, STUDY2, writeDataset } from './support/dicom-fixtures.ts';
import type { CtSpec, Dataset } from './support/dicom-fixtures.ts';
import { dcmtk, readDicomFile } from './support/dicom-peer.ts';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

type Element = { vr: string; Value?: unknown[]; BulkDataURI?: string; InlineBinary?: string };
type DataSet = Record<string, Element>;

/**
 * dicomweb-client talks through XMLHttpRequest, which Node does not have: this is the small part
 * of it the client uses, over fetch (no polyfill package is installed).
 */
class FetchXhr {
  readyState = 0;
  status = 0;
  response: unknown = null;
  responseType = '';
  withCredentials = false;
  onreadystatechange: (() => void) | null = null;
  onloadstart: (() => void) | null = null;
  onloadend: (() => void) | null = null;
  onprogress: (() => void) | null = null;
  private method = 'GET';
  private url = '';
  private readonly headers = new Headers();
  private responseHeaders = new Headers();
  open(method: string, url: string): void {
    this.method = method.toUpperCase();
    this.url = url;
    this.readyState = 1;
  }
  setRequestHeader(name: string, value: string): void {
    this.headers.set(name, value);
  }
  getResponseHeader(name: string): string | null {
    return this.responseHeaders.get(name);
  }
  getAllResponseHeaders(): string {
    return [...this.responseHeaders.entries()].map(([k, v]) => `${k}: ${v}`).join('\r\n');
  }
  send(body?: ArrayBuffer | string): void {
    void fetch(this.url, { method: this.method, headers: this.headers, ...(body !== undefined ? { body } : {}) }).then(async (res) => {
      this.status = res.status;
      this.responseHeaders = res.headers;
      const bytes = await res.arrayBuffer();
      const text = () => Buffer.from(bytes).toString('utf8');
      this.response = this.responseType === 'arraybuffer' ? bytes : this.responseType === 'json' ? (bytes.byteLength ? JSON.parse(text()) : null) : text();
      this.readyState = 4;
      this.onreadystatechange?.();
    });
  }
}
(globalThis as unknown as { XMLHttpRequest: unknown }).XMLHttpRequest = FetchXhr;
const { api } = require('dicomweb-client') as typeof DicomwebClientModule;

/** The client's methods as used here (its typings mark every option as required). */
type Options = Record<string, unknown>;
type Client = {
  searchForStudies(o?: Options): Promise<unknown>;
  searchForSeries(o?: Options): Promise<unknown>;
  searchForInstances(o?: Options): Promise<unknown>;
  retrieveStudyMetadata(o: Options): Promise<unknown>;
  retrieveSeriesMetadata(o: Options): Promise<unknown>;
  retrieveInstanceMetadata(o: Options): Promise<unknown>;
  retrieveInstance(o: Options): Promise<unknown>;
  retrieveSeries(o: Options): Promise<unknown>;
  retrieveStudy(o: Options): Promise<unknown>;
  retrieveInstanceFrames(o: Options): Promise<unknown>;
  retrieveBulkData(o: Options): Promise<unknown>;
  storeInstances(o: Options): Promise<unknown>;
};
const dicomwebClient = (url: string, authorization: string): Client =>
  new api.DICOMwebClient({ url, headers: { Authorization: authorization }, verbose: false, singlepart: false }) as unknown as Client;

const ab = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;
const bytes = (x: ArrayBuffer | Uint8Array): Buffer => (x instanceof ArrayBuffer ? Buffer.from(x) : Buffer.from(x.buffer, x.byteOffset, x.byteLength));

/** The fixture's pixel data (ctFile's gradient), as stored: 16-bit little endian. */
function fixturePixels(spec: CtSpec): Buffer {
  const n = spec.size ?? 64;
  const px = new Uint16Array(n * n);
  for (let i = 0; i < px.length; i++) px[i] = (i * 7 + spec.instanceNumber * 13) % 4096;
  return Buffer.from(px.buffer);
}

/** Width, height and 8-bit gray pixels of a PNG (filter type Up or None; what a decoder does). */
function decodeGrayPng(png: Buffer): { width: number; height: number; pixels: Buffer } {
  assert.equal(png.toString('latin1', 1, 4), 'PNG');
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = -1;
  const idat: Buffer[] = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    if (type === 'IHDR') {
      width = png.readUInt32BE(pos + 8);
      height = png.readUInt32BE(pos + 12);
      colorType = png[pos + 17]!;
    }
    if (type === 'IDAT') idat.push(png.subarray(pos + 8, pos + 8 + len));
    pos += 12 + len;
  }
  assert.equal(colorType, 0, 'a CT renders as grayscale');
  const raw = inflateSync(Buffer.concat(idat));
  const pixels = Buffer.alloc(width * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (width + 1)];
    for (let x = 0; x < width; x++) {
      const v = raw[y * (width + 1) + 1 + x]!;
      pixels[y * width + x] = filter === 2 && y > 0 ? (v + pixels[(y - 1) * width + x]!) & 255 : v;
    }
  }
  return { width, height, pixels };
}

/** Every part of a multipart/related body with its Content-Type (a reader independent of the server's). */
function multipartParts(body: Buffer, contentType: string): { type: string; data: Buffer }[] {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  assert.ok(boundary, contentType);
  const delim = Buffer.from(`--${boundary}`);
  const out: { type: string; data: Buffer }[] = [];
  let at = body.indexOf(delim);
  while (at >= 0) {
    const afterDelim = at + delim.length;
    if (body.toString('latin1', afterDelim, afterDelim + 2) === '--') break;
    const headEnd = body.indexOf('\r\n\r\n', afterDelim);
    const head = body.toString('latin1', afterDelim, headEnd);
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headEnd);
    out.push({ type: /content-type:\s*(.*)/i.exec(head)?.[1]?.trim() ?? '', data: body.subarray(headEnd + 4, next) });
    at = next + 2;
  }
  return out;
}

function filesNamed(root: string, name: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.includes(name)) out.push(join(d, e.name));
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

const text = (ds: DataSet, tag: string) => ds[tag]?.Value?.[0];
const ROOT = '1.2.826.0.1.3680043.9.7433.77';

describe('DICOMweb', () => {
  let app: TestAppliance;
  let data: Dataset;
  let client: Client;
  const scratch: string[] = [];
  const s1 = () => data.study1[0]!.spec;
  const instanceUrl = (s: CtSpec) => `/dicom-web/studies/${s.studyUid}/series/${s.seriesUid}/instances/${s.sopUid}`;

  before(async () => {
    data = writeDataset(mkdtempSync(join(tmpdir(), 'dicomweb-fixtures-')));
    scratch.push(data.dir);
    app = await startTestAppliance(undefined, { PACS_CORS_ORIGINS: 'https://viewer.example.org' });
    const r = await dcmtk('storescu', ['-aec', 'PACS', '127.0.0.1', String(app.ports.dicom), ...data.study1.map((f) => f.path), ...data.study2.map((f) => f.path)]);
    assert.equal(r.code, 0, r.stderr);
    client = dicomwebClient(`${app.url}/dicom-web`, basic('admin', ADMIN_PASSWORD));
    for (const [username, role] of [['dw-referrer', 'referrer'], ['dw-analyst', 'analyst']]) {
      const res = await app.fetch('/api/users', { method: 'POST', body: JSON.stringify({ username, password: 'dicomweb-test-password', role }) });
      assert.equal(res.status, 201, await res.text());
    }
  });
  after(async () => {
    await app?.stop();
    await app?.testEnv.cleanup();
    for (const d of scratch) rmSync(d, { recursive: true, force: true });
  });

  test('searchForStudies: every study with the PS3.18 attributes, names as {Alphabetic}, ModalitiesInStudy and counts', async () => {
    const studies = (await client.searchForStudies()) as DataSet[];
    assert.equal(studies.length, 2);
    const byUid = new Map(studies.map((s) => [text(s, '0020000D'), s]));
    const one = byUid.get(STUDY1)!;
    assert.deepEqual(one['00100010'], { vr: 'PN', Value: [{ Alphabetic: 'DOE^JANE' }] });
    assert.deepEqual(one['00080090'], { vr: 'PN', Value: [{ Alphabetic: 'SMITH^JOHN' }] });
    assert.deepEqual(one['00080061'], { vr: 'CS', Value: ['CT'] });
    assert.deepEqual(one['00201206'], { vr: 'IS', Value: [2] });
    assert.deepEqual(one['00201208'], { vr: 'IS', Value: [5] });
    assert.deepEqual(one['00080020'], { vr: 'DA', Value: ['20250301'] });
    assert.deepEqual(one['00100020'], { vr: 'LO', Value: ['PAT-001'] });
    assert.deepEqual(one['00081190'], { vr: 'UR', Value: [`${app.url}/dicom-web/studies/${STUDY1}`] });
    const two = byUid.get(STUDY2)!;
    assert.deepEqual(two['00080061'], { vr: 'CS', Value: ['MR'] });
    assert.deepEqual([two['00201206']?.Value, two['00201208']?.Value], [[1], [4]]);
    assert.deepEqual(two['00080090'], { vr: 'PN', Value: [{ Alphabetic: 'WHO^REFERRED' }] });
    for (const s of studies) {
      assert.deepEqual(Object.keys(s), Object.keys(s).sort(), 'tags ascending');
      for (const [tag, el] of Object.entries(s)) {
        assert.match(tag, /^[0-9A-F]{8}$/);
        if (el.Value) assert.ok(el.Value.length > 0 && el.Value.every((v) => v !== null && v !== ''), `${tag} holds an empty value instead of leaving Value out`);
      }
    }
  });

  test('QIDO matching: wildcards in any case, date ranges, UID lists, modalities, fuzzy names, includefield, limit/offset', async () => {
    const uids = async (queryParams: Record<string, unknown>) => ((await client.searchForStudies({ queryParams })) as DataSet[]).map((s) => text(s, '0020000D')).sort();
    // What OHIF's study list sends.
    const ohif = (await client.searchForStudies({
      queryParams: { PatientName: '*doe*', ModalitiesInStudy: 'CT', StudyDate: '20250101-20250331', limit: 101, offset: 0, fuzzymatching: false, includefield: '00081030,00080060,InstitutionName' },
    })) as DataSet[];
    assert.equal(ohif.length, 1);
    assert.deepEqual(ohif[0]!['00081030'], { vr: 'LO', Value: ['CT Chest with contrast'] });
    assert.deepEqual(ohif[0]!['00080080'], { vr: 'LO', Value: ['Test Hospital'] }, 'an attribute the index lacks, from the stored metadata');
    assert.deepEqual(await uids({ StudyInstanceUID: `${STUDY1}\\${STUDY2}` }), [STUDY1, STUDY2].sort());
    assert.deepEqual(await uids({ StudyInstanceUID: `${STUDY2},9.9.9` }), [STUDY2]);
    assert.deepEqual(await uids({ ModalitiesInStudy: 'MR' }), [STUDY2]);
    assert.deepEqual(await uids({ ModalitiesInStudy: 'CT,MR' }), [STUDY1, STUDY2].sort());
    assert.deepEqual(await uids({ StudyDate: '20250401-' }), [STUDY2]);
    assert.deepEqual(await uids({ StudyDate: '-20241231' }), []);
    assert.deepEqual(await uids({ '00100020': 'PAT-00?' }), [STUDY1, STUDY2].sort());
    assert.deepEqual(await uids({ PatientName: 'roe^richard' }), [STUDY2], 'names match in any case');
    assert.deepEqual(await uids({ PatientName: 'jane', fuzzymatching: true }), [STUDY1]);
    assert.deepEqual(await uids({ PatientName: 'jane' }), [], 'without fuzzy matching a name matches whole');
    const page1 = await uids({ limit: 1 });
    const page2 = await uids({ limit: 1, offset: 1 });
    assert.equal(page1.length, 1);
    assert.equal(page2.length, 1);
    assert.notDeepEqual(page1, page2);
  });

  test('searchForSeries and searchForInstances, within a study or series and across the archive', async () => {
    const series = (await client.searchForSeries({ studyInstanceUID: STUDY1 })) as DataSet[];
    assert.deepEqual(
      series.map((s) => [text(s, '00200011'), text(s, '00080060'), text(s, '0008103E'), text(s, '00201209')]),
      [
        [1, 'CT', 'Axial 1.25 mm', 3],
        [2, 'CT', 'Coronal MPR', 2],
      ],
    );
    assert.equal(text(series[0]!, '0020000D'), STUDY1);
    const instances = (await client.searchForInstances({ studyInstanceUID: STUDY1, seriesInstanceUID: `${STUDY1}.1` })) as DataSet[];
    assert.deepEqual(instances.map((i) => text(i, '00200013')), [1, 2, 3]);
    assert.deepEqual(instances[0]!['00280010'], { vr: 'US', Value: [64] });
    assert.deepEqual(instances[0]!['00080016'], { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] });
    const mr = (await client.searchForSeries({ queryParams: { Modality: 'MR' } })) as DataSet[];
    assert.equal(mr.length, 1);
    assert.deepEqual(mr[0]!['00100010'], { vr: 'PN', Value: [{ Alphabetic: 'ROE^RICHARD' }] }, 'a series search across studies carries the study attributes');
    const byPatient = (await client.searchForInstances({ queryParams: { PatientID: 'PAT-002' } })) as DataSet[];
    assert.equal(byPatient.length, 4);
    const inStudy = (await client.searchForInstances({ studyInstanceUID: STUDY1, queryParams: { SOPInstanceUID: `${STUDY1}.2.2` } })) as DataSet[];
    assert.deepEqual(inStudy.map((i) => text(i, '00080018')), [`${STUDY1}.2.2`]);
  });

  test('a bad query parameter is 400 with the reason; an unsupported one is a Warning', async () => {
    for (const [query, reason] of [
      ['StudyDate=2025-99', /StudyDate/],
      ['NoSuchAttribute=1', /NoSuchAttribute/],
      ['limit=ten', /limit/],
      ['StudyInstanceUID=1.2.*', /UID/],
    ] as const) {
      const res = await app.fetch(`/dicom-web/studies?${query}`, { headers: { accept: 'application/dicom+json' } });
      assert.equal(res.status, 400, query);
      const body = (await res.json()) as { code: string; message: string };
      assert.equal(body.code, 'DICOM_QUERY_INVALID');
      assert.match(body.message, reason);
    }
    const res = await app.fetch('/dicom-web/studies?Modality=CT', { headers: { accept: 'application/dicom+json' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('warning') ?? '', /^299 pacs: .*Modality/);
    const xml = await app.fetch('/dicom-web/studies', { headers: { accept: 'multipart/related; type="application/dicom+xml"' } });
    assert.equal(xml.status, 406);
  });

  test('401 without credentials, 403 for a role without access to images', async () => {
    for (const path of ['/dicom-web/studies', `/dicom-web/studies/${STUDY1}/metadata`, `/wado?requestType=WADO&studyUID=${STUDY1}&seriesUID=${STUDY1}.1&objectUID=${STUDY1}.1.1`]) {
      const res = await app.fetch(path, { auth: null });
      assert.equal(res.status, 401, path);
      assert.match(res.headers.get('www-authenticate') ?? '', /Basic/);
    }
    const analyst = await app.fetch('/dicom-web/studies', { auth: basic('dw-analyst', 'dicomweb-test-password') });
    assert.equal(analyst.status, 403);
    const referrer = await app.fetch('/dicom-web/studies', { auth: basic('dw-referrer', 'dicomweb-test-password') });
    assert.equal(referrer.status, 200);
  });

  test('retrieveStudyMetadata: the stored DICOM JSON of each instance, pixel data as a BulkDataURI that gives the pixels', async () => {
    const md = (await client.retrieveStudyMetadata({ studyInstanceUID: STUDY1 })) as DataSet[];
    assert.equal(md.length, 5);
    const first = md.find((m) => text(m, '00080018') === s1().sopUid)!;
    assert.deepEqual(first['00200032'], { vr: 'DS', Value: [0, 0, 1.25] });
    assert.deepEqual(first['00100010'], { vr: 'PN', Value: [{ Alphabetic: 'DOE^JANE' }] });
    assert.deepEqual(first['00083002'], { vr: 'UI', Value: ['1.2.840.10008.1.2.1'] });
    assert.equal(first['7FE00010']?.vr, 'OW');
    const uri = first['7FE00010']!.BulkDataURI!;
    assert.equal(uri, `${app.url}${instanceUrl(s1())}/bulkdata/7FE00010`);
    const [pixels] = (await client.retrieveBulkData({ BulkDataURI: uri })) as ArrayBuffer[];
    assert.ok(bytes(pixels!).equals(fixturePixels(s1())));
    const series = (await client.retrieveSeriesMetadata({ studyInstanceUID: STUDY1, seriesInstanceUID: `${STUDY1}.2` })) as DataSet[];
    assert.deepEqual(series.map((m) => text(m, '00200013')).sort(), [1, 2]);
    const one = (await client.retrieveInstanceMetadata({ studyInstanceUID: STUDY1, seriesInstanceUID: s1().seriesUid, sopInstanceUID: s1().sopUid })) as DataSet[];
    assert.equal(one.length, 1);
  });

  test('retrieveInstance, retrieveSeries, retrieveStudy: the instances exactly as stored', async () => {
    const f = data.study1[0]!;
    const got = bytes((await client.retrieveInstance({ studyInstanceUID: STUDY1, seriesInstanceUID: f.spec.seriesUid, sopInstanceUID: f.spec.sopUid })) as ArrayBuffer);
    const [onDisk] = filesNamed(join(app.testEnv.dataDir, 'storage'), `${f.spec.sopUid}.dcm`);
    assert.ok(onDisk);
    assert.ok(got.equals(readFileSync(onDisk)), 'the stored file');
    assert.ok(datasetOf(got).equals(datasetOf(readFileSync(f.path))), 'the data set storescu sent');
    const series = (await client.retrieveSeries({ studyInstanceUID: STUDY1, seriesInstanceUID: `${STUDY1}.1` })) as ArrayBuffer[];
    assert.equal(series.length, 3);
    const study = (await client.retrieveStudy({ studyInstanceUID: STUDY2 })) as ArrayBuffer[];
    assert.equal(study.length, 4);
    const sent = new Set(data.study2.map((x) => datasetOf(readFileSync(x.path)).toString('base64')));
    for (const part of study) assert.ok(sent.has(datasetOf(bytes(part)).toString('base64')));
    const missing = await app.fetch(`/dicom-web/studies/${STUDY1}/series/${STUDY2}.1`, { headers: { accept: 'multipart/related; type="application/dicom"' } });
    assert.equal(missing.status, 404, 'a series of another study');
  });

  test('retrieveInstanceFrames: the pixel data, as explicit VR little endian or as stored', async () => {
    const spec = data.study1[1]!.spec;
    const ids = { studyInstanceUID: STUDY1, seriesInstanceUID: spec.seriesUid, sopInstanceUID: spec.sopUid, frameNumbers: [1] };
    const [frame] = (await client.retrieveInstanceFrames(ids)) as Uint8Array[];
    assert.ok(bytes(frame!).equals(fixturePixels(spec)));
    const [asStored] = (await client.retrieveInstanceFrames({ ...ids, mediaTypes: [{ mediaType: 'application/octet-stream', transferSyntaxUID: '*' }] })) as Uint8Array[];
    assert.ok(bytes(asStored!).equals(fixturePixels(spec)));
    const res = await app.fetch(`${instanceUrl(spec)}/frames/1`, { headers: { accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*' } });
    assert.equal(res.status, 200);
    const parts = multipartParts(Buffer.from(await res.arrayBuffer()), res.headers.get('content-type')!);
    assert.deepEqual(parts.map((p) => p.type), ['application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1']);
    assert.equal(res.headers.get('cache-control'), 'private, max-age=31536000, immutable');
    const beyond = await app.fetch(`${instanceUrl(spec)}/frames/2`, { headers: { accept: 'multipart/related; type="application/octet-stream"' } });
    assert.equal(beyond.status, 404);
  });

  test('a JPEG lossless instance: frames as stored with transfer-syntax=*, not transcoded, and rendered', async () => {
    const spec: CtSpec = { ...s1(), seriesUid: `${ROOT}.9`, seriesNumber: 9, seriesDescription: 'JPEG lossless', sopUid: `${ROOT}.9.1`, instanceNumber: 1, studyUid: `${ROOT}.8`, accession: 'ACC-JPEG' };
    const dir = mkdtempSync(join(tmpdir(), 'dicomweb-jpeg-'));
    scratch.push(dir);
    writeFileSync(join(dir, 'plain.dcm'), ctFile(spec));
    const jpeg = await compress('dcmcjpeg', join(dir, 'plain.dcm'), join(dir, 'jpeg.dcm'));
    const sent = await dcmtk('storescu', ['-xs', '-aec', 'PACS', '127.0.0.1', String(app.ports.dicom), jpeg]);
    assert.equal(sent.code, 0, sent.stderr);
    const stored = readDicomFile(jpeg) as { PixelData: ArrayBuffer[] };
    const fragment = Buffer.concat(stored.PixelData.map((x) => Buffer.from(x)));
    const res = await app.fetch(`${instanceUrl(spec)}/frames/1`, { headers: { accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*' } });
    assert.equal(res.status, 200);
    const [part] = multipartParts(Buffer.from(await res.arrayBuffer()), res.headers.get('content-type')!);
    assert.equal(part!.type, 'application/octet-stream; transfer-syntax=1.2.840.10008.1.2.4.70');
    assert.equal(part!.data.subarray(0, 2).toString('hex'), 'ffd8');
    assert.ok(fragment.subarray(0, part!.data.length).equals(part!.data), 'the stored JPEG bitstream');
    const asJpeg = await app.fetch(`${instanceUrl(spec)}/frames/1`, { headers: { accept: 'multipart/related; type="image/jpeg"' } });
    assert.equal(asJpeg.status, 200);
    assert.match(asJpeg.headers.get('content-type') ?? '', /type="image\/jpeg"/);
    const uncompressed = await app.fetch(`${instanceUrl(spec)}/frames/1`, { headers: { accept: 'multipart/related; type="application/octet-stream"' } });
    assert.equal(uncompressed.status, 406, 'no transcoding');
    const md = (await client.retrieveInstanceMetadata({ studyInstanceUID: spec.studyUid, seriesInstanceUID: spec.seriesUid, sopInstanceUID: spec.sopUid })) as DataSet[];
    assert.deepEqual(md[0]!['00083002'], { vr: 'UI', Value: ['1.2.840.10008.1.2.4.70'] });
    const png = await app.fetch(`${instanceUrl(spec)}/rendered?window=2048,4096`, { headers: { accept: 'image/png' } });
    assert.equal(png.status, 200, await png.clone().text());
    const img = decodeGrayPng(Buffer.from(await png.arrayBuffer()));
    assert.deepEqual([img.width, img.height], [64, 64]);
  });

  test('/rendered: a PNG or a JPEG of the image, windowed, scaled to a viewport; thumbnails at every level', async () => {
    const spec = s1();
    const png = await app.fetch(`${instanceUrl(spec)}/rendered?window=2048,4096`, { headers: { accept: 'image/png' } });
    assert.equal(png.status, 200);
    assert.equal(png.headers.get('content-type'), 'image/png');
    const img = decodeGrayPng(Buffer.from(await png.arrayBuffer()));
    assert.deepEqual([img.width, img.height], [64, 64]);
    // A linear window over 0..4095: gray level ≈ stored value / 16.
    const px = new Uint16Array(ab(fixturePixels(spec)));
    for (const i of [0, 100, 1000, 4095]) assert.ok(Math.abs(img.pixels[i]! - (px[i]! * 255) / 4095) <= 2, `pixel ${i}: ${img.pixels[i]} for ${px[i]}`);
    // The file's own window (40/400) makes most of this gradient white.
    const own = decodeGrayPng(Buffer.from(await (await app.fetch(`${instanceUrl(spec)}/rendered`, { headers: { accept: 'image/png' } })).arrayBuffer()));
    assert.ok(own.pixels.filter((v) => v === 255).length > own.pixels.length / 2);

    const jpg = await app.fetch(`${instanceUrl(spec)}/rendered?window=2048,4096&quality=95`, { headers: { accept: 'image/jpeg' } });
    assert.equal(jpg.headers.get('content-type'), 'image/jpeg');
    const dir = mkdtempSync(join(tmpdir(), 'dicomweb-render-'));
    scratch.push(dir);
    writeFileSync(join(dir, 'r.jpg'), Buffer.from(await jpg.arrayBuffer()));
    // DCMTK wraps the JPEG into a DICOM object and decodes it: an independent JPEG decoder.
    await run('img2dcm', [join(dir, 'r.jpg'), join(dir, 'r.dcm')]);
    await run('dcmdjpeg', [join(dir, 'r.dcm'), join(dir, 'd.dcm')]);
    const decoded = readDicomFile(join(dir, 'd.dcm')) as { Rows: number; Columns: number; PixelData: ArrayBuffer[] };
    assert.deepEqual([decoded.Rows, decoded.Columns], [64, 64]);
    const gray = Buffer.from(decoded.PixelData[0]!);
    let err = 0;
    for (let i = 0; i < gray.length; i++) err += Math.abs(gray[i]! - img.pixels[i]!);
    assert.ok(err / gray.length < 6, `mean error ${err / gray.length}`);

    const small = decodeGrayPng(Buffer.from(await (await app.fetch(`${instanceUrl(spec)}/rendered?viewport=32,16`, { headers: { accept: 'image/png' } })).arrayBuffer()));
    assert.deepEqual([small.width, small.height], [16, 16]);
    const frame = await app.fetch(`${instanceUrl(spec)}/frames/1/rendered`, { headers: { accept: 'image/png' } });
    assert.equal(frame.status, 200);
    for (const path of [`/dicom-web/studies/${STUDY1}`, `/dicom-web/studies/${STUDY1}/series/${STUDY1}.2`, instanceUrl(spec)]) {
      const th = await app.fetch(`${path}/thumbnail`, { headers: { accept: 'image/png' } });
      assert.equal(th.status, 200, path);
      const t = decodeGrayPng(Buffer.from(await th.arrayBuffer()));
      assert.deepEqual([t.width, t.height], [64, 64], 'a small image is not enlarged');
    }
    assert.equal((await app.fetch(`${instanceUrl(spec)}/rendered`, { headers: { accept: 'image/gif' } })).status, 406);
    assert.equal((await app.fetch(`${instanceUrl(spec)}/rendered?window=40`, { headers: { accept: 'image/png' } })).status, 400);
  });

  test('WADO-URI: the object as application/dicom, or rendered', async () => {
    const spec = s1();
    const base = `/wado?requestType=WADO&studyUID=${spec.studyUid}&seriesUID=${spec.seriesUid}&objectUID=${spec.sopUid}`;
    const dicom = await app.fetch(`${base}&contentType=application/dicom`);
    assert.equal(dicom.status, 200);
    assert.match(dicom.headers.get('content-type') ?? '', /^application\/dicom/);
    const viaRs = bytes((await client.retrieveInstance({ studyInstanceUID: STUDY1, seriesInstanceUID: spec.seriesUid, sopInstanceUID: spec.sopUid })) as ArrayBuffer);
    assert.ok(Buffer.from(await dicom.arrayBuffer()).equals(viaRs));
    const png = await app.fetch(`${base}&contentType=image/png&windowCenter=2048&windowWidth=4096&rows=32&columns=32`);
    assert.equal(png.status, 200);
    const img = decodeGrayPng(Buffer.from(await png.arrayBuffer()));
    assert.deepEqual([img.width, img.height], [32, 32]);
    const jpeg = await app.fetch(base);
    assert.equal(jpeg.headers.get('content-type'), 'image/jpeg', 'JPEG by default');
    assert.equal((await app.fetch(`/wado?requestType=WADO&studyUID=${spec.studyUid}`)).status, 400);
    assert.equal((await app.fetch(`/wado?requestType=WADO&studyUID=${spec.studyUid}&seriesUID=${spec.seriesUid}&objectUID=1.2.3`)).status, 404);
  });

  test('storeInstances (STOW-RS): stored through the archive\'s ingest, kept byte for byte, searchable at once', async () => {
    const specs: CtSpec[] = [1, 2].map((i) => ({ ...s1(), patientName: 'STOW^TEST', patientId: 'PAT-STOW', studyUid: `${ROOT}.1`, seriesUid: `${ROOT}.1.1`, sopUid: `${ROOT}.1.1.${i}`, instanceNumber: i, accession: 'ACC-STOW' }));
    const files = specs.map(ctFile);
    // dicomweb-client hands the store response back as the text it received.
    const response = JSON.parse((await client.storeInstances({ datasets: files.map(ab) })) as string) as DataSet;
    const stored = (response['00081199']?.Value ?? []) as DataSet[];
    assert.deepEqual(stored.map((x) => text(x, '00081155')), specs.map((s) => s.sopUid));
    assert.equal(text(stored[0]!, '00081190'), `${app.url}${instanceUrl(specs[0]!)}`);
    assert.equal(response['00081198'], undefined);
    const found = (await client.searchForStudies({ queryParams: { PatientID: 'PAT-STOW' } })) as DataSet[];
    assert.equal(found.length, 1);
    assert.deepEqual(found[0]!['00201208'], { vr: 'IS', Value: [2] });
    const back = bytes((await client.retrieveInstance({ studyInstanceUID: specs[0]!.studyUid, seriesInstanceUID: specs[0]!.seriesUid, sopInstanceUID: specs[0]!.sopUid })) as ArrayBuffer);
    assert.ok(back.equals(files[0]!), 'the file as sent, its meta information included');
    // The same instance again is a success; the first copy is kept.
    const again = JSON.parse((await client.storeInstances({ datasets: [ab(files[0]!)], studyInstanceUID: specs[0]!.studyUid })) as string) as DataSet;
    assert.equal((again['00081199']?.Value ?? []).length, 1);
  });

  test('STOW-RS: a corrupt part gets a failure entry and leaves nothing behind; the good part is stored (202); none stored is 409', async () => {
    const good: CtSpec = { ...s1(), studyUid: `${ROOT}.2`, seriesUid: `${ROOT}.2.1`, sopUid: `${ROOT}.2.1.1`, patientId: 'PAT-STOW2' };
    const broken: CtSpec = { ...good, sopUid: `${ROOT}.2.1.2`, instanceNumber: 2 };
    const brokenFile = ctFile(broken);
    const boundary = 'stow-test-boundary';
    const part = (type: string, body: Buffer) => Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Type: ${type}\r\n\r\n`), body, Buffer.from('\r\n')]);
    const body = Buffer.concat([
      part('application/dicom', ctFile(good)),
      part('application/dicom', brokenFile.subarray(0, brokenFile.length - 1000)), // cut inside the pixel data
      part('application/dicom', Buffer.from('this is not DICOM at all, just text')),
      Buffer.from(`--${boundary}--\r\n`),
    ]);
    const res = await app.fetch('/dicom-web/studies', { method: 'POST', body, headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}`, accept: 'application/dicom+json' } });
    assert.equal(res.status, 202);
    const answer = (await res.json()) as DataSet;
    assert.deepEqual(((answer['00081199']?.Value ?? []) as DataSet[]).map((x) => text(x, '00081155')), [good.sopUid]);
    const failed = (answer['00081198']?.Value ?? []) as DataSet[];
    assert.deepEqual(failed.map((x) => [text(x, '00081155') ?? '', text(x, '00081197')]), [
      [broken.sopUid, 0xc000],
      ['', 0xc000],
    ]);
    assert.match(res.headers.get('warning') ?? '', /ends|truncat|needs/i);
    const search = await app.fetch(`/dicom-web/instances?SOPInstanceUID=${broken.sopUid}`, { headers: { accept: 'application/dicom+json' } });
    assert.deepEqual(await search.json(), []);
    assert.deepEqual(filesNamed(join(app.testEnv.dataDir, 'storage'), broken.sopUid), [], 'no file of the broken instance');
    assert.deepEqual(readdirSync(join(app.testEnv.dataDir, 'storage', '.tmp')), [], 'no staged file left');

    // Into a study it does not belong to: nothing stored, 409.
    const other: CtSpec = { ...good, sopUid: `${ROOT}.2.1.3`, instanceNumber: 3 };
    const into = await app.fetch(`/dicom-web/studies/${STUDY1}`, {
      method: 'POST',
      body: Buffer.concat([part('application/dicom', ctFile(other)), Buffer.from(`--${boundary}--`)]),
      headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}` },
    });
    assert.equal(into.status, 409);
    const refused = (await into.json()) as DataSet;
    assert.deepEqual(((refused['00081198']?.Value ?? []) as DataSet[]).map((x) => [text(x, '00081155'), text(x, '00081197')]), [[other.sopUid, 0xa900]]);
    assert.deepEqual(filesNamed(join(app.testEnv.dataDir, 'storage'), other.sopUid), []);
  });

  test('STOW-RS refuses other media types (415), roles that may not store (403), and no credentials (401)', async () => {
    const body = ctFile({ ...s1(), sopUid: `${ROOT}.3.1`, studyUid: `${ROOT}.3`, seriesUid: `${ROOT}.3.1` });
    const wrongType = await app.fetch('/dicom-web/studies', { method: 'POST', body, headers: { 'content-type': 'application/dicom' } });
    assert.equal(wrongType.status, 415);
    const json = await app.fetch('/dicom-web/studies', { method: 'POST', body: '[]', headers: { 'content-type': 'multipart/related; type="application/dicom+json"; boundary=x' } });
    assert.equal(json.status, 415);
    const referrer = dicomwebClient(`${app.url}/dicom-web`, basic('dw-referrer', 'dicomweb-test-password'));
    await assert.rejects(referrer.storeInstances({ datasets: [ab(body)] }), (err: { status?: number }) => err.status === 403);
    const anonymous = await app.fetch('/dicom-web/studies', { method: 'POST', body, auth: null, headers: { 'content-type': 'multipart/related; type="application/dicom"; boundary=x' } });
    assert.equal(anonymous.status, 401);
    const search = await app.fetch(`/dicom-web/studies?StudyInstanceUID=${ROOT}.3`, { headers: { accept: 'application/dicom+json' } });
    assert.deepEqual(await search.json(), []);
  });

  test('caching: instance content is immutable with an ETag (304 when it matches); a study\'s ETag changes when it grows; JSON is gzipped', async () => {
    const url = `${instanceUrl(s1())}/metadata`;
    const first = await app.fetch(url, { headers: { accept: 'application/dicom+json' } });
    const etag = first.headers.get('etag');
    assert.ok(etag);
    assert.equal(first.headers.get('cache-control'), 'private, max-age=31536000, immutable');
    const again = await app.fetch(url, { headers: { accept: 'application/dicom+json', 'if-none-match': etag } });
    assert.equal(again.status, 304);
    const study = `/dicom-web/studies/${ROOT}.1/metadata`;
    const before = await app.fetch(study, { headers: { accept: 'application/dicom+json', 'accept-encoding': 'gzip' } });
    assert.equal(before.headers.get('content-encoding'), 'gzip');
    assert.equal(before.headers.get('cache-control'), 'private, no-cache');
    assert.equal(((await before.json()) as unknown[]).length, 2);
    const extra: CtSpec = { ...s1(), patientName: 'STOW^TEST', patientId: 'PAT-STOW', studyUid: `${ROOT}.1`, seriesUid: `${ROOT}.1.1`, sopUid: `${ROOT}.1.1.3`, instanceNumber: 3, accession: 'ACC-STOW' };
    await client.storeInstances({ datasets: [ab(ctFile(extra))] });
    const after = await app.fetch(study, { headers: { accept: 'application/dicom+json', 'if-none-match': before.headers.get('etag')! } });
    assert.equal(after.status, 200);
    assert.equal(((await after.json()) as unknown[]).length, 3);
  });

  test('CORS: the configured origin gets its preflight answered with Accept and Authorization allowed; others get nothing', async () => {
    const preflight = await app.fetch('/dicom-web/studies', {
      method: 'OPTIONS',
      auth: null,
      headers: { origin: 'https://viewer.example.org', 'access-control-request-method': 'GET', 'access-control-request-headers': 'accept, authorization' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://viewer.example.org');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Accept/);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    const get = await app.fetch('/dicom-web/studies', { headers: { origin: 'https://viewer.example.org' } });
    assert.equal(get.headers.get('access-control-allow-origin'), 'https://viewer.example.org');
    const denied = await app.fetch('/dicom-web/studies', { headers: { origin: 'https://evil.example.org' } });
    assert.equal(denied.headers.get('access-control-allow-origin'), null);
    const unauthenticated = await app.fetch('/dicom-web/studies', { auth: null, headers: { origin: 'https://viewer.example.org' } });
    assert.equal(unauthenticated.status, 401);
    assert.equal(unauthenticated.headers.get('access-control-allow-origin'), 'https://viewer.example.org', 'a browser can read the 401');
  });

  test('every access to patient data is in the audit trail', async () => {
    const res = await app.fetch(`/api/audit?filter=${encodeURIComponent('{"action":"dicomweb.*"}')}&range=${encodeURIComponent('[0,499]')}`);
    assert.equal(res.status, 200);
    const events = (await res.json()) as { username: string; action: string; patientId: string | null; studyUid: string | null; detail: Record<string, unknown> }[];
    const actions = new Set(events.map((e) => e.action));
    for (const a of ['dicomweb.search', 'dicomweb.study.read', 'dicomweb.store']) assert.ok(actions.has(a), a);
    assert.ok(events.some((e) => e.action === 'dicomweb.study.read' && e.studyUid === STUDY1 && e.patientId === 'PAT-001' && e.username === 'admin'));
    assert.ok(events.some((e) => e.action === 'dicomweb.study.read' && e.studyUid === STUDY2 && e.patientId === 'PAT-002'));
    assert.ok(events.some((e) => e.action === 'dicomweb.store' && e.patientId === 'PAT-STOW'));
    assert.ok(events.some((e) => e.action === 'dicomweb.search' && e.username === 'dw-referrer'));
  });
});
