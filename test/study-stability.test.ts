// "Study stable" events: after the quiet time with no new instance, the dicom-events channel holds
// one study.stable message per study, and another when more instances arrive later.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestAppliance } from './support/test-appliance.ts';
import type { TestAppliance } from './support/test-appliance.ts';
import { STUDY1, STUDY2, writeDataset } from './support/dicom-fixtures.ts';
import type { Dataset } from './support/dicom-fixtures.ts';
import { dcmtk } from './support/dicom-peer.ts';

type Msg = { id: number; channelId: string; status: string };
type Event = { event: string; studyInstanceUid: string; accessionNumber: string; patientId: string; modalitiesInStudy: string[]; numberOfStudyRelatedSeries: number; numberOfStudyRelatedInstances: number; updated: boolean };

let app: TestAppliance;
let data: Dataset;

before(async () => {
  data = writeDataset(mkdtempSync(join(tmpdir(), 'stability-')));
  app = await startTestAppliance(undefined, { PACS_STUDY_STABLE_SECONDS: '1' });
});

after(async () => {
  await app?.stop();
  await app?.testEnv.cleanup();
  rmSync(data.dir, { recursive: true, force: true });
});

async function events(): Promise<Event[]> {
  const res = await app.fetch(`/api/messages?filter=${encodeURIComponent(JSON.stringify({ channelId: 'dicom-events' }))}&range=${encodeURIComponent('[0,99]')}&sort=${encodeURIComponent('["id","ASC"]')}`);
  assert.equal(res.status, 200);
  const list = (await res.json()) as Msg[];
  const out: Event[] = [];
  for (const m of list) {
    const detail = (await (await app.fetch(`/api/messages/${m.id}`)).json()) as { raw: string; status: string };
    assert.equal(detail.status, 'received', 'a channel without destinations keeps its messages as received');
    out.push(JSON.parse(detail.raw) as Event);
  }
  return out;
}

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end) assert.fail(`${what}: still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function store(paths: string[]): Promise<void> {
  const r = await dcmtk('storescu', ['-aec', 'PACS', '127.0.0.1', String(app.ports.dicom), ...paths]);
  assert.equal(r.code, 0, r.stderr);
}

test('a study is announced once when it goes quiet, and again when more instances arrive', async () => {
  const [first, ...rest] = data.study1;
  await store([first!.path, data.study2[0]!.path]);
  const initial = await until('two study.stable events', events, (e) => e.length >= 2);
  assert.equal(initial.length, 2);
  const s1 = initial.find((e) => e.studyInstanceUid === STUDY1);
  assert.ok(s1, 'study 1 announced');
  assert.deepEqual(
    { event: s1.event, accession: s1.accessionNumber, patientId: s1.patientId, modalities: s1.modalitiesInStudy, series: s1.numberOfStudyRelatedSeries, instances: s1.numberOfStudyRelatedInstances, updated: s1.updated },
    { event: 'study.stable', accession: 'ACC-0001', patientId: 'PAT-001', modalities: ['CT'], series: 1, instances: 1, updated: false },
  );
  assert.ok(initial.some((e) => e.studyInstanceUid === STUDY2));

  // Nothing new: no second announcement.
  await new Promise((r) => setTimeout(r, 2_500));
  assert.equal((await events()).length, 2);

  // The rest of study 1 arrives: announced again with the new counts.
  await store(rest.map((f) => f.path));
  const later = await until('a third event', events, (e) => e.length >= 3);
  const again = later[2]!;
  assert.equal(again.studyInstanceUid, STUDY1);
  assert.equal(again.numberOfStudyRelatedInstances, 5);
  assert.equal(again.numberOfStudyRelatedSeries, 2);
  assert.equal(again.updated, true);
});

test('a stopped dicom-events channel holds events back until it is started', async () => {
  const stop = await app.fetch('/api/channels/dicom-events/stop', { method: 'POST' });
  assert.equal(stop.status, 200);
  const before = (await events()).length;
  await store(data.study2.slice(1).map((f) => f.path));
  await new Promise((r) => setTimeout(r, 2_500));
  assert.equal((await events()).length, before, 'nothing announced while stopped');
  assert.equal((await app.fetch('/api/channels/dicom-events/start', { method: 'POST' })).status, 200);
  const after = await until('the held-back event', events, (e) => e.length > before);
  assert.equal(after.at(-1)!.studyInstanceUid, STUDY2);
  assert.equal(after.at(-1)!.numberOfStudyRelatedInstances, 4);
});
