// The analyst's tables: the shipped file is valid, mistakes are named, and the lookups behave
// as worklist-tables.yaml documents them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorklistTables, lookupModality, parseWorklistTables, routeStation } from './worklist-tables.ts';

test('the shipped tables load', () => {
  const t = loadWorklistTables();
  assert.equal(t.modalities.map.CT, 'CT');
  assert.equal(t.modalities.map.RAD, undefined, 'HL7 0074 RAD is no DICOM modality');
  assert.equal(t.modalities.default, null);
});

test('mistakes are refused with the entry named', () => {
  const rows: [string, string, RegExp][] = [
    ['a lower-case modality', 'modalities: { map: { CT: ct } }', /modalities\.map\.CT: a DICOM code string/],
    ['an AE title over 16', "modalities: { map: {} }\nstations: [{ aeTitles: ['THIS-AE-IS-TOO-LONG'] }]", /stations\.0\.aeTitles\.0: an AE title has at most 16 characters/],
    ['a rule with neither outcome', 'modalities: { map: {} }\nstations: [{ when: { modality: CT } }]', /stations\.0: give either aeTitles or fromEnteringDevice/],
    ['an unknown key', 'modalities: { map: {} }\nstation: []', /Unrecognized key/],
    ['not YAML', 'modalities: [', /not YAML/],
  ];
  for (const [name, yaml, message] of rows) {
    const r = parseWorklistTables(yaml, 'x.yaml');
    assert.ok(!r.ok, name);
    assert.match(r.error.message, message, name);
    assert.match(r.error.message, /^x\.yaml: /, name);
  }
});

test('modality lookup: table, DICOM code as sent, default, unknown, empty', () => {
  const t = parseWorklistTables('modalities: { map: { NMS: NM } }');
  assert.ok(t.ok);
  const withDefault = { ...t.value, modalities: { ...t.value.modalities, default: 'OT' } };
  const rows: [string, string, typeof t.value, unknown][] = [
    ['nms', '', t.value, { modality: 'NM', how: 'table' }],
    ['OPT', 'DCM', t.value, { modality: 'OPT', how: 'as-sent' }],
    ['RAD', '', t.value, { modality: undefined, how: 'unknown' }],
    ['', '', t.value, { modality: undefined, how: 'empty' }],
    ['RAD', '', withDefault, { modality: 'OT', how: 'default' }],
  ];
  for (const [code, scheme, tables, expected] of rows) assert.deepEqual(lookupModality(tables, code, scheme), expected, `${code}/${scheme}`);
});

test('station rules: first match wins; wildcards; ORC-18 as the AE title', () => {
  const t = parseWorklistTables(`
modalities: { map: {} }
stations:
  - { when: { enteringDevice: '*' }, fromEnteringDevice: true }
  - { when: { modality: CT, procedureCode: ['CTH*'] }, aeTitles: [CT02], stationName: ROOM2 }
  - { when: { modality: [CT, PT] }, aeTitles: [CT01] }
`);
  assert.ok(t.ok);
  const route = (modality: string, procedureCodes: string[], enteringDevices: string[] = []) => {
    const r = routeStation(t.value, { modality, procedureCodes, enteringDevices });
    return r && [r.aeTitles, r.stationName ?? null];
  };
  assert.deepEqual(route('CT', ['CTHEAD'], ['CT09', 'CT10']), [['CT09', 'CT10'], null]);
  assert.deepEqual(route('CT', ['cthead']), [['CT02'], 'ROOM2']);
  assert.deepEqual(route('CT', ['CTCHEST']), [['CT01'], null]);
  assert.deepEqual(route('PT', []), [['CT01'], null]);
  assert.equal(route('MR', ['MRKNEE']), undefined);
});
