// The MWL C-FIND service against a real database (PGlite, or PostgreSQL with DATABASE_URL), as
// dicom-scp.ts drives it: Pending per match then Success, Cancel when the C-CANCEL's signal
// aborts, a failure status with a comment for an identifier it cannot read, FF01 for keys it
// does not match on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from '../../engine/index.ts';
import type { DicomJson } from '../dicom-json.ts';
import { SopClass } from '../sop-classes.ts';
import { openWorklistDb } from '../worklist/__fixtures__/worklist-db.ts';
import type { TestDb } from '../worklist/__fixtures__/worklist-db.ts';
import { ITEM_1_6 } from '../worklist/__fixtures__/worklist-find-item.ts';
import { createOrder } from '../worklist/index.ts';
import type { FindAnswer, FindRequest } from './dimse-service.ts';
import { DimseStatus } from './dimse-status.ts';
import { createWorklistFindScp, PENDING_OPTIONAL_KEYS_UNSUPPORTED } from './mwl-find-scp.ts';

const quiet: Logger = { error() {}, warn() {}, info() {}, debug() {}, child: () => quiet };
const e = (vr: string, ...values: string[]) => (values.length ? { vr, Value: vr === 'PN' ? values.map((v) => ({ Alphabetic: v })) : values } : { vr });

const request = (identifier: DicomJson): FindRequest => ({
  association: { id: 1, callingAeTitle: 'CT01', calledAeTitle: 'PACS', remoteAddress: '127.0.0.1' },
  sopClassUid: SopClass.ModalityWorklistFind,
  messageId: 1,
  identifier,
});

async function collect(answers: AsyncIterable<FindAnswer>, onAnswer?: (a: FindAnswer) => void): Promise<FindAnswer[]> {
  const out: FindAnswer[] = [];
  for await (const a of answers) {
    out.push(a);
    onAnswer?.(a);
  }
  return out;
}

describe('MWL C-FIND service', () => {
  let db: TestDb;
  before(async () => {
    db = await openWorklistDb();
    for (let n = 1; n <= 7; n++) {
      const item = structuredClone(ITEM_1_6);
      Object.assign(item, { AccessionNumber: `ACC-${n}`, RequestedProcedureID: `RP-${n}`, StudyInstanceUID: `1.2.3.${n}` });
      Object.assign(item.ScheduledProcedureStepSequence[0], { ScheduledProcedureStepID: `SPS-${n}`, ScheduledProcedureStepStartTime: `${String(7 + n).padStart(2, '0')}0000` });
      const r = await createOrder(db, { placer: { number: `PO-${n}`, issuer: 'EPIC' }, items: [item] }, { source: 'hl7' });
      assert.ok(r.ok);
    }
  });
  after(async () => {
    await db?.close();
  });

  test('serves the worklist SOP class only', () => {
    const scp = createWorklistFindScp({ db, log: quiet });
    assert.equal(scp.handles(SopClass.ModalityWorklistFind), true);
    assert.equal(scp.handles(SopClass.StudyRootFind), false);
  });

  test('answers Pending for each match in schedule order, across pages, then Success', async () => {
    const scp = createWorklistFindScp({ db, log: quiet, pageSize: 3 });
    const identifier = { '00080050': e('SH'), '00400100': { vr: 'SQ', Value: [{ '00400001': e('AE', 'CT01'), '00400002': e('DA', '20250301'), '00400003': e('TM') }] } };
    const answers = await collect(scp.find(request(identifier), new AbortController().signal));
    assert.deepEqual(answers.map((a) => a.status), [...Array(7).fill(DimseStatus.Pending), DimseStatus.Success]);
    assert.deepEqual(answers.slice(0, 7).map((a) => a.identifier?.['00080050']?.Value?.[0]), ['ACC-1', 'ACC-2', 'ACC-3', 'ACC-4', 'ACC-5', 'ACC-6', 'ACC-7']);
    assert.equal(answers[7]!.identifier, undefined);
  });

  test('stops with Cancel when the C-CANCEL arrives (the signal aborts)', async () => {
    const scp = createWorklistFindScp({ db, log: quiet, pageSize: 2 });
    const cancel = new AbortController();
    const answers = await collect(scp.find(request({ '00100010': e('PN', 'doe*') }), cancel.signal), (a) => {
      if (a.status === DimseStatus.Pending) cancel.abort();
    });
    assert.deepEqual(answers.map((a) => a.status), [DimseStatus.Pending, DimseStatus.Cancel]);
  });

  test('an identifier it cannot read is refused with a failure status and a comment', async () => {
    const scp = createWorklistFindScp({ db, log: quiet });
    const answers = await collect(scp.find(request({ '00400100': { vr: 'SQ', Value: [{ '00400002': e('DA', 'today') }] } }), new AbortController().signal));
    assert.equal(answers.length, 1);
    assert.equal(answers[0]!.status, DimseStatus.DataSetDoesNotMatchSopClass);
    assert.match(answers[0]!.comment ?? '', /ScheduledProcedureStepStartDate "today"/);
  });

  test('a value on a key it does not match on: matched universally, answered Pending FF01', async () => {
    const scp = createWorklistFindScp({ db, log: quiet });
    const answers = await collect(scp.find(request({ '00081030': e('LO', 'CT*'), '00401001': e('SH', 'RP-3') }), new AbortController().signal));
    assert.deepEqual(answers.map((a) => a.status), [PENDING_OPTIONAL_KEYS_UNSUPPORTED, DimseStatus.Success]);
    assert.deepEqual(answers[0]!.identifier, { '00080005': e('CS', 'ISO_IR 100'), '00081030': e('LO'), '00401001': e('SH', 'RP-3') });
  });
});
