// The SQL that narrows an MWL search against a real database (PGlite, or PostgreSQL with
// DATABASE_URL): it never loses a match the in-memory rules find, it returns exactly those
// matches when every key has a column, it offers only open items with their Type 1 values, and
// its pages walk the schedule in order.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DicomJson } from '../dicom-json.ts';
import { openWorklistDb } from './__fixtures__/worklist-db.ts';
import type { TestDb } from './__fixtures__/worklist-db.ts';
import { cancelOrder, changeItemStatus, createOrder } from './index.ts';
import type { WorklistItem } from './index.ts';
import { parseWorklistFind, worklistView } from './worklist-find.ts';
import type { WorklistFind } from './worklist-find.ts';
import { matchesWorklistFind } from './worklist-find-match.ts';
import { cursorOf, findWorklistPage } from './worklist-find-sql.ts';
import type { WorklistFindCursor, WorklistFindRow } from './worklist-find-sql.ts';
import { ITEM_1_6 } from './__fixtures__/worklist-find-item.ts';

const e = (vr: string, ...values: string[]) => (values.length ? { vr, Value: vr === 'PN' ? values.map((v) => ({ Alphabetic: v })) : values } : { vr });
const sps = (keys: DicomJson): DicomJson => ({ '00400100': { vr: 'SQ', Value: [keys] } });

type Spec = { n: number; name: string; modality: string; ae: string[]; date: string; time: string; accession?: string };

const SPECS: Spec[] = [
  { n: 1, name: 'DOE^JANE^Q', modality: 'CT', ae: ['CT01'], date: '20250301', time: '093000' },
  { n: 2, name: 'DOE^JOHN', modality: 'CT', ae: ['CT01', 'CT02'], date: '20250301', time: '080000' },
  { n: 3, name: 'doe^jim', modality: 'CT', ae: ['CT02'], date: '20250301', time: '120000.5' },
  { n: 4, name: 'ØSTERGÅRD^SØREN', modality: 'MR', ae: ['MR01'], date: '20250301', time: '100000' },
  { n: 5, name: 'MÜLLER^HANS', modality: 'MR', ae: ['MR01'], date: '20250302', time: '070000' },
  { n: 6, name: 'ROE^RITA', modality: 'CT', ae: ['CT01'], date: '20250228', time: '235959' },
  { n: 7, name: 'SMITH^ANN', modality: 'US', ae: ['US_1'], date: '20250301', time: '093000', accession: 'ACC%7' },
  { n: 8, name: 'DOE^JANE^Q', modality: 'CT', ae: ['CT01'], date: '20250303', time: '093000' },
];

function item(s: Spec, over: Partial<WorklistItem> = {}): WorklistItem {
  const base = structuredClone(ITEM_1_6);
  return {
    ...base,
    PatientName: s.name,
    PatientID: `P${s.n}`,
    AccessionNumber: s.accession ?? `ACC-${s.n}`,
    RequestedProcedureID: `RP-${s.n}`,
    StudyInstanceUID: `1.2.3.${s.n}`,
    ScheduledProcedureStepSequence: [
      { ...base.ScheduledProcedureStepSequence[0], Modality: s.modality, ScheduledStationAETitle: s.ae, ScheduledProcedureStepStartDate: s.date, ScheduledProcedureStepStartTime: s.time, ScheduledProcedureStepID: `SPS-${s.n}` },
    ],
    ...over,
  };
}

async function allRows(db: TestDb, find: WorklistFind, pageSize = 1000): Promise<WorklistFindRow[]> {
  const rows: WorklistFindRow[] = [];
  let cursor: WorklistFindCursor | undefined;
  for (;;) {
    const page = await findWorklistPage(db, find, cursor, pageSize);
    rows.push(...page);
    if (page.length < pageSize) return rows;
    cursor = cursorOf(page.at(-1)!);
  }
}

describe('MWL search in SQL', () => {
  let db: TestDb;
  const universal = () => {
    const f = parseWorklistFind({});
    assert.ok(f.ok);
    return f.value;
  };
  before(async () => {
    db = await openWorklistDb();
    const ev = { source: 'hl7' as const };
    for (const s of SPECS) {
      const r = await createOrder(db, { placer: { number: `PO-${s.n}`, issuer: 'EPIC' }, items: [item(s)] }, ev);
      assert.ok(r.ok);
    }
    // Not offered: a cancelled order, a completed step, a step without a station, but a started one is.
    const closed: [number, 'cancel' | 'COMPLETED' | 'IN PROGRESS'][] = [
      [101, 'cancel'],
      [102, 'COMPLETED'],
      [104, 'IN PROGRESS'],
    ];
    for (const [n, what] of closed) {
      const r = await createOrder(db, { placer: { number: `PO-${n}`, issuer: 'EPIC' }, items: [item({ ...SPECS[0]!, n })] }, ev);
      assert.ok(r.ok);
      if (what === 'cancel') assert.ok((await cancelOrder(db, { placer: { number: `PO-${n}`, issuer: 'EPIC' } }, 'CANCELLED', ev)).ok);
      else assert.ok((await changeItemStatus(db, r.value.items[0]!.id, what, ev)).ok);
    }
    const noStation = item({ ...SPECS[0]!, n: 103, ae: [] });
    assert.ok((await createOrder(db, { placer: { number: 'PO-103', issuer: 'EPIC' }, items: [noStation] }, ev)).ok);
  });
  after(async () => {
    await db?.close();
  });

  test('only open items with every Type 1 value are candidates, in schedule order', async () => {
    const rows = await allRows(db, universal());
    assert.deepEqual(
      rows.map((r) => r.item.AccessionNumber),
      ['ACC-6', 'ACC-2', 'ACC-1', 'ACC%7', 'ACC-104', 'ACC-4', 'ACC-3', 'ACC-5', 'ACC-8'],
    );
    assert.equal(rows.find((r) => r.item.AccessionNumber === 'ACC-104')?.status, 'IN PROGRESS');
  });

  test('pages of two walk the same rows once', async () => {
    const paged = await allRows(db, universal(), 2);
    const whole = await allRows(db, universal());
    assert.deepEqual(paged.map((r) => r.id), whole.map((r) => r.id));
  });

  const CASES: [string, DicomJson, string[], boolean][] = [
    // name, identifier, expected accession numbers, true when SQL alone must give exactly these
    ['modality, station and day', sps({ '00080060': e('CS', 'CT'), '00400001': e('AE', 'CT01'), '00400002': e('DA', '20250301') }), ['ACC-2', 'ACC-1', 'ACC-104'], true],
    ['the second station of an item', sps({ '00400001': e('AE', 'CT02') }), ['ACC-2', 'ACC-3'], true],
    ['station list', sps({ '00400001': e('AE', 'MR01', 'US_1') }), ['ACC%7', 'ACC-4', 'ACC-5'], true],
    ['station wildcard: _ is literal', sps({ '00400001': e('AE', 'US_*') }), ['ACC%7'], true],
    ['station wildcard', sps({ '00400001': e('AE', '?R0*') }), ['ACC-4', 'ACC-5'], true],
    ['date range', sps({ '00400002': e('DA', '20250301-20250302') }), ['ACC-2', 'ACC-1', 'ACC%7', 'ACC-104', 'ACC-4', 'ACC-3', 'ACC-5'], true],
    ['date up to', sps({ '00400002': e('DA', '-20250228') }), ['ACC-6'], true],
    ['time range (end takes the whole minute)', sps({ '00400003': e('TM', '0800-0930') }), ['ACC-2', 'ACC-1', 'ACC%7', 'ACC-104', 'ACC-8'], true],
    ['time prefix', sps({ '00400003': e('TM', '1200') }), ['ACC-3'], true],
    ['patient name wildcard, any case', { '00100010': e('PN', 'DOE*') }, ['ACC-2', 'ACC-1', 'ACC-104', 'ACC-3', 'ACC-8'], true],
    ['patient name, exact, any case', { '00100010': e('PN', 'doe^jane^q') }, ['ACC-1', 'ACC-104', 'ACC-8'], true],
    ['patient name, non-ASCII, other case', { '00100010': e('PN', 'østergård*') }, ['ACC-4'], false],
    ['patient name, non-ASCII letter as ?', { '00100010': e('PN', 'M?LLER^*') }, ['ACC-5'], true],
    ['patient ID', { '00100020': e('LO', 'P3') }, ['ACC-3'], true],
    ['accession: % is literal', { '00080050': e('SH', 'ACC%*') }, ['ACC%7'], true],
    ['accession list', { '00080050': e('SH', 'ACC-1', 'ACC-5') }, ['ACC-1', 'ACC-5'], true],
    ['study UID list', { '0020000D': e('UI', '1.2.3.4', '1.2.3.6', '9.9') }, ['ACC-6', 'ACC-4'], true],
    ['requested procedure ID', { '00401001': e('SH', 'RP-8') }, ['ACC-8'], true],
    ['step ID wildcard', sps({ '00400009': e('SH', 'SPS-10?') }), ['ACC-104'], true],
    ['step status (in memory)', sps({ '00400020': e('CS', 'STARTED') }), ['ACC-104'], false],
    ['performing physician (in memory)', sps({ '00400006': e('PN', 'tech*') }), ['ACC-6', 'ACC-2', 'ACC-1', 'ACC%7', 'ACC-104', 'ACC-4', 'ACC-3', 'ACC-5', 'ACC-8'], false],
    ['nobody', { '00100010': e('PN', 'NOBODY*') }, [], true],
  ];

  for (const [name, identifier, expected, exact] of CASES) {
    test(`SQL narrows, memory decides: ${name}`, async () => {
      const find = parseWorklistFind(identifier);
      assert.ok(find.ok, find.ok ? '' : find.error.message);
      const candidates = await allRows(db, find.value);
      const matches = candidates.filter((r) => matchesWorklistFind(find.value, worklistView(r.item, r.status)));
      assert.deepEqual(matches.map((r) => r.item.AccessionNumber), expected);
      // Nothing the in-memory rules match is lost by the SQL.
      const everything = (await allRows(db, universal())).filter((r) => matchesWorklistFind(find.value, worklistView(r.item, r.status)));
      assert.deepEqual(everything.map((r) => r.id), matches.map((r) => r.id));
      if (exact) assert.deepEqual(candidates.map((r) => r.item.AccessionNumber), expected, 'every key has a column: the SQL alone gives the matches');
    });
  }
});
