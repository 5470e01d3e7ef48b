// FHIR orders as a RIS/EHR and the people at the modality see them: a transaction Bundle
// (Patient + ServiceRequest, urn:uuid references) posted to /fhir/R4 with Basic auth becomes a
// worklist item in /api/worklist and a message of the fhir-orders channel; ServiceRequest and
// Patient reads and searches find it, and find orders that came over HL7 (mllp_send) too; a PUT
// with status revoked cancels the item; invalid resources are refused with an OperationOutcome
// and change nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestAppliance } from './support/test-appliance.ts';
import type { TestAppliance } from './support/test-appliance.ts';

const run = promisify(execFile);
const FIXTURES = new URL('../fhir/__fixtures__/', import.meta.url);
const fixture = (name: string) => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, unknown>;

type Json = Record<string, unknown>;
type Issue = { severity: string; code: string; diagnostics?: string; expression?: string[] };
type Outcome = { resourceType: 'OperationOutcome'; issue: Issue[] };
type Entry = { fullUrl?: string; resource?: Json; response?: { status: string; location: string } };
type Bundle = { resourceType: 'Bundle'; type: string; total?: number; entry?: Entry[] };
type Item = { id: number; status: string; patientId: string; patientName: string; accessionNumber: string; modality: string; stationAeTitles: string[]; scheduledDate: string; scheduledTime: string };

const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
const typed = (code: string, value: string, system: string) => ({ type: { coding: [{ system: V2_0203, code }] }, system, value });

/** The 2.4 example resources as a transaction, with this test's identifiers. */
function orderBundle(o: { mrn: string; accession: string; placer: string; family?: string; status?: string }): Json {
  const patient = { ...fixture('patient-2.4.json'), id: undefined, identifier: [{ ...typed('MR', o.mrn, 'urn:oid:2.16.840.1.113883.19.5'), assigner: { display: 'HOSP' } }], name: [{ family: o.family ?? 'DOE', given: ['JANE', 'Q'] }] };
  const sr = {
    ...fixture('service-request-2.4.json'),
    id: undefined,
    identifier: [typed('PLAC', o.placer, 'urn:oid:2.16.840.1.113883.19.5.10'), typed('ACSN', o.accession, 'urn:oid:2.16.840.1.113883.19.5.12')],
    status: o.status ?? 'active',
    subject: { reference: 'urn:uuid:7c1f4f8e-0001-4c5e-9d1e-000000000001' },
  };
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      { fullUrl: 'urn:uuid:7c1f4f8e-0001-4c5e-9d1e-000000000001', resource: patient, request: { method: 'POST', url: 'Patient' } },
      { fullUrl: 'urn:uuid:7c1f4f8e-0001-4c5e-9d1e-000000000002', resource: sr, request: { method: 'POST', url: 'ServiceRequest' } },
    ],
  };
}

/** The scheduled start DA/TM this appliance (its time zone) gives 2025-03-01T09:30:00+01:00. */
function localStart(): [string, string] {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date('2025-03-01T09:30:00+01:00'))
      .map((p) => [p.type, p.value]),
  );
  return [`${parts.year}${parts.month}${parts.day}`, `${parts.hour}${parts.minute}${parts.second}`];
}

describe('FHIR orders (/fhir/R4 -> fhir-orders channel -> worklist, and back)', () => {
  let app: TestAppliance;
  let dir: string;
  before(async () => {
    app = await startTestAppliance();
    dir = mkdtempSync(join(tmpdir(), 'fhir-orders-'));
  });
  after(async () => {
    await app.stop();
    await app.testEnv.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  async function fhir<T = Json>(method: string, path: string, body?: unknown, auth?: string | null): Promise<{ status: number; body: T; headers: Headers }> {
    const res = await app.fetch(`/fhir/R4${path}`, {
      method,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/fhir+json' } }),
      ...(auth === undefined ? {} : { auth }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  }
  const worklist = async (filter: Json) => (await (await app.fetch(`/api/worklist?filter=${encodeURIComponent(JSON.stringify(filter))}`)).json()) as Item[];
  const messages = async (filter: Json) => (await (await app.fetch(`/api/messages?filter=${encodeURIComponent(JSON.stringify(filter))}`)).json()) as { id: number; status: string; accession: string | null; messageType: string | null; error: string | null }[];

  test('a transaction Bundle becomes a worklist item, a message of the channel, and a ServiceRequest to search', async () => {
    const posted = await fhir<Bundle>('POST', '', orderBundle({ mrn: 'MRN-F1', accession: 'ACC-F1', placer: 'PO-F1' }));
    assert.equal(posted.status, 200, JSON.stringify(posted.body));
    assert.match(posted.headers.get('content-type') ?? '', /^application\/fhir\+json/);
    assert.equal(posted.body.type, 'transaction-response');
    const [p, s] = posted.body.entry!;
    assert.deepEqual([p!.response!.status, s!.response!.status], ['201 Created', '201 Created']);
    assert.match(p!.response!.location, /^Patient\/[A-Za-z0-9-]+$/);
    const srId = s!.response!.location.split('/')[1]!;
    // The subject is the Patient the transaction created: the urn:uuid reference was resolved.
    assert.equal((s!.resource as { subject: { reference: string } }).subject.reference, p!.response!.location);

    const [item] = await worklist({ accessionNumber: 'ACC-F1' });
    assert.ok(item, 'the order is on the worklist');
    const [date, time] = localStart();
    assert.deepEqual(
      [item.status, item.patientId, item.patientName, item.modality, item.stationAeTitles, item.scheduledDate, item.scheduledTime],
      ['SCHEDULED', 'MRN-F1', 'DOE^JANE^Q', 'CT', ['CT01'], date, time],
    );

    const [msg] = await messages({ channelId: 'fhir-orders', accession: 'ACC-F1' });
    assert.ok(msg, 'the Bundle is a message of the fhir-orders channel, searchable by accession');
    assert.equal(msg.status, 'sent');
    assert.match(msg.messageType ?? '', /^Bundle\^transaction/);

    const found = await fhir<Bundle>('GET', '/ServiceRequest?identifier=ACC-F1');
    assert.equal(found.status, 200);
    assert.deepEqual([found.body.type, found.body.total], ['searchset', 1]);
    const sr = found.body.entry![0]!.resource as { id: string; status: string; occurrenceDateTime: string; code: { coding: { system: string; code: string }[] }; subject: { reference: string } };
    assert.equal(sr.id, srId);
    assert.equal(sr.status, 'active');
    // As posted: the occurrence keeps its offset, the code its system.
    assert.equal(sr.occurrenceDateTime, '2025-03-01T09:30:00+01:00');
    assert.equal(sr.code.coding[0]!.system, 'http://hospital.example.org/fhir/CodeSystem/rad-procedures');
    const patient = await fhir<{ name: { family: string }[]; birthDate: string; gender: string }>('GET', `/${sr.subject.reference}`);
    assert.equal(patient.status, 200);
    assert.deepEqual([patient.body.name[0]!.family, patient.body.birthDate, patient.body.gender], ['DOE', '1980-01-15', 'female']);
    const byMrn = await fhir<Bundle>('GET', '/Patient?identifier=urn:oid:2.16.840.1.113883.19.5|MRN-F1');
    assert.equal(byMrn.body.total, 1);
    assert.equal((await fhir<Bundle>('GET', '/Patient?identifier=other-system|MRN-F1')).body.entry?.length ?? 0, 0);

    const audit = (await (await app.fetch(`/api/audit?filter=${encodeURIComponent(JSON.stringify({ action: 'fhir.*', patientId: 'MRN-F1' }))}`)).json()) as { action: string }[];
    assert.ok(audit.some((a) => a.action === 'fhir.read'), 'reads of patient data are audited');
    assert.ok(audit.some((a) => a.action === 'fhir.search'));
  });

  test('an order that came over HL7 is found as a ServiceRequest, with its Patient', async () => {
    const orm = [
      'MSH|^~\\&|RIS|RADIOLOGY|PACS|HOSPITAL|20300301083000||ORM^O01|F-HL7-1|P|2.3.1',
      'PID|1||MRN-H1^^^HOSP^MR||SMITH^ANNA||19750203|F',
      'ORC|NW|PO-H1^EPIC|||SC||1^^^20300301093000^^S||20300301083000|||5678^JONES^ALICE^^^DR||||||CT01',
      // OBR-4 procedure, OBR-18 accession, OBR-19/20 RP and SPS IDs, OBR-24 modality, OBR-27 timing.
      ['OBR', '1', 'PO-H1^EPIC', '', 'CTHEAD^CT Head^LOCAL', ...Array(13).fill(''), 'ACC-H1', 'RP-H1', 'SPS-H1', '', '', '', 'CT', '', '', '1^^^20300301093000^^S'].join('|'),
    ].join('\n');
    const file = join(dir, 'orm.hl7');
    writeFileSync(file, orm + '\n', 'utf8');
    const { stdout } = await run('mllp_send', ['--loose', '-f', file, '-p', String(app.ports.mllp), '127.0.0.1']);
    assert.match(stdout, /MSA\|AA/);

    const found = await fhir<Bundle>('GET', '/ServiceRequest?identifier=ACC-H1');
    assert.equal(found.body.total, 1, JSON.stringify(found.body));
    const sr = found.body.entry![0]!.resource as Json & { id: string; status: string; priority: string; identifier: { value: string; type?: { coding: { code: string }[] } }[]; performerType: { coding: { code: string }[] }; subject: { reference: string } };
    assert.match(sr.id, /^order-\d+$/);
    assert.deepEqual([sr.status, sr.priority, sr.performerType.coding[0]!.code], ['active', 'stat', 'CT']);
    assert.deepEqual(
      sr.identifier.filter((i) => i.type).map((i) => [i.type!.coding[0]!.code, i.value]),
      [['PLAC', 'PO-H1'], ['ACSN', 'ACC-H1']],
    );
    const patient = await fhir<{ id: string; name: { family: string; given: string[] }[] }>('GET', `/${sr.subject.reference}`);
    assert.equal(patient.status, 200);
    assert.deepEqual(patient.body.name[0], { family: 'SMITH', given: ['ANNA'] });
    const byPatient = await fhir<Bundle>('GET', `/ServiceRequest?patient=${patient.body.id}`);
    assert.deepEqual(byPatient.body.entry!.map((e) => (e.resource as { id: string }).id), [sr.id]);
    const byName = await fhir<Bundle>('GET', '/Patient?name=smi');
    assert.ok(byName.body.entry!.some((e) => (e.resource as { id: string }).id === patient.body.id));
    // Searching by an identifier none has finds nothing (not everything).
    assert.equal((await fhir<Bundle>('GET', '/ServiceRequest?identifier=NOPE')).body.total, 0);
  });

  test('PUT with status revoked cancels the worklist item', async () => {
    const posted = await fhir<Bundle>('POST', '', orderBundle({ mrn: 'MRN-F2', accession: 'ACC-F2', placer: 'PO-F2' }));
    assert.equal(posted.status, 200, JSON.stringify(posted.body));
    const id = posted.body.entry![1]!.response!.location.split('/')[1]!;
    const current = await fhir<Json>('GET', `/ServiceRequest/${id}`);
    const put = await fhir<Json & { status: string }>('PUT', `/ServiceRequest/${id}`, { ...current.body, status: 'revoked' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.status, 'revoked');
    const [item] = await worklist({ accessionNumber: 'ACC-F2' });
    assert.equal(item!.status, 'CANCELLED');
    assert.equal((await fhir<Bundle>('GET', '/ServiceRequest?identifier=ACC-F2&status=active')).body.total, 0);
    assert.equal((await fhir<Bundle>('GET', '/ServiceRequest?identifier=ACC-F2&status=revoked')).body.total, 1);
  });

  test('the same transaction again changes nothing; on-hold withholds the item from modalities until active again', async () => {
    const bundle = orderBundle({ mrn: 'MRN-F4', accession: 'ACC-F4', placer: 'PO-F4' });
    const first = await fhir<Bundle>('POST', '', bundle);
    const again = await fhir<Bundle>('POST', '', bundle);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.deepEqual(again.body.entry!.map((e) => e.response!.status), ['200 OK', '200 OK']);
    assert.deepEqual(again.body.entry!.map((e) => e.response!.location), first.body.entry!.map((e) => e.response!.location), 'the same ids');
    assert.equal((await worklist({ accessionNumber: 'ACC-F4' })).length, 1);

    const id = first.body.entry![1]!.response!.location.split('/')[1]!;
    const sr = (await fhir<Json>('GET', `/ServiceRequest/${id}`)).body;
    const held = await fhir<Json & { status: string }>('PUT', `/ServiceRequest/${id}`, { ...sr, status: 'on-hold' });
    assert.equal(held.status, 200, JSON.stringify(held.body));
    assert.equal(held.body.status, 'on-hold');
    let [item] = (await (await app.fetch(`/api/worklist?filter=${encodeURIComponent(JSON.stringify({ accessionNumber: 'ACC-F4' }))}`)).json()) as (Item & { missingType1: string[] })[];
    assert.deepEqual([item!.status, item!.stationAeTitles, item!.missingType1], ['SCHEDULED', [], ['ScheduledStationAETitle']]);
    assert.equal((await fhir<Bundle>('GET', '/ServiceRequest?identifier=ACC-F4&status=on-hold')).body.total, 1);

    const active = await fhir<Json & { status: string }>('PUT', `/ServiceRequest/${id}`, { ...sr, status: 'active' });
    assert.equal(active.body.status, 'active');
    [item] = (await (await app.fetch(`/api/worklist?filter=${encodeURIComponent(JSON.stringify({ accessionNumber: 'ACC-F4' }))}`)).json()) as (Item & { missingType1: string[] })[];
    assert.deepEqual([item!.status, item!.stationAeTitles, item!.missingType1], ['SCHEDULED', ['CT01'], []]);
  });

  test('a ServiceRequest posted alone refers to a stored Patient; POST answers 201 with Location', async () => {
    await fhir('POST', '', orderBundle({ mrn: 'MRN-F3', accession: 'ACC-F3', placer: 'PO-F3' }));
    const patients = await fhir<Bundle>('GET', '/Patient?identifier=MRN-F3');
    const patientId = (patients.body.entry![0]!.resource as { id: string }).id;
    const sr = { ...fixture('service-request-2.4.json'), id: undefined, identifier: [typed('ACSN', 'ACC-F3B', 'urn:oid:1.2.3')], subject: { reference: `Patient/${patientId}` }, priority: 'stat' };
    const created = await fhir<Json & { id: string; identifier: { value: string }[] }>('POST', '/ServiceRequest', sr);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.headers.get('location'), `${app.url}/fhir/R4/ServiceRequest/${created.body.id}`);
    const [item] = await worklist({ accessionNumber: 'ACC-F3B' });
    assert.deepEqual([item!.patientId, item!.patientName, item!.status], ['MRN-F3', 'DOE^JANE^Q', 'SCHEDULED']);
  });

  test('a draft is kept but not scheduled until it becomes active', async () => {
    const posted = (await fhir<Bundle>('POST', '', orderBundle({ mrn: 'MRN-F5', accession: 'ACC-F5', placer: 'PO-F5', status: 'draft' }))).body;
    assert.equal(posted.entry![1]!.response!.status, '201 Created');
    const id = posted.entry![1]!.response!.location.split('/')[1]!;
    assert.equal((await worklist({ accessionNumber: 'ACC-F5' })).length, 0, 'a draft is not published');
    const draft = await fhir<Json & { status: string }>('GET', `/ServiceRequest/${id}`);
    assert.equal(draft.body.status, 'draft');
    assert.equal((await fhir<Bundle>('GET', '/ServiceRequest?identifier=ACC-F5&status=draft')).body.total, 1);
    const active = await fhir<Json & { status: string }>('PUT', `/ServiceRequest/${id}`, { ...draft.body, status: 'active' });
    assert.equal(active.status, 200, JSON.stringify(active.body));
    assert.equal((await worklist({ accessionNumber: 'ACC-F5' }))[0]?.status, 'SCHEDULED');
  });

  test('invalid resources are refused with an OperationOutcome and change nothing', async () => {
    const before = (await worklist({})).length;
    const noStatus = { ...fixture('service-request-2.4.json'), id: undefined, status: undefined, identifier: [typed('ACSN', 'ACC-BAD1', 'urn:oid:1.2.3')] };
    const r1 = await fhir<Outcome>('POST', '/ServiceRequest', noStatus);
    assert.equal(r1.status, 400);
    assert.equal(r1.body.resourceType, 'OperationOutcome');
    assert.ok(r1.body.issue.some((i) => i.severity === 'error' && i.expression?.includes('ServiceRequest.status')), JSON.stringify(r1.body));

    const wrongType = { ...fixture('service-request-2.4.json'), id: undefined, priority: 5, identifier: [typed('ACSN', 'ACC-BAD2', 'urn:oid:1.2.3')] };
    const r2 = await fhir<Outcome>('POST', '/ServiceRequest', wrongType);
    assert.equal(r2.status, 400);
    assert.ok(r2.body.issue.some((i) => i.expression?.includes('ServiceRequest.priority')), JSON.stringify(r2.body));

    // A transaction whose second entry the worklist cannot take (no accession): its Patient is not created either.
    const bundle = orderBundle({ mrn: 'MRN-BAD3', accession: 'ACC-BAD3', placer: 'PO-BAD3' }) as { entry: { resource: Json }[] };
    bundle.entry[1]!.resource.identifier = [typed('PLAC', 'PO-BAD3', 'urn:oid:1.2.3')];
    const r3 = await fhir<Outcome>('POST', '', bundle);
    assert.equal(r3.status, 422, JSON.stringify(r3.body));
    assert.ok(r3.body.issue.some((i) => i.expression?.includes('Bundle.entry[1].resource.identifier')), JSON.stringify(r3.body));
    assert.equal((await fhir<Bundle>('GET', '/Patient?identifier=MRN-BAD3')).body.total, 0);

    assert.equal((await worklist({})).length, before, 'no worklist item was created');
    const refused = await messages({ channelId: 'fhir-orders', status: 'error' });
    assert.ok(refused.length >= 3, 'refused requests stay in the message browser');
    assert.equal((await fhir<Outcome>('POST', '', 'not json')).status, 400);
  });

  test("the README's curl example is accepted as written", async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const m = /curl -u admin:secret -H 'Content-Type: application\/fhir\+json' http:\/\/127\.0\.0\.1:8080\/fhir\/R4 -d '([\s\S]*?)'\n```/.exec(readme);
    assert.ok(m, 'the README shows a transaction Bundle posted with curl');
    const r = await fhir<Bundle>('POST', '', m[1]!);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const [item] = await worklist({ accessionNumber: 'ACC-0001' });
    assert.deepEqual([item!.patientId, item!.modality, item!.stationAeTitles, item!.status], ['MRN12345', 'CT', ['CT01'], 'SCHEDULED']);
  });

  test('authentication, roles, and the CapabilityStatement', async () => {
    const anonymous = await app.fetch('/fhir/R4/ServiceRequest?identifier=ACC-F1', { auth: null });
    assert.equal(anonymous.status, 401);
    const anonymousPost = await app.fetch('/fhir/R4', { method: 'POST', auth: null, body: JSON.stringify(orderBundle({ mrn: 'MRN-X', accession: 'ACC-X', placer: 'PO-X' })) });
    assert.equal(anonymousPost.status, 401);
    assert.equal((await worklist({ accessionNumber: 'ACC-X' })).length, 0);

    // A technician reads orders but may not post them.
    const created = await app.fetch('/api/users', { method: 'POST', body: JSON.stringify({ username: 'tech1', password: 'tech1-password-long', role: 'technician' }) });
    assert.equal(created.status, 201, await created.text());
    const tech = `Basic ${Buffer.from('tech1:tech1-password-long').toString('base64')}`;
    assert.equal((await fhir('GET', '/ServiceRequest?identifier=ACC-F1', undefined, tech)).status, 200);
    const denied = await fhir<Outcome>('POST', '', orderBundle({ mrn: 'MRN-T', accession: 'ACC-T', placer: 'PO-T' }), tech);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.resourceType, 'OperationOutcome');

    const meta = await fhir<{ resourceType: string; fhirVersion: string; rest: { resource: { type: string; interaction: { code: string }[] }[]; interaction: { code: string }[] }[] }>('GET', '/metadata');
    assert.equal(meta.status, 200);
    assert.deepEqual([meta.body.resourceType, meta.body.fhirVersion], ['CapabilityStatement', '4.0.1']);
    const types = meta.body.rest[0]!.resource.map((r) => r.type);
    assert.ok(types.includes('ServiceRequest') && types.includes('Patient'), types.join());
    assert.ok(meta.body.rest[0]!.interaction.some((i) => i.code === 'transaction'));
    const unknown = await fhir<Outcome>('GET', '/Observation/1');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.resourceType, 'OperationOutcome');
  });
});
