// ServiceRequest -> worklist order (standards-mappings.md 2.2), from the 2.4 example: the whole
// result against the checked-in file, then one row per rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { context, serviceRequest24, serviceRequest24Worklist } from './__fixtures__/fixtures.ts';
import type { ServiceRequest } from './fhir-types.ts';
import { serviceRequestToOrder, withheldFromModalities } from './service-request-to-order.ts';
import type { ServiceRequestContext } from './service-request-to-order.ts';
import type { MwlItem } from './worklist-shapes.ts';

const V2 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

test('the 2.4 ServiceRequest maps to the checked-in worklist order', () => {
  const r = serviceRequestToOrder(serviceRequest24(), context());
  assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
  assert.deepEqual(r.value.order, serviceRequest24Worklist());
  assert.deepEqual(r.value.warnings, []);
});

type Row = {
  name: string;
  change: (sr: ServiceRequest) => ServiceRequest;
  ctx?: Partial<ServiceRequestContext>;
  /** Checks on the item, or the expression of the expected error. */
  expect: ((item: MwlItem, warnings: string[], generated: boolean) => void) | { error: string };
};

const rows: Row[] = [
  { name: 'no ACSN identifier: refused', change: (sr) => ({ ...sr, identifier: sr.identifier!.slice(0, 2) }), expect: { error: 'ServiceRequest.identifier' } },
  {
    name: 'no placer or filler number: the accession identifies the order',
    change: (sr) => ({ ...sr, identifier: sr.identifier!.slice(2) }),
    expect: (item, warnings) => {
      assert.equal(item.FillerOrderNumberImagingServiceRequest, 'ACC-0001');
      assert.equal(item.PlacerOrderNumberImagingServiceRequest, undefined);
      assert.match(warnings.join(), /accession number identifies the order/);
    },
  },
  {
    name: 'an untyped identifier is the placer order number',
    change: (sr) => ({ ...sr, identifier: [{ system: 'urn:oid:1.2.3', value: 'EHR-77' }, sr.identifier![2]!] }),
    expect: (item) => assert.deepEqual([item.PlacerOrderNumberImagingServiceRequest, item.FillerOrderNumberImagingServiceRequest], ['EHR-77', undefined]),
  },
  { name: 'an accession longer than SH: refused', change: (sr) => ({ ...sr, identifier: [{ type: { coding: [{ system: V2, code: 'ACSN' }] }, value: 'ACC-0123456789012' }] }), expect: { error: 'ServiceRequest.identifier[0].value' } },
  { name: 'no modality: refused', change: (sr) => ({ ...sr, performerType: undefined }), expect: { error: 'ServiceRequest.performerType' } },
  { name: 'a modality not in the table: refused', change: (sr) => ({ ...sr, performerType: { coding: [{ code: 'XYZ' }] } }), expect: { error: 'ServiceRequest.performerType' } },
  {
    name: 'a local modality code goes through the table (RX -> CR)',
    change: (sr) => ({ ...sr, performerType: { coding: [{ code: 'RX' }] } }),
    expect: (item) => assert.equal(item.ScheduledProcedureStepSequence[0].Modality, 'CR'),
  },
  {
    name: 'no Device performer: the station rules give the AE title, station name and location',
    change: (sr) => ({ ...sr, performer: undefined }),
    ctx: { routeStation: (f) => (f.modality === 'CT' && f.procedureCodes.includes('CTCHEST') ? { aeTitles: ['CT02'], stationName: 'CT-2', location: 'ROOM 2' } : undefined) },
    expect: (item) => {
      const step = item.ScheduledProcedureStepSequence[0];
      assert.deepEqual([step.ScheduledStationAETitle, step.ScheduledStationName, step.ScheduledProcedureStepLocation], [['CT02'], 'CT-2', 'ROOM 2']);
    },
  },
  {
    name: 'no station at all: stored without AE title, with a warning',
    change: (sr) => ({ ...sr, performer: undefined }),
    expect: (item, warnings) => {
      assert.equal(item.ScheduledProcedureStepSequence[0].ScheduledStationAETitle, undefined);
      assert.match(warnings.join(), /not offered to modalities/);
    },
  },
  {
    name: 'a contained Device names the AE title by its identifier',
    change: (sr) => ({ ...sr, contained: [{ resourceType: 'Device', id: 'd1', identifier: [{ value: 'MR_3T' }], deviceName: [{ name: 'MR Room 3', type: 'user-friendly-name' }] }], performer: [{ reference: '#d1' }] }),
    expect: (item) => assert.deepEqual([item.ScheduledProcedureStepSequence[0].ScheduledStationAETitle, item.ScheduledProcedureStepSequence[0].ScheduledStationName], [['MR_3T'], 'MR Room 3']),
  },
  {
    name: 'the occurrence is converted to the modality time zone (summer time)',
    change: (sr) => ({ ...sr, occurrenceDateTime: '2025-07-01T07:30:00Z' }),
    expect: (item) => assert.deepEqual([item.ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate, item.ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartTime], ['20250701', '093000']),
  },
  {
    name: 'an occurrence across midnight changes the date',
    change: (sr) => ({ ...sr, occurrenceDateTime: '2025-03-01T23:30:00Z' }),
    expect: (item) => assert.equal(item.ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate, '20250302'),
  },
  {
    name: 'a date without time starts at 000000, with a warning',
    change: (sr) => ({ ...sr, occurrenceDateTime: '2025-03-04' }),
    expect: (item, warnings) => {
      assert.deepEqual([item.ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartDate, item.ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartTime], ['20250304', '000000']);
      assert.match(warnings.join(), /no time/);
    },
  },
  {
    name: 'no occurrence: occurrencePeriod.start, else authoredOn',
    change: (sr) => ({ ...sr, occurrenceDateTime: undefined, occurrencePeriod: { start: '2025-03-05T10:00:00+01:00' } }),
    expect: (item) => assert.equal(item.ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartTime, '100000'),
  },
  {
    name: 'no occurrence nor period: authoredOn, with a warning',
    change: (sr) => ({ ...sr, occurrenceDateTime: undefined }),
    expect: (item, warnings) => {
      assert.equal(item.ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartTime, '083000');
      assert.match(warnings.join(), /authoredOn/);
    },
  },
  { name: 'a partial date cannot be scheduled', change: (sr) => ({ ...sr, occurrenceDateTime: '2025-03' }), expect: { error: 'ServiceRequest.occurrenceDateTime' } },
  ...(
    [
      ['stat', 'STAT'],
      ['asap', 'HIGH'],
      ['urgent', 'HIGH'],
      ['routine', 'ROUTINE'],
    ] as const
  ).map(([priority, dicom]): Row => ({ name: `priority ${priority} is ${dicom}`, change: (sr) => ({ ...sr, priority }), expect: (item) => assert.equal(item.RequestedProcedurePriority, dicom) })),
  {
    name: 'a contained Practitioner requester gives the PN from its name',
    change: (sr) => ({ ...sr, contained: [{ resourceType: 'Practitioner', id: 'p1', name: [{ family: 'Jones', given: ['Alice', 'B'], prefix: ['Dr'] }] }], requester: { reference: '#p1' } }),
    expect: (item) => assert.deepEqual([item.RequestingPhysician, item.ReferringPhysicianName], ['Jones^Alice^B^Dr', 'Jones^Alice^B^Dr']),
  },
  {
    name: 'a Study Instance UID identifier (urn:dicom:uid) is kept, none generated',
    change: (sr) => ({ ...sr, identifier: [...sr.identifier!, { system: 'urn:dicom:uid', value: 'urn:oid:1.2.840.99999.1.2.3.4.5' }] }),
    expect: (item, _w, generated) => {
      assert.equal(item.StudyInstanceUID, '1.2.840.99999.1.2.3.4.5');
      assert.equal(generated, false);
    },
  },
  {
    name: 'a long description is cut to LO with a warning',
    change: (sr) => ({ ...sr, code: { text: 'X'.repeat(70) } }),
    expect: (item, warnings) => {
      assert.equal(item.RequestedProcedureDescription, 'X'.repeat(64));
      assert.match(warnings.join(), /cut to 64/);
    },
  },
  { name: 'no code: refused', change: (sr) => ({ ...sr, code: undefined }), expect: { error: 'ServiceRequest.code' } },
  {
    name: 'non-ASCII text sets ISO_IR 192',
    change: (sr) => ({ ...sr, note: [{ text: 'Kontrastmittelallergie: Jodlösung' }] }),
    expect: (item) => assert.deepEqual([item.SpecificCharacterSet, item.RequestedProcedureComments], ['ISO_IR 192', 'Kontrastmittelallergie: Jodlösung']),
  },
  {
    name: 'a contained Encounter gives the Admission ID',
    change: (sr) => ({ ...sr, contained: [{ resourceType: 'Encounter', id: 'e1', identifier: [{ system: 'urn:oid:1.2.9', value: 'V0001' }] }], encounter: { reference: '#e1' } }),
    expect: (item) => assert.deepEqual([item.AdmissionID, item.IssuerOfAdmissionIDSequence], ['V0001', [{ UniversalEntityID: '1.2.9', UniversalEntityIDType: 'ISO' }]]),
  },
];

for (const row of rows) {
  test(row.name, () => {
    const r = serviceRequestToOrder(row.change(serviceRequest24()), context(row.ctx));
    if ('error' in row.expect) {
      assert.ok(!r.ok, 'refused');
      assert.ok(
        r.error.some((i) => i.severity === 'error' && i.expression?.includes(row.expect && 'error' in row.expect ? row.expect.error : '')),
        JSON.stringify(r.error),
      );
      return;
    }
    assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
    row.expect(r.value.order.items[0]!, r.value.warnings.map((w) => w.diagnostics ?? ''), r.value.order.studyInstanceUidGenerated === true);
  });
}

test('on-hold withholds the step from modalities: no Scheduled Station AE Title, the rest kept', () => {
  const r = serviceRequestToOrder(serviceRequest24(), context());
  assert.ok(r.ok);
  const held = withheldFromModalities(r.value.order);
  assert.deepEqual(held.items[0]!.ScheduledProcedureStepSequence[0].ScheduledStationAETitle, []);
  assert.equal(held.items[0]!.ScheduledProcedureStepSequence[0].Modality, 'CT');
  assert.deepEqual(r.value.order.items[0]!.ScheduledProcedureStepSequence[0].ScheduledStationAETitle, ['CT01'], 'the input is not changed');
});
