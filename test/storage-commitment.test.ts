// Storage Commitment Push Model as a modality sees it (DCMTK has no storage commitment SCU, so the
// modality is dcmjs-dimse's Client, and its listener a dcmjs-dimse Server): instances stored with
// storescu, then an N-ACTION naming two of them and one never sent. The N-EVENT-REPORT comes back
// on the same association while the modality keeps it open, else on a new association to the
// modality registered in PACS_DICOM_PEERS, and still after the appliance restarted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as DcmjsDimse from 'dcmjs-dimse';
import { createTestEnv, startTestAppliance } from './support/test-appliance.ts';
import type { TestAppliance, TestEnv } from './support/test-appliance.ts';
import { CT_IMAGE_STORAGE, EXPLICIT_LE, writeDataset } from './support/dicom-fixtures.ts';
import type { Dataset } from './support/dicom-fixtures.ts';
import { dcmtk, freePort } from './support/dicom-peer.ts';

const require = createRequire(import.meta.url);
const dimse = require('dcmjs-dimse') as typeof DcmjsDimse;
dimse.log.setLevel('silent');
const STGCMT = '1.2.840.10008.1.20.1';
const STGCMT_INSTANCE = '1.2.840.10008.1.20.1.1';
const UNKNOWN_SOP = '1.2.826.0.1.3680043.8.498.999.999';

type Ref = { ReferencedSOPClassUID: string; ReferencedSOPInstanceUID: string; FailureReason?: number };
type Report = { eventTypeId: number; affectedSopInstanceUid: string | undefined; transactionUid: string; retrieveAe: string | undefined; referenced: Ref[]; failed: Ref[] };

function reportOf(request: DcmjsDimse.requests.NEventReportRequest): Report {
  const ds = (request.getDataset()?.getElements() ?? {}) as Record<string, unknown>;
  return {
    eventTypeId: request.getEventTypeId(),
    affectedSopInstanceUid: request.getAffectedSopInstanceUid(),
    transactionUid: String(ds.TransactionUID),
    retrieveAe: ds.RetrieveAETitle as string | undefined,
    referenced: (ds.ReferencedSOPSequence as Ref[] | undefined) ?? [],
    failed: (ds.FailedSOPSequence as Ref[] | undefined) ?? [],
  };
}

type ActionOutcome = { status: number | undefined; sameAssociation: Report[] };

/**
 * One N-ACTION as a modality sends it. `keepOpenMs`: how long the association stays open after the
 * answer, for the report on it (answered with `sameAssociationStatus`); 0 releases at once.
 */
function requestCommitment(port: number, callingAe: string, transactionUid: string, refs: { cls: string; uid: string }[], o: { keepOpenMs: number; sameAssociationStatus?: number }): Promise<ActionOutcome> {
  dimse.log.setLevel('silent');
  const request = new dimse.requests.NActionRequest(STGCMT, STGCMT_INSTANCE, 1);
  request.setDataset(new dimse.Dataset({ TransactionUID: transactionUid, ReferencedSOPSequence: refs.map((r) => ({ ReferencedSOPClassUID: r.cls, ReferencedSOPInstanceUID: r.uid })) }, EXPLICIT_LE));
  const out: ActionOutcome = { status: undefined, sameAssociation: [] };
  request.on('response', (r: DcmjsDimse.responses.NActionResponse) => (out.status = r.getStatus()));
  const client = new dimse.Client();
  client.addRequest(request);
  client.on('nEventReportRequest', (req: DcmjsDimse.requests.NEventReportRequest, callback: (r: DcmjsDimse.responses.NEventReportResponse) => void) => {
    out.sameAssociation.push(reportOf(req));
    const response = dimse.responses.NEventReportResponse.fromRequest(req);
    response.setStatus(o.sameAssociationStatus ?? 0);
    callback(response);
  });
  return new Promise((resolve) => {
    client.on('closed', () => resolve(out));
    client.on('networkError', () => resolve(out));
    client.send('127.0.0.1', port, callingAe, 'PACS', { associationLingerTimeout: o.keepOpenMs });
  });
}

/** The modality's own listener (a dcmjs-dimse Server): accepts Storage Commitment in the SCU role and records each report. */
type Modality = { port: number; reports: Report[]; calledBy: string[]; next(): Promise<Report>; start(): void; stop(): void };

function modality(port: number): Modality {
  const reports: Report[] = [];
  const calledBy: string[] = [];
  let waiting: ((r: Report) => void) | undefined;
  class ModalityScp extends dimse.Scp {
    override associationRequested(association: DcmjsDimse.association.Association): void {
      calledBy.push(association.getCallingAeTitle().trim());
      for (const { id, context } of association.getPresentationContexts()) {
        const pc = association.getPresentationContext(id);
        if (context.getAbstractSyntaxUid() === STGCMT) {
          pc.setResult(dimse.constants.PresentationContextResult.Accept, context.getTransferSyntaxUids()[0]);
          // The report's sender is the SCP of Storage Commitment: we take the SCU role (PS3.4 J.3.3).
          if (context.getProviderRole() !== undefined) {
            pc.setUserRole(false);
            pc.setProviderRole(true);
          }
        } else pc.setResult(dimse.constants.PresentationContextResult.RejectAbstractSyntaxNotSupported);
      }
      this.sendAssociationAccept();
    }
    override associationReleaseRequested(): void {
      this.sendAssociationReleaseResponse();
    }
    override nEventReportRequest(request: DcmjsDimse.requests.NEventReportRequest, callback: (r: DcmjsDimse.responses.NEventReportResponse) => void): void {
      const report = reportOf(request);
      reports.push(report);
      const response = dimse.responses.NEventReportResponse.fromRequest(request);
      response.setStatus(0);
      callback(response);
      waiting?.(report);
    }
  }
  let server: DcmjsDimse.Server | undefined;
  return {
    port,
    reports,
    calledBy,
    next: () => new Promise<Report>((resolve) => (waiting = resolve)),
    start() {
      server = new dimse.Server(ModalityScp);
      server.listen(port);
    },
    stop() {
      server?.close();
      server = undefined;
    },
  };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms).unref())]);
}

describe('Storage Commitment Push Model (N-ACTION, N-EVENT-REPORT)', () => {
  let env: TestEnv;
  let app: TestAppliance;
  let data: Dataset;
  let mod: Modality;
  let stored: { cls: string; uid: string }[];
  const overrides = () => ({ PACS_DICOM_PEERS: `MODALITY@127.0.0.1:${mod.port}` });

  before(async () => {
    data = writeDataset(mkdtempSync(join(tmpdir(), 'stgcmt-fixtures-')));
    mod = modality(await freePort());
    mod.start();
    env = await createTestEnv();
    app = await startTestAppliance(env, overrides());
    const r = await dcmtk('storescu', ['-aec', 'PACS', '127.0.0.1', String(app.ports.dicom), ...data.study1.slice(0, 2).map((f) => f.path)]);
    assert.equal(r.code, 0, r.stderr);
    stored = data.study1.slice(0, 2).map((f) => ({ cls: CT_IMAGE_STORAGE, uid: f.spec.sopUid }));
  });

  after(async () => {
    mod.stop();
    await app?.stop();
    await env?.cleanup();
    rmSync(data.dir, { recursive: true, force: true });
  });

  test('on the same association: event type 2, the two stored committed and the unknown one failed with 0112', async () => {
    const out = await requestCommitment(app.ports.dicom, 'CT01', '1.2.826.0.1.3680043.8.498.77.1', [...stored, { cls: CT_IMAGE_STORAGE, uid: UNKNOWN_SOP }], { keepOpenMs: 1500 });
    assert.equal(out.status, 0x0000);
    assert.equal(out.sameAssociation.length, 1, 'one report on the requesting association');
    const report = out.sameAssociation[0]!;
    assert.equal(report.eventTypeId, 2);
    assert.equal(report.affectedSopInstanceUid, STGCMT_INSTANCE);
    assert.equal(report.transactionUid, '1.2.826.0.1.3680043.8.498.77.1');
    assert.equal(report.retrieveAe, 'PACS');
    assert.deepEqual(report.referenced.map((r) => [r.ReferencedSOPClassUID, r.ReferencedSOPInstanceUID]), stored.map((s) => [s.cls, s.uid]));
    assert.deepEqual(report.failed.map((r) => [r.ReferencedSOPClassUID, r.ReferencedSOPInstanceUID, r.FailureReason]), [[CT_IMAGE_STORAGE, UNKNOWN_SOP, 0x0112]]);
    assert.equal(mod.reports.length, 0, 'nothing on a new association');
  });

  test('a bad request is refused at once (no Transaction UID: 0120), and nothing is reported', async () => {
    dimse.log.setLevel('silent');
    const request = new dimse.requests.NActionRequest(STGCMT, STGCMT_INSTANCE, 1);
    request.setDataset(new dimse.Dataset({ ReferencedSOPSequence: [{ ReferencedSOPClassUID: CT_IMAGE_STORAGE, ReferencedSOPInstanceUID: stored[0]!.uid }] }, EXPLICIT_LE));
    let status: number | undefined;
    let reports = 0;
    request.on('response', (r: DcmjsDimse.responses.NActionResponse) => (status = r.getStatus()));
    const client = new dimse.Client();
    client.addRequest(request);
    client.on('nEventReportRequest', () => reports++);
    await new Promise<void>((resolve) => {
      client.on('closed', () => resolve());
      client.send('127.0.0.1', app.ports.dicom, 'CT01', 'PACS', { associationLingerTimeout: 500 });
    });
    assert.equal(status, 0x0120);
    assert.equal(reports, 0);
  });

  test('the modality released the association: the report comes on a new one to it, all committed', async () => {
    const next = mod.next();
    const out = await requestCommitment(app.ports.dicom, 'MODALITY', '1.2.826.0.1.3680043.8.498.77.2', stored, { keepOpenMs: 0, sameAssociationStatus: 0x0110 });
    assert.equal(out.status, 0x0000);
    const report = await within(next, 10_000, 'report on a new association');
    assert.equal(report.eventTypeId, 1);
    assert.equal(report.transactionUid, '1.2.826.0.1.3680043.8.498.77.2');
    assert.deepEqual(report.referenced.map((r) => r.ReferencedSOPInstanceUID), stored.map((s) => s.uid));
    assert.deepEqual(report.failed, []);
    assert.equal(mod.calledBy.at(-1), 'PACS', 'the archive opened the association');
  });

  test('a report not yet delivered survives a restart', async () => {
    // The modality's listener is down: the first attempt on a new association fails.
    mod.stop();
    const tx = '1.2.826.0.1.3680043.8.498.77.3';
    const out = await requestCommitment(app.ports.dicom, 'MODALITY', tx, [stored[0]!, { cls: CT_IMAGE_STORAGE, uid: UNKNOWN_SOP }], { keepOpenMs: 0, sameAssociationStatus: 0x0110 });
    assert.equal(out.status, 0x0000);
    for (let i = 0; ; i++) {
      const row = await app.db.query<{ attempts: number }>('select attempts from storage_commitments where transaction_uid = $1', [tx]);
      if ((row.rows[0]?.attempts ?? 0) >= 1) break;
      assert.ok(i < 100, 'the first attempt was made');
      await new Promise((r) => setTimeout(r, 100));
    }
    await app.stop();
    mod.start();
    const next = mod.next();
    app = await startTestAppliance(env, overrides());
    // The next attempt is due 10 s after the first.
    const report = await within(next, 20_000, 'report after the restart');
    assert.equal(report.transactionUid, tx);
    assert.equal(report.eventTypeId, 2);
    assert.deepEqual(report.failed.map((r) => [r.ReferencedSOPInstanceUID, r.FailureReason]), [[UNKNOWN_SOP, 0x0112]]);
    for (let i = 0; ; i++) {
      const row = await app.db.query<{ state: string }>('select state from storage_commitments where transaction_uid = $1', [tx]);
      if (row.rows[0]?.state === 'reported') break;
      assert.ok(i < 50, `state ${row.rows[0]?.state}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});
