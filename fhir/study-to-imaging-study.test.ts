// Study -> ImagingStudy (standards-mappings.md 5): the produced resources are valid R4 and carry
// the identifiers, counts, modalities, SOP Classes and endpoint 5.1 asks for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { studyToImagingStudy } from './study-to-imaging-study.ts';
import type { ImagingStudyContext, StudyView } from './study-to-imaging-study.ts';
import { validateFhirResource } from './validate-resource.ts';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const KOS = '1.2.840.10008.5.1.4.1.1.88.59';

function study(over: Partial<StudyView> = {}): StudyView {
  return {
    studyInstanceUid: '1.2.840.99999.1.2.3.4.5',
    date: '20250301',
    time: '094112',
    accession: 'ACC-0001',
    studyId: 'S1',
    description: 'CT Chest with contrast',
    referringPhysician: 'SMITH^JOHN',
    modalities: ['CT', 'KO'],
    numberOfSeries: 2,
    numberOfInstances: 3,
    series: [
      {
        seriesInstanceUid: '1.2.840.99999.1.2.3.4.5.1',
        modality: 'CT',
        number: 2,
        description: 'Axial 1.0 mm',
        date: '20250301',
        time: '094200',
        numberOfInstances: 2,
        instances: [
          { sopInstanceUid: '1.2.840.99999.1.2.3.4.5.1.1', sopClassUid: CT, number: 1 },
          { sopInstanceUid: '1.2.840.99999.1.2.3.4.5.1.2', sopClassUid: CT, number: 2 },
        ],
      },
      { seriesInstanceUid: '1.2.840.99999.1.2.3.4.5.2', modality: 'KO', number: null, description: null, date: null, time: null, numberOfInstances: 1, instances: [{ sopInstanceUid: '1.2.840.99999.1.2.3.4.5.2.1', sopClassUid: KOS, number: null }] },
    ],
    ...over,
  };
}

const ctx: ImagingStudyContext = {
  id: 'study-7',
  subject: { reference: 'Patient/patient-3', display: 'DOE^JANE' },
  basedOn: { reference: 'ServiceRequest/order-5' },
  dicomWebBase: 'https://pacs.example.org/dicom-web/',
  timeZone: 'Europe/Berlin',
};

const cases: { name: string; input: StudyView; context: ImagingStudyContext; expected: Record<string, unknown> }[] = [
  {
    name: 'a study with an order (5.2 example)',
    input: study(),
    context: ctx,
    expected: {
      identifier: [
        { system: 'urn:dicom:uid', value: 'urn:oid:1.2.840.99999.1.2.3.4.5' },
        { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'ACSN' }] }, value: 'ACC-0001' },
        { value: 'S1' },
      ],
      status: 'available',
      modality: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'CT' }],
      started: '2025-03-01T09:41:12+01:00',
      basedOn: [{ reference: 'ServiceRequest/order-5' }],
      numberOfSeries: 2,
      numberOfInstances: 3,
      endpoint: [{ reference: '#dicomweb' }],
    },
  },
  {
    name: 'no order: basedOn names the accession',
    input: study(),
    context: { ...ctx, basedOn: undefined },
    expected: { basedOn: [{ identifier: { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'ACSN' }] }, value: 'ACC-0001' } }] },
  },
  {
    name: 'no accession, no date, no instances',
    input: study({ accession: null, studyId: null, date: null, time: null, modalities: [], numberOfSeries: 0, numberOfInstances: 0, series: [] }),
    context: { ...ctx, basedOn: undefined },
    expected: { identifier: [{ system: 'urn:dicom:uid', value: 'urn:oid:1.2.840.99999.1.2.3.4.5' }], status: 'registered', started: undefined, basedOn: undefined, series: undefined, modality: undefined },
  },
];

for (const c of cases) {
  test(`ImagingStudy: ${c.name}`, () => {
    const out = studyToImagingStudy(c.input, c.context);
    const valid = validateFhirResource(JSON.parse(JSON.stringify(out)));
    assert.ok(valid.ok, JSON.stringify(!valid.ok && valid.error));
    for (const [k, v] of Object.entries(c.expected)) assert.deepEqual(out[k], v, k);
  });
}

test('ImagingStudy: series, instances and the contained WADO-RS endpoint', () => {
  const out = studyToImagingStudy(study(), ctx);
  assert.deepEqual(out.contained, [
    {
      resourceType: 'Endpoint',
      id: 'dicomweb',
      status: 'active',
      connectionType: { system: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type', code: 'dicom-wado-rs' },
      payloadType: [{ text: 'DICOM' }],
      payloadMimeType: ['application/dicom'],
      address: 'https://pacs.example.org/dicom-web',
    },
  ]);
  const series = out.series as Record<string, unknown>[];
  assert.deepEqual(series[0], {
    uid: '1.2.840.99999.1.2.3.4.5.1',
    number: 2,
    modality: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'CT' },
    description: 'Axial 1.0 mm',
    numberOfInstances: 2,
    started: '2025-03-01T09:42:00+01:00',
    instance: [
      { uid: '1.2.840.99999.1.2.3.4.5.1.1', sopClass: { system: 'urn:ietf:rfc:3986', code: `urn:oid:${CT}` }, number: 1 },
      { uid: '1.2.840.99999.1.2.3.4.5.1.2', sopClass: { system: 'urn:ietf:rfc:3986', code: `urn:oid:${CT}` }, number: 2 },
    ],
  });
  assert.deepEqual(series[1]?.modality, { system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'KO' });
});
