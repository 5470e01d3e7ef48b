import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { getRawValue, getValue, getValues, parseHl7 } from '../../engine/index.ts';
import { reportToOruR01, textRepetitions } from './report-to-oru-r01.ts';
import { resultEventSchema } from './result-event.ts';
import type { ResultEvent, ResultEventInput } from './result-event.ts';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8').replace(/\r?\n/g, '\r');

/** Local times, as the appliance writes HL7 times in its own time zone. */
const RELEASED = new Date(2025, 2, 1, 11, 55, 0);
const CTX = { now: RELEASED, controlId: 'MSG00002', sendingApplication: 'RIS', sendingFacility: 'RADIOLOGY', receivingApplication: 'EHR', receivingFacility: 'HOSPITAL' };

/** The report and its context of standards-mappings.md 6.5. */
const EXAMPLE: ResultEventInput = {
  event: 'report.final',
  report: {
    id: 1,
    status: 'final',
    revision: 3,
    version: 1,
    studyInstanceUid: '1.2.840.99999.1.2.3.4.5',
    indication: 'Chest pain.',
    technique: 'CT chest with IV contrast, 1 mm axial.',
    findings: 'No pulmonary embolism.\nLungs are clear. No effusion.',
    impression: 'No acute cardiopulmonary abnormality.',
    author: { id: 7, username: '9999', fullName: 'REED^RACHEL^^DR' },
    releasedBy: { id: 7, username: '9999', fullName: 'REED^RACHEL^^DR' },
    releasedAt: RELEASED.toISOString(),
  },
  context: {
    patient: { id: 'MRN12345', issuer: 'HOSP', universalId: '2.16.840.1.113883.19.5', universalIdType: 'ISO', identifierType: 'MR', name: 'DOE^JANE^Q', birthDate: '19800115', sex: 'F' },
    visit: { patientClass: 'O', location: ['RAD', 'CT1', '', 'HOSP'], number: 'V0001', numberIssuer: 'HOSP' },
    referringPhysician: { id: '1234', name: 'SMITH^JOHN^^DR' },
    orderingProvider: { id: '5678', name: 'JONES^ALICE^^DR' },
    order: {
      placer: { number: 'PO-1001', issuer: 'EPIC' },
      filler: { number: 'FO-2001', issuer: 'RIS' },
      requestedProcedureId: 'RP-0001',
      procedure: { code: 'CTCHEST', meaning: 'CT Chest with contrast', scheme: 'LOCAL' },
      procedureDescription: 'CT Chest with contrast',
      reason: 'Chest pain, unspecified',
      reasonCode: { code: 'R07.9', meaning: 'Chest pain, unspecified', scheme: 'I10' },
    },
    study: { studyInstanceUid: '1.2.840.99999.1.2.3.4.5', accessionNumber: 'ACC-0001', date: '20250301', time: '094112', modalities: ['CT', 'SR'], description: 'CT CHEST' },
  },
};

const event = (input: ResultEventInput): ResultEvent => resultEventSchema.parse(input);

/** Report text with every HL7 delimiter, accents, CRLF and LF breaks and a blank line. */
const AWKWARD = 'Pipe | caret ^ amp & tilde ~ backslash \\ end.\r\nÉpanchement pleural modéré, côté gauche.\n\nFin – ½ dose.';

type Row = { name: string; input: ResultEventInput; expected: string };
const ROWS: Row[] = [
  { name: 'the final report of standards-mappings.md 6.5', input: EXAMPLE, expected: 'oru-r01-final-6.5.hl7' },
  {
    name: 'an amendment with delimiters, accents and line breaks in the text, a name with &, no order',
    input: {
      ...EXAMPLE,
      event: 'report.amended',
      report: { ...EXAMPLE.report, status: 'amended', revision: 4, version: 2, findings: AWKWARD, technique: '', releasedBy: { id: 8, username: 'jdoe', fullName: 'Jane Doe' } },
      context: {
        patient: { id: 'P|1', name: "O'BRIEN & SONS^ANNE-MARIE", birthDate: '19700101', sex: 'F' },
        study: { studyInstanceUid: '1.2.3', accessionNumber: 'A&B', date: '20250301', time: '101500.25', modalities: ['MR'], description: 'MR Knee ^ left' },
      },
    },
    expected: 'oru-r01-amended-escaped.hl7',
  },
  {
    name: 'a preliminary report',
    input: { ...EXAMPLE, event: 'report.preliminary', report: { ...EXAMPLE.report, status: 'preliminary', version: 0, indication: '', impression: '' } },
    expected: 'oru-r01-preliminary.hl7',
  },
];

for (const row of ROWS) {
  test(`ORU^R01: ${row.name}`, () => {
    assert.equal(reportToOruR01(event(row.input), CTX), fixture(row.expected));
  });
}

test('the 6.5 example has its fields where the standard counts them', () => {
  const parsed = parseHl7(reportToOruR01(event(EXAMPLE), CTX));
  assert.ok(parsed.ok);
  const msg = parsed.value;
  assert.equal(getValue(msg, 'MSH-9'), 'ORU^R01^ORU_R01');
  assert.equal(getValue(msg, 'MSH-12'), '2.5.1');
  assert.equal(getValue(msg, 'OBR-3.1'), 'FO-2001');
  assert.equal(getValue(msg, 'OBR-18'), 'ACC-0001');
  assert.equal(getValue(msg, 'OBR-22'), '20250301115500');
  assert.equal(getValue(msg, 'OBR-24'), 'CT');
  assert.equal(getValue(msg, 'OBR-25'), 'F');
  assert.equal(getRawValue(msg, 'OBR-32'), '9999&REED&RACHEL&&&DR');
  assert.deepEqual(getValues(msg, 'OBX[3]-5'), ['No pulmonary embolism.', 'Lungs are clear. No effusion.']);
  assert.deepEqual(getValues(msg, 'OBX-11'), ['F', 'F', 'F', 'F', 'F']);
});

test('escaped text reads back as written (every delimiter, accents; each line a repetition)', () => {
  const amended = ROWS[1]!.input;
  const parsed = parseHl7(reportToOruR01(event(amended), CTX));
  assert.ok(parsed.ok);
  const msg = parsed.value;
  assert.equal(getValue(msg, 'OBR-25'), 'C');
  assert.deepEqual(getValues(msg, 'OBX-11'), ['C', 'C', 'C', 'C'], 'empty sections are left out; every row says C');
  assert.equal(getValue(msg, 'OBX[2]-3.1'), '121070');
  assert.deepEqual(getValues(msg, 'OBX[2]-5'), ['Pipe | caret ^ amp & tilde ~ backslash \\ end.', 'Épanchement pleural modéré, côté gauche.', '', 'Fin – ½ dose.']);
  assert.equal(getValue(msg, 'PID-3'), 'P|1');
  assert.equal(getValue(msg, 'PID-5.1'), "O'BRIEN & SONS");
  assert.equal(getValue(msg, 'OBR-18'), 'A&B');
  assert.equal(getValue(msg, 'OBR-4.2'), 'MR Knee ^ left');
  assert.equal(getValue(msg, 'OBR-24'), 'NMR');
  assert.equal(getValue(msg, 'OBR-7'), '20250301101500.25');
});

test('textRepetitions: one repetition per line, escapes inside, no raw CR or LF left', () => {
  const rows: { input: string; expected: string }[] = [
    { input: 'one line', expected: 'one line' },
    { input: 'a\nb\r\nc\rd', expected: 'a~b~c~d' },
    { input: '\n\nfirst\n\nsecond  \n\n', expected: 'first~~second' },
    { input: '|^&~\\', expected: '\\F\\\\S\\\\T\\\\R\\\\E\\' },
    { input: 'àéîõü ß 中文', expected: 'àéîõü ß 中文' },
    { input: '   ', expected: '' },
  ];
  for (const r of rows) {
    const out = textRepetitions(r.input);
    assert.equal(out, r.expected, JSON.stringify(r.input));
    assert.ok(!/[\r\n]/.test(out));
  }
});
