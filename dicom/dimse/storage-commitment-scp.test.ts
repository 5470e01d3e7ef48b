// The Storage Commitment SCP against an in-memory PGlite (migration 0011 and a stand-in instances
// table), with the requesting association and new associations faked: what is answered, where the
// report goes, the retries and the final give-up with its log line.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Logger } from '../../engine/index.ts';
import type { DicomJson } from '../dicom-json.ts';
import { SopClass } from '../sop-classes.ts';
import type { StoreAssociation, StoreAssociationOptions } from './dicom-scu.ts';
import type { DimseAnswer, EventReport, EventReportTarget, NormalizedRequest } from './dimse-service.ts';
import { createStorageCommitmentScp } from './storage-commitment-scp.ts';
import type { StorageCommitmentScp } from './storage-commitment-scp.ts';
import { Tag } from './storage-commitment-request.ts';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const MIGRATION = new URL('../../appliance/migrations/0011-storage-commitment.sql', import.meta.url);

type Line = { level: string; msg: string | undefined };
function recordingLog(lines: Line[]): Logger {
  const log: Logger = {
    error: (_o, msg) => void lines.push({ level: 'error', msg }),
    warn: (_o, msg) => void lines.push({ level: 'warn', msg }),
    info: (_o, msg) => void lines.push({ level: 'info', msg }),
    debug: () => undefined,
    child: () => log,
  };
  return log;
}

const ui = (v: string) => ({ vr: 'UI', Value: [v] });
function action(tx: string, uids: string[]): NormalizedRequest {
  const dataset: DicomJson = {
    [Tag.TransactionUID]: ui(tx),
    [Tag.ReferencedSOPSequence]: { vr: 'SQ', Value: uids.map((u) => ({ [Tag.ReferencedSOPClassUID]: ui(CT), [Tag.ReferencedSOPInstanceUID]: ui(u) })) },
  };
  return { association: { id: 1, callingAeTitle: 'CT01', calledAeTitle: 'PACS', remoteAddress: '127.0.0.1' }, sopClassUid: SopClass.StorageCommitmentPushModel, sopInstanceUid: SopClass.StorageCommitmentPushModelInstance, messageId: 1, actionTypeId: 1, dataset };
}

function requester(answer: DimseAnswer | 'closed', sent: EventReport[]): EventReportTarget {
  return {
    isOpen: () => answer !== 'closed',
    sendEventReport: (r) => {
      sent.push(r);
      return Promise.resolve(answer === 'closed' ? { status: 0x0110 } : answer);
    },
  };
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('Storage Commitment SCP', () => {
  let lite: PGlite;
  const db = {
    async query<T>(text: string, params?: readonly unknown[]) {
      const r = await lite.query<T>(text, params as unknown[] | undefined);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
  };
  let scp: StorageCommitmentScp | undefined;
  const state = async (tx: string) => (await db.query<{ state: string; attempts: number }>('select state, attempts from storage_commitments where transaction_uid = $1', [tx])).rows[0];

  before(async () => {
    lite = await PGlite.create();
    await lite.exec(readFileSync(MIGRATION, 'utf8'));
    await lite.exec(`create table instances (sop_instance_uid text primary key, sop_class_uid text not null); insert into instances values ('1.2.3.1', '${CT}');`);
  });
  beforeEach(async () => {
    await scp?.stop();
    scp = undefined;
  });
  after(async () => {
    await scp?.stop();
    await lite.close();
  });

  test('answers at once, then reports on the requesting association', async () => {
    const lines: Line[] = [];
    scp = createStorageCommitmentScp({ db, aeTitle: 'PACS', peers: { find: () => Promise.resolve(undefined) }, log: recordingLog(lines) });
    scp.start();
    const sent: EventReport[] = [];
    const answer = await scp.action!(action('1.2.3.99.1', ['1.2.3.1', '1.2.3.2']), requester({ status: 0 }, sent));
    assert.equal(answer.status, 0);
    assert.equal(answer.sopInstanceUid, SopClass.StorageCommitmentPushModelInstance);
    assert.equal(sent.length, 0, 'nothing sent before the answer');
    assert.equal((await state('1.2.3.99.1'))?.state, 'pending', 'recorded before the answer');
    await answer.followUp?.();
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.eventTypeId, 2);
    assert.equal(sent[0]!.sopInstanceUid, SopClass.StorageCommitmentPushModelInstance);
    assert.equal((await state('1.2.3.99.1'))?.state, 'reported');
  });

  test('a refused request is not recorded', async () => {
    scp = createStorageCommitmentScp({ db, aeTitle: 'PACS', peers: { find: () => Promise.resolve(undefined) }, log: recordingLog([]) });
    const answer = await scp.action!({ ...action('1.2.3.99.2', ['1.2.3.1']), actionTypeId: 7 }, requester({ status: 0 }, []));
    assert.equal(answer.status, 0x0123);
    assert.equal(answer.followUp, undefined);
    assert.equal(await state('1.2.3.99.2'), undefined);
  });

  test('the requesting association is gone: a new association to the peer, in the SCP role', async () => {
    const opened: StoreAssociationOptions[] = [];
    const sent: EventReport[] = [];
    const connect = (o: StoreAssociationOptions) => {
      opened.push(o);
      const assoc = {
        sendEventReport: (r: EventReport) => (sent.push(r), Promise.resolve({ status: 0 })),
        release: () => Promise.resolve(),
      } as unknown as StoreAssociation; // only the two methods the reporter uses
      return Promise.resolve({ ok: true as const, value: assoc });
    };
    scp = createStorageCommitmentScp({ db, aeTitle: 'PACS', peers: { find: (aet) => Promise.resolve(aet === 'CT01' ? { aet: 'CT01', host: 'ct01.local', port: 104 } : undefined) }, log: recordingLog([]), connect, pollMs: 10 });
    scp.start();
    const answer = await scp.action!(action('1.2.3.99.3', ['1.2.3.1']), requester('closed', []));
    await answer.followUp?.();
    await until(async () => (await state('1.2.3.99.3'))?.state === 'reported', 'the report');
    assert.deepEqual(opened.map((o) => [o.host, o.port, o.calledAeTitle, o.callingAeTitle, o.contexts[0]?.sopClassUid, o.contexts[0]?.scpRole]), [['ct01.local', 104, 'CT01', 'PACS', SopClass.StorageCommitmentPushModel, true]]);
    assert.equal(sent[0]?.eventTypeId, 1);
  });

  test('retries with back-off, then gives up with a log line', async () => {
    const lines: Line[] = [];
    let tries = 0;
    const connect = () => {
      tries++;
      return Promise.resolve({ ok: false as const, error: { code: 'DICOM_PEER_UNREACHABLE' as const, message: 'connection refused' } });
    };
    scp = createStorageCommitmentScp({ db, aeTitle: 'PACS', peers: { find: () => Promise.resolve({ aet: 'CT01', host: 'ct01.local', port: 104 }) }, log: recordingLog(lines), connect, pollMs: 10, retryDelaysMs: [20, 40] });
    scp.start();
    const answer = await scp.action!(action('1.2.3.99.4', ['1.2.3.1']), requester('closed', []));
    await answer.followUp?.();
    await until(async () => (await state('1.2.3.99.4'))?.state === 'failed', 'the give-up');
    assert.equal(tries, 3, 'one attempt more than delays');
    assert.equal((await state('1.2.3.99.4'))?.attempts, 3);
    assert.ok(lines.some((l) => l.level === 'warn' && l.msg?.includes('given up')));
  });
});
