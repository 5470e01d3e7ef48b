// Worklist order -> ServiceRequest: an HL7 order reads as R4, a FHIR order reads back as posted
// while the worklist keeps what it mapped to, and the two directions agree (round trip).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { context, serviceRequest24, serviceRequest24Worklist } from './__fixtures__/fixtures.ts';
import type { ServiceRequest } from './fhir-types.ts';
import { serviceRequestToOrder } from './service-request-to-order.ts';
import { validateFhirResource } from './validate-resource.ts';
import { serviceRequestFromWorklist } from './worklist-to-service-request.ts';
import type { WorklistOrderView } from './worklist-to-service-request.ts';
import type { MwlItem, MwlStatus } from './worklist-shapes.ts';

const TZ = { timeZone: 'Europe/Berlin' };
const SUBJECT = { reference: 'Patient/patient-1' };

/** The 1.6 item as the HL7 orders channel stores it. */
function hl7Item(): MwlItem {
  const item = structuredClone(serviceRequest24Worklist().items[0]!);
  item.PlacerOrderNumberImagingServiceRequest = 'PO-1001';
  item.OrderPlacerIdentifierSequence = [{ LocalNamespaceEntityID: 'EPIC' }];
  item.RequestedProcedureCodeSequence = [{ CodeValue: 'CTCHEST', CodingSchemeDesignator: 'LOCAL', CodeMeaning: 'CT Chest with contrast' }];
  item.StudyInstanceUID = '1.2.840.99999.1.2.3.4.5';
  return item;
}

function view(item: MwlItem, status: MwlStatus = 'SCHEDULED'): WorklistOrderView {
  return { orderId: 7, status, placer: { number: 'PO-1001', issuer: 'EPIC' }, filler: { number: 'FO-2001', issuer: '2.16.840.1.113883.19.5.11' }, items: [{ id: 70, status, item }], updatedAt: new Date('2025-03-01T08:00:00Z') };
}

test('an order from HL7 reads as a valid R4 ServiceRequest', () => {
  const sr = serviceRequestFromWorklist('order-7', view(hl7Item()), SUBJECT, undefined, TZ);
  assert.ok(validateFhirResource(JSON.parse(JSON.stringify(sr))).ok, JSON.stringify(sr));
  assert.deepEqual(
    sr.identifier!.map((i) => [i.type?.coding?.[0]?.code ?? i.system, i.value, i.system ?? i.assigner?.display]),
    [
      ['PLAC', 'PO-1001', 'EPIC'],
      ['FILL', 'FO-2001', 'urn:oid:2.16.840.1.113883.19.5.11'],
      ['ACSN', 'ACC-0001', 'urn:oid:2.16.840.1.113883.19.5.12'],
      ['urn:dicom:uid', 'urn:oid:1.2.840.99999.1.2.3.4.5', 'urn:dicom:uid'],
    ],
  );
  assert.deepEqual([sr.status, sr.intent, sr.priority, sr.occurrenceDateTime], ['active', 'order', 'routine', '2025-03-01T09:30:00+01:00']);
  assert.deepEqual(sr.code, { coding: [{ code: 'CTCHEST', display: 'CT Chest with contrast' }], text: 'CT Chest with contrast' });
  assert.deepEqual(sr.performerType, { coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'CT' }] });
  assert.deepEqual(sr.performer, [{ type: 'Device', display: 'CT01' }]);
  assert.deepEqual(sr.reasonCode, [{ coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'R07.9', display: 'Chest pain, unspecified' }], text: 'Chest pain, unspecified' }]);
  assert.deepEqual(sr.requester, { display: 'JONES^ALICE' });
  assert.deepEqual(sr.subject, SUBJECT);
});

const statuses: [MwlStatus, ServiceRequest['status']][] = [
  ['IN PROGRESS', 'active'],
  ['COMPLETED', 'completed'],
  ['CANCELLED', 'revoked'],
  ['DISCONTINUED', 'revoked'],
];
for (const [mwl, fhir] of statuses) {
  test(`a ${mwl} order reads ${fhir}`, () => assert.equal(serviceRequestFromWorklist('order-7', view(hl7Item(), mwl), SUBJECT, undefined, TZ).status, fhir));
}

test('round trip: what an HL7 order reads as maps back to the same worklist values', () => {
  const item = hl7Item();
  const sr = serviceRequestFromWorklist('order-7', view(item), SUBJECT, undefined, TZ);
  const again = serviceRequestToOrder(sr, context());
  assert.ok(again.ok, JSON.stringify(!again.ok && again.error));
  const back = again.value.order.items[0]!;
  for (const key of ['AccessionNumber', 'IssuerOfAccessionNumberSequence', 'RequestedProcedureDescription', 'RequestedProcedurePriority', 'ReasonForTheRequestedProcedure', 'RequestedProcedureComments', 'RequestingPhysician', 'StudyInstanceUID', 'PlacerOrderNumberImagingServiceRequest', 'FillerOrderNumberImagingServiceRequest'] as const) {
    assert.deepEqual(back[key], item[key], key);
  }
  const [a, b] = [back.ScheduledProcedureStepSequence[0], item.ScheduledProcedureStepSequence[0]];
  assert.deepEqual([a.Modality, a.ScheduledStationAETitle, a.ScheduledProcedureStepStartDate, a.ScheduledProcedureStepStartTime], [b.Modality, b.ScheduledStationAETitle, b.ScheduledProcedureStepStartDate, b.ScheduledProcedureStepStartTime]);
  assert.equal(again.value.order.studyInstanceUidGenerated, false, 'the Study Instance UID travels as an identifier');
});

test('an order posted over FHIR reads back as posted while the worklist values are unchanged', () => {
  const posted = serviceRequest24();
  const mapped = serviceRequestToOrder(posted, context());
  assert.ok(mapped.ok);
  const item = mapped.value.order.items[0]!;
  const stored = { resource: posted, mapped: item, updatedAt: new Date('2025-03-01T08:00:00Z') };
  const sr = serviceRequestFromWorklist('sr-acc-0001', view(item), SUBJECT, stored, TZ);
  for (const e of ['code', 'orderDetail', 'occurrenceDateTime', 'requester', 'performer', 'performerType', 'reasonCode', 'note', 'category', 'authoredOn', 'priority'] as const) {
    assert.deepEqual(sr[e], posted[e], e);
  }
  assert.deepEqual(sr.subject, SUBJECT, 'the subject is the stored Patient, whatever was posted');
  assert.ok(validateFhirResource(JSON.parse(JSON.stringify(sr))).ok);
});

test('what HL7 or MPPS changed since the post is read from the worklist', () => {
  const posted = serviceRequest24();
  const mapped = serviceRequestToOrder(posted, context());
  assert.ok(mapped.ok);
  const item = structuredClone(mapped.value.order.items[0]!);
  item.ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartTime = '141500';
  const sr = serviceRequestFromWorklist('sr-acc-0001', view(item, 'CANCELLED'), SUBJECT, { resource: posted, mapped: mapped.value.order.items[0]!, updatedAt: new Date() }, TZ);
  assert.equal(sr.occurrenceDateTime, '2025-03-01T14:15:00+01:00');
  assert.equal(sr.status, 'revoked');
  assert.deepEqual(sr.code, posted.code, 'unchanged groups stay as posted');
});

test('on hold reads on-hold while the step is withheld; entered-in-error survives the cancel', () => {
  const posted = { ...serviceRequest24(), status: 'on-hold' as const };
  const mapped = serviceRequestToOrder(posted, context());
  assert.ok(mapped.ok);
  const held = structuredClone(mapped.value.order.items[0]!);
  held.ScheduledProcedureStepSequence[0].ScheduledStationAETitle = [];
  assert.equal(serviceRequestFromWorklist('x', view(held), SUBJECT, { resource: posted, mapped: held, updatedAt: new Date() }, TZ).status, 'on-hold');
  // An HL7 update routed the step again: the order is offered, so it reads active.
  assert.equal(serviceRequestFromWorklist('x', view(mapped.value.order.items[0]!), SUBJECT, { resource: posted, mapped: held, updatedAt: new Date() }, TZ).status, 'active');
  const eie = { ...serviceRequest24(), status: 'entered-in-error' as const };
  assert.equal(serviceRequestFromWorklist('x', view(mapped.value.order.items[0]!, 'CANCELLED'), SUBJECT, { resource: eie, mapped: null, updatedAt: new Date() }, TZ).status, 'entered-in-error');
});
