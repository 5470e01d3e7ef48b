// Results on /fhir/R4 as an EHR reads them: an order arrives over MLLP (ORM^O01), the modality
// stores its study (DCMTK storescu), and ImagingStudy?identifier=urn:oid:<uid> finds the study
// with its series, instances, modality and the order's ServiceRequest; the radiologist writes and
// signs the report in /api/reports and DiagnosticReport?based-on=ServiceRequest/<id> finds it,
// final, with the impression as conclusion. A referrer sees the report only once it is signed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateFhirResource } from '../fhir/index.ts';
import { STUDY1, writeDataset } from './support/dicom-fixtures.ts';
import { dcmtk } from './support/dicom-peer.ts';
import { mllpExchange, msa } from './support/mllp-peer.ts';
import { basic, startTestAppliance } from './support/test-appliance.ts';
import type { TestAppliance } from './support/test-appliance.ts';

const PASSWORD = 'fhir-results-password';
const RADIOLOGIST = basic('rreed', PASSWORD);
const REFERRER = basic('rref', PASSWORD);

/** The order of the fixture's study 1 (accession ACC-0001, patient PAT-001). */
const ORM = [
  'MSH|^~\\&|RIS|RADIOLOGY|PACS|HOSPITAL|20250301083000||ORM^O01|F-NW-1|P|2.3.1||||||UNICODE UTF-8',
  'PID|1||PAT-001^^^HOSP^MR||DOE^JANE||19800115|F',
  'PV1|1|O|RAD^CT1^^HOSP|||||1234^SMITH^JOHN^^^DR',
  'ORC|NW|PO-F1^EPIC|FO-F1^RIS||SC||1^^^20250301093000^^R||20250301083000|||5678^JONES^ALICE^^^DR||||||CT01',
  `OBR|1|PO-F1^EPIC|FO-F1^RIS|CTCHEST^CT Chest with contrast^LOCAL^CTP01^CT chest routine protocol^LOCAL||||||||||||5678^JONES^ALICE^^^DR||ACC-0001|RP-F1|SPS-F1||||CT|||1^^^20250301093000^^R||||R07.9^Chest pain, unspecified^I10`,
  `ZDS|${STUDY1}^RIS^Application^DICOM`,
].join('\r');

type Bundle = { resourceType: 'Bundle'; type: string; total: number; entry?: { fullUrl: string; resource: Record<string, unknown> & { id: string } }[] };
type Ref = { reference?: string; display?: string; identifier?: { value?: string } };

describe('ImagingStudy and DiagnosticReport on /fhir/R4 (ORM^O01 -> worklist, storescu -> study, /api/reports -> report)', () => {
  let app: TestAppliance;
  let dir: string;
  let serviceRequestId: string;
  let patientRef: string;
  let studyId: string;
  let reportId: number;

  async function call<T>(method: string, path: string, auth?: string, body?: unknown): Promise<{ status: number; type: string | null; body: T }> {
    const res = await app.fetch(path, { method, ...(auth ? { auth } : {}), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), body: (text ? JSON.parse(text) : undefined) as T };
  }
  const search = async (path: string, auth?: string) => {
    const r = await call<Bundle>('GET', `/fhir/R4/${path}`, auth);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.type, 'searchset');
    return r.body;
  };

  before(async () => {
    app = await startTestAppliance();
    dir = mkdtempSync(join(tmpdir(), 'fhir-results-'));
    for (const [username, role, fullName] of [['rreed', 'radiologist', 'REED^RACHEL^^DR'], ['rref', 'referrer', null]] as const) {
      const r = await call('POST', '/api/users', undefined, { username, password: PASSWORD, role, fullName });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });
  after(async () => {
    await app?.stop();
    await app?.testEnv.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the order arrives over MLLP and its study is stored', async () => {
    const [ack] = await mllpExchange(app.ports.mllp!, [Buffer.from(ORM, 'utf8')]);
    assert.equal(msa(ack), 'AA', ack);
    const { study1 } = writeDataset(dir);
    const stored = await dcmtk('storescu', ['-aec', 'PACS', '127.0.0.1', String(app.ports.dicom), ...study1.map((f) => f.path)]);
    assert.equal(stored.code, 0, stored.stderr);
    const orders = await search('ServiceRequest?identifier=ACC-0001');
    assert.equal(orders.total, 1);
    serviceRequestId = orders.entry![0]!.resource.id;
    patientRef = (orders.entry![0]!.resource.subject as Ref).reference!;
    assert.match(patientRef, /^Patient\//);
  });

  test('ImagingStudy?identifier=urn:oid:<uid> finds the study with its order, series, instances and modality', async () => {
    const found = await search(`ImagingStudy?identifier=urn:oid:${STUDY1}`);
    assert.equal(found.total, 1);
    const study = found.entry![0]!.resource;
    studyId = study.id;
    assert.match(studyId, /^study-\d+$/);
    assert.ok(found.entry![0]!.fullUrl.endsWith(`/fhir/R4/ImagingStudy/${studyId}`));
    const valid = validateFhirResource(study);
    assert.ok(valid.ok, JSON.stringify(!valid.ok && valid.error));
    assert.equal(study.status, 'available');
    assert.deepEqual(study.basedOn, [{ reference: `ServiceRequest/${serviceRequestId}` }]);
    assert.equal((study.subject as Ref).reference, patientRef);
    assert.deepEqual(study.identifier && (study.identifier as { system?: string; value: string }[]).find((i) => i.system === 'urn:dicom:uid'), { system: 'urn:dicom:uid', value: `urn:oid:${STUDY1}` });
    assert.deepEqual(study.modality, [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'CT' }]);
    assert.equal(study.numberOfSeries, 2);
    assert.equal(study.numberOfInstances, 5);
    assert.match(String(study.started), /^2025-03-01T09:41:12[+-]\d{2}:\d{2}$/);
    const series = study.series as { uid: string; modality: { code: string }; numberOfInstances: number; instance: { uid: string; sopClass: { system: string; code: string } }[] }[];
    assert.deepEqual(
      series.map((s) => [s.uid, s.modality.code, s.numberOfInstances, s.instance.length]),
      [[`${STUDY1}.1`, 'CT', 3, 3], [`${STUDY1}.2`, 'CT', 2, 2]],
    );
    assert.deepEqual(series[0]!.instance[0]!.sopClass, { system: 'urn:ietf:rfc:3986', code: 'urn:oid:1.2.840.10008.5.1.4.1.1.2' });
    // The contained Endpoint is our DICOMweb base: a WADO-RS client can fetch the study from it.
    const endpoint = (study.contained as { resourceType: string; address: string; connectionType: { code: string } }[])[0]!;
    assert.equal(endpoint.connectionType.code, 'dicom-wado-rs');
    assert.equal(new URL(endpoint.address).pathname, '/dicom-web');
    const wado = await app.fetch(`${new URL(endpoint.address).pathname}/studies/${STUDY1}/metadata`);
    assert.equal(wado.status, 200);
    assert.equal(((await wado.json()) as unknown[]).length, 5);
  });

  test('ImagingStudy: read by id, the bare UID, patient, based-on and started; unknown ids and parameters refused', async () => {
    const read = await call<Record<string, unknown>>('GET', `/fhir/R4/ImagingStudy/${studyId}`);
    assert.equal(read.status, 200);
    assert.match(read.type ?? '', /application\/fhir\+json/);
    assert.equal(read.body.id, studyId);
    for (const q of [`identifier=${STUDY1}`, `identifier=urn:dicom:uid|urn:oid:${STUDY1}`, 'identifier=ACC-0001', `patient=${patientRef}`, `based-on=ServiceRequest/${serviceRequestId}`, 'started=ge2025-03-01&started=le2025-03-01', 'started=2025-03']) {
      const b = await search(`ImagingStudy?${q}`);
      assert.deepEqual(b.entry?.map((e) => e.resource.id), [studyId], q);
    }
    for (const q of ['identifier=urn:oid:1.2.3.4', 'patient=Patient/patient-999999', 'based-on=ServiceRequest/order-999999', 'started=gt2025-03-01']) {
      assert.equal((await search(`ImagingStudy?${q}`)).total, 0, q);
    }
    assert.equal((await call('GET', '/fhir/R4/ImagingStudy/study-999999')).status, 404);
    const bad = await call<{ resourceType: string }>('GET', '/fhir/R4/ImagingStudy?modality=CT');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.resourceType, 'OperationOutcome');
    assert.equal((await call('POST', '/fhir/R4/ImagingStudy', undefined, { resourceType: 'ImagingStudy' })).status, 405);
  });

  test('a draft is not served; a preliminary report is, but not to referrers', async () => {
    const made = await call<{ id: number; status: string }>('POST', '/api/reports', RADIOLOGIST, {
      studyInstanceUid: STUDY1,
      technique: 'CT chest with IV contrast.',
      findings: 'No pulmonary embolism.\nLungs are clear.',
      impression: 'No acute cardiopulmonary abnormality.',
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    reportId = made.body.id;
    assert.equal((await search(`DiagnosticReport?based-on=ServiceRequest/${serviceRequestId}`, RADIOLOGIST)).total, 0, 'drafts are not served');
    assert.equal((await call('GET', `/fhir/R4/DiagnosticReport/report-${reportId}`, RADIOLOGIST)).status, 404);

    const prelim = await call<{ status: string }>('PUT', `/api/reports/${reportId}`, RADIOLOGIST, { status: 'preliminary' });
    assert.equal(prelim.status, 200, JSON.stringify(prelim.body));
    const seen = await search(`DiagnosticReport?based-on=ServiceRequest/${serviceRequestId}`, RADIOLOGIST);
    assert.deepEqual(seen.entry?.map((e) => [e.resource.id, e.resource.status]), [[`report-${reportId}`, 'preliminary']]);
    assert.equal((await search(`DiagnosticReport?based-on=ServiceRequest/${serviceRequestId}`, REFERRER)).total, 0, 'referrers see signed reports only');
    assert.equal((await search(`DiagnosticReport?based-on=ServiceRequest/${serviceRequestId}&status=preliminary`, REFERRER)).total, 0);
    assert.equal((await call('GET', `/fhir/R4/DiagnosticReport/report-${reportId}`, REFERRER)).status, 404);
  });

  test('signed: DiagnosticReport?based-on=ServiceRequest/<id> finds it final with the impression as conclusion, for referrers too', async () => {
    const signed = await call<{ status: string }>('PUT', `/api/reports/${reportId}`, RADIOLOGIST, { status: 'final' });
    assert.equal(signed.status, 200, JSON.stringify(signed.body));
    for (const auth of [RADIOLOGIST, REFERRER]) {
      const found = await search(`DiagnosticReport?based-on=ServiceRequest/${serviceRequestId}`, auth);
      assert.equal(found.total, 1);
      const dr = found.entry![0]!.resource;
      const valid = validateFhirResource(dr);
      assert.ok(valid.ok, JSON.stringify(!valid.ok && valid.error));
      assert.equal(dr.id, `report-${reportId}`);
      assert.equal(dr.status, 'final');
      assert.equal(dr.conclusion, 'No acute cardiopulmonary abnormality.');
      assert.deepEqual(dr.basedOn, [{ reference: `ServiceRequest/${serviceRequestId}` }]);
      assert.deepEqual(dr.imagingStudy, [{ reference: `ImagingStudy/${studyId}` }]);
      assert.equal((dr.subject as Ref).reference, patientRef);
      assert.deepEqual((dr.code as { coding: { code: string }[] }).coding.map((c) => c.code), ['CTCHEST']);
      assert.deepEqual(dr.resultsInterpreter, [{ display: 'REED^RACHEL^^DR' }]);
      const text = Buffer.from((dr.presentedForm as { data: string }[])[0]!.data, 'base64').toString('utf8');
      assert.match(text, /^INDICATION: Chest pain, unspecified\nTECHNIQUE: CT chest with IV contrast\.\nFINDINGS: No pulmonary embolism\.\nLungs are clear\.\nIMPRESSION: No acute cardiopulmonary abnormality\.\n$/);
    }
    const read = await call<{ id: string; status: string }>('GET', `/fhir/R4/DiagnosticReport/report-${reportId}`, REFERRER);
    assert.equal(read.status, 200);
    assert.equal(read.body.status, 'final');
    for (const q of [`patient=${patientRef}`, 'status=final', `imaging-study=ImagingStudy/${studyId}`]) {
      assert.deepEqual((await search(`DiagnosticReport?${q}`, REFERRER)).entry?.map((e) => e.resource.id), [`report-${reportId}`], q);
    }
    assert.equal((await search('DiagnosticReport?status=preliminary', RADIOLOGIST)).total, 0);
    // The referrer's reads and searches are in the audit trail with the patient.
    const audit = await call<{ username: string; action: string; resourceType: string; resourceId: string | null; outcome: string; patientId: string | null }[]>(
      'GET',
      `/api/audit?filter=${encodeURIComponent(JSON.stringify({ username: 'rref', action: 'fhir.*' }))}`,
    );
    assert.equal(audit.status, 200);
    assert.ok(audit.body.some((e) => e.action === 'fhir.search' && e.resourceType === 'DiagnosticReport' && e.patientId === 'PAT-001'), JSON.stringify(audit.body));
    assert.ok(audit.body.some((e) => e.action === 'fhir.read' && e.resourceId === `report-${reportId}`), JSON.stringify(audit.body));
  });

  test('the CapabilityStatement lists ImagingStudy and DiagnosticReport', async () => {
    const meta = await call<{ rest: { resource: { type: string; interaction: { code: string }[] }[] }[] }>('GET', '/fhir/R4/metadata');
    const types = meta.body.rest[0]!.resource.map((r) => r.type);
    for (const t of ['ImagingStudy', 'DiagnosticReport']) assert.ok(types.includes(t), t);
  });
});
