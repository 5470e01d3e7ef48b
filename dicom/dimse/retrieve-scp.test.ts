// The sub-operations of a retrieve against a fake peer: counts in every Pending answer, the final
// status and Failed SOP Instance UID List, instances that cannot go, cancellation, and a peer that
// goes away; plus the Part 10 split that gives back the data set as stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { part10Header } from '../parse/part10-header.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import type { DimseAnswer, RetrieveAnswer, StoreTarget, SubOperationInstance } from './dimse-service.ts';
import { finalAnswer, RetrieveStatus, runSubOperations, subOperationOutcome } from './retrieve-scp.ts';
import type { RetrieveScpOptions } from './retrieve-scp.ts';
import { splitPart10 } from './retrieve-scp-instances.ts';
import type { StoredInstance } from './retrieve-scp-instances.ts';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const EXPLICIT = '1.2.840.10008.1.2.1';
const JPEG = '1.2.840.10008.1.2.4.70';
const noop = { error() {}, warn() {}, info() {}, debug() {}, child() { return noop; } };

/** Data set bytes standing in for an instance: what matters is that they travel unchanged. */
const datasetOf = (uid: string) => Buffer.from(`dataset of ${uid}`.padEnd(32, ' '));

function fileOf(uid: string, ts: string): Buffer {
  return Buffer.concat([part10Header({ sopClassUid: CT, sopInstanceUid: uid, transferSyntaxUid: ts }), datasetOf(uid)]);
}

function instance(uid: string, ts = EXPLICIT, key = `k/${uid}.dcm`): StoredInstance {
  return { sopInstanceUid: uid, sopClassUid: CT, transferSyntaxUid: ts, tier: 'hot', storageKey: key, size: 100 };
}

function options(files: Map<string, Buffer>): RetrieveScpOptions {
  const store = { name: 'hot', get: async (key: string) => (files.has(key) ? Readable.from([files.get(key)!]) : undefined) } as unknown as BlobStore;
  return { db: {} as never, tiers: (name) => (name === 'hot' ? store : undefined), log: noop };
}

/** A peer accepting `accepted` for CT and answering each C-STORE with `answer(uid)`. */
function peer(accepted: string[], answer: (uid: string) => number = () => 0): StoreTarget & { sent: SubOperationInstance[] } {
  const sent: SubOperationInstance[] = [];
  return {
    sent,
    acceptedTransferSyntaxes: (sopClassUid) => (sopClassUid === CT ? accepted : []),
    store: async (i): Promise<DimseAnswer> => {
      sent.push(i);
      return { status: answer(i.sopInstanceUid) };
    },
  };
}

async function collect(gen: AsyncIterable<RetrieveAnswer>): Promise<RetrieveAnswer[]> {
  const out: RetrieveAnswer[] = [];
  for await (const a of gen) out.push(a);
  return out;
}

test('sub-operation outcomes and final statuses', () => {
  assert.deepEqual([0x0000, 0x0001, 0xb000, 0xb007, 0xa700, 0xc000, 0x0110].map(subOperationOutcome), ['completed', 'warning', 'warning', 'warning', 'failed', 'failed', 'failed']);
  const p = (completed: number, failed: number, warning = 0, remaining = 0) => ({ remaining, completed, failed, warning });
  assert.deepEqual(finalAnswer(p(3, 0), [], false), { status: RetrieveStatus.Success, progress: p(3, 0) });
  assert.deepEqual(finalAnswer(p(2, 0, 1), [], false).status, RetrieveStatus.Success, 'warnings only: no failures');
  assert.deepEqual(finalAnswer(p(2, 1), ['1.9'], false), { status: RetrieveStatus.SubOperationsFailed, progress: p(2, 1), failedSopInstanceUids: ['1.9'] });
  assert.deepEqual(finalAnswer(p(0, 2), ['1.8', '1.9'], false).status, RetrieveStatus.OutOfResourcesSubOperations);
  assert.deepEqual(finalAnswer(p(1, 0, 0, 2), [], true), { status: RetrieveStatus.Cancel, progress: p(1, 0, 0, 2) });
});

test('every instance goes as stored, byte for byte, with a Pending answer after each', async () => {
  const files = new Map([['k/1.1.dcm', fileOf('1.1', EXPLICIT)], ['k/1.2.dcm', fileOf('1.2', JPEG)]]);
  const target = peer([EXPLICIT, JPEG]);
  const answers = await collect(runSubOperations(options(files), [instance('1.1'), instance('1.2', JPEG)], target, new AbortController().signal, noop));
  assert.deepEqual(answers, [
    { status: RetrieveStatus.Pending, progress: { remaining: 1, completed: 1, failed: 0, warning: 0 } },
    { status: RetrieveStatus.Pending, progress: { remaining: 0, completed: 2, failed: 0, warning: 0 } },
    { status: RetrieveStatus.Success, progress: { remaining: 0, completed: 2, failed: 0, warning: 0 } },
  ]);
  assert.deepEqual(target.sent.map((s) => [s.sopInstanceUid, s.transferSyntaxUid, s.dataset.toString().trim()]), [
    ['1.1', EXPLICIT, 'dataset of 1.1'],
    ['1.2', JPEG, 'dataset of 1.2'],
  ]);
});

test('what cannot go is failed and listed: syntax not accepted, missing file, refused by the peer; warnings are counted', async () => {
  const files = new Map([['k/1.1.dcm', fileOf('1.1', EXPLICIT)], ['k/1.2.dcm', fileOf('1.2', JPEG)], ['k/1.4.dcm', fileOf('1.4', EXPLICIT)], ['k/1.5.dcm', fileOf('1.5', EXPLICIT)]]);
  const target = peer([EXPLICIT], (uid) => (uid === '1.4' ? 0xa700 : uid === '1.5' ? 0xb007 : 0));
  const list = [instance('1.1'), instance('1.2', JPEG), instance('1.3'), instance('1.4'), instance('1.5')];
  const answers = await collect(runSubOperations(options(files), list, target, new AbortController().signal, noop));
  assert.equal(answers.length, 6);
  assert.deepEqual(answers.at(-1), {
    status: RetrieveStatus.SubOperationsFailed,
    progress: { remaining: 0, completed: 1, failed: 3, warning: 1 },
    failedSopInstanceUids: ['1.2', '1.3', '1.4'],
  });
  assert.deepEqual(target.sent.map((s) => s.sopInstanceUid), ['1.1', '1.4', '1.5'], 'the JPEG one is not read, the missing one not sent');
});

test('a class the peer accepted nothing for fails; a closed association fails the rest', async () => {
  const files = new Map([['k/1.1.dcm', fileOf('1.1', EXPLICIT)], ['k/1.2.dcm', fileOf('1.2', EXPLICIT)]]);
  const none = await collect(runSubOperations(options(files), [instance('1.1')], peer([]), new AbortController().signal, noop));
  assert.equal(none.at(-1)?.status, RetrieveStatus.OutOfResourcesSubOperations);
  let open = true;
  const closing = { ...peer([EXPLICIT], () => ((open = false), 0)), isOpen: () => open };
  const answers = await collect(runSubOperations(options(files), [instance('1.1'), instance('1.2')], closing, new AbortController().signal, noop));
  assert.deepEqual(answers.at(-1), { status: RetrieveStatus.SubOperationsFailed, progress: { remaining: 0, completed: 1, failed: 1, warning: 0 }, failedSopInstanceUids: ['1.2'] });
});

test('C-CANCEL: the sub-operation under way finishes, then Cancel with what remains', async () => {
  const files = new Map(['1.1', '1.2', '1.3'].map((u) => [`k/${u}.dcm`, fileOf(u, EXPLICIT)]));
  const controller = new AbortController();
  const target = peer([EXPLICIT], () => {
    controller.abort();
    return 0;
  });
  const answers = await collect(runSubOperations(options(files), ['1.1', '1.2', '1.3'].map((u) => instance(u)), target, controller.signal, noop));
  assert.deepEqual(answers.at(-1), { status: RetrieveStatus.Cancel, progress: { remaining: 2, completed: 1, failed: 0, warning: 0 } });
  assert.equal(target.sent.length, 1);
});

test('splitPart10: the transfer syntax of the meta header and the data set behind it', () => {
  const file = fileOf('1.2.3', JPEG);
  assert.deepEqual(splitPart10(file), { transferSyntaxUid: JPEG, dataset: datasetOf('1.2.3') });
  assert.equal(splitPart10(Buffer.from('not dicom')), undefined);
  assert.equal(splitPart10(file.subarray(0, 150)), undefined, 'cut inside the meta group');
});
