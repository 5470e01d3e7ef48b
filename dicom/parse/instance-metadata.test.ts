// The index attributes of an instance, and the normalisation of the values they are matched by.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DicomJson } from '../dicom-json.ts';
import { indexAttributes, normalizeDate, normalizePersonName, normalizeTime, parseInstanceMetadata } from './instance-metadata.ts';

test('normalizeDate / normalizeTime / normalizePersonName', () => {
  assert.equal(normalizeDate('20250301'), '20250301');
  assert.equal(normalizeDate('2025.03.01'), '20250301');
  assert.equal(normalizeDate('2025-03'), null);
  assert.equal(normalizeTime('094112.123'), '094112.123');
  assert.equal(normalizeTime('09:41:12'), '094112');
  assert.equal(normalizeTime('0941'), '0941');
  assert.equal(normalizeTime('9:41'), null);
  assert.equal(normalizePersonName('DOE^JANE^^^'), 'DOE^JANE');
  assert.equal(normalizePersonName('Yamada^Tarou=山田^太郎'), 'Yamada^Tarou');
  assert.equal(normalizePersonName('^^'), null);
});

const base: DicomJson = {
  '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] },
  '00080018': { vr: 'UI', Value: ['1.2.3.4.1'] },
  '0020000D': { vr: 'UI', Value: ['1.2.3'] },
  '0020000E': { vr: 'UI', Value: ['1.2.3.4'] },
};

test('indexAttributes: the UIDs are required and must be UIDs', () => {
  const missing = indexAttributes({ ...base, '0020000D': { vr: 'UI' } });
  assert.equal(missing.ok, false);
  if (!missing.ok) assert.equal(missing.error.code, 'DICOM_MISSING_ATTRIBUTE');
  const bad = indexAttributes({ ...base, '00080018': { vr: 'UI', Value: ['../../etc/passwd'] } });
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.equal(bad.error.code, 'DICOM_INVALID_DATASET');
});

test('indexAttributes: patient, study, series and instance values', () => {
  const r = indexAttributes({
    ...base,
    '00100010': { vr: 'PN', Value: [{ Alphabetic: 'DOE^JANE^^' }] },
    '00100020': { vr: 'LO', Value: ['P1'] },
    '00080020': { vr: 'DA', Value: ['20250301'] },
    '00200011': { vr: 'IS', Value: [3] },
    '00200013': { vr: 'IS', Value: ['x'] },
    '00080060': { vr: 'CS', Value: ['CT'] },
  });
  assert.ok(r.ok);
  assert.equal(r.value.patient.name, 'DOE^JANE');
  assert.equal(r.value.patient.patientId, 'P1');
  assert.equal(r.value.patient.issuer, '');
  assert.equal(r.value.study.date, '20250301');
  assert.equal(r.value.series.number, 3);
  assert.equal(r.value.series.modality, 'CT');
  assert.equal(r.value.instance.number, null);
  assert.equal(r.value.study.accession, null);
});

test('parseInstanceMetadata: decodes explicit VR bytes into DICOM JSON', () => {
  const el = (g: number, e: number, vr: string, v: string) => {
    const value = Buffer.from(v.length % 2 ? `${v}${vr === 'UI' ? '\0' : ' '}` : v, 'latin1');
    const h = Buffer.alloc(8);
    h.writeUInt16LE(g, 0);
    h.writeUInt16LE(e, 2);
    h.write(vr, 4, 'latin1');
    h.writeUInt16LE(value.length, 6);
    return Buffer.concat([h, value]);
  };
  const bytes = Buffer.concat([
    el(0x0008, 0x0016, 'UI', '1.2.840.10008.5.1.4.1.1.2'),
    el(0x0008, 0x0018, 'UI', '1.2.3.4.1'),
    el(0x0010, 0x0010, 'PN', 'DOE^JANE'),
    el(0x0020, 0x000d, 'UI', '1.2.3'),
    el(0x0020, 0x000e, 'UI', '1.2.3.4'),
  ]);
  const r = parseInstanceMetadata(bytes, true);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.deepEqual(r.value.metadata['00100010'], { vr: 'PN', Value: [{ Alphabetic: 'DOE^JANE' }] });
  assert.equal(r.value.attributes.sopInstanceUid, '1.2.3.4.1');
});
