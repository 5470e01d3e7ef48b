// What the archive keeps across a restart: stop the appliance, start it again on the same data
// folder and database, and everything stored is listed, queryable and still refused as a duplicate.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InstanceStoredEvent } from '../dicom/index.ts';
import { createTestEnv, startTestAppliance } from './support/test-appliance.ts';
import type { TestAppliance, TestEnv } from './support/test-appliance.ts';
import { STUDY1, writeDataset } from './support/dicom-fixtures.ts';
import { dcmtk, findscu } from './support/dicom-peer.ts';

let env: TestEnv | undefined;
let app: TestAppliance | undefined;
let fixtures: string | undefined;
after(async () => {
  await app?.stop();
  await env?.cleanup();
  if (fixtures) rmSync(fixtures, { recursive: true, force: true });
});

test('a restart keeps every study, and C-FIND still answers', async () => {
  env = await createTestEnv();
  fixtures = mkdtempSync(join(tmpdir(), 'dicom-restart-'));
  const data = writeDataset(fixtures);
  const events: InstanceStoredEvent[] = [];
  app = await startTestAppliance(env, {}, { onInstanceStored: (e) => void events.push(e) });
  const r = await dcmtk('storescu', ['-aec', 'PACS', '127.0.0.1', String(app.ports.dicom), ...data.study1.map((f) => f.path)]);
  assert.equal(r.code, 0, r.stderr);

  assert.equal(events.length, 5, 'one event per stored instance');
  assert.deepEqual(events.map((e) => e.newStudy), [true, false, false, false, false]);
  assert.equal(events.filter((e) => e.newSeries).length, 2);
  assert.deepEqual(
    { study: events[0]!.studyInstanceUid, patient: events[0]!.patientId, accession: events[0]!.accession, modality: events[0]!.modality, source: events[0]!.sourceAe },
    { study: STUDY1, patient: 'PAT-001', accession: 'ACC-0001', modality: 'CT', source: 'STORESCU' },
  );

  await app.stop();
  app = await startTestAppliance(env, {}, { onInstanceStored: (e) => void events.push(e) });

  const res = await app.fetch(`/api/studies/${STUDY1}`);
  assert.equal(res.status, 200);
  const study = (await res.json()) as { numberOfInstances: number; numberOfSeries: number; patient: { name: string } };
  assert.equal(study.numberOfInstances, 5);
  assert.equal(study.numberOfSeries, 2);
  assert.equal(study.patient.name, 'DOE^JANE');

  const images = await findscu(app.ports.dicom, '-S', ['QueryRetrieveLevel=IMAGE', `StudyInstanceUID=${STUDY1}`, 'SOPInstanceUID']);
  assert.equal(images.result.code, 0, images.result.stderr);
  assert.equal(images.matches.length, 5);

  const again = await dcmtk('storescu', ['-aec', 'PACS', '127.0.0.1', String(app.ports.dicom), data.study1[0]!.path]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(events.length, 5, 'a duplicate is no new instance');
  const tmp = join(env.dataDir, 'storage', '.tmp');
  assert.deepEqual(existsSync(tmp) ? readdirSync(tmp) : [], [], 'no temporary file left');
});
