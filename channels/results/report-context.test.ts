import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { reportContextFrom } from './report-context.ts';
import type { IndexedStudy } from './report-context.ts';
import { reportContextSchema } from './result-event.ts';

/** The worklist item the orders channel made from the ORM^O01 of standards-mappings.md 1.5. */
const mapped = JSON.parse(readFileSync(new URL('../orders/__fixtures__/orm-o01-v231-zds.json', import.meta.url), 'utf8')) as {
  value: { orders: { items: Record<string, unknown>[] }[] };
};
const ITEM = mapped.value.orders[0]!.items[0]!;

const STUDY: IndexedStudy = {
  studyInstanceUid: '1.2.840.99999.1.2.3.4.5',
  date: '20250301',
  time: '094112',
  accession: 'ACC-0001',
  description: 'CT CHEST',
  referringPhysician: 'FROM^IMAGES',
  modalities: ['CT'],
  patientId: 'MRN12345',
  issuer: '',
  patientName: 'DOE^JANE',
  birthDate: '19800115',
  sex: 'F',
};

test('with an order: patient, visit, physicians, order numbers, procedure and reason come from the worklist item', () => {
  const ctx = reportContextFrom(STUDY, { item: ITEM, placerOrderNumber: 'PO-1001', placerIssuer: 'EPIC', fillerOrderNumber: 'FO-2001', fillerIssuer: 'RIS' });
  assert.deepEqual(ctx, {
    patient: { id: 'MRN12345', issuer: 'HOSP', universalId: '2.16.840.1.113883.19.5', universalIdType: 'ISO', name: 'DOE^JANE^Q', birthDate: '19800115', sex: 'F' },
    visit: { number: 'V0001', numberIssuer: 'HOSP' },
    referringPhysician: { name: 'SMITH^JOHN^^DR' },
    orderingProvider: { name: 'JONES^ALICE^^DR' },
    order: {
      placer: { number: 'PO-1001', issuer: 'EPIC' },
      filler: { number: 'FO-2001', issuer: 'RIS' },
      requestedProcedureId: 'RP-0001',
      procedure: { code: 'CTCHEST', meaning: 'CT Chest with contrast', scheme: 'LOCAL' },
      procedureDescription: 'CT Chest with contrast',
      reason: 'Chest pain, unspecified',
      reasonCode: { code: 'R07.9', meaning: 'Chest pain, unspecified', scheme: 'I10' },
    },
    study: { studyInstanceUid: '1.2.840.99999.1.2.3.4.5', accessionNumber: 'ACC-0001', date: '20250301', time: '094112', modalities: ['CT'], description: 'CT CHEST' },
  });
  assert.ok(reportContextSchema.safeParse(ctx).success, 'fits the result event');
});

test('without an order: the patient and referring physician of the images, no order', () => {
  const ctx = reportContextFrom({ ...STUDY, accession: null, modalities: null, time: null }, undefined);
  assert.deepEqual(ctx, {
    patient: { id: 'MRN12345', issuer: '', name: 'DOE^JANE', birthDate: '19800115', sex: 'F' },
    visit: {},
    referringPhysician: { name: 'FROM^IMAGES' },
    study: { studyInstanceUid: '1.2.840.99999.1.2.3.4.5', accessionNumber: '', date: '20250301', time: '', modalities: [], description: 'CT CHEST' },
  });
  assert.ok(reportContextSchema.safeParse(ctx).success, 'fits the result event');
});
