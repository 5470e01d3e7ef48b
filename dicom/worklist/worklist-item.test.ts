// Item rules: which Type 1 keys an item still lacks, how an update is laid over a stored item,
// and which character set text from two sources needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { combineCharsets, mergeWorklistItem, missingType1Keys, PATIENT_KEYS } from './worklist-item.ts';
import type { WorklistItem } from './worklist-item.ts';

const full: WorklistItem = {
  SpecificCharacterSet: 'ISO_IR 100',
  PatientName: 'DOE^JANE',
  PatientID: 'P1',
  StudyInstanceUID: '1.2.3',
  RequestedProcedureID: 'RP1',
  RequestedProcedureDescription: 'CT Chest',
  MedicalAlerts: 'Contrast allergy',
  ScheduledProcedureStepSequence: [
    {
      Modality: 'CT',
      ScheduledStationAETitle: ['CT01'],
      ScheduledProcedureStepStartDate: '20250301',
      ScheduledProcedureStepStartTime: '093000',
      ScheduledProcedureStepDescription: 'CT Chest',
      ScheduledProcedureStepID: 'SPS1',
    },
  ],
};

test('missing Type 1 keys', () => {
  const rows: [string, WorklistItem, string[]][] = [
    ['a complete item', full, []],
    ['no station AE title', { ...full, ScheduledProcedureStepSequence: [{ ...full.ScheduledProcedureStepSequence[0], ScheduledStationAETitle: [] }] }, ['ScheduledStationAETitle']],
    [
      'a protocol code stands in for the step description',
      { ...full, ScheduledProcedureStepSequence: [{ ...full.ScheduledProcedureStepSequence[0], ScheduledProcedureStepDescription: '', ScheduledProtocolCodeSequence: [{ CodeValue: 'X', CodingSchemeDesignator: 'L', CodeMeaning: 'x' }] }] },
      [],
    ],
    ['no name, no requested procedure', { ...full, PatientName: '', RequestedProcedureDescription: undefined }, ['PatientName', 'RequestedProcedureDescription']],
  ];
  for (const [name, item, expected] of rows) assert.deepEqual(missingType1Keys(item), expected, name);
});

test('merge: absent keeps, "" clears, kept keys stay, the step merges key by key', () => {
  const changes: WorklistItem = {
    PatientName: 'OTHER^NAME',
    MedicalAlerts: '',
    ScheduledProcedureStepSequence: [{ ScheduledProcedureStepStartTime: '101500' }],
  };
  const merged = mergeWorklistItem(full, changes, PATIENT_KEYS);
  assert.equal(merged.PatientName, 'DOE^JANE');
  assert.equal(merged.MedicalAlerts, '');
  assert.equal(merged.RequestedProcedureID, 'RP1');
  assert.deepEqual([merged.ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartTime, merged.ScheduledProcedureStepSequence[0].Modality], ['101500', 'CT']);
  assert.equal(full.ScheduledProcedureStepSequence[0].ScheduledProcedureStepStartTime, '093000', 'the stored item is not changed');
});

test('character sets of mixed text', () => {
  const rows: [string | undefined, string | undefined, string | undefined][] = [
    ['ISO_IR 100', 'ISO_IR 100', 'ISO_IR 100'],
    [undefined, 'ISO_IR 100', 'ISO_IR 100'],
    ['ISO_IR 100', undefined, 'ISO_IR 100'],
    ['ISO_IR 100', 'ISO_IR 144', 'ISO_IR 192'],
    [undefined, undefined, undefined],
  ];
  for (const [a, b, expected] of rows) assert.equal(combineCharsets(a, b), expected, `${a} + ${b}`);
});
