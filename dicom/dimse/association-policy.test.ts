// Association negotiation, and the routing of SOP classes to services: no SOP class is claimed by
// two services, so the order the services are registered in cannot change where a request goes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { negotiate, sameAeTitle, serviceFor } from './association-policy.ts';
import { createEchoScp } from './c-echo-scp.ts';
import { createFindScp } from './c-find-scp.ts';
import { createStoreScp } from './c-store-scp.ts';
import type { DimseService } from './dimse-service.ts';

const noop = { error() {}, warn() {}, info() {}, debug() {}, child() { return noop; } };
const services: DimseService[] = [
  createEchoScp(),
  createStoreScp({ ingest: {} as never, store: {} as never, log: noop }),
  createFindScp({ db: {} as never, aeTitle: 'PACS', log: noop }),
];

const CT = '1.2.840.10008.5.1.4.1.1.2';
const ENHANCED_SR = '1.2.840.10008.5.1.4.1.1.88.22';
const STUDY_ROOT_FIND = '1.2.840.10008.5.1.4.1.2.2.1';
const PATIENT_ROOT_FIND = '1.2.840.10008.5.1.4.1.2.1.1';
const VERIFICATION = '1.2.840.10008.1.1';
const PROTOCOL_APPROVAL_FIND = '1.2.840.10008.5.1.4.1.1.200.4';
const HANGING_PROTOCOL_STORAGE = '1.2.840.10008.5.1.4.38.1';
const EXPLICIT = '1.2.840.10008.1.2.1';
const IMPLICIT = '1.2.840.10008.1.2';
const JPEG_LOSSLESS = '1.2.840.10008.1.2.4.70';
const BIG_ENDIAN = '1.2.840.10008.1.2.2';

test('negotiate: storage keeps a compressed syntax, prefers explicit VR, refuses what it cannot serve', () => {
  const decisions = negotiate(
    [
      { id: 1, abstractSyntax: CT, transferSyntaxes: [JPEG_LOSSLESS, EXPLICIT] },
      { id: 3, abstractSyntax: CT, transferSyntaxes: [IMPLICIT, EXPLICIT] },
      { id: 5, abstractSyntax: CT, transferSyntaxes: [BIG_ENDIAN] },
      { id: 7, abstractSyntax: STUDY_ROOT_FIND, transferSyntaxes: [IMPLICIT, EXPLICIT] },
      { id: 9, abstractSyntax: VERIFICATION, transferSyntaxes: [IMPLICIT] },
      { id: 11, abstractSyntax: '1.2.840.10008.5.1.4.31', transferSyntaxes: [IMPLICIT] },
      { id: 13, abstractSyntax: STUDY_ROOT_FIND, transferSyntaxes: [JPEG_LOSSLESS] },
    ],
    services,
  );
  assert.deepEqual(
    decisions.map((d) => (d.result === 'accept' ? [d.id, d.transferSyntax, d.service.name] : [d.id, d.result])),
    [
      [1, JPEG_LOSSLESS, 'storage'],
      [3, EXPLICIT, 'storage'],
      [5, 'transfer-syntaxes-not-supported'],
      [7, EXPLICIT, 'query'],
      [9, IMPLICIT, 'verification'],
      [11, 'abstract-syntax-not-supported'],
      [13, 'transfer-syntaxes-not-supported'],
    ],
  );
});

test('every SOP class goes to one service whatever the registration order', () => {
  const uids = [CT, ENHANCED_SR, STUDY_ROOT_FIND, PATIENT_ROOT_FIND, VERIFICATION, PROTOCOL_APPROVAL_FIND, HANGING_PROTOCOL_STORAGE, '1.2.840.10008.5.1.4.31'];
  for (const uid of uids) assert.ok(services.filter((s) => s.handles(uid)).length <= 1, `${uid} is claimed twice`);
  const expected = uids.map((uid) => serviceFor(services, uid)?.name);
  assert.deepEqual(expected, ['storage', 'storage', 'query', 'query', 'verification', undefined, 'storage', undefined]);
  for (let i = 0; i < 10; i++) {
    const shuffled = [...services].sort(() => Math.random() - 0.5);
    assert.deepEqual(uids.map((uid) => serviceFor(shuffled, uid)?.name), expected);
  }
});

test('AE titles compare without their padding', () => {
  assert.ok(sameAeTitle('PACS ', 'PACS'));
  assert.ok(!sameAeTitle('PACS2', 'PACS'));
});

test('C-GET: the SCP role is granted for storage classes only when a C-GET context is accepted', async () => {
  const { createGetScp } = await import('./c-get-scp.ts');
  const { createMoveScp } = await import('./c-move-scp.ts');
  const retrieve = { db: {} as never, tiers: () => undefined, log: noop };
  const withRetrieve = [...services, createGetScp(retrieve), createMoveScp({ ...retrieve, aeTitle: 'PACS' })];
  const STUDY_ROOT_GET = '1.2.840.10008.5.1.4.1.2.2.3';
  const STUDY_ROOT_MOVE = '1.2.840.10008.5.1.4.1.2.2.2';
  const proposal = [
    { id: 1, abstractSyntax: STUDY_ROOT_GET, transferSyntaxes: [EXPLICIT] },
    { id: 3, abstractSyntax: CT, transferSyntaxes: [EXPLICIT], scuRole: false, scpRole: true },
    { id: 5, abstractSyntax: STUDY_ROOT_FIND, transferSyntaxes: [EXPLICIT], scuRole: true, scpRole: true },
    { id: 7, abstractSyntax: ENHANCED_SR, transferSyntaxes: [EXPLICIT] },
  ];
  const roles = (d: ReturnType<typeof negotiate>) => d.map((x) => [x.id, x.result === 'accept' ? x.service.name : x.result, x.roles]);
  assert.deepEqual(roles(negotiate(proposal, withRetrieve)), [
    [1, 'retrieve-get', undefined],
    [3, 'storage', { scu: false, scp: true }],
    [5, 'query', { scu: true, scp: false }],
    [7, 'storage', undefined],
  ]);
  // Without a C-GET context (or without the C-GET service) nobody sends C-STOREs the other way.
  assert.deepEqual(roles(negotiate(proposal.slice(1), withRetrieve))[0], [3, 'storage', { scu: false, scp: false }]);
  assert.deepEqual(roles(negotiate(proposal, services))[0], [1, 'abstract-syntax-not-supported', undefined]);
  assert.deepEqual(roles(negotiate(proposal, services))[1], [3, 'storage', { scu: false, scp: false }]);
  // Move and get each claim their own classes and nothing else.
  for (const uid of [STUDY_ROOT_GET, STUDY_ROOT_MOVE, '1.2.840.10008.5.1.4.1.2.1.2', '1.2.840.10008.5.1.4.1.2.1.3', CT, STUDY_ROOT_FIND]) {
    assert.equal(withRetrieve.filter((s) => s.handles(uid)).length, 1, uid);
  }
});
