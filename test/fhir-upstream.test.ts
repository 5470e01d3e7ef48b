// Reports pushed to an upstream FHIR server (PACS_FHIR_UPSTREAM) as the server sees them: an order
// arrives over MLLP, the modality stores the study (DCMTK storescu), the radiologist signs the
// report in /api/reports; the upstream server (a small HTTP server in this test, busy at first)
// gets a transaction with a conditional update of the DiagnosticReport, with identifier references
// it can resolve on its own (Patient ID, accession); the amendment updates the same resource.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateFhirResource } from '../fhir/index.ts';
import { ctFile } from './support/dicom-fixtures.ts';
import { dcmtk } from './support/dicom-peer.ts';
import { freePort, mllpExchange, msa } from './support/mllp-peer.ts';
import { basic, startTestAppliance } from './support/test-appliance.ts';
import type { TestAppliance } from './support/test-appliance.ts';

const STUDY = '1.2.826.0.1.3680043.9.7433.10.61';
const ACCESSION = 'ACC-U1';
const PASSWORD = 'upstream-test-password';
const RADIOLOGIST = basic('rreed', PASSWORD);
const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

/** An OBR segment with the given fields (by their number). */
function obr(values: Record<number, string>): string {
  return Array.from({ length: Math.max(...Object.keys(values).map(Number)) + 1 }, (_, i) => (i === 0 ? 'OBR' : i === 1 ? '1' : (values[i] ?? ''))).join('|');
}

const ORM = [
  'MSH|^~\\&|RIS|RADIOLOGY|PACS|HOSPITAL|20300301083000||ORM^O01|U-NW-1|P|2.3.1||||||UNICODE UTF-8',
  'PID|1||MRN-U1^^^HOSP^MR||DOE^JANE||19800115|F',
  'PV1|1|O|RAD^CT1^^HOSP',
  'ORC|NW|PO-U1^EPIC|FO-U1^RIS||SC||1^^^20300301093000^^R||20300301083000',
  obr({ 2: 'PO-U1^EPIC', 3: 'FO-U1^RIS', 4: 'CTCHEST^CT Chest with contrast^LOCAL', 18: ACCESSION, 19: 'RP-U1', 20: 'SPS-U1', 24: 'CT', 27: '1^^^20300301093000^^R' }),
].join('\r');

type Received = { method: string; url: string; contentType: string; body: unknown; answered: number };
type Entry = { resource: Record<string, unknown> & { resourceType: string }; request: { method: string; url: string } };

/**
 * An upstream FHIR server: answers the first request 503 (busy), then works each transaction's
 * conditional updates against its own store, keyed on the search URL.
 */
async function startUpstream(): Promise<{ server: Server; port: number; received: Received[]; store: Map<string, Record<string, unknown>> }> {
  const received: Received[] = [];
  const store = new Map<string, Record<string, unknown>>();
  let next = 1;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body: unknown = text ? JSON.parse(text) : undefined;
      const rec: Received = { method: req.method ?? '', url: req.url ?? '', contentType: req.headers['content-type'] ?? '', body, answered: 0 };
      received.push(rec);
      const send = (status: number, payload: unknown) => {
        rec.answered = status;
        res.writeHead(status, { 'content-type': 'application/fhir+json' });
        res.end(JSON.stringify(payload));
      };
      if (received.length === 1) {
        send(503, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'transient', diagnostics: 'busy' }] });
        return;
      }
      const bundle = body as { resourceType?: string; type?: string; entry?: Entry[] };
      if (req.method !== 'POST' || req.url !== '/fhir' || bundle.resourceType !== 'Bundle' || bundle.type !== 'transaction') {
        send(400, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid', diagnostics: 'a transaction is expected' }] });
        return;
      }
      const entries = (bundle.entry ?? []).map((e) => {
        const old = store.get(e.request.url);
        const id = (old?.id as string | undefined) ?? String(next++);
        const resource = { ...e.resource, id, meta: { versionId: String(Number((old?.meta as { versionId?: string } | undefined)?.versionId ?? 0) + 1) } };
        store.set(e.request.url, resource);
        return { resource, response: { status: old ? '200 OK' : '201 Created', location: `${e.resource.resourceType}/${id}/_history/${resource.meta.versionId}` } };
      });
      send(200, { resourceType: 'Bundle', type: 'transaction-response', entry: entries });
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { server, port, received, store };
}

describe('reports pushed to PACS_FHIR_UPSTREAM (ORM^O01 + storescu + /api/reports -> DiagnosticReport upstream)', () => {
  let app: TestAppliance;
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let dir: string;
  let reportId: number;

  async function call<T>(method: string, path: string, auth: string | undefined, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await app.fetch(path, { method, ...(auth ? { auth } : {}), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async function until<T>(what: string, fn: () => T | undefined, timeoutMs = 20_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = fn();
      if (v !== undefined) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** The successful transactions the upstream server worked, in order. */
  const accepted = () => upstream.received.filter((r) => r.answered === 200);

  before(async () => {
    upstream = await startUpstream();
    app = await startTestAppliance(undefined, { PACS_FHIR_UPSTREAM: `http://127.0.0.1:${upstream.port}/fhir` });
    dir = mkdtempSync(join(tmpdir(), 'fhir-upstream-'));
    const r = await call('POST', '/api/users', undefined, { username: 'rreed', password: PASSWORD, role: 'radiologist', fullName: 'REED^RACHEL^^DR' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });
  after(async () => {
    await app?.stop();
    await app?.testEnv.cleanup();
    await new Promise((r) => upstream?.server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  test('the results channel has the fhir-upstream destination', async () => {
    type Channel = { destinations: { id: string; mode: string }[]; definition: { destinations: { id: string; connector: { type: string; baseUrl?: string } }[] } };
    const channel = await call<Channel>('GET', '/api/channels/results', undefined);
    assert.equal(channel.status, 200);
    const d = channel.body.definition.destinations.find((x) => x.id === 'fhir-upstream');
    assert.ok(d, JSON.stringify(channel.body.definition));
    assert.deepEqual([d.connector.type, d.connector.baseUrl], ['fhir', `http://127.0.0.1:${upstream.port}/fhir`]);
    assert.equal(channel.body.destinations.find((x) => x.id === 'fhir-upstream')?.mode, 'queued');
  });

  test('a signed report reaches the upstream server after a 503, as a valid conditional update with identifier references', async () => {
    const [ack] = await mllpExchange(app.ports.mllp!, [Buffer.from(ORM, 'utf8')]);
    assert.equal(msa(ack), 'AA', ack);
    const path = join(dir, 'ct.dcm');
    writeFileSync(
      path,
      ctFile({
        patientName: 'DOE^JANE',
        patientId: 'MRN-U1',
        studyUid: STUDY,
        studyDate: '20300301',
        studyTime: '094112',
        accession: ACCESSION,
        studyDescription: 'CT Chest',
        seriesUid: `${STUDY}.1`,
        seriesNumber: 1,
        seriesDescription: 'Axial',
        sopUid: `${STUDY}.1.1`,
        instanceNumber: 1,
      }),
    );
    const stored = await dcmtk('storescu', ['-aec', 'PACS', '127.0.0.1', String(app.ports.dicom), path]);
    assert.equal(stored.code, 0, stored.stderr);

    const made = await call<{ id: number; status: string }>('POST', '/api/reports', RADIOLOGIST, { studyInstanceUid: STUDY, findings: 'Lungs are clear.', impression: 'No acute abnormality.', status: 'final' });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.status, 'final');
    reportId = made.body.id;

    const first = await until('the DiagnosticReport accepted upstream', () => accepted()[0]);
    assert.equal(upstream.received[0]?.answered, 503, 'the first attempt met a busy server');
    assert.deepEqual(upstream.received[0]?.body, first.body, 'and the same transaction was retried');
    assert.equal(first.method, 'POST');
    assert.equal(first.url, '/fhir');
    assert.match(first.contentType, /^application\/fhir\+json/);
    const valid = validateFhirResource(first.body);
    assert.ok(valid.ok, JSON.stringify(!valid.ok && valid.error));

    const bundle = first.body as { type: string; entry: Entry[] };
    assert.equal(bundle.type, 'transaction');
    assert.equal(bundle.entry.length, 1);
    const { request, resource } = bundle.entry[0]!;
    assert.equal(request.method, 'PUT');
    assert.equal(request.url, `DiagnosticReport?identifier=${encodeURIComponent('urn:pacs-appliance:report:PACS')}|${reportId}`);
    assert.equal(resource.resourceType, 'DiagnosticReport');
    assert.equal(resource.id, undefined);
    assert.equal(resource.status, 'final');
    assert.equal(resource.conclusion, 'No acute abnormality.');
    assert.deepEqual((resource.identifier as { system?: string; value: string }[])[0], { system: 'urn:pacs-appliance:report:PACS', value: String(reportId) });
    assert.deepEqual(resource.subject, {
      identifier: { type: { coding: [{ system: V2_0203, code: 'MR' }] }, system: 'urn:pacs-appliance:patient-issuer:HOSP', value: 'MRN-U1', assigner: { display: 'HOSP' } },
    });
    assert.deepEqual(resource.basedOn, [{ type: 'ServiceRequest', identifier: { type: { coding: [{ system: V2_0203, code: 'ACSN' }] }, value: ACCESSION } }]);
    assert.doesNotMatch(JSON.stringify(resource), /"reference"/, 'no references to ids the upstream server does not know');
    assert.equal(upstream.store.size, 1);
  });

  test('the amendment updates the same upstream resource, with status amended', async () => {
    const amended = await call<{ status: string }>('PUT', `/api/reports/${reportId}`, RADIOLOGIST, { status: 'amended', impression: 'Small left effusion.' });
    assert.equal(amended.status, 200, JSON.stringify(amended.body));
    assert.equal(amended.body.status, 'amended');
    const second = await until('the amendment accepted upstream', () => accepted()[1]);
    assert.ok(validateFhirResource(second.body).ok);
    const [first] = accepted();
    const entry = (second.body as { entry: Entry[] }).entry[0]!;
    assert.equal(entry.request.url, (first!.body as { entry: Entry[] }).entry[0]!.request.url, 'the same conditional update');
    assert.equal(entry.resource.status, 'amended');
    assert.equal(entry.resource.conclusion, 'Small left effusion.');
    assert.equal(upstream.store.size, 1, 'one DiagnosticReport upstream');
    const kept = [...upstream.store.values()][0]!;
    assert.deepEqual([kept.id, kept.status, (kept.meta as { versionId: string }).versionId], ['1', 'amended', '2']);
  });
});
