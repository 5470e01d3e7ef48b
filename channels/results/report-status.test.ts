import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canRelease, planReportChange, resultStatusCode } from './report-status.ts';
import type { ReportSections, ReportStatus } from './report-status.ts';

const TEXT: ReportSections = { indication: 'Chest pain.', technique: 'CT', findings: 'Normal.', impression: 'Nothing acute.' };
const EDIT = { findings: 'Small nodule.' };

type Row = { from: ReportStatus; to?: ReportStatus; edit?: Partial<ReportSections>; expected: 'none' | 'save' | `release ${string}` | 'refused' };
const ROWS: Row[] = [
  { from: 'draft', edit: EDIT, expected: 'save' },
  { from: 'draft', expected: 'none' },
  { from: 'draft', to: 'draft', edit: EDIT, expected: 'save' },
  { from: 'draft', to: 'preliminary', expected: 'release preliminary' },
  { from: 'draft', to: 'final', expected: 'release final' },
  { from: 'draft', to: 'amended', expected: 'refused' },
  { from: 'preliminary', edit: EDIT, expected: 'release preliminary' },
  { from: 'preliminary', to: 'preliminary', expected: 'none' },
  { from: 'preliminary', to: 'final', expected: 'release final' },
  { from: 'preliminary', to: 'draft', expected: 'refused' },
  { from: 'preliminary', to: 'amended', expected: 'refused' },
  { from: 'final', expected: 'none' },
  { from: 'final', to: 'final', expected: 'none' },
  { from: 'final', edit: EDIT, expected: 'refused' },
  { from: 'final', to: 'final', edit: EDIT, expected: 'refused' },
  { from: 'final', to: 'amended', edit: EDIT, expected: 'release amended' },
  { from: 'final', to: 'amended', expected: 'release amended' },
  { from: 'final', to: 'draft', expected: 'refused' },
  { from: 'final', to: 'preliminary', expected: 'refused' },
  { from: 'amended', to: 'amended', edit: EDIT, expected: 'release amended' },
  { from: 'amended', edit: EDIT, expected: 'release amended' },
  { from: 'amended', to: 'amended', expected: 'none' },
  { from: 'amended', to: 'final', expected: 'none' },
  { from: 'amended', to: 'final', edit: EDIT, expected: 'refused' },
  { from: 'amended', to: 'preliminary', expected: 'refused' },
];

for (const row of ROWS) {
  test(`${row.from} -> ${row.to ?? '(same)'}${row.edit ? ' with changes' : ''}: ${row.expected}`, () => {
    const r = planReportChange({ status: row.from, sections: TEXT }, { status: row.to, sections: row.edit ?? {} });
    if (!r.ok) {
      assert.equal(row.expected, 'refused', r.error.message);
      assert.equal(r.error.code, 'CHANNEL_REPORT_STATUS_INVALID');
      return;
    }
    const got = r.value.action === 'release' ? `release ${r.value.status}` : r.value.action;
    assert.equal(got, row.expected);
    if (r.value.action !== 'none') assert.equal(r.value.sections.findings, row.edit?.findings ?? TEXT.findings, 'the sections sent replace the current ones');
    if (r.value.action !== 'none') assert.equal(r.value.sections.indication, TEXT.indication, 'sections not sent are kept');
  });
}

test('the channel handler releases only from the statuses planReportChange releases from', () => {
  const statuses: ReportStatus[] = ['draft', 'preliminary', 'final', 'amended'];
  for (const from of statuses) {
    for (const to of ['preliminary', 'final', 'amended'] as const) {
      const plan = planReportChange({ status: from, sections: TEXT }, { status: to, sections: EDIT });
      const releases = plan.ok && plan.value.action === 'release';
      assert.equal(canRelease(from, to), releases, `${from} -> ${to}`);
    }
  }
});

test('OBR-25 / OBX-11 per status (standards-mappings.md 6.2)', () => {
  assert.deepEqual([resultStatusCode('preliminary'), resultStatusCode('final'), resultStatusCode('amended')], ['P', 'F', 'C']);
});
