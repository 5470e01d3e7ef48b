import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { EngineRegistry, parseChannelDefinition } from '../../engine/index.ts';
import type { EngineMessage } from '../../engine/index.ts';
import { validateFhirResource } from '../../fhir/index.ts';
import { patientIdentifier, reportIdentifierSystem, reportToUpstreamBundle } from './report-to-upstream-diagnostic-report.ts';
import { registerResultsFunctions, seedResultsChannel } from './results-channel.ts';
import { resultEventSchema } from './result-event.ts';
import type { ResultEvent, ResultEventInput } from './result-event.ts';

const RELEASED = '2025-03-01T10:55:00.000Z';

/** The report and its context of standards-mappings.md 6.5. */
const EXAMPLE: ResultEventInput = {
  event: 'report.final',
  report: {
    id: 42,
    status: 'final',
    revision: 3,
    version: 1,
    studyInstanceUid: '1.2.840.99999.1.2.3.4.5',
    indication: 'Chest pain.',
    technique: '',
    findings: 'Lungs are clear.',
    impression: 'No acute cardiopulmonary abnormality.',
    author: { id: 7, username: 'reed', fullName: 'REED^RACHEL^^DR' },
    releasedBy: { id: 7, username: 'reed', fullName: 'REED^RACHEL^^DR' },
    releasedAt: RELEASED,
  },
  context: {
    patient: { id: 'MRN12345', issuer: 'HOSP', universalId: '2.16.840.1.113883.19.5', universalIdType: 'ISO', identifierType: 'MR', name: 'DOE^JANE', birthDate: '19800115', sex: 'F' },
    order: {
      placer: { number: 'PO-1001', issuer: 'EPIC' },
      filler: { number: 'FO-2001', issuer: 'RIS' },
      requestedProcedureId: 'RP-0001',
      procedure: { code: 'CTCHEST', meaning: 'CT Chest with contrast', scheme: 'LOCAL' },
      procedureDescription: 'CT Chest with contrast',
    },
    study: { studyInstanceUid: '1.2.840.99999.1.2.3.4.5', accessionNumber: 'ACC-0001', date: '20250301', time: '094112', modalities: ['CT'], description: 'CT CHEST' },
  },
};

const event = (input: ResultEventInput): ResultEvent => resultEventSchema.parse(input);
const message = (content: string): EngineMessage => ({ channelId: 'results', dataType: 'json', raw: content, content, meta: {}, source: {} });
const CTX = { aeTitle: 'MAIN PACS', timeZone: 'Europe/Berlin' };

test('a final report becomes a transaction with one conditional update keyed on the report id', () => {
  const bundle = reportToUpstreamBundle(event(EXAMPLE), CTX);
  const valid = validateFhirResource(JSON.parse(JSON.stringify(bundle)));
  assert.ok(valid.ok, JSON.stringify(!valid.ok && valid.error));
  assert.equal(bundle.type, 'transaction');
  assert.equal(bundle.entry?.length, 1);
  const entry = bundle.entry![0]!;
  assert.equal(reportIdentifierSystem('MAIN PACS'), 'urn:pacs-appliance:report:MAIN%20PACS');
  assert.deepEqual(entry.request, { method: 'PUT', url: `DiagnosticReport?identifier=${encodeURIComponent('urn:pacs-appliance:report:MAIN%20PACS')}|42` });
  const dr = entry.resource as Record<string, unknown>;
  assert.equal(dr.resourceType, 'DiagnosticReport');
  assert.equal(dr.id, undefined, 'a conditional update carries no id of ours');
  assert.equal(dr.status, 'final');
  assert.equal(dr.conclusion, 'No acute cardiopulmonary abnormality.');
  assert.equal(dr.effectiveDateTime, '2025-03-01T09:41:12+01:00');
  assert.equal(dr.issued, RELEASED);
  assert.deepEqual(dr.identifier, [
    { system: 'urn:pacs-appliance:report:MAIN%20PACS', value: '42' },
    { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'FILL' }] }, system: 'urn:pacs-appliance:order-issuer:RIS', value: 'FO-2001' },
    { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'PLAC' }] }, system: 'urn:pacs-appliance:order-issuer:EPIC', value: 'PO-1001' },
  ]);
  // No literal references: the upstream server knows none of our ids.
  assert.doesNotMatch(JSON.stringify(dr), /"reference"/);
  assert.deepEqual(dr.subject, {
    identifier: {
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
      system: 'urn:oid:2.16.840.1.113883.19.5',
      value: 'MRN12345',
      assigner: { display: 'HOSP' },
    },
  });
  assert.deepEqual(dr.basedOn, [{ type: 'ServiceRequest', identifier: { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'ACSN' }] }, value: 'ACC-0001' } }]);
  assert.deepEqual(dr.imagingStudy, [{ type: 'ImagingStudy', identifier: { system: 'urn:dicom:uid', value: 'urn:oid:1.2.840.99999.1.2.3.4.5' } }]);
});

test('an amendment updates the same resource, with status amended', () => {
  const amended = reportToUpstreamBundle(
    event({ ...EXAMPLE, event: 'report.amended', report: { ...EXAMPLE.report, status: 'amended', version: 2, revision: 5, impression: 'Small left effusion.' } }),
    CTX,
  );
  const final = reportToUpstreamBundle(event(EXAMPLE), CTX);
  assert.equal(amended.entry![0]!.request!.url, final.entry![0]!.request!.url);
  const dr = amended.entry![0]!.resource as Record<string, unknown>;
  assert.equal(dr.status, 'amended');
  assert.equal(dr.conclusion, 'Small left effusion.');
  assert.ok(validateFhirResource(JSON.parse(JSON.stringify(amended))).ok);
});

test('a study without order or accession: no basedOn; a patient with only a namespace gets the appliance URN', () => {
  const { order: _order, ...context } = EXAMPLE.context;
  const bundle = reportToUpstreamBundle(
    event({ ...EXAMPLE, context: { ...context, patient: { id: 'P1', issuer: 'CLINIC' }, study: { ...EXAMPLE.context.study, accessionNumber: '' } } }),
    CTX,
  );
  const dr = bundle.entry![0]!.resource as Record<string, unknown>;
  assert.equal(dr.basedOn, undefined);
  assert.deepEqual((dr.identifier as unknown[]).length, 1);
  assert.deepEqual(patientIdentifier({ id: 'P1', issuer: 'CLINIC', name: '', birthDate: '', sex: '' }), {
    type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
    system: 'urn:pacs-appliance:patient-issuer:CLINIC',
    value: 'P1',
    assigner: { display: 'CLINIC' },
  });
  assert.ok(validateFhirResource(JSON.parse(JSON.stringify(bundle))).ok);
});

test('the registered results.diagnosticReport transformer maps a channel message, and refuses a broken one for good', () => {
  const registry = new EngineRegistry();
  registerResultsFunctions(registry, { sendingApplication: 'PACS', timeZone: 'UTC' });
  const fn = registry.transformer('results.diagnosticReport');
  assert.ok(fn);
  const out = fn(message(JSON.stringify(EXAMPLE)));
  assert.ok(out.ok);
  const bundle = JSON.parse(out.value.content) as { entry: { request: { url: string }; resource: { status: string } }[] };
  assert.equal(bundle.entry[0]!.request.url, `DiagnosticReport?identifier=${encodeURIComponent('urn:pacs-appliance:report:PACS')}|42`);
  assert.equal(bundle.entry[0]!.resource.status, 'final');
  const bad = fn(message('{"event":"report.final"}'));
  assert.ok(!bad.ok);
  assert.equal(bad.error.permanent, true);
});

test('PACS_FHIR_UPSTREAM seeds a queued fhir-upstream destination after the MLLP ones; its transformer is registered', () => {
  const shipped = parse(readFileSync(new URL('./results.channel.yaml', import.meta.url), 'utf8')) as unknown;
  const parsed = parseChannelDefinition(seedResultsChannel(shipped, [{ host: 'ris', port: 2575 }], 'https://fhir.example.org/r4'));
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
  const d = parsed.value.destinations.at(-1)!;
  assert.deepEqual([parsed.value.destinations.map((x) => x.id), d.mode, d.connector, d.transformer?.script, d.order], [
    ['report', 'ris', 'fhir-upstream'],
    'queued',
    { type: 'fhir', baseUrl: 'https://fhir.example.org/r4', operation: 'transaction', headers: {} },
    'results.diagnosticReport',
    'patient',
  ]);
  assert.ok(d.retry.maxAttempts >= 1000, 'results are retried for a long time');
  const registry = new EngineRegistry();
  registerResultsFunctions(registry);
  assert.ok(registry.names().transformers.includes('results.diagnosticReport'));
  assert.deepEqual(seedResultsChannel(shipped, [], undefined), shipped);
});
