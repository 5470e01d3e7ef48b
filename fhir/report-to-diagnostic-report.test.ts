// Report -> DiagnosticReport (standards-mappings.md 6.1, 6.6): valid R4, with the categories,
// code, status, conclusion and the whole text as presentedForm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportPlainText, reportToDiagnosticReport } from './report-to-diagnostic-report.ts';
import type { DiagnosticReportContext, ReportContextView, ReportView } from './report-to-diagnostic-report.ts';
import { validateFhirResource } from './validate-resource.ts';

const report: ReportView = {
  status: 'final',
  indication: 'Chest pain.',
  technique: '',
  findings: 'No pulmonary embolism.\nLungs are clear.',
  impression: 'No acute cardiopulmonary abnormality.',
  releasedAt: '2025-03-01T10:55:00.000Z',
  releasedBy: { username: 'rreed', fullName: 'REED^RACHEL' },
};

const ordered: ReportContextView = {
  order: {
    placer: { number: 'PO-1001', issuer: 'EPIC' },
    filler: { number: 'FO-2001', issuer: '' },
    procedure: { code: 'CTCHEST', meaning: 'CT Chest with contrast', scheme: '99LOCAL' },
    procedureDescription: 'CT Chest with contrast',
  },
  study: { studyInstanceUid: '1.2.840.99999.1.2.3.4.5', date: '20250301', time: '094112', description: 'CT CHEST' },
};

const ctx: DiagnosticReportContext = {
  id: 'report-1',
  subject: { reference: 'Patient/patient-3' },
  basedOn: { reference: 'ServiceRequest/order-5' },
  imagingStudy: { reference: 'ImagingStudy/study-7' },
  timeZone: 'Europe/Berlin',
};

const RAD = [
  { coding: [{ system: 'http://loinc.org', code: 'LP29684-5', display: 'Radiology' }] },
  { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'RAD', display: 'Radiology' }] },
];

const cases: { name: string; report: ReportView; context: ReportContextView; ctx: DiagnosticReportContext; expected: Record<string, unknown> }[] = [
  {
    name: 'a final report of an order (6.6)',
    report,
    context: ordered,
    ctx,
    expected: {
      status: 'final',
      category: RAD,
      code: { coding: [{ code: 'CTCHEST', display: 'CT Chest with contrast' }], text: 'CT Chest with contrast' },
      subject: { reference: 'Patient/patient-3' },
      basedOn: [{ reference: 'ServiceRequest/order-5' }],
      imagingStudy: [{ reference: 'ImagingStudy/study-7' }],
      effectiveDateTime: '2025-03-01T09:41:12+01:00',
      issued: '2025-03-01T10:55:00.000Z',
      resultsInterpreter: [{ display: 'REED^RACHEL' }],
      conclusion: 'No acute cardiopulmonary abnormality.',
      identifier: [
        { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'FILL' }] }, value: 'FO-2001' },
        { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'PLAC' }] }, system: 'urn:pacs-appliance:order-issuer:EPIC', value: 'PO-1001' },
      ],
    },
  },
  {
    name: 'a preliminary report of a study without order, a signer without full name',
    report: { ...report, status: 'preliminary', impression: '', releasedBy: { username: 'resident1', fullName: null } },
    context: { study: { ...ordered.study, date: '', time: '' } },
    ctx: { id: 'report-2', timeZone: 'UTC' },
    expected: {
      status: 'preliminary',
      code: { coding: [{ system: 'http://loinc.org', code: '18748-4', display: 'Diagnostic imaging study' }], text: 'CT CHEST' },
      resultsInterpreter: [{ display: 'resident1' }],
      conclusion: undefined,
      effectiveDateTime: undefined,
      basedOn: undefined,
      subject: undefined,
      identifier: undefined,
    },
  },
  {
    name: 'an amended report, a LOINC procedure code',
    report: { ...report, status: 'amended' },
    context: { ...ordered, order: { procedure: { code: '24627-2', meaning: 'CT Chest', scheme: 'LN' }, procedureDescription: '' } },
    ctx,
    expected: { status: 'amended', code: { coding: [{ system: 'http://loinc.org', code: '24627-2', display: 'CT Chest' }], text: 'CT Chest' } },
  },
];

for (const c of cases) {
  test(`DiagnosticReport: ${c.name}`, () => {
    const out = reportToDiagnosticReport(c.report, c.context, c.ctx);
    const valid = validateFhirResource(JSON.parse(JSON.stringify(out)));
    assert.ok(valid.ok, JSON.stringify(!valid.ok && valid.error));
    for (const [k, v] of Object.entries(c.expected)) assert.deepEqual(out[k], v, k);
  });
}

test('DiagnosticReport: presentedForm is the whole report as base64 text/plain', () => {
  const out = reportToDiagnosticReport(report, ordered, ctx);
  const form = (out.presentedForm as { contentType: string; data: string }[])[0]!;
  assert.equal(form.contentType, 'text/plain; charset=utf-8');
  assert.equal(
    Buffer.from(form.data, 'base64').toString('utf8'),
    'INDICATION: Chest pain.\nFINDINGS: No pulmonary embolism.\nLungs are clear.\nIMPRESSION: No acute cardiopulmonary abnormality.\n',
  );
  // 6.6's example text.
  assert.equal(
    Buffer.from(reportPlainText({ indication: 'Chest pain.', technique: '', findings: '', impression: 'No acute cardiopulmonary abnormality.' })).toString('base64'),
    'SU5ESUNBVElPTjogQ2hlc3QgcGFpbi4KSU1QUkVTU0lPTjogTm8gYWN1dGUgY2FyZGlvcHVsbW9uYXJ5IGFibm9ybWFsaXR5Lgo=',
  );
});
